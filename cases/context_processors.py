"""Navigation links for the signed-in user, derived from their role."""

from django.http import HttpRequest
from django.urls import reverse

from cases.access import can_browse_people, can_see_team_caseload


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    links = []
    if can_browse_people(user):
        if user.role == "governance":
            links.append(("People", reverse("caseload", args=["all"])))
        else:
            links.append(("My caseload", reverse("caseload", args=["mine"])))
        if can_see_team_caseload(user):
            links.append(("Team caseload", reverse("caseload", args=["team"])))
    if user.is_staff:
        links.append(("Administration", reverse("admin:index")))
    return {"nav_links": links}
