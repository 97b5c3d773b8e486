"""Dates are typed and shown as dd/mm/yyyy, whatever the browser's locale."""

import datetime
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone

from cases.forms import DATE_HINT, ServiceUserForm
from risk.forms import FlagOverrideForm, OutreachAttemptForm

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "typed", ["07/03/1985", "7/3/1985", "07-03-1985", "07.03.1985", "1985-03-07"]
)
def test_a_date_typed_the_uk_way_is_read_day_first(alice, person_data, typed):
    form = ServiceUserForm({**person_data, "date_of_birth": typed}, user=alice)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == datetime.date(1985, 3, 7)


@pytest.mark.parametrize("typed", ["03/31/1985", "31/02/1985", "7/3/85", "7 March"])
def test_a_date_that_is_not_a_uk_date_is_explained_at_the_field(alice, person_data, typed):
    form = ServiceUserForm({**person_data, "date_of_birth": typed}, user=alice)

    assert not form.is_valid()
    assert form.errors["date_of_birth"] == [
        "Enter a real date as dd/mm/yyyy, for example 27/03/2025."
    ]


def test_a_date_input_is_a_text_box_showing_dd_mm_yyyy_with_a_hint(alice, jo):
    jo.date_of_birth = datetime.date(1985, 3, 7)
    html = str(ServiceUserForm(instance=jo, user=alice)["date_of_birth"])

    assert 'type="text"' in html
    assert 'value="07/03/1985"' in html
    assert 'inputmode="numeric"' in html
    assert 'aria-describedby="id_date_of_birth_helptext"' in html
    assert ServiceUserForm(user=alice).fields["date_of_birth"].help_text == DATE_HINT


def test_every_form_uses_the_one_date_input(jo):
    forms = [OutreachAttemptForm(), FlagOverrideForm()]
    for form in forms:
        for name, field in form.fields.items():
            if field.__class__.__name__ == "DateField":
                assert 'data-date="uk"' in str(form[name]), name
                assert "27/03/2025" in str(field.help_text), name


def test_no_template_or_form_uses_the_browsers_native_date_picker():
    sources = [
        *ROOT.glob("templates/**/*.html"),
        *(
            p
            for app in ("cases", "outcomes", "risk", "deathreviews", "config")
            for p in (ROOT / app).rglob("*.py")
        ),
    ]
    native = re.compile(
        r"""type\s*=\s*["']date["']|["']type["']\s*:\s*["']date["']|input_type\s*=\s*["']date"""
    )

    assert [str(p.relative_to(ROOT)) for p in sources if native.search(p.read_text())] == []


def test_dates_and_times_render_in_uk_format_in_london_time():
    rendered = Template("{{ day }} | {{ moment }} | {{ day|date }}").render(
        Context(
            {
                "day": datetime.date(2026, 3, 27),
                "moment": datetime.datetime(2026, 7, 1, 12, 30, tzinfo=datetime.UTC),
            }
        )
    )

    assert rendered == "27/03/2026 | 01/07/2026 13:30 | 27/03/2026"
    assert timezone.get_current_timezone_name() == "Europe/London"
