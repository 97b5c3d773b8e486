"""The care record's pages, mounted under a person's address (/people/<id>/care/)."""

from django.urls import path

from care import views

urlpatterns = [
    path("notes/new/", views.case_note_create, name="case_note_create"),
    path("referrals/new/", views.onward_referral_create, name="onward_referral_create"),
    path("referrals/outcome/", views.onward_referral_outcome, name="onward_referral_outcome"),
    path("assessments/new/", views.risk_assessment_create, name="risk_assessment_create"),
]
