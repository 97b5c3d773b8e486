"""Writes to the harm reduction and health record: each checked in full (`clean()`),
atomic, keyword-only. Nothing here deletes: the database refuses it."""

import datetime

from django.db import transaction

from care.models import (
    BloodBorneVirusTest,
    HepatitisBVaccination,
    MentalHealthNeed,
    NeedleExchangeContact,
    PharmacyArrangement,
    PhysicalHealthCheck,
)
from cases.models import ServiceUser, Team, User


@transaction.atomic
def bbv_test_record(
    *,
    service_user: ServiceUser,
    recorded_by: User,
    virus: str,
    offered_on: datetime.date,
    accepted: bool,
    tested_on: datetime.date | None = None,
    result: str = "",
    result_on: datetime.date | None = None,
) -> BloodBorneVirusTest:
    """A test offered (and perhaps taken, and perhaps its result back already)."""
    test = BloodBorneVirusTest(
        service_user=service_user,
        recorded_by=recorded_by,
        virus=virus,
        offered_on=offered_on,
        accepted=accepted,
        tested_on=tested_on,
        result=result,
        result_on=result_on,
    )
    test.full_clean()
    test.save()
    return test


@transaction.atomic
def bbv_test_result_record(
    *,
    test: BloodBorneVirusTest,
    tested_on: datetime.date | None,
    result: str,
    result_on: datetime.date | None,
) -> BloodBorneVirusTest:
    """The test taken and its result, as they come; the history keeps what it said before."""
    test = BloodBorneVirusTest.objects.select_for_update().get(pk=test.pk)
    test.tested_on = tested_on
    test.result = result
    test.result_on = result_on
    test.full_clean()
    test.save(update_fields=list(BloodBorneVirusTest.RESULT_FIELDS))
    return test


@transaction.atomic
def hep_c_treatment_record(
    *,
    test: BloodBorneVirusTest,
    treatment_referred_on: datetime.date | None,
    treatment_started_on: datetime.date | None = None,
    treatment_completed_on: datetime.date | None = None,
    cured: bool | None = None,
) -> BloodBorneVirusTest:
    """Treatment after a positive hepatitis C RNA result: referral, start, completion and
    whether it cured (a sustained virological response)."""
    test = BloodBorneVirusTest.objects.select_for_update().get(pk=test.pk)
    test.treatment_referred_on = treatment_referred_on
    test.treatment_started_on = treatment_started_on
    test.treatment_completed_on = treatment_completed_on
    test.cured = cured
    test.full_clean()
    test.save(update_fields=list(BloodBorneVirusTest.TREATMENT_FIELDS))
    return test


@transaction.atomic
def hep_b_vaccination_record(
    *,
    service_user: ServiceUser,
    recorded_by: User,
    kind: str,
    given_on: datetime.date,
    dose_number: int | None = None,
    schedule: str = "",
) -> HepatitisBVaccination:
    """A dose given, or the person found immune, or the vaccine declined. The person's row
    is locked first, so two doses recorded at once are checked one after the other."""
    ServiceUser.objects.select_for_update().filter(pk=service_user.pk).exists()
    step = HepatitisBVaccination(
        service_user=service_user,
        recorded_by=recorded_by,
        kind=kind,
        given_on=given_on,
        dose_number=dose_number,
        schedule=schedule or "",
    )
    step.full_clean()
    step.save()
    return step


@transaction.atomic
def nsp_contact_record(
    *,
    team: Team,
    recorded_by: User,
    contact_on: datetime.date,
    service_user: ServiceUser | None = None,
    needles_syringes: int = 0,
    foil: int = 0,
    other_kit: int = 0,
    advice_given: bool = False,
) -> NeedleExchangeContact:
    """A needle and syringe programme contact: of a person (their team's), or anonymous."""
    contact = NeedleExchangeContact(
        team=team,
        service_user=service_user,
        recorded_by=recorded_by,
        contact_on=contact_on,
        needles_syringes=needles_syringes or 0,
        foil=foil or 0,
        other_kit=other_kit or 0,
        advice_given=advice_given,
    )
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def health_need_record(
    *,
    model: type[MentalHealthNeed | PharmacyArrangement | PhysicalHealthCheck],
    service_user: ServiceUser,
    recorded_by: User,
    **fields: object,
) -> MentalHealthNeed | PharmacyArrangement | PhysicalHealthCheck:
    """A mental health need as it stands, a pharmacy arrangement, or a physical health
    check: each a new dated record; the latest says where things stand."""
    record = model(service_user=service_user, recorded_by=recorded_by, **fields)
    record.full_clean()
    record.save()
    return record
