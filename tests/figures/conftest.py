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

import pytest

from cases.models import LocalAuthority, ServiceUser, Team
from cases.services import episode_create, intervention_create, naloxone_supply_create
from outcomes.figures import FigureFilters
from outcomes.services import top_assessment_create
from tests.factories import ServiceUserFactory, discharge_reason, substance

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


@pytest.fixture
def authorities(db):
    return list(LocalAuthority.objects.order_by("code"))
