"""The commissioner dashboard's form and period in the fuzz tables (tests/security/forms.py
adds them to FORMS and PERIOD_PAGES): the same form on the page and its CSV download."""

from tests.security.forms import FormCase, _form
from tests.security.query_pages import QueryPage


def _whole_service():
    from commissioning.selectors import ApiScope

    return ApiScope()


COMMISSIONER_FORMS: tuple[FormCase, ...] = (
    FormCase(
        "commissioning.dashboard.forms.DashboardForm",
        "commissioner_dashboard",
        "-",
        "cora",
        lambda w: _form("commissioning.dashboard.forms.DashboardForm")(scope=_whole_service()),
        method="GET",
    ),
    FormCase(
        "commissioning.dashboard.forms.DashboardForm",
        "commissioner_dashboard_csv",
        "-",
        "gina",
        lambda w: _form("commissioning.dashboard.forms.DashboardForm")(scope=_whole_service()),
        method="GET",
    ),
)

COMMISSIONER_PERIOD_PAGES: tuple[QueryPage, ...] = (
    QueryPage("commissioner_dashboard", "-", "cora", ("start", "end")),
    QueryPage("commissioner_dashboard_csv", "-", "gina", ("start", "end")),
)
