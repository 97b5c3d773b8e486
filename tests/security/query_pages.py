"""The pages whose query string the form fuzzer attacks, and those that take a period
(`tests/security/test_form_fuzz.py`)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class QueryPage:
    url: str
    sample: str
    user: str
    params: tuple[str, ...]


QUERY_PAGES: tuple[QueryPage, ...] = (
    QueryPage(
        "caseload", "team", "tess", ("q", "status", "substance", "naloxone", "tier", "page", "sort")
    ),
    QueryPage("caseload", "all", "gina", ("q", "page", "sort")),
    QueryPage("person_detail", "jo", "alice", ("notes",)),
    QueryPage("outreach_worklist", "-", "alice", ("whose", "page")),
    QueryPage("outreach_uncontacted", "-", "tess", ("page",)),
    QueryPage("outreach_attempt_create", "jo", "alice", ("return_to",)),
    QueryPage("child_in_contact_edit", "jo", "alice", ("child",)),
    QueryPage("follow_ups_overdue", "-", "tess", ("page",)),
    QueryPage("review_list", "-", "gina", ("status", "kind", "q", "mine", "page")),
    QueryPage("sign_in_alerts", "-", "gina", ("page",)),
    QueryPage("review_actions", "-", "gina", ("show", "page")),
    QueryPage("case_review_list", "-", "tess", ("team",)),
    QueryPage("case_review_my_actions", "-", "alice", ("show", "page")),
    QueryPage("care_audit_list", "-", "gina", ("team", "by")),
    QueryPage("review_notify", "-", "gina", ("person",)),
    QueryPage("overdose_record", "-", "alice", ("person", "find")),
    QueryPage("unidentified_list", "-", "tess", ("page",)),
    QueryPage("naloxone_renewals", "-", "alice", ("page",)),
    QueryPage("care_plan", "jo", "alice", ("plan",)),
    QueryPage("plan_contact_create", "jo", "alice", ("goal",)),
    QueryPage("review_dashboard", "-", "gina", ("from", "to")),
    QueryPage("ndtms_quality", "-", "adam", ("service",)),
    QueryPage("review_bulletin", "-", "alice", ("theme",)),
    QueryPage("risk_assessment_detail", "jo", "alice", ("assessment",)),
    QueryPage("admin:risk_recomputerun_progress", "-", "adam", ("since",)),
    QueryPage("admin:risk_recomputerun_progress_status", "-", "adam", ("since",)),
)


# Every page and API route that takes a period, with its parameters for the first and
# the last day: each refuses a period out of bounds (cases.validators.period_problems).
PERIOD_PAGES: tuple[QueryPage, ...] = (
    QueryPage("review_dashboard", "-", "gina", ("from", "to")),
    QueryPage("ndtms_extract", "-", "tess", ("start", "end")),
    QueryPage("ndtms_download", "-", "tess", ("start", "end")),
    QueryPage("api_extract_people", "-", "cora", ("from", "to")),
    QueryPage("api_extract_flags", "-", "gina", ("from", "to")),
    QueryPage("api_figure_outcome_summary", "-", "cora", ("from", "to")),
    QueryPage("api_figure_death_reviews", "-", "gina", ("from", "to")),
    QueryPage("fairness_report", "-", "gina", ("start", "end")),
    QueryPage("data_quality", "-", "gina", ("start", "end")),
    QueryPage("api_figure_fairness", "-", "cora", ("from", "to")),
)
