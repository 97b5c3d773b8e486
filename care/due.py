"""What is due on a person's record, in one shape, so that the person page can show
everything due at the top of the page, soonest first, whichever record it comes from.

Each record kind's selectors offer a function `<kind>_due(person, *, today) -> list[Due]`
that reads in a fixed number of queries, however many records the person has.
"""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Due:
    """One thing due: what, in plain words a keyworker reads at a glance ("Care plan
    review", "Follow up the referral to housing"), by when, and where to do it."""

    what: str
    on: datetime.date
    url: str = ""

    def overdue(self, today: datetime.date) -> bool:
        return self.on < today
