"""Reads of the safeguarding record. Each takes a person already found through the
visibility selector (`cases.audit.service_user_for_read`), so no read here widens anyone's
scope.

Everything is read in a fixed number of queries, however many records a person has: the
children, the safe storage, the open protection referrals and the latest closed, the open
concerns and the latest closed, and the person's current episode (whose parental status
and children living with them the record is checked against). What is open (the banner)
and what is due are computed from those rows in plain Python.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from care.due import Due, Read
from care.models import (
    ChildInContact,
    LivesWith,
    ProtectionReferral,
    SafeguardingConcern,
    SafeStorage,
)
from cases.models import ServiceUser, TreatmentEpisode
from cases.selectors import CURRENT_EPISODE_FIRST, current_episode

CLOSED_SHOWN = 5


@dataclass(frozen=True)
class Open:
    """One thing open on the safeguarding record, in words for the banner."""

    what: str
    since: datetime.date | None = None
    url: str = ""


@dataclass
class SafeguardingRecord:
    children: list[ChildInContact]
    storage: SafeStorage | None
    episode: TreatmentEpisode | None
    open_referrals: list[ProtectionReferral] = field(default_factory=list)
    open_concerns: list[SafeguardingConcern] = field(default_factory=list)
    closed_referrals: list[ProtectionReferral] = field(default_factory=list)
    closed_concerns: list[SafeguardingConcern] = field(default_factory=list)

    def children_now(self, today: datetime.date) -> list[ChildInContact]:
        """The children on the record still under 18 this year."""
        return [c for c in self.children if c.is_child_in(today.year)]

    def children_at_home(self, today: datetime.date) -> int:
        """How many children live with the person, by this record or by the episode's
        count, whichever says more: either is reason enough to keep medication safe."""
        listed = sum(c.lives_with == LivesWith.LIVES_WITH for c in self.children_now(today))
        counted = (self.episode.children_living_with or 0) if self.episode else 0
        return max(listed, counted)

    def storage_missing(self, today: datetime.date) -> bool:
        return self.children_at_home(today) > 0 and not (self.storage and self.storage.recorded)

    def disagreements(self, today: datetime.date) -> list[str]:
        """Where this record and the episode's parental status or children living with
        the person do not agree, in words; the episode is left as it is."""
        if self.episode is None:
            return []
        said: list[str] = []
        listed = sum(c.lives_with == LivesWith.LIVES_WITH for c in self.children_now(today))
        counted = self.episode.children_living_with
        if counted is not None and counted != listed:
            said.append(
                f"The episode says {_children(counted)} live with them; this record lists "
                f"{_children(listed)} living with them."
            )
        if self.episode.parental_status is False and self.children_now(today):
            said.append(
                "The episode says they are not a parent, but this record lists children. "
                "Check which is right and correct it."
            )
        return said


def _children(n: int) -> str:
    return "no children" if n == 0 else "1 child" if n == 1 else f"{n} children"


def _current_episode(person: ServiceUser) -> TreatmentEpisode | None:
    """The open episode, or else the latest."""
    return (
        TreatmentEpisode.objects.filter(service_user=person)
        .order_by(*CURRENT_EPISODE_FIRST)
        .only("id", "parental_status", "children_living_with", "discharge_date")
        .first()
    )


def safeguarding_record_of(
    person: ServiceUser,
    *,
    closed_shown: int = CLOSED_SHOWN,
    episodes: Sequence[TreatmentEpisode] | None = None,
) -> SafeguardingRecord:
    """Every safeguarding row the page and the banner need, in five queries (four when
    `episodes` holds every episode of the person, as the person page has read them). A
    person's protection referrals and concerns are few: each is read whole, once, and
    parted into the open and the latest closed here."""
    referrals = list(
        ProtectionReferral.objects.filter(service_user=person).select_related(
            "made_by", "outcome_recorded_by"
        )
    )
    concerns = list(
        SafeguardingConcern.objects.filter(service_user=person).select_related(
            "raised_by", "closed_by"
        )
    )
    closed_referrals = sorted(
        (r for r in referrals if r.outcome), key=lambda r: (r.outcome_on, r.pk), reverse=True
    )
    closed_concerns = sorted(
        (c for c in concerns if c.closed_on is not None),
        key=lambda c: (c.closed_on, c.pk),
        reverse=True,
    )
    return SafeguardingRecord(
        children=list(
            ChildInContact.objects.filter(service_user=person).select_related("recorded_by")
        ),
        storage=SafeStorage.objects.filter(service_user=person).first(),
        episode=_current_episode(person) if episodes is None else current_episode(episodes),
        open_referrals=sorted(
            (r for r in referrals if not r.outcome), key=lambda r: (r.chase_on, r.pk)
        ),
        closed_referrals=closed_referrals[:closed_shown],
        open_concerns=sorted(
            (c for c in concerns if c.closed_on is None),
            key=lambda c: (c.raised_on, c.pk),
            reverse=True,
        ),
        closed_concerns=closed_concerns[:closed_shown],
    )


def _open_of(record: SafeguardingRecord, person: ServiceUser, today: datetime.date) -> list[Open]:
    items: list[Open] = []
    at_home = record.children_at_home(today)
    if record.storage_missing(today):
        items.append(
            Open(
                f"{_children(at_home).capitalize()} at home, and no safe storage of take-home "
                "medication recorded",
                url=reverse("safe_storage_edit", args=[person.external_id]),
            )
        )
    for referral in record.open_referrals:
        items.append(
            Open(
                f"Referral to {referral.agency_name} waiting for an outcome",
                since=referral.made_on,
                url=reverse("protection_referral_outcome", args=[person.external_id])
                + f"?referral={referral.external_id}",
            )
        )
    for concern in record.open_concerns:
        items.append(Open(f"Concern: {concern.description}", since=concern.raised_on))
    return items


def _due_of(record: SafeguardingRecord, person: ServiceUser, today: datetime.date) -> list[Due]:
    due = [
        Due(
            f"Chase the outcome of the safeguarding referral to {referral.agency_name}",
            referral.chase_on,
            reverse("protection_referral_outcome", args=[person.external_id])
            + f"?referral={referral.external_id}",
        )
        for referral in record.open_referrals
    ]
    if record.storage_missing(today):
        due.append(
            Due(
                "Discuss safe storage of take-home medication: children live at home",
                today,
                reverse("safe_storage_edit", args=[person.external_id]),
            )
        )
    return sorted(due, key=lambda d: d.on)


def safeguarding_open(person: ServiceUser, *, today: datetime.date) -> list[Open]:
    """What is open: children at home without safe storage recorded, protection referrals
    without an outcome, concerns not closed."""
    return _open_of(safeguarding_record_of(person, closed_shown=0), person, today)


def safeguarding_due(
    person: ServiceUser, *, today: datetime.date, read: Read | None = None
) -> list[Due]:
    """Referral outcomes to chase (from the date to chase each), and safe storage to
    discuss (today) when children live at home and none is recorded. Five queries; none
    when `read` holds `safeguarding_for_person`'s record."""
    if read is not None and "safeguarding" in read:
        return _due_of(read["safeguarding"], person, today)
    return _due_of(safeguarding_record_of(person, closed_shown=0), person, today)


def safeguarding_for_person(
    person: ServiceUser,
    *,
    today: datetime.date,
    episodes: Sequence[TreatmentEpisode] | None = None,
) -> dict[str, Any]:
    """What the person page shows: the banner's open items and the section, from one read
    (`episodes`: every episode of the person, when the page has read them already)."""
    record = safeguarding_record_of(person, episodes=episodes)
    return {
        "safeguarding": record,
        "safeguarding_open": _open_of(record, person, today),
        "safeguarding_children": record.children_now(today),
        "safeguarding_disagreements": record.disagreements(today),
        "safeguarding_storage_missing": record.storage_missing(today),
    }
