"""Who may do what in the care record, declared as data like `cases.access`.

Scope (whose record) is the visibility selector's: a person outside it is 404 for
every role. Inside it, whoever reads the person's record reads their notes and
referrals; those who change records write them.
"""

from cases.access import EDITING_ROLES, NavLink
from cases.models import Role, User

WRITING_ROLES = EDITING_ROLES


def can_write_care_record(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in WRITING_ROLES


# The case-file audit: clinical governance audits every team, a team lead their own teams
# (`care.selectors.audits.audit_team_ids`).
AUDITING_ROLES = frozenset({Role.GOVERNANCE, Role.TEAM_LEAD})


def can_audit_case_files(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in AUDITING_ROLES


NAVIGATION = (NavLink("Case-file audits", "care_audit_list", can_audit_case_files),)
