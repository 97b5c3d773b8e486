"""Every URL Lantern serves: the pages that combine layers (`web.urls`) at the root, then each
app's own. Paths and URL names are part of the interface: bookmarks and the tests hold them."""

from django.contrib import admin
from django.urls import include, path

from care import views as care_views
from care.urls import audit_urlpatterns as care_audit_urls
from cases import views as case_views
from outcomes import views as outcome_views

person = "people/<uuid:external_id>/"
record = case_views.record_create

urlpatterns = [
    path("", include("web.urls")),
    path("people/new/", case_views.person_create, name="person_create"),
    path(person + "edit/", case_views.person_edit, name="person_edit"),
    path(person + "reassign/", case_views.person_reassign, name="person_reassign"),
    path("team/", case_views.team_caseloads, name="team_caseloads"),
    path("team/transfers/", case_views.transfer_request_list, name="transfer_request_list"),
    path(
        "team/transfers/<uuid:transfer_id>/answer/",
        case_views.transfer_request_answer,
        name="transfer_request_answer",
    ),
    path(person + "episodes/new/", record, {"kind": "episode"}, name="episode_create"),
    path(person + "episodes/<uuid:episode_id>/edit/", case_views.episode_edit, name="episode_edit"),
    path(
        person + "interventions/new/", record, {"kind": "intervention"}, name="intervention_create"
    ),
    path(person + "events/new/", record, {"kind": "event"}, name="event_create"),
    path(
        person + "events/<uuid:event_id>/happened/",
        case_views.event_happened,
        name="event_happened",
    ),
    path(person + "contacts/new/", record, {"kind": "contact"}, name="contact_create"),
    path(person + "naloxone/new/", record, {"kind": "naloxone"}, name="naloxone_create"),
    path(person + "tops/new/", outcome_views.top_create, name="top_create"),
    path(person + "care/", include("care.urls")),
    path(person + "sharing/", include("partners.urls")),
    path("team/needle-exchange/", care_views.nsp_team, name="nsp_team"),
    path("audits/", include(care_audit_urls)),
    path("audit/break-glass/", case_views.break_glass_start, name="break_glass_start"),
    path(
        "audit/break-glass/review/",
        case_views.break_glass_review_list,
        name="break_glass_review_list",
    ),
    path("audit/sign-in-alerts/", case_views.sign_in_alerts, name="sign_in_alerts"),
    path(
        "audit/break-glass/<uuid:grant_id>/review/",
        case_views.break_glass_review,
        name="break_glass_review",
    ),
    path("data/", include("exchange.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("outreach/", include("risk.urls")),
    path("overdoses/", include("overdoses.urls")),
    path("api/v1/", include("commissioning.urls")),
    path("figures/", include("commissioning.dashboard.urls")),
    path("reviews/", include("deathreviews.urls")),
    path("case-reviews/", include("casereviews.urls")),
    path("partner/", include("web.partner_urls")),
    path("admin/", admin.site.urls),
]
