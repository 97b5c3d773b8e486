"""The commissioner API's own records: client organisations, their tokens, and the request log.

The tables were created when these models lived in `cases` and keep their names
(`cases_apiclient`, `cases_apitoken`, `cases_apirequestlog` and the client's
local-authority table): moving the code moved no data. Writes go through
`commissioning.services`.
"""

import datetime
import uuid

import pgtrigger
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from cases.models import LocalAuthority, Role, User, audit_link


class ApiClient(models.Model):
    """An organisation that pulls pseudonymised extracts (a commissioner, typically).

    Its people (commissioner users) reach the API with tokens issued to them.
    Pseudonyms are unique to the client when `own_pseudonyms` is on: the key is
    derived from the master key and the client's external id, so nothing secret
    is stored here.
    """

    external_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=120, unique=True)
    local_authorities = models.ManyToManyField(
        LocalAuthority,
        blank=True,
        related_name="+",
        db_table="cases_apiclient_local_authorities",
        help_text="Limit the client's extracts to people living in these local authorities. "
        "Leave empty for the whole service.",
    )
    own_pseudonyms = models.BooleanField(
        "pseudonyms of its own",
        default=True,
        help_text="Give this client pseudonyms no other client can match with its own.",
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="An inactive client's tokens stop working."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cases_apiclient"
        ordering = ["name"]
        verbose_name = "API client"

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A bearer token with which one commissioner of a client calls the API.

    The token itself is shown once, when it is created; the database keeps
    only its SHA-256 hash and a short prefix to recognise it by. It always
    expires, and can be revoked at any time.
    """

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        limit_choices_to={"role": Role.COMMISSIONER},
        help_text="The commissioner who uses it: requests are recorded as theirs.",
    )
    name = models.CharField(max_length=120, help_text="What it is for, e.g. “quarterly returns”.")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        db_table = "cases_apitoken"
        ordering = ["-created_at"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="api_token_expires_after_created"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())


class ApiRequestLog(models.Model):
    """One request to the API, recorded whatever its outcome.

    A CSV export is recorded when it starts and finished when its stream ends or
    is cut off, with the rows sent: `complete` says which. The user's name is
    kept as well as the link, so the record still says who after an account
    is removed.
    """

    # The log is append-only, so removing a client, token or account must not
    # touch it: the links are kept unconstrained (and the names beside them).
    client = audit_link(ApiClient)
    token = audit_link(ApiToken)
    user = audit_link(User)
    username = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField("when (UTC)", default=timezone.now, db_index=True)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    extract = models.CharField(
        max_length=60, blank=True, help_text="The extract or figure asked for."
    )
    query = models.JSONField(default=dict, blank=True, help_text="The query parameters given.")
    format = models.CharField(max_length=10, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)
    status = models.PositiveSmallIntegerField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    complete = models.BooleanField(
        default=True, help_text="False while a CSV is streaming, or when its stream was cut off."
    )

    request_id = models.CharField(max_length=64, blank=True)
    remote_addr = models.GenericIPAddressField("from address", null=True, blank=True)

    class Meta:
        db_table = "cases_apirequestlog"
        ordering = ["-at"]
        verbose_name = "API request"
        indexes = [models.Index(fields=["client", "-at"]), models.Index(fields=["user", "-at"])]
        triggers = [
            # Append-only, with one exception: a streamed CSV's row is completed
            # once, when its stream ends (rows sent, complete, duration), and
            # nothing else about it may change.
            pgtrigger.Trigger(
                name="append_only_but_finish_stream",
                when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func="""
                IF TG_OP = 'UPDATE' AND NOT OLD.complete AND OLD.duration_ms IS NULL
                   AND NEW.duration_ms IS NOT NULL
                   AND to_jsonb(NEW) - ARRAY['rows', 'complete', 'duration_ms']
                       = to_jsonb(OLD) - ARRAY['rows', 'complete', 'duration_ms']
                THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION 'cases_apirequestlog is append-only: % refused', TG_OP
                    USING ERRCODE = 'insufficient_privilege';
                """,
            )
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"
