"""The snapshot takes the care record as it stood on the date of death, frozen with the rest."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from care import services as care
from care.models import SafeStorage
from deathreviews.models import ReviewSnapshot
from tests.care.factories import (
    assessment_of,
    bbv_test_of,
    child_of,
    concern_of,
    goal_of,
    hep_b_dose_of,
    plan_of,
    protection_referral_of,
)
from tests.conftest import sign_in_verified
from tests.deathreviews.conftest import notify
from tests.factories import days_ago

pytestmark = pytest.mark.django_db

DIED = 5


@pytest.fixture
def cared_for(jo, alice):
    """Jo's care record, with a step of each kind taken after the death (on the record
    today, as a late entry would be): none of those may be in the snapshot."""
    plan = plan_of(jo, alice, agreed=100)
    housing = goal_of(plan, alice, domain="housing", what="Keep the tenancy")
    money = goal_of(plan, alice, domain="money", what="Clear rent arrears")
    using = goal_of(plan, alice, domain="substance_use", what="Stop using on top")
    care.plan_review_record(
        plan=plan,
        recorded_by=alice,
        reviewed_on=days_ago(50),
        who="Jo and keyworker",
        summary="Arrears cleared.",
        closing={money: "achieved"},
    )
    care.plan_goal_change(goal=using, state="achieved", state_on=days_ago(2))
    assert housing.is_open

    assessment_of(
        jo, alice, day=30, uses_alone="yes", judgement="high", plan_contacts="Sam (sister)"
    )
    assessment_of(jo, alice, day=2, judgement="low")

    child = child_of(jo, alice, label="A", recorded_on=days_ago(60))
    care.child_in_contact_record(
        service_user=jo,
        recorded_by=alice,
        child=child,
        label="A",
        year_of_birth=child.year_of_birth,
        lives_with="no_contact",
        social_care="looked_after",
        recorded_on=days_ago(1),
    )
    care.safe_storage_record(
        service_user=jo,
        updated_by=alice,
        locked_box_given_on=days_ago(20),
        storage_discussed_on=None,
        supervised_consumption=True,
        supervised_since=days_ago(20),
    )
    # As recorded 20 days ago; then changed after the death.
    SafeStorage.objects.filter(service_user=jo).update(
        updated_at=timezone.make_aware(datetime.datetime.combine(days_ago(20), datetime.time(12)))
    )
    care.safe_storage_record(
        service_user=jo,
        updated_by=alice,
        locked_box_given_on=days_ago(20),
        storage_discussed_on=days_ago(1),
        supervised_consumption=False,
        supervised_since=None,
    )
    referral = protection_referral_of(jo, alice, made=20)
    care.protection_referral_outcome_record(
        referral=referral, outcome="accepted", outcome_on=days_ago(1), recorded_by=alice
    )
    concern = concern_of(jo, alice, raised=10)
    care.safeguarding_concern_close(concern=concern, closed_on=days_ago(2), closed_by=alice)

    bbv_test_of(jo, alice, offered=40, tested=40, result="positive", result_on=35)
    bbv_test_of(jo, alice, virus="hcv_rna", offered=30, tested=30, result="positive", result_on=3)
    hep_b_dose_of(jo, alice, number=1, given=60)
    hep_b_dose_of(jo, alice, number=2, given=2)
    for day in (15, 8, 1):
        care.nsp_contact_record(
            team=jo.team,
            service_user=jo,
            recorded_by=alice,
            contact_on=days_ago(day),
            needles_syringes=day,
        )
    # A new plan after the death replaces the one in force then.
    plan_of(jo, alice, agreed=1)
    return jo


def _care(gina, jo) -> dict:
    return notify(gina, person=jo, occurred_on=days_ago(DIED)).snapshot.data["care"]


def test_the_plan_in_force_is_held_with_its_goals_as_they_stood(gina, cared_for):
    plan = _care(gina, cared_for)["plan"]

    assert plan["agreed_on"] == days_ago(100).isoformat()
    assert plan["reviews"] == 1
    assert plan["last_reviewed_on"] == days_ago(50).isoformat()
    assert plan["review_due_on"] == (days_ago(50) + datetime.timedelta(weeks=12)).isoformat()
    assert plan["review_overdue"] is False
    goals = {g["what"]: (g["domain"], g["state"], g["state_on"]) for g in plan["goals"]}
    assert goals == {
        "Keep the tenancy": ("housing", "open", None),
        "Clear rent arrears": ("money", "achieved", days_ago(50).isoformat()),
        "Stop using on top": ("substance_use", "open", None),
    }


def test_the_latest_assessment_before_the_death_is_held_with_its_safety_plan(gina, cared_for):
    assessment = _care(gina, cared_for)["assessment"]

    assert assessment["assessed_on"] == days_ago(30).isoformat()
    assert assessment["judgement"] == "high"
    assert assessment["uses_alone"] == "yes"
    assert assessment["plan_contacts"] == "Sam (sister)"
    assert assessment["plan_step_labels"] == ["Not use alone, or tell someone first"]
    assert assessment["naloxone_held"] == "yes"


def test_safeguarding_is_held_as_it_stood_on_the_date(gina, cared_for):
    safeguarding = _care(gina, cared_for)["safeguarding"]

    (child,) = safeguarding["children"]
    assert (child["label"], child["lives_with"], child["social_care"]) == (
        "A",
        "lives_with",
        "none",
    )
    storage = safeguarding["safe_storage"]
    assert storage["locked_box_given_on"] == days_ago(20).isoformat()
    assert storage["storage_discussed_on"] is None
    assert storage["supervised_consumption"] is True
    (referral,) = safeguarding["protection_referrals"]
    assert referral["open"] is True
    assert referral["outcome"] == ""
    (concern,) = safeguarding["concerns"]
    assert concern["open"] is True
    assert concern["closed_on"] is None


def test_tests_vaccination_and_needle_exchange_are_held_to_the_date(gina, cared_for):
    health = _care(gina, cared_for)["health"]

    assert [t["in_words"] for t in health["bbv_tests"]] == [
        f"Hepatitis C antibody: positive ({days_ago(40):%d/%m/%Y})",
        f"Hepatitis C RNA (PCR): tested {days_ago(30):%d/%m/%Y}, result not known yet",
    ]
    assert health["hep_b_doses"] == 1
    assert health["last_nsp_contact"]["contact_on"] == days_ago(8).isoformat()
    assert health["last_nsp_contact"]["given"] == "8 needles and syringes"
    assert health["nsp_contacts_in_window"] == 2


def test_the_care_record_in_the_snapshot_does_not_move_with_the_live_record(gina, cared_for, alice):
    review = notify(gina, person=cared_for, occurred_on=days_ago(DIED))
    frozen = ReviewSnapshot.objects.get(review=review).data

    assessment_of(cared_for, alice, day=6, judgement="very_high")
    bbv_test_of(cared_for, alice, virus="hiv", offered=7)

    assert ReviewSnapshot.objects.get(review=review).data == frozen
    assert frozen["care"]["assessment"]["judgement"] == "high"


def test_someone_with_no_care_record_has_an_empty_one(gina, jo):
    assert _care(gina, jo) == {
        "plan": None,
        "assessment": None,
        "safeguarding": {
            "children": [],
            "safe_storage": None,
            "protection_referrals": [],
            "concerns": [],
        },
        "health": {
            "bbv_tests": [],
            "hep_b_steps": [],
            "hep_b_doses": 0,
            "last_nsp_contact": None,
            "nsp_contacts_in_window": 0,
        },
    }


def test_the_snapshot_page_shows_the_care_record(client, gina, cared_for):
    review = notify(gina, person=cared_for, occurred_on=days_ago(DIED))

    page = sign_in_verified(client, gina).get(reverse("review_snapshot", args=[review.external_id]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "The care record" in text
    assert "Keep the tenancy" in text
    assert "the practitioner judged their overdose risk high" in text
    assert "Protection referral to Children&#x27;s social care" in text
    assert "awaiting its outcome" in text
    assert f"last contact {days_ago(8):%d/%m/%Y}" in text
