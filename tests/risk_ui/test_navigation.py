import pytest
from django.urls import reverse

from cases.access import NAV_PAGES
from cases.models import Role
from outcomes.access import EXTRACT_ROLES, IMPORT_ROLES

pytestmark = pytest.mark.django_db


def test_the_navigation_offers_the_data_pages_to_the_roles_that_may_use_them():
    roles = {name: allowed for _, name, allowed in NAV_PAGES}

    assert roles["import_start"] == IMPORT_ROLES
    assert roles["ndtms_extract"] == EXTRACT_ROLES


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        ("alice", ["outreach_worklist"], ["outreach_uncontacted", "ndtms_extract", "import_start"]),
        ("tess", ["outreach_worklist", "outreach_uncontacted", "ndtms_extract"], ["import_start"]),
        ("gina", ["outreach_worklist", "outreach_uncontacted"], ["ndtms_extract"]),
        ("adam", ["import_start", "ndtms_extract"], ["outreach_worklist"]),
        ("cora", [], ["outreach_worklist", "import_start", "ndtms_extract"]),
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
