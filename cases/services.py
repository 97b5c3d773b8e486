"""Writes to case records. Each function is atomic, validates fully and does one thing.

After a change that can alter a person's risk, `record_changed` is sent once
the transaction commits, so upper layers (the risk engine) can react without
`cases` knowing about them.
"""

import datetime
from dataclasses import dataclass
from importlib import import_module
from typing import Any, TypeVar

import pghistory
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.dispatch import Signal
from django.utils import timezone

from cases import validators
from cases.access import can_audit, can_break_glass
from cases.models import (
    BREAK_GLASS_HOURS,
    BreakGlassGrant,
    Contact,
    Event,
    EventKind,
    EventStatus,
    InformationSource,
    Intervention,
    NaloxoneGiver,
    NaloxoneSupply,
    Reassignment,
    ServiceUser,
    SignedInSession,
    Team,
    TransferRequest,
    TransferStatus,
    TreatmentEpisode,
    User,
)
from cases.selectors import (
    caseload_size,
    leads_team,
    people_searchable_by,
    service_user_holding_nhs_number,
    team_keyworkers,
)
from cases.signals import overdose_recorded

# Sent after commit with `service_user_id` and `record` (the saved instance).
record_changed = Signal()


def _announce(record: Model, service_user_id: int) -> None:
    transaction.on_commit(
        lambda: record_changed.send(
            sender=type(record), service_user_id=service_user_id, record=record
        )
    )


_M = TypeVar("_M", bound=Model)


def _save(instance: _M) -> _M:
    instance.full_clean()
    instance.save()
    return instance


def next_client_ref() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('cases_client_ref_seq')")
        (number,) = cursor.fetchone()
    return f"LAN-{number:07d}"


@transaction.atomic
def service_user_create(**fields: Any) -> ServiceUser:
    if not fields.get("client_ref"):
        fields["client_ref"] = next_client_ref()
    return _save(ServiceUser(**fields))


def _lock_nhs_number(nhs_number: str) -> None:
    # Two claims of one NHS number at once (two people added, or a person added while a
    # record is edited): the second waits, then finds the first, rather than failing on
    # the unique constraint. Held until the transaction ends.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"nhs:{nhs_number}"])


@dataclass(frozen=True)
class NhsNumberClaim:
    """What `nhs_number_claim` found: the number is free for the record (`held` is None),
    or `held` outside the claimant's scope, and a lead of their team has been asked.
    The caller must tell the user the same in both cases."""

    nhs_number: str
    held: ServiceUser | None


@transaction.atomic
def nhs_number_claim(
    *,
    nhs_number: str,
    claimed_by: User,
    team: Team,
    keyworker: User | None,
    record: ServiceUser | None = None,
) -> NhsNumberClaim:
    """Resolve "this NHS number is wanted for `record`" (None: a person being added to
    `team`): the one place an NHS number is looked up across the whole service.

    Held by nobody else: free. Held by someone `claimed_by` may see: refused at the
    field, naming them. Held by someone outside their scope: a transfer request goes to
    a lead of the holder's team, naming `record` as the probable duplicate, and the claim
    says so; the caller writes nothing of the number then, and must not tell the user
    which of these happened. The number stays locked until the caller's transaction ends.
    """
    nhs_number = validators.normalise_nhs_number(nhs_number)
    _lock_nhs_number(nhs_number)
    held = service_user_holding_nhs_number(nhs_number)
    if held is None or (record is not None and held.pk == record.pk):
        return NhsNumberClaim(nhs_number=nhs_number, held=None)
    if people_searchable_by(claimed_by).filter(pk=held.pk).exists():
        then = (
            "open their record rather than adding them again."
            if record is None
            else "check the number, or open their record if this is the same person."
        )
        said = f"{held.display_name} ({held.client_ref}) already has this NHS number: {then}"
        raise ValidationError({"nhs_number": said})
    _transfer_request_create(
        service_user=held,
        to_team=team,
        to_keyworker=keyworker,
        requested_by=claimed_by,
        duplicate=record,
    )
    return NhsNumberClaim(nhs_number=nhs_number, held=held)


@dataclass(frozen=True)
class PersonAdded:
    """What `service_user_add` did: added `person`, or, when the NHS number was held
    outside the user's scope, nothing (`person` is None). `claim` is the NHS number's
    look-up (None when none was given); the caller tells the user the same whatever
    it found."""

    person: ServiceUser | None
    claim: NhsNumberClaim | None


@transaction.atomic
def service_user_add(*, added_by: User, **fields: Any) -> PersonAdded:
    """Add a person from "Add a person", unless their NHS number is already held
    (`nhs_number_claim`: refused when held by someone `added_by` may see; nothing added,
    and a transfer request to the holder's team lead, when held outside their scope)."""
    claim = None
    if fields.get("nhs_number"):
        claim = nhs_number_claim(
            nhs_number=fields["nhs_number"],
            claimed_by=added_by,
            team=fields["team"],
            keyworker=fields.get("keyworker"),
        )
        if claim.held is not None:
            return PersonAdded(person=None, claim=claim)
    with pghistory.context(user=added_by.pk):
        return PersonAdded(person=service_user_create(**fields), claim=claim)


def _transfer_request_create(
    *,
    service_user: ServiceUser,
    to_team: Team,
    to_keyworker: User | None,
    requested_by: User,
    duplicate: ServiceUser | None = None,
) -> TransferRequest:
    """Ask for `service_user` to move to `to_team`; a second ask while one waits is the
    same (told of `duplicate`, if the first was not)."""
    waiting = TransferRequest.objects.filter(
        service_user=service_user, to_team=to_team, status=TransferStatus.PENDING
    ).first()
    with pghistory.context(user=requested_by.pk):
        if waiting is not None:
            if duplicate is not None and waiting.duplicate_id is None:
                waiting.duplicate = duplicate
                _save(waiting)
            return waiting
        return _save(
            TransferRequest(
                service_user=service_user,
                from_team_id=service_user.team_id,
                to_team=to_team,
                to_keyworker=to_keyworker,
                requested_by=requested_by,
                duplicate=duplicate,
            )
        )


@transaction.atomic
def transfer_request_answer(
    *, transfer: TransferRequest, answered_by: User, accept: bool, note: str = ""
) -> TransferRequest:
    """Answer a transfer request as a lead of the team that holds the person.

    Accepted, the person moves to the requesting team and keyworker (or to the
    requester, if that keyworker has left the team), recorded as a `Reassignment`
    with `from_team`; declined, nothing moves. Either way the answer is kept.
    """
    transfer = TransferRequest.objects.select_for_update().get(pk=transfer.pk)
    if not leads_team(answered_by, transfer.from_team_id):
        raise PermissionDenied("Only a lead of the team that holds the person answers this.")
    if transfer.status != TransferStatus.PENDING:
        raise ValidationError("This transfer request has already been answered.")
    person = ServiceUser.objects.select_for_update().get(pk=transfer.service_user_id)
    with pghistory.context(user=answered_by.pk):
        if accept:
            if person.team_id != transfer.from_team_id:
                raise ValidationError(
                    "This person has moved team since the request was made: decline it."
                )
            to_team = transfer.to_team
            members = team_keyworkers(to_team)
            keyworker = next(
                (
                    candidate
                    for candidate in (transfer.to_keyworker, transfer.requested_by)
                    if candidate is not None and members.filter(pk=candidate.pk).exists()
                ),
                None,
            )
            if keyworker is None:
                raise ValidationError(
                    f"Nobody who asked is still a keyworker in the {to_team.name} team: decline it."
                )
            Reassignment.objects.create(
                service_user=person,
                team=to_team,
                from_team_id=transfer.from_team_id,
                from_keyworker_id=person.keyworker_id,
                to_keyworker=keyworker,
                reassigned_by=answered_by,
                # A transfer is a move like any other: the new keyworker reads why, and
                # whatever the answering lead wrote, as the handover.
                reason=f"Transfer from the {transfer.from_team.name} team accepted"
                + (
                    f": the same NHS number as {transfer.duplicate.client_ref}"
                    if transfer.duplicate is not None
                    else ""
                ),
                handover_note=note,
            )
            ServiceUser.objects.filter(pk=person.pk).update(
                team=to_team, keyworker=keyworker, updated_at=timezone.now()
            )
            _announce(person, person.pk)
        transfer.status = TransferStatus.ACCEPTED if accept else TransferStatus.DECLINED
        transfer.answered_by = answered_by
        transfer.answered_at = timezone.now()
        transfer.answer_note = (note or "").strip()
        return _save(transfer)


@dataclass(frozen=True)
class PersonUpdated:
    """What `service_user_update` did: saved `person`'s details; `claim` is the look-up of
    a new NHS number (None when the number did not change). When the number was held
    outside the user's scope the record keeps its old one; the caller tells the user the
    same whatever the claim found."""

    person: ServiceUser
    claim: NhsNumberClaim | None


@transaction.atomic
def service_user_update(
    *, service_user: ServiceUser, updated_by: User, **fields: Any
) -> PersonUpdated:
    """Change a person's details. A new NHS number is claimed through `nhs_number_claim`:
    refused at the field when someone `updated_by` may see holds it; when someone
    outside their scope holds it, the other changes are saved, the record keeps its old
    number and the holder's team lead is asked to resolve the duplicate."""
    claim = None
    # As stored: a model form has already put the new number on `service_user`.
    kept = (
        ServiceUser.objects.select_for_update()
        .values_list("nhs_number", flat=True)
        .get(pk=service_user.pk)
    )
    wanted = validators.normalise_nhs_number(fields.get("nhs_number", kept) or "")
    if wanted and wanted != kept:
        claim = nhs_number_claim(
            nhs_number=wanted,
            claimed_by=updated_by,
            team=fields.get("team", service_user.team),
            keyworker=fields.get("keyworker", service_user.keyworker),
            record=service_user,
        )
    for name, value in fields.items():
        setattr(service_user, name, value)
    if claim is not None and claim.held is not None:
        service_user.nhs_number = kept
    with pghistory.context(user=updated_by.pk):
        _save(service_user)
    _announce(service_user, service_user.pk)
    return PersonUpdated(person=service_user, claim=claim)


@transaction.atomic
def service_user_record_death(
    *, service_user: ServiceUser, date_of_death: datetime.date | None
) -> ServiceUser:
    """Record (or correct, or with None withdraw) the date a person died.

    Only this field is written, so a concurrent edit of their other details is
    not overwritten. The change is announced like any other, so the risk layer
    recomputes them at once: from the date of death they leave the population.
    """
    if date_of_death is not None:
        try:
            validators.validate_date_of_death(date_of_death, service_user.date_of_birth)
        except ValidationError as invalid:
            raise ValidationError({"date_of_death": invalid.messages}) from invalid
    service_user.date_of_death = date_of_death
    ServiceUser.objects.filter(pk=service_user.pk).update(
        date_of_death=date_of_death, updated_at=timezone.now()
    )
    _announce(service_user, service_user.pk)
    return service_user


@transaction.atomic
def service_user_reassign(
    *,
    service_user: ServiceUser,
    keyworker: User,
    reassigned_by: User,
    reason: str,
    handover_note: str,
    over_cap_confirmed: bool = False,
) -> Reassignment:
    """Give a person a new keyworker from their own team, keeping a record of the change
    with why they moved and a handover note, which the new keyworker reads on the record.

    Refuses a keyworker who is not a current member of the person's team, and one
    the person already has, and anyone but a current lead of the person's team. When the move takes the new keyworker over the team's
    `caseload_cap`, it needs `over_cap_confirmed`. The person's row is locked so two
    team leads moving the same person cannot both win on a stale keyworker.
    """
    reason, handover_note = reason.strip(), handover_note.strip()
    missing = {}
    if not reason:
        missing["reason"] = "Say why they are moving."
    if not handover_note:
        missing["handover_note"] = "Write a handover note for the new keyworker."
    if missing:
        raise ValidationError(missing)
    person = ServiceUser.objects.select_for_update().select_related("team").get(pk=service_user.pk)
    team = person.team
    if not leads_team(reassigned_by, team.pk):
        # Reaching a person (through break-glass, say) is not leading their team.
        raise PermissionDenied(f"Only a team lead of the {team.name} team reassigns its people.")
    if person.keyworker_id == keyworker.pk:
        raise ValidationError(
            {"keyworker": f"{keyworker.display_name} is already their keyworker."}
        )
    if not team_keyworkers(team).filter(pk=keyworker.pk).exists():
        raise ValidationError(
            {
                "keyworker": f"Choose a keyworker in the {team.name} team: {keyworker.display_name} is not in it."
            }
        )
    # Two team leads moving people to the same keyworker at once must not both pass
    # the cap check: the keyworker's row is the lock for their caseload's size.
    User.objects.select_for_update().filter(pk=keyworker.pk).first()
    size_after = caseload_size(keyworker, team) + 1
    over_cap = size_after > team.caseload_cap
    if over_cap and not over_cap_confirmed:
        raise ValidationError(
            {
                "over_cap_confirmed": (
                    f"This takes {keyworker.display_name} to {size_after} people, over the "
                    f"team's cap of {team.caseload_cap}. Tick the box to confirm, or choose "
                    "someone else."
                )
            }
        )
    reassignment = Reassignment.objects.create(
        service_user=person,
        team=team,
        from_keyworker_id=person.keyworker_id,
        to_keyworker=keyworker,
        reassigned_by=reassigned_by,
        over_cap=over_cap,
        reason=reason,
        handover_note=handover_note,
    )
    ServiceUser.objects.filter(pk=person.pk).update(keyworker=keyworker, updated_at=timezone.now())
    service_user.keyworker = keyworker
    return reassignment


@transaction.atomic
def episode_create(*, service_user: ServiceUser, **fields: Any) -> TreatmentEpisode:
    fields.setdefault("team", service_user.team)
    episode = _save(TreatmentEpisode(service_user=service_user, **fields))
    _announce(episode, service_user.pk)
    return episode


@transaction.atomic
def episode_update(*, episode: TreatmentEpisode, **fields: Any) -> TreatmentEpisode:
    for name, value in fields.items():
        setattr(episode, name, value)
    _save(episode)
    _announce(episode, episode.service_user_id)
    return episode


@transaction.atomic
def intervention_create(*, episode: TreatmentEpisode, **fields: Any) -> Intervention:
    intervention = _save(Intervention(episode=episode, **fields))
    _announce(intervention, episode.service_user_id)
    return intervention


@transaction.atomic
def event_create(*, service_user: ServiceUser, recorded_by: User | None, **fields: Any) -> Event:
    event = _save(Event(service_user=service_user, recorded_by=recorded_by, **fields))
    _announce(event, service_user.pk)
    if event.is_overdose and not event.is_expected:
        overdose_recorded.send(sender=Event, event=event)
    return event


@transaction.atomic
def event_confirm_happened(*, event: Event, occurred_on: datetime.date) -> Event:
    """An expected release or discharge has happened, on `occurred_on`: from now it is an
    event like any other, and the person's flags are recomputed with it."""
    event = (
        Event.objects.select_for_update(of=("self",))
        .select_related("service_user")
        .get(pk=event.pk)
    )
    if not event.is_expected:
        raise ValidationError("This event is already recorded as happened.")
    event.status = EventStatus.HAPPENED
    event.occurred_on = occurred_on
    _save(event)
    assert event.service_user_id is not None  # only a person's release or discharge is expected
    _announce(event, event.service_user_id)
    return event


@transaction.atomic
def contact_create(*, service_user: ServiceUser, staff: User | None, **fields: Any) -> Contact:
    contact = _save(Contact(service_user=service_user, staff=staff, **fields))
    _announce(contact, service_user.pk)
    return contact


@transaction.atomic
def naloxone_supply_create(
    *, service_user: ServiceUser, supplied_by: User | None, **fields: Any
) -> NaloxoneSupply:
    """A client's kit. A repeat because the last kit was used on them also records their
    overdose (on the date it was used, or of this supply), so the risk engine sees it and
    its follow-up opens; what nobody said (hospital, who gave it) is recorded as not known."""
    supply = _save(NaloxoneSupply(service_user=service_user, supplied_by=supplied_by, **fields))
    if supply.reports_overdose:
        event_create(
            service_user=service_user,
            recorded_by=supplied_by,
            kind=EventKind.NON_FATAL_OVERDOSE,
            occurred_on=supply.kit_used_on or supply.supplied_on,
            information_source=InformationSource.NALOXONE_KIT,
            naloxone_given_by=NaloxoneGiver.NOT_KNOWN,
            source_supply=supply,
        )
    _announce(supply, service_user.pk)
    return supply


@transaction.atomic
def naloxone_supply_to_non_client(
    *, team: Team, supplied_by: User, **fields: Any
) -> NaloxoneSupply:
    """A kit given to someone who is not a client (family, a friend, hostel staff, a peer):
    recorded by the supplying team, with no case record and nothing about who they are."""
    return _save(NaloxoneSupply(team=team, supplied_by=supplied_by, **fields))


def signed_in_session_record(*, user: User, session_key: str, at: datetime.datetime) -> None:
    """Remember that `session_key` is `user`'s, so `user_sessions_end` can find it."""
    SignedInSession.objects.update_or_create(
        session_key=session_key, defaults={"user": user, "signed_in_at": at}
    )


def signed_in_session_forget(*, session_key: str) -> None:
    SignedInSession.objects.filter(session_key=session_key).delete()


@transaction.atomic
def user_sessions_end(*, user: User) -> int:
    """Sign `user` out everywhere: delete each of their sessions from the session store.

    Returns how many sessions were ended. Called when a user is deactivated.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(
        SignedInSession.objects.select_for_update()
        .filter(user=user)
        .values_list("session_key", flat=True)
    )
    for key in keys:
        store().delete(key)
    SignedInSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


# --- Break-glass access -------------------------------------------------------

BREAK_GLASS_REASON_MIN_LENGTH = 20


@transaction.atomic
def break_glass_grant_create(
    *, user: User, service_user: ServiceUser, reason: str, now: datetime.datetime | None = None
) -> BreakGlassGrant:
    """Open `service_user`'s record to `user` for `BREAK_GLASS_HOURS`, for the reason given.

    For keyworkers and team leads reaching someone outside their teams
    (covering a duty shift). Every read under the grant is audited as
    break-glass, and governance reviews the grant (`break_glass_grant_review`).
    """
    if not can_break_glass(user):
        raise ValidationError("Your role does not use break-glass access.")
    reason = (reason or "").strip()
    if len(reason) < BREAK_GLASS_REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": f"Say why you need this record (at least "
                f"{BREAK_GLASS_REASON_MIN_LENGTH} characters): governance will review it."
            }
        )
    starts = now or timezone.now()
    with pghistory.context(user=user.pk):
        return _save(
            BreakGlassGrant(
                user=user,
                service_user=service_user,
                reason=reason,
                starts_at=starts,
                expires_at=starts + datetime.timedelta(hours=BREAK_GLASS_HOURS),
            )
        )


@transaction.atomic
def break_glass_grant_review(
    *, grant: BreakGlassGrant, reviewer: User, note: str
) -> BreakGlassGrant:
    """Mark a break-glass use reviewed by governance, with what they concluded."""
    if not can_audit(reviewer):
        raise ValidationError("Only clinical governance reviews break-glass access.")
    grant = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.reviewed_at is not None:
        raise ValidationError("This break-glass use has already been reviewed.")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"review_note": "Say what the review concluded."})
    grant.reviewed_at = timezone.now()
    grant.reviewed_by = reviewer
    grant.review_note = note
    with pghistory.context(user=reviewer.pk):
        return _save(grant)
