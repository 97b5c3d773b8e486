"""Overdose risk assessments and safety plans: recorded by the person's team, checked at
each field, never deleted, each new one superseding the last, shown on the person page."""

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.urls import reverse

from care import models as m
from care.forms.assessments import ANSWER_NEEDED
from care.models import RiskAssessment
from tests.care.factories import assessment_of
from tests.factories import days_ago

pytestmark = pytest.mark.django_db


def url(person) -> str:
    return reverse("risk_assessment_create", args=[person.external_id])


def page(person) -> str:
    return reverse("person_detail", args=[person.external_id])


def full_page(person) -> str:
    return reverse("risk_assessment_detail", args=[person.external_id])


def assessment_data(**changes) -> dict:
    return {
        "assessed_on": days_ago(0).isoformat(),
        "uses_alone": "yes",
        "uses_alone_detail": "In the flat, most evenings.",
        "reduced_tolerance": "yes",
        "tolerance_reason": "prison",
        "reduced_tolerance_detail": "Released nine days ago.",
        "polydrug": "yes",
        "alongside_opioids": ["benzodiazepines", "alcohol"],
        "recent_overdose": "no",
        "mental_health": "not_known",
        "housing_problem": "yes",
        "housing": "insecure",
        "own_view": "I know my limits, but I am scared since prison.",
        "judgement": "very_high",
        "review_on": days_ago(-28).isoformat(),
        "plan_steps": ["not_alone", "test_dose"],
        "plan_in_their_words": "Text my sister before I use.",
        "plan_contacts": "Sam (sister)",
        "naloxone_held": "yes",
        "naloxone_around": "no",
        "plan_review_on": days_ago(-14).isoformat(),
        **changes,
    }


def test_a_keyworker_records_an_assessment_and_the_person_page_shows_it(client_as, alice, jo):
    client = client_as(alice)
    response = client.post(url(jo), assessment_data())

    assert response.status_code == 302
    assert response["Location"] == page(jo)
    saved = RiskAssessment.objects.get(service_user=jo)
    assert (saved.assessed_by, saved.judgement, saved.tolerance_reason) == (
        alice,
        "very_high",
        "prison",
    )
    assert saved.alongside_opioids == ["benzodiazepines", "alcohol"]
    assert saved.history.count() == 1
    response = client.get(page(jo))
    content = response.content.decode()
    assert response.context["risk_assessment"] == saved
    assert "Overdose risk assessment" in content
    assert "Very high" in content
    assert f"By {days_ago(-28):%d/%m/%Y}" in content
    # The plan's first lines: what they will do, then in their words.
    assert "Not use alone, or tell someone first<br>Test a small amount first" in content
    assert "Text my sister before I use." in content
    assert full_page(jo) in content


def test_another_teams_keyworker_finds_no_such_person_and_records_nothing(client_as, bob, jo):
    client = client_as(bob)
    assert client.get(url(jo)).status_code == 404
    assert client.post(url(jo), assessment_data()).status_code == 404
    assert client.get(full_page(jo)).status_code == 404
    assert not RiskAssessment.objects.exists()


def test_a_commissioner_finds_no_such_person(client_as, cora, alice, jo):
    assessment_of(jo, alice)
    client = client_as(cora)
    assert client.get(full_page(jo)).status_code == 404
    assert client.post(url(jo), assessment_data()).status_code == 404


def test_governance_reads_assessments_but_does_not_record_them(client_as, gina, alice, jo):
    assessment_of(jo, alice, own_view="Fine, honestly.")
    client = client_as(gina)

    person_page = client.get(page(jo)).content.decode()
    full = client.get(full_page(jo))
    refused = client.post(url(jo), assessment_data())

    assert "Record a new assessment" not in person_page
    assert full.status_code == 200
    assert "Fine, honestly." in full.content.decode()
    assert "Record a new assessment" not in full.content.decode()
    assert refused.status_code == 403
    assert RiskAssessment.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"assessed_on": days_ago(-1).isoformat()}, "assessed_on", m.ASSESSMENT_IN_THE_FUTURE),
        (
            {"assessed_on": days_ago(3).isoformat(), "review_on": days_ago(4).isoformat()},
            "review_on",
            m.REVIEW_BEFORE_ASSESSMENT,
        ),
        (
            {"assessed_on": days_ago(3).isoformat(), "plan_review_on": days_ago(5).isoformat()},
            "plan_review_on",
            m.PLAN_REVIEW_BEFORE_ASSESSMENT,
        ),
        ({"tolerance_reason": ""}, "tolerance_reason", m.TOLERANCE_WHY_NEEDED),
        ({"reduced_tolerance": "no"}, "tolerance_reason", m.TOLERANCE_WHY_ONLY_IF_REDUCED),
        ({"alongside_opioids": []}, "alongside_opioids", m.POLYDRUG_WHAT_NEEDED),
        ({"polydrug": "not_known"}, "alongside_opioids", m.POLYDRUG_WHAT_ONLY_IF_YES),
        ({"housing": ""}, "housing", m.HOUSING_WHAT_NEEDED),
        ({"housing_problem": "no"}, "housing", m.HOUSING_WHAT_ONLY_IF_YES),
        ({"own_view": "   "}, "own_view", m.OWN_VIEW_EMPTY),
        ({"plan_steps": [], "plan_in_their_words": " "}, "plan_steps", m.PLAN_EMPTY),
        ({"uses_alone": ""}, "uses_alone", ANSWER_NEEDED),
        ({"naloxone_held": "maybe"}, "naloxone_held", None),
        ({"alongside_opioids": ["heroin"]}, "alongside_opioids", None),
        ({"review_on": "31/02/2026"}, "review_on", None),
        (
            {"judgement": ""},
            "judgement",
            "Choose your overall judgement: low, medium, high or very high.",
        ),
    ],
)
def test_a_bad_assessment_is_refused_at_its_field_and_nothing_is_written(
    client_as, alice, jo, changes, field, message
):
    response = client_as(alice).post(url(jo), assessment_data(**changes))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    if message is not None:
        assert errors[field] == [message]
    assert not RiskAssessment.objects.exists()


def test_the_database_refuses_to_delete_an_assessment(alice, jo):
    assessment = assessment_of(jo, alice)
    refused = (IntegrityError, InternalError, ProgrammingError)
    with pytest.raises(refused, match="never deleted"), transaction.atomic():
        RiskAssessment.objects.filter(pk=assessment.pk).delete()
    assert RiskAssessment.objects.filter(pk=assessment.pk).exists()


def test_a_new_assessment_starts_from_the_last_and_supersedes_it(client_as, alice, jo):
    first = assessment_of(jo, alice, day=40, review=5, judgement="high", plan_contacts="Mo")
    client = client_as(alice)

    form = client.get(url(jo)).context["form"]
    assert form.initial["judgement"] == "high"
    assert form.initial["plan_contacts"] == "Mo"
    assert "assessed_on" not in form.initial
    assert "review_on" not in form.initial
    assert "start from the assessment of" in client.get(url(jo)).content.decode()

    client.post(url(jo), assessment_data(judgement="medium"))
    latest = RiskAssessment.objects.exclude(pk=first.pk).get()

    on_person_page = client.get(page(jo)).context["risk_assessment"]
    history = client.get(full_page(jo)).context["history"]
    earlier = client.get(full_page(jo), {"assessment": str(first.external_id)})
    assert on_person_page == latest
    assert history == [latest, first]
    assert earlier.context["assessment"] == first
    assert f"Superseded by the assessment of {days_ago(0):%d/%m/%Y}" in earlier.content.decode()
    first.refresh_from_db()
    assert first.judgement == "high"


def test_an_overdue_review_is_said_in_words_on_the_person_page(client_as, alice, jo):
    assessment_of(jo, alice, day=100, review=10, plan_review=3)

    content = client_as(alice).get(page(jo)).content.decode()

    assert f"Review overdue: it was due {days_ago(10):%d/%m/%Y}" in content
    assert f"Plan review overdue: it was due {days_ago(3):%d/%m/%Y}" in content


def test_the_person_page_offers_an_assessment_when_there_is_none(client_as, alice, jo):
    content = client_as(alice).get(page(jo)).content.decode()
    assert "No overdose risk assessment recorded yet." in content
    assert url(jo) in content
