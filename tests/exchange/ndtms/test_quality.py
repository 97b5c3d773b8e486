"""The data quality page: this month's problems by team and kind, against the last file
recorded as submitted, on a hand-worked set of records; who may open it."""

import pytest
from django.urls import reverse

from cases.models import AccessEvent, ServiceUser
from exchange.ndtms.validation import RULES
from exchange.selectors import KINDS, count_problems, data_quality
from exchange.services import ndtms_submission_prepare, ndtms_submission_record
from tests.factories import EpisodeFactory, ServiceUserFactory, TeamFactory, days_ago

pytestmark = pytest.mark.django_db

TODAY = days_ago(0)
# The session and the user, the services, the last submission, the service's teams: a fixed
# number, however many people. The counts are those the first read made (kept for
# `selectors.QUALITY_SECONDS`): the page does not check the service's file again per request.
NUM_QUERIES = 5


def counts(row) -> dict[str, tuple[int, int | None]]:
    return {kind: pair for kind, pair in zip(KINDS, row.counts, strict=True) if pair != (0, None)}


def test_the_kinds_are_the_rules_kinds():
    assert len(KINDS) == len(RULES)


def referred(person, **kwargs):
    """An episode referred and not yet triaged: of the file's checks, only the referral's
    items apply, and the person's nationality, not recorded, is the one missing."""
    return EpisodeFactory(
        service_user=person, referral_date=days_ago(40), triage_date=None, start_date=None
    )


def test_counts_by_team_and_kind_and_their_change_since_the_last_submission(tess, adam, jo):
    east = TeamFactory(service=jo.team.service, name="East")
    # jo (North): NATION missing: one "required".
    referred(jo)
    # kim (East): NATION missing, and 16 at referral: one "required", one "age".
    kim = ServiceUserFactory(team=east, date_of_birth=days_ago(365 * 16 + 30))
    referred(kim)
    first = ndtms_submission_prepare(service=jo.team.service, month=TODAY, prepared_by=adam)
    ndtms_submission_record(submission=first, submitted_by=adam)
    assert first.team_problem_counts == {
        str(jo.team_id): {"required": 1},
        str(east.pk): {"age": 1, "required": 1},
    }
    # Since then kim's date of birth is corrected, and someone else is referred to North.
    ServiceUser.objects.filter(pk=kim.pk).update(date_of_birth=days_ago(365 * 30))
    referred(ServiceUserFactory(team=jo.team))

    quality = data_quality(jo.team.service, TODAY, count_problems(jo.team.service, TODAY))

    assert quality.last == first
    by_team = {row.team: row for row in quality.rows}
    assert list(by_team) == ["East", "North", "All teams"]
    assert counts(by_team["North"])["required"] == (2, 1)
    assert (counts(by_team["East"])["required"], counts(by_team["East"])["age"]) == (
        (1, 0),
        (0, -1),
    )
    assert by_team["North"].total == (2, 1)
    assert by_team["East"].total == (1, -1)
    assert by_team["All teams"].total == (3, 0)


def test_before_any_submission_there_is_nothing_to_compare_with(tess, jo):
    referred(jo)

    quality = data_quality(jo.team.service, TODAY, count_problems(jo.team.service, TODAY))

    assert quality.last is None
    assert quality.rows[-1].total == (1, None)


def test_a_team_lead_reads_their_services_quality_without_a_read_of_anyone(
    client_as, tess, jo, django_assert_num_queries
):
    referred(jo)
    client = client_as(tess)
    client.get(reverse("ndtms_quality"))

    with django_assert_num_queries(NUM_QUERIES):
        page = client.get(reverse("ndtms_quality"))

    assert page.status_code == 200
    assert page.context["quality"].rows[-1].total == (1, None)
    assert jo.client_ref.encode() not in page.content
    assert not AccessEvent.objects.filter(view="ndtms_quality").exists()


def test_a_service_outside_the_users_scope_is_not_found(client_as, tess, south, jo):
    # South shares North's service: tess may not follow it.
    client = client_as(tess)

    assert client.get(reverse("ndtms_quality"), {"service": jo.team.service_id}).status_code == 404
    assert client.get(reverse("ndtms_quality")).context["quality"] is None


@pytest.mark.parametrize("value", ["x", "-1", "1.5", "١"])
def test_a_bad_service_parameter_is_refused_with_400(client_as, adam, jo, value):
    assert client_as(adam).get(reverse("ndtms_quality"), {"service": value}).status_code == 400


@pytest.mark.parametrize("who", ["alice", "gina", "cora"])
def test_other_roles_may_not_read_it(request, client_as, who):
    response = client_as(request.getfixturevalue(who)).get(reverse("ndtms_quality"))

    assert response.status_code == 403
