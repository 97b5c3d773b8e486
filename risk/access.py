"""Who may use the outreach pages, declared as data like `cases.access`.

Flags are read on the caseload and the person's record under `cases.access`'s
rules; these tables decide who has the lists built from flags, and who approves
overrides. `NAVIGATION` offers each list to exactly the users its view lets in.
"""

from cases.access import BROWSING_ROLES, NavLink
from cases.models import Role, User

# The outreach worklist: governance reads it; only those who may change records
# record attempts (`cases.access.EDITING_ROLES`).
OUTREACH_ROLES = BROWSING_ROLES
# Very-high and high flags nobody has contacted within 2 days: for team leads,
# and for governance reviewing the same.
UNCONTACTED_ROLES = frozenset({Role.TEAM_LEAD, Role.GOVERNANCE})
# A very high flag's override by a keyworker waits for a lead of the person's team.
OVERRIDE_APPROVING_ROLES = frozenset({Role.TEAM_LEAD})
# The fairness report (aggregates only): governance for the service, team leads for
# their teams. Commissioners have the same figures through the API.
FAIRNESS_ROLES = frozenset({Role.GOVERNANCE, Role.TEAM_LEAD})
# The same report from the API: the page's roles and commissioners. Keyworkers have
# neither (a team's groups would be a suppressed handful); administrators are refused
# as the API refuses them everything.
FAIRNESS_API_ROLES = FAIRNESS_ROLES | {Role.COMMISSIONER}


def _active(user: User) -> bool:
    return user.is_authenticated and user.is_active


def can_view_outreach(user: User) -> bool:
    return _active(user) and user.role in OUTREACH_ROLES


def can_view_uncontacted(user: User) -> bool:
    return _active(user) and user.role in UNCONTACTED_ROLES


def can_approve_overrides(user: User) -> bool:
    return _active(user) and user.role in OVERRIDE_APPROVING_ROLES


def can_view_fairness(user: User) -> bool:
    return _active(user) and user.role in FAIRNESS_ROLES


NAVIGATION = (
    NavLink("Outreach worklist", "outreach_worklist", can_view_outreach),
    NavLink("Not contacted in 2 days", "outreach_uncontacted", can_view_uncontacted),
    NavLink("Overrides to approve", "overrides_to_decide", can_approve_overrides),
    NavLink("Fairness report", "fairness_report", can_view_fairness),
)
