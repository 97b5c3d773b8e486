"""What the case-record models share: today's date, the import reference field, the check
that a record's dates are not before the person's birth, and the link an audit row keeps."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cases import validators


def today() -> datetime.date:
    return timezone.localdate()


def source_ref_field() -> models.CharField:
    """The record's reference in the system it was imported from, matched on re-import."""
    return models.CharField(
        "source system reference",
        max_length=60,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="The record's reference in the system it was imported from.",
    )


class DatedFromBirth:
    """A record dated in a person's life: none of its `DATES_FROM_BIRTH` may be before the
    person's birth. Each such model's `clean()` calls `birth_errors`; a test holds every
    date of every model that belongs to a person to this list or to its stated exceptions.
    """

    DATES_FROM_BIRTH: tuple[str, ...] = ()

    def person_born(self) -> datetime.date | None:
        person = self.service_user if self.service_user_id else None  # type: ignore[attr-defined]
        return person.date_of_birth if person else None

    def birth_errors(self) -> dict[str, str]:
        born = self.person_born()
        errors: dict[str, str] = {}
        if born is None:
            return errors
        for name in self.DATES_FROM_BIRTH:
            value = getattr(self, name)
            if value is None:
                continue
            try:
                validators.validate_not_before_birth(value, born)
            except ValidationError as invalid:
                errors[name] = invalid.messages[0]
        return errors


def audit_link(model, **options) -> models.ForeignKey:
    """A link from an append-only audit row: never constrained, never cascaded or nulled."""
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        **options,
    )
