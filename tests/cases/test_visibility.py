"""Need-to-know access with the named cast: every person URL, every role."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import EpisodeFactory

pytestmark = pytest.mark.django_db

PERSON = "people/<uuid:external_id>/"
PERSON_ROUTES = [
    "person_detail",
    "person_edit",
    "episode_create",
    "intervention_create",
    "event_create",
    "contact_create",
    "naloxone_create",
    "top_create",
    "case_note_create",
    "onward_referral_create",
    "onward_referral_outcome",
    "risk_assessment_create",
    "risk_assessment_detail",
    "bbv_test_create",
    "bbv_test_result",
    "hep_c_treatment",
    "hep_b_vaccination_create",
    "nsp_contact_create",
    "mental_health_need_create",
    "pharmacy_arrangement_create",
    "physical_health_check_create",
    "care_plan",
    "care_plan_create",
    "plan_goal_create",
    "plan_review_create",
    "plan_contact_create",
    "child_in_contact_edit",
    "safe_storage_edit",
    "protection_referral_create",
    "protection_referral_outcome",
    "safeguarding_concern_create",
    "safeguarding_concern_close",
    "sharing",
    "sharing_consent_create",
    "sharing_basis_create",
]


def _routes(patterns, prefix=""):
    """(URL name, full route) of every pattern, through the includes (the pages' own URLs
    are included from `web.urls`)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield pattern.name, prefix + str(pattern.pattern)


def person_urls(person):
    urls = [reverse(name, args=[person.external_id]) for name in PERSON_ROUTES]
    episode = person.episodes.first()
    urls.append(reverse("episode_edit", args=[person.external_id, episode.external_id]))
    return urls


@pytest.fixture
def jo_with_episode(jo):
    EpisodeFactory(service_user=jo)
    return jo


def test_every_person_url_is_covered_by_this_test():
    person_patterns = {
        name for name, route in _routes(get_resolver().url_patterns) if route.startswith(PERSON)
    }
    # The access report is governance's alone: tests/web/test_access_report.py covers it.
    # Reassignment is for team leads only: tests/cases/test_reassign.py covers it.
    audit_routes = {"person_access_report", "person_access_report_csv"}
    # Confirming an expected event takes the event too: tests/cases/test_expected_events.py.
    assert person_patterns == {
        *PERSON_ROUTES,
        "episode_edit",
        "person_reassign",
        "event_happened",
        # Changing a goal takes the goal too: tests/care/test_plans_pages.py.
        "plan_goal_edit",
        # Withdrawing a consent takes the consent too: tests/partners/test_sharing_pages.py.
        "sharing_consent_withdraw",
        *audit_routes,
    }


def test_the_keyworker_on_the_team_can_open_every_person_page(client_as, alice, jo_with_episode):
    client = client_as(alice)
    for url in person_urls(jo_with_episode):
        assert client.get(url).status_code == 200, url


def test_a_keyworker_of_another_team_gets_404_on_every_person_url(client_as, bob, jo_with_episode):
    client = client_as(bob)
    for url in person_urls(jo_with_episode):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"first_name": "X"}).status_code == 404, url


def test_a_commissioner_gets_404_on_every_person_url(client_as, cora, jo_with_episode):
    client = client_as(cora)
    for url in person_urls(jo_with_episode):
        assert client.get(url).status_code == 404, url


def test_an_administrator_gets_404_on_person_pages(client_as, adam, jo_with_episode):
    client = client_as(adam)
    for url in person_urls(jo_with_episode):
        assert client.get(url).status_code == 404, url


def test_the_team_lead_sees_their_teams_people(client_as, tess, jo_with_episode):
    assert (
        client_as(tess)
        .get(reverse("person_detail", args=[jo_with_episode.external_id]))
        .status_code
        == 200
    )


def test_governance_reads_everyone_but_cannot_change_records(client_as, gina, jo_with_episode):
    client = client_as(gina)
    assert (
        client.get(reverse("person_detail", args=[jo_with_episode.external_id])).status_code == 200
    )
    assert (
        client.get(reverse("event_create", args=[jo_with_episode.external_id])).status_code == 403
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, jo_with_episode):
    response = client.get(reverse("person_detail", args=[jo_with_episode.external_id]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_keyworker_whose_membership_has_ended_loses_access(client_as, alice, jo_with_episode):
    from tests.factories import days_ago

    alice.memberships.update(ends_on=days_ago(1))

    assert (
        client_as(alice)
        .get(reverse("person_detail", args=[jo_with_episode.external_id]))
        .status_code
        == 404
    )


def test_a_deactivated_user_sees_nobody(alice, jo_with_episode):
    from cases.selectors import service_users_visible_to

    alice.is_active = False
    assert not service_users_visible_to(alice).exists()


def test_the_commissioner_home_page_shows_no_records(client_as, cora, jo_with_episode):
    response = client_as(cora).get(reverse("home"))

    assert response.status_code == 200
    assert jo_with_episode.last_name not in response.content.decode()


@pytest.mark.parametrize("scope", ["mine", "team", "all"])
def test_a_commissioner_has_no_caseload_list(client_as, cora, scope):
    assert client_as(cora).get(reverse("caseload", args=[scope])).status_code == 404


def test_a_keyworker_has_no_all_people_list(client_as, alice):
    assert client_as(alice).get(reverse("caseload", args=["all"])).status_code == 404


def test_other_teams_people_never_appear_in_the_team_lead_list(client_as, tess, bob, south, jo):
    from tests.factories import ServiceUserFactory

    stranger = ServiceUserFactory(team=south, keyworker=bob, last_name="Stranger")
    EpisodeFactory(service_user=stranger)
    EpisodeFactory(service_user=jo)

    content = client_as(tess).get(reverse("caseload", args=["team"])).content.decode()

    assert "Bloggs" in content
    assert "Stranger" not in content


@pytest.mark.parametrize(
    ("who", "links"),
    [
        (
            "alice",
            [
                "My caseload",
                "Team caseload",
                "Outreach worklist",
                "People not yet known",
                "Naloxone kits to renew",
                "Naloxone to non-clients",
                "Case reviews",
                "My review actions",
                "Learning bulletin",
                "Break-glass access",
            ],
        ),
        (
            "tess",
            [
                "My caseload",
                "Team caseload",
                "Outreach worklist",
                "Not contacted in 2 days",
                "Overdue overdose follow-ups",
                "People not yet known",
                "Naloxone kits to renew",
                "Naloxone to non-clients",
                "Caseload sizes",
                "Transfer requests",
                "Overrides to approve",
                "Case reviews",
                "My review actions",
                "Case-file audits",
                "NDTMS extract",
                "NDTMS submissions",
                "NDTMS data quality",
                "Data quality",
                "Fairness report",
                "Learning bulletin",
                "Break-glass access",
            ],
        ),
        (
            "gina",
            [
                "People",
                "Outreach worklist",
                "Not contacted in 2 days",
                "Overdue overdose follow-ups",
                "People not yet known",
                "Naloxone kits to renew",
                "Case reviews",
                "My review actions",
                "Case-file audits",
                "Data quality",
                "Commissioner dashboard",
                "Death reviews",
                "Review dashboard",
                "Fairness report",
                "Learning bulletin",
                "Break-glass review",
                "Access reports",
                "Sign-in alerts",
            ],
        ),
        ("cora", ["Data quality", "Commissioner dashboard", "Learning bulletin"]),
        (
            "adam",
            [
                "Import records",
                "NDTMS extract",
                "NDTMS submissions",
                "NDTMS data quality",
                "Learning bulletin",
                "Administration",
            ],
        ),
    ],
)
def test_each_role_sees_only_its_own_lists_in_the_navigation(client_as, request, who, links):
    response = client_as(request.getfixturevalue(who)).get(reverse("home"), follow=True)

    assert [label for label, _ in response.context["nav_links"]] == links


def test_a_partner_gets_404_on_every_person_url(jo_with_episode, client_as):
    from partners.models import PartnerAccess, PartnerOrganisation
    from tests.factories import UserFactory

    pat = UserFactory(username="pat", role="partner")
    organisation = PartnerOrganisation.objects.create(name="Northshire Police", kind="police")
    PartnerAccess.objects.create(user=pat, organisation=organisation)
    client = client_as(pat)
    for url in person_urls(jo_with_episode):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"first_name": "X"}).status_code == 404, url
