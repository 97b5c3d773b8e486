"""Who may use the outcome pages, declared as data like `cases.access`.

The data quality page shows counts only, suppressed as the figures are: governance and
commissioners read it for the whole service, team leads for their own teams.
"""

from cases.access import NavLink
from cases.models import Role, User

QUALITY_ROLES = frozenset({Role.GOVERNANCE, Role.COMMISSIONER, Role.TEAM_LEAD})
# The roles that count the whole service; the others count their own teams.
WHOLE_SERVICE_QUALITY_ROLES = frozenset({Role.GOVERNANCE, Role.COMMISSIONER})


def can_view_data_quality(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in QUALITY_ROLES


NAVIGATION = (NavLink("Data quality", "data_quality", can_view_data_quality),)
