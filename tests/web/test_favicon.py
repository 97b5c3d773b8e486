"""The icon browsers show beside the tab's title, from Lantern's own files."""

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_served_to_anyone(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"


def test_every_page_links_the_icon(client):
    page = client.get("/accounts/login/").content.decode()

    assert '<link rel="icon" href="/static/img/favicon.ico"' in page
