"""Small-number suppression for published counts, and the rates built on them.

The rule, for any table of counts that leaves Lantern:

- **Primary**: a count from 1 to 4 is withheld. 0 is shown: nobody is not a
  small number of people.
- **Secondary**: a withheld count must not be recoverable by arithmetic. The
  caller states which counts add up (a `Relation`: a total and the parts that
  sum to it, e.g. the people in treatment and the same people by sex). Whenever
  exactly one count of a relation is withheld, the total minus the others would
  give it back, so the smallest other non-zero part is withheld too, or the
  total when no part is left. This repeats until every relation has none or at
  least two withheld counts, since withholding a cell can expose another
  relation that shares it.
- **Rates**: a rate (or percentage, or any figure computed over a count) is
  withheld when its numerator or denominator is.

A relation may include counts that are never shown but can be worked out from
those that are: the people in treatment who did not complete, say, which is the
denominator minus the numerator. Stating it (`denominator = numerator + rest`)
makes a small complement withhold the numerator, so "47 of 50" cannot reveal
that 3 people did not complete.

A count that another table already shows (the same people counted in another
family of figures) can be passed as `published`: it is never the one chosen to
hide a neighbour, since withholding it here would not withhold it there.

Cell suppression protects one table at a time. Two tables cut differently (one
team, then every team) can still be differenced by someone who asks for both;
that is a limit of the method, and the reason every figure family applies it
to everything it returns.

Keys are any hashable values; the order of `Relation.parts` breaks ties
between equally small cells, so the result is deterministic.
"""

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)

# Counts from 1 up to this are withheld.
LARGEST_WITHHELD = 4


def is_small(count: int) -> bool:
    """Whether a count is withheld on its own (primary suppression)."""
    return 0 < count <= LARGEST_WITHHELD


@dataclass(frozen=True)
class Relation(Generic[K]):
    """`total` is the sum of `parts`: knowing all but one gives the last."""

    total: K
    parts: tuple[K, ...]

    @property
    def cells(self) -> tuple[K, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class SuppressedCounts(Generic[K]):
    """Counts after suppression: read them only through `count` and `rate`."""

    counts: Mapping[K, int]
    withheld: frozenset[K]

    def is_withheld(self, key: K) -> bool:
        return key in self.withheld

    def count(self, key: K) -> int | None:
        """The count, or None when it is withheld."""
        return None if key in self.withheld else self.counts[key]

    def rate_withheld(self, numerator: K, denominator: K) -> bool:
        return numerator in self.withheld or denominator in self.withheld

    def rate(
        self, numerator: K, denominator: K, *, per: int = 100, digits: int = 1
    ) -> float | None:
        """numerator / denominator x `per`, rounded; None when either is withheld
        or the denominator is 0 (a rate over nobody is undefined, not secret)."""
        if self.rate_withheld(numerator, denominator):
            return None
        bottom = self.counts[denominator]
        if bottom == 0:
            return None
        return round(per * self.counts[numerator] / bottom, digits)


def suppress(
    counts: Mapping[K, int],
    relations: Iterable[Relation[K]] = (),
    *,
    published: Iterable[K] = (),
) -> SuppressedCounts[K]:
    """Apply primary and secondary suppression to `counts`.

    Every key a relation names must be in `counts`, and each relation must add
    up (a relation that does not is a bug in the caller: ValueError).
    `published` counts are shown elsewhere, so never chosen to protect another
    (a small one is still withheld here, as it is everywhere).
    """
    fixed = frozenset(published)
    relations = list(relations)
    for relation in relations:
        missing = [key for key in relation.cells if key not in counts]
        if missing:
            raise ValueError(f"A relation names counts that are not given: {missing!r}")
        parts = sum(counts[key] for key in relation.parts)
        if parts != counts[relation.total]:
            raise ValueError(
                f"The parts of {relation.total!r} add up to {parts}, "
                f"not {counts[relation.total]}: the relation does not hold."
            )
    negative = [key for key, count in counts.items() if count < 0]
    if negative:
        raise ValueError(f"Counts cannot be negative: {negative!r}")

    # How many withheld counts each relation holds, kept up to date as counts are
    # withheld, so a table of many thousand cells is settled in one pass.
    touching: dict[K, list[int]] = defaultdict(list)
    for index, relation in enumerate(relations):
        for key in relation.cells:
            touching[key].append(index)
    hidden = [0] * len(relations)
    withheld: set[K] = set()
    queue: deque[int] = deque()

    def withhold(key: K) -> None:
        withheld.add(key)
        for index in touching.get(key, ()):
            hidden[index] += 1
            if hidden[index] == 1:
                queue.append(index)

    for key, count in counts.items():
        if is_small(count):
            withhold(key)
    while queue:
        index = queue.popleft()
        if hidden[index] != 1:
            continue
        extra = _next_to_withhold(relations[index], counts, withheld, fixed)
        if extra is None:
            # Only possible when every other count is 0 or published elsewhere:
            # without published counts, a withheld part leaves the total to withhold.
            continue
        withhold(extra)
    return SuppressedCounts(counts=dict(counts), withheld=frozenset(withheld))


def _next_to_withhold(
    relation: Relation[K], counts: Mapping[K, int], withheld: set[K], fixed: frozenset[K]
) -> K | None:
    """The smallest shown non-zero part, or else the total if it is shown and not 0.

    A zero is never chosen: withholding a count that is known to be 0 (or can
    only be 0) protects nothing. Nor is a count published elsewhere.
    """

    def can_withhold(key: K) -> bool:
        return key not in withheld and key not in fixed and counts[key] > 0

    candidates = [key for key in relation.parts if can_withhold(key)]
    if candidates:
        return min(candidates, key=lambda key: counts[key])  # min keeps the first of ties
    if can_withhold(relation.total):
        return relation.total
    return None
