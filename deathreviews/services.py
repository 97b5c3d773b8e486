"""Writes to death reviews. Each function is atomic, validates fully, and names its user.

Every change is attributed: the services run inside `pghistory.context(user=…)`
so the history triggers record who made it, from a request, a task or a
command alike.

Concurrent edits are refused, never merged silently: a save names the
`loaded_version` its form was built from, and the row is updated with
`WHERE version = loaded_version`. When someone else saved in between, nothing
is written and `EditConflict` carries the row as it now is, so the page can
show who saved, when, and what they saved beside the user's own input.
"""

import datetime
import logging
from collections.abc import Iterable, Sequence
from typing import Any

import pghistory
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Model
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import ServiceUser, User
from cases.reminders import remind_owners
from core.dates import due_in_words
from deathreviews import selectors, snapshot, workflow
from deathreviews.access import can_approve_bulletin
from deathreviews.domains import (
    DOMAINS,
    FIELD_DOMAINS,
    JOINT_SECTION_EDITABLE_IN,
    PART_EDITABLE_IN,
)
from deathreviews.models import (
    DEATH_KINDS,
    JOINT_SECTION_FIELDS,
    OPEN_ACTION_STATUSES,
    SHARED_STATUSES,
    ActionReminder,
    ConcretePart,
    InformationRequest,
    JointReviewSection,
    Review,
    ReviewAction,
    ReviewAgency,
    ReviewPart,
    ReviewSnapshot,
    ReviewStatus,
    ReviewTheme,
)
from partners.models import PartnerOrganisation
from partners.selectors import may_share
from partners.services import own_text_write

logger = logging.getLogger(__name__)

REFERENCE_SEQUENCE = "deathreviews_reference_seq"


class EditConflict(Exception):
    """Someone saved the row after the form was loaded; `current` is the row as it now is."""

    def __init__(self, current: Model):
        super().__init__("This record was changed by someone else after you opened it.")
        self.current = current


class ReviewIncomplete(ValidationError):
    """A transition was refused; `missing` lists what the review still needs."""

    def __init__(self, missing: list[workflow.Missing]):
        super().__init__([item.message for item in missing])
        self.missing = missing


def _attributed(user: User) -> pghistory.context:
    return pghistory.context(user=user.pk)


def _next_reference() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [REFERENCE_SEQUENCE])
        (number,) = cursor.fetchone()
    return f"DR-{number:05d}"


def _record_death(review: Review, person: ServiceUser) -> None:
    """Keep the person's date of death in step with a review of their death."""
    try:
        case_services.service_user_record_death(
            service_user=person, date_of_death=review.occurred_on
        )
    except ValidationError as invalid:
        raise ValidationError({"occurred_on": invalid.message_dict["date_of_death"]}) from invalid


def _prefill(review: Review, data: dict) -> list[str]:
    """Fill the review's empty fields from the snapshot; the names of those filled."""
    filled = []
    for name, value in snapshot.prefill_from_snapshot(data).items():
        if value in (None, ""):
            continue
        if getattr(review, name) in (None, ""):
            setattr(review, name, value)
            filled.append(name)
    return filled


def _store_snapshot(review: Review, person: ServiceUser, user: User, data: dict) -> ReviewSnapshot:
    return ReviewSnapshot.objects.create(
        review=review,
        service_user=person,
        as_of=review.occurred_on,
        taken_at=timezone.now(),
        taken_by=user,
        data=data,
    )


@transaction.atomic
def review_notify(
    *,
    user: User,
    kind: str,
    occurred_on: datetime.date,
    notification_source: str,
    service_user: ServiceUser | None = None,
    **fields: Any,
) -> Review:
    """File a review. For a known person, freeze what Lantern knows and fill the record
    from it; for a death, record the date of death on their record too."""
    with _attributed(user):
        review = Review(
            kind=kind,
            occurred_on=occurred_on,
            notification_source=notification_source,
            service_user=service_user,
            created_by=user,
            updated_by=user,
            updated_at=timezone.now(),
            **fields,
        )
        if service_user is not None:
            review.team_id = service_user.team_id
        review.full_clean(exclude=["reference", "created_by", "updated_by"])
        if (
            service_user is not None
            and kind in DEATH_KINDS
            and Review.objects.filter(service_user=service_user, kind__in=DEATH_KINDS).exists()
        ):
            raise ValidationError({"service_user": "This person's death is already under review."})
        review.reference = _next_reference()
        data = None
        if service_user is not None:
            if kind in DEATH_KINDS:
                _record_death(review, service_user)
            data = snapshot.snapshot_data(service_user, occurred_on)
            _prefill(review, data)
        review.save()
        if service_user is not None and data is not None:
            _store_snapshot(review, service_user, user, data)
        return review


@transaction.atomic
def review_link_person(
    *, review: Review, user: User, service_user: ServiceUser, loaded_version: int
) -> Review:
    """Link a review of someone first thought unknown to their record, then snapshot it."""
    with _attributed(user):
        current = Review.objects.select_for_update().get(pk=review.pk)
        if current.version != loaded_version:
            raise EditConflict(current)
        if current.service_user_id is not None:
            raise ValidationError({"service_user": "This review is already linked to a record."})
        if current.status in (ReviewStatus.SIGNED_OFF, ReviewStatus.CLOSED):
            raise ValidationError("A signed-off review can no longer be linked to a record.")
        current.service_user = service_user
        current.team_id = service_user.team_id
        if current.kind in DEATH_KINDS:
            _record_death(current, service_user)
        data = snapshot.snapshot_data(service_user, current.occurred_on)
        _store_snapshot(current, service_user, user, data)
        filled = _prefill(current, data)
        Review.objects.filter(pk=current.pk).update(
            service_user=service_user,
            team_id=service_user.team_id,
            **{name: getattr(current, name) for name in filled},
            version=F("version") + 1,
            updated_by=user,
            updated_at=timezone.now(),
        )
        current.refresh_from_db()
        return current


def _check_editable(status: str, fields: Iterable[str]) -> None:
    for name in fields:
        domain = DOMAINS[FIELD_DOMAINS[name]]
        if status not in domain.editable_in:
            raise ValidationError(
                f"“{domain.title}” can no longer be changed: the review is "
                f"{ReviewStatus(status).label.lower()}."
            )


def _bulletin_check(review: Review) -> None:
    found = selectors.bulletin_findings(review, review.bulletin_learning)
    if found:
        raise ValidationError({"bulletin_learning": workflow.identifying_message(found)})


def _set_many(
    review: Review,
    through: type[Model],
    column: str,
    chosen: Iterable[Model],
) -> None:
    """Make the review's rows in `through` (one per chosen item) exactly the chosen ones."""
    rows = through._default_manager
    wanted = {item.pk for item in chosen}
    have = set(rows.filter(review=review).values_list(f"{column}_id", flat=True))
    rows.filter(review=review, **{f"{column}_id__in": have - wanted}).delete()
    rows.bulk_create(through(review=review, **{f"{column}_id": pk}) for pk in sorted(wanted - have))


def _columns(instance: Model, names: Iterable[str]) -> dict[str, Any]:
    """Each named field's column (`agency_id` for `agency`) and value, for an UPDATE."""
    fields = {field.name: field for field in instance._meta.concrete_fields}
    return {fields[name].attname: getattr(instance, name) for name in names}


# Fields holding many-to-many choices, saved after the row itself, with their through rows.
MANY_THROUGH = {"themes": (ReviewTheme, "theme"), "joint_agencies": (ReviewAgency, "agency")}


@transaction.atomic
def review_update(
    *, review: Review, user: User, loaded_version: int, changes: dict[str, Any]
) -> Review:
    """Save changes to a review's domains, unless someone saved since `loaded_version`."""
    changes = dict(changes)
    with _attributed(user):
        current = Review.objects.select_related("service_user").get(pk=review.pk)
        if current.version != loaded_version:
            raise EditConflict(current)
        unknown = set(changes) - set(FIELD_DOMAINS)
        if unknown:
            raise ValueError(f"Not review fields: {sorted(unknown)}")
        _check_editable(current.status, changes)
        many = {name: changes.pop(name) for name in list(changes) if name in MANY_THROUGH}
        before = (current.kind, current.occurred_on)
        learning_before = current.bulletin_learning
        for name, value in changes.items():
            setattr(current, name, value)
        current.full_clean(exclude=["reference", "created_by", "updated_by", "service_user"])
        if "bulletin_learning" in changes:
            # Only when it changes: text stored before the check grew stays off the bulletin
            # until approved, and must not stop the rest of the review being completed.
            _bulletin_check(current)
        columns = _columns(current, changes)
        if current.bulletin_learning != learning_before:
            # Approval was of the words approved: changed words wait for governance again.
            columns.update(bulletin_approved_by=None, bulletin_approved_at=None)
        updated = Review.objects.filter(pk=current.pk, version=loaded_version).update(
            **columns, version=F("version") + 1, updated_by=user, updated_at=timezone.now()
        )
        if not updated:
            raise EditConflict(Review.objects.get(pk=current.pk))
        for name, chosen in many.items():
            through, column = MANY_THROUGH[name]
            _set_many(current, through, column, chosen)
        person = current.service_user  # selected with the review: no query
        if person is not None and (current.kind, current.occurred_on) != before:
            if current.kind in DEATH_KINDS:
                _record_death(current, person)
            elif person.date_of_death == before[1]:
                # No longer a death: withdraw the date this review put on their record.
                case_services.service_user_record_death(service_user=person, date_of_death=None)
        current.refresh_from_db()
        return current


@transaction.atomic
def review_transition(*, review: Review, user: User, name: str, loaded_version: int) -> Review:
    """Move the review along its workflow, if it has everything the step needs.

    Raises `ReviewIncomplete` listing what is missing, or `EditConflict` when
    the review changed since the page offering the step was loaded.
    """
    transition = workflow.TRANSITIONS[name]
    with _attributed(user):
        current = (
            Review.objects.select_for_update(of=("self",))
            .select_related("service_user")
            .get(pk=review.pk)
        )
        if current.version != loaded_version:
            raise EditConflict(current)
        missing = workflow.missing_for(transition, selectors.review_facts(current))
        if missing:
            raise ReviewIncomplete(missing)
        now = timezone.now()
        stamps: dict[str, Any] = {}
        if transition.target == ReviewStatus.SIGNED_OFF:
            stamps = {"signed_off_by": user, "signed_off_at": now}
        elif transition.target == ReviewStatus.CLOSED:
            stamps = {"closed_by": user, "closed_at": now}
        Review.objects.filter(pk=current.pk, version=loaded_version).update(
            status=transition.target,
            **stamps,
            version=F("version") + 1,
            updated_by=user,
            updated_at=now,
        )
        current.refresh_from_db()
        return current


# The review's parts ----------------------------------------------------------


def _check_part_editable(model: type[ReviewPart], review: Review) -> None:
    if review.status not in PART_EDITABLE_IN[model.part_kind]:
        raise ValidationError(
            f"This review is {ReviewStatus(review.status).label.lower()}: its "
            f"{model._meta.verbose_name_plural} can no longer be changed."
        )


def _action_rules(action: ReviewAction, review: Review, *, description_before: str = "") -> None:
    """Stamp completion, and keep the bulletin free of identifying detail.

    The description is checked when it is written or changed, so an action
    stored before the check grew can still be worked to closure.
    """
    if action.status in OPEN_ACTION_STATUSES:
        action.completed_on = None
    elif action.completed_on is None:
        action.completed_on = timezone.localdate()
    if action.description == description_before:
        return
    found = selectors.bulletin_findings(review, action.description)
    if found:
        raise ValidationError({"description": workflow.identifying_message(found)})


def _sharing_rules(part: ConcretePart, review: Review, *, before: int | None = None) -> None:
    """Refuse to address a request or an action to a partner organisation in Lantern when
    the person's details may not be shared with it today (`partners.selectors.may_share`).

    Checked when the partner is first named or changed, so a request already sent can still
    be worked to closure after a consent is withdrawn.
    """
    named: int | None
    if isinstance(part, InformationRequest):
        field, organisation = "agency", part.agency.organisation if part.agency_id else None
        named = part.agency_id
    elif isinstance(part, ReviewAction):
        field, organisation = "partner_organisation", part.partner_organisation
        named = part.partner_organisation_id
    else:
        return
    if organisation is None or review.service_user is None or named == before:
        return
    decision = may_share(review.service_user, organisation, on=timezone.localdate())
    if not decision.allowed:
        raise ValidationError(
            {field: f"Lantern will not share this person with it. {decision.why}"}
        )


@transaction.atomic
def part_create(
    *, model: type[ConcretePart], review: Review, user: User, fields: dict[str, Any]
) -> ConcretePart:
    """Add a toxicology finding, an information request or an action to a review."""
    with _attributed(user):
        review = Review.objects.select_related("service_user").get(pk=review.pk)
        _check_part_editable(model, review)
        part = model(review=review, created_by=user, updated_by=user, updated_at=timezone.now())
        for name, value in fields.items():
            setattr(part, name, value)
        if isinstance(part, ReviewAction):
            _action_rules(part, review)
        _sharing_rules(part, review)
        part.full_clean(exclude=["created_by", "updated_by"])
        part.save()
        return part


@transaction.atomic
def part_update(
    *, part: ConcretePart, user: User, loaded_version: int, changes: dict[str, Any]
) -> ConcretePart:
    """Change one part of a review, unless someone saved it since `loaded_version`."""
    model = type(part)
    with _attributed(user):
        current = model.objects.select_related("review", "review__service_user").get(pk=part.pk)
        if current.version != loaded_version:
            raise EditConflict(current)
        _check_part_editable(model, current.review)
        description_before = getattr(current, "description", "")
        partner_before = getattr(current, "agency_id", None) or getattr(
            current, "partner_organisation_id", None
        )
        for name, value in changes.items():
            setattr(current, name, value)
        if isinstance(current, ReviewAction):
            _action_rules(current, current.review, description_before=description_before)
            changes = {**changes, "completed_on": current.completed_on}
            if current.description != description_before:
                # A changed description waits for governance's approval again.
                current.bulletin_approved_by = None
                current.bulletin_approved_at = None
                changes.update(bulletin_approved_by=None, bulletin_approved_at=None)
        _sharing_rules(current, current.review, before=partner_before)
        current.full_clean(exclude=["created_by", "updated_by"])
        columns = _columns(current, changes)
        updated = model.objects.filter(pk=current.pk, version=loaded_version).update(
            **columns, version=F("version") + 1, updated_by=user, updated_at=timezone.now()
        )
        if not updated:
            raise EditConflict(model.objects.get(pk=current.pk))
        current.refresh_from_db()
        return current


@transaction.atomic
def joint_section_write(
    *,
    review: Review,
    organisation: PartnerOrganisation,
    user: User,
    loaded_version: int,
    changes: dict[str, str],
) -> JointReviewSection:
    """Write `organisation`'s own section of a joint review it takes part in, through the
    one write of an organisation's own text (`partners.services.own_text_write`).

    `loaded_version` is the section's version the form was built from, 0 when it had none
    yet; someone saving in between raises `EditConflict`. The review's row is locked
    while writing, so two first writes of the same section cannot both create it.
    """
    with _attributed(user):
        review = Review.objects.select_for_update().get(pk=review.pk)
        if not selectors.joint_reviews_of(organisation).filter(pk=review.pk).exists():
            raise ValidationError(f"{organisation} is not part of this joint review.")
        if review.status not in JOINT_SECTION_EDITABLE_IN:
            raise ValidationError(
                f"This review is {ReviewStatus(review.status).label.lower()}: its joint review "
                "sections can no longer be changed."
            )
        return own_text_write(
            model=JointReviewSection,
            about={"review": review, "organisation": organisation},
            fields=JOINT_SECTION_FIELDS,
            noun="section",
            user=user,
            loaded_version=loaded_version,
            changes=changes,
            conflict=lambda section: EditConflict(section or review),
        )


# Approval for the bulletin ------------------------------------------------------


def _bulletin_field(item: Review | ReviewAction) -> str:
    return "bulletin_learning" if isinstance(item, Review) else "description"


@transaction.atomic
def bulletin_item_approve(
    *, item: Review | ReviewAction, user: User, text: str, loaded_version: int
) -> Review | ReviewAction:
    """Approve a review's learning to share, or one action's description, for the bulletin.

    Only clinical governance approves. `text` is what they approve: the words
    as written, or amended to take out what identifies anyone. The
    de-identification check runs again on it, and who approved it and when
    are stamped on the row (and so kept in its history). Raises
    `PermissionDenied`, `EditConflict`, or `ValidationError` at "text".
    """
    if not can_approve_bulletin(user):
        raise PermissionDenied("Only clinical governance approves what the bulletin shows.")
    model = type(item)
    with _attributed(user):
        current = model.objects.select_for_update().get(pk=item.pk)
        if current.version != loaded_version:
            raise EditConflict(current)
        review = Review.objects.select_related("service_user").get(
            pk=current.pk if isinstance(current, Review) else current.review_id
        )
        if review.status not in SHARED_STATUSES:
            raise ValidationError("Only the learning of a signed-off review goes on the bulletin.")
        text = text.strip()
        if not text:
            raise ValidationError({"text": "Write the words the bulletin should show."})
        found = selectors.bulletin_findings(review, text)
        if found:
            raise ValidationError({"text": workflow.identifying_message(found)})
        now = timezone.now()
        model.objects.filter(pk=current.pk).update(
            **{_bulletin_field(current): text},
            bulletin_approved_by=user,
            bulletin_approved_at=now,
            version=F("version") + 1,
            updated_by=user,
            updated_at=now,
        )
        current.refresh_from_db()
        return current


# Reminders -------------------------------------------------------------------


def _reminder_text(owner: User, actions: Sequence[ReviewAction], on: datetime.date) -> str:
    lines = [f"Hello {owner.display_name},", ""]
    lines.append("These death review actions you own are due within a week or overdue:")
    lines.append("")
    for action in actions:
        when = due_in_words(action.due_on, on)
        lines.append(
            f"- {action.review.reference}: {action.description.strip()[:200]} "
            f"(due {action.due_on:%d/%m/%Y}, {when})"
        )
    lines += [
        "",
        f"Update them in Lantern: {settings.LANTERN_SITE_URL}{reverse('review_actions')}?show=open",
        "",
        "This email names no one under review; the details are in Lantern.",
    ]
    return "\n".join(lines)


def action_reminders_send(*, on: datetime.date | None = None) -> int:
    """Email each owner one list of their actions due within 7 days or overdue.

    Idempotent per day: a reminder row (unique per owner and day) is written in
    the same transaction as the email is sent, so a retry on the same day skips
    those already reminded, and a failed send leaves no row behind to block the
    retry. Returns the number of emails sent.
    """
    day = on or timezone.localdate()
    sent = remind_owners(
        selectors.actions_due_for_reminder(day),
        day=day,
        reminders=ActionReminder,
        subject=lambda n: f"Lantern: {n} review action{'s' if n != 1 else ''} due or overdue",
        text=_reminder_text,
    )
    logger.info("Sent %s review action reminders for %s", sent, day)
    return sent
