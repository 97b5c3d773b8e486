"""Recording an overdose in seconds from the header, and the people not yet known.

`overdose_record` is one page and one submit: a person the user may see (found with the
header's search, or the page opened from their record with `?person=`), or someone not
yet known to the service with what is known of them; then the overdose. Saving opens its
follow-up in the same transaction (`overdoses.receivers`), and the page goes to it.

A person the user may not see is, here as everywhere, a person who does not exist: the
same answer for both, and no read recorded for either.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from cases import services as cases_services
from cases.access import can_edit_records
from cases.audit import page_rows, query_of, record_access, record_nhs_number_check
from cases.forms import PersonAddForm
from cases.models import AccessKind, Event, EventKind, ServiceUser, UnidentifiedPerson
from cases.search import people_matching
from cases.selectors import people_searchable_by, service_users_visible_to
from cases.unknown_people import unidentified_overdose_record
from cases.views import PERSON_ADD_WITH_NHS_NUMBER
from overdoses import selectors, services
from overdoses.access import can_read_follow_ups, can_record_overdose
from overdoses.forms import LinkRecordForm, OverdoseRecordForm, person_among
from overdoses.models import FollowUp

# How many people a search on the page offers; more means the search needs another word.
SEARCH_LIMIT = 20
PAGE_SIZE = 25


def add_errors(form: BaseForm, invalid: ValidationError) -> None:
    """Put a service's messages at their fields, and the rest above the form."""
    if not hasattr(invalid, "error_dict"):
        form.add_error(None, invalid)
        return
    for name, errors in invalid.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _follow_up_page(follow_up: FollowUp | None, fallback: str) -> str:
    """The follow-up's own page where there is one, else `fallback`."""
    if follow_up is not None:
        try:
            return reverse("follow_up_detail", args=[follow_up.external_id])
        except NoReverseMatch:
            pass
    return fallback


def _saved(request: HttpRequest, form: OverdoseRecordForm) -> Event | None:
    user = request.user
    try:
        if form.person is not None:
            return cases_services.event_create(
                service_user=form.person,
                recorded_by=user,
                kind=EventKind.NON_FATAL_OVERDOSE,
                **form.overdose,
            )
        return unidentified_overdose_record(
            team=form.team, recorded_by=user, person=form.someone, overdose=form.overdose
        )
    except ValidationError as invalid:
        add_errors(form, invalid)
        return None


@login_required
def overdose_record(request: HttpRequest) -> HttpResponse:
    """Record an overdose: one page, one submit, for a known person or someone not yet known."""
    user = request.user
    if not can_record_overdose(user):
        raise PermissionDenied("Your role does not record overdoses.")
    posted = request.method == "POST"
    data = request.POST if posted else None
    people = service_users_visible_to(user)
    candidates: list[ServiceUser] = []
    initial = {}
    query = ""
    if posted:
        chosen = None if data.get("not_known") else person_among(people, data.get("person", ""))
    else:
        chosen = person_among(people, request.GET.get("person", ""))
        # Not `q`: the header's own search box shows `q` on every page.
        query = "" if chosen else request.GET.get("find", "").strip()
    if chosen is not None:
        # The page names them, and the overdose is recorded on their record: a read of it.
        record_access(request, kind=AccessKind.RECORD, subject=chosen)
        candidates = [chosen]
        initial["person"] = str(chosen.external_id)
    elif query:
        candidates = list(
            people_matching(people_searchable_by(user), query).order_by(
                "last_name", "first_name", "pk"
            )[: SEARCH_LIMIT + 1]
        )
        record_access(
            request,
            kind=AccessKind.LIST,
            query=query_of(request),
            rows=min(len(candidates), SEARCH_LIMIT),
        )
        if len(candidates) == 1:
            initial["person"] = str(candidates[0].external_id)
    form = OverdoseRecordForm(
        data,
        user=user,
        people=people,
        candidates=candidates[:SEARCH_LIMIT],
        initial=initial,
    )
    if chosen is not None:
        # Their name is given: the date is today's already, so start at the time.
        form.fields["occurred_at_time"].widget.attrs["autofocus"] = True
    elif candidates:
        form.fields["person"].widget.attrs["autofocus"] = True
    if posted and form.is_valid() and (event := _saved(request, form)) is not None:
        follow_up = FollowUp.objects.filter(overdose=event).first()
        if form.person is not None:
            messages.success(
                request,
                f"Overdose recorded for {form.person.display_name}."
                + (" Their follow-up is open." if follow_up else ""),
            )
            fallback = reverse("person_detail", args=[form.person.external_id])
        else:
            messages.success(request, "Overdose recorded for someone not yet known.")
            fallback = reverse("unidentified_detail", args=[event.unidentified_person.external_id])  # type: ignore[union-attr]
        return redirect(_follow_up_page(follow_up, fallback))
    return render(
        request,
        "overdoses/record.html",
        {
            "title": "Record an overdose",
            "form": form,
            "query": query,
            "searched": bool(query),
            "too_many": len(candidates) > SEARCH_LIMIT,
            "chosen": chosen,
        },
        status=400 if posted else 200,
    )


# --- People not yet known ---------------------------------------------------------------


@login_required
def unidentified_list(request: HttpRequest) -> HttpResponse:
    """The people not yet known the user may see, those still to link first."""
    if not can_read_follow_ups(request.user):
        raise PermissionDenied("Your role does not see overdose follow-ups.")
    page = Paginator(selectors.unidentified_people_to_work(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Descriptions and overdoses of people: a read of a list.
    record_access(request, kind=AccessKind.LIST, query=query_of(request), rows=page_rows(page))
    return render(
        request,
        "overdoses/unidentified_list.html",
        {
            "title": "People not yet known",
            "page": page,
            "can_record": can_record_overdose(request.user),
        },
    )


def _someone_for_read(request: HttpRequest, external_id, *, writing: bool) -> UnidentifiedPerson:
    """The person not yet known, if the user may see them (else 404) and may do this
    (else 403); then the read recorded, before the view chooses its answer."""
    someone = selectors.unidentified_person_for(request.user, external_id)
    allowed = can_record_overdose if writing else can_read_follow_ups
    if not allowed(request.user):
        raise PermissionDenied("Your role cannot do this.")
    record_access(request, kind=AccessKind.RECORD, object_ref=str(someone.external_id))
    return someone


@login_required
def unidentified_detail(request: HttpRequest, external_id) -> HttpResponse:
    """Someone not yet known: what was said of them, their overdoses, and the two ways to
    make them a record: link to one the user may see (POST here), or add a new one."""
    posted = request.method == "POST"
    someone = _someone_for_read(request, external_id, writing=posted)
    form = LinkRecordForm(
        request.POST if posted else None, people=service_users_visible_to(request.user)
    )
    if posted and form.is_valid():
        person = form.cleaned_data["reference"]
        try:
            moved = services.follow_ups_link_person(
                someone=someone, service_user=person, linked_by=request.user
            )
        except ValidationError as invalid:
            if hasattr(invalid, "error_dict") and "service_user" in invalid.error_dict:
                invalid = ValidationError({"reference": invalid.error_dict["service_user"]})
            add_errors(form, invalid)
        else:
            messages.success(
                request,
                f"Linked to {person.display_name}: {moved} overdose{'s' if moved != 1 else ''} "
                "moved to their record, with any open follow-up.",
            )
            return redirect("person_detail", external_id=person.external_id)
    return render(
        request,
        "overdoses/unidentified_detail.html",
        {
            "title": str(someone.description),
            "someone": someone,
            "overdoses": list(selectors.overdoses_of(someone).select_related("follow_up")),
            "form": form,
            "can_record": can_record_overdose(request.user) and can_edit_records(request.user),
        },
        status=400 if posted else 200,
    )


def _name_guess(description: str) -> dict[str, str]:
    """A description that looks like a name (two or three words of letters) as a first
    and last name to start from; otherwise nothing."""
    words = description.split()
    if 2 <= len(words) <= 3 and all(w.replace("-", "").replace("'", "").isalpha() for w in words):
        return {"first_name": words[0], "last_name": " ".join(words[1:])}
    return {}


@login_required
def unidentified_add_record(request: HttpRequest, external_id) -> HttpResponse:
    """Add someone not yet known as a new record ("Add a person", started from what is known
    of them) and link them to it."""
    someone = _someone_for_read(request, external_id, writing=True)
    if someone.is_linked:
        messages.info(request, "This person is already linked to a record.")
        return redirect("unidentified_detail", external_id=someone.external_id)
    posted = request.method == "POST"
    initial = {"sex": someone.sex, **_name_guess(someone.description)}
    form = PersonAddForm(request.POST if posted else None, user=request.user, initial=initial)
    if posted and form.is_valid():
        details = {k: v for k, v in form.cleaned_data.items() if k != "different_person"}
        try:
            added = services.unidentified_person_add_record(
                someone=someone, added_by=request.user, **details
            )
        except ValidationError as invalid:
            add_errors(form, invalid)
        else:
            if added.claim is not None:
                record_nhs_number_check(
                    request, nhs_number=added.claim.nhs_number, holder=added.claim.held
                )
            if added.person is None:
                messages.info(request, PERSON_ADD_WITH_NHS_NUMBER)
                return redirect("unidentified_detail", external_id=someone.external_id)
            messages.success(request, "Person added, and their overdoses moved to the new record.")
            return redirect("person_detail", external_id=added.person.external_id)
    return render(
        request,
        "overdoses/unidentified_add_record.html",
        {
            "title": "Add as a new record",
            "someone": someone,
            "form": form,
            "matches": form.possible_matches,
        },
        status=400 if posted else 200,
    )
