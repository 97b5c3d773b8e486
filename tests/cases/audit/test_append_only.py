"""Both audit stores refuse UPDATE and DELETE at the database, whoever asks."""

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from pghistory.models import Event as PghEvent

from cases.models import AccessEvent, ServiceUser
from commissioning.models import ApiRequestLog
from risk.models import Flag
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db


def event_models() -> list:
    return [
        m
        for m in apps.get_models()
        if issubclass(m, PghEvent) and not m._meta.abstract and not m._meta.proxy
    ]


# What the append-only triggers say: pghistory's protection, and Lantern's own on the
# two read stores. Any other error (a typo in the statement) is not a refusal.
REFUSALS = ("pgtrigger: Cannot update or delete rows", "is append-only:")


def refused(statement: str, params=()) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except DatabaseError as error:
        return any(refusal in str(error) for refusal in REFUSALS)
    return False


def test_history_rows_refuse_update_and_delete_in_raw_sql(jo):
    ServiceUser.objects.filter(pk=jo.pk).update(phone="07700900123")
    flag = make_flag(jo, tier="high")
    Flag.objects.filter(pk=flag.pk).update(score=9)
    for model, obj in (
        (apps.get_model("cases", "ServiceUserEvent"), jo),
        (apps.get_model("risk", "FlagEvent"), flag),
    ):
        table = model._meta.db_table
        ids = list(model.objects.filter(pgh_obj=obj).values_list("pgh_id", flat=True))
        assert len(ids) == 2, table  # the insert and the update
        assert refused(f"UPDATE {table} SET pgh_label = 'x' WHERE pgh_id = %s", [ids[0]]), table
        assert refused(f"DELETE FROM {table} WHERE pgh_id = %s", [ids[0]]), table
        assert refused(f"DELETE FROM {table}"), table
        assert model.objects.filter(pgh_obj=obj).count() == 2, table


def test_every_history_table_has_the_append_only_trigger():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE 'pgtrigger_append_only_%%'"
        )
        protected = {name for (name,) in cursor.fetchall()}
    assert {m._meta.db_table for m in event_models()} <= protected


def test_an_access_event_cannot_be_changed_or_deleted(client_as, alice, jo):
    client_as(alice).get(reverse("person_detail", args=[jo.external_id]))
    event = AccessEvent.objects.get()
    assert refused("UPDATE cases_accessevent SET username = 'someone' WHERE id = %s", [event.pk])
    assert refused("UPDATE cases_accessevent SET rows = 5 WHERE id = %s", [event.pk])
    assert refused("DELETE FROM cases_accessevent WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessEvent.objects.filter(pk=event.pk).delete()
    assert AccessEvent.objects.get().username == "alice"


def test_an_export_may_have_its_row_count_filled_in_once_and_nothing_else(tess, jo):
    from cases.models import AccessKind

    event = AccessEvent.objects.create(
        user=tess,
        username="tess",
        role=tess.role,
        kind=AccessKind.EXPORT,
        view="ndtms_download",
        path="/data/ndtms/extract.csv",
        request_id="r" * 32,
    )
    assert refused(
        "UPDATE cases_accessevent SET rows = 3, username = 'x' WHERE id = %s", [event.pk]
    )
    assert not refused("UPDATE cases_accessevent SET rows = 3 WHERE id = %s", [event.pk])
    assert refused("UPDATE cases_accessevent SET rows = 4 WHERE id = %s", [event.pk])
    event.refresh_from_db()
    assert event.rows == 3


def test_a_record_read_cannot_have_a_row_count_filled_in_later(client_as, alice, jo):
    client_as(alice).get(reverse("person_detail", args=[jo.external_id]))
    event = AccessEvent.objects.get()
    assert event.rows is None
    assert refused("UPDATE cases_accessevent SET rows = 1 WHERE id = %s", [event.pk])


def test_the_api_log_allows_only_finishing_a_stream_once(cora):
    streaming = ApiRequestLog.objects.create(
        user=cora,
        username="cora",
        method="GET",
        path="/api/v1/extracts/people/",
        status=200,
        format="csv",
        complete=False,
    )
    done = ApiRequestLog.objects.create(
        user=cora, username="cora", method="GET", path="/api/v1/", status=200, duration_ms=3
    )
    # Anything else about a streaming row is refused, as is finishing a finished one.
    assert refused("UPDATE cases_apirequestlog SET status = 500 WHERE id = %s", [streaming.pk])
    assert refused(
        "UPDATE cases_apirequestlog SET rows = 1, duration_ms = 2, path = '/' WHERE id = %s",
        [streaming.pk],
    )
    assert refused(
        "UPDATE cases_apirequestlog SET rows = 1, duration_ms = 2 WHERE id = %s", [done.pk]
    )
    assert not refused(
        "UPDATE cases_apirequestlog SET rows = 7, complete = true, duration_ms = 9 WHERE id = %s",
        [streaming.pk],
    )
    assert refused(
        "UPDATE cases_apirequestlog SET rows = 8, complete = true, duration_ms = 9 WHERE id = %s",
        [streaming.pk],
    )
    assert refused("DELETE FROM cases_apirequestlog WHERE id = %s", [done.pk])
    streaming.refresh_from_db()
    assert (streaming.rows, streaming.complete) == (7, True)


def test_removing_an_account_leaves_its_audit_rows_untouched(client_as, alice, jo, bob):
    client_as(alice).get(reverse("person_detail", args=[jo.external_id]))
    ApiRequestLog.objects.create(
        user=bob, username="bob", method="GET", path="/api/v1/", status=200, duration_ms=1
    )
    jo.keyworker = None
    jo.save()
    alice.delete()
    bob.delete()
    assert AccessEvent.objects.get().username == "alice"
    assert ApiRequestLog.objects.get().username == "bob"


def test_a_person_can_still_be_removed_with_their_history_kept(jo):
    person_id, reference = jo.pk, jo.client_ref
    jo.delete()
    history = apps.get_model("cases", "ServiceUserEvent").objects.filter(pgh_obj_id=person_id)
    assert [e.pgh_label for e in history.order_by("pgh_id")] == ["insert", "delete"]
    assert history.order_by("pgh_id").last().client_ref == reference
