"""Every form Lantern's pages take input through, with the page it is posted to: the table
the fuzzer (tests/security/test_form_fuzz.py) works through.

`FORMS` has one line per form and page: the form class (dotted path), the URL
name and sample (tests/security/routes.py's SAMPLES, plus `kwargs` for the
URL), who submits it, how (POST, or GET for a search or period form), an
unbound instance to read its fields from, and `valid`: values that make the
rest of the form valid, so that a hostile value in one field reaches the save.
Every `forms.Form` / `forms.ModelForm` subclass defined in Lantern's modules
needs a line here or in `EXCLUDED`, with the reason.

`QUERY_PAGES` lists the pages that read query parameters by hand (not through
a form), with the parameters they read. `PERIOD_PAGES` lists every page and API
route that takes a period, with its two parameters (from, to).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.forms import BaseForm

from deathreviews.domains import DOMAINS
from tests.security.care_plan_forms import CARE_PLAN_FORMS


@dataclass(frozen=True)
class FormCase:
    form: str
    url: str
    sample: str
    user: str
    build: Callable[..., BaseForm]
    method: str = "POST"
    kwargs: dict[str, str] = field(default_factory=dict)
    valid: Callable[..., dict] = lambda w: {}

    @property
    def id(self) -> str:
        extra = "-".join(self.kwargs.values())
        return f"{self.form.rsplit('.', 1)[1]}@{self.url}" + (f"-{extra}" if extra else "")


def _jo(w):
    return w.jo_episode.service_user


def _people(w):
    from cases.selectors import service_users_visible_to

    return service_users_visible_to(w.users["gina"])


def _service_user_form(w):
    from cases.forms import ServiceUserForm

    return ServiceUserForm(user=w.users["alice"])


def _person_valid(w):
    return {
        "first_name": "Jo",
        "last_name": "Bloggs",
        "date_of_birth": "1980-04-01",
        "sex": "F",
        "team": str(w.jo_episode.service_user.team_id),
        "keyworker": str(w.users["alice"].pk),
    }


def _review_versions(w):
    return {"loaded_version": str(w.review.version)}


def _part_version(part):
    return lambda w: {"loaded_version": str(getattr(w, part).version)}


def _domain_case(slug: str) -> FormCase:
    def build(w):
        from deathreviews.forms import domain_form

        return domain_form(DOMAINS[slug])(instance=w.review)

    return FormCase(
        "deathreviews.forms.ReviewDomainForm",
        "review_edit",
        "review",
        "gina",
        build,
        kwargs={"domain": slug},
        valid=_review_versions,
    )


def _first_pk(model: str) -> str:
    from django.apps import apps

    return str(apps.get_model(model).objects.order_by("pk").values_list("pk", flat=True)[0])


def _days_ahead(days: int) -> str:
    import datetime

    from django.utils import timezone

    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _jo_referral(w):
    """jo's onward referral, made the first time a form case needs one."""
    from care.models import OnwardReferral
    from care.services import onward_referral_make

    jo = _jo(w)
    return OnwardReferral.objects.filter(service_user=jo).first() or onward_referral_make(
        service_user=jo,
        made_by=w.users["alice"],
        organisation_kind="gp",
        organisation_name="Riverside Surgery",
        reason="Blood pressure check.",
        made_on=_days_ahead(-3),
        follow_up_on=_days_ahead(7),
    )


def _form(path: str):
    module, name = path.rsplit(".", 1)
    import importlib

    return getattr(importlib.import_module(module), name)


FORMS: tuple[FormCase, ...] = (
    FormCase(
        "cases.forms.ReassignForm",
        "person_reassign",
        "jo",
        "tess",
        lambda w: _form("cases.forms.ReassignForm")(
            sizes=_form("cases.selectors.caseload_sizes")(_jo(w).team), current=_jo(w).keyworker
        ),
    ),
    FormCase(
        "cases.forms.BreakGlassForm",
        "break_glass_start",
        "-",
        "bob",
        lambda w: _form("cases.forms.BreakGlassForm")(),
        valid=lambda w: {
            "reference": _jo(w).client_ref,
            "reason": "Covering the North duty shift while alice is away.",
        },
    ),
    FormCase(
        "cases.forms.BreakGlassReviewForm",
        "break_glass_review",
        "grant",
        "gina",
        lambda w: _form("cases.forms.BreakGlassReviewForm")(),
        valid=lambda w: {"review_note": "Covering a duty shift: appropriate."},
    ),
    FormCase(
        "cases.forms.AccessReportSearchForm",
        "access_report_search",
        "-",
        "gina",
        lambda w: _form("cases.forms.AccessReportSearchForm")(),
        method="GET",
        valid=lambda w: {"reference": _jo(w).client_ref},
    ),
    FormCase(
        "cases.forms.PersonAddForm",
        "person_create",
        "-",
        "alice",
        lambda w: _form("cases.forms.PersonAddForm")(user=w.users["alice"]),
        # jo has the same name: past the duplicate warning, to reach the save.
        valid=lambda w: {**_person_valid(w), "different_person": "on"},
    ),
    FormCase(
        "cases.forms.TransferAnswerForm",
        "transfer_request_answer",
        "transfer",
        "tess",
        lambda w: _form("cases.forms.TransferAnswerForm")(),
        valid=lambda w: {"decision": "decline"},
    ),
    FormCase(
        "cases.forms.ServiceUserForm",
        "person_edit",
        "jo",
        "alice",
        _service_user_form,
        valid=_person_valid,
    ),
    FormCase(
        "cases.forms.EpisodeForm",
        "episode_edit",
        "jo-episode",
        "alice",
        lambda w: _form("cases.forms.EpisodeForm")(service_user=_jo(w), instance=w.jo_episode),
        valid=lambda w: {"referral_date": "2026-01-05", "substance_1": "1"},
    ),
    FormCase(
        "cases.forms.EpisodeForm",
        "episode_create",
        "jo",
        "alice",
        lambda w: _form("cases.forms.EpisodeForm")(service_user=_jo(w)),
        # jo's episode is open: a second one must be a closed, earlier one.
        valid=lambda w: {
            "referral_date": "2024-01-05",
            "discharge_date": "2024-06-01",
            "discharge_reason": _first_pk("cases.DischargeReason"),
        },
    ),
    FormCase(
        "cases.forms.InterventionForm",
        "intervention_create",
        "jo",
        "alice",
        lambda w: _form("cases.forms.InterventionForm")(service_user=_jo(w)),
        valid=lambda w: {"episode": str(w.jo_episode.pk), "kind": "psychosocial"},
    ),
    FormCase(
        "cases.forms.EventForm",
        "event_create",
        "jo",
        "alice",
        lambda w: _form("cases.forms.EventForm")(service_user=_jo(w)),
    ),
    FormCase(
        "cases.forms.EventHappenedForm",
        "event_happened",
        "jo-expected",
        "alice",
        lambda w: _form("cases.forms.EventHappenedForm")(instance=w.jo_expected),
        valid=lambda w: {"occurred_on": _days_ahead(0)},
    ),
    FormCase(
        "cases.forms.ContactForm",
        "contact_create",
        "jo",
        "alice",
        lambda w: _form("cases.forms.ContactForm")(service_user=_jo(w)),
    ),
    FormCase(
        "cases.forms.NaloxoneSupplyForm",
        "naloxone_create",
        "jo",
        "alice",
        lambda w: _form("cases.forms.NaloxoneSupplyForm")(service_user=_jo(w)),
        valid=lambda w: {"expiry_date": _days_ahead(700)},
    ),
    FormCase(
        "outcomes.forms.TopAssessmentForm",
        "top_create",
        "jo",
        "alice",
        lambda w: _form("outcomes.forms.TopAssessmentForm")(service_user=_jo(w)),
        valid=lambda w: {"episode": str(w.jo_episode.pk)},
    ),
    FormCase(
        "care.forms.notes.CaseNoteForm",
        "case_note_create",
        "jo",
        "alice",
        lambda w: _form("care.forms.notes.CaseNoteForm")(service_user=_jo(w)),
        valid=lambda w: {"note_date": _days_ahead(0), "kind": "keywork", "text": "Seen today."},
    ),
    FormCase(
        "care.forms.notes.OnwardReferralForm",
        "onward_referral_create",
        "jo",
        "alice",
        lambda w: _form("care.forms.notes.OnwardReferralForm")(service_user=_jo(w)),
        valid=lambda w: {
            "organisation_kind": "housing",
            "organisation_name": "Housing options",
            "reason": "Sofa surfing.",
            "made_on": _days_ahead(0),
            "follow_up_on": _days_ahead(14),
        },
    ),
    FormCase(
        "care.forms.notes.ReferralOutcomeForm",
        "onward_referral_outcome",
        "jo",
        "alice",
        lambda w: _form("care.forms.notes.ReferralOutcomeForm")(service_user=_jo(w)),
        valid=lambda w: {"referral": str(_jo_referral(w).external_id), "outcome": "accepted"},
    ),
    *(
        FormCase(form, url, sample, "alice", build, valid=valid)
        for form, url, sample, build, valid in CARE_PLAN_FORMS
    ),
    FormCase(
        "care.forms.assessments.RiskAssessmentForm",
        "risk_assessment_create",
        "jo",
        "alice",
        lambda w: _form("care.forms.RiskAssessmentForm")(service_user=_jo(w)),
        # Every factor answered yes: each then says which.
        valid=lambda w: {
            "tolerance_reason": "detox",
            "alongside_opioids": ["alcohol"],
            "housing": "homeless",
            "own_view": "Careful, mostly.",
            "review_on": _days_ahead(28),
            "plan_steps": ["not_alone"],
            "plan_review_on": _days_ahead(28),
        },
    ),
    FormCase(
        "exchange.forms.ImportUploadForm",
        "import_start",
        "-",
        "adam",
        lambda w: _form("exchange.forms.ImportUploadForm")(),
        valid=lambda w: {"dry_run": "on", "service_users": ("people.csv", b"client_ref\n")},
    ),
    FormCase(
        "exchange.forms.NdtmsPeriodForm",
        "ndtms_extract",
        "-",
        "tess",
        lambda w: _form("exchange.forms.NdtmsPeriodForm")(),
        method="GET",
    ),
    FormCase(
        "exchange.forms.NdtmsPeriodForm",
        "ndtms_download",
        "-",
        "adam",
        lambda w: _form("exchange.forms.NdtmsPeriodForm")(),
        method="GET",
    ),
    FormCase(
        "exchange.forms.NdtmsSubmissionPrepareForm",
        "ndtms_submissions",
        "-",
        "adam",
        lambda w: _form("exchange.forms.NdtmsSubmissionPrepareForm")(
            services=_form("exchange.selectors.services_submittable_by")(w.users["adam"])
        ),
    ),
    FormCase(
        "exchange.forms.NdtmsSubmissionRecordForm",
        "ndtms_submission_record",
        "submission",
        "adam",
        lambda w: _form("exchange.forms.NdtmsSubmissionRecordForm")(),
    ),
    FormCase(
        "risk.forms.FairnessFilterForm",
        "fairness_report",
        "-",
        "gina",
        lambda w: _form("risk.forms.FairnessFilterForm")(scope=None),
        method="GET",
    ),
    FormCase(
        "outcomes.forms.DataQualityForm",
        "data_quality",
        "-",
        "gina",
        lambda w: _form("outcomes.forms.DataQualityForm")(scope=None),
        method="GET",
    ),
    FormCase(
        "risk.forms.OutreachAttemptForm",
        "outreach_attempt_create",
        "jo",
        "alice",
        lambda w: _form("risk.forms.OutreachAttemptForm")(),
    ),
    FormCase(
        "risk.forms.FlagOverrideForm",
        "flag_override",
        "jo",
        "alice",
        lambda w: _form("risk.forms.FlagOverrideForm")(),
        valid=lambda w: {"confirm": "on", "expires_on": _days_ahead(7)},
    ),
    FormCase(
        "risk.forms.OverrideDecisionForm",
        "flag_override_decide",
        "kim",
        "tess",
        lambda w: _form("risk.forms.OverrideDecisionForm")(),
        valid=lambda w: {"decision": "decline", "note": "Speak to the ward first."},
    ),
    FormCase(
        "overdoses.follow_up_forms.FollowUpAttemptForm",
        "follow_up_attempt",
        "jo-follow-up",
        "alice",
        lambda w: _form("overdoses.follow_up_forms.FollowUpAttemptForm")(),
    ),
    FormCase(
        "overdoses.follow_up_forms.FollowUpCloseForm",
        "follow_up_close",
        "jo-follow-up",
        "alice",
        lambda w: _form("overdoses.follow_up_forms.FollowUpCloseForm")(),
        valid=lambda w: {"outcome": "died", "children_in_household": "no"},
    ),
    FormCase(
        "deathreviews.forms.NotifyForm",
        "review_notify",
        "-",
        "gina",
        lambda w: _form("deathreviews.forms.NotifyForm")(people=_people(w)),
        valid=lambda w: {"kind": "near_fatal", "notification_source": "police"},
    ),
    *(_domain_case(slug) for slug in DOMAINS),
    FormCase(
        "deathreviews.forms.LinkPersonForm",
        "review_link",
        "unknown-review",
        "gina",
        lambda w: _form("deathreviews.forms.LinkPersonForm")(people=_people(w)),
        valid=lambda w: {"loaded_version": str(w.unknown_review.version)},
    ),
    FormCase(
        "deathreviews.forms.ToxicologyForm",
        "review_toxicology_create",
        "review",
        "gina",
        lambda w: _form("deathreviews.forms.ToxicologyForm")(),
        valid=lambda w: {"loaded_version": "1"},
    ),
    FormCase(
        "deathreviews.forms.ToxicologyForm",
        "review_toxicology_edit",
        "finding",
        "gina",
        lambda w: _form("deathreviews.forms.ToxicologyForm")(instance=w.finding),
        valid=_part_version("finding"),
    ),
    FormCase(
        "deathreviews.forms.InformationRequestForm",
        "review_request_create",
        "review",
        "gina",
        lambda w: _form("deathreviews.forms.InformationRequestForm")(),
        valid=lambda w: {"loaded_version": "1"},
    ),
    FormCase(
        "deathreviews.forms.InformationRequestForm",
        "review_request_edit",
        "request",
        "gina",
        lambda w: _form("deathreviews.forms.InformationRequestForm")(instance=w.request),
        valid=_part_version("request"),
    ),
    FormCase(
        "deathreviews.forms.ActionForm",
        "review_action_create",
        "review",
        "gina",
        lambda w: _form("deathreviews.forms.ActionForm")(),
        valid=lambda w: {"loaded_version": "1", "owner": str(w.users["gina"].pk)},
    ),
    FormCase(
        "deathreviews.forms.ActionForm",
        "review_action_edit",
        "action",
        "gina",
        lambda w: _form("deathreviews.forms.ActionForm")(instance=w.action),
        valid=_part_version("action"),
    ),
    FormCase(
        "deathreviews.forms.BulletinApprovalForm",
        "bulletin_approve",
        "pending-learning",
        "gina",
        lambda w: _form("deathreviews.forms.BulletinApprovalForm")(),
        valid=lambda w: {"loaded_version": str(w.shared_review.version)},
    ),
    FormCase(
        "overdoses.forms.OverdoseRecordForm",
        "overdose_record",
        "-",
        "alice",
        lambda w: _form("overdoses.forms.OverdoseRecordForm")(
            user=w.users["alice"], people=_people(w)
        ),
        valid=lambda w: {"person": str(_jo(w).external_id), "information_source": "ambulance"},
    ),
    FormCase(
        "overdoses.forms.LinkRecordForm",
        "unidentified_detail",
        "someone",
        "alice",
        lambda w: _form("overdoses.forms.LinkRecordForm")(people=_people(w)),
        valid=lambda w: {"reference": _jo(w).client_ref},
    ),
    FormCase(
        "cases.forms.PersonAddForm",
        "unidentified_add_record",
        "someone",
        "alice",
        lambda w: _form("cases.forms.PersonAddForm")(user=w.users["alice"]),
        valid=lambda w: {**_person_valid(w), "different_person": "on"},
    ),
    FormCase(
        "overdoses.forms.NonClientNaloxoneForm",
        "naloxone_non_client",
        "-",
        "alice",
        lambda w: _form("overdoses.forms.NonClientNaloxoneForm")(user=w.users["alice"]),
        valid=lambda w: {"recipient": "peer", "expiry_date": _days_ahead(700)},
    ),
    FormCase(
        "django.contrib.auth.forms.AuthenticationForm",
        "login",
        "-",
        "anon",
        lambda w: _form("django.contrib.auth.forms.AuthenticationForm")(),
    ),
)

# Record kinds whose forms are listed in modules of their own (this one would pass 600
# lines); each module reads this one's helpers, so they are joined at its end. So are the
# form classes not posted as they are (`EXCLUDED`, with why), the pages that take a query
# string and those that take a period.
from tests.security.case_review_forms import CASE_REVIEW_FORMS  # noqa: E402
from tests.security.commissioner_forms import (  # noqa: E402
    COMMISSIONER_FORMS,
    COMMISSIONER_PERIOD_PAGES,
)
from tests.security.forms_audits import AUDIT_FORMS  # noqa: E402
from tests.security.forms_excluded import EXCLUDED as EXCLUDED  # noqa: E402
from tests.security.forms_health import HEALTH_FORMS  # noqa: E402
from tests.security.forms_safeguarding import SAFEGUARDING_FORMS  # noqa: E402
from tests.security.partner_forms import PARTNER_FORMS  # noqa: E402
from tests.security.query_pages import PERIOD_PAGES as PERIOD_PAGES  # noqa: E402
from tests.security.query_pages import QUERY_PAGES as QUERY_PAGES  # noqa: E402

FORMS = (
    *FORMS,
    *SAFEGUARDING_FORMS,
    *HEALTH_FORMS,
    *CASE_REVIEW_FORMS,
    *AUDIT_FORMS,
    *PARTNER_FORMS,
    *COMMISSIONER_FORMS,
)
PERIOD_PAGES = (*PERIOD_PAGES, *COMMISSIONER_PERIOD_PAGES)
