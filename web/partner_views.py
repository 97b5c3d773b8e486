"""The pages a partner organisation's staff see, and nothing else (`docs/partners.md`).

A partner signs in like staff (password and second factor) and reaches only these pages
(`web.signin.SecondFactorRequiredMiddleware` answers 404 for every other page): the
information requests a death review sent to their organisation, which they answer here, and
the case review and death review actions assigned to their organisation, whose progress they
mark, their organisation's own section of each joint review it takes part in (never
another organisation's section, nor the rest of the review), and its contribution about each
person on a case review meeting it is invited to (never another organisation's, nor the
rest of the meeting). A person's details are shown
only where `partners.selectors.may_share` allows it that day; otherwise the page says why. Every page records its read with `cases.audit`.
"""

import datetime
from collections.abc import Callable
from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F, Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from casereviews import selectors as case_review_selectors
from casereviews import services as case_review_services
from casereviews.models import CONTRIBUTION_FIELDS, PartnerContribution
from casereviews.models import ReviewAction as CaseReviewAction
from cases.audit import record_access
from cases.forms import CheckedInputForm
from cases.models import AccessKind, Role, ServiceUser, today
from deathreviews import selectors as review_selectors
from deathreviews import services as review_services
from deathreviews.domains import JOINT_SECTION_EDITABLE_IN
from deathreviews.models import (
    JOINT_SECTION_FIELDS,
    ActionStatus,
    InformationRequest,
    JointReviewSection,
)
from deathreviews.models import ReviewAction as DeathReviewAction
from deathreviews.services import EditConflict
from partners.models import PartnerAccess, PartnerOrganisation
from partners.selectors import Decision, may_share, partner_access_of

NO_PERSON = Decision(True, "No person is named on this record.")


def partner_access(request: HttpRequest) -> PartnerAccess:
    """The signed-in partner's access in force today; 404 for anyone else."""
    user = request.user
    access = None
    if user.is_authenticated and user.role == Role.PARTNER:
        access = partner_access_of(user, on=today())
    if access is None:
        raise Http404("No such page")
    return access


def sharing(
    person: ServiceUser | None, organisation: PartnerOrganisation, on: datetime.date
) -> Decision:
    return NO_PERSON if person is None else may_share(person, organisation, on=on)


class AnswerForm(CheckedInputForm, forms.Form):
    answer = forms.CharField(
        label="Your answer",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write your answer to the request."},
    )
    attachments = forms.CharField(
        label="Attachments (as text)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Paste the text of any document you would have attached.",
    )
    loaded_version = forms.IntegerField(widget=forms.HiddenInput)


class ProgressForm(CheckedInputForm, forms.Form):
    status = forms.ChoiceField(
        label="Progress",
        choices=[(ActionStatus.IN_PROGRESS, "In progress"), (ActionStatus.DONE, "Done")],
        error_messages={"required": "Choose how far the action has got."},
    )


class DoneForm(CheckedInputForm, forms.Form):
    done = forms.BooleanField(
        label="This action is done",
        error_messages={"required": "Tick the box to mark the action done."},
    )


class OwnTextForm(CheckedInputForm, forms.ModelForm):
    """An organisation's own text about a record, with the version the page was built from."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput)


class JointSectionForm(OwnTextForm):
    class Meta:
        model = JointReviewSection
        fields = JOINT_SECTION_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in JOINT_SECTION_FIELDS}
        labels = {
            "knew": "What your agency knew",
            "did": "What your agency did",
            "findings": "Your agency's findings",
            "learning": "Your agency's learning",
        }
        help_texts = {"knew": "Your contact with the person, and what you knew of their risk."}


class ContributionForm(OwnTextForm):
    class Meta:
        model = PartnerContribution
        fields = CONTRIBUTION_FIELDS
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in CONTRIBUTION_FIELDS}
        labels = {
            "knows": "What your agency knows",
            "doing": "What your agency is doing about it",
        }
        help_texts = {"knows": "Your contact with the person, and what you know of their risk."}


def _still_to_do_first(*finished: str) -> tuple:
    """An ordering putting what is still to do (no date in any of the `finished` columns)
    first, soonest due first. Ascending, PostgreSQL sorts NULL last: it is said here."""
    return (*(F(name).asc(nulls_first=True) for name in finished), "due_on", "id")


@login_required
def partner_home(request: HttpRequest) -> HttpResponse:
    organisation = partner_access(request).organisation
    on = today()
    requests = list(
        InformationRequest.objects.filter(agency__organisation=organisation)
        .select_related("review__service_user", "agency")
        .order_by(*_still_to_do_first("received_on", "closed_on"))
    )
    review_actions = list(
        DeathReviewAction.objects.filter(partner_organisation=organisation)
        .select_related("review__service_user")
        .order_by(*_still_to_do_first("completed_on"))
    )
    case_actions = list(
        CaseReviewAction.objects.filter(partner_organisation=organisation)
        .select_related("reviewed__service_user")
        .order_by(*_still_to_do_first("done_on"))
    )
    joint_reviews = review_selectors.joint_reviews_with_own_section(organisation)
    case_reviews = case_review_selectors.reviewed_with_own_contribution(organisation)
    decided: dict[int | None, Decision] = {}

    def rows(items, person_of):
        for item in items:
            person = person_of(item)
            key = None if person is None else person.pk
            if key not in decided:
                decided[key] = sharing(person, organisation, on)
            yield item, person, decided[key]

    context = {
        "organisation": organisation,
        "requests": list(rows(requests, lambda r: r.review.service_user)),
        "review_actions": list(rows(review_actions, lambda a: a.review.service_user)),
        "case_actions": list(rows(case_actions, lambda a: a.reviewed.service_user)),
        "joint_reviews": list(rows(joint_reviews, lambda pair: pair[0].service_user)),
        "case_reviews": list(rows(case_reviews, lambda pair: pair[0].service_user)),
    }
    shown = sum(decision.allowed and key is not None for key, decision in decided.items())
    record_access(request, kind=AccessKind.LIST, query={"partner": organisation.pk}, rows=shown)
    return render(request, "partners/partner_home.html", context)


def _refused(request: HttpRequest, decision: Decision, title: str) -> HttpResponse:
    return render(
        request, "partners/partner_refused.html", {"why": decision.why, "title": title}, status=403
    )


@login_required
def partner_request(request: HttpRequest, request_id) -> HttpResponse:
    organisation = partner_access(request).organisation
    part = (
        InformationRequest.objects.select_related("review__service_user", "agency")
        .filter(external_id=request_id, agency__organisation=organisation)
        .first()
    )
    if part is None:
        raise Http404("No such request")
    person = part.review.service_user
    decision = sharing(person, organisation, today())
    record_access(request, kind=AccessKind.REVIEW, subject=person, object_ref=str(request_id))
    if not decision.allowed:
        return _refused(request, decision, "Request for information")
    posted = request.method == "POST"
    form = AnswerForm(request.POST if posted else None, initial={"loaded_version": part.version})
    if posted and not part.is_outstanding:
        form.add_error(None, "This request has already been answered or closed.")
    elif posted and form.is_valid():
        text = form.cleaned_data["answer"].strip()
        if form.cleaned_data["attachments"].strip():
            text += "\n\nAttachments:\n" + form.cleaned_data["attachments"].strip()
        try:
            review_services.part_update(
                part=part,
                user=request.user,
                loaded_version=form.cleaned_data["loaded_version"],
                changes={"received_on": today(), "response_summary": text},
            )
        except (ValidationError, EditConflict) as refused:
            form.add_error(None, str(getattr(refused, "message", refused)))
        else:
            messages.success(request, "Thank you: your answer has been sent.")
            return redirect("partner_home")
    return render(
        request,
        "partners/partner_request.html",
        {"part": part, "person": person, "decision": decision, "form": form},
        status=400 if posted else 200,
    )


def _action_page(request, *, action, person, organisation, form, save, kind: str):
    decision = sharing(person, organisation, today())
    record_access(
        request, kind=AccessKind.REVIEW, subject=person, object_ref=str(action.external_id)
    )
    if not decision.allowed:
        return _refused(request, decision, "Action")
    posted = request.method == "POST"
    if posted and form.is_valid():
        try:
            save(form.cleaned_data)
        except (ValidationError, EditConflict) as refused:
            form.add_error(None, str(getattr(refused, "message", refused)))
        else:
            messages.success(request, "Progress recorded.")
            return redirect("partner_home")
    return render(
        request,
        "partners/partner_action.html",
        {"action": action, "person": person, "decision": decision, "form": form, "kind": kind},
        status=400 if posted else 200,
    )


@login_required
def partner_review_action(request: HttpRequest, action_id) -> HttpResponse:
    organisation = partner_access(request).organisation
    action = (
        DeathReviewAction.objects.select_related("review__service_user")
        .filter(external_id=action_id, partner_organisation=organisation)
        .first()
    )
    if action is None:
        raise Http404("No such action")
    return _action_page(
        request,
        action=action,
        person=action.review.service_user,
        organisation=organisation,
        form=ProgressForm(request.POST if request.method == "POST" else None),
        save=lambda data: review_services.part_update(
            part=action,
            user=request.user,
            loaded_version=action.version,
            changes={"status": data["status"]},
        ),
        kind="death review",
    )


@login_required
def partner_case_review_action(request: HttpRequest, action_id) -> HttpResponse:
    organisation = partner_access(request).organisation
    action = (
        CaseReviewAction.objects.select_related("reviewed__service_user")
        .filter(external_id=action_id, partner_organisation=organisation)
        .first()
    )
    if action is None:
        raise Http404("No such action")
    return _action_page(
        request,
        action=action,
        person=action.reviewed.service_user,
        organisation=organisation,
        form=DoneForm(request.POST if request.method == "POST" else None),
        save=lambda data: case_review_services.action_done(action=action, done_on=today()),
        kind="case review",
    )


def _own_text_page(
    request: HttpRequest,
    *,
    organisation: PartnerOrganisation,
    record_id,
    person: ServiceUser,
    title: str,
    own: Model | None,
    form_class: type[OwnTextForm],
    editable: bool,
    closed: str,
    write: Callable[..., Model],
    conflict: type[Exception],
    conflict_message: str,
    noun: str,
    template: str,
    context: dict,
) -> HttpResponse:
    """The organisation's own text about a record, read and written: the read is recorded
    once, the page refused where the person may not be shared, and a save goes through
    `write(loaded_version=…, changes=…)` (`partners.services.own_text_write` underneath)
    unless the record is `closed` to changes."""
    decision = sharing(person, organisation, today())
    record_access(request, kind=AccessKind.REVIEW, subject=person, object_ref=str(record_id))
    if not decision.allowed:
        return _refused(request, decision, title)
    fields = form_class._meta.fields or ()
    posted = request.method == "POST"
    form = form_class(
        request.POST if posted else None,
        instance=own,
        initial={"loaded_version": own.version if own else 0},
    )
    if posted and not editable:
        form.add_error(None, closed)
    elif posted and form.is_valid():
        try:
            write(
                loaded_version=form.cleaned_data["loaded_version"],
                changes={name: form.cleaned_data[name] for name in fields},
            )
        except conflict:
            form.add_error(None, conflict_message)
        except ValidationError as refused:
            form.add_error(None, " ".join(refused.messages))
        else:
            messages.success(request, f"Your organisation's {noun} has been saved.")
            return redirect("partner_home")
    written = [(form[name].label, getattr(own, name)) for name in fields] if own else []
    return render(
        request,
        template,
        context
        | {
            "person": person,
            "decision": decision,
            "own": own,
            "written": written,
            "noun": noun,
            "form": form,
            "editable": editable,
            "organisation": organisation,
        },
        status=400 if posted else 200,
    )


@login_required
def partner_joint_section(request: HttpRequest, review_id) -> HttpResponse:
    """The organisation's own section of a joint review: what its agency knew and did, its
    findings and its learning. Nothing else of the review, and no other partner's section."""
    organisation = partner_access(request).organisation
    review = review_selectors.joint_review_for_partner(organisation, review_id)
    if review is None:
        raise Http404("No such review")
    return _own_text_page(
        request,
        organisation=organisation,
        record_id=review_id,
        person=review.service_user,
        title="Joint review",
        own=review_selectors.joint_section_of(review, organisation),
        form_class=JointSectionForm,
        editable=review.status in JOINT_SECTION_EDITABLE_IN,
        closed="This review is signed off: its sections can no longer be changed.",
        write=partial(
            review_services.joint_section_write,
            review=review,
            organisation=organisation,
            user=request.user,
        ),
        conflict=EditConflict,
        conflict_message=(
            "Someone else at your organisation saved this section after you opened it. "
            "Your text is below: open the section again to see theirs, then save."
        ),
        noun="section",
        template="partners/partner_joint_section.html",
        context={"review": review},
    )


@login_required
def partner_case_review(request: HttpRequest, reviewed_id) -> HttpResponse:
    """The organisation's own contribution about one person on a case review meeting it is
    invited to: what its agency knows and is doing about their risk. Nothing else of the
    meeting, and no other partner's contribution."""
    organisation = partner_access(request).organisation
    reviewed = case_review_selectors.reviewed_for_partner(organisation, reviewed_id)
    if reviewed is None:
        raise Http404("No such case review")
    return _own_text_page(
        request,
        organisation=organisation,
        record_id=reviewed_id,
        person=reviewed.service_user,
        title="Case review",
        own=case_review_selectors.contribution_of(reviewed, organisation),
        form_class=ContributionForm,
        editable=not reviewed.meeting.is_held,
        closed="This meeting has been held: its contributions are kept as they were.",
        write=partial(
            case_review_services.contribution_write,
            reviewed=reviewed,
            organisation=organisation,
            user=request.user,
        ),
        conflict=case_review_services.ContributionConflict,
        conflict_message=(
            "Someone else at your organisation saved this contribution after you opened "
            "it. Your text is below: open it again to see theirs, then save."
        ),
        noun="contribution",
        template="partners/partner_case_review.html",
        context={"reviewed": reviewed, "meeting": reviewed.meeting},
    )
