"""The person page asks the same number of queries however long the record."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import ContactStatus, EventStatus
from risk.engine import TIER_RANKS
from risk.models import Flag, FlagOverride, RuleSet
from tests.care.factories import care_history, note_of, referral_of
from tests.factories import (
    ContactFactory,
    EpisodeFactory,
    EventFactory,
    NaloxoneSupplyFactory,
    TopFactory,
    days_ago,
    discharge_reason,
)
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db


def grow_record(person, count, maker):
    """`count` more of each kind of record (among them what makes something due: booked
    appointments, expected events, open referrals), and `count` more flags that have ended."""
    for n in range(count):
        episode = EpisodeFactory(
            service_user=person,
            referral_date=days_ago(900 + 3 * n),
            discharge_date=days_ago(850 + 3 * n),
            discharge_reason=discharge_reason("dropped_out"),
        )
        TopFactory(episode=episode)
        ContactFactory(service_user=person)
        ContactFactory(
            service_user=person, contact_date=days_ago(-1 - n), status=ContactStatus.BOOKED
        )
        EventFactory(service_user=person)
        EventFactory(service_user=person, occurred_on=days_ago(-2 - n), status=EventStatus.EXPECTED)
        referral_of(person, maker, follow_up=-3 - n)
        NaloxoneSupplyFactory(service_user=person)
        Flag.objects.create(
            service_user=person,
            tier="raised",
            tier_rank=TIER_RANKS["raised"],
            score=1,
            summary="male",
            rule_codes=["male"],
            rule_set=RuleSet.objects.get(status=RuleSet.Status.ACTIVE),
            raised_on=days_ago(300 + 2 * n),
            changed_on=days_ago(300 + 2 * n),
            ended_on=days_ago(299 + 2 * n),
        )


def captured_queries(client, person) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("person_detail", args=[person.external_id]))
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries], response.content.decode()


def page_queries(client, person) -> tuple[int, str]:
    queries, content = captured_queries(client, person)
    return len(queries), content


def test_the_person_page_never_reads_the_same_rows_twice(client_as, alice, jo):
    """What the page reads for a section, its due list takes from there (`care.due.Read`):
    no query, parameters included, runs twice in one request."""
    grow_record(jo, 3, alice)
    make_flag(jo, raised_on=days_ago(2), reasons=(("prison_release_2w", days_ago(3)),))

    queries, _ = captured_queries(client_as(alice), jo)

    repeated = sorted({sql for sql in queries if queries.count(sql) > 1})
    assert repeated == []


def main_table(sql: str) -> str:
    """The table a statement reads from (or writes to), outside its subqueries."""
    depth, quoted = 0, False
    for at, char in enumerate(sql):
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        elif not quoted and depth == 0 and sql.startswith((" FROM ", "INSERT INTO "), at):
            return sql[at:].split('"')[1]
    return sql


# Read twice on purpose, and why.
READ_TWICE = {
    "care_casenote": "a page of notes is counted, then read (Django's paginator)",
    "cases_serviceuser": "the person, then their care plan's columns as subqueries of them",
    "risk_flag": "whether a case review is due reads the open flag with its reviews, as "
    "the team's due list does (`casereviews.selectors.due_flags`), so the two agree",
}


def test_the_person_page_reads_each_table_once(client_as, alice, jo):
    """A person's rows of one kind are few: a section reads them whole, once, and parts
    them (open and closed, latest and the rest) in Python; the due list and the other
    sections take them from there. A second query on a table, whatever its filter, is a
    section reading again what the page already holds."""
    grow_record(jo, 3, alice)
    care_history(jo, alice)  # one of every care record
    note_of(jo, alice)
    make_flag(jo, raised_on=days_ago(2), reasons=(("prison_release_2w", days_ago(3)),))

    queries, _ = captured_queries(client_as(alice), jo)

    tables = [main_table(sql) for sql in queries]
    again = {t: tables.count(t) for t in tables if tables.count(t) > 1}
    assert again == dict.fromkeys(READ_TWICE, 2)


def test_the_person_page_runs_the_same_queries_for_5_records_and_for_100(client_as, alice, jo):
    client = client_as(alice)
    grow_record(jo, 5, alice)
    flag = make_flag(jo, raised_on=days_ago(2), reasons=(("prison_release_2w", days_ago(3)),))
    FlagOverride.objects.create(
        flag=flag,
        service_user=jo,
        reason="Moved out of the area; in treatment there.",
        expires_on=days_ago(-20),
        rule_codes=flag.rule_codes,
        created_by=alice,
        approval=FlagOverride.Approval.PENDING,
    )
    few, content = page_queries(client, jo)
    assert "Released from prison 3 days ago" in content
    assert "override-pending-note" in content  # the pending override, read from the history

    grow_record(jo, 95, alice)
    many, content = page_queries(client, jo)

    assert few == many
    # The session, the user, the person, the access event (one INSERT); episodes,
    # interventions, events, contacts, naloxone, reassignments, TOPs; the flags with their
    # overrides (two), the open flag's reasons and their rules; the outreach that reached
    # them since the flag (what mitigates it takes the rest from the record read above);
    # the open overdose follow-up; the care record's notes (their count; a page when there
    # are any) and referrals: nineteen. The current risk assessment (one); the health
    # record (every test, the vaccination course, needle exchange, mental health,
    # pharmacy, physical health checks: six); the care plan with its goals (one);
    # safeguarding's children, safe storage, referrals and concerns (four: the episode it
    # is checked against is the record's). What is due takes those sections' rows as the
    # page read them (`care.due.Read`), and reads only whether a case review is due (one).
    assert many == 19 + 1 + 6 + 1 + 4 + 1
