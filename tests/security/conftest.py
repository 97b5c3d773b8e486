"""A small world with one of everything a URL can name, for the route matrix and the fuzzer.

Built on the named cast (tests/conftest.py): jo is on alice's caseload in North
with an open episode, an open flag and an overdose yesterday whose follow-up is
alice's; a near-fatal review of jo (filed by
gina) has a toxicology finding, an information request and an action, and a
review of the death of someone the service never knew has nothing yet; someone not yet
known to North had an overdose (alice recorded it); cora's
account belongs to an API client; an import job, an NDTMS submission, a recompute run, a flag
override, an API token, a request log row and a group exist, so that every admin
model has a row to open.
"""

import datetime
from dataclasses import dataclass

import pytest
from axes.models import AccessFailureLog
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from casereviews import services as case_review_services
from casereviews.models import Meeting, ReviewedPerson
from casereviews.models import ReviewAction as CaseReviewAction
from cases import services as cases_services
from cases.models import (
    BreakGlassGrant,
    Event,
    TransferRequest,
    TreatmentEpisode,
    UnidentifiedPerson,
    User,
)
from cases.unknown_people import unidentified_overdose_record
from commissioning import services as commissioning_services
from commissioning.models import ApiClient
from deathreviews.models import InformationRequest, Review, ReviewAction, ToxicologyFinding
from exchange.models import ImportJob, NdtmsSubmission
from exchange.services import ndtms_submission_prepare
from outcomes.models import Benchmark
from overdoses.models import FollowUp
from risk import services as risk_services
from risk.models import Backtest, Flag, RecomputeRun, RuleSet
from tests.conftest import sign_in_verified
from tests.deathreviews.conftest import (
    add_action,
    add_finding,
    add_request,
    notify,
    signed_off,
)
from tests.factories import (
    TEST_PASSWORD,
    EpisodeFactory,
    EventFactory,
    ServiceUserFactory,
    days_ago,
)
from tests.risk.ui.conftest import make_flag


@dataclass
class World:
    users: dict[str, User]
    jo_episode: TreatmentEpisode
    jo_flag: Flag
    jo_expected: Event
    jo_follow_up: FollowUp
    review: Review
    unknown_review: Review
    finding: ToxicologyFinding
    request: InformationRequest
    action: ReviewAction
    # Signed off, its learning and action waiting for governance's approval.
    shared_review: Review
    import_job: ImportJob
    # Last month's NDTMS file of the world's service, prepared by adam, not yet submitted.
    submission: NdtmsSubmission
    grant: BreakGlassGrant
    transfer: TransferRequest
    # Someone not yet known, held by North after an overdose alice recorded.
    someone: UnidentifiedPerson
    # North's case review tomorrow, reviewing jo, with an action alice owns.
    case_review: Meeting
    case_reviewed: ReviewedPerson
    case_review_action: CaseReviewAction


@pytest.fixture
def unthrottled_api(settings):
    # Throttling has its own tests; here it would only answer 429 to the hundredth call.
    settings.LANTERN_API_RATE = "100000/minute"
    settings.LANTERN_API_EXPORT_RATE = "100000/minute"
    settings.LANTERN_API_FIGURE_RATE = "100000/minute"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(north, alice, tess, bob, gina, cora, adam, jo, unthrottled_api) -> World:
    cora.api_client = ApiClient.objects.create(name="North Commissioning")
    cora.save(update_fields=["api_client"])
    jo_episode = EpisodeFactory(service_user=jo, referral_date=days_ago(100))
    jo_flag = make_flag(jo)
    # A release planned for next week, to be confirmed when it happens.
    jo_expected = EventFactory(
        service_user=jo, kind="prison_release", status="expected", occurred_on=days_ago(-7)
    )

    # An overdose of jo yesterday, told by the ambulance service: its follow-up is alice's.
    jo_follow_up = FollowUp.objects.get(
        overdose=cases_services.event_create(
            service_user=jo,
            recorded_by=alice,
            kind="non_fatal_overdose",
            occurred_on=days_ago(1),
            information_source="ambulance",
        )
    )

    # Someone else in North whose very high flag alice asked to override: the override
    # waits for a team lead (tess decides it), and the admin lists overrides.
    kim = ServiceUserFactory(team=north, keyworker=alice, first_name="Kim")
    risk_services.flag_override(
        flag=make_flag(kim),
        user=alice,
        reason="In hospital for the next fortnight.",
        expires_on=days_ago(-14),
    )

    review = notify(gina, person=jo, kind="near_fatal")
    finding = add_finding(review, gina)
    information_request = add_request(review, gina)
    action = add_action(review, gina)
    unknown_review = notify(gina, person_name="Sam Unknown", age=38, sex="M")
    shared_review = signed_off(notify(gina, person_name="Lee Shared"), gina)

    import_job = ImportJob.objects.create(
        created_by=adam,
        status=ImportJob.Status.SUCCEEDED,
        file_names=["service_users: people.csv"],
    )
    submission = ndtms_submission_prepare(
        service=north.service,
        month=days_ago(0).replace(day=1) - datetime.timedelta(days=1),
        prepared_by=adam,
    )
    RecomputeRun.objects.create(
        as_of=days_ago(1),
        rule_set=RuleSet.objects.get(status=RuleSet.Status.ACTIVE),
        started_at=timezone.now() - datetime.timedelta(hours=1),
        status=RecomputeRun.Status.PUBLISHED,
    )
    Backtest.objects.create(versions=[2], dates=[days_ago(1).isoformat()], requested_by=adam)
    Benchmark.objects.create(
        figure_key="successful_completions",
        client_group="all",
        period_label="2026/27",
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2027, 3, 31),
        kind="local_target",
        value=20,
        better="higher",
        source="Local target",
    )
    Group.objects.create(name="Auditors")
    commissioning_services.api_token_create(
        client=cora.api_client,
        user=cora,
        name="returns",
        expires_at=timezone.now() + datetime.timedelta(days=30),
        created_by=adam,
    )
    # One API call leaves one request log row.
    api = Client()
    sign_in_verified(api, cora)
    assert api.get("/api/v1/teams/").status_code == 200
    # One page read leaves one access event; a wrong password and a right one leave
    # the lockout's attempt, failure and access rows.
    assert sign_in_verified(Client(), alice).get(f"/people/{jo.external_id}/").status_code == 200
    Client().post("/accounts/login/", {"username": "tess", "password": TEST_PASSWORD})
    Client().post("/accounts/login/", {"username": "bob", "password": "not his password"})
    # The failure log is kept only where AXES_ENABLE_ACCESS_FAILURE_LOG is on; its admin is there.
    AccessFailureLog.objects.create(
        username="bob", ip_address="127.0.0.1", path_info="/accounts/login/", locked_out=False
    )
    # bob covers a North duty shift for kim (never jo, whom bob must not see): a
    # break-glass grant governance will review.
    grant = cases_services.break_glass_grant_create(
        user=bob, service_user=kim, reason="Covering the North duty shift while alice is away."
    )

    # bob tries to add kim, who is known to North: a transfer request for tess to answer.
    kim.nhs_number = "9434765919"
    kim.save(update_fields=["nhs_number"])
    cases_services.service_user_add(
        added_by=bob, team=bob.memberships.get().team, keyworker=bob, nhs_number=kim.nhs_number
    )

    someone = unidentified_overdose_record(
        team=north,
        recorded_by=alice,
        person={"description": "Dave, red jacket", "approximate_age": 40, "sex": "M"},
        overdose={"occurred_on": days_ago(1), "information_source": "ambulance"},
    ).unidentified_person

    case_review = case_review_services.meeting_schedule(
        team=north,
        meets_on=days_ago(-1),
        meets_at=datetime.time(10, 0),
        place="Room 1",
        staff=[tess, alice],
        partners=[],
        people=[jo],
        scheduled_by=tess,
    )
    case_reviewed = case_review.reviewed.get()
    case_review_action = case_review_services.action_set(
        reviewed=case_reviewed, description="Offer naloxone", owner=alice, due_on=days_ago(-7)
    )

    return World(
        users={"alice": alice, "tess": tess, "bob": bob, "gina": gina, "cora": cora, "adam": adam},
        jo_episode=jo_episode,
        jo_flag=jo_flag,
        jo_expected=jo_expected,
        jo_follow_up=jo_follow_up,
        review=review,
        unknown_review=unknown_review,
        finding=finding,
        request=information_request,
        action=action,
        shared_review=shared_review,
        import_job=import_job,
        submission=submission,
        grant=grant,
        transfer=TransferRequest.objects.get(),
        someone=someone,
        case_review=case_review,
        case_reviewed=case_reviewed,
        case_review_action=case_review_action,
    )
