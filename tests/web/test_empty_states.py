"""Every list page, when empty, says what the list is for and what to do next."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "url", "words"),
    [
        ("alice", reverse("caseload", args=["mine"]), "People appear here when they are assigned"),
        ("tess", reverse("caseload", args=["team"]), "No one is in treatment with your team"),
        ("alice", reverse("outreach_worklist"), "People reappear when a new flag is raised"),
        ("tess", reverse("outreach_uncontacted"), "would be listed here for follow-up"),
        ("gina", reverse("review_list"), "Notify a death or near-fatal overdose"),
        ("gina", reverse("review_actions"), "Actions are agreed by review panels"),
        ("alice", reverse("review_bulletin"), "When a death review is signed off"),
        ("adam", reverse("import_start"), "Imports you start appear here"),
        ("tess", reverse("team_caseloads"), "No one has been reassigned in this team yet"),
    ],
)
def test_an_empty_list_explains_itself(client_as, request, who, url, words):
    response = client_as(request.getfixturevalue(who)).get(url)

    assert response.status_code == 200
    assert words in response.content.decode()


def test_an_empty_record_says_how_to_start_it(client_as, alice, jo):
    content = client_as(alice).get(reverse("person_detail", args=[jo.external_id])).content
    text = content.decode()

    assert "Add the treatment episode" in text
    assert "appear here, newest first" in text
