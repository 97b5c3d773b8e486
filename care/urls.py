"""The care record's pages, mounted under a person's address (/people/<id>/care/)."""

from django.urls import path

from care import views

urlpatterns = [
    path("notes/new/", views.case_note_create, name="case_note_create"),
    path("referrals/new/", views.onward_referral_create, name="onward_referral_create"),
    path("referrals/outcome/", views.onward_referral_outcome, name="onward_referral_outcome"),
    path("assessments/new/", views.risk_assessment_create, name="risk_assessment_create"),
    path("health/tests/new/", views.bbv_test_create, name="bbv_test_create"),
    path("health/tests/result/", views.bbv_test_result, name="bbv_test_result"),
    path("health/hepatitis-c-treatment/", views.hep_c_treatment, name="hep_c_treatment"),
    path(
        "health/hepatitis-b-vaccinations/new/",
        views.hep_b_vaccination_create,
        name="hep_b_vaccination_create",
    ),
    path("health/needle-exchange/new/", views.nsp_contact_create, name="nsp_contact_create"),
    path(
        "health/mental-health/new/",
        views.mental_health_need_create,
        name="mental_health_need_create",
    ),
    path(
        "health/pharmacy/new/",
        views.pharmacy_arrangement_create,
        name="pharmacy_arrangement_create",
    ),
    path(
        "health/checks/new/",
        views.physical_health_check_create,
        name="physical_health_check_create",
    ),
    path("plan/", views.care_plan, name="care_plan"),
    path("plan/new/", views.care_plan_create, name="care_plan_create"),
    path("plan/goals/new/", views.plan_goal_create, name="plan_goal_create"),
    path("plan/goals/<uuid:goal_id>/", views.plan_goal_edit, name="plan_goal_edit"),
    path("plan/review/", views.plan_review_create, name="plan_review_create"),
    path("plan/contact/", views.plan_contact_create, name="plan_contact_create"),
    path("safeguarding/children/", views.child_in_contact_edit, name="child_in_contact_edit"),
    path("safeguarding/storage/", views.safe_storage_edit, name="safe_storage_edit"),
    path(
        "safeguarding/referrals/new/",
        views.protection_referral_create,
        name="protection_referral_create",
    ),
    path(
        "safeguarding/referrals/outcome/",
        views.protection_referral_outcome,
        name="protection_referral_outcome",
    ),
    path(
        "safeguarding/concerns/new/",
        views.safeguarding_concern_create,
        name="safeguarding_concern_create",
    ),
    path(
        "safeguarding/concerns/close/",
        views.safeguarding_concern_close,
        name="safeguarding_concern_close",
    ),
]

# The case-file audit, mounted at /audits/ (not under a person's address: a round is a
# team's).
audit_urlpatterns = [
    path("", views.care_audit_list, name="care_audit_list"),
    path("new/", views.care_audit_draw, name="care_audit_draw"),
    path("<uuid:round_id>/", views.care_audit_round, name="care_audit_round"),
    path(
        "<uuid:round_id>/people/<uuid:audited_id>/",
        views.care_audit_person,
        name="care_audit_person",
    ),
]
