"""The flag and outreach extracts of the commissioner API (see `commissioning.api` for the machinery).

Flags are intervals: one row per flag, with its tier, the rules that raised it
(their stable codes, in the rule set version named) and how it ended. The
worded reasons are left out: they describe the person's history in words.
Outreach attempts carry their method and outcome; notes and the free-text
removal detail never leave.
"""

from commissioning.extracts.base import Extract, ExtractField
from commissioning.extracts.cases import PERSON, choice_values
from risk.models import Flag, OutreachMethod, OutreachOutcome, RemovalReason, Tier

FLAG = ExtractField(
    "flag",
    "fl.external_id",
    "string",
    "The flag's pseudonym.",
    without_consent=True,
    pseudonym="flag",
)

FLAGS = Extract(
    name="flags",
    title="Risk flags",
    description="One row per risk flag: raised at a tier, open while the engine keeps that "
    "tier, then ended (or overridden). With a period, the flags open at any time in it.",
    source=(
        "risk_flag fl JOIN cases_serviceuser su ON su.id = fl.service_user_id "
        "JOIN risk_ruleset rs ON rs.id = fl.rule_set_id"
    ),
    key="fl.external_id",
    period="fl.raised_on <= {to} AND (fl.ended_on IS NULL OR fl.ended_on >= {from})",
    fields=(
        FLAG,
        PERSON,
        ExtractField("tier", "fl.tier", "string", "Risk tier.", True, choice_values(Tier)),
        ExtractField(
            "rules",
            "array_to_string(fl.rule_codes, ' ')",
            "string",
            "The codes of the rules that raised it, separated by spaces.",
            True,
        ),
        ExtractField(
            "rule_set_version", "rs.version", "integer", "The rule set version it came from.", True
        ),
        ExtractField("raised_on", "fl.raised_on", "date", "Date raised.", True),
        ExtractField("ended_on", "fl.ended_on", "date", "Date ended (null while open).", True),
        ExtractField(
            "status",
            "fl.status",
            "string",
            "Where the flag stands.",
            True,
            choice_values(Flag.Status),
        ),
        ExtractField(
            "end_reason",
            "nullif(fl.end_reason, '')",
            "string",
            "Why it ended.",
            True,
            choice_values(Flag.EndReason),
        ),
    ),
)

OUTREACH_ATTEMPTS = Extract(
    name="outreach_attempts",
    title="Outreach attempts",
    description="One row per attempt to reach a flagged person, with its method and outcome.",
    source=(
        "risk_outreachattempt oa JOIN cases_serviceuser su ON su.id = oa.service_user_id "
        "LEFT JOIN risk_flag fl ON fl.id = oa.flag_id"
    ),
    key="oa.external_id",
    period="oa.attempted_on BETWEEN {from} AND {to}",
    fields=(
        ExtractField(
            "attempt",
            "oa.external_id",
            "string",
            "The attempt's pseudonym.",
            without_consent=True,
            pseudonym="outreach",
        ),
        PERSON,
        ExtractField(
            "flag",
            "fl.external_id",
            "string",
            "The pseudonym of the flag it answered (null if none).",
            without_consent=True,
            pseudonym="flag",
        ),
        ExtractField(
            "flag_tier", "fl.tier", "string", "That flag's tier.", True, choice_values(Tier)
        ),
        ExtractField("attempted_on", "oa.attempted_on", "date", "Date of the attempt.", True),
        ExtractField(
            "method", "oa.method", "string", "How it was made.", True, choice_values(OutreachMethod)
        ),
        ExtractField(
            "outcome",
            "oa.outcome",
            "string",
            "What came of it.",
            True,
            choice_values(OutreachOutcome),
        ),
        ExtractField(
            "removal_reason",
            "nullif(oa.removal_reason, '')",
            "string",
            "Why the person was taken off the list (for outcome removed).",
            True,
            choice_values(RemovalReason),
        ),
    ),
)
