import datetime

import pandas as pd
import pytest
from django.db import connection

from cases.ages import AGE_BAND_LABELS, age_band, age_band_sql, age_bands
from core.dates import age_on

DAY = datetime.date(2026, 6, 15)


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (datetime.date(2008, 6, 16), "under 18"),
        (datetime.date(2008, 6, 15), "18-24"),
        (datetime.date(2001, 6, 16), "18-24"),
        (datetime.date(2001, 6, 15), "25-34"),
        (datetime.date(1981, 6, 16), "35-44"),
        (datetime.date(1981, 6, 15), "45-54"),
        (datetime.date(1961, 6, 15), "65+"),
    ],
)
def test_a_birthday_moves_a_person_into_the_next_band_on_the_day(born, band):
    assert age_band(age_on(born, DAY)) == band


def test_a_column_of_ages_gets_the_same_bands_as_one_age():
    ages = pd.Series([17, 18, 24, 25, 44, 45, 64, 65, 99, None], dtype="Int64")
    expected = [None if pd.isna(a) else age_band(int(a)) for a in ages]
    assert [None if pd.isna(b) else b for b in age_bands(ages)] == expected


@pytest.mark.django_db
def test_postgresql_bands_a_date_of_birth_as_python_does():
    births = [
        DAY.replace(year=DAY.year - n) + datetime.timedelta(days=d)
        for n in range(10, 90, 3)
        for d in (-1, 0, 1)
    ]
    with connection.cursor() as cursor:
        for born in births:
            cursor.execute(
                f"SELECT {age_band_sql('b', 'd')} FROM (VALUES (%s::date, %s::date)) v(b, d)",
                [born, DAY],
            )
            assert cursor.fetchone()[0] == age_band(age_on(born, DAY)), born


def test_every_band_has_a_label_once():
    assert len(set(AGE_BAND_LABELS)) == len(AGE_BAND_LABELS)
