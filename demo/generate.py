"""Draw a synthetic population and its histories with numpy; no Django, no database.

`plan_population` (in `plan`) draws what is known about each person up front;
`generate_chunk` draws one chunk's histories and returns every table's rows as
CSV-ready column blocks named by model field. Everything comes from
`numpy.random.default_rng` seeded from the plan's seed and the chunk number, so
the same seed, size and date give the same data.

Dates are whole days before `today` ("days ago"; negative means a future
date), and every rule the models check is built in: no future dates (except
booked contacts), intervention and TOP dates inside their episode, discharge
date and reason together, one open episode per person, one start and at most
one exit TOP per episode, reviews after the start, naloxone expiry after
supply, repeat reasons only on repeats, the date a kit was used only when it was, before
the next supply, overdose details only on overdoses.
"""

import numpy as np

from demo import fastcsv as fc
from demo import ndtms
from demo.activity import contact_rows, draw_kits, event_rows, naloxone_rows
from demo.episodes import draw_episodes, episode_rows, intervention_rows
from demo.people import NextIds, References, Rows, chunk_people, people_rows
from demo.plan import CHUNK_PEOPLE, Population, SituationSpread, plan_population
from demo.tops import top_rows

__all__ = [
    "CHUNK_PEOPLE",
    "NextIds",
    "Population",
    "References",
    "Rows",
    "SituationSpread",
    "generate_chunk",
    "plan_population",
]


def generate_chunk(
    population: Population, refs: References, ids: NextIds, calendar: fc.Calendar, chunk: int
) -> list[Rows]:
    """Every table's rows for people chunk*CHUNK_PEOPLE onwards; advances `ids`."""
    rng = np.random.default_rng([population.seed, 1, chunk])
    low = chunk * CHUNK_PEOPLE
    high = min(population.size, low + CHUNK_PEOPLE)
    people = chunk_people(population, refs, ids, rng, low, high)
    person_rows = people_rows(population, refs, people, calendar, rng, low)
    episodes = draw_episodes(people, rng)
    episode_block = episode_rows(people, episodes, refs, ids, calendar, rng)
    intervention_block = intervention_rows(people, episodes, refs, ids, calendar, rng)
    # Kits before events: a kit used on its client reports their overdose.
    kits = draw_kits(people, episodes, ids, rng)
    rows = [
        person_rows,
        episode_block,
        intervention_block,
        event_rows(people, refs, ids, calendar, rng, kits),
        contact_rows(people, episodes, refs, ids, calendar, rng),
        naloxone_rows(people, kits, refs, calendar, rng),
        top_rows(people, episodes, refs, ids, calendar, rng),
    ]
    # The NDTMS items, from their own stream: the main stream's draws stay as they were.
    items = ndtms.stream(population.seed, chunk)
    ndtms.add_person_items(person_rows, items)
    ndtms.add_episode_items(episode_block, people, episodes, calendar, items)
    ndtms.add_intervention_items(intervention_block, items)
    ids.person += people.n
    return rows
