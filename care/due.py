"""What is due on a person's record, in one shape, so that the person page can show
everything due at the top of the page, soonest first, whichever record it comes from.

Each record kind's selectors offer a function `<kind>_due(person, *, today, read=None) ->
list[Due]` that reads in a fixed number of queries, however many records the person has.
`read` is what the person page has already read for its sections (`Read`: the merged
dicts of the kinds' `<kind>_for_person`, and the person's episodes, newest first, as
`episodes`, from the record's history): a kind takes its own rows from it when they are
there rather than read them a second time, and reads them itself when they are not.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# What a page has already read, by the keys its sections' selectors gave it.
Read = Mapping[str, Any]


@dataclass(frozen=True)
class Due:
    """One thing due: what, in plain words a keyworker reads at a glance ("Care plan
    review", "Follow up the referral to housing"), by when, and where to do it."""

    what: str
    on: datetime.date
    url: str = ""

    def overdue(self, today: datetime.date) -> bool:
        return self.on < today
