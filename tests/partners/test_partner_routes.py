"""The route matrix's partner column: pat, of Northshire Police, asks for every route Lantern
serves (the admin's generated pages included), with GET and an empty POST, each as a page
and as a page's script sends it, and gets what tests/security/routes.py's PARTNER_ROUTES
says, 404 everywhere else; paula, of County Ambulance, finds nothing of Northshire's."""

import pytest
from django.urls import reverse

from tests.partners.world import partner_world
from tests.security import routes
from tests.security.test_route_matrix import (
    FETCH,
    Caller,
    admin_object_kwargs,
    enumerate_routes,
    parse,
    url_for,
)

pytestmark = pytest.mark.django_db


def partner_expectations() -> dict[tuple[str, str], tuple[str, str]]:
    """{(route, method): (sample, outcome)} from PARTNER_ROUTES."""
    table = {}
    for key, sample, method, outcome in parse(routes.PARTNER_ROUTES, 4):
        table[key, method] = (sample, outcome)
    return table


def _sample_for(route, world) -> dict | None:
    """Some kwargs that build the route's URL: a sample of the route table naming its params."""
    if route.admin_model is not None:
        return admin_object_kwargs(route)
    for kwargs in routes.SAMPLES.values():
        values = kwargs(world)
        if set(values) == set(route.params):
            return values
    return None


def test_a_partner_gets_what_the_partner_column_says_and_404_everywhere_else(world, client_as):
    partners = partner_world(world)
    table = partner_expectations()
    found = {route.key: route for route in enumerate_routes()}
    problems = [f"PARTNER_ROUTES names {key}, not a route" for key, _ in table if key not in found]
    call = Caller(partners.pat, client_as)
    for route in found.values():
        for method in ("GET", "POST"):
            sample, expected = table.get(
                (route.key, method),
                table.get((route.key, "GET"), ("-", routes.PARTNER_ELSEWHERE)),
            )
            if (route.key, method) not in table and (route.key, "GET") in table:
                # A GET line without a POST line says the same for a POST, as in ROUTES.
                expected = table[route.key, "GET"][1]
            kwargs = (
                routes.SAMPLES[sample](world)
                if sample != "-" and route.admin_model is None
                else _sample_for(route, world)
            )
            if kwargs is None:
                problems.append(f"{route.key}: no sample names {route.params}")
                continue
            url = url_for(route, kwargs)
            for variant in (method, method + FETCH):
                got, written = call(variant, url)
                if written:
                    got += "+wrote:" + ",".join(sorted(written))
                if got != expected:
                    problems.append(f"{route.key} {variant} {url}: expected {expected}, got {got}")
    assert not problems, f"{len(problems)} differ:\n" + "\n".join(problems)


def test_a_partner_of_another_organisation_finds_nothing_of_this_one(world, client_as):
    partners = partner_world(world)
    client = client_as(partners.paula)
    for name, sample in (
        ("partner_request", "partner-request"),
        ("partner_review_action", "partner-action"),
        ("partner_case_review_action", "partner-case-action"),
        ("partner_joint_section", "partner-joint"),
        ("partner_case_review", "partner-case-review"),
    ):
        url = reverse(name, kwargs=routes.SAMPLES[sample](world))
        assert client.get(url).status_code == 404
        assert client.post(url, {}).status_code == 404
    home = client.get(reverse("partner_home"))
    assert home.status_code == 200
    assert "Bloggs" not in home.content.decode()
