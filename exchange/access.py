"""Who may use the data pages (bulk import, NDTMS extract), declared as data like `cases.access`.

Importing replaces records across the whole service, so it is for
administrators. The NDTMS extract is produced by administrators for the whole
service, and by team leads for their own teams' people (whose records they can
open and fix from the problem list).

The monthly submission is the same roles' work: its file covers a whole service (an
agency), so a team lead prepares and records it only for a service all of whose teams
are theirs (`exchange.selectors.services_submittable_by`), and every one of its
people is in their scope.
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


def can_submit_ndtms(user: User) -> bool:
    return can_extract_ndtms(user)


NAVIGATION = (
    NavLink("Import records", "import_start", can_import_records),
    NavLink("NDTMS extract", "ndtms_extract", can_extract_ndtms),
    NavLink("NDTMS submissions", "ndtms_submissions", can_submit_ndtms),
    NavLink("NDTMS data quality", "ndtms_quality", can_submit_ndtms),
)
