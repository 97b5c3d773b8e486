"""The audit of reads: a request id for every request, and one access event per response.

`RequestIdMiddleware` gives every request an id (an incoming `X-Request-ID` is
kept when it is a sane token, so a proxy's id joins up with its logs) and echoes
it in the response.

`record_access(request, kind=..., ...)` is the one way a page or export records
that health data was read: who, when (UTC), what (a person, a reference, or a
list's query), how many rows, from which address, under which request id. A
request records at most once; a second call is a programming error and raises,
so no view can count a read twice. Reads through the API are recorded by the
API's own request log (`commissioning.api.base.ApiView`), one row per response. The one
event beside it is `record_nhs_number_check`: an NHS number looked up across the
service to add a person or change a record's number, a use of whoever holds it.

`service_user_for_read(request, external_id, ...)` is the one way a view finds a
person by the id in its URL: the visibility selector's person (404 outside the
user's scope), the view's own permission check, and the access event, in one
call. A view that reaches the person has recorded the read before it can choose
a response, so no early return (a fragment for a script, a form sent back with
errors, a saved form's redirect) can skip it.

A read of one person by a keyworker or team lead outside their teams can only
happen under a break-glass grant; it is recorded with `break_glass` set.

Every page that shows people writes one event, so the write is kept cheap: one
INSERT through a cursor (no ORM statement to compile; the table's triggers still
apply), and for a person found by `service_user_for_read`, whether they are outside
the reader's teams comes with the person, from the same query, not a second one.
"""

import re
import uuid
from collections.abc import Callable, Mapping
from uuid import UUID

from axes.helpers import get_client_ip_address
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse

from cases.access import BREAK_GLASS_ROLES
from cases.models import AccessEvent, AccessKind, ServiceUser
from cases.selectors import active_team_ids, service_users_visible_to
from cases.validators import mark_control_characters

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


class AlreadyRecorded(RuntimeError):
    """A view tried to record a second access event for one request."""


class RequestIdMiddleware:
    """Give each request `request.request_id` and echo it as `X-Request-ID`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = incoming if _SANE_REQUEST_ID.match(incoming) else uuid.uuid4().hex  # type: ignore[attr-defined]
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id  # type: ignore[attr-defined]
        return response


def request_id(request: HttpRequest) -> str:
    """The request's id (one is made if the middleware did not run, e.g. in a task)."""
    if not getattr(request, "request_id", ""):
        request.request_id = uuid.uuid4().hex  # type: ignore[attr-defined]
    return request.request_id  # type: ignore[attr-defined]


def client_address(request: HttpRequest) -> str | None:
    """Where the request came from: the address the sign-in lockout counts, so behind a
    proxy (`LANTERN_CLIENT_IP_HEADER`) the person's, not the proxy's."""
    return get_client_ip_address(request) or None


# Set on a person found by `service_user_for_read`: whether they are in one of the
# reader's teams today, read with the person.
_IN_READERS_TEAMS = "in_readers_teams"


def _outside_teams(user, person: ServiceUser) -> bool:
    if user.role not in BREAK_GLASS_ROLES:
        return False
    known = getattr(person, _IN_READERS_TEAMS, None)
    if known is not None:
        return not known
    return not active_team_ids(user).filter(team_id=person.team_id).exists()


def record_access(
    request: HttpRequest,
    *,
    kind: str,
    subject: ServiceUser | None = None,
    object_ref: str = "",
    query: Mapping[str, object] | None = None,
    rows: int | None = None,
    view: str = "",
) -> AccessEvent:
    """Record that `request`'s user read health data; call once per response.

    `subject` is the person the read was about (a record, a review of them, an
    access report); `query` the search or filters of a list or export; `rows`
    how many people or rows it showed. `view` defaults to the URL name.
    """
    if getattr(request, "_access_recorded", False):
        raise AlreadyRecorded(f"{request.path} has already recorded its access event")
    event = _access_event_create(
        request,
        kind=kind,
        subject=subject,
        object_ref=object_ref,
        query=query,
        rows=rows,
        view=view,
    )
    request._access_recorded = True  # type: ignore[attr-defined]
    request._access_event = event  # type: ignore[attr-defined]
    return event


def record_nhs_number_check(
    request: HttpRequest, *, nhs_number: str, holder: ServiceUser | None
) -> AccessEvent:
    """Record that `request`'s user had `nhs_number` looked up across the whole service
    (`cases.services.nhs_number_claim`): a use of `holder`, if anyone holds it, though the
    user is told nothing of the answer. A look-up beside the response's own read, so it
    is not counted as that read: editing a record has recorded its read already."""
    return _access_event_create(
        request, kind=AccessKind.CHECK, subject=holder, query={"nhs_number": nhs_number}
    )


def _access_event_create(
    request: HttpRequest,
    *,
    kind: str,
    subject: ServiceUser | None = None,
    object_ref: str = "",
    query: Mapping[str, object] | None = None,
    rows: int | None = None,
    view: str = "",
) -> AccessEvent:
    user = request.user
    match = getattr(request, "resolver_match", None)
    event = AccessEvent(
        user=user,
        username=user.username,
        role=user.role,
        kind=kind,
        view=(view or (match.view_name if match else ""))[:80],
        service_user=subject,
        object_ref=(object_ref or (subject.client_ref if subject else ""))[:120],
        query={loggable(str(k), 100): _loggable_value(v) for k, v in (query or {}).items()},
        rows=rows,
        # A check of an NHS number opens nothing: it is not a break-glass read.
        break_glass=subject is not None
        and kind != AccessKind.CHECK
        and _outside_teams(user, subject),
        path=loggable(request.path, 500),
        remote_addr=client_address(request),
        request_id=request_id(request),
    )
    event.save(force_insert=True)
    return event


def access_event_of(request: HttpRequest) -> AccessEvent:
    """The access event `request` recorded (for an export to fill in its row count)."""
    return request._access_event  # type: ignore[attr-defined]


def service_user_for_read(
    request: HttpRequest,
    external_id: UUID | str,
    *,
    kind: str = AccessKind.RECORD,
    with_break_glass: bool = True,
    check: Callable[[ServiceUser], None] | None = None,
) -> ServiceUser:
    """The person with this external id, if the user may see them, with the read recorded.

    404 outside the user's scope (see `service_users_visible_to` for
    `with_break_glass`); then `check(person)`, which raises (e.g. PermissionDenied)
    to refuse: a refused request shows nothing and records nothing. Otherwise the
    access event is written here, before the view decides what to answer.
    """
    people = (
        service_users_visible_to(request.user, with_break_glass=with_break_glass)
        .select_related("team", "team__service", "keyworker", "local_authority")
        .filter(external_id=external_id)
    )
    if request.user.role in BREAK_GLASS_ROLES:
        # Whether the read is under break-glass, for its access event, in the same query.
        in_teams = active_team_ids(request.user).filter(team_id=OuterRef("team_id"))
        people = people.annotate(**{_IN_READERS_TEAMS: Exists(in_teams)})
    person = people.first()
    if person is None:
        raise Http404("No such person")
    if check is not None:
        check(person)
    record_access(request, kind=kind, subject=person)
    return person


def export_finished(event: AccessEvent, rows: int) -> None:
    """Fill in a streamed export's row count when its stream ends (once; the trigger allows
    exactly this change to an access event and no other)."""
    AccessEvent.objects.filter(pk=event.pk, rows__isnull=True).update(rows=rows)


def query_of(request: HttpRequest, ignore: tuple[str, ...] = ("page",)) -> dict[str, object]:
    """The non-empty GET parameters of a list page, as an access event keeps them."""
    return {
        key: values if len(values) > 1 else values[0]
        for key, values in request.GET.lists()
        if key not in ignore and any(v.strip() for v in values)
    }


def page_rows(page) -> int:
    """How many rows a paginator page shows, from the count the paginator already made."""
    return page.end_index() - page.start_index() + 1 if page.paginator.count else 0


def loggable(text: str, limit: int) -> str:
    """What someone sent, as the audit stores it: at most `limit` characters, each control
    character marked (PostgreSQL refuses a NUL in text and JSON, keys included)."""
    return mark_control_characters(text[:limit])


def _loggable_value(value):
    if isinstance(value, str):
        return loggable(value, 200)
    if isinstance(value, list | tuple):
        return [_loggable_value(v) for v in value[:20]]
    return value
