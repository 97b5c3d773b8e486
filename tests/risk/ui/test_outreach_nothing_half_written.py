"""An outreach attempt, whose save also updates its flag, is not kept when the flag's update
fails.

The test submits the real form through its page while the test database refuses the flag's
update (a trigger raising as a constraint would; the `refuse` fixture), then checks that the
attempt written earlier in the same submission is gone too.
"""

import pytest
from django.urls import reverse

from risk.models import Flag, OutreachAttempt
from tests.factories import days_ago
from tests.risk.ui.conftest import make_flag

pytestmark = pytest.mark.django_db


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
