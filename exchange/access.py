"""Who may use the data pages (bulk import, NDTMS extract), declared as data like `cases.access`.

Importing replaces records across the whole service, so it is for
administrators. The NDTMS extract is produced by administrators for the whole
service, and by team leads for their own teams' people (whose records they can
open and fix from the problem list).
"""

from cases.access import NavLink
from cases.models import Role, User

IMPORT_ROLES = frozenset({Role.ADMINISTRATOR})
EXTRACT_ROLES = frozenset({Role.ADMINISTRATOR, Role.TEAM_LEAD})
# Roles whose extract covers the whole service rather than their teams.
WHOLE_SERVICE_EXTRACT_ROLES = frozenset({Role.ADMINISTRATOR})


def _active(user: User) -> bool:
    return user.is_authenticated and user.is_active


def can_import_records(user: User) -> bool:
    return _active(user) and user.role in IMPORT_ROLES


def can_extract_ndtms(user: User) -> bool:
    return _active(user) and user.role in EXTRACT_ROLES


NAVIGATION = (
    NavLink("Import records", "import_start", can_import_records),
    NavLink("NDTMS extract", "ndtms_extract", can_extract_ndtms),
)
