"""The case-file audit's draw, prefill and judgements: the sample is random but repeatable,
each checklist says what the record says in a fixed number of queries, and a completed
round is frozen and never deleted."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from care.models import AuditCheck, AuditedPerson, AuditItem, AuditRound, DataSays
from care.selectors import audit_prefill, eligible_people
from care.services import (
    NO_ONE_TO_AUDIT,
    ROUND_COMPLETED,
    audit_checks_judge,
    audit_round_draw,
    draw_sample,
    safe_storage_record,
)
from cases.models import InjectingStatus
from tests.care.factories import assessment_of, bbv_test_of, child_of, plan_of
from tests.factories import (
    EpisodeFactory,
    NaloxoneSupplyFactory,
    ServiceUserFactory,
    TopFactory,
    days_ago,
    discharge_reason,
)

pytestmark = pytest.mark.django_db

TODAY = days_ago(0)


def in_treatment(team, keyworker=None, *, started: int = 100, **episode):
    person = ServiceUserFactory(team=team, keyworker=keyworker)
    EpisodeFactory(
        service_user=person,
        referral_date=days_ago(started + 7),
        start_date=days_ago(started),
        **episode,
    )
    return person


def says(person, on=TODAY) -> dict[str, tuple[str, str]]:
    return {p.item: (p.data_says, p.fact) for p in audit_prefill([person.pk], on=on)[person.pk]}


def judge_all(audited, user, judgement="agree", comment=""):
    return audit_checks_judge(
        audited=audited,
        judged_by=user,
        judgements={item: (judgement, comment) for item in AuditItem.values},
    )


# --- The draw ----------------------------------------------------------------------


def test_the_same_pool_and_seed_draw_the_same_people_and_another_seed_others():
    pool = list(range(1, 101))
    first = draw_sample(pool, size=10, seed=42)
    assert first == draw_sample(pool, size=10, seed=42)
    assert first != draw_sample(pool, size=10, seed=43)
    assert len(set(first)) == 10
    assert set(first) <= set(pool)
    assert sorted(draw_sample(pool[:4], size=10, seed=42)) == pool[:4]


def test_a_round_draws_only_the_teams_people_in_treatment_whom_the_drawer_may_see(
    north, south, tess, gina, alice
):
    in_north = [in_treatment(north, alice) for _ in range(3)]
    left = in_treatment(
        north, alice, discharge_date=days_ago(5), discharge_reason=discharge_reason("dropped_out")
    )
    never_started = ServiceUserFactory(team=north)
    in_treatment(south)

    assert set(eligible_people(tess, north)) == set(in_north)
    assert not eligible_people(tess, south).exists()  # not tess's team
    assert set(eligible_people(gina, north)) == set(in_north)
    assert never_started not in eligible_people(gina, north)
    assert left not in eligible_people(gina, north)

    round_ = audit_round_draw(team=north, drawn_by=tess, sample_size=2, seed=7)

    drawn = list(round_.people.order_by("position").values_list("service_user_id", flat=True))
    assert len(drawn) == 2
    assert set(drawn) <= {p.pk for p in in_north}
    assert round_.eligible == 3
    assert round_.seed == 7
    assert round_.drawn_on == TODAY
    ids = sorted(p.pk for p in in_north)
    assert drawn == draw_sample(ids, size=2, seed=7)
    assert AuditCheck.objects.filter(audited__round=round_).count() == 2 * len(AuditItem)


def test_a_team_with_no_one_in_treatment_cannot_be_audited(north, gina):
    with pytest.raises(ValidationError) as refused:
        audit_round_draw(team=north, drawn_by=gina, sample_size=10)
    assert refused.value.message_dict == {"team": [NO_ONE_TO_AUDIT]}
    assert not AuditRound.objects.exists()


# --- The prefill -------------------------------------------------------------------


def test_a_record_with_nothing_in_it_says_not_met_where_it_should(north, alice):
    person = in_treatment(north, alice, started=100, injecting_status=InjectingStatus.CURRENTLY)

    said = says(person)

    assert said["care_plan"][0] == DataSays.NOT_MET
    assert "No care plan: the first was due by" in said["care_plan"][1]
    assert said["risk_assessment"] == (DataSays.NOT_MET, "No overdose risk assessment recorded.")
    assert said["top"][0] == DataSays.NOT_MET
    assert said["top"][1].startswith("No TOP recorded: the next was due")
    # Heroin on the episode: an opioid user without a kit.
    assert said["naloxone"] == (DataSays.NOT_MET, "Uses opioids. No kit on record.")
    assert said["hep_c"] == (DataSays.NOT_MET, "Has injected; no hepatitis C test offered.")
    assert said["safeguarding"] == (
        DataSays.NOT_APPLICABLE,
        "No children recorded as living with them.",
    )


def test_a_record_kept_up_says_met_with_the_facts_behind_it(north, alice):
    person = in_treatment(
        north,
        alice,
        started=100,
        injecting_status=InjectingStatus.PREVIOUSLY,
        parental_status=True,
        children_living_with=1,
    )
    plan = plan_of(person, alice, agreed=30, weeks=12)
    assessment_of(person, alice, day=10, review=-60)
    TopFactory(episode=person.episodes.get(), top_date=days_ago(20))
    NaloxoneSupplyFactory(service_user=person, supplied_on=days_ago(30))
    bbv_test_of(person, alice, offered=40, tested=40, result="negative", result_on=30)
    child_of(person, alice)
    safe_storage_record(
        service_user=person,
        updated_by=alice,
        locked_box_given_on=days_ago(5),
        storage_discussed_on=None,
        supervised_consumption=None,
        supervised_since=None,
    )

    said = says(person)

    assert all(data == DataSays.MET for data, _ in said.values()), said
    assert said["care_plan"][1] == (
        f"Plan agreed {days_ago(30):%d/%m/%Y}, not reviewed yet, "
        f"next review due {plan.review_due_on:%d/%m/%Y}."
    )
    assert said["risk_assessment"][1] == (
        f"Assessed {days_ago(10):%d/%m/%Y}, review due {days_ago(-60):%d/%m/%Y}."
    )
    assert (
        said["top"][1]
        == f"Last TOP {days_ago(20):%d/%m/%Y}, next due {days_ago(20 - 182):%d/%m/%Y}."
    )
    assert said["naloxone"][1].startswith("Uses opioids. Kit held, expires")
    assert "Hepatitis C antibody: negative" in said["hep_c"][1]
    assert said["safeguarding"][1] == (
        "1 child lives with them; 1 listed on the safeguarding record; safe storage recorded."
    )


def test_children_at_home_without_safe_storage_is_not_met(north, alice):
    person = in_treatment(north, alice, parental_status=True, children_living_with=2)

    data, fact = says(person)["safeguarding"]

    assert data == DataSays.NOT_MET
    assert fact == (
        "2 children live with them; 0 listed on the safeguarding record; no safe storage recorded."
    )


def test_someone_new_to_treatment_is_not_yet_due_a_plan(north, alice):
    person = in_treatment(north, alice, started=3)
    data, fact = says(person)["care_plan"]
    assert data == DataSays.NOT_APPLICABLE
    assert fact.startswith("No care plan yet: the first is due by")


@pytest.mark.parametrize("people", [5, 30])
def test_the_prefill_reads_a_fixed_number_of_queries_however_many_people(north, alice, people):
    ids = []
    for n in range(people):
        person = in_treatment(north, alice, parental_status=True, children_living_with=1)
        plan_of(person, alice)
        assessment_of(person, alice)
        bbv_test_of(person, alice)
        child_of(person, alice)
        if n % 2:
            NaloxoneSupplyFactory(service_user=person)
        ids.append(person.pk)

    with CaptureQueriesContext(connection) as queries:
        prefill = audit_prefill(ids, on=TODAY)

    assert len(queries) == 7
    assert len(prefill) == people
    assert all(len(items) == len(AuditItem) for items in prefill.values())


# --- Judgements, completion and freezing ------------------------------------------


def test_judging_every_item_completes_the_round_and_it_is_frozen(north, alice, tess):
    first, second = in_treatment(north, alice), in_treatment(north, alice)
    round_ = audit_round_draw(team=north, drawn_by=tess, sample_size=10, seed=1)
    one, two = AuditedPerson.objects.filter(round=round_).order_by("position")
    assert {one.service_user_id, two.service_user_id} == {first.pk, second.pk}

    judge_all(one, tess)
    round_.refresh_from_db()
    assert not round_.is_completed

    judge_all(two, tess, "disagree", "The plan was reviewed on paper.")
    round_.refresh_from_db()
    assert round_.is_completed
    assert round_.completed_by == tess

    with pytest.raises(ValidationError) as refused:
        judge_all(one, tess, "disagree", "Changed my mind.")
    assert refused.value.messages == [ROUND_COMPLETED]
    # The database refuses it too, whoever asks.
    check = AuditCheck.objects.filter(audited=one).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditCheck.objects.filter(pk=check.pk).update(comment="Changed behind its back.")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRound.objects.filter(pk=round_.pk).update(sample_size=3)


def test_later_changes_to_the_record_do_not_rewrite_the_audit(north, alice, tess):
    person = in_treatment(north, alice)
    round_ = audit_round_draw(team=north, drawn_by=tess, sample_size=1, seed=1)
    before = list(AuditCheck.objects.filter(audited__round=round_).values_list("item", "fact"))

    plan_of(person, alice)
    assessment_of(person, alice)

    after = list(AuditCheck.objects.filter(audited__round=round_).values_list("item", "fact"))
    assert after == before
    assert dict(after)["care_plan"].startswith("No care plan")


def test_disagreeing_needs_a_comment(north, alice, tess):
    in_treatment(north, alice)
    round_ = audit_round_draw(team=north, drawn_by=tess, sample_size=1, seed=1)
    audited = round_.people.get()
    with pytest.raises(ValidationError):
        judge_all(audited, tess, "disagree", "  ")
    assert not AuditCheck.objects.exclude(judgement="").exists()


def test_a_round_its_people_and_checks_are_never_deleted_and_keep_their_history(north, alice, tess):
    in_treatment(north, alice)
    round_ = audit_round_draw(team=north, drawn_by=tess, sample_size=1, seed=1)
    audited = round_.people.get()
    judge_all(audited, tess)

    for rows in (
        AuditCheck.objects.filter(audited=audited),
        AuditedPerson.objects.filter(pk=audited.pk),
        AuditRound.objects.filter(pk=round_.pk),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            rows.delete()
    assert AuditCheck.objects.filter(audited=audited).count() == len(AuditItem)
    check = AuditCheck.objects.filter(audited=audited).first()
    assert [e.pgh_label for e in check.history.order_by("pgh_id")] == ["insert", "update"]
    assert [e.pgh_label for e in round_.history.order_by("pgh_id")] == ["insert", "update"]
