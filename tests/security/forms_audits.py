"""The case-file audit's forms in the fuzz table (tests/security/forms.py adds them to FORMS)."""

from tests.security.forms import FormCase, _form, _jo


def _teams(w):
    from care.selectors import audit_teams_for

    return audit_teams_for(w.users["gina"])


def _jo_checks(w):
    from care.selectors import checks_of
    from tests.security.routes import audit_round

    return checks_of(audit_round(w).people.get(service_user=_jo(w)))


def _all_disagreed() -> dict[str, str]:
    from care.models import AuditItem

    return {
        **{f"{item}_judgement": "disagree" for item in AuditItem.values},
        **{f"{item}_comment": "Not what the file shows." for item in AuditItem.values},
    }


AUDIT_FORMS: tuple[FormCase, ...] = (
    FormCase(
        "care.forms.audits.AuditDrawForm",
        "care_audit_draw",
        "-",
        "gina",
        lambda w: _form("care.forms.AuditDrawForm")(teams=_teams(w)),
        valid=lambda w: {"team": str(_jo(w).team_id), "sample_size": "10"},
    ),
    FormCase(
        "care.forms.audits.AuditChecklistForm",
        "care_audit_person",
        "audit-round-jo",
        "tess",
        lambda w: _form("care.forms.AuditChecklistForm")(checks=_jo_checks(w)),
        valid=lambda w: _all_disagreed(),
    ),
)
