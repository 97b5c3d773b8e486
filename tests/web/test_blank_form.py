"""`{% blank_form %}` gives a blank form's fields as rendering them gives them, and never
keeps a form anyone typed into."""

import pytest
from django import forms
from django.template import Context, Engine, Template
from django.urls import reverse

from cases.models import ServiceUser
from risk.filters import CaseloadRiskFilter
from risk.forms import OutreachAttemptForm
from web.templatetags.lantern_forms import blank_state

pytestmark = pytest.mark.django_db

KEPT = Template(
    "{% load crispy_forms_tags lantern_forms %}"
    "{% blank_form form %}{% for f in form %}{{ f|as_crispy_field }}{% endfor %}{% endblank_form %}"
)
PLAIN = Template(
    "{% load crispy_forms_tags %}{% for f in form %}{{ f|as_crispy_field }}{% endfor %}"
)


class Search(forms.Form):
    q = forms.CharField(required=False)
    tier = forms.ChoiceField(required=False, choices=[("", "Any"), ("high", "High")])


def _both(form) -> tuple[str, str]:
    return KEPT.render(Context({"form": form})), PLAIN.render(Context({"form": form}))


def test_a_blank_form_renders_as_the_plain_template_first_and_every_time_after():
    first, plain = _both(Search())
    again, _ = _both(Search())

    assert first == plain
    assert again == plain


def test_a_form_with_typed_words_is_rendered_afresh_each_time():
    _both(Search({"q": ""}))  # a blank bound form, kept

    typed, plain = _both(Search({"q": "Bloggs"}))
    other, other_plain = _both(Search({"q": "Smith"}))

    assert typed == plain
    assert 'value="Bloggs"' in typed
    assert other == other_plain
    assert "Bloggs" not in other


def test_a_form_with_errors_is_rendered_afresh():
    _both(Search({"tier": ""}))

    wrong, plain = _both(Search({"tier": "bogus"}))

    assert wrong == plain
    assert "is-invalid" in wrong


def test_the_outreach_fields_render_as_without_the_block():
    form = OutreachAttemptForm(auto_id="attempt-0123456789ab-%s")
    text = "{% include 'risk/_attempt_fields.html' %}"
    kept = [Template(text).render(Context({"form": form})) for _ in range(2)]
    source = Engine.get_default().get_template("risk/_attempt_fields.html").source
    plain_source = source.replace("{% blank_form form %}", "").replace("{% endblank_form %}", "")
    plain = Template(plain_source).render(Context({"form": form}))

    assert kept == [plain, plain]
    assert 'id="attempt-0123456789ab-attempted_on"' in plain


def test_the_caseload_filters_are_one_blank_state_from_one_request_to_the_next():
    # django-filter builds a new form class for each filter set, so the key is the class's name.
    first, second = (CaseloadRiskFilter(None, queryset=ServiceUser.objects.none()) for _ in "ab")

    assert type(first.form) is not type(second.form)
    assert blank_state(first.form) is not None
    assert blank_state(first.form) == blank_state(second.form)


def test_the_caseload_keeps_its_filters_as_typed(client_as, alice):
    client = client_as(alice)
    client.get(reverse("caseload", args=["mine"]))

    page = client.get(reverse("caseload", args=["mine"]), {"q": "Bloggs", "tier": "high"})

    assert 'value="Bloggs"' in page.text
    assert '<option value="high" selected>' in page.text


def test_forms_offering_different_choices_each_get_their_own():
    class Narrow(Search):
        def __init__(self, *args, tiers, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["tier"].choices = tiers

    north, _ = _both(Narrow(tiers=[("", "Any"), ("north", "North team")]))
    south, plain = _both(Narrow(tiers=[("", "Any"), ("south", "South team")]))

    assert south == plain
    assert "South team" in south
    assert "North team" not in south
    assert "North team" in north


def test_a_form_with_choices_from_the_database_is_rendered_afresh():
    class People(forms.Form):
        person = forms.ModelChoiceField(queryset=ServiceUser.objects.none(), required=False)

    assert blank_state(People()) is None
