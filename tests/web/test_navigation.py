"""The navigation: each role gets a link to exactly the pages that let it in."""

import pytest
from django.urls import reverse

from web.navigation import DECLARED, MENU_ORDER

pytestmark = pytest.mark.django_db


def test_every_declared_page_has_one_place_in_the_menu():
    declared = [link.url_name for link in DECLARED]

    assert len(declared) == len(set(declared))
    assert sorted(declared) == sorted(MENU_ORDER)


@pytest.mark.parametrize("who", ["alice", "tess", "bob", "gina", "cora", "adam"])
def test_a_link_is_shown_exactly_when_its_page_lets_the_user_in(client_as, request, who):
    client = client_as(request.getfixturevalue(who))
    urls = [url for _, url in client.get(reverse("home"), follow=True).context["nav_links"]]

    for link in DECLARED:
        url = reverse(link.url_name)
        assert (url in urls) == (client.get(url).status_code == 200), link.url_name


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
