"""Blood-borne virus tests: offered, accepted or declined, taken, the result, and for a
positive hepatitis C RNA result the treatment, each refused at its field when it cannot be
right, with the write history, never deleted."""

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.urls import reverse

from care.models import BloodBorneVirusTest
from care.models.health import (
    COMPLETED_BEFORE_STARTED,
    CURED_BEFORE_COMPLETED,
    IN_THE_FUTURE,
    RESULT_BEFORE_TEST,
    RESULT_NEEDS_DATE,
    RESULT_WITHOUT_TEST,
    STARTED_BEFORE_REFERRAL,
    TESTED_BEFORE_OFFERED,
    TESTED_BUT_DECLINED,
)
from tests.care.factories import bbv_test_of
from tests.factories import ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db


def url(name: str, person) -> str:
    return reverse(name, args=[person.external_id])


def page(person) -> str:
    return reverse("person_detail", args=[person.external_id])


def bbv_data(**changes) -> dict:
    return {
        "virus": "hcv_antibody",
        "offered_on": days_ago(3).isoformat(),
        "accepted": "true",
        "tested_on": days_ago(3).isoformat(),
        "result": "",
        "result_on": "",
        **changes,
    }


def test_a_keyworker_records_a_test_and_the_page_says_it_in_words(client_as, alice, jo):
    client = client_as(alice)
    response = client.post(url("bbv_test_create", jo), bbv_data())

    assert response.status_code == 302
    test = BloodBorneVirusTest.objects.get(service_user=jo)
    assert (test.recorded_by, test.accepted, test.result) == (alice, True, "")
    content = client.get(page(jo)).content.decode()
    assert f"Hepatitis C antibody: tested {days_ago(3):%d/%m/%Y}, result not known yet" in content
    assert "Record the result" in content


def test_a_declined_offer_is_recorded_without_a_test(client_as, alice, jo):
    client = client_as(alice)
    response = client.post(
        url("bbv_test_create", jo), bbv_data(virus="hiv", accepted="false", tested_on="")
    )

    assert response.status_code == 302
    assert f"HIV: offered {days_ago(3):%d/%m/%Y}, declined" in client.get(page(jo)).content.decode()


def test_another_teams_keyworker_finds_no_such_person_and_governance_writes_none(
    client_as, bob, gina, alice, jo
):
    test = bbv_test_of(jo, alice, tested=5)
    other = client_as(bob)
    for name in ("bbv_test_create", "bbv_test_result", "hep_c_treatment"):
        assert other.get(url(name, jo)).status_code == 404
    assert other.post(url("bbv_test_create", jo), bbv_data()).status_code == 404
    refused = other.post(
        url("bbv_test_result", jo),
        {
            "test": str(test.external_id),
            "tested_on": days_ago(5).isoformat(),
            "result": "negative",
            "result_on": days_ago(1).isoformat(),
        },
    )
    assert refused.status_code == 404
    assert client_as(gina).post(url("bbv_test_create", jo), bbv_data()).status_code == 403
    assert BloodBorneVirusTest.objects.count() == 1
    test.refresh_from_db()
    assert test.result == ""


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"offered_on": days_ago(-1).isoformat(), "tested_on": ""}, "offered_on", IN_THE_FUTURE),
        ({"tested_on": days_ago(4).isoformat()}, "tested_on", TESTED_BEFORE_OFFERED),
        ({"accepted": "false"}, "tested_on", TESTED_BUT_DECLINED),
        ({"tested_on": "", "result": "negative"}, "tested_on", RESULT_WITHOUT_TEST),
        ({"result": "negative"}, "result_on", RESULT_NEEDS_DATE),
        (
            {"result": "negative", "result_on": days_ago(5).isoformat()},
            "result_on",
            RESULT_BEFORE_TEST,
        ),
        ({"accepted": ""}, "accepted", "Say whether the test was accepted or declined."),
        ({"virus": ""}, "virus", "Choose what the test is for."),
    ],
)
def test_a_test_that_cannot_be_right_is_refused_at_its_field_and_nothing_is_written(
    client_as, alice, jo, changes, field, message
):
    response = client_as(alice).post(url("bbv_test_create", jo), bbv_data(**changes))

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert not BloodBorneVirusTest.objects.exists()


def test_the_result_is_recorded_later_and_the_history_keeps_each_step(client_as, alice, jo):
    test = bbv_test_of(jo, alice, virus="hcv_rna", offered=20)
    client = client_as(alice)
    form = client.get(url("bbv_test_result", jo), {"test": str(test.external_id)}).context["form"]
    assert form["test"].value() == str(test.external_id)

    client.post(
        url("bbv_test_result", jo),
        {"test": str(test.external_id), "tested_on": days_ago(15).isoformat(), "result": "pending"},
    )
    response = client.post(
        url("bbv_test_result", jo),
        {
            "test": str(test.external_id),
            "tested_on": days_ago(15).isoformat(),
            "result": "positive",
            "result_on": days_ago(2).isoformat(),
        },
    )

    assert response.status_code == 302
    test.refresh_from_db()
    assert (test.result, test.result_on) == ("positive", days_ago(2))
    assert [e.result for e in test.history.order_by("pgh_id")] == ["", "pending", "positive"]
    content = client.get(page(jo)).content.decode()
    assert "Hepatitis C RNA (PCR): positive" in content
    assert "Not yet referred for treatment" in content


def test_a_result_needs_one_of_this_persons_accepted_tests(client_as, alice, jo, north):
    kit = ServiceUserFactory(team=north, keyworker=alice)
    theirs = bbv_test_of(kit, alice, tested=5)
    declined = bbv_test_of(jo, alice, accepted=False)
    client = client_as(alice)

    for test in (theirs, declined):
        response = client.post(
            url("bbv_test_result", jo),
            {
                "test": str(test.external_id),
                "tested_on": days_ago(5).isoformat(),
                "result": "negative",
                "result_on": days_ago(1).isoformat(),
            },
        )
        assert response.status_code == 400
        assert response.context["form"].errors["test"] == ["Choose one of this person's tests."]
    nothing = client.post(url("bbv_test_result", jo), {"test": "not-a-uuid", "result": "bad"})
    assert nothing.status_code == 400
    assert set(nothing.context["form"].errors) == {"test", "result"}


def test_a_result_that_cannot_be_right_is_refused_at_its_field(client_as, alice, jo):
    test = bbv_test_of(jo, alice, offered=10)
    response = client_as(alice).post(
        url("bbv_test_result", jo),
        {
            "test": str(test.external_id),
            "tested_on": days_ago(12).isoformat(),
            "result": "negative",
            "result_on": days_ago(1).isoformat(),
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["tested_on"] == [TESTED_BEFORE_OFFERED]
    test.refresh_from_db()
    assert (test.tested_on, test.result) == (None, "")


def positive_rna(jo, alice):
    return bbv_test_of(
        jo, alice, virus="hcv_rna", offered=200, tested=190, result="positive", result_on=180
    )


def test_treatment_follows_a_positive_hepatitis_c_rna_result_to_a_cure(client_as, alice, jo):
    test = positive_rna(jo, alice)
    client = client_as(alice)
    response = client.post(
        url("hep_c_treatment", jo),
        {
            "test": str(test.external_id),
            "treatment_referred_on": days_ago(170).isoformat(),
            "treatment_started_on": days_ago(150).isoformat(),
            "treatment_completed_on": days_ago(66).isoformat(),
            "cured": "true",
        },
    )

    assert response.status_code == 302
    test.refresh_from_db()
    assert test.cured is True
    assert "Treated: cured" in client.get(page(jo)).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"treatment_started_on": days_ago(175)}, "treatment_started_on", STARTED_BEFORE_REFERRAL),
        (
            {"treatment_started_on": days_ago(150), "treatment_completed_on": days_ago(160)},
            "treatment_completed_on",
            COMPLETED_BEFORE_STARTED,
        ),
        ({"cured": "false"}, "cured", CURED_BEFORE_COMPLETED),
        ({"treatment_referred_on": days_ago(-2)}, "treatment_referred_on", IN_THE_FUTURE),
    ],
)
def test_treatment_that_cannot_be_right_is_refused_at_its_field(
    client_as, alice, jo, changes, field, message
):
    test = positive_rna(jo, alice)
    data = {"test": str(test.external_id), "treatment_referred_on": days_ago(170), **changes}
    response = client_as(alice).post(
        url("hep_c_treatment", jo),
        {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()},
    )

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    test.refresh_from_db()
    assert test.treatment_referred_on is None


def test_treatment_is_only_for_a_positive_hepatitis_c_rna_result(client_as, alice, jo):
    antibody = bbv_test_of(jo, alice, tested=9, result="positive", result_on=2)
    response = client_as(alice).post(
        url("hep_c_treatment", jo),
        {"test": str(antibody.external_id), "treatment_referred_on": days_ago(1).isoformat()},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["test"] == [
        "Choose one of this person's positive hepatitis C RNA results."
    ]


def test_a_test_is_never_deleted(alice, jo):
    test = bbv_test_of(jo, alice)
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        BloodBorneVirusTest.objects.filter(pk=test.pk).delete()
    assert BloodBorneVirusTest.objects.filter(pk=test.pk).exists()
