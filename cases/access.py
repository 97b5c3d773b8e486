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
# The outreach worklist: governance reads it; only those who may change records
# record attempts (EDITING_ROLES).
OUTREACH_ROLES = BROWSING_ROLES
# Team leads see each keyworker's caseload size against the team's cap and move
# people between keyworkers of the teams they belong to.
REASSIGNING_ROLES = frozenset({Role.TEAM_LEAD})
# Very-high and high flags nobody has contacted within 2 days: for team leads,
# and for governance reviewing the same.
UNCONTACTED_ROLES = frozenset({Role.TEAM_LEAD, Role.GOVERNANCE})
# A very high flag's override by a keyworker waits for a lead of the person's team.
OVERRIDE_APPROVING_ROLES = frozenset({Role.TEAM_LEAD})

# Pages beyond the caseload, by URL name, with the roles whose navigation shows
# them. Names only: the apps serving them sit above `cases`, which never imports
# them; each page checks its own access table (outcomes.access for the data
# pages, deathreviews.access for reviews), and a test holds these roles to
# those tables.
_REVIEW_ROLES = frozenset({Role.GOVERNANCE})
_EVERY_ROLE = frozenset(Role.values)
NAV_PAGES: tuple[tuple[str, str, frozenset[str]], ...] = (
    ("Outreach worklist", "outreach_worklist", OUTREACH_ROLES),
    ("Not contacted in 2 days", "outreach_uncontacted", UNCONTACTED_ROLES),
    ("Caseload sizes", "team_caseloads", REASSIGNING_ROLES),
    ("Transfer requests", "transfer_request_list", REASSIGNING_ROLES),
    ("Overrides to approve", "overrides_to_decide", OVERRIDE_APPROVING_ROLES),
    ("Import records", "import_start", frozenset({Role.ADMINISTRATOR})),
    ("NDTMS extract", "ndtms_extract", frozenset({Role.ADMINISTRATOR, Role.TEAM_LEAD})),
    ("Death reviews", "review_list", _REVIEW_ROLES),
    ("Review dashboard", "review_dashboard", _REVIEW_ROLES),
    ("Learning bulletin", "review_bulletin", _EVERY_ROLE),
    ("Break-glass access", "break_glass_start", BREAK_GLASS_ROLES),
    ("Break-glass review", "break_glass_review_list", AUDIT_ROLES),
    ("Access reports", "access_report_search", AUDIT_ROLES),
    ("Sign-in alerts", "sign_in_alerts", AUDIT_ROLES),
)


def _active_in(user: User, roles: frozenset) -> bool:
    """Whether `user` is signed in, still active, and holds one of `roles`."""
    return user.is_authenticated and user.is_active and user.role in roles


def can_browse_people(user: User) -> bool:
    return _active_in(user, BROWSING_ROLES)


def can_edit_records(user: User) -> bool:
    return _active_in(user, EDITING_ROLES)


def can_view_outreach(user: User) -> bool:
    return _active_in(user, OUTREACH_ROLES)


def can_view_uncontacted(user: User) -> bool:
    return _active_in(user, UNCONTACTED_ROLES)


def can_reassign(user: User) -> bool:
    return _active_in(user, REASSIGNING_ROLES)


def can_approve_overrides(user: User) -> bool:
    return _active_in(user, OVERRIDE_APPROVING_ROLES)


def can_break_glass(user: User) -> bool:
    return _active_in(user, BREAK_GLASS_ROLES)


def can_audit(user: User) -> bool:
    return _active_in(user, AUDIT_ROLES)


def nav_pages(user: User) -> list[tuple[str, str]]:
    """(label, URL name) of the pages beyond the caseload that `user`'s navigation shows."""
    if not (user.is_authenticated and user.is_active):
        return []
    return [(label, name) for label, name, roles in NAV_PAGES if user.role in roles]


def caseload_scopes(user: User) -> tuple[str, ...]:
    if not can_browse_people(user):
        return ()
    return CASELOAD_SCOPES.get(user.role, ())


# The Django admin, the administrator's whole place in Lantern, holds configuration and
# never people: services, teams, staff and their roles, lookups, rule sets and recompute
# runs, the API's clients, tokens and request log, lockouts and authenticator apps, and
# the death reviews' reference lists. Records of people (flags, overrides, the audit's
# access events and break-glass grants, reviews) are read in the app, where the
# visibility rules apply. The admin site refuses to register any other model
# (`config.admin_site`), by "app_label.model_name".
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
        "axes.accessattempt",
        "axes.accessfailurelog",
        "axes.accesslog",
        "otp_totp.totpdevice",
        "deathreviews.learningtheme",
        "deathreviews.partneragency",
    }
)
