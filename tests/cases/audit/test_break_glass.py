"""Break-glass: a keyworker reaches one person outside their teams, for a shift, with a reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import AccessEvent, BreakGlassGrant
from cases.selectors import service_users_visible_to
from risk.selectors import flags_visible_to, uncontacted_flags, worklist
from tests.cases.conftest import caseload_queries
from tests.factories import ServiceUserFactory
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db

START = reverse("break_glass_start")
REVIEW = reverse("break_glass_review_list")
REASON = "Covering the South duty shift tonight; Jo called the duty line."


def record_url(person) -> str:
    return reverse("person_detail", args=[person.external_id])


def test_from_request_to_governance_review(client_as, bob, gina, jo):
    bob_client = client_as(bob)
    assert bob_client.get(record_url(jo)).status_code == 404

    response = bob_client.post(START, {"reference": jo.client_ref, "reason": REASON})

    assert response.status_code == 302
    assert response["Location"] == record_url(jo)
    grant = BreakGlassGrant.objects.get()
    assert (grant.user, grant.service_user, grant.reason) == (bob, jo, REASON)
    assert grant.expires_at - grant.starts_at == datetime.timedelta(hours=12)
    assert bob_client.get(record_url(jo)).status_code == 200
    event = AccessEvent.objects.get()
    assert (event.username, event.service_user, event.break_glass) == ("bob", jo, True)

    gina_client = client_as(gina)
    listed = gina_client.get(REVIEW)
    assert list(listed.context["page"].object_list) == [grant]
    assert REASON in listed.content.decode()
    done = gina_client.post(
        reverse("break_glass_review", args=[grant.external_id]),
        {"review_note": "Duty cover confirmed with the South team lead."},
    )
    assert done.status_code == 302
    grant.refresh_from_db()
    assert (grant.reviewed_by, grant.review_note) == (
        gina,
        "Duty cover confirmed with the South team lead.",
    )
    assert list(gina_client.get(REVIEW).context["page"].object_list) == []
    assert list(gina_client.get(REVIEW, {"reviewed": "1"}).context["page"].object_list) == [grant]


def test_a_nhs_number_reaches_the_person_too(client_as, bob, north):
    person = ServiceUserFactory(team=north, nhs_number="9434765919")
    response = client_as(bob).post(START, {"reference": "943 476 5919", "reason": REASON})
    assert response["Location"] == record_url(person)


@pytest.mark.parametrize("reference", ["TST", "bloggs", "Jo Bloggs", "%", ""])
def test_anything_but_an_exact_reference_finds_no_one(client_as, bob, jo, reference):
    response = client_as(bob).post(START, {"reference": reference, "reason": REASON})
    assert response.status_code == 400
    assert not BreakGlassGrant.objects.exists()
    assert jo.client_ref not in response.content.decode()


def test_a_reason_is_required_and_must_say_something(client_as, bob, jo):
    response = client_as(bob).post(START, {"reference": jo.client_ref, "reason": "need it"})
    assert response.status_code == 400
    assert "at least 20 characters" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()
    assert client_as(bob).get(record_url(jo)).status_code == 404


def test_someone_already_in_my_teams_opens_without_break_glass(client_as, alice, jo):
    response = client_as(alice).post(START, {"reference": jo.client_ref, "reason": REASON})
    assert response["Location"] == record_url(jo)
    assert not BreakGlassGrant.objects.exists()


def test_access_ends_when_the_grant_expires(bob, jo):
    past = timezone.now() - datetime.timedelta(hours=13)
    services.break_glass_grant_create(user=bob, service_user=jo, reason=REASON, now=past)
    assert not service_users_visible_to(bob).filter(pk=jo.pk).exists()
    services.break_glass_grant_create(user=bob, service_user=jo, reason=REASON)
    assert service_users_visible_to(bob).filter(pk=jo.pk).exists()


def test_a_grant_opens_only_that_person(bob, jo, north):
    other = ServiceUserFactory(team=north)
    services.break_glass_grant_create(user=bob, service_user=jo, reason=REASON)
    visible = set(service_users_visible_to(bob))
    assert jo in visible
    assert other not in visible


def test_a_team_lead_can_break_glass_too(client_as, south, jo):
    from cases.models import Role
    from tests.factories import UserFactory

    lead = UserFactory(username="sam", role=Role.TEAM_LEAD, team=south)
    response = client_as(lead).post(START, {"reference": jo.client_ref, "reason": REASON})
    assert response["Location"] == record_url(jo)


@pytest.mark.parametrize("who", ["gina", "cora", "adam"])
def test_governance_commissioners_and_administrators_do_not_break_glass(
    request, client_as, jo, who
):
    client = client_as(request.getfixturevalue(who))
    assert client.get(START).status_code == 403
    assert client.post(START, {"reference": jo.client_ref, "reason": REASON}).status_code == 403
    with pytest.raises(ValidationError):
        services.break_glass_grant_create(
            user=request.getfixturevalue(who), service_user=jo, reason=REASON
        )
    assert not BreakGlassGrant.objects.exists()


@pytest.mark.parametrize("who", ["alice", "tess", "bob", "cora", "adam"])
def test_only_governance_reviews_break_glass(request, client_as, bob, jo, who):
    grant = services.break_glass_grant_create(user=bob, service_user=jo, reason=REASON)
    client = client_as(request.getfixturevalue(who))
    assert client.get(REVIEW).status_code == 403
    response = client.post(
        reverse("break_glass_review", args=[grant.external_id]), {"review_note": "fine"}
    )
    assert response.status_code == 403
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_a_review_needs_a_note_and_happens_once(client_as, gina, bob, jo):
    grant = services.break_glass_grant_create(user=bob, service_user=jo, reason=REASON)
    url = reverse("break_glass_review", args=[grant.external_id])
    client = client_as(gina)
    client.post(url, {"review_note": "  "})
    grant.refresh_from_db()
    assert grant.reviewed_at is None
    client.post(url, {"review_note": "Appropriate"})
    with pytest.raises(ValidationError):
        services.break_glass_grant_review(grant=grant, reviewer=gina, note="again")


def test_the_review_list_is_audited_and_its_queries_do_not_grow(client_as, gina, bob, north):
    client = client_as(gina)
    counts = []
    for grants in (1, 12):
        while BreakGlassGrant.objects.count() < grants:
            services.break_glass_grant_create(
                user=bob, service_user=ServiceUserFactory(team=north), reason=REASON
            )
        with CaptureQueriesContext(connection) as queries:
            client.get(REVIEW)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert AccessEvent.objects.filter(view="break_glass_review_list").count() == 2


def test_caseload_queries_stay_flat_with_grants(client_as, bob, south, north):
    client = client_as(bob)
    counts = []
    for grants in (0, 5):
        while BreakGlassGrant.objects.count() < grants:
            services.break_glass_grant_create(
                user=bob, service_user=ServiceUserFactory(team=north), reason=REASON
            )
        ServiceUserFactory(team=south, keyworker=bob)
        counts.append(caseload_queries(client)[0])
    assert counts[0] == counts[1]


def test_a_keyworkers_caseload_does_not_list_break_glass_people(client_as, bob, jo):
    services.break_glass_grant_create(user=bob, service_user=jo, reason=REASON)
    response = client_as(bob).get(reverse("caseload", kwargs={"scope": "mine"}))
    assert jo.client_ref not in response.content.decode()


def test_a_team_caseload_lists_only_the_teams_own_people(client_as, south, jo):
    from cases.models import Role
    from tests.factories import UserFactory

    lead = UserFactory(username="sam", role=Role.TEAM_LEAD, team=south)
    services.break_glass_grant_create(user=lead, service_user=jo, reason=REASON)
    response = client_as(lead).get(reverse("caseload", kwargs={"scope": "team"}))
    assert jo.client_ref not in response.content.decode()
    assert client_as(lead).get(record_url(jo)).status_code == 200


def test_a_break_glass_person_is_on_none_of_the_keyworkers_lists(client_as, bob, jo):
    """A grant opens the record for the shift; it does not add the person to lists of
    people to contact, which would be list reads of someone outside the team."""
    flag = make_flag(jo, raised_on=timezone.localdate() - datetime.timedelta(days=5))
    services.break_glass_grant_create(user=bob, service_user=jo, reason=REASON)
    client = client_as(bob)

    assert client.get(record_url(jo)).status_code == 200
    assert flag in flags_visible_to(bob)
    assert list(worklist(bob)) == []
    assert list(uncontacted_flags(bob)) == []
    page = client.get(reverse("outreach_worklist")).content.decode()
    assert jo.last_name not in page
