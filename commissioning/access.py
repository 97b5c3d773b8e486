"""Who may call the commissioner API.

A figure family may name its own roles as well
(`deathreviews.access.REVIEW_FIGURE_API_ROLES`).
"""

from cases.access import BROWSING_ROLES
from cases.models import Role, User

# Commissioners receive pseudonymised extracts of the whole service (or of their client's
# local authorities); staff who browse people may pull the same pseudonymised extracts of
# the people they can see. Administrators hold no person-level data, here as in the HTML app.
API_ROLES = frozenset({Role.COMMISSIONER, *BROWSING_ROLES})
WHOLE_SERVICE_API_ROLES = frozenset({Role.COMMISSIONER})


def can_use_api(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in API_ROLES
