"""Reads of death reviews, always through `reviews_visible_to(user)`.

`reviews_visible_to` is the one rule: every list, page, form and export of
reviews starts from it, so for a role without access a review simply does not
exist (404). Lists are one query (plus a count when paginated) whatever their
length. The learning bulletin is the one read that does not start from it: it
returns anonymised entries only, never a review.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.models import User
from cases.validators import strip_control_characters
from deathreviews.access import can_work_reviews
from deathreviews.models import (
    OPEN_ACTION_STATUSES,
    SHARED_STATUSES,
    InformationRequest,
    LearningTheme,
    Review,
    ReviewAction,
    ReviewStatus,
    ToxicologyFinding,
)
from deathreviews.workflow import ReviewFacts

REMINDER_DAYS_AHEAD = 7


def reviews_visible_to(user: User) -> QuerySet[Review]:
    """Every review for clinical governance; none for anyone else."""
    if not can_work_reviews(user):
        return Review.objects.none()
    return Review.objects.all()


def review_get(user: User, external_id) -> Review:
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


def review_parts(review: Review) -> ReviewParts:
    """A review's rows of its own, each kind in one query."""
    return ReviewParts(
        requests=list(review.requests.select_related("agency")),
        toxicology=list(review.toxicology.filter(entered_in_error=False)),
        actions=list(review.actions.select_related("owner")),
    )


def identifying_terms(review: Review) -> list[tuple[str, str]]:
    """Words that would identify the person if the bulletin showed them."""
    terms: list[tuple[str, str]] = [("the review's reference", review.reference)]
    person = review.service_user
    if person is not None:
        names = {person.first_name, person.last_name, person.preferred_name}
        terms += [("their name", name) for name in sorted(n for n in names if n)]
        terms.append(("their client reference", person.client_ref))
        if person.nhs_number:
            terms.append(("their NHS number", person.nhs_number))
    for part in review.person_name.split():
        terms.append(("their name", part))
    if review.nhs_number:
        terms.append(("their NHS number", review.nhs_number))
    return terms


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


def action_list(user: User, *, show: str = "overdue", on: datetime.date | None = None):
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


def person_reviews(user: User, person) -> QuerySet[Review]:
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


def bulletin_entries(*, theme: int | None = None) -> list[BulletinEntry]:
    """The anonymised learning of every signed-off or closed review, newest quarter first.

    Three queries, whatever the number of reviews. Only the fields named here
    leave the database: no name, reference, date, place or team.
    """
    reviews = Review.objects.filter(status__in=SHARED_STATUSES)
    if theme:
        reviews = reviews.filter(themes__id=theme)
    reviews = (
        reviews.only("id", "kind", "occurred_on", "preventability", "bulletin_learning")
        .prefetch_related(
            Prefetch("themes", queryset=LearningTheme.objects.only("id", "name").order_by("name")),
            Prefetch(
                "actions",
                queryset=ReviewAction.objects.only(
                    "id", "review_id", "description", "status"
                ).order_by("due_on", "id"),
            ),
        )
        .order_by("-occurred_on", "-id")
    )
    return [
        BulletinEntry(
            kind=review.get_kind_display(),
            quarter=quarter_of(review.occurred_on),
            preventability=review.get_preventability_display(),
            learning=review.bulletin_learning,
            themes=tuple(t.name for t in review.themes.all()),
            actions=tuple((a.description, a.get_status_display()) for a in review.actions.all()),
        )
        for review in reviews
    ]


def bulletin_themes() -> QuerySet[LearningTheme]:
    return (
        LearningTheme.objects.filter(reviews__status__in=SHARED_STATUSES)
        .annotate(reviews_count=Count("reviews", distinct=True))
        .order_by("-reviews_count", "name")
    )
