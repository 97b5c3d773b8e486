"""The partner's pages (`web.partner_views`), under `/partner/`."""

from django.urls import path

from web import partner_views

urlpatterns = [
    path("", partner_views.partner_home, name="partner_home"),
    path("requests/<uuid:request_id>/", partner_views.partner_request, name="partner_request"),
    path(
        "review-actions/<uuid:action_id>/",
        partner_views.partner_review_action,
        name="partner_review_action",
    ),
    path(
        "case-review-actions/<uuid:action_id>/",
        partner_views.partner_case_review_action,
        name="partner_case_review_action",
    ),
    path(
        "joint-reviews/<uuid:review_id>/",
        partner_views.partner_joint_section,
        name="partner_joint_section",
    ),
    path(
        "case-reviews/<uuid:reviewed_id>/",
        partner_views.partner_case_review,
        name="partner_case_review",
    ),
]

# The only pages a partner reaches, beside signing in and out (`web.signin`).
PARTNER_PAGES = frozenset(pattern.name for pattern in urlpatterns)
