"""An overdose that once went unanswered: a heroin and crack user on methadone, with naloxone,
recorded with an overdose yesterday (ambulance, taken to hospital), had no flag and no task.

Now the overdose alone lifts their flag to the minimum tier the active rule set gives a
recent overdose, and opens a follow-up on their keyworker's worklist, both from the one
save.
"""

from cases import services
from cases.models import EventKind, InformationSource, Intervention, NaloxoneGiver, Responder
from overdoses.models import FollowUp
from risk.engine import TIER_RANKS
from risk.models import Flag, RuleSet
from tests.factories import EpisodeFactory, NaloxoneSupplyFactory, days_ago, substance


def test_an_overdose_alone_raises_the_flag_to_its_minimum_and_opens_a_follow_up(
    jo, alice, django_capture_on_commit_callbacks
):
    episode = EpisodeFactory(
        service_user=jo,
        referral_date=days_ago(200),
        substance_1=substance("heroin"),
        substance_2=substance("crack"),
    )
    Intervention.objects.create(
        episode=episode,
        kind="pharmacological",
        medicine="methadone",
        intention="maintenance",
        start_date=days_ago(190),
    )
    NaloxoneSupplyFactory(service_user=jo, supplied_on=days_ago(60))
    rule = RuleSet.objects.get(status="active").rules.get(code="overdose_90d")
    assert rule.min_tier, "the active rule set gives a recent overdose a minimum tier"

    with django_capture_on_commit_callbacks(execute=True):
        overdose = services.event_create(
            service_user=jo,
            recorded_by=alice,
            kind=EventKind.NON_FATAL_OVERDOSE,
            occurred_on=days_ago(1),
            information_source=InformationSource.AMBULANCE,
            responders=[Responder.AMBULANCE],
            naloxone_given_by=NaloxoneGiver.AMBULANCE,
            naloxone_doses=1,
            taken_to_hospital=True,
        )

    flag = Flag.objects.get(service_user=jo, ended_on__isnull=True)
    assert flag.tier_rank >= TIER_RANKS[rule.min_tier]
    assert "overdose_90d" in flag.rule_codes
    follow_up = FollowUp.objects.get(overdose=overdose)
    assert follow_up.owner == alice
    assert follow_up.is_open
