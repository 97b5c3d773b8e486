"""A model that moved to another app keeps its old admin addresses: a permanent redirect to the
same page under the new app, for administrators only (web.admin_site.MOVED_MODELS)."""

import pytest
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.urls import reverse

from commissioning.models import ApiClient
from web.admin_site import MOVED_MODELS

pytestmark = pytest.mark.django_db


def test_an_old_address_with_its_path_and_query_goes_for_good_to_the_new_one(client_as, adam):
    response = client_as(adam).get("/admin/cases/apitoken/5/change/?_changelist_filters=q%3Dx")

    assert response.status_code == 301
    assert response["Location"] == (
        "/admin/commissioning/apitoken/5/change/?_changelist_filters=q%3Dx"
    )


@pytest.mark.parametrize("old", sorted(MOVED_MODELS))
def test_every_moved_models_old_list_opens_its_list_in_the_new_app(client_as, adam, old):
    app_label, model_name = old.split(".")
    response = client_as(adam).get(f"/admin/{app_label}/{model_name}/", follow=True)

    assert response.redirect_chain == [(f"/admin/{MOVED_MODELS[old]}/{model_name}/", 301)]
    assert response.status_code == 200


def test_an_old_change_page_opens_the_same_object(client_as, adam, cora):
    api_client = ApiClient.objects.create(name="Public health returns")
    page = client_as(adam).get(f"/admin/cases/apiclient/{api_client.pk}/change/", follow=True)

    assert page.status_code == 200
    assert page.context["original"] == api_client


def test_a_sub_path_is_quoted_again_so_it_cannot_end_the_address(client_as, adam):
    response = client_as(adam).get("/admin/cases/apiclient/a%3Fb%20c/change/")

    assert response["Location"] == "/admin/commissioning/apiclient/a%3Fb%20c/change/"


@pytest.mark.parametrize("who", ["alice", "gina", "cora"])
def test_anyone_else_is_sent_to_the_admins_sign_in_as_from_any_admin_page(client_as, request, who):
    old = "/admin/cases/apitoken/5/change/"
    response = client_as(request.getfixturevalue(who)).get(old)
    unmoved = client_as(request.getfixturevalue(who)).get("/admin/cases/team/5/change/")

    assert response.status_code == unmoved.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?{REDIRECT_FIELD_NAME}={old}"
    assert "commissioning" not in response["Location"]


def test_signed_out_the_old_address_says_nothing_of_the_new_one(client):
    response = client.get("/admin/cases/apirequestlog/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "commissioning" not in response["Location"]


def test_every_move_lands_on_a_model_the_admin_holds():
    registered = {model._meta.label_lower for model in admin.site._registry}
    for old, new_app in MOVED_MODELS.items():
        assert f"{new_app}.{old.split('.')[1]}" in registered, old
        assert old not in registered, f"{old} is still registered: nothing moved"


def test_a_model_of_the_old_app_that_did_not_move_is_not_redirected(client_as, adam):
    assert client_as(adam).get("/admin/cases/team/").status_code == 200
    assert client_as(adam).get("/admin/cases/nosuchmodel/").status_code == 404
