"""The case review's forms in the fuzz table (tests/security/forms.py adds them to FORMS)."""

from tests.security.forms import FormCase, _days_ahead, _form, _jo, _people


def _led_teams(w):
    from casereviews.selectors import led_teams

    return led_teams(w.users["tess"])


def _team_staff(w):
    from casereviews.selectors import team_staff

    return team_staff(_jo(w).team)


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
)
