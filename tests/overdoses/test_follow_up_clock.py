"""The follow-up's clock: when it is due, the escalation to a team lead once it is overdue
(with the time frozen either side of the due time), and the sweep that opens follow-ups for
overdoses that arrived without one."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.models import ServiceUser
from overdoses import services, tasks
from overdoses.models import FollowUp
from overdoses.schedule import follow_up_due
from tests.overdoses.factories import overdose_event, overdose_of

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(year, month, day, hour, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


# When it is due -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opened", "due"),
    [
        # A morning on a working day: that day.
        (at(2026, 12, 1, 9, 30), at(2026, 12, 1, 17)),
        # An afternoon: the next working day.
        (at(2026, 12, 1, 13), at(2026, 12, 2, 17)),
        # A Friday afternoon: Monday.
        (at(2026, 12, 4, 15), at(2026, 12, 7, 17)),
        # A Saturday morning: Monday.
        (at(2026, 12, 5, 9), at(2026, 12, 7, 17)),
        # Christmas Eve afternoon: Christmas Day, the weekend and Boxing Day's substitute
        # (Monday 28 December) are no working days in England.
        (at(2026, 12, 24, 14), at(2026, 12, 29, 17)),
    ],
)
def test_a_follow_up_is_due_the_same_or_the_next_working_day(settings, opened, due):
    settings.OVERDOSE_BANK_HOLIDAYS = "ENG"

    assert follow_up_due(opened) == due


def test_the_hours_are_configurable(settings):
    settings.OVERDOSE_FOLLOW_UP_SAME_DAY_BEFORE = 14
    settings.OVERDOSE_FOLLOW_UP_DUE_HOUR = 18

    assert follow_up_due(at(2026, 12, 1, 13)) == at(2026, 12, 1, 18)


# Escalation at the due time --------------------------------------------------------------


@pytest.mark.django_db
def test_an_overdue_follow_up_escalates_once_to_the_team_lead_and_tops_their_worklist(
    client_as, alice, tess, jo
):
    with time_machine.travel(at(2026, 11, 30, 9), tick=False):
        follow_up = overdose_of(jo, alice, days=0)
    assert follow_up.due_at == at(2026, 11, 30, 17)

    with time_machine.travel(at(2026, 11, 30, 16, 59), tick=False):
        assert tasks.follow_ups_sweep() == {"opened": 0, "escalated": 0}
    follow_up.refresh_from_db()
    assert follow_up.escalated_at is None

    with time_machine.travel(at(2026, 11, 30, 17, 1), tick=False):
        assert tasks.follow_ups_sweep() == {"opened": 0, "escalated": 1}
        follow_up.refresh_from_db()
        assert (follow_up.escalated_to, follow_up.escalated_at) == (tess, at(2026, 11, 30, 17, 1))
        content = client_as(tess).get(reverse("outreach_worklist")).content.decode()
        assert reverse("follow_up_detail", args=[follow_up.external_id]) in content
        assert "Escalated to you" in content
        assert "Overdue" in content

    with time_machine.travel(at(2026, 11, 30, 17, 16), tick=False):
        assert tasks.follow_ups_sweep() == {"opened": 0, "escalated": 0}
    follow_up.refresh_from_db()
    assert follow_up.escalated_at == at(2026, 11, 30, 17, 1)


@pytest.mark.django_db
def test_a_closed_follow_up_never_escalates(alice, tess, jo):
    with time_machine.travel(at(2026, 11, 30, 9), tick=False):
        follow_up = overdose_of(jo, alice, days=0)
        services.follow_up_close(
            follow_up=follow_up, closed_by=alice, outcome="died", children_in_household="no"
        )
    with time_machine.travel(at(2026, 12, 1, 9), tick=False):
        assert services.follow_ups_escalate() == 0


# The sweep for overdoses that came without a follow-up -------------------------------------


@pytest.mark.django_db
def test_the_sweep_opens_a_follow_up_for_an_overdose_that_has_none(alice, jo):
    event = overdose_event(jo, days=3)

    assert tasks.follow_ups_sweep()["opened"] == 1

    follow_up = FollowUp.objects.get(overdose=event)
    assert (follow_up.owner, follow_up.team) == (alice, jo.team)
    assert tasks.follow_ups_sweep()["opened"] == 0


@pytest.mark.django_db
def test_the_sweep_opens_none_for_an_overdose_older_than_28_days(alice, jo):
    overdose_event(jo, days=28)

    assert services.follow_ups_open_missing() == 0
    assert not FollowUp.objects.exists()


@pytest.mark.django_db
def test_the_sweep_opens_none_for_someone_who_has_died(alice, jo):
    overdose_event(jo, days=3)
    ServiceUser.objects.filter(pk=jo.pk).update(date_of_death=timezone.localdate())

    assert services.follow_ups_open_missing() == 0
    assert not FollowUp.objects.exists()
