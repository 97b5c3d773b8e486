"""The safeguarding record's forms for the fuzz table (tests/security/forms.py `FORMS`,
which adds these): each with its page, who submits it and values that make it valid."""

from tests.security.forms import FormCase, _days_ahead, _form, _jo


def _jo_protection_referral(w):
    """jo's protection referral, made the first time a form case needs one."""
    import datetime

    from care.models import ProtectionReferral
    from care.services import protection_referral_make

    jo = _jo(w)
    return ProtectionReferral.objects.filter(service_user=jo).first() or protection_referral_make(
        service_user=jo,
        made_by=w.users["alice"],
        agency="childrens_social_care",
        reason="Medication within a child's reach.",
        made_on=datetime.date.fromisoformat(_days_ahead(-3)),
    )


def _jo_concern(w):
    """jo's open safeguarding concern, raised the first time a form case needs one."""
    from care.models import SafeguardingConcern
    from care.services import safeguarding_concern_raise

    jo = _jo(w)
    return SafeguardingConcern.objects.filter(
        service_user=jo, closed_on__isnull=True
    ).first() or safeguarding_concern_raise(
        service_user=jo,
        raised_by=w.users["alice"],
        kind="exploitation",
        exploitation="cuckooing",
        raised_on=_days_ahead(-3),
        note="Flat used by a dealer.",
    )


SAFEGUARDING_FORMS: tuple[FormCase, ...] = (
    FormCase(
        "care.forms.safeguarding.ChildInContactForm",
        "child_in_contact_edit",
        "jo",
        "alice",
        lambda w: _form("care.forms.safeguarding.ChildInContactForm")(service_user=_jo(w)),
        valid=lambda w: {
            "label": "A",
            "year_of_birth": _days_ahead(-3 * 365)[:4],
            "lives_with": "lives_with",
            "social_care": "none",
            "recorded_on": _days_ahead(0),
        },
    ),
    FormCase(
        "care.forms.safeguarding.SafeStorageForm",
        "safe_storage_edit",
        "jo",
        "alice",
        lambda w: _form("care.forms.safeguarding.SafeStorageForm")(service_user=_jo(w)),
        valid=lambda w: {"storage_discussed_on": _days_ahead(0)},
    ),
    FormCase(
        "care.forms.safeguarding.ProtectionReferralForm",
        "protection_referral_create",
        "jo",
        "alice",
        lambda w: _form("care.forms.safeguarding.ProtectionReferralForm")(service_user=_jo(w)),
        valid=lambda w: {
            "agency": "childrens_social_care",
            "reason": "Medication within a child's reach.",
            "made_on": _days_ahead(0),
        },
    ),
    FormCase(
        "care.forms.safeguarding.ProtectionOutcomeForm",
        "protection_referral_outcome",
        "jo",
        "alice",
        lambda w: _form("care.forms.safeguarding.ProtectionOutcomeForm")(service_user=_jo(w)),
        valid=lambda w: {
            "referral": str(_jo_protection_referral(w).external_id),
            "outcome": "strategy_meeting",
            "outcome_on": _days_ahead(0),
        },
    ),
    FormCase(
        "care.forms.safeguarding.SafeguardingConcernForm",
        "safeguarding_concern_create",
        "jo",
        "alice",
        lambda w: _form("care.forms.safeguarding.SafeguardingConcernForm")(service_user=_jo(w)),
        valid=lambda w: {
            "kind": "domestic_abuse",
            "abuse_role": "victim",
            "raised_on": _days_ahead(0),
            "note": "Disclosed at keywork.",
        },
    ),
    FormCase(
        "care.forms.safeguarding.ConcernCloseForm",
        "safeguarding_concern_close",
        "jo",
        "alice",
        lambda w: _form("care.forms.safeguarding.ConcernCloseForm")(service_user=_jo(w)),
        valid=lambda w: {
            "concern": str(_jo_concern(w).external_id),
            "closed_on": _days_ahead(0),
        },
    ),
)
