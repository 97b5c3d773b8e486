"""Every view that shows a person records exactly one read of them, in every variant.

Driven by the route table (tests/security/routes.py): every line whose sample
names a person (jo, or a review of jo, or of someone the service never knew, or
someone not yet known to it) is
requested by every role with GET and with an empty POST (an invalid form), each
as a full page and as the worklist's script sends it (`X-Requested-With:
fetch`); each of those routes' forms is also sent valid (tests/security/forms.py),
both ways. Where the role's cell lets it through (ok, 400, wrote) exactly one
access event is written, about that person and of that page's kind; where the
cell refuses (signin, 403, 404, 405) none is. Each request runs in a savepoint
rolled back afterwards, so every request sees the same world.

A route with a uuid in its URL needs lines with such a sample, or a line in
`NOT_READS` saying why it shows no one: a new page of a person cannot go
unaudited by being left out.
"""

import re
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from cases.models import AccessEvent, AccessKind
from tests.security import routes
from tests.security.forms import FORMS
from tests.security.test_form_fuzz import baseline
from tests.security.test_route_matrix import enumerate_routes, expected_rows, outcome_of, url_for

pytestmark = pytest.mark.django_db

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}
VARIANTS = {"page": {}, "fetch": FETCH}
LET_THROUGH = frozenset({"ok", "400", "wrote"})

# Samples that name a person, and whom: jo, or (None) someone the service never knew.
# An overdose follow-up of jo is a read of jo's record.
# A person on a case review's list, and a case review action about them, are reads of jo.
PERSON_SAMPLES = frozenset(
    {
        "jo",
        "jo-episode",
        "jo-expected",
        "jo-follow-up",
        "jo-goal",
        "case-review-jo",
        "case-review-action",
        "audit-round-jo",
        # A person's consent to share with a partner is a read of their record.
        "jo-consent",
    }
)
# kim: the person of the security world's break-glass grant and its pending override.
KIM_SAMPLES = frozenset({"kim"})
REVIEW_SAMPLES = frozenset(
    {"review", "review-domain", "review-step", "finding", "request", "action"}
)
UNKNOWN_REVIEW_SAMPLES = frozenset({"unknown-review"})
# Someone not yet known to the service: a read of them names no record, only them.
UNIDENTIFIED_SAMPLES = frozenset({"someone"})
READ_SAMPLES = (
    PERSON_SAMPLES | KIM_SAMPLES | REVIEW_SAMPLES | UNKNOWN_REVIEW_SAMPLES | UNIDENTIFIED_SAMPLES
)

# The kind of read a page of a person is, where it is not a look at their record.
KINDS = {
    "person_access_report": AccessKind.REPORT,
    "person_access_report_csv": AccessKind.EXPORT,
}

# Routes with a uuid in their URL that show no one, and why.
NOT_READS = {
    "break_glass_review": "POST only: marks a break-glass use reviewed and goes back to the list",
    "import_job": "an import job: its files and counts, no person",
    "import_job_status": "an import job's progress, no person",
    "bulletin_approve": (
        "POST only: governance approves bulletin text; a refused one shows the approvals "
        "queue again, whose read is recorded as a list"
    ),
    # A submission's page lists its problems, naming many people: one list read (and its
    # file one export) for every request let through (the submission test below).
    "ndtms_submission": "an NDTMS submission: one list read of its problems, tested below",
    "ndtms_submission_download": "an NDTMS submission's file: one export, tested below",
    "ndtms_submission_record": (
        "POST only: records a submission as sent and goes back to its page, or shows it "
        "again with the form's error, one list read (tested below)"
    ),
    # A case review's page lists its people: one list read for every request let through
    # (the meeting test below).
    "case_review_meeting": "a case review meeting: one list read of its people, tested below",
    "case_review_people": "who a meeting reviews: one list read of the team's people, tested below",
    "case_review_history": (
        "a case review meeting's history: one list read of the people it names, tested below"
    ),
    "case_review_hold": "POST only: marks a meeting held and goes back to its page",
    "case_review_invite": (
        "POST only: invites partner organisations to a meeting and goes back to its page, "
        "or shows the choice of organisations again, naming no one"
    ),
    "care_audit_round": "a case-file audit round: one list read of its people, tested below",
    # A partner's pages: every staff role finds them not found; the partner's reads of them
    # are tested in tests/partners/test_partner_pages.py.
    "partner_request": "a partner's page, not found for staff; the partner's read is tested",
    "partner_review_action": "a partner's page, not found for staff; the partner's read is tested",
    "partner_case_review_action": (
        "a partner's page, not found for staff; the partner's read is tested"
    ),
    "partner_joint_section": "a partner's page, not found for staff; the partner's read is tested",
    "partner_case_review": "a partner's page, not found for staff; the partner's read is tested",
    "transfer_request_answer": (
        "POST only: a team lead answers a transfer request and goes back to the list, "
        "whose read is recorded"
    ),
}

UUID_PARAMETER = re.compile(r"<uuid:\w+>")


@dataclass(frozen=True)
class Expected:
    kind: str
    person: object  # the ServiceUser, or None for someone the service never knew
    object_ref: str


def expected_read(key: str, sample: str, world) -> Expected:
    jo = world.jo_episode.service_user
    if sample in PERSON_SAMPLES:
        return Expected(KINDS.get(key, AccessKind.RECORD), jo, jo.client_ref)
    if sample in KIM_SAMPLES:
        kim = world.grant.service_user
        return Expected(KINDS.get(key, AccessKind.RECORD), kim, kim.client_ref)
    if sample in REVIEW_SAMPLES:
        return Expected(AccessKind.REVIEW, jo, world.review.reference)
    if sample in UNIDENTIFIED_SAMPLES:
        return Expected(AccessKind.RECORD, None, str(world.someone.external_id))
    return Expected(AccessKind.REVIEW, None, world.unknown_review.reference)


def reads_of(client: Client, method: str, url: str, data: dict, headers: dict):
    """(outcome, access events written) of one request, rolled back afterwards."""
    with transaction.atomic():
        newest = AccessEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        send = client.post if method == "POST" else client.get
        response = send(url, data, **headers)
        if response.streaming:
            b"".join(response.streaming_content)
        events = list(
            AccessEvent.objects.filter(id__gt=newest).values_list(
                "view", "kind", "service_user", "object_ref", "break_glass"
            )
        )
        transaction.set_rollback(True)
    return outcome_of(response), events


def one_read(key: str, expected: Expected) -> list:
    person = expected.person.pk if expected.person is not None else None
    return [(key, expected.kind, person, expected.object_ref, False)]


def test_every_route_with_a_uuid_shows_a_person_and_is_audited_or_says_why_not():
    lines = {}
    for row in expected_rows():
        lines.setdefault(row.key, set()).add(row.sample)
    problems = []
    for route in enumerate_routes():
        if route.admin_model is not None or not UUID_PARAMETER.search(route.pattern):
            continue
        if route.key in NOT_READS:
            continue
        samples = lines.get(route.key, set())
        if not samples or not samples <= READ_SAMPLES:
            problems.append(
                f"{route.key} ({route.pattern}) takes a uuid: give it lines in "
                "tests/security/routes.py with a sample naming a person "
                f"({', '.join(sorted(READ_SAMPLES))}), or a line in NOT_READS saying why it "
                "shows no one"
            )
    for key in NOT_READS:
        if key not in {route.key for route in enumerate_routes()}:
            problems.append(f"NOT_READS names {key}, which is no longer a route")
    assert not problems, "\n".join(problems)


def test_each_page_of_a_person_records_one_read_of_them_for_every_role_it_lets_through(
    world, client_as
):
    by_key = {route.key: route for route in enumerate_routes()}
    rows = [row for row in expected_rows() if row.sample in READ_SAMPLES]
    assert rows, "the route table has no page of a person"
    cases = []
    for row in rows:
        cases.append((row.key, row.sample, row.method, row.outcomes))
        has_post = any(
            r.key == row.key and r.sample == row.sample and r.method == "POST" for r in rows
        )
        if row.method == "GET" and not has_post:
            cases.append((row.key, row.sample, "POST", row.outcomes))

    problems = []
    for role in routes.ROLES:
        user = world.users.get(role)
        client = Client() if user is None else client_as(user)
        for key, sample, method, outcomes in cases:
            url = url_for(by_key[key], routes.SAMPLES[sample](world))
            expected = outcomes[role]
            wanted = one_read(key, expected_read(key, sample, world))
            for variant, headers in VARIANTS.items():
                got, events = reads_of(client, method, url, {}, headers)
                want = wanted if expected in LET_THROUGH else []
                # "wrote" is the route matrix's word for an allowed POST that writes.
                if got != ("ok" if expected == "wrote" else expected) or events != want:
                    problems.append(
                        f"{key} {sample} {method} ({variant}) as {role}: expected {expected} "
                        f"and {want}, got {got} and {events}"
                    )
    assert not problems, f"{len(problems)} reads differ:\n" + "\n".join(problems)


def test_each_valid_form_about_a_person_records_one_read_of_them(world, client_as):
    cases = [case for case in FORMS if case.sample in READ_SAMPLES and case.method == "POST"]
    assert cases, "the form table has no form about a person"
    problems = []
    for case in cases:
        client = client_as(world.users[case.user])
        url = reverse(case.url, kwargs=routes.SAMPLES[case.sample](world) | case.kwargs)
        data = baseline(case.build(world)) | case.valid(world)
        wanted = one_read(case.url, expected_read(case.url, case.sample, world))
        for variant, headers in VARIANTS.items():
            got, events = reads_of(client, "POST", url, data, headers)
            if got != "ok" or events != wanted:
                problems.append(
                    f"{case.id} valid POST ({variant}) as {case.user}: expected ok and "
                    f"{wanted}, got {got} and {events}"
                )
    assert not problems, f"{len(problems)} reads differ:\n" + "\n".join(problems)


def test_a_notification_started_from_a_record_is_a_read_of_it(world, client_as):
    jo = world.jo_episode.service_user
    url = f"{reverse('review_notify')}?person={jo.external_id}"
    for variant, headers in VARIANTS.items():
        got, events = reads_of(client_as(world.users["gina"]), "GET", url, {}, headers)
        assert (variant, got, events) == (
            variant,
            "ok",
            [("review_notify", AccessKind.RECORD, jo.pk, jo.client_ref, False)],
        )


def test_a_read_under_a_break_glass_grant_is_marked_as_one(world, client_as):
    kim = world.grant.service_user
    client = client_as(world.users["bob"])
    for name in ("person_detail", "person_edit", "outreach_attempt_create"):
        url = reverse(name, args=[kim.external_id])
        for variant, headers in VARIANTS.items():
            got, events = reads_of(client, "GET", url, {}, headers)
            assert (name, variant, got, events) == (
                name,
                variant,
                "ok",
                [(name, AccessKind.RECORD, kim.pk, kim.client_ref, True)],
            )


# Pages of aggregates only, suppressed as every figure is: they show no one, so they record
# no read (as the review dashboard), for every role they let through.
AGGREGATE_PAGES = ("fairness_report", "data_quality")


def test_pages_of_aggregates_record_no_read(world, client_as):
    problems = []
    for key in AGGREGATE_PAGES:
        url = reverse(key)
        for role in ("tess", "gina"):
            for variant, headers in VARIANTS.items():
                got, events = reads_of(client_as(world.users[role]), "GET", url, {}, headers)
                if (got, events) != ("ok", []):
                    problems.append(f"{key} ({variant}) as {role}: got {got} and {events}")
    assert not problems, "\n".join(problems)


# The commissioner dashboard and its CSV: aggregates only, for commissioners and governance.
# They show no one, so they record no read of a person (the API's request log records them).
COMMISSIONER_AGGREGATE_PAGES = ("commissioner_dashboard", "commissioner_dashboard_csv")


def test_the_commissioner_dashboard_records_no_read_of_a_person(world, client_as):
    problems = []
    for key in COMMISSIONER_AGGREGATE_PAGES:
        url = reverse(key)
        for role in ("cora", "gina"):
            for variant, headers in VARIANTS.items():
                got, events = reads_of(client_as(world.users[role]), "GET", url, {}, headers)
                if (got, events) != ("ok", []):
                    problems.append(f"{key} ({variant}) as {role}: got {got} and {events}")
    assert not problems, "\n".join(problems)


# What each route of an NDTMS submission records when it lets a request through: one read
# of many people, by the file's name, never of one person.
SUBMISSION_READS = {
    "ndtms_submission": AccessKind.LIST,
    "ndtms_submission_download": AccessKind.EXPORT,
    "ndtms_submission_record": AccessKind.LIST,
}


def test_each_page_of_an_ndtms_submission_records_one_read_for_every_role_it_lets_through(
    world, client_as
):
    by_key = {route.key: route for route in enumerate_routes()}
    rows = [row for row in expected_rows() if row.sample == "submission"]
    assert {row.key for row in rows} == set(SUBMISSION_READS)
    problems = []
    for role in routes.ROLES:
        user = world.users.get(role)
        client = Client() if user is None else client_as(user)
        for row in rows:
            url = url_for(by_key[row.key], routes.SAMPLES[row.sample](world))
            expected = row.outcomes[role]
            wanted = [(row.key, SUBMISSION_READS[row.key], None, world.submission.file_name, False)]
            for variant, headers in VARIANTS.items():
                got, events = reads_of(client, row.method, url, {}, headers)
                want = wanted if expected in LET_THROUGH else []
                if got != expected or events != want:
                    problems.append(
                        f"{row.key} {row.method} ({variant}) as {role}: expected {expected} "
                        f"and {want}, got {got} and {events}"
                    )
    assert not problems, f"{len(problems)} reads differ:\n" + "\n".join(problems)


def test_the_ndtms_data_quality_page_counts_problems_and_records_no_read(world, client_as):
    # Counts by team and kind of the service's file: it names no one.
    for variant, headers in VARIANTS.items():
        got, events = reads_of(
            client_as(world.users["adam"]), "GET", reverse("ndtms_quality"), {}, headers
        )
        assert (variant, got, events) == (variant, "ok", [])


# What each page of a case review meeting records when it lets a request through: one read
# of the people it lists, by the meeting, never of one person.
MEETING_READS = ("case_review_meeting", "case_review_people", "case_review_history")


def test_each_page_of_a_case_review_records_one_list_read_for_every_role_it_lets_through(
    world, client_as
):
    by_key = {route.key: route for route in enumerate_routes()}
    rows = [row for row in expected_rows() if row.key in MEETING_READS]
    assert {row.key for row in rows} == set(MEETING_READS)
    wanted_ref = f"case review {world.case_review.external_id}"
    problems = []
    for role in routes.ROLES:
        user = world.users.get(role)
        client = Client() if user is None else client_as(user)
        for row in rows:
            url = url_for(by_key[row.key], routes.SAMPLES[row.sample](world))
            expected = row.outcomes[role]
            want = [(row.key, AccessKind.LIST, None, wanted_ref, False)]
            for variant, headers in VARIANTS.items():
                got, events = reads_of(client, row.method, url, {}, headers)
                if got != expected or events != (want if expected in LET_THROUGH else []):
                    problems.append(
                        f"{row.key} {row.method} ({variant}) as {role}: expected {expected}, "
                        f"got {got} and {events}"
                    )
    assert not problems, "\n".join(problems)


def test_a_case_file_audit_rounds_page_records_one_list_read_for_every_role_it_lets_through(
    world, client_as
):
    by_key = {route.key: route for route in enumerate_routes()}
    rows = [row for row in expected_rows() if row.key == "care_audit_round"]
    assert rows
    wanted_ref = f"case-file audit {routes.audit_round(world).external_id}"
    problems = []
    for role in routes.ROLES:
        user = world.users.get(role)
        client = Client() if user is None else client_as(user)
        for row in rows:
            url = url_for(by_key[row.key], routes.SAMPLES[row.sample](world))
            expected = row.outcomes[role]
            want = [(row.key, AccessKind.LIST, None, wanted_ref, False)]
            for variant, headers in VARIANTS.items():
                got, events = reads_of(client, row.method, url, {}, headers)
                if got != expected or events != (want if expected in LET_THROUGH else []):
                    problems.append(
                        f"{row.key} {row.method} ({variant}) as {role}: expected {expected}, "
                        f"got {got} and {events}"
                    )
    assert not problems, "\n".join(problems)
