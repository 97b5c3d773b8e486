"""The messages handed to the in-page checks are the server's own, word for word."""

import re

import pytest
from django.urls import reverse

from cases.forms import EventForm, add_client_checks

pytestmark = pytest.mark.django_db


def attribute(html: str, name: str, field: str) -> str:
    tag = re.search(rf'<(?:input|select)[^>]*name="{field}"[^>]*>', html).group(0)
    return re.search(rf'{name}="([^"]*)"', tag).group(1)


def test_the_page_carries_the_messages_the_server_gives(client_as, alice, jo):
    client = client_as(alice)
    url = reverse("event_create", args=[jo.external_id])
    page = client.get(url).content.decode()

    refused = client.post(url, {"occurred_on": "31/02/2026", "naloxone_doses": "-1"})
    errors = refused.context["form"].errors

    assert errors["kind"] == [attribute(page, "data-required-message", "kind")]
    assert errors["occurred_on"] == [attribute(page, "data-invalid-message", "occurred_on")]
    assert errors["naloxone_doses"] == [attribute(page, "data-min-message", "naloxone_doses")]


def test_every_checked_form_on_a_page_loads_the_script(client_as, alice, jo):
    page = client_as(alice).get(reverse("event_create", args=[jo.external_id])).content.decode()

    assert "data-checked-form" in page
    assert "js/field-checks.js" in page


def test_a_field_that_is_not_required_gets_no_required_message(jo):
    form = add_client_checks(EventForm(service_user=jo))

    assert "data-required-message" not in form.fields["place"].widget.attrs
