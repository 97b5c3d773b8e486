"""Navigation links for the signed-in user, derived from the access tables."""

from django.http import HttpRequest
from django.urls import reverse

from cases.access import SCOPE_TITLES, caseload_scopes, nav_pages


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    scopes = caseload_scopes(user)
    links = [(SCOPE_TITLES[scope], reverse("caseload", args=[scope])) for scope in scopes]
    links += [(label, reverse(name)) for label, name in nav_pages(user)]
    if user.is_staff:
        links.append(("Administration", reverse("admin:index")))
    # The header's search box looks through the widest caseload the user has.
    search_url = reverse("caseload", args=[scopes[-1]]) if scopes else None
    return {"nav_links": links, "search_url": search_url}
