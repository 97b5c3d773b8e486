from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cases import views as case_views
from config import signin_views, views
from outcomes import views as outcome_views

person = "people/<uuid:external_id>/"
record = case_views.record_create

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/second-factor/", signin_views.second_factor, name="second_factor"),
    path("caseload/<str:scope>/", views.caseload, name="caseload"),
    path("people/new/", case_views.person_create, name="person_create"),
    path(person, views.person_detail, name="person_detail"),
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
    path(person + "access/", views.person_access_report, name="person_access_report"),
    path(person + "access.csv", views.person_access_report_csv, name="person_access_report_csv"),
    path("audit/access/", views.access_report_search, name="access_report_search"),
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
    path("data/", include("outcomes.urls")),
    path("outreach/", include("risk.urls")),
    path("api/v1/", include("commissioning.urls")),
    path("reviews/", include("deathreviews.urls")),
    path("admin/", admin.site.urls),
]
