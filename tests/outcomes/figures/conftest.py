"""Records for the figure tests, made through the factories and the write services.

Figures are tested on periods in the past with fixed dates, so a hand-worked
answer stays true whatever day the tests run: the period is the second quarter
of 2026 unless a test says otherwise, compared with the first.

Most figures are shown only when every count and every difference between
counts is 0 or at least 5, so the datasets add people five at a time
(`several`). Edge cases of a definition are checked on the raw counts, before
suppression (`raw_counts`), where one person is enough.
"""

import datetime
import random

import time_machine
from django.utils import timezone

from cases.models import LocalAuthority, ServiceUser, Team
from cases.services import (
    episode_create,
    event_create,
    intervention_create,
    naloxone_supply_create,
    naloxone_supply_to_non_client,
)
from cases.unknown_people import unidentified_overdose_record
from outcomes.figures import FigureFilters
from outcomes.services import top_assessment_create
from outcomes.suppression import is_small
from overdoses.models import FollowUp
from overdoses.services import follow_up_attempt_record, follow_up_close
from risk.models import Flag
from risk.services import outreach_attempt_create
from tests.factories import ServiceUserFactory, discharge_reason, substance
from tests.risk.ui.conftest import make_flag

D = datetime.date
Q1 = (D(2026, 1, 1), D(2026, 3, 31))
BORN = D(1980, 5, 1)
Q2 = (D(2026, 4, 1), D(2026, 6, 30))


def quarter_two(**options) -> FigureFilters:
    return FigureFilters(start=Q2[0], end=Q2[1], **options)


def person(
    *,
    team: Team | None = None,
    sex: str = "M",
    born: datetime.date = BORN,
    ethnicity: str = "A",
    local_authority: LocalAuthority | None = None,
) -> ServiceUser:
    fields = {"sex": sex, "date_of_birth": born, "ethnicity": ethnicity}
    if team is not None:
        fields["team"] = team
    if local_authority is not None:
        fields["local_authority"] = local_authority
    return ServiceUserFactory(**fields)


def episode(
    who: ServiceUser,
    *,
    referred: datetime.date,
    started: datetime.date | None = None,
    discharged: datetime.date | None = None,
    reason: str = "",
    substances: tuple[str, ...] = ("heroin",),
):
    """An episode; `started` defaults to a week after referral (None: never started)."""
    codes = [*substances, None, None][:3]
    return episode_create(
        service_user=who,
        referral_date=referred,
        referral_source="self",
        start_date=started,
        discharge_date=discharged,
        discharge_reason=discharge_reason(reason) if reason else None,
        substance_1=substance(codes[0]),
        substance_2=substance(codes[1]) if codes[1] else None,
        substance_3=substance(codes[2]) if codes[2] else None,
    )


def treated(who: ServiceUser, *, started: datetime.date, **fields):
    """An episode started a week after its referral."""
    return episode(who, referred=started - datetime.timedelta(days=7), started=started, **fields)


def ost(episode_record, *, started: datetime.date, ended: datetime.date | None = None):
    return intervention_create(
        episode=episode_record,
        kind="pharmacological",
        intention="maintenance",
        medicine="methadone",
        start_date=started,
        end_date=ended,
        exit_status="planned" if ended else "",
    )


def intervention(episode_record, *, started: datetime.date):
    return intervention_create(episode=episode_record, kind="psychosocial", start_date=started)


def top(episode_record, stage: str, on: datetime.date, **items):
    return top_assessment_create(
        service_user=episode_record.service_user,
        episode=episode_record,
        stage=stage,
        top_date=on,
        recorded_by=None,
        **items,
    )


def supply(who: ServiceUser, *, on: datetime.date, expires: datetime.date):
    return naloxone_supply_create(
        service_user=who,
        supplied_by=None,
        supplied_on=on,
        expiry_date=expires,
        formulation="nasal",
        supply_type="first",
        batch_number="B1",
        setting="service",
    )


def several(count: int, make) -> list:
    """`make()` called `count` times: five alike is the smallest group a figure shows."""
    return [make() for _ in range(count)]


def row(result: dict, key: str, *, client_group=None, category=None, segment=None) -> dict:
    """The one row of `result` for a figure, client group, category and segment value."""
    found = [
        r
        for r in result["figures"]
        if r["key"] == key
        and r["client_group"] == client_group
        and r["category"] == category
        and r["segment_value"] == segment
    ]
    assert len(found) == 1, f"{len(found)} rows for {key} {client_group} {category} {segment}"
    return found[0]


def shown(result_row: dict) -> tuple:
    """(numerator, denominator, value) of a row, then the same for its previous period."""
    before = result_row["previous"]
    return (
        (result_row["numerator"], result_row["denominator"], result_row["value"]),
        (before["numerator"], before["denominator"], before["value"]),
    )


# A thin, mixed population -----------------------------------------------------------

LAST_DAY = D(2026, 9, 30)
RULES = ("prison_release_2w", "male", "injecting", "overdose_90d", "lives_alone")


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def mixed_person(rng: random.Random, teams, authorities, worker) -> None:
    """One person drawn at random: spread thinly over teams, local authorities, sexes,
    ages and ethnicities, with episodes, TOPs, naloxone, a flag and outreach, overdoses
    and their follow-ups, and kits to people who are not clients, so that
    most cells are small and suppression has a lot to do."""
    who = person(
        team=rng.choice(teams),
        local_authority=rng.choice(authorities[:3]),
        sex=rng.choice("MMF"),
        born=D(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28)),
        ethnicity=rng.choice("AAAHNZ"),
    )
    started = D(2024, 10, 1) + days(rng.randint(0, 580))
    discharged, reason = None, ""
    if rng.random() < 0.5:
        discharged = min(started + days(rng.randint(20, 300)), LAST_DAY)
        reason = rng.choice(
            ["completed_drug_free", "completed_alcohol_free", "dropped_out", "transferred_custody"]
        )
    substances = rng.choice(
        [("heroin",), ("alcohol",), ("cannabis",), ("crack", "alcohol"), ("heroin", "crack")]
    )
    record = treated(
        who, started=started, discharged=discharged, reason=reason, substances=substances
    )
    last = discharged or LAST_DAY
    if "heroin" in substances and rng.random() < 0.6:
        ost(record, started=started, ended=rng.choice([None, last, last - days(3)]))
    if rng.random() < 0.8:
        intervention(record, started=min(started + days(rng.randint(0, 40)), last))
    top(
        record,
        "S",
        started,
        opiuse=rng.choice([0, 4, 20]),
        crause=rng.choice([0, 12]),
        ivdrguse=rng.choice([0, 8]),
    )
    review_on = started + days(rng.randint(170, 195))
    if review_on <= last:
        top(
            record,
            "R",
            review_on,
            opiuse=rng.choice([0, 10, 20, None]),
            crause=rng.choice([0, 3, 12]),
            ivdrguse=rng.choice([0, 8]),
        )
    if discharged and reason.startswith("completed"):
        top(
            record,
            "E",
            discharged,
            acuthpbm=rng.choice([True, False, None]),
            hrisk=rng.choice([True, False]),
            pwork=rng.choice([0, 10, 20, None]),
        )
    if rng.random() < 0.5:
        given = started + days(rng.randint(0, 60))
        supply(who, on=given, expires=given + days(rng.choice([200, 700])))
    if rng.random() < 0.6:
        raised = D(2026, 1, 1) + days(rng.randint(0, 170))
        flag = make_flag(
            who,
            tier=rng.choice(["very_high", "high", "raised"]),
            raised_on=raised,
            reasons=tuple((code, None) for code in rng.sample(RULES, rng.randint(1, 3))),
        )
        if rng.random() < 0.3:
            Flag.objects.filter(pk=flag.pk).update(
                ended_on=raised + days(rng.randint(0, 40)), status=Flag.Status.ENDED
            )
        if rng.random() < 0.6:
            outreach_attempt_create(
                service_user=who,
                recorded_by=worker,
                attempted_on=raised + days(rng.randint(0, 9)),
                method=rng.choice(["phone", "phone", "visit", "letter"]),
                outcome=rng.choice(["contacted", "agreed_to_attend", "not_contactable"]),
            )
    if rng.random() < 0.5:
        mixed_overdose(rng, who, worker)
    if rng.random() < 0.2:
        mixed_non_client_kit(rng, who.team, worker)


def mixed_overdose(rng: random.Random, who: ServiceUser | None, worker, team=None) -> None:
    """An overdose in the first half of 2026, recorded when it happened (so its follow-up
    opens then), of `who` or of someone not yet known to the worker's team; reached a day or
    two later, or never."""
    when = timezone.make_aware(
        datetime.datetime.combine(D(2026, 1, 5) + days(rng.randint(0, 170)), datetime.time(9))
    )
    source = rng.choice(["ambulance", "emergency_dept", "police", "peer", "person"])
    with time_machine.travel(when, tick=False):
        if who is not None and rng.random() < 0.8:
            event = event_create(
                service_user=who,
                recorded_by=worker,
                kind="non_fatal_overdose",
                occurred_on=when.date(),
                information_source=source,
            )
        else:
            event = unidentified_overdose_record(
                team=who.team if who is not None else team,
                recorded_by=worker,
                person={"description": "Someone the ambulance crew met"},
                overdose={"occurred_on": when.date(), "information_source": source},
            )
    follow_up = FollowUp.objects.filter(overdose=event).first()
    if follow_up is None or rng.random() < 0.3:
        return
    contact = when + datetime.timedelta(hours=rng.choice([2, 20, 50, 200]))
    with time_machine.travel(contact + datetime.timedelta(minutes=1), tick=False):
        follow_up_attempt_record(
            follow_up=follow_up,
            recorded_by=worker,
            attempted_at=contact,
            method="phone",
            reached=True,
        )
        follow_up_close(
            follow_up=follow_up,
            closed_by=worker,
            outcome=rng.choice(["mat_offered", "mat_started", "mat_declined"]),
            children_in_household="no",
        )


def mixed_non_client_kit(rng: random.Random, team: Team, worker) -> None:
    on = D(2026, 1, 5) + days(rng.randint(0, 170))
    supply_type = rng.choice(["first", "repeat"])
    naloxone_supply_to_non_client(
        team=team,
        supplied_by=worker,
        supplied_on=on,
        expiry_date=on + days(700),
        formulation="nasal",
        supply_type=supply_type,
        repeat_reason=rng.choice(["used_other", "lost"]) if supply_type == "repeat" else "",
        batch_number="B9",
        setting=rng.choice(["outreach", "pharmacy", "hospital"]),
        recipient=rng.choice(["family_friend", "peer", "hostel_staff"]),
    )


def assert_no_small_count(values: dict, figure: dict) -> None:
    """No count from 1 to 4 in one row's values (now or before), nor a small complement."""
    where = (
        f"{figure['key']} {figure['client_group']} {figure['category']} {figure['segment_value']}"
    )
    for field in ("numerator", "denominator"):
        count = values[field]
        assert count is None or not is_small(count), f"{field} {count} shown for {where}"
    numerator, denominator = values["numerator"], values["denominator"]
    if figure["unit"] == "percent":
        if numerator is not None and denominator is not None:
            assert not is_small(denominator - numerator), f"complement shown for {where}"
        assert values["suppressed"] == (numerator is None or denominator is None), where
        if values["suppressed"]:
            assert values["value"] is None, where
    if figure["unit"] == "count":
        assert values["value"] == numerator, where
        assert values["suppressed"] == (numerator is None), where
    if figure["unit"] in ("years", "days", "hours"):
        assert values["suppressed"] == (denominator is None), where
        if values["suppressed"]:
            assert values["value"] is None, where
