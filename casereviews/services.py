"""Writes of case reviews: keyword-only, atomic, one per thing a team lead or owner does."""

import datetime
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from casereviews import selectors
from casereviews.models import (
    CONTRIBUTION_FIELDS,
    ActionReminder,
    Meeting,
    MeetingOrganisation,
    MeetingStatus,
    PartnerAttendee,
    PartnerContribution,
    ReviewAction,
    ReviewedPerson,
    TeamReviewSetting,
)
from cases.models import ServiceUser, Team, User
from cases.reminders import remind_owners
from core.dates import due_in_words
from partners.models import PartnerOrganisation
from partners.selectors import may_share
from partners.services import own_text_write

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Partner:
    """A partner agency's representative at a meeting, as typed."""

    name: str
    organisation: str
    role: str = ""


@transaction.atomic
def meeting_schedule(
    *,
    team: Team,
    meets_on: datetime.date,
    meets_at: datetime.time,
    place: str,
    staff: Iterable[User],
    partners: Sequence[Partner],
    people: Iterable[ServiceUser],
    scheduled_by: User,
    organisations: Iterable[PartnerOrganisation] = (),
) -> Meeting:
    """A meeting of `team`'s case review with its attendees, the people to review and the
    partner organisations invited to contribute in Lantern."""
    meeting = Meeting.objects.create(
        team=team, meets_on=meets_on, meets_at=meets_at, place=place, scheduled_by=scheduled_by
    )
    meeting.staff.set(list(staff))
    PartnerAttendee.objects.bulk_create(
        PartnerAttendee(meeting=meeting, name=p.name, organisation=p.organisation, role=p.role)
        for p in partners
    )
    ReviewedPerson.objects.bulk_create(
        ReviewedPerson(meeting=meeting, service_user=person) for person in people
    )
    MeetingOrganisation.objects.bulk_create(
        MeetingOrganisation(meeting=meeting, organisation=organisation)
        for organisation in organisations
    )
    return meeting


@transaction.atomic
def meeting_people_set(
    *, meeting: Meeting, people: Iterable[ServiceUser], among: Iterable[ServiceUser]
) -> None:
    """Make `people` the ones `meeting` reviews, of those in `among` (the people the lead may
    see: others already listed stay). A person with decisions, actions or a partner's
    contribution recorded stays."""
    if meeting.is_held:
        raise ValidationError("This meeting has been held: its list of people is its record.")
    wanted = {person.pk for person in people}
    seen = {person.pk for person in among}
    current = meeting.reviewed.filter(service_user_id__in=seen)
    keep = current.exclude(decisions="", next_review_on__isnull=True).values_list(
        "service_user_id", flat=True
    )
    kept = set(keep) | set(
        current.filter(actions__isnull=False).values_list("service_user_id", flat=True)
    )
    kept |= set(
        current.filter(partner_contributions__isnull=False).values_list(
            "service_user_id", flat=True
        )
    )
    current.exclude(service_user_id__in=wanted | kept).delete()
    listed = set(meeting.reviewed.values_list("service_user_id", flat=True))
    ReviewedPerson.objects.bulk_create(
        ReviewedPerson(meeting=meeting, service_user_id=pk) for pk in sorted(wanted - listed)
    )


@transaction.atomic
def reviewed_record(
    *, reviewed: ReviewedPerson, decisions: str, next_review_on: datetime.date | None
) -> ReviewedPerson:
    """What the meeting decided for one person, and by when to review them again."""
    if next_review_on is not None and next_review_on <= reviewed.meeting.meets_on:
        raise ValidationError(
            {"next_review_on": "The next review comes after this meeting: choose a later date."}
        )
    reviewed.decisions = decisions
    reviewed.next_review_on = next_review_on
    reviewed.save(update_fields=["decisions", "next_review_on"])
    return reviewed


@transaction.atomic
def action_set(
    *,
    reviewed: ReviewedPerson,
    description: str,
    owner: User,
    due_on: datetime.date,
    partner_organisation: PartnerOrganisation | None = None,
) -> ReviewAction:
    if owner not in selectors.team_staff(reviewed.meeting.team):
        raise ValidationError({"owner": "Choose someone in the team."})
    if partner_organisation is not None:
        decision = may_share(reviewed.service_user, partner_organisation, on=timezone.localdate())
        if not decision.allowed:
            raise ValidationError(
                {
                    "partner_organisation": "Lantern will not share this person with it. "
                    + decision.why
                }
            )
    return ReviewAction.objects.create(
        reviewed=reviewed,
        description=description,
        owner=owner,
        due_on=due_on,
        partner_organisation=partner_organisation,
    )


@transaction.atomic
def action_done(*, action: ReviewAction, done_on: datetime.date) -> ReviewAction:
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "This date is in the future."})
    if done_on < timezone.localdate(action.created_at):
        raise ValidationError(
            {"done_on": f"The action was set on {action.created_at:%d/%m/%Y}: it was done after."}
        )
    action.done_on = done_on
    action.save(update_fields=["done_on"])
    return action


@transaction.atomic
def meeting_hold(*, meeting: Meeting) -> Meeting:
    """Mark the meeting held: from now on it and its list of people are never removed."""
    if meeting.is_held:
        return meeting
    if meeting.meets_on > timezone.localdate():
        raise ValidationError("A meeting is marked held on or after its date.")
    meeting.status = MeetingStatus.HELD
    meeting.held_at = timezone.now()
    meeting.save(update_fields=["status", "held_at"])
    return meeting


# Partners' contributions --------------------------------------------------------


HELD_INVITES_NO_ONE = "This meeting has been held: who contributed is its record."


@transaction.atomic
def meeting_organisations_invite(
    *, meeting: Meeting, organisations: Iterable[PartnerOrganisation]
) -> None:
    """Invite more partner organisations to contribute to a meeting not yet held (one
    already invited stays invited once)."""
    if meeting.is_held:
        raise ValidationError(HELD_INVITES_NO_ONE)
    invited = set(meeting.invited.values_list("organisation_id", flat=True))
    MeetingOrganisation.objects.bulk_create(
        MeetingOrganisation(meeting=meeting, organisation=organisation)
        for organisation in organisations
        if organisation.pk not in invited
    )


class ContributionConflict(Exception):
    """Someone else saved the contribution after the form was built from it."""


@transaction.atomic
def contribution_write(
    *,
    reviewed: ReviewedPerson,
    organisation: PartnerOrganisation,
    user: User,
    loaded_version: int,
    changes: dict[str, str],
) -> PartnerContribution:
    """Write `organisation`'s contribution about a person on a meeting it is invited to,
    through the one write of an organisation's own text (`partners.services.own_text_write`).

    `loaded_version` is the contribution's version the form was built from, 0 when there
    was none yet; someone saving in between raises `ContributionConflict`. The meeting's
    row is locked while writing, so two first writes cannot both create it, and a meeting
    being marked held waits for the write (or the write sees it held and is refused).
    """
    meeting = Meeting.objects.select_for_update().get(pk=reviewed.meeting_id)
    if not MeetingOrganisation.objects.filter(meeting=meeting, organisation=organisation).exists():
        raise ValidationError(f"{organisation} is not invited to this case review.")
    if meeting.is_held:
        raise ValidationError(
            "This meeting has been held: its contributions can no longer be changed."
        )
    decision = may_share(reviewed.service_user, organisation, on=timezone.localdate())
    if not decision.allowed:
        raise ValidationError(decision.why)
    return own_text_write(
        model=PartnerContribution,
        about={"reviewed": reviewed, "organisation": organisation},
        fields=CONTRIBUTION_FIELDS,
        noun="contribution",
        user=user,
        loaded_version=loaded_version,
        changes=changes,
        conflict=lambda _: ContributionConflict(),
    )


@transaction.atomic
def team_setting_set(*, team: Team, include_high: bool, changed_by: User) -> TeamReviewSetting:
    setting, _ = TeamReviewSetting.objects.update_or_create(
        team=team, defaults={"include_high": include_high, "changed_by": changed_by}
    )
    return setting


# Reminders -------------------------------------------------------------------


def _reminder_text(owner: User, actions: Sequence[ReviewAction], on: datetime.date) -> str:
    lines = [f"Hello {owner.display_name},", ""]
    lines.append("These case review actions you own are due within a week or overdue:")
    lines.append("")
    for action in actions:
        when = due_in_words(action.due_on, on)
        lines.append(
            f"- set at the case review of {action.reviewed.meeting.meets_on:%d/%m/%Y}: "
            f"due {action.due_on:%d/%m/%Y}, {when}"
        )
    lines += [
        "",
        f"See them in Lantern: {settings.LANTERN_SITE_URL}{reverse('case_review_my_actions')}",
        "",
        "This email names no one; the details are in Lantern.",
    ]
    return "\n".join(lines)


def action_reminders_send(*, on: datetime.date | None = None) -> int:
    """Email each owner one list of their case review actions due within 7 days or overdue.

    Idempotent per day like the death reviews' reminders: the reminder row (unique per
    owner and day) commits with the email, so a retry skips those already reminded.
    Returns the number of emails sent.
    """
    day = on or timezone.localdate()
    sent = remind_owners(
        selectors.actions_due_for_reminder(day),
        day=day,
        reminders=ActionReminder,
        subject=lambda n: f"Lantern: {n} case review action{'s' if n != 1 else ''} due or overdue",
        text=_reminder_text,
    )
    logger.info("Sent %s case review action reminders for %s", sent, day)
    return sent
