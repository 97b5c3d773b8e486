"""Changing a person's NHS number tells nothing of people outside the user's scope: a
number held in another team gets the same answer as an unused one, the record keeps
its old number, and a lead of the holding team is asked to resolve the duplicate.
Adding and editing claim a number through one service (`nhs_number_claim`)."""

import pytest
from django.contrib.messages import get_messages
from django.db.models import UniqueConstraint
from django.forms import ModelForm
from django.forms.models import model_to_dict
from django.urls import reverse

from cases.forms import PersonAddForm, ServiceUserForm
from cases.models import (
    AccessEvent,
    AccessKind,
    Reassignment,
    ServiceUser,
    TransferRequest,
    TransferStatus,
)
from tests.factories import ServiceUserFactory

pytestmark = pytest.mark.django_db

HELD = "9434765919"
UNUSED = "4010232137"
KITS_OWN = "9876543210"


@pytest.fixture
def jo_has_a_number(jo):
    jo.nhs_number = HELD
    jo.save(update_fields=["nhs_number"])
    return jo


@pytest.fixture
def kit(south, bob):
    """A person on bob's caseload in the South team, with an NHS number of their own."""
    return ServiceUserFactory(
        team=south,
        keyworker=bob,
        first_name="Kit",
        last_name="Ward",
        ethnicity="Z",
        nationality="GBR",
        nhs_number=KITS_OWN,
    )


def as_posted(person: ServiceUser, **changes) -> dict:
    """The edit form as the person's page fills it in, with `changes` typed over it."""
    details = model_to_dict(person, fields=ServiceUserForm._meta.fields)
    return {name: value for name, value in {**details, **changes}.items() if value is not None} | {
        "consent_to_ndtms": "true"
    }


@pytest.fixture
def bob_edits_kit(client_as, bob, kit):
    """Post bob's edit of kit with a new NHS number; what came back, in full."""
    client = client_as(bob)

    def post(nhs_number: str, **changes):
        kit.refresh_from_db()
        response = client.post(
            reverse("person_edit", args=[kit.external_id]),
            as_posted(kit, nhs_number=nhs_number, **changes),
        )
        said = [(m.level, str(m)) for m in get_messages(response.wsgi_request)]
        if response.status_code == 302:
            client.get(response["Location"])  # shows, and so clears, the message
        return response.status_code, response.get("Location"), response.content, said

    return post


def test_a_number_held_in_another_team_gets_the_same_answer_as_an_unused_one(
    bob_edits_kit, jo_has_a_number, kit
):
    held = bob_edits_kit(HELD)
    unused = bob_edits_kit(UNUSED)

    assert held == unused
    status, location, _, said = held
    assert status == 302
    assert location == reverse("person_detail", args=[kit.external_id])
    assert "that team's lead has been asked to resolve the duplicate" in said[0][1]


def test_a_number_held_in_another_team_keeps_the_old_number_and_saves_the_rest(
    bob_edits_kit, jo_has_a_number, kit, north
):
    bob_edits_kit(HELD, phone="07700900333")

    kit.refresh_from_db()
    assert (kit.nhs_number, kit.phone) == (KITS_OWN, "07700900333")
    jo = ServiceUser.objects.get(nhs_number=HELD)
    assert (jo, jo.team) == (jo_has_a_number, north)


def test_a_number_held_in_another_team_asks_its_lead_to_resolve_the_duplicate(
    bob_edits_kit, jo_has_a_number, kit, bob, north, south
):
    bob_edits_kit(HELD)
    bob_edits_kit(HELD)

    request = TransferRequest.objects.get()
    assert (request.service_user, request.from_team, request.to_team, request.duplicate) == (
        jo_has_a_number,
        north,
        south,
        kit,
    )
    assert (request.requested_by, request.to_keyworker, request.status) == (
        bob,
        bob,
        TransferStatus.PENDING,
    )


def test_an_unused_number_is_saved_and_asks_no_one(bob_edits_kit, kit):
    bob_edits_kit(UNUSED)

    kit.refresh_from_db()
    assert kit.nhs_number == UNUSED
    assert not TransferRequest.objects.exists()


def test_every_new_number_is_checked_and_the_check_recorded_beside_the_read(
    bob_edits_kit, jo_has_a_number, kit, bob
):
    bob_edits_kit(HELD)
    bob_edits_kit(UNUSED)

    edits = AccessEvent.objects.filter(view="person_edit").order_by("at", "id")
    assert [(e.user, e.kind, e.service_user, e.query, e.break_glass) for e in edits] == [
        (bob, AccessKind.RECORD, kit, {}, False),
        (bob, AccessKind.CHECK, jo_has_a_number, {"nhs_number": HELD}, False),
        (bob, AccessKind.RECORD, kit, {}, False),
        (bob, AccessKind.CHECK, None, {"nhs_number": UNUSED}, False),
    ]


def test_keeping_the_same_number_is_no_check(bob_edits_kit, kit):
    status, _, _, said = bob_edits_kit(KITS_OWN)

    assert (status, [text for _, text in said]) == (302, ["Details saved."])
    assert not AccessEvent.objects.filter(kind=AccessKind.CHECK).exists()


def test_a_number_held_within_scope_is_refused_at_the_field_naming_the_person(
    client_as, alice, north, jo_has_a_number
):
    sam = ServiceUserFactory(
        team=north, keyworker=alice, first_name="Sam", ethnicity="Z", nationality="GBR"
    )

    response = client_as(alice).post(
        reverse("person_edit", args=[sam.external_id]), as_posted(sam, nhs_number=HELD)
    )

    assert response.status_code == 400
    assert response.context["form"].errors["nhs_number"] == [
        f"Jo Bloggs ({jo_has_a_number.client_ref}) already has this NHS number: check the "
        "number, or open their record if this is the same person."
    ]
    sam.refresh_from_db()
    assert sam.nhs_number == ""
    assert not TransferRequest.objects.exists()


def test_a_lead_accepting_the_duplicate_brings_the_person_to_the_team_holding_the_other_record(
    client_as, tess, bob, south, kit, bob_edits_kit, jo_has_a_number
):
    bob_edits_kit(HELD)
    lead = client_as(tess)
    listed = lead.get(reverse("transfer_request_list")).content.decode()
    assert "probably the same person, recorded twice" in listed
    request = TransferRequest.objects.get()

    lead.post(
        reverse("transfer_request_answer", args=[request.external_id]), {"decision": "accept"}
    )

    jo = ServiceUser.objects.get(pk=jo_has_a_number.pk)
    assert (jo.team, jo.keyworker) == (south, bob)
    assert Reassignment.objects.get().reason == (
        f"Transfer from the North team accepted: the same NHS number as {kit.client_ref}"
    )


# --- No form or model check answers about people outside the user's scope ------------------


def test_only_the_person_record_holds_an_nhs_number_that_must_be_unique():
    from django.apps import apps

    unique = {
        model
        for model in apps.get_models()
        for field in model._meta.fields
        if field.name == "nhs_number"
        and (
            field.unique
            or any(
                isinstance(c, UniqueConstraint) and "nhs_number" in c.fields
                for c in model._meta.constraints
            )
        )
    }
    # Another model with a unique NHS number needs the same care as `ServiceUser`'s.
    assert unique == {ServiceUser}


def test_the_model_check_says_nothing_of_who_holds_an_nhs_number(jo_has_a_number, kit):
    kit.nhs_number = HELD

    kit.full_clean()  # the claim decides, and the database refuses a second holder


def person_forms() -> list[type[ModelForm]]:
    found, seen = [], [ModelForm]
    while seen:
        for form in seen.pop().__subclasses__():
            seen.append(form)
            if getattr(form._meta, "model", None) is ServiceUser:
                found.append(form)
    return found


def test_every_form_of_a_person_says_nothing_of_who_holds_an_nhs_number(bob, kit, jo_has_a_number):
    forms = person_forms()
    assert {ServiceUserForm, PersonAddForm} <= set(forms)
    for form_class in forms:
        for instance in (kit, ServiceUser()):
            data = as_posted(kit, nhs_number=HELD, different_person="on")
            form = form_class(data, user=bob, instance=instance)
            assert (form_class, instance.pk, form.is_valid(), form.errors) == (
                form_class,
                instance.pk,
                True,
                {},
            )
