"""Death review pages, mounted under /reviews/. Reviews and their parts are reached by
external id; there is no delete URL."""

from django.urls import path

from deathreviews import views

review = "<uuid:external_id>/"

urlpatterns = [
    path("", views.review_list, name="review_list"),
    path("new/", views.review_notify, name="review_notify"),
    path("actions/", views.action_list, name="review_actions"),
    path("dashboard/", views.review_dashboard, name="review_dashboard"),
    path("bulletin/", views.review_bulletin, name="review_bulletin"),
    path("bulletin/approvals/", views.bulletin_approvals, name="bulletin_approvals"),
    path(
        "bulletin/approvals/<slug:kind>/<uuid:item_id>/",
        views.bulletin_approve,
        name="bulletin_approve",
    ),
    path(review, views.review_detail, name="review_detail"),
    path(review + "edit/<slug:domain>/", views.review_edit, name="review_edit"),
    path(review + "steps/<slug:name>/", views.review_transition, name="review_transition"),
    path(review + "snapshot/", views.review_snapshot, name="review_snapshot"),
    path(review + "history/", views.review_history_page, name="review_history"),
    path(review + "link/", views.review_link, name="review_link"),
    path(
        review + "toxicology/new/",
        views.part_edit,
        {"kind": "toxicology"},
        name="review_toxicology_create",
    ),
    path(
        review + "toxicology/<uuid:part_id>/edit/",
        views.part_edit,
        {"kind": "toxicology"},
        name="review_toxicology_edit",
    ),
    path(
        review + "requests/new/",
        views.part_edit,
        {"kind": "request"},
        name="review_request_create",
    ),
    path(
        review + "requests/<uuid:part_id>/edit/",
        views.part_edit,
        {"kind": "request"},
        name="review_request_edit",
    ),
    path(review + "actions/new/", views.part_edit, {"kind": "action"}, name="review_action_create"),
    path(
        review + "actions/<uuid:part_id>/edit/",
        views.part_edit,
        {"kind": "action"},
        name="review_action_edit",
    ),
]
