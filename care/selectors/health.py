"""Reads of the harm reduction and health record. Each takes a person already found
through the visibility selector (`cases.audit.service_user_for_read`), so no read here
widens anyone's scope, and each reads a fixed number of queries however many records
the person has.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse

from care.due import Due, Read
from care.models import (
    BbvResult,
    BloodBorneVirusTest,
    HepatitisBVaccination,
    MentalHealthNeed,
    NeedleExchangeContact,
    PharmacyArrangement,
    PhysicalHealthCheck,
    VaccinationKind,
    Virus,
)
from care.models.health import COURSE_DOSES, add_months, dose_due_on
from cases.models import INJECTS_OR_HAS, ServiceUser, Team, TreatmentEpisode

HEP_C = (Virus.HEP_C_ANTIBODY, Virus.HEP_C_RNA)
# Someone who injects, or has, is offered a hepatitis C test when their last is this old.
HEP_C_RETEST_MONTHS = 12


def bbv_tests_of(person: ServiceUser) -> QuerySet[BloodBorneVirusTest]:
    return BloodBorneVirusTest.objects.filter(service_user=person)


def bbv_tests_newest_first(person: ServiceUser) -> list[BloodBorneVirusTest]:
    """Every test the person was offered, the latest offered first (a person's tests are
    few: the person page reads them once and takes all it shows and makes due from them)."""
    return list(bbv_tests_of(person).order_by("-offered_on", "-id"))


def _latest_of_each_virus(tests: list[BloodBorneVirusTest]) -> list[BloodBorneVirusTest]:
    """From tests newest first: the latest of each virus, in the order the viruses are listed."""
    latest: dict[str, BloodBorneVirusTest] = {}
    for test in tests:
        latest.setdefault(test.virus, test)
    return [latest[virus] for virus in Virus.values if virus in latest]


def latest_bbv_tests_of(person: ServiceUser) -> list[BloodBorneVirusTest]:
    """The latest test offered for each virus, in the order the viruses are listed."""
    return _latest_of_each_virus(bbv_tests_newest_first(person))


def hep_b_doses_of(person: ServiceUser) -> list[HepatitisBVaccination]:
    """The doses given, first to last (at most four: each dose number once)."""
    return list(
        HepatitisBVaccination.objects.filter(service_user=person, kind=VaccinationKind.DOSE)
        .select_related("recorded_by")
        .order_by("dose_number")
    )


@dataclass(frozen=True)
class VaccinationCourse:
    """Where a person's hepatitis B vaccination stands."""

    doses: list[HepatitisBVaccination]
    latest_other: HepatitisBVaccination | None  # the latest "immune" or "declined"

    @property
    def immune(self) -> bool:
        return self.latest_other is not None and self.latest_other.kind == VaccinationKind.IMMUNE

    @property
    def declined(self) -> bool:
        """Declined since the last dose (or with none given)."""
        other = self.latest_other
        if other is None or other.kind != VaccinationKind.DECLINED:
            return False
        return not self.doses or other.given_on >= self.doses[-1].given_on

    @property
    def completed(self) -> bool:
        return len(self.doses) >= COURSE_DOSES

    def next_dose(self) -> tuple[int, datetime.date] | None:
        """The next dose by the course's schedule and its due date, if one is due."""
        if not self.doses or self.immune or self.declined:
            return None
        number = self.doses[-1].dose_number + 1  # type: ignore[operator]
        due = dose_due_on(self.doses[0].schedule, self.doses[0].given_on, number)
        return None if due is None else (number, due)

    def in_words(self) -> str:
        if self.immune and self.latest_other is not None:
            return f"Immune (tested {self.latest_other.given_on:%d/%m/%Y})"
        if self.declined and self.latest_other is not None:
            return f"Declined ({self.latest_other.given_on:%d/%m/%Y})"
        if not self.doses:
            return "No vaccination recorded"
        last = self.doses[-1]
        schedule = self.doses[0].get_schedule_display().split(" (")[0].lower()
        if len(self.doses) > COURSE_DOSES:
            return f"Course completed, booster given {last.given_on:%d/%m/%Y}"
        if self.completed:
            return f"Course completed {last.given_on:%d/%m/%Y} ({schedule} schedule)"
        return f"Dose {last.dose_number} of {COURSE_DOSES} given {last.given_on:%d/%m/%Y} ({schedule} schedule)"


def vaccination_course_of(person: ServiceUser) -> VaccinationCourse:
    """One query: every record of the person's course (at most four doses and a few
    findings), parted into the doses and the latest finding of immunity or refusal."""
    records = list(
        HepatitisBVaccination.objects.filter(service_user=person).select_related("recorded_by")
    )
    others = [r for r in records if r.kind != VaccinationKind.DOSE]
    return VaccinationCourse(
        doses=sorted(
            (r for r in records if r.kind == VaccinationKind.DOSE), key=lambda r: r.dose_number or 0
        ),
        latest_other=max(others, key=lambda r: (r.given_on, r.pk), default=None),
    )


def _injecting_status(person: ServiceUser, read: Read | None) -> str:
    """The injecting status of the person's latest episode ("" if none is recorded), from
    the episodes in `read` (newest first) when the page read them."""
    if read is not None and "episodes" in read:
        episodes = read["episodes"]
        return (episodes[0].injecting_status if episodes else "") or ""
    return (
        TreatmentEpisode.objects.filter(service_user=person)
        .order_by("-referral_date", "-id")
        .values_list("injecting_status", flat=True)
        .first()
    ) or ""


def health_due(person: ServiceUser, *, today: datetime.date, read: Read | None = None) -> list[Due]:
    """What the health record makes due, soonest first (three queries; none when `read`
    holds `health_for_person`'s tests and vaccination course and the person's episodes,
    newest first, as `episodes`): each hepatitis C result still to
    come, chased 28 days after its test; the next hepatitis B dose by the course's
    schedule; and a hepatitis C test to offer someone who injects or has injected, when no
    test was taken in the last 12 months."""
    external_id = person.external_id
    due: list[Due] = []
    if read is not None and "health_bbv_tests" in read:
        tests = read["health_bbv_tests"]
    else:
        tests = bbv_tests_newest_first(person)
    hep_c = [t for t in tests if t.virus in HEP_C]
    awaiting = sorted((t for t in hep_c if t.awaiting_result), key=lambda t: (t.tested_on, t.pk))
    result_url = reverse("bbv_test_result", args=[external_id])
    for test in awaiting:
        chase = test.chase_result_on()
        if chase is not None:
            due.append(
                Due(
                    f"Chase the {test.get_virus_display()} result (tested {test.tested_on:%d/%m/%Y})",
                    chase,
                    f"{result_url}?test={test.external_id}",
                )
            )
    if read is not None and "health_vaccination" in read:
        course = read["health_vaccination"]
    else:
        course = vaccination_course_of(person)
    following = course.next_dose()
    if following is not None:
        number, on = following
        due.append(
            Due(
                f"Hepatitis B vaccination: dose {number}" + (" (booster)" if number == 4 else ""),
                on,
                reverse("hep_b_vaccination_create", args=[external_id]),
            )
        )
    if _injecting_status(person, read) in INJECTS_OR_HAS:
        offer = hep_c_offer_on(hep_c[0] if hep_c else None, today=today)
        if offer is not None:
            due.append(
                Due(
                    "Offer a hepatitis C test",
                    offer,
                    reverse("bbv_test_create", args=[external_id]),
                )
            )
    return sorted(due, key=lambda d: d.on)


def hep_c_offer_on(
    latest: BloodBorneVirusTest | None, *, today: datetime.date
) -> datetime.date | None:
    """When a hepatitis C test is next to be offered, from the latest hepatitis C test
    (None if there is none): 12 months after the last one taken (or, declined, after the
    offer), or today if none was ever offered. None while a test waits for its result, or
    someone is positive and not (yet) cured, which is the treatment's business."""
    if latest is None:
        return today
    if latest.awaiting_result or (latest.result == BbvResult.POSITIVE and latest.cured is not True):
        return None
    return add_months(latest.tested_on or latest.offered_on, HEP_C_RETEST_MONTHS)


def latest_nsp_contact_of(person: ServiceUser) -> NeedleExchangeContact | None:
    return (
        NeedleExchangeContact.objects.filter(service_user=person)
        .order_by("-contact_on", "-id")
        .first()
    )


HEALTH_CHECKS_SHOWN = 5

# The team page's count covers this many months, the current one included.
NSP_MONTHS_SHOWN = 12


@dataclass(frozen=True)
class NspMonth:
    month: datetime.date  # its first day
    contacts: int
    anonymous: int
    needles_syringes: int
    foil: int
    other_kit: int
    advice: int


def nsp_months_of(team: Team, *, today: datetime.date) -> list[NspMonth]:
    """The team's needle and syringe programme contacts by month, newest first, for the
    last 12 months (months with none included): one query."""
    first = add_months(today.replace(day=1), 1 - NSP_MONTHS_SHOWN)
    rows: dict[datetime.date, dict[str, Any]] = {
        row["month"]: dict(row)
        for row in NeedleExchangeContact.objects.filter(team=team, contact_on__gte=first)
        .annotate(month=TruncMonth("contact_on"))
        .values("month")
        .annotate(
            contacts=Count("id"),
            anonymous=Count("id", filter=Q(service_user__isnull=True)),
            needles_syringes=Sum("needles_syringes"),
            foil=Sum("foil"),
            other_kit=Sum("other_kit"),
            advice=Count("id", filter=Q(advice_given=True)),
        )
        .order_by()
    }
    months = [add_months(first, n) for n in range(NSP_MONTHS_SHOWN)]
    empty: dict[str, Any] = {
        "contacts": 0,
        "anonymous": 0,
        "needles_syringes": 0,
        "foil": 0,
        "other_kit": 0,
        "advice": 0,
    }
    result = []
    for month in reversed(months):
        row = rows.get(month, empty)
        result.append(NspMonth(month=month, **{k: row[k] or 0 for k in empty}))
    return result


def recent_anonymous_nsp_contacts(team: Team, *, limit: int = 20) -> list[NeedleExchangeContact]:
    return list(
        NeedleExchangeContact.objects.filter(team=team, service_user__isnull=True)
        .select_related("recorded_by")
        .order_by("-contact_on", "-id")[:limit]
    )


def health_for_person(person: ServiceUser, *, today: datetime.date) -> dict[str, Any]:
    """The person page's health section: the latest test of each virus in words, the
    hepatitis B course, the latest needle exchange contact, mental health need and
    pharmacy, the latest physical health checks (six queries in all)."""
    every_test = bbv_tests_newest_first(person)
    tests = _latest_of_each_virus(every_test)
    return {
        "health_bbv_tests": every_test,
        "health_tests": tests,
        "health_awaiting": [t for t in tests if t.awaiting_result],
        "health_vaccination": vaccination_course_of(person),
        "health_nsp_contact": latest_nsp_contact_of(person),
        "health_mental_health": MentalHealthNeed.objects.filter(service_user=person)
        .order_by("-recorded_on", "-id")
        .first(),
        "health_pharmacy": PharmacyArrangement.objects.filter(service_user=person)
        .order_by("-since", "-id")
        .first(),
        "health_checks": list(
            PhysicalHealthCheck.objects.filter(service_user=person).order_by("-checked_on", "-id")[
                :HEALTH_CHECKS_SHOWN
            ]
        ),
        "health_today": today,
    }
