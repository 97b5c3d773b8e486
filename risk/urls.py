"""The outreach pages and the fairness report, mounted under /outreach/. People are
reached by their external id."""

from django.urls import path

from risk import views

person = "people/<uuid:external_id>/"

urlpatterns = [
    path("", views.worklist, name="outreach_worklist"),
    path("not-contacted/", views.uncontacted, name="outreach_uncontacted"),
    path(person + "attempts/new/", views.attempt_create, name="outreach_attempt_create"),
    path(person + "flag/acknowledge/", views.flag_acknowledge, name="flag_acknowledge"),
    path(person + "flag/override/", views.flag_override, name="flag_override"),
    path(person + "flag/override/decide/", views.flag_override_decide, name="flag_override_decide"),
    path("overrides/", views.overrides_to_decide, name="overrides_to_decide"),
    path("fairness/", views.fairness, name="fairness_report"),
]
