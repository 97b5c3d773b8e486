"""The review workflow as data: each transition, the states it leaves, and what it needs.

notified → gathering information → ready for panel → panel held → signed off →
closed, with two steps back (a panel that needs more information, a panel that
adjourns). Each check reads the facts gathered once by
`deathreviews.selectors.review_facts` and returns what is missing, each item
with the domain (and field) where it is fixed, so the page can list them with
links. `docs/death-reviews.md` describes the checks in words; keep the two
together.

Pure: nothing here touches the database.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from cases.deidentify import Finding, Known, identifying_details, listed
from deathreviews.models import (
    DEATH_KINDS,
    InquestStatus,
    Review,
    ReviewStatus,
    ToxicologyStatus,
)


@dataclass(frozen=True)
class Missing:
    """One thing a transition needs that the review lacks."""

    message: str
    domain: str = ""
    field: str = ""


@dataclass
class ReviewFacts:
    """What the checks read about a review beyond its own row."""

    review: Review
    outstanding_requests: list[str] = field(default_factory=list)
    toxicology_findings: int = 0
    unresolved_actions: list[str] = field(default_factory=list)
    # The description of every action, open or not.
    action_texts: list[str] = field(default_factory=list)
    # What the record holds that would identify the person (`cases.deidentify`).
    identifying_terms: list[Known] = field(default_factory=list)

    @property
    def actions(self) -> int:
        return len(self.action_texts)


Check = Callable[[ReviewFacts], list[Missing]]


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def needs(field_name: str, domain: str, message: str) -> Check:
    def check(facts: ReviewFacts) -> list[Missing]:
        if _blank(getattr(facts.review, field_name)):
            return [Missing(message, domain, field_name)]
        return []

    return check


def for_deaths(check: Check) -> Check:
    """A check that applies to reviews of deaths, not of near-fatal overdoses."""

    def only_deaths(facts: ReviewFacts) -> list[Missing]:
        return check(facts) if facts.review.kind in DEATH_KINDS else []

    return only_deaths


def requests_answered(facts: ReviewFacts) -> list[Missing]:
    return [
        Missing(
            f"The request for information to {agency} has not been received or closed.",
            "requests",
        )
        for agency in facts.outstanding_requests
    ]


def toxicology_recorded(facts: ReviewFacts) -> list[Missing]:
    status = facts.review.toxicology_status
    if status == ToxicologyStatus.AWAITED:
        return [
            Missing(
                "Toxicology is still awaited: add the findings, or say it is not available.",
                "toxicology",
                "toxicology_status",
            )
        ]
    if status == ToxicologyStatus.AVAILABLE and facts.toxicology_findings == 0:
        return [
            Missing(
                "Toxicology results are marked available but no substance is recorded.",
                "toxicology",
            )
        ]
    return []


def actions_or_reasons(facts: ReviewFacts) -> list[Missing]:
    review = facts.review
    if review.no_actions:
        # Review.clean and a database constraint already refuse "no actions" without a
        # reason, so through the services this never fires. It stays so that this list
        # states all the step needs (docs/death-reviews.md) and a row written around the
        # services (a raw update, an import) with a blank reason is still not signed off.
        if _blank(review.no_actions_reason):
            return [
                Missing(
                    "Give the panel's reasons for needing no actions.",
                    "findings",
                    "no_actions_reason",
                )
            ]
        if facts.actions:
            return [
                Missing(
                    "The panel said no actions are needed, but actions are recorded: "
                    "untick “no actions needed” or record why each is not done.",
                    "findings",
                    "no_actions",
                )
            ]
        return []
    if facts.actions == 0:
        return [
            Missing(
                "Add at least one action, or record that no actions are needed and why.",
                "actions",
            )
        ]
    return []


# Identifying detail in what the bulletin shares --------------------------


def identifying_message(found: list[Finding]) -> str:
    return (
        "This is shown on the learning bulletin to all staff and commissioners, and must "
        f"not identify anyone. Remove: {listed(found)}."
    )


def bulletin_is_anonymous(facts: ReviewFacts) -> list[Missing]:
    missing = []
    found = identifying_details(facts.review.bulletin_learning, facts.identifying_terms)
    if found:
        missing.append(Missing(identifying_message(found), "findings", "bulletin_learning"))
    for text in facts.action_texts:
        found = identifying_details(text, facts.identifying_terms)
        if found:
            missing.append(
                Missing(
                    "An action is shown on the learning bulletin and must not identify "
                    f"anyone: “{text[:60]}” mentions {listed(found)}.",
                    "actions",
                )
            )
    return missing


def actions_resolved(facts: ReviewFacts) -> list[Missing]:
    return [
        Missing(f"The action “{text[:60]}” is still open: mark it done or not done.", "actions")
        for text in facts.unresolved_actions
    ]


def inquest_known(facts: ReviewFacts) -> list[Missing]:
    if facts.review.inquest_status == InquestStatus.CONCLUDED and _blank(
        facts.review.inquest_conclusion
    ):
        return [Missing("Record the inquest's conclusion.", "cause", "inquest_conclusion")]
    return []


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    checks: tuple[Check, ...] = ()
    explain: str = ""
    forward: bool = True
    # Steps that cannot be taken back (signing off, closing) are taken from a
    # confirmation page, never straight from a button on the review.
    confirm_first: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "start_gathering",
            "Start gathering information",
            (ReviewStatus.NOTIFIED,),
            ReviewStatus.GATHERING,
            (
                needs("reviewer", "notification", "Name the lead reviewer."),
                # A required field, so the services never let it be blank: kept, like the
                # blank reason in `actions_or_reasons`, for a row written around them.
                needs("notification_source", "notification", "Say who notified the service."),
            ),
            "Requests for information can then go to partner agencies.",
        ),
        Transition(
            "ready_for_panel",
            "Ready for panel",
            (ReviewStatus.GATHERING,),
            ReviewStatus.READY,
            (
                requests_answered,
                needs("age", "person", "Record the person's age at the time."),
                needs("sex", "person", "Record the person's sex."),
                needs("place_of_death", "circumstances", "Record where it happened."),
                needs("found_by", "circumstances", "Record who found the person."),
                needs("treatment_history", "treatment", "Summarise the treatment history."),
            ),
            "Every request for information must be received or closed.",
        ),
        Transition(
            "return_to_gathering",
            "Gather more information",
            (ReviewStatus.READY,),
            ReviewStatus.GATHERING,
            forward=False,
        ),
        Transition(
            "panel_held",
            "Record that the panel met",
            (ReviewStatus.READY,),
            ReviewStatus.PANEL_HELD,
            (
                needs("panel_date", "findings", "Record the date the panel met."),
                needs("panel_members", "findings", "Record who sat on the panel."),
            ),
        ),
        Transition(
            "return_to_panel",
            "Panel to meet again",
            (ReviewStatus.PANEL_HELD,),
            ReviewStatus.READY,
            forward=False,
        ),
        Transition(
            "sign_off",
            "Sign off",
            (ReviewStatus.PANEL_HELD,),
            ReviewStatus.SIGNED_OFF,
            (
                needs(
                    "modifiable_factors",
                    "findings",
                    "Record the modifiable factors (or that none were found).",
                ),
                needs("preventability", "findings", "Record whether it was judged preventable."),
                needs("missed_opportunities", "findings", "Record any missed opportunities."),
                needs("learning", "findings", "Record the panel's learning."),
                needs(
                    "bulletin_learning",
                    "findings",
                    "Write the learning to share on the bulletin, without identifying detail.",
                ),
                actions_or_reasons,
                toxicology_recorded,
                for_deaths(needs("cause_of_death", "cause", "Record the cause of death.")),
                bulletin_is_anonymous,
            ),
            "The learning and actions then go to clinical governance, and appear on the "
            "learning bulletin once approved.",
            confirm_first=True,
        ),
        Transition(
            "close",
            "Close the review",
            (ReviewStatus.SIGNED_OFF,),
            ReviewStatus.CLOSED,
            (actions_resolved, inquest_known),
            "Every action must be done, or not done with a reason. A closed review is read only.",
            confirm_first=True,
        ),
    )
}


def missing_for(transition: Transition, facts: ReviewFacts) -> list[Missing]:
    """Everything `transition` needs that the review lacks, its state first."""
    missing: list[Missing] = []
    status = facts.review.status
    if status not in transition.sources:
        allowed = " or ".join(f"“{ReviewStatus(s).label}”" for s in transition.sources)
        missing.append(
            Missing(
                f"The review must be at {allowed} for this step; it is at "
                f"“{ReviewStatus(status).label}”."
            )
        )
    for check in transition.checks:
        missing.extend(check(facts))
    return missing


def transitions_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
