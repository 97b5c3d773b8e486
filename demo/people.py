"""One chunk's people: their slice of the plan, what the chunk draws for them, and
their ServiceUser rows, plus the containers every table's rows travel in.
"""

from dataclasses import dataclass, field

import numpy as np

from demo import fastcsv as fc
from demo import names
from demo.codes import (
    ALCOHOL,
    ETHNICITIES,
    ETHNICITY_WEIGHTS,
    FEMALE,
    MALE,
    NATIONALITIES,
    NATIONALITY_WEIGHTS,
    NON_OPIATE,
    OPIATE,
    POLY_ALCOHOL,
    POLY_BENZO,
    POLY_GABAPENTINOID,
    POLY_NONE,
    SEXES,
    URGENT_HOUSING,
    S,
)
from demo.draws import between, pick, tristate


@dataclass
class References:
    """Database ids and fixed values the generator needs, looked up by the loader."""

    substance: dict[str, int]
    discharge_reason: dict[str, int]
    local_authority: dict[str, int]
    holder_user_ids: np.ndarray  # user id of each caseload holder
    team_ids: np.ndarray
    created_at: str
    client_ref_start: int


@dataclass
class NextIds:
    person: int
    episode: int
    intervention: int
    event: int
    contact: int
    naloxone: int
    top: int


@dataclass
class Rows:
    """One table's rows from a chunk: model field names and their column blocks."""

    table: str
    fields: list[str] = field(default_factory=list)
    blocks: list[np.ndarray] = field(default_factory=list)
    count: int = 0

    def add(self, name: str, block: np.ndarray) -> None:
        self.fields.append(name)
        self.blocks.append(block)

    def csv(self) -> bytes:
        return fc.csv_rows(self.blocks)


@dataclass
class People:
    """The chunk's slice of the plan plus what the chunk draws for each person."""

    n: int
    status: np.ndarray
    group: np.ndarray
    sex: np.ndarray
    age_days: np.ndarray
    scenario: np.ndarray
    day: np.ndarray
    injecting: np.ndarray
    accommodation: np.ndarray
    dual_diagnosis: np.ndarray
    poly: np.ndarray
    not_on_ost: np.ndarray
    lives_alone: np.ndarray
    missed: np.ndarray
    staff: np.ndarray  # user id holding the case, -1 none
    team_id: np.ndarray
    ids: np.ndarray
    substances: np.ndarray  # (n, 3) codes into SUBSTANCES, -1 none
    residential: np.ndarray  # the DETOX situation was residential rehab, not detox
    detox_start: np.ndarray
    ost_length: np.ndarray


def chunk_people(population, refs, ids, rng, low, high) -> People:
    part = slice(low, high)
    n = high - low
    group = population.group[part]
    poly = population.poly[part]
    holder = population.holder[part]
    staff = np.where(holder >= 0, refs.holder_user_ids[np.maximum(holder, 0)], -1)
    residential = rng.random(n) < 0.3
    detox_length = np.where(residential, between(rng, 42, 180, n), between(rng, 7, 28, n))
    people = People(
        n=n,
        status=population.status[part],
        group=group,
        sex=population.sex[part],
        age_days=population.age_days[part],
        scenario=population.scenario[part],
        day=population.scenario_day[part],
        injecting=population.injecting[part],
        accommodation=population.accommodation[part],
        dual_diagnosis=population.dual_diagnosis[part],
        poly=poly,
        not_on_ost=population.not_on_ost[part],
        lives_alone=population.lives_alone[part],
        missed=population.missed_appointments[part],
        staff=staff,
        team_id=refs.team_ids[population.team[part]],
        ids=ids.person + np.arange(n),
        substances=_substances(group, poly, rng),
        residential=residential,
        detox_start=population.scenario_day[part] + detox_length,
        ost_length=between(rng, 60, 900, n),
    )
    return people


def _substances(group, poly, rng) -> np.ndarray:
    n = len(group)
    out = np.full((n, 3), -1, dtype=np.int64)
    opiate = group == OPIATE
    non_opiate = group == NON_OPIATE
    alcohol = group == ALCOHOL

    opioids = np.array(
        [S["heroin"], S["methadone_illicit"], S["buprenorphine_illicit"], S["other_opioid"]]
    )
    out[opiate, 0] = opioids[pick(rng, opiate.sum(), (0.85, 0.05, 0.02, 0.08))]
    stimulants = np.array(
        [
            S["crack"],
            S["cocaine"],
            S["cannabis"],
            S["amphetamine"],
            S["mephedrone"],
            S["ketamine"],
            S["synthetic_cannabinoid"],
        ]
    )
    out[non_opiate, 0] = stimulants[
        pick(rng, non_opiate.sum(), (0.40, 0.25, 0.20, 0.05, 0.03, 0.04, 0.03))
    ]
    out[alcohol, 0] = S["alcohol"]

    # Second substance: the risky co-use first (benzodiazepines, gabapentinoids, alcohol).
    gabapentinoid = np.where(rng.random(n) < 0.7, S["pregabalin"], S["gabapentin"])
    usual_second = np.array([S["crack"], S["cannabis"], S["cocaine"], -1])[
        pick(rng, n, (0.45, 0.12, 0.05, 0.38))
    ]
    second = np.select(
        [poly == POLY_BENZO, poly == POLY_GABAPENTINOID, poly == POLY_ALCOHOL],
        [S["benzodiazepine"], gabapentinoid, S["alcohol"]],
        usual_second,
    )
    out[opiate, 1] = second[opiate]
    third = np.where((poly != POLY_NONE) & (rng.random(n) < 0.45), S["crack"], -1)
    out[opiate, 2] = third[opiate]

    other = np.array([S["alcohol"], S["cannabis"], S["cocaine"], -1])[
        pick(rng, n, (0.30, 0.15, 0.05, 0.50))
    ]
    other[other == out[:, 0]] = -1
    out[non_opiate, 1] = other[non_opiate]
    alcohol_second = np.array([S["cannabis"], S["cocaine"], -1])[pick(rng, n, (0.1, 0.08, 0.82))]
    out[alcohol, 1] = alcohol_second[alcohol]
    return out


def people_rows(population, refs, p: People, calendar, rng, low) -> Rows:
    n = p.n
    rows = Rows("person", count=n)
    rows.add("id", fc.integers(p.ids))
    rows.add("external_id", fc.uuids(rng, n))
    numbers = refs.client_ref_start + low + np.arange(n)
    rows.add("client_ref", fc.concat(fc.constant("LAN-", n), fc.fixed_digits(numbers, 7)))
    rows.add("team", fc.integers(p.team_id))
    rows.add("keyworker", fc.integers(np.maximum(p.staff, 0), null=p.staff < 0))

    male = pick(rng, n, [1] * len(names.MALE_FIRST_NAMES))
    female = pick(rng, n, [1] * len(names.FEMALE_FIRST_NAMES))
    first_names = np.array(names.MALE_FIRST_NAMES + names.FEMALE_FIRST_NAMES, dtype=object)
    either = np.where(rng.random(n) < 0.5, male, len(names.MALE_FIRST_NAMES) + female)
    first = np.select(
        [p.sex == MALE, p.sex == FEMALE], [male, len(names.MALE_FIRST_NAMES) + female], either
    )
    preferred_forms = [names.PREFERRED_FORMS.get(name, "") for name in first_names]
    uses_form = rng.random(n) < 0.35
    preferred = np.where(uses_form, first, len(first_names))
    rows.add("first_name", fc.choices(list(first_names), first))
    rows.add("last_name", fc.choices(names.SURNAMES, pick(rng, n, [1] * len(names.SURNAMES))))
    rows.add("preferred_name", fc.choices([*preferred_forms, ""], preferred))
    rows.add("date_of_birth", calendar.dates(p.age_days))
    rows.add("sex", fc.choices(SEXES, p.sex))
    rows.add("ethnicity", fc.choices(list(ETHNICITIES), pick(rng, n, ETHNICITY_WEIGHTS)))
    rows.add("nationality", fc.choices(NATIONALITIES, pick(rng, n, NATIONALITY_WEIGHTS)))

    la_codes = list(names.LOCAL_AUTHORITY_WEIGHTS)
    la = pick(rng, n, list(names.LOCAL_AUTHORITY_WEIGHTS.values()))
    la_ids = np.array([refs.local_authority[code] for code in la_codes])
    rows.add("local_authority", fc.integers(la_ids[la]))
    rows.add("consent_to_ndtms", fc.booleans(tristate(rng, n, 0.90, 0.05)))

    nhs = population.nhs_number[low : low + n]
    rows.add("nhs_number", fc.replace_rows(fc.fixed_digits(nhs, 10), nhs == 0, ""))

    no_fixed_abode = p.accommodation == URGENT_HOUSING
    phone_kind = pick(rng, n, (0.80, 0.05, 0.15))
    phone_kind[no_fixed_abode & (rng.random(n) < 0.3)] = 2
    prefix = fc.choices(("07700 900", "01632 960", ""), phone_kind)
    phone = fc.concat(prefix, fc.fixed_digits(rng.integers(0, 1000, n), 3))
    rows.add("phone", fc.replace_rows(phone, phone_kind == 2, ""))

    towns, town_of = _per_authority([names.PLACES[c][0] for c in la_codes], la, rng)
    districts, district_of = _per_authority([names.PLACES[c][1] for c in la_codes], la, rng)
    no_address = no_fixed_abode | (rng.random(n) < 0.04)
    address = fc.quoted(
        fc.integers(rng.integers(1, 200, n)),
        fc.literal(" ", n),
        fc.choices(names.STREET_NAMES, pick(rng, n, [1] * len(names.STREET_NAMES))),
        fc.literal(", ", n),
        fc.choices(towns, town_of),
    )
    address = fc.replace_rows(address, no_address, "")
    rows.add("address", fc.replace_rows(address, no_fixed_abode, "No fixed abode"))
    letters = np.frombuffer(names.POSTCODE_INWARD_LETTERS.encode(), dtype="S1")
    inward = fc.concat(
        fc.integers(rng.integers(1, 10, n)),
        fc.block_of(letters[rng.integers(0, len(letters), n)]),
        fc.block_of(letters[rng.integers(0, len(letters), n)]),
    )
    postcode = fc.concat(fc.choices(districts, district_of), fc.literal(" ", n), inward)
    rows.add("postcode", fc.replace_rows(postcode, no_address, ""))
    rows.add("lives_alone", fc.booleans(p.lives_alone))
    rows.add("created_at", fc.constant(refs.created_at, n))
    rows.add("updated_at", fc.constant(refs.created_at, n))
    return rows


def _per_authority(lists, la, rng) -> tuple[list[str], np.ndarray]:
    """A flat list of per-authority options and, for each person, one from their own list."""
    flat = [item for options in lists for item in options]
    counts = np.array([len(options) for options in lists])
    offsets = np.cumsum(counts) - counts
    choice = offsets[la] + np.floor(rng.random(len(la)) * counts[la]).astype(np.int64)
    return flat, choice
