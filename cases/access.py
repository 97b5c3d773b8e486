"""Who may do what, declared as data in one place.

Scope (which people a user can see at all) is decided by
`cases.selectors.service_users_visible_to`; these tables decide what a role may
do with the people inside that scope. Each app declares its pages' navigation links
(`NavLink`) beside its own rules, with the predicate the page checks.
"""

from collections.abc import Callable
from dataclasses import dataclass

from cases.models import Role, User

# Roles that may open identifiable pages about people.
BROWSING_ROLES = frozenset({Role.KEYWORKER, Role.TEAM_LEAD, Role.GOVERNANCE})
# Roles that may add or change records of people in their scope.
EDITING_ROLES = frozenset({Role.KEYWORKER, Role.TEAM_LEAD})
# Which caseload lists each role has. The last is the widest: it holds everyone the role
# may open but break-glass people (`cases.selectors.people_searchable_by`), and the
# header's search box looks through it.
CASELOAD_SCOPES: dict[str, tuple[str, ...]] = {
    Role.KEYWORKER: ("mine", "team"),
    Role.TEAM_LEAD: ("mine", "team"),
    Role.GOVERNANCE: ("all",),
}
SCOPE_TITLES = {"mine": "My caseload", "team": "Team caseload", "all": "People"}
# Who may open a person outside their teams for a while, giving a reason
# (covering a duty shift), and who reviews those uses and reads access reports.
BREAK_GLASS_ROLES = frozenset({Role.KEYWORKER, Role.TEAM_LEAD})
AUDIT_ROLES = frozenset({Role.GOVERNANCE})
# Team leads see each keyworker's caseload size against the team's cap and move
# people between keyworkers of the teams they belong to.
REASSIGNING_ROLES = frozenset({Role.TEAM_LEAD})


def _active_in(user: User, roles: frozenset) -> bool:
    """Whether `user` is signed in, still active, and holds one of `roles`."""
    return user.is_authenticated and user.is_active and user.role in roles


def can_browse_people(user: User) -> bool:
    return _active_in(user, BROWSING_ROLES)


def can_edit_records(user: User) -> bool:
    return _active_in(user, EDITING_ROLES)


def can_reassign(user: User) -> bool:
    return _active_in(user, REASSIGNING_ROLES)


def can_break_glass(user: User) -> bool:
    return _active_in(user, BREAK_GLASS_ROLES)


def can_audit(user: User) -> bool:
    return _active_in(user, AUDIT_ROLES)


def caseload_scopes(user: User) -> tuple[str, ...]:
    if not can_browse_people(user):
        return ()
    return CASELOAD_SCOPES.get(user.role, ())


@dataclass(frozen=True)
class NavLink:
    """A page in the navigation, declared by the app that serves it beside its access rules.

    `may_open` is the very predicate the page's view checks, so a user sees the link
    exactly when the page lets them in. `web.navigation` assembles every app's links.
    """

    label: str
    url_name: str
    may_open: Callable[[User], bool]


# The case pages in the navigation (the caseloads themselves come from CASELOAD_SCOPES).
NAVIGATION = (
    NavLink("Caseload sizes", "team_caseloads", can_reassign),
    NavLink("Transfer requests", "transfer_request_list", can_reassign),
    NavLink("Break-glass access", "break_glass_start", can_break_glass),
    NavLink("Break-glass review", "break_glass_review_list", can_audit),
    NavLink("Sign-in alerts", "sign_in_alerts", can_audit),
)


# The Django admin, the administrator's whole place in Lantern, holds configuration and
# never people: services, teams, staff and their roles, lookups, rule sets, their
# backtests and recompute runs, the API's clients, tokens and request log, lockouts and authenticator apps, and
# the death reviews' reference lists. Records of people (flags, overrides, the audit's
# access events and break-glass grants, reviews) are read in the app, where the
# visibility rules apply. The admin site refuses to register any other model
# (`web.admin_site`), by "app_label.model_name".
ADMIN_MODELS = frozenset(
    {
        "auth.group",
        "cases.user",
        "cases.service",
        "cases.team",
        "cases.teammembership",
        "cases.localauthority",
        "cases.substance",
        "cases.dischargereason",
        "commissioning.apiclient",
        "commissioning.apitoken",
        "commissioning.apirequestlog",
        "risk.ruleset",
        "risk.recomputerun",
        # Counts by tier and by outcome only: a backtest names no one.
        "risk.backtest",
        "axes.accessattempt",
        "axes.accessfailurelog",
        "axes.accesslog",
        "otp_totp.totpdevice",
        "deathreviews.learningtheme",
        "deathreviews.partneragency",
        "exchange.ndtmscode",
        "exchange.ndtmsmapping",
        # Reference values beside the figures: national figures and local targets.
        "outcomes.benchmark",
        # Partner organisations, their staff's access and the agreements with them: no person.
        "partners.partnerorganisation",
        "partners.partneraccess",
        "partners.sharingagreement",
    }
)
