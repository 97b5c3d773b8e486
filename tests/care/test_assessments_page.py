"""The assessment's page beside the risk engine's flag, what the assessments make due, and
what the pages cost: the assessment never hides a flag, and the person page and the
assessment's page read the same number of queries for 5 assessments as for 200."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from care.due import Due
from care.selectors import assessments_due
from care.selectors.assessments import ASSESS, REVIEW_ASSESSMENT, REVIEW_PLAN
from cases.models import AccessEvent
from risk.models import Flag
from tests.care.factories import assessment_of
from tests.care.test_assessments import assessment_data
from tests.factories import ServiceUserFactory, days_ago
from tests.risk.ui.conftest import make_flag
from web.person_due import calls_for_assessment

pytestmark = pytest.mark.django_db


def create_url(person) -> str:
    return reverse("risk_assessment_create", args=[person.external_id])


def full_page(person) -> str:
    return reverse("risk_assessment_detail", args=[person.external_id])


def flag_as_shown(client, person) -> tuple:
    """The open flag as the person page and the worklist show it: its id, tier and reasons."""
    page = client.get(reverse("person_detail", args=[person.external_id]))
    flag = page.context["flag"]
    listed = {
        entry["flag"].service_user_id: entry["flag"]
        for entry in client.get(reverse("outreach_worklist")).context["entries"]
    }
    on_worklist = listed[person.pk]
    return (
        flag.pk,
        flag.tier,
        flag.status,
        flag.ended_on,
        [r.text_now for r in flag.reason_list],
        on_worklist.pk,
        on_worklist.tier,
        "Released from prison" in page.content.decode(),
    )


def test_recording_a_low_judgement_leaves_the_flag_its_tier_and_its_reasons_as_they_were(
    client_as, alice, jo
):
    make_flag(jo, tier="very_high", reasons=(("prison_release_2w", days_ago(3)),))
    client = client_as(alice)
    before = flag_as_shown(client, jo)

    response = client.post(create_url(jo), assessment_data(judgement="low"))

    assert response.status_code == 302
    assert flag_as_shown(client, jo) == before
    assert before[1] == "very_high"
    assert before[-1] is True
    assert Flag.objects.filter(service_user=jo, ended_on__isnull=True).count() == 1


def test_the_assessment_page_shows_the_engines_reasons_beside_the_assessment(client_as, alice, jo):
    make_flag(jo, tier="high", reasons=(("prison_release_2w", days_ago(3)),))
    assessment_of(jo, alice, judgement="low", own_view="Not worried.")

    response = client_as(alice).get(full_page(jo))
    content = response.content.decode()

    assert response.status_code == 200
    assert "Released from prison 3 days ago" in content
    assert "High" in content
    assert "Practitioner's judgement" in content
    assert "Low" in content
    assert "Not worried." in content


def test_the_assessment_page_of_someone_never_assessed_offers_the_assessment(client_as, alice, jo):
    make_flag(jo, tier="very_high")

    response = client_as(alice).get(full_page(jo))

    assert response.context["assessment"] is None
    assert [d.what for d in response.context["due"]] == [ASSESS]
    assert "No overdose risk assessment recorded yet." in response.content.decode()


def test_a_bad_or_foreign_assessment_in_the_address_is_400_or_404(client_as, alice, jo, north):
    kit = ServiceUserFactory(team=north, keyworker=alice)
    theirs = assessment_of(kit, alice)
    client = client_as(alice)
    before = AccessEvent.objects.count()

    bad = client.get(full_page(jo), {"assessment": "x'; DROP"})
    foreign = client.get(full_page(jo), {"assessment": str(theirs.external_id)})

    assert bad.status_code == 400
    assert foreign.status_code == 404
    # The bad address shows nothing and reads nothing; the foreign one read jo's record.
    assert AccessEvent.objects.count() == before + 1


@pytest.mark.parametrize(
    ("tier", "calls"), [("very_high", True), ("high", True), ("raised", False), (None, False)]
)
def test_an_open_flag_of_high_or_very_high_calls_for_an_assessment(jo, tier, calls):
    flag = make_flag(jo, tier=tier) if tier else None
    assert calls_for_assessment(flag) is calls


def test_what_the_assessments_make_due(alice, jo, django_assert_num_queries):
    today = days_ago(0)
    url = create_url(jo)
    with django_assert_num_queries(1):
        assert assessments_due(jo, today=today) == []
    assert assessments_due(jo, today=today, flag_calls_for_assessment=True) == [
        Due(ASSESS, today, url)
    ]

    assessment_of(jo, alice, day=10, review=-20, plan_review=-5)
    with django_assert_num_queries(1):
        in_date = assessments_due(jo, today=today, flag_calls_for_assessment=True)
    assert in_date == [
        Due(REVIEW_PLAN, days_ago(-5), url),
        Due(REVIEW_ASSESSMENT, days_ago(-20), url),
    ]

    assessment_of(jo, alice, day=5, review=2, plan_review=-3)
    out_of_date = assessments_due(jo, today=today, flag_calls_for_assessment=True)
    unflagged = assessments_due(jo, today=today)
    assert out_of_date == [Due(ASSESS, days_ago(2), url), Due(REVIEW_PLAN, days_ago(-3), url)]
    assert out_of_date[0].overdue(today)
    assert unflagged[0] == Due(REVIEW_ASSESSMENT, days_ago(2), url)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def with_assessments(person, assessor, count: int):
    for n in range(count):
        assessment_of(person, assessor, day=n % 300, review=n % 300 - 30, plan_review=-1)
    return person


def test_the_pages_run_the_same_queries_for_5_assessments_and_for_200(client_as, alice, north):
    few = with_assessments(ServiceUserFactory(team=north, keyworker=alice), alice, 5)
    many = with_assessments(ServiceUserFactory(team=north, keyworker=alice), alice, 200)
    for person in (few, many):
        make_flag(person, tier="high")
    client = client_as(alice)
    queries(client, reverse("person_detail", args=[few.external_id]))  # the session's first

    for name in ("person_detail", "risk_assessment_detail"):
        assert queries(client, reverse(name, args=[few.external_id])) == queries(
            client, reverse(name, args=[many.external_id])
        ), name
    assert len(client.get(full_page(many)).context["history"]) == 200
