"""The care record's pages, mounted under a person's address (/people/<id>/care/)."""

from django.urls import path

from care import views

urlpatterns = [
    path("notes/new/", views.case_note_create, name="case_note_create"),
    path("referrals/new/", views.onward_referral_create, name="onward_referral_create"),
    path("referrals/outcome/", views.onward_referral_outcome, name="onward_referral_outcome"),
    path("plan/", views.care_plan, name="care_plan"),
    path("plan/new/", views.care_plan_create, name="care_plan_create"),
    path("plan/goals/new/", views.plan_goal_create, name="plan_goal_create"),
    path("plan/goals/<uuid:goal_id>/", views.plan_goal_edit, name="plan_goal_edit"),
    path("plan/review/", views.plan_review_create, name="plan_review_create"),
    path("plan/contact/", views.plan_contact_create, name="plan_contact_create"),
]
