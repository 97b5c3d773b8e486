"""The safeguarding record: children (no names, dated, changes kept), safe storage,
protection referrals and concerns, written by the person's team at the field in a
keyworker's words, never deleted, out of reach of other teams."""

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.urls import reverse

from care.models import (
    CHILD_AN_ADULT,
    CHILD_NAMED,
    CONCERN_CLOSED_BEFORE_RAISED,
    CONCERN_NEEDS_ROLE,
    PROTECTION_OTHER_AGENCY,
    PROTECTION_OUTCOME_BEFORE_REFERRAL,
    SAFEGUARDING_DATE_IN_THE_FUTURE,
    SUPERVISED_SINCE_WITHOUT_YES,
    ChildInContact,
    ProtectionReferral,
    SafeguardingConcern,
    SafeStorage,
)
from care.services import safe_storage_record
from tests.care.factories import child_of, concern_of, protection_referral_of
from tests.factories import ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db


def url(name: str, person) -> str:
    return reverse(name, args=[person.external_id])


def page(client, person) -> str:
    response = client.get(url("person_detail", person))
    assert response.status_code == 200
    return response.content.decode()


def child_data(**changes) -> dict:
    return {
        "label": "Child 1",
        "year_of_birth": str(days_ago(0).year - 4),
        "lives_with": "lives_with",
        "other_carer": "the child's father",
        "social_care": "child_in_need",
        "recorded_on": days_ago(0).isoformat(),
        **changes,
    }


# --- Children ---------------------------------------------------------------------------


def test_a_keyworker_adds_a_child_without_a_name_and_it_shows_on_the_page(client_as, alice, jo):
    client = client_as(alice)

    response = client.post(url("child_in_contact_edit", jo), child_data())

    assert response.status_code == 302
    child = ChildInContact.objects.get(service_user=jo)
    assert (child.label, child.recorded_by, child.social_care) == (
        "Child 1",
        alice,
        "child_in_need",
    )
    content = page(client, jo)
    assert "Child 1" in content
    assert "children's social care: child in need" in content


def test_an_age_is_kept_as_a_year_of_birth(client_as, alice, jo):
    data = child_data(year_of_birth="", age="7")

    assert client_as(alice).post(url("child_in_contact_edit", jo), data).status_code == 302

    assert ChildInContact.objects.get(service_user=jo).year_of_birth == days_ago(0).year - 7


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"label": "Jayden"}, "label", CHILD_NAMED),
        ({"label": "Jayden Smith"}, "label", CHILD_NAMED),
        ({"year_of_birth": str(days_ago(0).year + 1)}, "year_of_birth", None),
        ({"year_of_birth": str(days_ago(0).year - 30)}, "year_of_birth", CHILD_AN_ADULT),
        ({"year_of_birth": "", "age": ""}, "year_of_birth", None),
        ({"recorded_on": days_ago(-2).isoformat()}, "recorded_on", SAFEGUARDING_DATE_IN_THE_FUTURE),
        ({"age": "1"}, "age", None),
    ],
)
def test_a_child_badly_recorded_is_refused_at_the_field_and_nothing_is_written(
    client_as, alice, jo, changes, field, message
):
    response = client_as(alice).post(url("child_in_contact_edit", jo), child_data(**changes))

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    if message:
        assert message in errors[field]
    assert not ChildInContact.objects.exists()


def test_a_change_to_a_child_is_re_dated_and_the_history_keeps_the_earlier(client_as, alice, jo):
    child = child_of(jo, alice, recorded_on=days_ago(60))
    client = client_as(alice)
    edit = url("child_in_contact_edit", jo) + f"?child={child.external_id}"

    assert client.get(edit).status_code == 200
    response = client.post(edit, child_data(label="A", lives_with="in_contact"))

    assert response.status_code == 302
    assert ChildInContact.objects.count() == 1
    child.refresh_from_db()
    assert (child.lives_with, child.recorded_on) == ("in_contact", days_ago(0))
    history = list(child.history.order_by("pgh_id").values_list("lives_with", "recorded_on"))
    assert history == [("lives_with", days_ago(60)), ("in_contact", days_ago(0))]


def test_a_child_asked_for_by_a_bad_id_is_a_bad_request_and_anothers_child_is_not_found(
    client_as, alice, jo, north
):
    other = ServiceUserFactory(team=north, keyworker=alice)
    theirs = child_of(other, alice)
    client = client_as(alice)
    edit = url("child_in_contact_edit", jo)

    assert client.get(edit + "?child=not-an-id").status_code == 400
    assert client.get(edit + f"?child={theirs.external_id}").status_code == 404
    refused = client.post(edit + f"?child={theirs.external_id}", child_data(label="Z"))
    assert refused.status_code == 404
    theirs.refresh_from_db()
    assert theirs.label == "A"


# --- Safe storage ------------------------------------------------------------------------


def test_safe_storage_is_recorded_and_changed_in_place_with_its_history(client_as, alice, jo):
    client = client_as(alice)
    first = {"storage_discussed_on": days_ago(3).isoformat(), "supervised_consumption": "false"}
    later = {
        "storage_discussed_on": days_ago(3).isoformat(),
        "locked_box_given_on": days_ago(0).isoformat(),
        "supervised_consumption": "true",
        "supervised_since": days_ago(1).isoformat(),
    }

    assert client.post(url("safe_storage_edit", jo), first).status_code == 302
    assert client.post(url("safe_storage_edit", jo), later).status_code == 302

    storage = SafeStorage.objects.get(service_user=jo)
    assert (storage.locked_box_given_on, storage.supervised_since) == (days_ago(0), days_ago(1))
    assert storage.history.count() == 2
    assert f"given {days_ago(0):%d/%m/%Y}" in page(client, jo)


def test_a_supervised_since_date_without_supervision_is_refused_at_the_field(client_as, alice, jo):
    data = {"supervised_consumption": "false", "supervised_since": days_ago(5).isoformat()}

    response = client_as(alice).post(url("safe_storage_edit", jo), data)

    assert response.status_code == 400
    assert SUPERVISED_SINCE_WITHOUT_YES in response.context["form"].errors["supervised_since"]
    assert not SafeStorage.objects.exists()


# --- Protection referrals ----------------------------------------------------------------


def test_a_protection_referral_is_chased_14_days_on_unless_another_date_is_given(
    client_as, alice, jo
):
    data = {
        "agency": "childrens_social_care",
        "reason": "Child found with a methadone bottle.",
        "made_on": days_ago(2).isoformat(),
    }

    assert client_as(alice).post(url("protection_referral_create", jo), data).status_code == 302

    referral = ProtectionReferral.objects.get(service_user=jo)
    assert (referral.chase_on, referral.outcome, referral.made_by) == (days_ago(-12), "", alice)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"agency": "other"}, "agency_other", PROTECTION_OTHER_AGENCY),
        ({"made_on": days_ago(-1).isoformat()}, "made_on", SAFEGUARDING_DATE_IN_THE_FUTURE),
        ({"chase_on": days_ago(5).isoformat()}, "chase_on", None),
        ({"reason": ""}, "reason", "Say why the referral was made."),
    ],
)
def test_a_protection_referral_badly_recorded_is_refused_at_the_field(
    client_as, alice, jo, changes, field, message
):
    data = {"agency": "marac", "reason": "High-risk DASH.", "made_on": days_ago(2).isoformat()}

    response = client_as(alice).post(url("protection_referral_create", jo), {**data, **changes})

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors, errors
    if message:
        assert message in errors[field]
    assert not ProtectionReferral.objects.exists()


def test_a_referrals_outcome_closes_it_and_an_outcome_before_it_was_made_is_refused(
    client_as, alice, jo
):
    referral = protection_referral_of(jo, alice, made=10)
    client = client_as(alice)
    outcome = url("protection_referral_outcome", jo)
    early = {
        "referral": str(referral.external_id),
        "outcome": "section_47",
        "outcome_on": days_ago(12).isoformat(),
    }

    refused = client.post(outcome, early)
    assert refused.status_code == 400
    assert PROTECTION_OUTCOME_BEFORE_REFERRAL in str(refused.context["form"].errors)
    referral.refresh_from_db()
    assert referral.is_open

    assert client.post(outcome, {**early, "outcome_on": days_ago(3).isoformat()}).status_code == 302
    referral.refresh_from_db()
    assert (referral.outcome, referral.outcome_on, referral.outcome_recorded_by) == (
        "section_47",
        days_ago(3),
        alice,
    )
    assert "Section 47 enquiry" in page(client, jo)


# --- Concerns ----------------------------------------------------------------------------


def test_a_concern_of_domestic_abuse_says_the_persons_part_or_is_refused(client_as, alice, jo):
    data = {"kind": "domestic_abuse", "raised_on": days_ago(1).isoformat(), "note": "Disclosed."}
    client = client_as(alice)

    refused = client.post(url("safeguarding_concern_create", jo), data)
    assert refused.status_code == 400
    assert CONCERN_NEEDS_ROLE in refused.context["form"].errors["abuse_role"]
    assert not SafeguardingConcern.objects.exists()

    made = client.post(url("safeguarding_concern_create", jo), {**data, "abuse_role": "both"})
    assert made.status_code == 302
    assert SafeguardingConcern.objects.get().description == "Domestic abuse (both)"


def test_exploitation_needs_its_kind_and_a_concern_closes_on_or_after_it_was_raised(
    client_as, alice, jo
):
    client = client_as(alice)
    data = {"kind": "exploitation", "raised_on": days_ago(9).isoformat(), "note": "Flat used."}
    assert client.post(url("safeguarding_concern_create", jo), data).status_code == 400
    data["exploitation"] = "cuckooing"
    assert client.post(url("safeguarding_concern_create", jo), data).status_code == 302
    concern = SafeguardingConcern.objects.get()
    close = url("safeguarding_concern_close", jo)

    early = client.post(
        close, {"concern": str(concern.external_id), "closed_on": days_ago(10).isoformat()}
    )
    assert early.status_code == 400
    assert CONCERN_CLOSED_BEFORE_RAISED in str(early.context["form"].errors)

    done = client.post(
        close, {"concern": str(concern.external_id), "closed_on": days_ago(1).isoformat()}
    )
    assert done.status_code == 302
    concern.refresh_from_db()
    assert (concern.closed_on, concern.closed_by) == (days_ago(1), alice)


# --- Never deleted, and who may -----------------------------------------------------------


def test_no_safeguarding_record_is_ever_deleted(alice, jo):
    records = [
        child_of(jo, alice),
        protection_referral_of(jo, alice),
        concern_of(jo, alice),
        safe_storage_record(
            service_user=jo,
            updated_by=alice,
            locked_box_given_on=None,
            storage_discussed_on=days_ago(1),
            supervised_consumption=None,
            supervised_since=None,
        ),
    ]
    for record in records:
        with (
            pytest.raises((InternalError, ProgrammingError, IntegrityError), match="never deleted"),
            transaction.atomic(),
        ):
            record.delete()
        assert type(record).objects.filter(pk=record.pk).exists()


ROUTES = [
    "child_in_contact_edit",
    "safe_storage_edit",
    "protection_referral_create",
    "protection_referral_outcome",
    "safeguarding_concern_create",
    "safeguarding_concern_close",
]


@pytest.mark.parametrize("name", ROUTES)
def test_another_teams_keyworker_finds_no_such_person_and_governance_only_reads(
    client_as, alice, bob, gina, jo, name
):
    assert client_as(alice).get(url(name, jo)).status_code == 200
    assert client_as(bob).get(url(name, jo)).status_code == 404
    assert client_as(bob).post(url(name, jo), child_data()).status_code == 404
    assert client_as(gina).post(url(name, jo), child_data()).status_code == 403
    assert not ChildInContact.objects.exists()


def test_a_referral_or_concern_of_another_person_cannot_be_closed_from_this_one(
    client_as, alice, jo, north
):
    other = ServiceUserFactory(team=north, keyworker=alice)
    referral = protection_referral_of(other, alice)
    concern = concern_of(other, alice)
    client = client_as(alice)

    outcome = client.post(
        url("protection_referral_outcome", jo),
        {
            "referral": str(referral.external_id),
            "outcome": "accepted",
            "outcome_on": days_ago(0).isoformat(),
        },
    )
    close = client.post(
        url("safeguarding_concern_close", jo),
        {"concern": str(concern.external_id), "closed_on": days_ago(0).isoformat()},
    )

    assert (outcome.status_code, close.status_code) == (400, 400)
    referral.refresh_from_db()
    concern.refresh_from_db()
    assert referral.is_open
    assert concern.is_open
