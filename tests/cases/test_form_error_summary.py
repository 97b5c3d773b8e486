"""The summary above a form with problems names each problem by its field's label and
links to the field's input, for every form that shows it (templates/form_errors.html)."""

import re
from pathlib import Path

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import EpisodeFactory, days_ago

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


class EveryKindOfField(forms.Form):
    name = forms.CharField(label="Full name")
    method = forms.ChoiceField(
        label="How", choices=[("phone", "Phone"), ("visit", "Visit")], widget=forms.RadioSelect
    )
    days = forms.IntegerField(label="Days", min_value=0, max_value=28)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Someone else saved this first.")


def summary(html: str) -> str:
    match = re.search(r"<div [^>]*data-form-errors[^>]*>.*?</div>", html, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def test_each_problem_is_named_by_its_label_and_linked_to_its_input():
    form = EveryKindOfField({"days": "40", "version": "x"})
    html = summary(render_to_string("form_errors.html", {"form": form}))

    assert "Please correct these 5 problems:" in html
    assert '<a href="#id_name">Full name: This field is required.</a>' in html
    # A radio list has no id for its label: the link goes to its first option.
    assert '<a href="#id_method_0">How: This field is required.</a>' in html
    assert '<a href="#id_days">Days: Ensure this value is less than or equal to 28.</a>' in html


def test_problems_of_the_whole_form_and_of_hidden_fields_are_listed_without_a_link():
    form = EveryKindOfField({"name": "Jo", "method": "phone", "days": "3", "version": "x"})
    html = summary(render_to_string("form_errors.html", {"form": form}))

    assert "<li>Someone else saved this first.</li>" in html
    assert "<li>Enter a whole number.</li>" in html
    assert html.count("<a ") == 0


def test_one_problem_is_named_in_the_singular():
    form = EveryKindOfField({"method": "phone", "days": "3", "version": "1"})
    form.clean = lambda: form.cleaned_data
    html = summary(render_to_string("form_errors.html", {"form": form}))

    assert "Please correct this problem:" in html
    assert html.count("<li>") == 1


def test_every_link_on_a_real_page_goes_to_an_input_on_that_page(client_as, alice, jo):
    EpisodeFactory(service_user=jo, referral_date=days_ago(300))
    response = client_as(alice).post(
        reverse("top_create", args=[jo.external_id]),
        {"stage": "", "top_date": "31/02/2026", "opiuse": "31"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    anchors = re.findall(r'<a href="#([^"]+)">', summary(html))
    assert len(anchors) >= 3
    for anchor in anchors:
        assert re.search(rf'<(input|select|textarea)[^>]* id="{anchor}"', html), anchor
    assert "Days used illicit opioids: OPIUSE 31 is above 28" in summary(html)


def test_every_page_that_shows_the_summary_uses_the_one_template():
    """A page with its own summary would not name and link its problems."""
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        if "form.errors" in text and path.name != "form_errors.html":
            assert "Please correct" not in text, path
