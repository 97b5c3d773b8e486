"""The navigation of a signed-in user, assembled from each app's own access declarations.

Each app declares its pages' links (`cases.access.NavLink`: label, URL name, and the
predicate the page's view checks) beside its access rules: `cases.access`,
`overdoses.access`, `care.access`, `risk.access`, `casereviews.access`, `deathreviews.access`, `exchange.access`, and web's
own below. A link is shown exactly when that predicate lets the user in; no role is
restated here.
`commissioning.access` declares the commissioner dashboard's link.
What this module adds is presentation only: the caseloads first (from the same
`caseload_scopes` the caseload page checks), then the pages in `MENU_ORDER`.
"""

from itertools import chain

from django.http import HttpRequest
from django.urls import reverse

from care import access as care_access
from casereviews import access as casereviews_access
from cases import access as cases_access
from cases.access import SCOPE_TITLES, NavLink, can_audit, caseload_scopes
from commissioning import access as commissioning_access
from deathreviews import access as deathreviews_access
from exchange import access as exchange_access
from outcomes import access as outcomes_access
from overdoses import access as overdoses_access
from risk import access as risk_access
from web.admin_site import can_administer

# web's own pages (the access report checks `can_audit` in `web.views`; the admin,
# `can_administer` in `web.admin_site`).
NAVIGATION = (
    NavLink("Access reports", "access_report_search", can_audit),
    NavLink("Administration", "admin:index", can_administer),
)

# Every app's links, in layer order from the bottom.
DECLARED: tuple[NavLink, ...] = tuple(
    chain(
        cases_access.NAVIGATION,
        outcomes_access.NAVIGATION,
        overdoses_access.NAVIGATION,
        care_access.NAVIGATION,
        risk_access.NAVIGATION,
        casereviews_access.NAVIGATION,
        deathreviews_access.NAVIGATION,
        exchange_access.NAVIGATION,
        commissioning_access.NAVIGATION,
        NAVIGATION,
    )
)

# Where each page sits in the menu, by URL name: a reading order for people (the day's
# lists, then the data, reviews and audit pages), not the layers'. A page not listed
# here still appears, after these (tests/web/test_navigation.py asks for a place).
MENU_ORDER = (
    "outreach_worklist",
    "outreach_uncontacted",
    "follow_ups_overdue",
    "unidentified_list",
    "naloxone_renewals",
    "naloxone_non_client",
    "team_caseloads",
    "transfer_request_list",
    "overrides_to_decide",
    "case_review_list",
    "case_review_my_actions",
    "care_audit_list",
    "import_start",
    "ndtms_extract",
    "ndtms_submissions",
    "ndtms_quality",
    "data_quality",
    "commissioner_dashboard",
    "review_list",
    "review_dashboard",
    "fairness_report",
    "review_bulletin",
    "break_glass_start",
    "break_glass_review_list",
    "access_report_search",
    "sign_in_alerts",
    "admin:index",
)


def _place(link: NavLink) -> int:
    name = link.url_name
    return MENU_ORDER.index(name) if name in MENU_ORDER else len(MENU_ORDER)


MENU: tuple[NavLink, ...] = tuple(sorted(DECLARED, key=_place))


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    # The header's "Record an overdose", on every page, for whoever records one.
    records_overdoses = overdoses_access.can_record_overdose(user)
    scopes = caseload_scopes(user)
    links = [(SCOPE_TITLES[scope], reverse("caseload", args=[scope])) for scope in scopes]
    links += [(link.label, reverse(link.url_name)) for link in MENU if link.may_open(user)]
    # The header's search box looks through the widest caseload the user has.
    search_url = reverse("caseload", args=[scopes[-1]]) if scopes else None
    return {
        "nav_links": links,
        "search_url": search_url,
        "can_record_overdose": records_overdoses,
    }
