"""A form whose save writes several rows leaves none of them when a later write fails.

Each test submits a real form through its page while the test database refuses the service's
last write (a trigger raising as a constraint would), then checks that the earlier writes of
the same submission are gone too.
"""

import pytest
from django.db import connection
from django.urls import reverse

from deathreviews.models import Review, ReviewSnapshot
from risk.models import Flag, OutreachAttempt
from tests.factories import days_ago
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def refuse():
    """refuse("INSERT", "table"): make the database refuse that write from now on."""

    def install(operation: str, table: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                CREATE OR REPLACE FUNCTION refuse_write() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'refused' USING ERRCODE = 'check_violation'; END $$
                """
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_write BEFORE {operation} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_write()"
            )

    return install


def test_a_death_notification_whose_snapshot_fails_leaves_no_review_and_no_date_of_death(
    client_as, gina, jo, refuse
):
    make_flag(jo, raised_on=days_ago(20))
    refuse("INSERT", "deathreviews_reviewsnapshot")
    client = client_as(gina)
    client.raise_request_exception = False

    response = client.post(
        reverse("review_notify"),
        {
            "kind": "drug_death",
            "person_ref": jo.client_ref,
            "occurred_on": days_ago(2).isoformat(),
            "notified_on": days_ago(1).isoformat(),
            "notification_source": "police",
            "reviewer": gina.pk,
        },
    )

    assert response.status_code == 500
    assert not Review.objects.exists()
    assert not ReviewSnapshot.objects.exists()
    jo.refresh_from_db()
    assert jo.date_of_death is None
    assert Flag.objects.get(service_user=jo).ended_on is None


def test_an_outreach_attempt_whose_flag_update_fails_is_not_kept(client_as, alice, jo, refuse):
    flag = make_flag(jo)
    refuse("UPDATE", "risk_flag")
    client = client_as(alice)
    client.raise_request_exception = False

    response = client.post(
        reverse("outreach_attempt_create", args=[jo.external_id]),
        {"attempted_on": days_ago(0), "method": "phone", "outcome": "contacted"},
    )

    assert response.status_code == 500
    assert not OutreachAttempt.objects.exists()
    flag.refresh_from_db()
    assert flag.status == Flag.Status.RAISED
