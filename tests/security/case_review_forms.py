"""The case review's forms in the fuzz table (tests/security/forms.py adds them to FORMS)."""

from tests.security.forms import FormCase, _days_ahead, _form, _jo, _people


def _led_teams(w):
    from casereviews.selectors import led_teams

    return led_teams(w.users["tess"])


def _team_staff(w):
    from casereviews.selectors import team_staff

    return team_staff(_jo(w).team)


def _to_invite(w):
    from casereviews.selectors import organisations_to_invite

    return organisations_to_invite(w.case_review)


def _organisation_to_invite(w):
    from partners.models import PartnerOrganisation

    organisation, _ = PartnerOrganisation.objects.get_or_create(
        name="Probation Service", defaults={"kind": "prison"}
    )
    return organisation


CASE_REVIEW_FORMS: tuple[FormCase, ...] = (
    FormCase(
        "casereviews.forms.MeetingForm",
        "case_review_schedule",
        "-",
        "tess",
        lambda w: _form("casereviews.forms.MeetingForm")(teams=_led_teams(w), staff=_team_staff(w)),
        valid=lambda w: {
            "team": str(_jo(w).team_id),
            "meets_on": _days_ahead(3),
            "meets_at": "10:00",
            "place": "Room 2",
        },
    ),
    FormCase(
        "casereviews.forms.PeopleForm",
        "case_review_people",
        "case-review",
        "tess",
        lambda w: _form("casereviews.forms.PeopleForm")(candidates=_people(w)),
        valid=lambda w: {"people": str(_jo(w).external_id)},
    ),
    FormCase(
        "casereviews.forms.DecisionsForm",
        "case_review_decisions",
        "case-review-jo",
        "tess",
        lambda w: _form("casereviews.forms.DecisionsForm")(),
        valid=lambda w: {"decisions": "Daily contact.", "next_review_on": _days_ahead(14)},
    ),
    FormCase(
        "casereviews.forms.ActionForm",
        "case_review_action_create",
        "case-review-jo",
        "tess",
        lambda w: _form("casereviews.forms.ActionForm")(staff=_team_staff(w)),
        valid=lambda w: {
            "description": "Offer naloxone.",
            "owner": str(w.users["alice"].pk),
            "due_on": _days_ahead(7),
        },
    ),
    FormCase(
        "casereviews.forms.ActionDoneForm",
        "case_review_action_done",
        "case-review-action",
        "alice",
        lambda w: _form("casereviews.forms.ActionDoneForm")(),
        valid=lambda w: {"done_on": _days_ahead(0)},
    ),
    FormCase(
        "casereviews.forms.TeamSettingForm",
        "case_review_setting",
        "-",
        "tess",
        lambda w: _form("casereviews.forms.TeamSettingForm")(teams=_led_teams(w)),
        valid=lambda w: {"team": str(_jo(w).team_id)},
    ),
    FormCase(
        "casereviews.forms.InviteForm",
        "case_review_invite",
        "case-review",
        "tess",
        lambda w: _form("casereviews.forms.InviteForm")(organisations=_to_invite(w)),
        valid=lambda w: {"organisations": str(_organisation_to_invite(w).pk)},
    ),
)
