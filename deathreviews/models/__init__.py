"""Death reviews and near-fatal overdose reviews, their parts, and the frozen snapshot.

A review follows the workflow in `deathreviews.workflow`; its record is kept
by domain (see `deathreviews.domains`). Every editable row carries a
`version`: a save names the version it was loaded with and is refused when
someone saved in between (`deathreviews.services`). Every change is kept by
database triggers (django-pghistory) with who made it, and nothing here is
ever deleted: foreign keys PROTECT, and a trigger refuses DELETE on reviews
and their parts. The snapshot of what Lantern knew is written once and a
trigger refuses any UPDATE or DELETE of it.

Writes go through `deathreviews.services`; reads through
`deathreviews.selectors`, starting from `reviews_visible_to(user)`.

The package by concern: `choices` (the vocabularies), `common` (what every table
shares), `reference` (the lists administrators keep), `review` (the review itself),
`parts` (requests, findings, actions), `joint` (partners' sections of a joint review)
and `snapshots`. Import from here.
"""

from deathreviews.models.choices import (
    DEATH_KINDS,
    OPEN_ACTION_STATUSES,
    SHARED_STATUSES,
    ActionStatus,
    AgencyKind,
    FoundBy,
    Housing,
    InquestConclusion,
    InquestStatus,
    NotificationSource,
    PlaceOfDeath,
    Preventability,
    ReviewKind,
    ReviewStatus,
    ToxicologyStatus,
    ToxicologySubstance,
)
from deathreviews.models.common import (
    NO_DELETE,
    approved_at_field,
    approved_by_field,
)
from deathreviews.models.joint import (
    JOINT_SECTION_FIELDS,
    JointReviewSection,
)
from deathreviews.models.parts import (
    PART_MODELS,
    ActionReminder,
    ConcretePart,
    InformationRequest,
    ReviewAction,
    ReviewPart,
    ToxicologyFinding,
)
from deathreviews.models.reference import (
    LearningTheme,
    PartnerAgency,
)
from deathreviews.models.review import (
    Review,
    ReviewAgency,
    ReviewTheme,
)
from deathreviews.models.snapshots import (
    ReviewSnapshot,
)

__all__ = [
    "DEATH_KINDS",
    "JOINT_SECTION_FIELDS",
    "NO_DELETE",
    "OPEN_ACTION_STATUSES",
    "PART_MODELS",
    "SHARED_STATUSES",
    "ActionReminder",
    "ActionStatus",
    "AgencyKind",
    "ConcretePart",
    "FoundBy",
    "Housing",
    "InformationRequest",
    "InquestConclusion",
    "InquestStatus",
    "JointReviewSection",
    "LearningTheme",
    "NotificationSource",
    "PartnerAgency",
    "PlaceOfDeath",
    "Preventability",
    "Review",
    "ReviewAction",
    "ReviewAgency",
    "ReviewKind",
    "ReviewPart",
    "ReviewSnapshot",
    "ReviewStatus",
    "ReviewTheme",
    "ToxicologyFinding",
    "ToxicologyStatus",
    "ToxicologySubstance",
    "approved_at_field",
    "approved_by_field",
]
