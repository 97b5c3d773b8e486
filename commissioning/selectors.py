"""Reads of the commissioner API: whom a caller's rows and figures may come from.

`api_scope(user, client)` is the one rule for what the API reaches, built on
`cases.selectors.service_users_visible_to` for staff; every extract and figure
starts from it.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from cases.models import ServiceUser, User
from cases.selectors import service_users_visible_to, team_ids_visible_to
from commissioning.access import WHOLE_SERVICE_API_ROLES, can_use_api
from commissioning.models import ApiClient


@dataclass(frozen=True)
class ApiScope:
    """Whom an API caller's rows and figures may come from (made by `api_scope`).

    A member of staff (`staff`) reaches exactly the people they may see. A
    commissioner reaches the whole service, or the people living in
    `local_authority_ids` when their client is limited to some. `nobody` is
    set for everyone else.
    """

    nobody: bool = False
    staff: User | None = None
    local_authority_ids: frozenset[int] | None = None

    def people(self) -> QuerySet[ServiceUser]:
        """The people themselves, as one query."""
        if self.nobody:
            return ServiceUser.objects.none()
        if self.staff is not None:
            return service_users_visible_to(self.staff)
        if self.local_authority_ids is None:
            return ServiceUser.objects.all()
        return ServiceUser.objects.filter(local_authority_id__in=sorted(self.local_authority_ids))

    def team_ids(self) -> frozenset[int] | None:
        """The teams whose people may be counted, as ids: None means every team."""
        if self.nobody:
            return frozenset()
        if self.staff is not None:
            return team_ids_visible_to(self.staff)
        return None


def api_scope(user: User, client: ApiClient | None) -> ApiScope:
    """Whom `user` (calling as `client`'s commissioner, or as staff) may reach through the API.

    Staff reach the people they may see (`service_users_visible_to`). A
    commissioner of an active client reaches everyone, or the people living in
    the client's local authorities when it is limited to some; without an
    active client, nobody.
    """
    if not can_use_api(user):
        return ApiScope(nobody=True)
    if user.role not in WHOLE_SERVICE_API_ROLES:
        return ApiScope(staff=user)
    if client is None or not client.is_active:
        return ApiScope(nobody=True)
    authorities = frozenset(client.local_authorities.values_list("pk", flat=True))
    return ApiScope(local_authority_ids=authorities or None)


def service_users_for_api(user: User, client: ApiClient | None) -> QuerySet[ServiceUser]:
    """The people whose pseudonymised records `user` may pull through the API (`api_scope`)."""
    return api_scope(user, client).people()
