"""Reads of death reviews, always through `reviews_visible_to(user)`.

`reviews_visible_to` is the one rule: every list, page, form and export of
reviews starts from it, so for a role without access a review simply does not
exist (404). Lists are one query (plus a count when paginated) whatever their
length. The learning bulletin is the one read that does not start from it: it
returns anonymised entries only, never a review.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from pghistory.models import Events

from cases.deidentify import Finding, Known, identifying_details, person_details
from cases.history import HistoryEntry, history_entries
from cases.models import ServiceUser, User
from cases.validators import strip_control_characters
from deathreviews.access import can_work_reviews
from deathreviews.models import (
    OPEN_ACTION_STATUSES,
    SHARED_STATUSES,
    InformationRequest,
    JointReviewSection,
    LearningTheme,
    Review,
    ReviewAction,
    ReviewStatus,
    ToxicologyFinding,
)
from deathreviews.workflow import ReviewFacts
from partners.models import PartnerOrganisation
from partners.selectors import with_own_text

REMINDER_DAYS_AHEAD = 7


def reviews_visible_to(user: User) -> QuerySet[Review]:
    """Every review for clinical governance; none for anyone else."""
    if not can_work_reviews(user):
        return Review.objects.none()
    return Review.objects.all()


def review_get(user: User, external_id: uuid.UUID) -> Review:
    """The review with this external id, if `user` may see it; 404 otherwise."""
    review = (
        reviews_visible_to(user)
        .select_related(
            "service_user",
            "service_user__team",
            "team",
            "reviewer",
            "local_authority",
            "updated_by",
            "signed_off_by",
            "closed_by",
        )
        .filter(external_id=external_id)
        .first()
    )
    if review is None:
        raise Http404("No such review")
    return review


def with_list_columns(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """What a row of the review list shows, in the same single query for any page size."""
    today = timezone.localdate()
    open_actions = ReviewAction.objects.filter(
        review=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES
    )
    return reviews.select_related("service_user", "reviewer", "team").annotate(
        open_actions=Count(
            "actions", filter=Q(actions__status__in=OPEN_ACTION_STATUSES), distinct=True
        ),
        outstanding_requests=Count(
            "requests",
            filter=Q(requests__received_on__isnull=True, requests__closed_on__isnull=True),
            distinct=True,
        ),
        has_overdue_action=Exists(open_actions.filter(due_on__lt=today)),
    )


def review_list(
    user: User, *, status: str = "", kind: str = "", q: str = "", mine: bool = False
) -> QuerySet[Review]:
    reviews = reviews_visible_to(user)
    if status == "open":
        reviews = reviews.exclude(status=ReviewStatus.CLOSED)
    elif status:
        reviews = reviews.filter(status=status)
    if kind:
        reviews = reviews.filter(kind=kind)
    if mine:
        reviews = reviews.filter(reviewer=user)
    q = strip_control_characters(q).strip()
    if q:
        reviews = reviews.filter(
            Q(reference__iexact=q)
            | Q(person_name__icontains=q)
            | Q(service_user__last_name__istartswith=q)
            | Q(service_user__client_ref__iexact=q)
        )
    return with_list_columns(reviews).order_by("-occurred_on", "-id")


@dataclass
class ReviewParts:
    requests: list[InformationRequest]
    toxicology: list[ToxicologyFinding]
    actions: list[ReviewAction]
    joint_sections: list[JointReviewSection] = field(default_factory=list)


def review_parts(review: Review) -> ReviewParts:
    """A review's rows of its own, each kind in one query."""
    return ReviewParts(
        requests=list(review.requests.select_related("agency")),
        toxicology=list(review.toxicology.filter(entered_in_error=False)),
        actions=list(review.actions.select_related("owner")),
        joint_sections=list(review.joint_sections.select_related("organisation", "updated_by")),
    )


def identifying_terms(review: Review) -> list[Known]:
    """What would identify the person under review if the bulletin showed it."""
    known: list[Known] = [("the review's reference", review.reference)]
    if review.service_user is not None:
        known += person_details(review.service_user)
    known += [("their name", part) for part in review.person_name.split()]
    if review.nhs_number:
        known.append(("their NHS number", review.nhs_number))
    return known


def bulletin_findings(review: Review, text: str) -> list[Finding]:
    """What in `text`, written for the bulletin about `review`, would identify anyone."""
    return identifying_details(text, identifying_terms(review))


def review_facts(review: Review, parts: ReviewParts | None = None) -> ReviewFacts:
    """What the workflow's checks read about `review`."""
    parts = parts or review_parts(review)
    return ReviewFacts(
        review=review,
        outstanding_requests=[r.agency.name for r in parts.requests if r.is_outstanding],
        toxicology_findings=len(parts.toxicology),
        unresolved_actions=[a.description for a in parts.actions if a.is_open],
        action_texts=[a.description for a in parts.actions],
        identifying_terms=identifying_terms(review),
    )


# Actions -------------------------------------------------------------------


def actions_visible_to(user: User) -> QuerySet[ReviewAction]:
    return ReviewAction.objects.filter(review__in=reviews_visible_to(user).values("pk"))


def action_list(
    user: User, *, show: str = "overdue", on: datetime.date | None = None
) -> QuerySet[ReviewAction]:
    """Actions of the reviews `user` may see: "overdue" (the default), "open" or "all"."""
    day = on or timezone.localdate()
    actions = actions_visible_to(user).select_related("review", "owner")
    if show in ("overdue", "open"):
        actions = actions.filter(status__in=OPEN_ACTION_STATUSES)
    if show == "overdue":
        actions = actions.filter(due_on__lt=day)
    return actions.order_by("due_on", "id")


def actions_due_for_reminder(on: datetime.date) -> QuerySet[ReviewAction]:
    """Open actions due within the next week (or already overdue), of reviews still open,
    owned by active staff with an email address: what the daily reminder lists."""
    return (
        ReviewAction.objects.filter(
            status__in=OPEN_ACTION_STATUSES,
            due_on__lte=on + datetime.timedelta(days=REMINDER_DAYS_AHEAD),
            owner__is_active=True,
        )
        .exclude(owner__email="")
        .exclude(review__status=ReviewStatus.CLOSED)
        .select_related("review", "owner")
        .order_by("owner_id", "due_on", "id")
    )


def person_reviews(user: User, person: ServiceUser) -> QuerySet[Review]:
    """The reviews of one person that `user` may see (none for roles without access)."""
    return reviews_visible_to(user).filter(service_user=person).order_by("-occurred_on")


# The learning bulletin -----------------------------------------------------


def quarter_of(day: datetime.date) -> str:
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class BulletinEntry:
    """One signed-off review as the bulletin shows it: nothing that identifies the person."""

    kind: str
    quarter: str
    preventability: str
    learning: str
    themes: tuple[str, ...]
    actions: tuple[tuple[str, str], ...]  # (description, status)


# Every column the bulletin's check reads from the person's record (`cases.deidentify`).
_PERSON_DETAIL_COLUMNS = tuple(
    f"service_user__{name}"
    for name in (
        "first_name",
        "last_name",
        "preferred_name",
        "client_ref",
        "nhs_number",
        "phone",
        "postcode",
        "address",
    )
)


def _shared_reviews(reviews: QuerySet[Review]) -> QuerySet[Review]:
    """Signed-off and closed reviews with what the bulletin and its check read: two queries."""
    return (
        reviews.filter(status__in=SHARED_STATUSES)
        .select_related("service_user")
        .only(
            "id",
            "external_id",
            "reference",
            "version",
            "kind",
            "occurred_on",
            "preventability",
            "bulletin_learning",
            "bulletin_approved_at",
            "person_name",
            "nhs_number",
            "service_user_id",
            *_PERSON_DETAIL_COLUMNS,
        )
        .prefetch_related(
            Prefetch("themes", queryset=LearningTheme.objects.only("id", "name").order_by("name")),
            Prefetch(
                "actions",
                queryset=ReviewAction.objects.only(
                    "id",
                    "external_id",
                    "version",
                    "review_id",
                    "description",
                    "status",
                    "bulletin_approved_at",
                ).order_by("due_on", "id"),
            ),
        )
        .order_by("-occurred_on", "-id")
    )


def _may_show(review: Review, approved_at: datetime.datetime | None, text: str) -> bool:
    """Approved, and still passing the check: text stored or approved before the check
    grew, or changed around the services, never reaches the bulletin."""
    return approved_at is not None and bool(text.strip()) and not bulletin_findings(review, text)


def bulletin_entries(*, theme: int | None = None) -> list[BulletinEntry]:
    """The approved learning of every signed-off or closed review, newest quarter first.

    Three queries, whatever the number of reviews. A review appears once
    governance approved its learning to share, with the actions they approved;
    each text is checked again here. Only the fields named in the entry leave
    this function: no name, reference, date, place or team.
    """
    reviews = Review.objects.all()
    if theme:
        reviews = reviews.filter(themes__id=theme)
    entries = []
    for review in _shared_reviews(reviews):
        if not _may_show(review, review.bulletin_approved_at, review.bulletin_learning):
            continue
        entries.append(
            BulletinEntry(
                kind=review.get_kind_display(),
                quarter=quarter_of(review.occurred_on),
                preventability=review.get_preventability_display(),
                learning=review.bulletin_learning,
                themes=tuple(t.name for t in review.themes.all()),
                actions=tuple(
                    (a.description, a.get_status_display())
                    for a in review.actions.all()
                    if _may_show(review, a.bulletin_approved_at, a.description)
                ),
            )
        )
    return entries


@dataclass(frozen=True)
class PendingItem:
    """A text waiting for governance before the bulletin may show it."""

    kind: str  # "learning" or "action"
    review: Review
    item: Review | ReviewAction
    text: str
    findings: tuple[Finding, ...]

    @property
    def approved_before(self) -> bool:
        """Approved once, but the check now finds what identifies someone."""
        return self.item.bulletin_approved_at is not None


def bulletin_pending(user: User) -> list[PendingItem]:
    """The learning to share and action descriptions of signed-off reviews that the
    bulletin does not show yet: not approved, or approved but failing the check now.

    For the reviews `user` may see; three queries, whatever their number.
    """
    pending = []
    for review in _shared_reviews(reviews_visible_to(user)):
        texts: list[tuple[str, Review | ReviewAction, str]] = []
        if review.bulletin_learning.strip():
            texts.append(("learning", review, review.bulletin_learning))
        texts += [("action", action, action.description) for action in review.actions.all()]
        for kind, item, text in texts:
            if _may_show(review, item.bulletin_approved_at, text):
                continue
            pending.append(
                PendingItem(kind, review, item, text, tuple(bulletin_findings(review, text)))
            )
    return pending


def bulletin_themes() -> QuerySet[LearningTheme]:
    return (
        LearningTheme.objects.filter(
            reviews__status__in=SHARED_STATUSES, reviews__bulletin_approved_at__isnull=False
        )
        .annotate(reviews_count=Count("reviews", distinct=True))
        .order_by("-reviews_count", "name")
    )


# Partners' sections of joint reviews --------------------------------------------------


def joint_reviews_of(organisation: PartnerOrganisation) -> QuerySet[Review]:
    """The joint reviews `organisation` takes part in: one of the review's joint agencies is
    linked to it (an organisation has at most one agency, so no review comes twice)."""
    return Review.objects.filter(joint_review=True, joint_agencies__organisation=organisation)


def joint_reviews_with_own_section(
    organisation: PartnerOrganisation,
) -> list[tuple[Review, JointReviewSection | None]]:
    """The joint reviews `organisation` takes part in, newest first, each with its own
    section if written: two queries, however many reviews."""
    reviews = list(
        joint_reviews_of(organisation).select_related("service_user").order_by("-occurred_on", "id")
    )
    own = JointReviewSection.objects.filter(organisation=organisation)
    return with_own_text(reviews, own, about="review")


def joint_review_for_partner(
    organisation: PartnerOrganisation, external_id: uuid.UUID
) -> Review | None:
    """The joint review with this id if `organisation` takes part in it, else None."""
    return (
        joint_reviews_of(organisation)
        .select_related("service_user")
        .filter(external_id=external_id)
        .first()
    )


def joint_section_of(
    review: Review, organisation: PartnerOrganisation
) -> JointReviewSection | None:
    """The organisation's own section of the review, if it has written one."""
    return JointReviewSection.objects.filter(review=review, organisation=organisation).first()


def review_history(review: Review) -> list[HistoryEntry]:
    """Every change to `review` and its parts, newest first (`cases.history`). The
    review's parts are the review's: whoever may read it reads their history."""
    events = Events.objects.references(review).order_by("-pgh_created_at", "-pgh_id")
    return history_entries(events, within=Review)
