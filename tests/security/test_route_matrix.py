"""Every URL pattern, for every role, against the expected table in tests/security/routes.py.

The routes are enumerated from the resolver (the API and the Django admin
included), so a new route without a line in the table fails, and so does a
line for a route that no longer exists. Each route is requested by each role
of the named cast with GET and with an empty POST (an invalid form), and each of
the table's lines again as a page's script sends it (`X-Requested-With: fetch`,
method `GET+fetch`, `POST+fetch`), which must get the same; each request in a savepoint
rolled back afterwards so every request sees the same world; a request may
write only where its cell says `wrote` (the request log and the session are
bookkeeping, not writes). Every difference is reported at once, as a table.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security import routes
from tests.security.writes import tables_written

pytestmark = pytest.mark.django_db

ADMIN_ACTIONS = ("changelist", "add", "change", "history", "delete", "object")
# ADMIN_MODELS' columns: the actions, and `save` (an empty POST to the change page).
ADMIN_COLUMNS = ("changelist", "add", "change", "save", "history", "delete", "object")
ADMIN_OUTSIDERS = "signin"
# What an anonymous request to a route outside routes.PUBLIC may get.
ANONYMOUS_REFUSALS = frozenset({"signin", "401", "405"})
# Tables a request may write to without it counting as a write: the session and
# the API's own request log record the request itself.
# Written by reads and sign-outs themselves: the session and its index by user, the
# sign-in log, and the audit of each read (whose exactly-once rule has its own tests in
# tests/cases/audit/).
BOOKKEEPING_TABLES = frozenset(
    {
        "django_session",
        "cases_signedinsession",
        "axes_accesslog",
        "cases_apirequestlog",
        "cases_accessevent",
    }
)
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")
# A method ending in this is sent with the header the worklist's script sends.
FETCH = "+fetch"


@dataclass(frozen=True)
class Route:
    key: str  # the namespaced URL name, or the pattern for an unnamed route
    pattern: str
    params: tuple[str, ...]
    named: bool
    admin_model: str | None = None  # "app_label.model" for a generated admin page
    admin_action: str | None = None


@dataclass(frozen=True)
class Row:
    key: str
    sample: str
    method: str
    outcomes: dict[str, str]


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = namespace
            if p.namespace:
                inner = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield name, prefix + str(p.pattern)


def _admin_families() -> dict[str, str]:
    """{URL name or unnamed pattern: "model action"} for every generated admin page."""
    families = {}
    for model in admin.site._registry:
        app, name = model._meta.app_label, model._meta.model_name
        for action in ADMIN_ACTIONS[:-1]:  # "object" is the unnamed redirect below
            families[f"admin:{app}_{name}_{action}"] = f"{app}.{name} {action}"
        families[f"admin/{app}/{name}/<path:object_id>/"] = f"{app}.{name} object"
    return families


def enumerate_routes() -> list[Route]:
    families = _admin_families()
    found = []
    for name, pattern in _walk(get_resolver().url_patterns):
        key = name or pattern
        params = tuple(a or b for a, b in PARAMETER.findall(pattern))
        model, action = families[key].split() if key in families else (None, None)
        found.append(Route(key, pattern, params, name is not None, model, action))
    return found


def parse(text: str, width: int) -> list[list[str]]:
    lines = [line.split() for line in text.splitlines()]
    rows = [cells for cells in lines if cells and not cells[0].startswith("#")]
    for cells in rows:
        assert len(cells) == width, f"a table line needs {width} columns: {' '.join(cells)}"
    return rows


def expected_rows() -> list[Row]:
    return [
        Row(key, sample, method, dict(zip(routes.ROLES, cells, strict=True)))
        for key, sample, method, *cells in parse(routes.ROUTES, 3 + len(routes.ROLES))
    ]


def admin_expectations() -> dict[str, dict[str, str]]:
    width = 1 + len(ADMIN_COLUMNS)
    return {
        model: dict(zip(ADMIN_COLUMNS, cells, strict=True))
        for model, *cells in parse(routes.ADMIN_MODELS, width)
    }


def url_for(route: Route, kwargs: dict) -> str:
    if route.named:
        return reverse(route.key, kwargs=kwargs)

    def fill(match: re.Match) -> str:
        return str(kwargs[match.group(1) or match.group(2)])

    return "/" + PARAMETER.sub(fill, route.pattern).lstrip("^").rstrip("$")


def admin_object_kwargs(route: Route) -> dict:
    from django.apps import apps

    model = apps.get_model(route.admin_model)
    first = model._default_manager.order_by("pk").first()
    assert first is not None, f"the world in tests/security/conftest.py needs a {model.__name__}"
    return {"object_id": first.pk} if "object_id" in route.params else {}


def outcome_of(response) -> str:
    sign_in = {reverse(settings.LOGIN_URL), reverse("admin:login")}
    if response.status_code in (301, 302, 303, 307, 308):
        return "signin" if urlsplit(response["Location"]).path in sign_in else "ok"
    if 200 <= response.status_code < 300:
        return "ok"
    return str(response.status_code)


def request_as(client: Client, method: str, url: str) -> tuple[str, set[str]]:
    """(outcome, tables written) of one request, rolled back afterwards."""
    # The query log holds the last 9,000 queries: past that, a capture would see none.
    reset_queries()
    headers = {"HTTP_X_REQUESTED_WITH": "fetch"} if method.endswith(FETCH) else {}
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        if method.removesuffix(FETCH) == "GET":
            response = client.get(url, **headers)
        else:
            response = client.post(url, {}, **headers)
        if response.streaming:
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return outcome_of(response), tables_written(queries.captured_queries) - BOOKKEEPING_TABLES


class Caller:
    """One role's client, signed in again whenever a request ended its session."""

    def __init__(self, user, client_as):
        self.user, self.client_as = user, client_as
        self.client = Client() if user is None else client_as(user)
        self.client.raise_request_exception = False
        self.session = self._session()

    def __call__(self, method: str, url: str) -> tuple[str, set[str]]:
        if self.user is not None and self._session() != self.session:
            self.client = self.client_as(self.user)
            self.client.raise_request_exception = False
        self.session = self._session()
        return request_as(self.client, method, url)

    def _session(self) -> str | None:
        cookie = self.client.cookies.get(settings.SESSION_COOKIE_NAME)
        return cookie.value if cookie is not None else None


def _suggested_sample(route: Route, world) -> str:
    for name, kwargs in routes.SAMPLES.items():
        if set(kwargs(world)) == set(route.params):
            return name
    return "?"


def test_every_route_gives_every_role_what_the_table_says(world, client_as):
    found = enumerate_routes()
    by_key = {r.key: r for r in found}
    rows = expected_rows()
    admin_models = admin_expectations()

    problems: list[str] = []
    cases: list[tuple[str, str, str, str, dict[str, str]]] = []

    # Routes without a line, and lines without a route.
    listed = {row.key for row in rows}
    unlisted = []
    unlisted_admin = []
    for route in found:
        if route.admin_model is not None:
            if route.admin_model not in admin_models:
                unlisted_admin.append(route)
        elif route.key not in listed:
            unlisted.append(route)
    for row in rows:
        if row.key not in by_key:
            problems.append(f"ROUTES has a line for {row.key}, which is no longer a route")
        if row.sample not in routes.SAMPLES:
            problems.append(f"ROUTES names sample {row.sample!r}, which SAMPLES lacks")
        if row.key not in routes.PUBLIC and row.outcomes["anon"] not in ANONYMOUS_REFUSALS:
            problems.append(
                f"ROUTES lets an anonymous caller have {row.key} ({row.outcomes['anon']}): "
                "only the routes in PUBLIC may be opened without signing in"
            )
    families = {r.admin_model for r in found if r.admin_model}
    for model in admin_models:
        if model not in families:
            problems.append(f"ADMIN_MODELS has a line for {model}, which the admin lacks")

    # Listed routes: each line, and the POST a line without a POST line implies.
    for row in rows:
        route = by_key.get(row.key)
        if route is None or row.sample not in routes.SAMPLES:
            continue
        url = url_for(route, routes.SAMPLES[row.sample](world))
        cases.append((row.key, row.sample, row.method, url, row.outcomes))
        has_post = any(
            r.key == row.key and r.sample == row.sample and r.method == "POST" for r in rows
        )
        if row.method == "GET" and not has_post:
            cases.append((row.key, row.sample, "POST", url, row.outcomes))
    # The same lines as a page's script sends them: the same answer, fragment or not.
    cases.extend(
        (key, sample, method + FETCH, url, expected)
        for key, sample, method, url, expected in list(cases)
    )

    # Generated admin pages: adam per ADMIN_MODELS, everyone else to the admin's sign-in.
    for route in found:
        if route.admin_model is None or route.admin_model not in admin_models:
            continue
        url = url_for(route, admin_object_kwargs(route))
        cells = admin_models[route.admin_model]
        for method in ("GET", "POST"):
            column = "save" if (method, route.admin_action) == ("POST", "change") else None
            adam = cells[column or route.admin_action]
            expected = {role: ADMIN_OUTSIDERS for role in routes.ROLES} | {"adam": adam}
            cases.append((route.key, "first row", method, url, expected))

    # Unlisted routes are requested too, to print what each role gets now.
    suggestions = {route.key: _suggested_sample(route, world) for route in unlisted}
    for route in unlisted:
        if suggestions[route.key] != "?":
            url = url_for(route, routes.SAMPLES[suggestions[route.key]](world))
            cases.append((route.key, suggestions[route.key], "GET", url, {}))
    for route in unlisted_admin:
        url = url_for(route, admin_object_kwargs(route))
        cases.append((route.key, "first row", "GET", url, {}))
        if route.admin_action == "change":
            cases.append((route.key, "first row", "POST", url, {}))

    # One role at a time: the cast shares one signed-in client.
    mismatches: list[tuple[str, ...]] = []
    seen: dict[tuple[str, str, str], str] = {}
    for role in routes.ROLES:
        call = Caller(world.users.get(role), client_as)
        for key, sample, method, url, expected in cases:
            got, written = call(method, url)
            if not expected:
                seen[key, method, role] = got
                continue
            if written and got == "ok" and expected[role] == "wrote":
                continue
            if written:
                got = f"{got}+wrote:{','.join(sorted(written))}"
            if got != expected[role]:
                mismatches.append((key, sample, method, role, expected[role], got))

    for route in unlisted:
        sample = suggestions[route.key]
        cells = [seen.get((route.key, "GET", role), "?") for role in routes.ROLES]
        problems.append(
            f"route {route.key} ({route.pattern}) has no line in ROUTES. Add this line, after "
            "checking each role's outcome (what it gets now) is what it should get:\n"
            f"{route.key:<30} {sample:<14} GET     " + "  ".join(f"{c:<6}" for c in cells)
        )
    for model in sorted({route.admin_model for route in unlisted_admin}):
        pages = {r.admin_action: r.key for r in unlisted_admin if r.admin_model == model}
        cells = [
            seen.get((pages["change"], "POST", "adam"), "?")
            if column == "save"
            else seen.get((pages.get(column, ""), "GET", "adam"), "?")
            for column in ADMIN_COLUMNS
        ]
        problems.append(
            f"admin model {model} has no line in ADMIN_MODELS. Add this line, after checking "
            "each page's outcome for adam (what he gets now) is what he should get:\n"
            f"{model:<31} "
            + "  ".join(f"{c:<10}" if i == 0 else f"{c:<6}" for i, c in enumerate(cells))
        )
    if mismatches:
        header = ("route", "sample", "method", "role", "expected", "got")
        table = [header, *sorted(mismatches)]
        widths = [max(len(m[i]) for m in table) for i in range(len(header))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(m, widths, strict=True)) for m in table]
        problems.append(f"{len(mismatches)} outcomes differ from the table:\n" + "\n".join(lines))
    assert not problems, "\n\n".join(problems)
