"""factory_boy factories producing valid records with plausible, invented values."""

import datetime

import factory
from django.utils import timezone

from cases.models import (
    Contact,
    ContactStatus,
    DischargeReason,
    Event,
    EventKind,
    LocalAuthority,
    NaloxoneSupply,
    Role,
    Service,
    ServiceUser,
    Substance,
    Team,
    TeamMembership,
    TreatmentEpisode,
    User,
)
from outcomes.models import Stage, TopAssessment

# Every factory-made user's password; the browser tests sign in with it.
TEST_PASSWORD = "a-long-test-password"


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("code",)

    name = "Test Recovery Service"
    code = "TST01"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    service = factory.SubFactory(ServiceFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Worker{n}")
    role = Role.KEYWORKER
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def team(self, create, team, **kwargs):
        if team is not None:
            TeamMembership.objects.create(user=self, team=team, starts_on=days_ago(400))
        if create:
            self.save()


class ServiceUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceUser

    client_ref = factory.Sequence(lambda n: f"TST-{n:06d}")
    team = factory.SubFactory(TeamFactory)
    first_name = factory.Iterator(["Jamie", "Kerry", "Lee", "Morgan", "Robin", "Sasha"])
    last_name = factory.Sequence(lambda n: f"Example{n}")
    date_of_birth = factory.LazyFunction(lambda: days_ago(42 * 365))
    sex = "M"
    local_authority = factory.LazyFunction(lambda: LocalAuthority.objects.order_by("code").first())
    consent_to_ndtms = True


def substance(code: str) -> Substance:
    return Substance.objects.get(code=code)


def discharge_reason(code: str) -> DischargeReason:
    return DischargeReason.objects.get(code=code, dataset_version="current")


class EpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreatmentEpisode

    service_user = factory.SubFactory(ServiceUserFactory)
    team = factory.LazyAttribute(lambda o: o.service_user.team)
    referral_date = factory.LazyFunction(lambda: days_ago(300))
    triage_date = factory.LazyAttribute(lambda o: o.referral_date)
    start_date = factory.LazyAttribute(lambda o: o.referral_date + datetime.timedelta(days=7))
    referral_source = "self"
    substance_1 = factory.LazyFunction(lambda: substance("heroin"))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    service_user = factory.SubFactory(ServiceUserFactory)
    kind = EventKind.PRISON_RELEASE
    occurred_on = factory.LazyFunction(lambda: days_ago(10))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    service_user = factory.SubFactory(ServiceUserFactory)
    contact_date = factory.LazyFunction(lambda: days_ago(3))
    kind = "appointment"
    status = ContactStatus.ATTENDED


class NaloxoneSupplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NaloxoneSupply

    service_user = factory.SubFactory(ServiceUserFactory)
    supplied_on = factory.LazyFunction(lambda: days_ago(30))
    formulation = NaloxoneSupply.Formulation.NASAL
    supply_type = NaloxoneSupply.SupplyType.FIRST
    batch_number = "BATCH-1"
    expiry_date = factory.LazyAttribute(lambda o: o.supplied_on + datetime.timedelta(days=700))
    setting = NaloxoneSupply.Setting.SERVICE


class TopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopAssessment

    episode = factory.SubFactory(EpisodeFactory)
    service_user = factory.LazyAttribute(lambda o: o.episode.service_user)
    stage = Stage.START
    top_date = factory.LazyAttribute(lambda o: o.episode.referral_date + datetime.timedelta(days=7))
    opiuse = 20
    psyhstat = 8
