"""A person's sharing with partners, under the person's address (`people/<id>/sharing/`)."""

from django.urls import path

from partners import views

urlpatterns = [
    path("", views.sharing, name="sharing"),
    path("consent/new/", views.consent_create, name="sharing_consent_create"),
    path(
        "consent/<uuid:consent_id>/withdraw/",
        views.consent_withdraw,
        name="sharing_consent_withdraw",
    ),
    path("basis/new/", views.sharing_basis_create, name="sharing_basis_create"),
]
