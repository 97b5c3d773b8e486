"""The case review of the living at highest risk (`docs/case-review.md`).

`meetings` holds a team's review meetings, who came, the people reviewed with the
decisions and next review date for each, and the actions set; `partners` the partner
organisations invited to a meeting and what each contributes about a person; `teams`
holds each team's choice of which tiers are due a review.
"""

from casereviews.models.meetings import (
    ActionReminder,
    Meeting,
    MeetingStatus,
    PartnerAttendee,
    ReviewAction,
    ReviewedPerson,
)
from casereviews.models.partners import (
    CONTRIBUTION_FIELDS,
    MeetingOrganisation,
    PartnerContribution,
)
from casereviews.models.teams import TeamReviewSetting

__all__ = [
    "CONTRIBUTION_FIELDS",
    "ActionReminder",
    "Meeting",
    "MeetingOrganisation",
    "MeetingStatus",
    "PartnerAttendee",
    "PartnerContribution",
    "ReviewAction",
    "ReviewedPerson",
    "TeamReviewSetting",
]
