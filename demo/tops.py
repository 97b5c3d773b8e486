"""TOP assessments: a start per started episode, reviews about every six months
(the six-month one and the latest two), an exit at planned discharge and a few
post-treatment exits. Values stay in range, some are NULL (not disclosed), and
they improve with time in treatment.
"""

import numpy as np

from demo import fastcsv as fc
from demo import names
from demo.codes import (
    ALCOHOL,
    COMPLETED,
    CURRENTLY_INJECTING,
    EXIT,
    HOUSING_PROBLEM,
    LEFT_RECENTLY,
    OPIATE,
    POST_EXIT,
    REVIEW,
    STAGES,
    START,
    SUBSTANCES,
    URGENT_HOUSING,
    YEAR,
    S,
)
from demo.draws import between
from demo.episodes import Episodes
from demo.people import NextIds, People, Rows


def top_rows(p: People, e: Episodes, refs, ids: NextIds, calendar, rng) -> Rows:
    ne = len(e.person)
    floor = e.floor
    started = (e.start >= 0) & (rng.random(ne) < 0.95)
    start_day = np.maximum(e.start - between(rng, 0, 14, ne), floor)
    episode_parts, stage_parts, day_parts = [], [], []

    def add(mask, stage, days):
        episode_parts.append(np.flatnonzero(mask))
        stage_parts.append(np.full(mask.sum(), stage))
        day_parts.append(np.asarray(days)[mask])

    add(started, START, start_day)
    reviews = (start_day - floor) // 182
    # The six-month review (the one outcome figures use) and the latest two, each once.
    for number, lowest in ((np.ones(ne, dtype=np.int64), 1), (reviews - 1, 2), (reviews, 2)):
        ok = started & (number >= lowest) & (number <= reviews) & (rng.random(ne) < 0.8)
        review_day = start_day - 182 * number + rng.integers(-10, 11, ne)
        # After the start, and after the discharge day (which the exit TOP keeps).
        review_day = np.clip(review_day, floor + 1, start_day - 1)
        add(ok, REVIEW, review_day)
    completed = started & np.isin(e.reason, COMPLETED)
    add(completed, EXIT, e.discharge)
    who = e.person
    post = (
        completed
        & e.latest
        & (p.status[who] == LEFT_RECENTLY)
        & (e.discharge >= 30)
        & (rng.random(ne) < 0.15)
    )
    add(post, POST_EXIT, e.discharge - between(rng, 30, np.minimum(180, e.discharge)))

    episode = np.concatenate(episode_parts)
    stage = np.concatenate(stage_parts)
    days = np.concatenate(day_parts)
    order = np.lexsort((-days, e.person[episode]))
    episode, stage, days = episode[order], stage[order], days[order]
    count = len(episode)
    person = e.person[episode]

    rows = Rows("top", count=count)
    rows.add("id", fc.integers(ids.top + np.arange(count)))
    ids.top += count
    rows.add("external_id", fc.uuids(rng, count))
    rows.add("service_user", fc.integers(p.ids[person]))
    rows.add("episode", fc.integers(e.ids[episode]))
    rows.add("stage", fc.choices(STAGES, stage))
    rows.add("top_date", calendar.dates(days))

    values = _top_values(p, person, episode, stage, days, start_day, e, rng)
    hidden = rng.random((count, len(values))) < 0.03
    withheld = rng.random(count) < 0.04
    hidden[withheld] |= rng.random((withheld.sum(), len(values))) < 0.5
    for index, (name, (value, kind)) in enumerate(values.items()):
        null = hidden[:, index]
        if name == "alcohol_units_per_day":
            null = null | hidden[:, 0] | (values["alcuse"][0] == 0)
        if kind == "yesno":
            rows.add(name, fc.booleans(np.where(null, -1, value)))
        else:
            rows.add(name, fc.integers(value, null=null))
        if name == "otdrguse":
            named = (value > 0) & ~null
            rows.add("other_substance_name", _other_substance_names(p, person, named))
    rows.add(
        "not_disclosed_reason",
        fc.choices(
            [*names.NOT_DISCLOSED_REASONS, ""],
            np.where(
                withheld,
                rng.integers(0, len(names.NOT_DISCLOSED_REASONS), count),
                len(names.NOT_DISCLOSED_REASONS),
            ),
        ),
    )
    staff = p.staff[person]
    rows.add("recorded_by", fc.integers(np.maximum(staff, 0), null=staff < 0))
    rows.add("created_at", fc.constant(refs.created_at, count))
    return rows


def _other_substance_codes(p: People) -> np.ndarray:
    """The substance an OTDRGUSE count refers to, per person (-1: none)."""
    named = [S[code] for code in names.OTHER_SUBSTANCE_NAMES]
    out = np.full(p.n, -1, dtype=np.int64)
    for k in (2, 1, 0):
        code = p.substances[:, k]
        out = np.where(np.isin(code, named), code, out)
    return out


def _other_substance_names(p: People, person, named) -> np.ndarray:
    labels = [names.OTHER_SUBSTANCE_NAMES.get(code, "") for code in SUBSTANCES]
    code = _other_substance_codes(p)[person]
    return fc.choices([*labels, ""], np.where(named & (code >= 0), code, len(SUBSTANCES)))


def _top_values(p: People, person, episode, stage, days, start_day, e, rng) -> dict:
    """Each TOP item's value for each assessment, improving with time in treatment."""
    n = p.n
    count = len(person)
    group = p.group
    subs = p.substances

    def uses(code: str) -> np.ndarray:
        return (subs == S[code]).any(axis=1)

    injecting = p.injecting == CURRENTLY_INJECTING

    def base(mask, low, high):
        return np.where(mask, between(rng, low, high, n), 0)

    crack = uses("crack")
    baseline = {
        "alcuse": np.select(
            [group == ALCOHOL, uses("alcohol")],
            [between(rng, 16, 28, n), between(rng, 8, 24, n)],
            np.where(rng.random(n) < 0.5, between(rng, 0, 6, n), 0),
        ),
        "opiuse": base(group == OPIATE, 12, 28),
        "crause": np.where(crack, between(rng, 4, 24, n), 0),
        "cocause": base(uses("cocaine"), 3, 16),
        "amphuse": base(uses("amphetamine") | uses("mephedrone"), 4, 20),
        "cannuse": np.where(
            uses("cannabis"), between(rng, 12, 28, n), base(rng.random(n) < 0.2, 1, 20)
        ),
        "otdrguse": base(_other_substance_codes(p) >= 0, 4, 20),
        "ivdrguse": base(injecting, 6, 28),
        "shotheft": base(rng.random(n) < 0.15, 1, 10),
        "drgsell": base(rng.random(n) < 0.06, 1, 8),
    }
    responder = rng.uniform(0.3, 1.0, n)[person]
    since_start = (start_day[episode] - days) / YEAR
    settled = 1 - np.exp(-np.maximum(since_start, 0) / 0.4)
    settled = np.where(stage == EXIT, np.maximum(settled, 0.85), settled)
    settled = np.where(stage == POST_EXIT, np.maximum(settled, 0.8), settled)
    progress = settled * responder

    values: dict[str, tuple[np.ndarray, str]] = {}
    for name, start_value in baseline.items():
        level = start_value[person] * (1 - 0.85 * progress)
        noise = rng.normal(0, 2, count) * (start_value[person] > 0)
        values[name] = (np.clip(np.round(level + noise), 0, 28).astype(np.int64), "days")
    alcohol_units = np.where(group == ALCOHOL, between(rng, 10, 35, n), between(rng, 2, 12, n))
    values["alcohol_units_per_day"] = (alcohol_units[person], "units")
    values["sharing"] = (
        (injecting[person] & (rng.random(count) < 0.12 * (1 - progress))).astype(np.int64),
        "yesno",
    )
    offending = rng.random(n) < 0.10
    values["oththeft"] = (
        (offending[person] & (rng.random(count) < 0.7 * (1 - progress))).astype(np.int64),
        "yesno",
    )
    violent = rng.random(n) < 0.05
    values["assault"] = (
        (violent[person] & (rng.random(count) < 0.6 * (1 - progress))).astype(np.int64),
        "yesno",
    )
    for name, low, high in (("psyhstat", 3, 12), ("phstat", 4, 13), ("quallife", 3, 11)):
        start_score = between(rng, np.full(n, low), high)[person]
        gain = rng.uniform(3, 8, n)[person]
        score = start_score + gain * progress + rng.normal(0, 1.5, count)
        values[name] = (np.clip(np.round(score), 0, 20).astype(np.int64), "score")
    employed = rng.random(n) < 0.15
    values["pwork"] = (
        np.where(employed[person], between(rng, np.full(count, 8), 22), 0).astype(np.int64),
        "days",
    )
    student = rng.random(n) < 0.03
    values["educat"] = (
        np.where(student[person], between(rng, np.full(count, 4), 15), 0).astype(np.int64),
        "days",
    )
    latest = e.latest[episode]
    no_home = latest & (p.accommodation[person] == URGENT_HOUSING)
    values["acuthpbm"] = ((no_home | (rng.random(count) < 0.02)).astype(np.int64), "yesno")
    at_risk = latest & (p.accommodation[person] == HOUSING_PROBLEM)
    values["hrisk"] = ((rng.random(count) < np.where(at_risk, 0.4, 0.03)).astype(np.int64), "yesno")
    order = (
        "alcuse",
        "alcohol_units_per_day",
        "opiuse",
        "crause",
        "cocause",
        "amphuse",
        "cannuse",
        "otdrguse",
        "ivdrguse",
        "sharing",
        "shotheft",
        "drgsell",
        "oththeft",
        "assault",
        "psyhstat",
        "phstat",
        "quallife",
        "pwork",
        "educat",
        "acuthpbm",
        "hrisk",
    )
    return {name: values[name] for name in order}
