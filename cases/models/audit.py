"""Who looked and how they got in: the audit of reads, break-glass access, sign-in sessions
and second-factor attempts. The read audit and the attempts are append-only in the database."""

import datetime
import uuid

import pgtrigger
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cases.history import tracked
from cases.models.common import audit_link
from cases.models.organisation import Role, User
from cases.models.people import ServiceUser

# --- Sign-in bookkeeping ----------------------------------------------------------------


class SignedInSession(models.Model):
    """Which sessions belong to whom, so that deactivating a user can end every one of them.

    Django's session store keeps no index by user; a row is added at each sign-in
    and removed at sign-out or when the user's sessions are ended.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user} since {self.signed_in_at:%Y-%m-%d %H:%M}"


# --- Audit of reads, and break-glass access ---------------------------------


class AccessKind(models.TextChoices):
    RECORD = "record", "Person's record"
    # An NHS number looked up across the whole service, to add a person or give a record
    # a new number: the user is told nothing of the answer, but the look-up itself is a
    # use of the record.
    CHECK = "check", "NHS number check"
    REVIEW = "review", "Death review"
    LIST = "list", "List of people"
    EXPORT = "export", "Export"
    REPORT = "report", "Access report"


class AccessEvent(models.Model):
    """One read of health data: a record, a review, a list of people or an export.

    Written by `cases.audit.record_access` (one per response) and never changed:
    a database trigger refuses UPDATE and DELETE. API requests have their own
    store, `ApiRequestLog`. `service_user` is set when the read was about one
    person, so "who looked at this person" is one indexed query.
    """

    at = models.DateTimeField("when (UTC)", default=timezone.now)
    user = audit_link(User)
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices)
    kind = models.CharField(max_length=10, choices=AccessKind.choices)
    view = models.CharField(max_length=80, help_text="The page or export, by URL name.")
    service_user = audit_link(ServiceUser, verbose_name="person")
    object_ref = models.CharField(
        "what", max_length=120, blank=True, help_text="The record's reference."
    )
    query = models.JSONField(default=dict, blank=True, help_text="Search or filter given.")
    rows = models.PositiveIntegerField(null=True, blank=True)
    break_glass = models.BooleanField(
        default=False, help_text="Read under break-glass access outside the user's teams."
    )
    path = models.CharField(max_length=500)
    remote_addr = models.GenericIPAddressField("from address", null=True, blank=True)
    request_id = models.CharField(max_length=64)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["service_user", "-at"], name="access_event_person"),
            models.Index(fields=["user", "-at"], name="access_event_user"),
            models.Index(fields=["-at"], name="access_event_at"),
        ]
        triggers = [
            # Append-only, with one exception: a streamed export is recorded
            # when it starts and its row count filled in once, when it ends.
            pgtrigger.Trigger(
                name="append_only_but_count_export",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func="""
                IF TG_OP = 'UPDATE' AND OLD.kind = 'export' AND OLD.rows IS NULL
                   AND NEW.rows IS NOT NULL
                   AND to_jsonb(NEW) - 'rows' = to_jsonb(OLD) - 'rows'
                THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION 'cases_accessevent is append-only: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
                """,
            )
        ]

    def __str__(self) -> str:
        return f"{self.username} read {self.view} at {self.at:%Y-%m-%d %H:%M}"


BREAK_GLASS_HOURS = 12


@tracked()
class BreakGlassGrant(models.Model):
    """Time-limited access to one person outside a keyworker's teams, with the reason.

    Made by `cases.services.break_glass_grant_create`; while it runs, the person
    is visible to its user (`cases.selectors.service_users_visible_to`) and
    every read is audited as break-glass. Governance reviews each grant.
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="break_glass_grants")
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.CASCADE, related_name="+", verbose_name="person"
    )
    reason = models.TextField()
    starts_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [
            models.Index(fields=["user", "expires_at"], name="break_glass_active"),
            models.Index(
                fields=["-starts_at"],
                condition=Q(reviewed_at__isnull=True),
                name="break_glass_unreviewed",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("starts_at")), name="break_glass_expires_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.service_user_id} from {self.starts_at:%Y-%m-%d %H:%M}"

    def is_active(self, now: datetime.datetime | None = None) -> bool:
        moment = now or timezone.now()
        return self.starts_at <= moment < self.expires_at


class SecondFactorAttempt(models.Model):
    """One code given on the second-factor page, right or wrong, and where it came from.

    The second factor is throttled by session and by address from these rows
    (`web.signin.second_factor_refusal`), not on the authenticator app, so
    someone who knows only a user's password slows themselves down, not the user.
    Wrong codes from other sessions are shown to the user at their next sign-in and
    to governance ("Sign-in alerts"). Never changed: a trigger refuses UPDATE and DELETE.
    """

    at = models.DateTimeField("when (UTC)", default=timezone.now)
    user = audit_link(User)
    username = models.CharField(max_length=150)
    accepted = models.BooleanField()
    remote_addr = models.GenericIPAddressField("from address", null=True, blank=True)
    # A digest of the session key: it tells sessions apart without being one.
    session_digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "-at"], name="second_factor_user"),
            models.Index(fields=["session_digest", "-at"], name="second_factor_session"),
            models.Index(fields=["-at"], condition=Q(accepted=False), name="second_factor_wrong"),
        ]
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self) -> str:
        outcome = "right" if self.accepted else "wrong"
        return f"{self.username}: {outcome} code at {self.at:%Y-%m-%d %H:%M}"
