"""What the death review pages share: finding a review for a read (404 outside the user's
reach, and the read recorded), the role check, and re-rendering a form after a refused save.

A save refused because someone else saved first (`EditConflict`) re-renders the
form with the user's own input kept, the version moved on to the one now saved,
and the values now saved beside each field that differs, so the user can merge
and save again.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BaseForm
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone

from cases.audit import record_access
from cases.models import AccessKind
from cases.wording import words
from deathreviews import selectors
from deathreviews.access import can_work_reviews
from deathreviews.models import Review


def review_for_read(request: HttpRequest, external_id) -> Review:
    """The review, if the user may see it (else 404), with the read recorded: every page
    of a review shows who it is about, so finding it is reading it."""
    review = selectors.review_get(request.user, external_id)
    record_access(
        request, kind=AccessKind.REVIEW, subject=review.service_user, object_ref=review.reference
    )
    return review


def require_review_role(request: HttpRequest) -> None:
    if not can_work_reviews(request.user):
        raise Http404("No such page")


def review_url_at(review: Review, anchor: str) -> str:
    return f"{reverse('review_detail', args=[review.external_id])}#{anchor}"


def add_errors(form: BaseForm, invalid: ValidationError) -> None:
    """Put a service's messages at their fields, and the rest above the form."""
    if not hasattr(invalid, "error_dict"):
        form.add_error(None, invalid)
        return
    for name, errors in invalid.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def conflict_form(
    request: HttpRequest, form_class, current: models.Model, submitted: dict, **form_kwargs
) -> tuple[BaseForm, dict[str, str]]:
    """The user's form again, now at the saved version, and the saved values that differ."""
    theirs: dict[str, str] = {}
    for name, mine in submitted.items():
        model_field = current._meta.get_field(name)
        saved = getattr(current, name)
        if model_field.many_to_many:
            saved_set, mine_set = set(saved.all()), set(mine)
            if saved_set != mine_set:
                theirs[name] = words(sorted(str(s) for s in saved_set), empty="none")
            continue
        if (saved or None) != (mine or None):
            theirs[name] = words(saved, model_field, empty="empty")
    # Bound after the comparison: validating the form writes its input onto `current`.
    data = request.POST.copy()
    data["loaded_version"] = str(current.version)
    form = form_class(data, instance=current, **form_kwargs)
    form.is_valid()
    who = current.updated_by.display_name if current.updated_by_id else "Someone"
    when = timezone.localtime(current.updated_at)
    form.add_error(
        None,
        f"{who} saved this at {when:%H:%M} on {when:%d/%m/%Y}, after you opened it. Nothing "
        "of yours has been saved yet: your changes are still in the form, and where what is "
        "now saved differs from yours it is shown beside the field. Check each one, then save "
        "again.",
    )
    return form, theirs


# Lists ------------------------------------------------------------------
