"""The harm reduction and health forms for the fuzzer's table (`tests/security/forms.py`,
which adds them to `FORMS`)."""

from tests.security.forms import FormCase, _days_ahead, _form, _jo


def _jo_test(w, **fields):
    """jo's hepatitis C RNA test, tested a week ago with its result to come, made the first
    time a form case needs one; `positive` gives it a positive result."""
    from care.models import BloodBorneVirusTest
    from care.services import bbv_test_record, bbv_test_result_record

    jo = _jo(w)
    test = BloodBorneVirusTest.objects.filter(service_user=jo, virus="hcv_rna").first()
    if test is None:
        test = bbv_test_record(
            service_user=jo,
            recorded_by=w.users["alice"],
            virus="hcv_rna",
            offered_on=_days_ahead(-10),
            accepted=True,
            tested_on=_days_ahead(-7),
        )
    if fields.get("positive") and test.result != "positive":
        test = bbv_test_result_record(
            test=test, tested_on=test.tested_on, result="positive", result_on=_days_ahead(-3)
        )
    return test


HEALTH_FORMS: tuple[FormCase, ...] = (
    FormCase(
        "care.forms.health.BbvTestForm",
        "bbv_test_create",
        "jo",
        "alice",
        lambda w: _form("care.forms.health.BbvTestForm")(service_user=_jo(w)),
        valid=lambda w: {
            "virus": "hcv_antibody",
            "offered_on": _days_ahead(-1),
            "accepted": "true",
            "tested_on": _days_ahead(0),
        },
    ),
    FormCase(
        "care.forms.health.BbvTestResultForm",
        "bbv_test_result",
        "jo",
        "alice",
        lambda w: _form("care.forms.health.BbvTestResultForm")(service_user=_jo(w)),
        valid=lambda w: {
            "test": str(_jo_test(w).external_id),
            "tested_on": _days_ahead(-7),
            "result": "negative",
            "result_on": _days_ahead(0),
        },
    ),
    FormCase(
        "care.forms.health.HepCTreatmentForm",
        "hep_c_treatment",
        "jo",
        "alice",
        lambda w: _form("care.forms.health.HepCTreatmentForm")(service_user=_jo(w)),
        valid=lambda w: {
            "test": str(_jo_test(w, positive=True).external_id),
            "treatment_referred_on": _days_ahead(0),
        },
    ),
    FormCase(
        "care.forms.health.HepBVaccinationForm",
        "hep_b_vaccination_create",
        "jo",
        "alice",
        lambda w: _form("care.forms.health.HepBVaccinationForm")(service_user=_jo(w)),
        valid=lambda w: {"kind": "declined", "given_on": _days_ahead(0)},
    ),
    FormCase(
        "care.forms.health.NspContactForm",
        "nsp_contact_create",
        "jo",
        "alice",
        lambda w: _form("care.forms.health.NspContactForm")(team=_jo(w).team, service_user=_jo(w)),
        valid=lambda w: {"contact_on": _days_ahead(0), "needles_syringes": "10"},
    ),
    FormCase(
        "care.forms.health.NspContactForm",
        "nsp_team",
        "-",
        "alice",
        lambda w: _form("care.forms.health.NspContactForm")(team=_jo(w).team),
        valid=lambda w: {"contact_on": _days_ahead(0), "foil": "5", "advice_given": "on"},
    ),
    FormCase(
        "care.forms.health.MentalHealthNeedForm",
        "mental_health_need_create",
        "jo",
        "alice",
        lambda w: _form("care.forms.health.MentalHealthNeedForm")(service_user=_jo(w)),
        valid=lambda w: {
            "recorded_on": _days_ahead(0),
            "diagnosis": "depression",
            "treated_by": "gp",
            "treated_since": _days_ahead(-30),
        },
    ),
    FormCase(
        "care.forms.health.PharmacyArrangementForm",
        "pharmacy_arrangement_create",
        "jo",
        "alice",
        lambda w: _form("care.forms.health.PharmacyArrangementForm")(service_user=_jo(w)),
        valid=lambda w: {
            "pharmacy_name": "High Street Pharmacy",
            "dispensing": "daily_supervised",
            "since": _days_ahead(-7),
        },
    ),
    FormCase(
        "care.forms.health.PhysicalHealthCheckForm",
        "physical_health_check_create",
        "jo",
        "alice",
        lambda w: _form("care.forms.health.PhysicalHealthCheckForm")(service_user=_jo(w)),
        valid=lambda w: {"checked_on": _days_ahead(0), "kind": "dvt", "outcome": "fine"},
    ),
)
