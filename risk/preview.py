"""What activating a draft rule set would change, before anyone activates it.

`tier_changes(current=..., draft=...)` runs the pure engine twice over today's
data, read once through `risk.loader` for the longer look-back of the two
versions, and counts the people whose tier would differ. It holds counts only,
never who: the administrator who activates rule sets sees no one's record.
"""

import datetime
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from risk import engine, loader
from risk.models import RuleSet


@dataclass(frozen=True)
class TierChanges:
    as_of: datetime.date
    population: int
    higher: int  # flagged at a higher tier than now, or flagged where now they are not
    lower: int  # a lower tier, or no longer flagged

    @property
    def changed(self) -> int:
        return self.higher + self.lower


def _ranks(evaluation: engine.Evaluation) -> dict[int, int]:
    people = evaluation.people
    return dict(
        zip(
            people["person_id"].to_numpy().tolist(),
            people["tier_rank"].to_numpy().tolist(),
            strict=True,
        )
    )


def tier_changes(
    *, current: RuleSet | None, draft: RuleSet, as_of: datetime.date | None = None
) -> TierChanges:
    as_of = as_of or timezone.localdate()
    new = draft.spec()
    old = current.spec() if current else engine.RuleSetSpec(0, (), np.inf, np.inf, np.inf)
    # One read serves both versions: the frames cover the longer window of the two.
    both = engine.RuleSetSpec(0, old.rules + new.rules, old.raised, old.high, old.very_high)
    frames = loader.load_frames(both, as_of)
    before = _ranks(engine.evaluate(frames, old, as_of, every_fired=False))
    after_evaluation = engine.evaluate(frames, new, as_of, every_fired=False)
    after = _ranks(after_evaluation)
    higher = lower = 0
    for person in before.keys() | after.keys():
        was, will = before.get(person, 0), after.get(person, 0)
        higher += will > was
        lower += will < was
    return TierChanges(
        as_of=as_of, population=after_evaluation.population, higher=higher, lower=lower
    )
