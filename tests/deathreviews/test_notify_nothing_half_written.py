"""A death notification, whose save writes several rows, leaves none of them when a later
write fails.

The test submits the real form through its page while the test database refuses the service's
last write (a trigger raising as a constraint would; the `refuse` fixture), then checks that
the earlier writes of the same submission are gone too.
"""

import pytest
from django.urls import reverse

from deathreviews.models import Review, ReviewSnapshot
from risk.models import Flag
from tests.factories import days_ago
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db


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
