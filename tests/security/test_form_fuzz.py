"""Hostile input into every form, through the real view, as the user who would submit it.

For each line of tests/security/forms.py, hypothesis starts from values that
make the form valid and replaces a few fields with hostile ones
(tests/security/hostile.py), then submits the form to its page as its user.
Each submission runs in a savepoint rolled back afterwards. It must never get
a server error; every row it wrote must pass `full_clean()` and hold no control
character; and a form sent back must show its errors.

The run is bounded by the `LANTERN_FUZZ_PROFILE` hypothesis profile: `ci` (the
default: few examples, derandomised, so `make test` stays quick and repeatable)
or `deep` (many random examples, for a hunt).
"""

import datetime
import importlib
import inspect
import os
import pkgutil
import unicodedata
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.forms import CheckedInputForm
from tests.security import routes
from tests.security.forms import EXCLUDED, FORMS, PERIOD_PAGES, QUERY_PAGES, FormCase
from tests.security.hostile import (
    CONTROL_CHARACTERS,
    HOSTILE_DATES,
    HOSTILE_NUMBERS,
    HOSTILE_PERIODS,
    HOSTILE_TEXT,
    hostile_value,
)
from tests.security.writes import tables_written

pytestmark = pytest.mark.django_db

# Lantern's own apps, as installed (a new room is checked without a line here), and config.
PROJECT_PACKAGES = tuple(
    dict.fromkeys(
        [
            *(
                app.name
                for app in apps.get_app_configs()
                if Path(app.path).parent == Path(django_settings.BASE_DIR)
            ),
            "config",
        ]
    )
)
settings.register_profile(
    "ci",
    max_examples=15,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile("deep", settings.get_profile("ci"), max_examples=300, derandomize=False)
FUZZ = settings.get_profile(os.environ.get("LANTERN_FUZZ_PROFILE", "ci"))


def project_form_classes() -> set[str]:
    """Dotted paths of every form class defined in Lantern's own modules."""
    for package in PROJECT_PACKAGES:
        root = importlib.import_module(package)
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if ".migrations" not in info.name:
                importlib.import_module(info.name)
    found = set()
    pending = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in PROJECT_PACKAGES and cls.__module__ != "config.urls":
            found.add(f"{cls.__module__}.{cls.__qualname__}")
    return found


def test_every_form_has_a_line_in_the_fuzz_table():
    listed = {case.form for case in FORMS} | set(EXCLUDED)
    missing = sorted(project_form_classes() - listed)
    assert not missing, (
        "Add these forms to FORMS in tests/security/forms.py (or to EXCLUDED, with the reason, "
        "in tests/security/forms_excluded.py): " + ", ".join(missing)
    )
    stale = sorted(
        path for path in listed - project_form_classes() if path.split(".")[0] in PROJECT_PACKAGES
    )
    assert not stale, "These lines name no form of Lantern's (moved or gone?): " + ", ".join(stale)


def test_every_form_of_the_pages_refuses_control_characters():
    outside = [
        path
        for path in sorted(project_form_classes() - set(EXCLUDED))
        if not issubclass(_class(path), CheckedInputForm)
    ]
    assert not outside, f"Derive these from cases.forms.CheckedInputForm: {', '.join(outside)}"


def _posted(value) -> str | list[str]:
    """`value` as a browser would post it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | models.QuerySet):
        return [_posted(v) for v in value]
    return str(value)


def baseline(form: forms.BaseForm) -> dict:
    """The form's initial values, and a plain value for each required field without one."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value not in (None, "", []) and not isinstance(field, forms.FileField):
            data[name] = _posted(value)
        elif not field.required:
            continue
        elif isinstance(field, forms.ModelChoiceField):
            data[name] = str(field.queryset.values_list("pk", flat=True).first())
        elif isinstance(field, forms.ChoiceField):
            data[name] = next(str(v) for v, _ in field.choices if v not in ("", None))
        elif isinstance(field, forms.DateField):
            data[name] = timezone.localdate().isoformat()
        elif isinstance(field, forms.TimeField):
            data[name] = "12:00"
        elif isinstance(field, forms.BooleanField):
            data[name] = "on"
        elif isinstance(field, forms.IntegerField):
            data[name] = str(field.min_value or 1)
        elif isinstance(field, forms.FileField):
            data[name] = ("people.csv", b"client_ref\n")
        else:
            data[name] = "Plain text"
    return data


def _uploads(payload: dict) -> dict:
    """Files as the client uploads them: a fresh file for each submission."""
    return {
        name: SimpleUploadedFile(value[0] or "upload.csv", value[1], "text/csv")
        if isinstance(value, tuple)
        else value
        for name, value in payload.items()
    }


def _has_control_character(value) -> bool:
    if isinstance(value, str):
        return any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in value)
    if isinstance(value, dict):
        return any(_has_control_character(v) for v in [*value, *value.values()])
    if isinstance(value, list):
        return any(_has_control_character(v) for v in value)
    return False


def check_written_rows(tables: set[str]) -> None:
    """Every row of each table a request wrote to passes `full_clean()` and holds no control
    character (the request's own bookkeeping aside)."""
    for model in apps.get_models():
        if model._meta.db_table not in tables or model._meta.app_label not in PROJECT_PACKAGES:
            continue
        if model._meta.db_table == "cases_apirequestlog":
            continue
        for row in model._default_manager.all():
            row.full_clean()
            for f in model._meta.concrete_fields:
                value = getattr(row, f.attname)
                assert not _has_control_character(value), (
                    f"{model.__name__}.{f.name} was stored with a control character: {value!r}"
                )


def check_errors_shown(response) -> None:
    """A form sent back holds errors, and the page shows each of them."""
    form = response.context.get("form") if response.context else None
    if form is None or not form.is_bound:
        return
    assert form.errors, "the form came back without saying what was wrong"
    html = response.content.decode()
    for name, messages in form.errors.items():
        for message in messages:
            assert escape(message) in html, f"the error for {name} is not shown: {message}"


def _client_for(case_user: str, world, client_as) -> Client:
    if case_user == "pat":
        # Northshire Police's partner, outside the staff cast (tests/partners/world.py).
        from tests.partners.world import partner_world

        return client_as(partner_world(world).pat)
    return Client() if case_user == "anon" else client_as(world.users[case_user])


def _url(case: FormCase, world) -> str:
    return reverse(case.url, kwargs=routes.SAMPLES[case.sample](world) | case.kwargs)


def submit(client: Client, method: str, url: str, payload: dict):
    """One submission in a savepoint rolled back afterwards: its response and what it ran."""
    # The query log holds the last 9,000 queries: past that, a capture would see none.
    reset_queries()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        if method == "POST":
            response = client.post(url, _uploads(payload))
        else:
            response = client.get(url, payload)
        if response.streaming:
            b"".join(response.streaming_content)
        assert response.status_code < 500, response.content[:2000]
        check_written_rows(tables_written(queries.captured_queries))
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("case", FORMS, ids=lambda case: case.id)
def test_hostile_input_never_breaks_a_form_or_stores_a_bad_row(
    case, world, client_as, settings, tmp_path
):
    settings.LANTERN_IMPORT_DIR = tmp_path
    client = _client_for(case.user, world, client_as)
    form = case.build(world)
    start = baseline(form) | case.valid(world)
    url = _url(case, world)
    names = sorted(form.fields)

    @FUZZ
    @given(data=st.data())
    def submit_hostile(data):
        payload = dict(start)
        for name in data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3)):
            payload[name] = data.draw(hostile_value(form.fields[name]), label=name)
        response = submit(client, case.method, url, payload)
        if case.method == "POST" and response.status_code in (200, 400, 409):
            check_errors_shown(response)

    submit_hostile()


def test_the_fuzz_tables_starting_values_are_accepted(world, client_as, settings, tmp_path):
    """Without this, a form refusing its starting values would never reach its save."""
    settings.LANTERN_IMPORT_DIR = tmp_path
    refused = []
    for case in FORMS:
        if case.method != "POST" or case.user == "anon":
            continue
        client = _client_for(case.user, world, client_as)
        form = case.build(world)
        response = submit(client, "POST", _url(case, world), baseline(form) | case.valid(world))
        if response.status_code != 302:
            errors = response.context.get("form").errors if response.context else "?"
            refused.append(f"{case.id}: {response.status_code} {errors}")
    assert not refused, "\n".join(refused)


QUERY_VALUES = st.one_of(HOSTILE_TEXT, HOSTILE_NUMBERS, HOSTILE_DATES)


@pytest.mark.parametrize(
    "page", QUERY_PAGES, ids=lambda p: f"{p.url}-{p.sample}" if p.sample != "-" else p.url
)
def test_hostile_query_parameters_never_break_a_page(page, world, client_as):
    client = _client_for(page.user, world, client_as)
    url = reverse(page.url, kwargs=routes.SAMPLES[page.sample](world))

    @FUZZ
    @given(params=st.fixed_dictionaries({}, optional=dict.fromkeys(page.params, QUERY_VALUES)))
    def open_page(params):
        submit(client, "GET", url, params)

    open_page()


@pytest.mark.parametrize(
    "page", QUERY_PAGES, ids=lambda p: f"{p.url}-{p.sample}" if p.sample != "-" else p.url
)
def test_a_nul_in_any_query_parameter_of_a_list_is_refused_with_400(page, world, client_as):
    client = _client_for(page.user, world, client_as)
    url = reverse(page.url, kwargs=routes.SAMPLES[page.sample](world))
    answers = {name: submit(client, "GET", url, {name: "\x00"}).status_code for name in page.params}
    assert answers == dict.fromkeys(page.params, 400)


@pytest.mark.parametrize("page", PERIOD_PAGES, ids=lambda p: p.url)
def test_a_period_out_of_bounds_is_refused_with_400_on_every_page_that_takes_one(
    page, world, client_as
):
    client = _client_for(page.user, world, client_as)
    url = reverse(page.url)
    for period in HOSTILE_PERIODS:
        params = {name: day for name, day in zip(page.params, period, strict=True) if day}
        # A download refused goes back to its page, which says why.
        response = client.get(url, params, follow=True)
        assert response.status_code == 400, (period, response.content[:500])


def _list_filter_parameters(model_admin, request) -> list[str]:
    changelist = model_admin.get_changelist_instance(request)
    specs = changelist.get_filters(request)[0]
    return [name for spec in specs for name in spec.expected_parameters()]


def test_every_admin_list_answers_bad_filters_with_400(world, client_as, rf):
    """Every list of the admin, with each of its filters given a control character, a
    filter it lacks, and huge numbers: a 400 for what it cannot take, never a 500."""
    adam = world.users["adam"]
    client = client_as(adam)
    request = rf.get("/")
    request.user = adam
    wrong = []
    for model, model_admin in admin.site._registry.items():
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        parameters = _list_filter_parameters(model_admin, request)
        if model_admin.date_hierarchy:
            parameters.append(f"{model_admin.date_hierarchy}__year")
        refused = [{name: control} for name in parameters for control in CONTROL_CHARACTERS[:2]]
        refused += [{f"x{CONTROL_CHARACTERS[0]}": "1"}, {"q": CONTROL_CHARACTERS[0]}]
        refused += [{"no_such_field": "1"}]
        survived = [{name: "99999999999999999999"} for name in parameters] + [{"o": "99"}]
        for params, allowed in [(p, {400}) for p in refused] + [(p, {200, 400}) for p in survived]:
            with transaction.atomic():
                response = client.get(changelist, params)
                transaction.set_rollback(True)
            if response.status_code not in allowed:
                wrong.append(f"{changelist} {params!r}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def _class(path: str) -> type:
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def test_the_fuzz_table_names_real_form_classes():
    for case in FORMS:
        assert inspect.isclass(_class(case.form)), case.form
