"""The administrator holds configuration, never people: nothing identifiable in the admin.

The world (tests/security/conftest.py) holds people with flags, an override, a
break-glass grant, access events and death reviews; here a few more people with
names and references no page could show by chance are added. The administrator
then follows every link of the admin from its index (every list, filter, record,
history, delete page and app section reached that way, and each list searched
for each person), and no page may hold a person's name, reference, NHS number or
the text of a reason written about them.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.urls import reverse

from cases import services as cases_services
from cases.access import ADMIN_MODELS
from cases.models import BreakGlassGrant, ServiceUser
from deathreviews.models import Review
from risk import services as risk_services
from risk.models import FlagOverride
from tests.deathreviews.conftest import notify
from tests.factories import ServiceUserFactory, days_ago
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db

# Pages a walk must not take: signing out ends the walk's session.
NOT_WALKED = ("/admin/logout/",)
# A list's filters and a model's rows multiply its addresses: a few of each are enough
# (the people-bearing rows are few, and the lists are ordered to show them).
QUERIES_PER_PAGE = 6
ROWS_PER_MODEL = 4


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(page: str, base: str) -> list[str]:
    parser = _Links()
    parser.feed(page)
    return [urljoin(base, href) for href in parser.hrefs]


def _walk(client, start: str, limit: int = 800) -> dict[str, str]:
    """Every admin page reachable by links from `start`: body by address."""
    seen: dict[str, str] = {}
    queries: dict[str, int] = {}
    rows: dict[str, set[str]] = {}
    pending = deque([start])
    while pending and len(seen) < limit:
        parts = urlsplit(pending.popleft())
        segments = parts.path.strip("/").split("/")
        # A row's pages carry the list's filters along; the fragment is the same page.
        row_page = len(segments) >= 4 and segments[3] != "add"
        url = parts.path if row_page else parts._replace(fragment="").geturl()
        if url in seen or not parts.path.startswith("/admin/") or parts.path in NOT_WALKED:
            continue
        if parts.query and not row_page:
            if queries.get(parts.path, 0) >= QUERIES_PER_PAGE:
                continue
            queries[parts.path] = queries.get(parts.path, 0) + 1
        # /admin/<app>/<model>/<row>/...: a row's pages, taken for a few rows of each model.
        if row_page:
            taken = rows.setdefault("/".join(segments[1:3]), set())
            if segments[3] not in taken and len(taken) >= ROWS_PER_MODEL:
                continue
            taken.add(segments[3])
        response = client.get(url)
        assert response.status_code < 500, url
        body = response.content.decode() if response.status_code == 200 else ""
        seen[url] = body
        if response.get("Content-Type", "").startswith("text/html"):
            pending.extend(_links(body, url))
    return seen


def _identifying(person: ServiceUser) -> list[str]:
    return [
        value
        for value in (
            f"{person.first_name} {person.last_name}",
            person.last_name,
            person.client_ref,
            person.nhs_number,
        )
        if value and len(value) > 3
    ]


@pytest.fixture
def people_with_records(world, alice, bob, gina):
    """Two people with names and references nothing else holds, and records about them."""
    zeb = ServiceUserFactory(
        team=world.jo_episode.service_user.team,
        keyworker=alice,
        first_name="Zebedee",
        last_name="Quillfeather",
        client_ref="ZQX-48151",
    )
    risk_services.flag_override(
        flag=make_flag(zeb),
        user=alice,
        reason="Zebedee is staying with his aunt in Ditchling.",
        expires_on=days_ago(-14),
    )
    cases_services.break_glass_grant_create(
        user=bob, service_user=zeb, reason="Covering for Ottoline Fairbrass-Yoxall today."
    )
    notify(gina, person_name="Persephone Wolstenholme", age=41, sex="F")
    return zeb


def test_no_admin_page_shows_a_person(world, people_with_records, client_as, adam):
    client = client_as(adam)
    pages = _walk(client, reverse("admin:index"))
    assert len(pages) < 800, "the walk stopped before it reached every page"
    # Each list searched for each person, as an administrator typing a name would: the
    # search box shows the term, so what counts is that nothing is found.
    people = list(ServiceUser.objects.all())
    for model, model_admin in admin.site._registry.items():
        if model_admin.search_fields:
            changelist = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
            )
            for person in people:
                for term in (person.last_name, person.client_ref):
                    found = client.get(changelist, {"q": term}).context["cl"].result_count
                    assert found == 0, f"{changelist}?q={term} found {found}"

    secrets = [value for person in people for value in _identifying(person)]
    secrets += [grant.reason for grant in BreakGlassGrant.objects.all()]
    secrets += [override.reason for override in FlagOverride.objects.all()]
    secrets += [review.person_name for review in Review.objects.exclude(person_name="")]
    assert "Quillfeather" in secrets
    assert "Persephone Wolstenholme" in secrets
    found = [
        f"{url}: {secret}" for url, body in pages.items() for secret in secrets if secret in body
    ]
    assert not found, "\n".join(found)
    # The walk reached every registered model's list and some of its records.
    for model in admin.site._registry:
        meta = model._meta
        assert reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist") in pages


def test_the_admin_holds_no_model_that_refers_to_a_person():
    """Every model the admin may hold is configuration: none refers to a person's record."""
    for label in ADMIN_MODELS:
        model = apps.get_model(label)
        related = [
            field.name
            for field in model._meta.get_fields()
            if isinstance(field, models.ForeignKey | models.ManyToManyField | models.OneToOneField)
            and field.related_model is ServiceUser
        ]
        assert not related, f"{label} refers to a person through {related}"


def test_the_admin_refuses_to_register_a_record_of_people():
    with pytest.raises(ImproperlyConfigured, match=r"cases\.serviceuser"):
        admin.site.register(ServiceUser)
    assert ServiceUser not in admin.site._registry


def test_an_administrator_finds_no_death_review(world, client_as, adam):
    client = client_as(adam)
    for url in (
        reverse("review_list"),
        reverse("review_dashboard"),
        reverse("review_detail", kwargs={"external_id": world.review.external_id}),
    ):
        assert client.get(url).status_code == 404, url
