"""Who may do what, declared as data in one place.

Scope (which people a user can see at all) is decided by
`cases.selectors.service_users_visible_to`; these tables decide what a role may
do with the people inside that scope.
"""

from cases.models import Role, User

# Roles that may open identifiable pages about people.
BROWSING_ROLES = frozenset({Role.KEYWORKER, Role.TEAM_LEAD, Role.GOVERNANCE})
# Roles that may add or change records of people in their scope.
EDITING_ROLES = frozenset({Role.KEYWORKER, Role.TEAM_LEAD})
# Which caseload lists each role has.
CASELOAD_SCOPES: dict[str, tuple[str, ...]] = {
    Role.KEYWORKER: ("mine",),
    Role.TEAM_LEAD: ("mine", "team"),
    Role.GOVERNANCE: ("all",),
}
SCOPE_TITLES = {"mine": "My caseload", "team": "Team caseload", "all": "People"}


def can_browse_people(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in BROWSING_ROLES


def can_edit_records(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in EDITING_ROLES


def caseload_scopes(user: User) -> tuple[str, ...]:
    if not can_browse_people(user):
        return ()
    return CASELOAD_SCOPES.get(user.role, ())
