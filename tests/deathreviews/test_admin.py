"""Reference lists in the admin; reviews worked only in the app, never deleted."""

import pytest
from django.contrib import admin
from django.urls import reverse

from deathreviews.models import (
    InformationRequest,
    LearningTheme,
    PartnerAgency,
    Review,
    ReviewAction,
    ReviewSnapshot,
    ToxicologyFinding,
)

pytestmark = pytest.mark.django_db


def test_reviews_and_their_parts_are_not_in_the_admin():
    for model in (Review, ReviewAction, InformationRequest, ToxicologyFinding, ReviewSnapshot):
        assert model not in admin.site._registry


def test_an_administrator_adds_a_learning_theme(client_as, adam):
    response = client_as(adam).post(
        reverse("admin:deathreviews_learningtheme_add"),
        {"name": "Discharge from mental health care", "description": "", "active": "on"},
    )

    assert response.status_code == 302
    assert LearningTheme.objects.filter(name="Discharge from mental health care").exists()


def test_reference_rows_are_retired_not_deleted(client_as, adam):
    agency = PartnerAgency.objects.first()

    response = client_as(adam).get(
        reverse("admin:deathreviews_partneragency_delete", args=[agency.pk])
    )

    assert response.status_code == 403


def test_the_installed_lists_are_there():
    assert LearningTheme.objects.filter(name="Using alone", active=True).exists()
    assert PartnerAgency.objects.filter(kind="gp").exists()
