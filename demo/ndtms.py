"""The NDTMS items of the demo's records, drawn from a random stream of their own.

The GP practice, sexual orientation, religion and disability of each person; the
alcohol, blood-borne virus, parental and discharge destination items of each
episode; what each psychosocial or recovery support intervention consists of.
They come from `numpy.random.default_rng([seed, NDTMS_STREAM, chunk])`, never the
chunk's main stream, so every other column, and every figure checked against a
seed, is what it was before they were drawn. What they depend on (a person's
drinking, injecting, children; an episode's discharge; an intervention's kind) is
read from what the main stream already drew.

Most records are complete, as a service's are that submits every month: the
national checks of the demo's submission find a handful of gaps, not every item.
"""

import numpy as np

from demo import fastcsv as fc
from demo.codes import ALCOHOL, REASONS, S
from demo.draws import between, pick
from demo.episodes import Episodes
from demo.people import People, Rows

# The stream's number, beside the chunk's own (1) and the plan's (0).
NDTMS_STREAM = 11

SEXUAL_ORIENTATIONS = ("heterosexual", "gay_lesbian", "bisexual", "other", "not_stated", "")
SEXUAL_WEIGHTS = (0.86, 0.035, 0.025, 0.01, 0.04, 0.03)
RELIGIONS = (
    "none",
    "christian",
    "muslim",
    "hindu",
    "sikh",
    "buddhist",
    "jewish",
    "other",
    "not_stated",
    "",
)
RELIGION_WEIGHTS = (0.47, 0.31, 0.05, 0.01, 0.01, 0.005, 0.005, 0.02, 0.06, 0.06)
# Array literals: most say none; a quarter name one kind or two; some were not asked.
DISABILITIES = (
    "{}",
    "{none}",
    "{not_stated}",
    "{behaviour}",
    "{learning}",
    "{mobility}",
    "{progressive}",
    "{hearing}",
    "{sight}",
    "{other}",
    "{behaviour,learning}",
    "{mobility,progressive}",
)
DISABILITY_WEIGHTS = (0.07, 0.56, 0.05, 0.09, 0.05, 0.05, 0.04, 0.015, 0.015, 0.01, 0.03, 0.02)
GP_LETTERS = np.frombuffer(b"ABCDEFGHJKLMNPY", dtype="S1")

BBV = ("accepted", "refused", "not_offered", "immunised", "acquired", "")
VACCINATIONS = ("1", "2", "3", "completed", "")
DESTINATIONS = (
    "community_treatment",
    "prison_treatment",
    "primary_care",
    "recovery_support",
    "none",
    "not_known",
    "",
)
# Where people went, by discharge reason (in `REASONS` order): weights over DESTINATIONS,
# in step with the free text the main stream wrote (home, another provider, prison, not
# known).
DESTINATION_WEIGHTS = {
    "completed_drug_free": (0.0, 0.0, 0.25, 0.45, 0.25, 0.0, 0.05),
    "completed_alcohol_free": (0.0, 0.0, 0.25, 0.45, 0.25, 0.0, 0.05),
    "completed_occasional_user": (0.0, 0.0, 0.3, 0.35, 0.3, 0.0, 0.05),
    "transferred_not_custody": (0.95, 0.0, 0.0, 0.0, 0.0, 0.0, 0.05),
    "transferred_custody": (0.0, 0.95, 0.0, 0.0, 0.0, 0.0, 0.05),
    "dropped_out": (0.0, 0.0, 0.0, 0.0, 0.1, 0.85, 0.05),
    "withdrawn_by_provider": (0.0, 0.0, 0.0, 0.0, 0.1, 0.85, 0.05),
    "retained_in_custody": (0.0, 0.95, 0.0, 0.0, 0.0, 0.0, 0.05),
    "commencement_declined": (0.0, 0.0, 0.0, 0.0, 0.15, 0.8, 0.05),
    "onward_referral_refused": (0.0, 0.0, 0.0, 0.0, 0.15, 0.8, 0.05),
}
PSYCHOSOCIAL_APPROACHES = (
    "motivational",
    "cognitive",
    "counselling",
    "contingency",
    "family_network",
    "mh_therapy",
    "twelve_step",
    "psychodynamic",
    "psy_other",
    "",
)
PSYCHOSOCIAL_WEIGHTS = (0.34, 0.2, 0.1, 0.05, 0.05, 0.05, 0.03, 0.02, 0.06, 0.1)
RECOVERY_APPROACHES = (
    "peer",
    "mutual_aid",
    "housing",
    "check_ups",
    "employment",
    "relapse",
    "education",
    "family",
    "parenting",
    "complementary",
    "mental_health",
    "rec_other",
    "",
)
RECOVERY_WEIGHTS = (0.24, 0.22, 0.1, 0.1, 0.07, 0.07, 0.05, 0.03, 0.02, 0.02, 0.02, 0.01, 0.05)


def stream(seed: int, chunk: int) -> np.random.Generator:
    return np.random.default_rng([seed, NDTMS_STREAM, chunk])


def _values(rows: Rows, name: str) -> np.ndarray:
    """A column already drawn, as its CSV values (b"" for NULL)."""
    block = np.ascontiguousarray(rows.blocks[rows.fields.index(name)])
    return block.view(f"S{block.shape[1]}").ravel()


def add_person_items(rows: Rows, rng: np.random.Generator) -> None:
    n = rows.count
    code = fc.concat(
        fc.block_of(GP_LETTERS[rng.integers(0, len(GP_LETTERS), n)]),
        fc.fixed_digits(rng.integers(1000, 100000, n), 5),
    )
    rows.add("gp_practice_code", fc.replace_rows(code, rng.random(n) < 0.05, ""))
    rows.add("sexual_orientation", fc.choices(SEXUAL_ORIENTATIONS, pick(rng, n, SEXUAL_WEIGHTS)))
    rows.add("religion", fc.choices(RELIGIONS, pick(rng, n, RELIGION_WEIGHTS)))
    rows.add("disabilities", fc.choices(DISABILITIES, pick(rng, n, DISABILITY_WEIGHTS)))


def add_episode_items(
    rows: Rows, p: People, e: Episodes, calendar: fc.Calendar, rng: np.random.Generator
) -> None:
    ne = rows.count
    who = e.person
    drinker = (p.group[who] == ALCOHOL) | (p.substances[who] == S["alcohol"]).any(axis=1)
    days = np.where(
        drinker, between(rng, 8, 28, ne), np.where(rng.random(ne) < 0.55, 0, between(rng, 1, 8, ne))
    )
    units = np.where(drinker, between(rng, 8, 40, ne), between(rng, 2, 10, ne))
    not_asked = rng.random(ne) < 0.04
    rows.add("alcohol_days", fc.integers(days, null=not_asked))
    rows.add("alcohol_units", fc.integers(units, null=not_asked | (days == 0)))

    ever_injected = np.isin(_values(rows, "injecting_status"), (b"current", b"previous"))
    hep_c = np.where(
        ever_injected,
        pick(rng, ne, (0.62, 0.15, 0.19, 0, 0, 0.04)),
        pick(rng, ne, (0.2, 0.05, 0.6, 0, 0, 0.15)),
    )
    rows.add("hep_c_intervention", fc.choices(BBV, hep_c))
    tested = hep_c == BBV.index("accepted")
    # The latest test: inside the episode, from referral to its end (or today).
    rows.add("hep_c_test_date", calendar.dates(between(rng, e.floor, e.referral), null=~tested))
    positive = np.where(rng.random(ne) < np.where(ever_injected, 0.4, 0.03), 1, 0)
    positive = np.where(rng.random(ne) < 0.1, -1, positive)
    rows.add("hep_c_positive", fc.booleans(np.where(tested, positive, -1)))
    hep_b = np.where(
        ever_injected,
        pick(rng, ne, (0.45, 0.12, 0.13, 0.2, 0.05, 0.05)),
        pick(rng, ne, (0.15, 0.05, 0.55, 0.1, 0.0, 0.15)),
    )
    rows.add("hep_b_intervention", fc.choices(BBV, hep_b))
    courses = pick(rng, ne, (0.25, 0.2, 0.1, 0.45))
    accepted = hep_b == BBV.index("accepted")
    rows.add("hep_b_vaccinations", fc.choices(VACCINATIONS, np.where(accepted, courses, 4)))

    parent = _values(rows, "parental_status") == b"t"
    children = _values(rows, "children_living_with")
    with_children = parent & (children != b"") & (children != b"0")
    all_of_them = np.where(rng.random(ne) < 0.7, 1, 0)
    all_of_them = np.where(rng.random(ne) < 0.05, -1, all_of_them)
    rows.add("all_children_live_with", fc.booleans(np.where(with_children, all_of_them, -1)))

    destination = np.full(ne, len(DESTINATIONS) - 1)
    for index, reason in enumerate(REASONS):
        left = e.reason == index
        destination[left] = pick(rng, ne, DESTINATION_WEIGHTS[reason])[left]
    rows.add("discharge_destination_kind", fc.choices(DESTINATIONS, destination))


def add_intervention_items(rows: Rows, rng: np.random.Generator) -> None:
    n = rows.count
    kind = _values(rows, "kind")
    approach = np.full(n, len(PSYCHOSOCIAL_APPROACHES) - 1)
    psychosocial = kind == b"psychosocial"
    approach[psychosocial] = pick(rng, n, PSYCHOSOCIAL_WEIGHTS)[psychosocial]
    recovery = kind == b"recovery_support"
    recovery_pick = pick(rng, n, RECOVERY_WEIGHTS) + len(PSYCHOSOCIAL_APPROACHES)
    approach[recovery] = recovery_pick[recovery]
    labels = (*PSYCHOSOCIAL_APPROACHES, *RECOVERY_APPROACHES)
    rows.add("approach", fc.choices(labels, approach))
