"""Who may call the commissioner API.

A figure family may name its own roles as well
(`deathreviews.access.REVIEW_FIGURE_API_ROLES`).
"""

from cases.access import BROWSING_ROLES, NavLink
from cases.models import Role, User

# Commissioners receive pseudonymised extracts of the whole service (or of their client's
# local authorities); staff who browse people may pull the same pseudonymised extracts of
# the people they can see. Administrators hold no person-level data, here as in the HTML app.
API_ROLES = frozenset({Role.COMMISSIONER, *BROWSING_ROLES})
WHOLE_SERVICE_API_ROLES = frozenset({Role.COMMISSIONER})


def can_use_api(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in API_ROLES


# The commissioner dashboard (`commissioning.dashboard`): the API's figures as a page, for
# commissioners (their client's scope, as the API) and clinical governance (the whole
# service). Aggregates only, suppressed as the API's; team leads have the fairness report
# and data quality for their teams, keyworkers neither.
DASHBOARD_ROLES = frozenset({Role.COMMISSIONER, Role.GOVERNANCE})


def can_view_dashboard(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in DASHBOARD_ROLES


NAVIGATION = (NavLink("Commissioner dashboard", "commissioner_dashboard", can_view_dashboard),)
