"""Needle and syringe programme contacts: of a person on their page, or anonymous on the
team's page, which counts them by month; a team is seen through the caseload's rule."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from care.models import NeedleExchangeContact
from care.models.health import IN_THE_FUTURE, NSP_NOTHING_GIVEN
from care.services import nsp_contact_record
from cases.models import AccessEvent, AccessKind
from tests.factories import days_ago

pytestmark = pytest.mark.django_db

TEAM_PAGE = "nsp_team"


def person_url(person) -> str:
    return reverse("nsp_contact_create", args=[person.external_id])


def contact(**changes) -> dict:
    return {
        "contact_on": days_ago(0).isoformat(),
        "needles_syringes": "20",
        "foil": "",
        "other_kit": "5",
        "advice_given": "on",
        **changes,
    }


def test_a_keyworker_records_a_persons_contact_for_their_team(client_as, alice, jo, north):
    client = client_as(alice)
    assert client.post(person_url(jo), contact()).status_code == 302

    recorded = NeedleExchangeContact.objects.get()
    assert (recorded.service_user, recorded.team, recorded.foil) == (jo, north, 0)
    content = client.get(reverse("person_detail", args=[jo.external_id])).content.decode()
    assert (
        f"Latest contact {days_ago(0):%d/%m/%Y}: 20 needles and syringes, 5 other kit, "
        "advice given" in content
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"needles_syringes": "", "other_kit": "0", "advice_given": ""},
            "needles_syringes",
            NSP_NOTHING_GIVEN,
        ),
        ({"contact_on": days_ago(-1).isoformat()}, "contact_on", IN_THE_FUTURE),
        (
            {"needles_syringes": "900"},
            "needles_syringes",
            "Check the number: more than 500 at one visit is not likely.",
        ),
        ({"foil": "-2"}, "foil", "Enter a count of 0 or more."),
        ({"foil": "lots"}, "foil", "Enter a number."),
    ],
)
def test_a_contact_that_cannot_be_right_is_refused_at_its_field(
    client_as, alice, jo, changes, field, message
):
    response = client_as(alice).post(person_url(jo), contact(**changes))

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert not NeedleExchangeContact.objects.exists()


def test_another_team_and_governance_record_no_contact_of_the_person(client_as, bob, gina, jo):
    assert client_as(bob).post(person_url(jo), contact()).status_code == 404
    assert client_as(gina).post(person_url(jo), contact()).status_code == 403
    assert not NeedleExchangeContact.objects.exists()


def test_an_anonymous_contact_is_counted_for_the_team_and_names_no_one(client_as, alice, north):
    client = client_as(alice)
    response = client.post(reverse(TEAM_PAGE), contact(needles_syringes="10"))

    assert response.status_code == 302
    recorded = NeedleExchangeContact.objects.get()
    assert (recorded.service_user, recorded.team, recorded.recorded_by) == (None, north, alice)
    page = client.get(reverse(TEAM_PAGE))
    this_month = page.context["months"][0]
    assert (this_month.contacts, this_month.anonymous, this_month.needles_syringes) == (1, 1, 10)
    assert len(page.context["months"]) == 12
    assert f"{timezone.localdate():%B %Y}" in page.content.decode()
    event = AccessEvent.objects.filter(view=TEAM_PAGE).latest("id")
    assert (event.kind, event.query, event.service_user) == (
        AccessKind.LIST,
        {"team": north.id},
        None,
    )


def test_the_count_by_month_costs_the_same_queries_for_5_contacts_and_for_200(
    client_as, alice, north, jo
):
    def contacts(count: int):
        for n in range(count):
            nsp_contact_record(
                team=north,
                recorded_by=alice,
                contact_on=days_ago(n % 400),
                service_user=jo if n % 3 == 0 else None,
                needles_syringes=n % 30 + 1,
            )

    client = client_as(alice)
    client.get(reverse(TEAM_PAGE))
    contacts(5)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(TEAM_PAGE))
    contacts(195)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(TEAM_PAGE))

    assert len(few) == len(many)
    shown = sum(m.contacts for m in response.context["months"])
    first = response.context["months"][-1].month
    assert shown == NeedleExchangeContact.objects.filter(contact_on__gte=first).count()
    assert len(response.context["recent"]) == 20


def test_each_team_sees_its_own_and_governance_every_team_without_recording(
    client_as, alice, bob, gina, north, south
):
    nsp_contact_record(team=north, recorded_by=alice, contact_on=days_ago(1), foil=3)

    assert client_as(bob).get(reverse(TEAM_PAGE), {"team": north.id}).status_code == 404
    own = client_as(bob).get(reverse(TEAM_PAGE))
    assert own.context["team"] == south
    assert own.context["months"][0].contacts == 0

    governance = client_as(gina)
    page = governance.get(reverse(TEAM_PAGE), {"team": north.id})
    assert page.status_code == 200
    assert page.context["form"] is None
    assert page.context["months"][0].foil == 3
    assert governance.post(reverse(TEAM_PAGE) + f"?team={north.id}", contact()).status_code == 403
    assert NeedleExchangeContact.objects.count() == 1


@pytest.mark.parametrize("team", ["north", "1; drop", "99999999999999999999", "-1"])
def test_a_bad_team_parameter_answers_400(client_as, alice, team):
    response = client_as(alice).get(reverse(TEAM_PAGE), {"team": team})
    assert response.status_code == 400


def test_a_commissioner_is_refused(client_as, cora):
    assert client_as(cora).get(reverse(TEAM_PAGE)).status_code == 403
