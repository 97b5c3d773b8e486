"""The care record's pages, mounted under a person's address (/people/<id>/care/)."""

from django.urls import path

from care import views

urlpatterns = [
    path("notes/new/", views.case_note_create, name="case_note_create"),
    path("referrals/new/", views.onward_referral_create, name="onward_referral_create"),
    path("referrals/outcome/", views.onward_referral_outcome, name="onward_referral_outcome"),
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
