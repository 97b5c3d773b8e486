"""The items the care record answers: hepatitis C and B, the care plan start and the
mental health need, worked out by hand from dated records and read from the file."""

import pytest

from care import services as care
from care.models import MentalHealthNeed
from exchange.ndtms import submission_chunks
from exchange.ndtms.writer import read_submission
from tests.care.factories import bbv_test_of, hep_b_dose_of, plan_of
from tests.factories import EpisodeFactory, ServiceUserFactory, days_ago

pytestmark = pytest.mark.django_db

START, END = days_ago(60), days_ago(1)
HEP_C = ("HEPCSTAT", "HEPCTSTD", "HEPCPOS")
HEP_B = ("HEPBSTAT", "HEPBVAC")


@pytest.fixture
def person(north):
    return ServiceUserFactory(team=north, consent_to_ndtms=True)


def _row(episode) -> dict[str, str]:
    text = b"".join(submission_chunks(start=START, end=END)).decode()
    (row,) = [r for r in read_submission(text) if r["EPISODID"] == str(episode.external_id)]
    return row


def _items(episode, names) -> tuple[str, ...]:
    row = _row(episode)
    return tuple(row[name] for name in names)


def test_with_no_care_record_the_episodes_own_answers_are_sent(person):
    episode = EpisodeFactory(
        service_user=person,
        referral_date=days_ago(100),
        hep_c_intervention="accepted",
        hep_c_test_date=days_ago(90),
        hep_c_positive=False,
        hep_b_intervention="accepted",
        hep_b_vaccinations="2",
    )

    assert _items(episode, HEP_C + HEP_B) == ("A", days_ago(90).isoformat(), "N", "A", "2")


def test_the_latest_hepatitis_c_offer_decides_and_the_latest_test_is_dated(person, alice):
    episode = EpisodeFactory(service_user=person, referral_date=days_ago(100))
    bbv_test_of(person, alice, offered=80, tested=79, result="negative", result_on=70)
    bbv_test_of(person, alice, virus="hcv_rna", offered=30, accepted=False)
    # Offered today, after the period: not in this file.
    bbv_test_of(person, alice, offered=0)

    assert _items(episode, HEP_C) == ("B", days_ago(79).isoformat(), "N")


def test_a_later_test_in_the_episode_record_is_kept_as_the_latest(person, alice):
    episode = EpisodeFactory(
        service_user=person, referral_date=days_ago(100), hep_c_test_date=days_ago(20)
    )
    bbv_test_of(person, alice, offered=80, tested=79, result="negative", result_on=70)

    assert _items(episode, HEP_C) == ("A", days_ago(20).isoformat(), "N")


def test_one_positive_hepatitis_c_result_makes_the_person_antibody_positive(person, alice):
    episode = EpisodeFactory(service_user=person, referral_date=days_ago(100))
    bbv_test_of(person, alice, offered=90, tested=90, result="positive", result_on=85)
    bbv_test_of(
        person, alice, virus="hcv_rna", offered=50, tested=50, result="negative", result_on=45
    )
    # Not an answer to hepatitis C, nor yet known.
    bbv_test_of(person, alice, virus="hiv", offered=40, tested=40, result="positive", result_on=35)
    bbv_test_of(person, alice, offered=20, tested=20, result="pending")

    assert _items(episode, HEP_C) == ("A", days_ago(20).isoformat(), "Y")


def test_records_after_the_episode_ended_are_not_its_answers(person, alice):
    from tests.factories import discharge_reason

    episode = EpisodeFactory(
        service_user=person,
        referral_date=days_ago(100),
        discharge_date=days_ago(40),
        discharge_reason=discharge_reason("completed_drug_free"),
        hep_c_intervention="not_offered",
    )
    bbv_test_of(person, alice, offered=30, tested=30, result="positive", result_on=25)
    hep_b_dose_of(person, alice, number=1, given=30)

    assert _items(episode, HEP_C + HEP_B) == ("D", "NA", "NA", "NA", "NA")


@pytest.mark.parametrize(
    ("schedule", "doses", "expected"),
    [
        ("standard", 2, ("A", "2")),
        ("standard", 3, ("A", "C")),
        ("accelerated", 3, ("A", "3")),
        ("accelerated", 4, ("A", "C")),
    ],
)
def test_hepatitis_b_doses_are_counted_to_the_schedules_last(
    person, alice, schedule, doses, expected
):
    episode = EpisodeFactory(
        service_user=person, referral_date=days_ago(500), hep_b_vaccinations="1"
    )
    for number, given in zip(range(1, doses + 1), (420, 390, 330, 30), strict=False):
        hep_b_dose_of(person, alice, number=number, given=given, schedule=schedule)

    assert _items(episode, HEP_B) == expected


@pytest.mark.parametrize(
    ("hep_b_test", "expected"), [(None, ("C", "NA")), ("positive", ("E", "NA"))]
)
def test_a_person_found_immune_is_immunised_or_immune_after_an_infection(
    person, alice, hep_b_test, expected
):
    episode = EpisodeFactory(service_user=person, referral_date=days_ago(100))
    if hep_b_test:
        bbv_test_of(
            person, alice, virus="hbv", offered=60, tested=60, result=hep_b_test, result_on=55
        )
    care.hep_b_vaccination_record(
        service_user=person, recorded_by=alice, kind="immune", given_on=days_ago(50)
    )

    assert _items(episode, HEP_B) == expected


def test_a_declined_vaccination_after_a_dose_is_refused(person, alice):
    episode = EpisodeFactory(service_user=person, referral_date=days_ago(100))
    hep_b_dose_of(person, alice, number=1, given=80)
    care.hep_b_vaccination_record(
        service_user=person, recorded_by=alice, kind="declined", given_on=days_ago(40)
    )

    assert _items(episode, HEP_B) == ("B", "1")


def test_the_care_plan_start_is_the_first_plan_agreed_in_the_episode_where_not_given(person, alice):
    episode = EpisodeFactory(service_user=person, referral_date=days_ago(100), start_date=None)
    plan_of(person, alice, agreed=120)  # before the referral: another episode's
    plan_of(person, alice, agreed=80)
    plan_of(person, alice, agreed=50)

    assert _row(episode)["CPLANDT"] == days_ago(80).isoformat()


def test_a_care_plan_start_given_on_the_episode_is_kept(person, alice):
    episode = EpisodeFactory(
        service_user=person, referral_date=days_ago(100), start_date=days_ago(90)
    )
    plan_of(person, alice, agreed=80)

    assert _row(episode)["CPLANDT"] == days_ago(90).isoformat()


def _mental_health(person, alice, *, diagnosis: str, treated_by: str, day: int):
    care.health_need_record(
        model=MentalHealthNeed,
        service_user=person,
        recorded_by=alice,
        recorded_on=days_ago(day),
        diagnosis=diagnosis,
        treated_by=treated_by,
        treated_since=days_ago(day) if treated_by != "none" else None,
    )


@pytest.mark.parametrize(
    ("episode_says", "latest", "expected"),
    [
        (None, ("depression", "gp"), "Y"),
        (None, ("none_known", "none"), "N"),
        (True, ("none_known", "none"), "Y"),
        (False, ("anxiety", "none"), "Y"),
        (None, None, "NA"),
    ],
)
def test_dual_diagnosis_is_yes_where_either_record_says_so(
    person, alice, episode_says, latest, expected
):
    episode = EpisodeFactory(
        service_user=person, referral_date=days_ago(100), dual_diagnosis=episode_says
    )
    _mental_health(person, alice, diagnosis="psychosis", treated_by="cmht", day=90)
    if latest is None:
        MentalHealthNeed.objects.filter(service_user=person).update(recorded_on=days_ago(0))
    else:
        _mental_health(person, alice, diagnosis=latest[0], treated_by=latest[1], day=20)

    assert _row(episode)["DUALDIAG"] == expected
