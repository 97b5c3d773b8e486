import pytest
from django.contrib import admin
from django.urls import reverse

from cases.models import ServiceUser

pytestmark = pytest.mark.django_db


def test_every_admin_page_for_configuration_opens(client_as, adam, alice, rf):
    client = client_as(adam)
    request = rf.get("/")
    request.user = adam
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        assert client.get(changelist).status_code == 200, changelist
        # Some models are read only in the admin (recompute runs, flags): no add page.
        expected = 200 if model_admin.has_add_permission(request) else 403
        assert client.get(add).status_code == expected, add
    assert client.get(reverse("admin:cases_user_change", args=[alice.pk])).status_code == 200


def test_clinical_records_are_not_in_the_admin():
    assert ServiceUser not in admin.site._registry


def test_a_keyworker_cannot_reach_the_admin(client_as, alice):
    response = client_as(alice).get(reverse("admin:index"))

    assert response.status_code == 302
    assert "/admin/login/" in response.url
