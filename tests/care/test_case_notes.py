"""Case notes: written by the person's team, shown newest first on their page a page at a
time, never changed or deleted (a correction is a new note), with the write history."""

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.urls import reverse

from care.models import NOTE_EMPTY, NOTE_IN_THE_FUTURE, CaseNote
from tests.care.factories import note_of
from tests.factories import ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db


def url(person) -> str:
    return reverse("case_note_create", args=[person.external_id])


def page(person) -> str:
    return reverse("person_detail", args=[person.external_id])


def test_a_keyworker_writes_a_note_and_finds_it_on_the_persons_page(client_as, alice, jo):
    client = client_as(alice)
    response = client.post(
        url(jo),
        {"note_date": days_ago(0).isoformat(), "kind": "phone", "text": "Rang about his script."},
    )

    assert response.status_code == 302
    assert response["Location"] == page(jo)
    note = CaseNote.objects.get(service_user=jo)
    assert (note.written_by, note.kind, note.text) == (alice, "phone", "Rang about his script.")
    assert note.history.count() == 1
    content = client.get(page(jo)).content.decode()
    assert "Rang about his script." in content
    assert "Phone call" in content


def test_another_teams_keyworker_finds_no_such_person_and_writes_nothing(client_as, bob, jo):
    client = client_as(bob)
    assert client.get(url(jo)).status_code == 404
    response = client.post(
        url(jo), {"note_date": days_ago(0).isoformat(), "kind": "other", "text": "x"}
    )
    assert response.status_code == 404
    assert not CaseNote.objects.exists()


def test_governance_reads_notes_but_does_not_write_them(client_as, gina, alice, jo):
    note_of(jo, alice, text="Keywork: talked about cutting down.")
    client = client_as(gina)

    content = client.get(page(jo)).content.decode()
    refused = client.post(
        url(jo), {"note_date": days_ago(0).isoformat(), "kind": "other", "text": "x"}
    )

    assert "Keywork: talked about cutting down." in content
    assert "Write a note" not in content
    assert refused.status_code == 403
    assert CaseNote.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"note_date": days_ago(-1).isoformat(), "text": "Tomorrow"},
            "note_date",
            NOTE_IN_THE_FUTURE,
        ),
        ({"note_date": days_ago(0).isoformat(), "text": "   "}, "text", NOTE_EMPTY),
        ({"note_date": days_ago(0).isoformat(), "text": ""}, "text", NOTE_EMPTY),
    ],
)
def test_a_bad_note_is_refused_at_its_field_and_nothing_is_written(
    client_as, alice, jo, data, field, message
):
    response = client_as(alice).post(url(jo), {"kind": "keywork", **data})

    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert not CaseNote.objects.exists()


def test_a_correction_is_a_new_note_that_names_the_one_it_corrects(client_as, alice, jo):
    wrong = note_of(jo, alice, day=3, text="Collected 7 days of methadone.")
    client = client_as(alice)
    form = client.get(url(jo), {"corrects": str(wrong.external_id)}).context["form"]
    assert form["corrects"].value() == str(wrong.external_id)

    response = client.post(
        url(jo),
        {
            "note_date": days_ago(0).isoformat(),
            "kind": "other",
            "text": "Correction: 3 days of methadone, not 7.",
            "corrects": str(wrong.external_id),
        },
    )

    assert response.status_code == 302
    correction = CaseNote.objects.exclude(pk=wrong.pk).get()
    assert correction.corrects == wrong
    wrong.refresh_from_db()
    assert wrong.text == "Collected 7 days of methadone."
    assert f"Corrects the note of {days_ago(3):%d/%m/%Y}" in client.get(page(jo)).content.decode()


def test_a_note_cannot_correct_another_persons_note(client_as, alice, jo, north):
    kit = ServiceUserFactory(team=north, keyworker=alice)
    theirs = note_of(kit, alice)

    response = client_as(alice).post(
        url(jo),
        {
            "note_date": days_ago(0).isoformat(),
            "kind": "other",
            "text": "Correction.",
            "corrects": str(theirs.external_id),
        },
    )

    assert response.status_code == 400
    assert response.context["form"].errors["corrects"]
    assert CaseNote.objects.filter(service_user=jo).count() == 0


def test_the_database_refuses_to_change_or_delete_a_note(alice, jo):
    note = note_of(jo, alice)
    refused = (IntegrityError, InternalError, ProgrammingError)
    with pytest.raises(refused, match="never changed or deleted"), transaction.atomic():
        CaseNote.objects.filter(pk=note.pk).update(text="Something else")
    with pytest.raises(refused, match="never changed or deleted"), transaction.atomic():
        CaseNote.objects.filter(pk=note.pk).delete()
    note.refresh_from_db()
    assert note.text == "Seen at the hub."


def test_notes_show_newest_first_a_page_at_a_time(client_as, alice, jo):
    for day in range(25):
        note_of(jo, alice, day=day, text=f"Note from {day} days ago.")
    client = client_as(alice)

    first = client.get(page(jo)).context["case_notes"]
    last = client.get(page(jo), {"notes": 3}).context["case_notes"]
    nonsense = client.get(page(jo), {"notes": "x'; DROP"})

    assert [n.text for n in first][:2] == ["Note from 0 days ago.", "Note from 1 days ago."]
    assert len(first) == 10
    assert [n.text for n in last] == [f"Note from {day} days ago." for day in range(20, 25)]
    assert nonsense.status_code == 400  # not a page number: refused, not the first page
