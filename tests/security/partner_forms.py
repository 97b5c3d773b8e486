"""The forms of a person's sharing with partners in the fuzz table (tests/security/forms.py
adds them to FORMS). The partner's own forms are posted by a partner, who is not in the
world's cast: most are in EXCLUDED, and tested in tests/partners/test_partner_pages.py;
the section of a joint review and the contribution to a case review are fuzzed here as pat of Northshire Police, the one user
"pat" that tests/security/test_form_fuzz.py signs in from tests/partners/world.py."""

from tests.security.forms import FormCase, _days_ahead, _form


def _police(w) -> str:
    from tests.partners.world import partner_world

    return str(partner_world(w).police.pk)


PARTNER_FORMS: tuple[FormCase, ...] = (
    FormCase(
        "partners.forms.ConsentForm",
        "sharing_consent_create",
        "jo",
        "alice",
        lambda w: _form("partners.forms.ConsentForm")(),
        valid=lambda w: {
            "organisation": _police(w),
            "given_on": _days_ahead(-1),
            "how": "written",
            "scope": "Contacts and risk.",
        },
    ),
    FormCase(
        "partners.forms.ConsentWithdrawForm",
        "sharing_consent_withdraw",
        "jo-consent",
        "alice",
        lambda w: _form("partners.forms.ConsentWithdrawForm")(),
        valid=lambda w: {"withdrawn_on": _days_ahead(0)},
    ),
    FormCase(
        "partners.forms.SharingBasisForm",
        "sharing_basis_create",
        "jo",
        "alice",
        lambda w: _form("partners.forms.SharingBasisForm")(),
        valid=lambda w: {
            "organisation": _police(w),
            "basis": "vital_interests",
            "reason": "An overdose last night; the police found him.",
            "decided_by": "Tess Lead",
            "decided_on": _days_ahead(0),
        },
    ),
    FormCase(
        "web.partner_views.JointSectionForm",
        "partner_joint_section",
        "partner-joint",
        "pat",
        lambda w: _form("web.partner_views.JointSectionForm")(initial={"loaded_version": 0}),
        valid=lambda w: {
            "knew": "Two custody contacts in the month before.",
            "did": "Referred him to the drug service from custody.",
            "findings": "",
            "learning": "",
            "loaded_version": "0",
        },
    ),
    FormCase(
        "web.partner_views.ContributionForm",
        "partner_case_review",
        "partner-case-review",
        "pat",
        lambda w: _form("web.partner_views.ContributionForm")(initial={"loaded_version": 0}),
        valid=lambda w: {
            "knows": "Arrested twice this month; found unwell in custody once.",
            "doing": "A welfare check at his address this week.",
            "loaded_version": "0",
        },
    ),
)
