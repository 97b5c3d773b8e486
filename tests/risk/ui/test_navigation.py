import pytest
from django.urls import reverse

from cases.access import NAV_PAGES
from cases.models import Role
from deathreviews.access import BULLETIN_ROLES, REVIEW_ROLES
from exchange.access import EXTRACT_ROLES, IMPORT_ROLES

pytestmark = pytest.mark.django_db


def test_the_navigation_offers_the_data_pages_to_the_roles_that_may_use_them():
    roles = {name: allowed for _, name, allowed in NAV_PAGES}

    assert roles["import_start"] == IMPORT_ROLES
    assert roles["ndtms_extract"] == EXTRACT_ROLES


def test_the_navigation_offers_the_review_pages_to_the_roles_that_may_use_them():
    roles = {name: allowed for _, name, allowed in NAV_PAGES}

    assert roles["review_list"] == REVIEW_ROLES
    assert roles["review_dashboard"] == REVIEW_ROLES
    assert roles["review_bulletin"] == BULLETIN_ROLES


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        (
            "alice",
            ["outreach_worklist", "review_bulletin"],
            ["outreach_uncontacted", "ndtms_extract", "import_start", "review_list"],
        ),
        (
            "tess",
            ["outreach_worklist", "outreach_uncontacted", "ndtms_extract", "review_bulletin"],
            ["import_start", "review_list", "review_dashboard"],
        ),
        (
            "gina",
            [
                "outreach_worklist",
                "outreach_uncontacted",
                "review_list",
                "review_dashboard",
                "review_bulletin",
            ],
            ["ndtms_extract"],
        ),
        (
            "adam",
            ["import_start", "ndtms_extract", "review_bulletin"],
            ["outreach_worklist", "review_list", "review_dashboard"],
        ),
        (
            "cora",
            ["review_bulletin"],
            ["outreach_worklist", "import_start", "ndtms_extract", "review_list"],
        ),
    ],
)
def test_each_role_gets_the_links_it_can_use(client_as, request, who, shown, hidden):
    user = request.getfixturevalue(who)
    client = client_as(user)
    response = client.get(reverse("home"), follow=True)
    urls = [url for _, url in response.context["nav_links"]]

    for name in shown:
        assert reverse(name) in urls
        assert client.get(reverse(name)).status_code == 200, name
    for name in hidden:
        assert reverse(name) not in urls


def test_every_role_in_the_navigation_is_a_real_role():
    for _, _, roles in NAV_PAGES:
        assert roles <= set(Role.values)
