"""Who may do what on the overdose pathway, declared as data like `cases.access`.

Scope (which overdoses a user can see) follows from the people they may see
(`overdoses.selectors`); these rules decide what a role may do inside it.
"""

from cases.access import BROWSING_ROLES, EDITING_ROLES, NavLink
from cases.models import Role, User

# Anyone who works with people records an overdose from the header, attempts and outcomes.
RECORDING_ROLES = EDITING_ROLES
# Governance reads the pathway; team leads and governance see every overdue follow-up.
READING_ROLES = BROWSING_ROLES
OVERSEEING_ROLES = frozenset({Role.TEAM_LEAD, Role.GOVERNANCE})


def _active_in(user: User, roles: frozenset) -> bool:
    return user.is_authenticated and user.is_active and user.role in roles


def can_record_overdose(user: User) -> bool:
    return _active_in(user, RECORDING_ROLES)


def can_read_follow_ups(user: User) -> bool:
    return _active_in(user, READING_ROLES)


def can_oversee_follow_ups(user: User) -> bool:
    return _active_in(user, OVERSEEING_ROLES)


NAVIGATION: tuple[NavLink, ...] = (
    NavLink("Overdue overdose follow-ups", "follow_ups_overdue", can_oversee_follow_ups),
    NavLink("People not yet known", "unidentified_list", can_read_follow_ups),
    NavLink("Naloxone to non-clients", "naloxone_non_client", can_record_overdose),
    NavLink("Naloxone kits to renew", "naloxone_renewals", can_read_follow_ups),
)
