"""The SQL-to-pandas reader: one COPY per query, typed columns, dates from day numbers."""

import datetime

import pandas as pd
import psycopg
import pytest
from django.db import connection, transaction

from core import frames
from core.frames import FrameQuery, copy_frame, day_number, days_to_dates, read_frames

pytestmark = pytest.mark.django_db

ROWS = f"""
    SELECT n, 'row ' || n, {day_number("d")}
    FROM (VALUES (1, DATE '2026-06-15'), (2, NULL::date), (3, DATE '1969-12-31')) v(n, d)
    WHERE n <= %(last)s
"""


def rows(last: int = 3) -> FrameQuery:
    return FrameQuery(
        sql=ROWS,
        names=("n", "label", "on"),
        params={"last": last},
        dtypes={"n": "int64", "label": "string"},
        dates=("on",),
    )


def test_a_query_comes_back_typed_with_its_dates_as_dates():
    with connection.cursor() as cursor:
        frame = copy_frame(cursor.cursor, rows())

    assert list(frame.columns) == ["n", "label", "on"]
    assert frame["n"].dtype == "int64"
    assert frame["label"].dtype == "string"
    assert frame["on"].dtype == "datetime64[s]"
    assert list(frame["n"]) == [1, 2, 3]
    assert list(frame["label"]) == ["row 1", "row 2", "row 3"]
    assert frame["on"][0] == pd.Timestamp(2026, 6, 15)
    assert pd.isna(frame["on"][1])
    assert frame["on"][2] == pd.Timestamp(1969, 12, 31)


def test_a_query_with_no_rows_gives_an_empty_frame_of_the_same_columns():
    with connection.cursor() as cursor:
        frame = copy_frame(cursor.cursor, rows(last=0))

    assert frame.empty
    assert list(frame.columns) == ["n", "label", "on"]
    assert frame["n"].dtype == "int64"
    assert frame["on"].dtype == "datetime64[s]"


def test_a_query_failing_part_way_raises_and_leaves_the_connection_usable():
    failing = FrameQuery(
        sql="SELECT 10 / (3 - n) FROM generate_series(1, 5000) n", names=("quotient",)
    )
    with connection.cursor() as cursor:
        with pytest.raises(psycopg.errors.DivisionByZero), transaction.atomic():
            copy_frame(cursor.cursor, failing)
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_many_rows_come_back_whole():
    many = FrameQuery(
        sql="SELECT n, repeat('x', n %% 50) FROM generate_series(1, 50000) n",
        names=("n", "text"),
        dtypes={"n": "int64"},
    )
    with connection.cursor() as cursor:
        frame = copy_frame(cursor.cursor, many)

    assert len(frame) == 50_000
    assert frame["n"].sum() == 50_000 * 50_001 // 2
    assert frame["text"].fillna("").str.len().sum() == sum(n % 50 for n in range(1, 50_001))


def test_day_numbers_count_from_1970_and_missing_ones_are_not_a_time():
    days = pd.Series([0.0, None, 20619.0, -1.0])

    dates = days_to_dates(days)

    assert list(dates[[0, 2, 3]]) == [
        pd.Timestamp(1970, 1, 1),
        pd.Timestamp(datetime.date(1970, 1, 1) + datetime.timedelta(days=20619)),
        pd.Timestamp(1969, 12, 31),
    ]
    assert pd.isna(dates[1])


def test_every_query_is_read_by_name_in_one_copy_each(monkeypatch):
    copies = []
    real = frames.copy_frame

    def counting(cursor, query):
        copies.append(query)
        return real(cursor, query)

    monkeypatch.setattr(frames, "copy_frame", counting)

    read = read_frames({"all": rows(), "first": rows(last=1)})

    assert len(copies) == 2
    assert list(read["all"]["n"]) == [1, 2, 3]
    assert list(read["first"]["n"]) == [1]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_queries_run_side_by_side_and_agree_with_in_line():
    queries = {"all": rows(), "two": rows(last=2), "none": rows(last=0)}

    side_by_side = read_frames(queries, work_mem="8MB")
    in_line = read_frames(queries, in_line=True)

    for name in queries:
        pd.testing.assert_frame_equal(side_by_side[name], in_line[name])


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_single_query_is_read_over_adbc_too(monkeypatch):
    # A large single read (the open flags a night compares against, a statement the
    # dashboard's families have not shared) parses far faster over ADBC than as CSV.
    over_adbc = []
    real = frames._read_over_adbc

    def counted(queries, work_mem):
        over_adbc.extend(queries)
        return real(queries, work_mem)

    monkeypatch.setattr(frames, "_read_over_adbc", counted)

    alone = read_frames({"all": rows()})
    with transaction.atomic():
        inside = read_frames({"all": rows()})

    assert over_adbc == ["all"]
    pd.testing.assert_frame_equal(alone["all"], inside["all"])


# Nulls, an empty text and a numeric: each way of reading gives them back alike.
NULLS = """
    SELECT n, CASE WHEN n = 2 THEN NULL ELSE n * 10 END,
           CASE WHEN n = 1 THEN '' WHEN n = 2 THEN NULL ELSE 'x' END,
           (n * 1.25)::numeric(6, 2)
    FROM (VALUES (1), (2), (3)) v(n)
    WHERE n <= %(last)s
"""


def nulls(last: int = 3) -> FrameQuery:
    return FrameQuery(
        sql=NULLS,
        names=("n", "maybe", "text", "number"),
        params={"last": last},
        dtypes={"text": "object"},
    )


def test_a_few_fetched_rows_come_back_as_the_copy_gives_them():
    queries = {"rows": rows(), "no rows": rows(last=0), "nulls": nulls(), "none": nulls(last=0)}

    fetched = frames.fetch_frames(queries)
    copied = read_frames(queries, in_line=True)

    for name in queries:
        pd.testing.assert_frame_equal(fetched[name], copied[name])
    assert fetched["nulls"]["maybe"].dtype == "float64"
    assert fetched["nulls"]["n"].dtype == "int64"
    assert fetched["nulls"]["text"].isna().tolist() == [True, True, False]


@pytest.mark.django_db(transaction=True)
def test_over_adbc_nulls_empty_texts_and_numerics_come_back_as_the_copy_gives_them():
    queries = {"nulls": nulls(), "first": nulls(last=1), "none": nulls(last=0)}

    over_adbc = read_frames(queries)
    in_line = read_frames(queries, in_line=True)

    for name in queries:
        pd.testing.assert_frame_equal(over_adbc[name], in_line[name])


def test_within_shared_reads_a_query_asked_for_again_is_read_once(monkeypatch):
    read = []
    real = frames._read_frames

    def counted(queries, **options):
        read.extend(queries)
        return real(queries, **options)

    monkeypatch.setattr(frames, "_read_frames", counted)

    with frames.shared_reads():
        first = read_frames({"a": rows(), "b": rows(last=1)})
        with frames.shared_reads():
            again = read_frames({"same": rows(), "other": rows(last=2)})
        first["a"].loc[0, "label"] = "changed by its reader"

    assert read == ["a", "b", "other"]
    assert list(again["same"]["label"]) == ["row 1", "row 2", "row 3"]
    assert len(again["other"]) == 2
    read_frames({"a": rows()})
    assert read == ["a", "b", "other", "a"]
