"""Who may do what with case reviews, declared as data like `cases.access`.

Scope is the visibility selector's: a meeting belongs to a team, and only the people of
that team whom a user may see are listed in it; a meeting of a team that is not theirs
answers 404. Keyworkers and team leads read their teams' reviews, clinical governance
every team's; a team lead (`cases.access.can_reassign`) schedules meetings, chooses who is
reviewed and records what was decided. An action's owner marks it done.
"""

from cases.access import BROWSING_ROLES, NavLink, can_reassign
from cases.models import User

READING_ROLES = BROWSING_ROLES


def can_read_case_reviews(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in READING_ROLES


def can_lead_case_reviews(user: User) -> bool:
    """A team lead: schedules meetings and records them, for the teams they belong to."""
    return can_reassign(user)


NAVIGATION = (
    NavLink("Case reviews", "case_review_list", can_read_case_reviews),
    NavLink("My review actions", "case_review_my_actions", can_read_case_reviews),
)
