"""What Lantern knew about a person on the date they died (or overdosed), frozen as JSON.

`snapshot_data(person, as_of)` reads, in a fixed number of queries, the
person's details, every episode, intervention (prescribing included), event,
contact, naloxone supply and TOP dated on or before `as_of`, and every risk
flag (tier, score, reasons with rule codes and versions, the rule set version,
raised and ended dates, overrides) and outreach attempt in the
`WINDOW_DAYS` before it. The review's snapshot row stores it once
(`deathreviews.services`), and the database refuses to change it afterwards.

The care record as it stood on the date is under `care` (`care_at`): the care plan in force
(its goals by domain and state, its reviews), the latest risk assessment and safety plan,
safeguarding (children, safe storage, protection referrals, concerns), blood-borne virus
tests and hepatitis B vaccination, and the last needle exchange contact. A step dated after
the date (a goal closed, a result back, a referral's outcome, a concern closed) is left
out, and a child's or safe storage's record is read from its history as it stood then.

Each record kind's row holds its model's `RECORDED_FIELDS` less the ones left out
below, each with its reason: a field added to a record kind is in the next snapshots
unless it is left out here.

`prefill_from_snapshot(data)` turns the snapshot into starting values for the
review's own editable domains; it is pure and reads no database.

The dashboard's track record reads the frozen `flags` and `outreach` lists
(`deathreviews.dashboard`), so what it reports never moves with the live record.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max, Model, Prefetch, Q

from care.models import (
    ADULT_AGE,
    BbvResult,
    BloodBorneVirusTest,
    CarePlan,
    ChildInContact,
    GoalState,
    HepatitisBVaccination,
    NeedleExchangeContact,
    PlanGoal,
    ProtectionReferral,
    RiskAssessment,
    SafeguardingConcern,
    SafeStorage,
    VaccinationKind,
)
from cases.models import (
    AccommodationNeed,
    Contact,
    ContactStatus,
    Event,
    EventStatus,
    Intervention,
    NaloxoneSupply,
    ServiceUser,
    TreatmentEpisode,
)
from cases.wording import uk_date
from deathreviews.models import Housing
from outcomes.models import TopAssessment
from risk import wording
from risk.models import Flag, FlagOverride, FlagReason, OutreachAttempt

SCHEMA_VERSION = 1
WINDOW_DAYS = 90
LIFE_EVENTS_DAYS = 365


def _value(obj: Model, name: str) -> Any:
    value = getattr(obj, name)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def _record(obj: Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields, with the words of every choice beside its code (`<field>_label`)."""
    row: dict[str, Any] = {}
    for name in fields:
        row[name] = _value(obj, name)
        field = obj._meta.get_field(name)
        if getattr(field, "choices", None) and not field.many_to_one:
            display = getattr(obj, f"get_{name}_display", None)
            if display is not None:
                row[f"{name}_label"] = display()
    return row


def _person(person: ServiceUser, as_of: datetime.date) -> dict[str, Any]:
    row = _record(person, PERSON_FIELDS)
    row.update(
        age=person.age_on(as_of),
        team=person.team.name,
        team_id=person.team_id,
        keyworker=person.keyworker.display_name if person.keyworker_id else "",
        local_authority=str(person.local_authority),
        local_authority_id=person.local_authority_id,
    )
    return row


def _recorded_except(recorded: tuple[str, ...], left_out: dict[str, str]) -> tuple[str, ...]:
    """A record kind's `RECORDED_FIELDS` but the fields `left_out` (each with its reason).

    A field added to a record kind is in the next snapshots unless it is left out here;
    `left_out` names only recorded fields, so no reason outlives its field.
    """
    unknown = set(left_out) - set(recorded)
    if unknown:
        raise ValueError(f"Not recorded fields: {', '.join(sorted(unknown))}")
    return tuple(name for name in recorded if name not in left_out)


# Held apart from the person's own fields: the team, keyworker and local authority by name
# (see `_person`). The rest were not in schema 1 of the snapshot.
PERSON_LEFT_OUT = {
    "team": "held by name",
    "keyworker": "held by name",
    "local_authority": "held by name and id",
    "nationality": "not in schema 1",
    "consent_to_ndtms": "not in schema 1",
    "phone": "not in schema 1",
    "address": "not in schema 1",
}
PERSON_FIELDS = (
    "client_ref",
    *_recorded_except(ServiceUser.RECORDED_FIELDS, PERSON_LEFT_OUT),
    # Recorded when a death is notified, not on the person's form.
    "date_of_death",
)
EPISODE_FIELDS = _recorded_except(
    TreatmentEpisode.RECORDED_FIELDS,
    {
        "substance_1": "held as the names and categories in `substances`",
        "substance_2": "held as the names and categories in `substances`",
        "substance_3": "held as the names and categories in `substances`",
        "discharge_reason": "held as its label, with `unplanned_exit`",
        "previously_treated": "not in schema 1",
        "pregnant": "not in schema 1",
    },
)
INTERVENTION_FIELDS = _recorded_except(
    Intervention.RECORDED_FIELDS,
    {
        "episode": "the snapshot lists a person's interventions, not by episode",
        "referral_date": "waiting times: not in schema 1",
        "first_offered_date": "waiting times: not in schema 1",
    },
)
# Only events that happened are held (an expected one is a plan, not a fact).
EVENT_FIELDS = _recorded_except(Event.RECORDED_FIELDS, {"status": "always happened in a snapshot"})
CONTACT_FIELDS = _recorded_except(Contact.RECORDED_FIELDS, {"contact_time": "not in schema 1"})
NALOXONE_FIELDS = _recorded_except(
    NaloxoneSupply.RECORDED_FIELDS, {"batch_number": "not in schema 1"}
)
TOP_SKIPPED = {"id", "external_id", "source_ref", "service_user", "episode", "created_at"}
FLAG_FIELDS = (
    "tier",
    "tier_rank",
    "score",
    "summary",
    "rule_codes",
    "status",
    "raised_on",
    "changed_on",
    "ended_on",
    "end_reason",
)
REASON_FIELDS = (
    "position",
    "rule_code",
    "rule_version",
    "weight",
    "fired_from",
    "expires_on",
    "text",
)
ATTEMPT_FIELDS = ("attempted_on", "method", "outcome", "remind_on", "removal_reason", "notes")


def snapshot_data(person: ServiceUser, as_of: datetime.date) -> dict[str, Any]:
    """Everything Lantern knew about `person` as of `as_of` (see the module docstring)."""
    window_from = as_of - datetime.timedelta(days=WINDOW_DAYS)
    person = ServiceUser.objects.select_related("team", "keyworker", "local_authority").get(
        pk=person.pk
    )
    episodes = []
    for episode in TreatmentEpisode.objects.filter(
        service_user=person, referral_date__lte=as_of
    ).select_related("substance_1", "substance_2", "substance_3", "discharge_reason", "team"):
        row = _record(episode, EPISODE_FIELDS)
        row["substances"] = [
            {"name": s.name, "category": s.category}
            for s in (episode.substance_1, episode.substance_2, episode.substance_3)
            if s is not None
        ]
        row["discharge_reason"] = episode.discharge_reason.label if episode.discharge_reason else ""
        row["unplanned_exit"] = bool(
            episode.discharge_reason and episode.discharge_reason.is_unplanned_exit
        )
        row["team"] = episode.team.name
        episodes.append(row)
    interventions = [
        _record(i, INTERVENTION_FIELDS) | {"is_ost": i.is_ost}
        for i in Intervention.objects.filter(episode__service_user=person, start_date__lte=as_of)
    ]
    events = [
        _record(e, EVENT_FIELDS)
        for e in Event.objects.filter(
            service_user=person, occurred_on__lte=as_of, status=EventStatus.HAPPENED
        )
    ]
    contacts = [
        _record(c, CONTACT_FIELDS) | {"staff": c.staff.display_name if c.staff_id else ""}
        for c in Contact.objects.filter(service_user=person, contact_date__lte=as_of)
        .exclude(status=ContactStatus.BOOKED)
        .select_related("staff")
    ]
    naloxone = [
        _record(n, NALOXONE_FIELDS)
        for n in NaloxoneSupply.objects.filter(service_user=person, supplied_on__lte=as_of)
    ]
    top_fields = [
        f.name
        for f in TopAssessment._meta.concrete_fields
        if f.name not in TOP_SKIPPED and not f.is_relation
    ]
    tops = [
        _record(t, top_fields)
        for t in TopAssessment.objects.filter(service_user=person, top_date__lte=as_of).order_by(
            "top_date", "id"
        )
    ]
    flags = []
    for flag in (
        Flag.objects.filter(service_user=person, raised_on__lte=as_of)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=window_from))
        .select_related("rule_set")
        .prefetch_related(
            Prefetch("reasons", queryset=FlagReason.objects.order_by("position")),
            Prefetch("overrides", queryset=FlagOverride.objects.order_by("created_at")),
        )
        .order_by("raised_on", "id")
    ):
        row = _record(flag, FLAG_FIELDS)
        row["summary"] = wording.flag_summary(flag, on=as_of)
        row["rule_set_version"] = flag.rule_set.version
        row["reasons"] = [_record(r, REASON_FIELDS) for r in flag.reasons.all()]
        row["overrides"] = [
            {"reason": o.reason, "expires_on": o.expires_on.isoformat(), "rule_codes": o.rule_codes}
            for o in flag.overrides.all()
        ]
        flags.append(row)
    outreach = [
        _record(a, ATTEMPT_FIELDS) | {"recorded_by": a.recorded_by.display_name}
        for a in OutreachAttempt.objects.filter(
            service_user=person, attempted_on__range=(window_from, as_of)
        )
        .select_related("recorded_by")
        .order_by("attempted_on", "id")
    ]
    return {
        "schema": SCHEMA_VERSION,
        "as_of": as_of.isoformat(),
        "window_days": WINDOW_DAYS,
        "person": _person(person, as_of),
        "episodes": sorted(episodes, key=lambda e: e["referral_date"]),
        "interventions": sorted(interventions, key=lambda i: i["start_date"]),
        "events": sorted(events, key=lambda e: e["occurred_on"]),
        "contacts": sorted(contacts, key=lambda c: c["contact_date"]),
        "naloxone": sorted(naloxone, key=lambda n: n["supplied_on"]),
        "tops": tops,
        "flags": flags,
        "outreach": outreach,
        "care": care_at(person, as_of),
    }


# The care record on the date ----------------------------------------------


PLAN_FIELDS = (*CarePlan.RECORDED_FIELDS, "review_due_on")
GOAL_FIELDS = PlanGoal.RECORDED_FIELDS
ASSESSMENT_FIELDS = RiskAssessment.RECORDED_FIELDS
CHILD_FIELDS = ChildInContact.RECORDED_FIELDS
STORAGE_FIELDS = SafeStorage.RECORDED_FIELDS
PROTECTION_FIELDS = (*ProtectionReferral.RECORDED_FIELDS, "outcome", "outcome_on")
CONCERN_FIELDS = (*SafeguardingConcern.RECORDED_FIELDS, "closed_on")
TEST_FIELDS = BloodBorneVirusTest.RECORDED_FIELDS + BloodBorneVirusTest.TREATMENT_FIELDS
VACCINATION_FIELDS = HepatitisBVaccination.RECORDED_FIELDS
NSP_FIELDS = NeedleExchangeContact.RECORDED_FIELDS


def _after(value: datetime.date | None, as_of: datetime.date) -> bool:
    return value is not None and value > as_of


def _plan_at(person: ServiceUser, as_of: datetime.date) -> dict[str, Any] | None:
    """The plan in force on the date: agreed by then and not yet replaced."""
    plan = (
        CarePlan.objects.filter(service_user=person, agreed_on__lte=as_of)
        .filter(Q(superseded_at__isnull=True) | Q(superseded_at__date__gt=as_of))
        .order_by("-agreed_on", "-created_at", "-id")
        .first()
    )
    if plan is None:
        return None
    row = _record(plan, PLAN_FIELDS)
    reviews = plan.reviews.filter(reviewed_on__lte=as_of).aggregate(
        n=Count("id"), last=Max("reviewed_on")
    )
    due = plan.review_due_after(reviews["last"] or plan.agreed_on)
    row.update(
        reviews=reviews["n"],
        last_reviewed_on=_value_of(reviews["last"]),
        review_due_on=due.isoformat(),
        review_overdue=due < as_of,
    )
    goals = []
    # A goal carries no date of its own but when it closed: the plan's goals are as its
    # dates say, a late entry included, like every record here.
    for goal in plan.goals.all():
        goal_row = _record(goal, GOAL_FIELDS)
        if _after(goal.state_on, as_of):
            goal_row.update(state=GoalState.OPEN, state_label=GoalState.OPEN.label, state_on=None)
        goals.append(goal_row)
    row["goals"] = goals
    return row


def _value_of(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _assessment_at(person: ServiceUser, as_of: datetime.date) -> dict[str, Any] | None:
    assessment = RiskAssessment.objects.filter(service_user=person, assessed_on__lte=as_of).first()
    if assessment is None:
        return None
    return _record(assessment, ASSESSMENT_FIELDS) | {
        "factors": assessment.factors,
        "plan_step_labels": assessment.plan_step_labels,
        "review_overdue": assessment.review_on < as_of,
        "plan_review_overdue": assessment.plan_review_on < as_of,
    }


def _latest_events(events) -> list[Model]:
    """The latest history row of each record among `events` (ordered by record, then time)."""
    latest: dict[int, Model] = {}
    for event in events:
        latest[event.pgh_obj_id] = event
    return list(latest.values())


def _safeguarding_at(person: ServiceUser, as_of: datetime.date) -> dict[str, Any]:
    child_events = ChildInContact.pgh_event_model.objects.filter(  # type: ignore[attr-defined]
        service_user=person, recorded_on__lte=as_of
    ).order_by("pgh_obj_id", "recorded_on", "pgh_id")
    # A history row is the record's fields without its methods: the age is worked out here.
    children = [
        _record(child, CHILD_FIELDS) | {"age": as_of.year - child.year_of_birth}
        for child in sorted(_latest_events(child_events), key=lambda c: c.year_of_birth)
        if as_of.year - child.year_of_birth <= ADULT_AGE
    ]
    storage_events = SafeStorage.pgh_event_model.objects.filter(  # type: ignore[attr-defined]
        service_user=person, updated_at__date__lte=as_of
    ).order_by("pgh_obj_id", "pgh_id")
    storage = [_record(s, STORAGE_FIELDS) for s in _latest_events(storage_events)]
    referrals = []
    for referral in ProtectionReferral.objects.filter(service_user=person, made_on__lte=as_of):
        row = _record(referral, PROTECTION_FIELDS) | {"agency_name": referral.agency_name}
        if _after(referral.outcome_on, as_of):
            row.update(outcome="", outcome_label="", outcome_on=None)
        row["open"] = not row["outcome"]
        referrals.append(row)
    concerns = []
    for concern in SafeguardingConcern.objects.filter(service_user=person, raised_on__lte=as_of):
        row = _record(concern, CONCERN_FIELDS) | {"description": concern.description}
        if _after(concern.closed_on, as_of):
            row["closed_on"] = None
        row["open"] = row["closed_on"] is None
        concerns.append(row)
    return {
        "children": children,
        "safe_storage": storage[0] if storage else None,
        "protection_referrals": referrals,
        "concerns": concerns,
    }


def _test_at(test: BloodBorneVirusTest, as_of: datetime.date) -> dict[str, Any]:
    """The test as it stood on the date: later steps not yet taken."""
    if _after(test.tested_on, as_of):
        test.tested_on, test.result, test.result_on = None, "", None
    elif _after(test.result_on, as_of):
        test.result, test.result_on = BbvResult.NOT_KNOWN_YET, None
    for name in ("treatment_referred_on", "treatment_started_on", "treatment_completed_on"):
        if _after(getattr(test, name), as_of):
            setattr(test, name, None)
    if not test.treatable:
        test.treatment_referred_on = test.treatment_started_on = None
        test.treatment_completed_on = None
    if test.treatment_completed_on is None:
        test.cured = None
    return _record(test, TEST_FIELDS) | {
        "in_words": test.in_words(),
        "treatment_in_words": test.treatment_in_words(),
    }


def _health_at(person: ServiceUser, as_of: datetime.date) -> dict[str, Any]:
    tests = [
        _test_at(test, as_of)
        for test in BloodBorneVirusTest.objects.filter(
            service_user=person, offered_on__lte=as_of
        ).order_by("offered_on", "id")
    ]
    steps = [
        _record(step, VACCINATION_FIELDS)
        for step in HepatitisBVaccination.objects.filter(service_user=person, given_on__lte=as_of)
    ]
    nsp = NeedleExchangeContact.objects.filter(service_user=person, contact_on__lte=as_of)
    last = nsp.first()
    window_from = as_of - datetime.timedelta(days=WINDOW_DAYS)
    in_window = nsp.filter(contact_on__gte=window_from).count()
    return {
        "bbv_tests": tests,
        "hep_b_steps": steps,
        "hep_b_doses": sum(1 for s in steps if s["kind"] == VaccinationKind.DOSE),
        "last_nsp_contact": (
            _record(last, NSP_FIELDS) | {"given": last.given_in_words()} if last else None
        ),
        "nsp_contacts_in_window": in_window,
    }


def care_at(person: ServiceUser, as_of: datetime.date) -> dict[str, Any]:
    """The care record as it stood on `as_of` (see the module docstring)."""
    return {
        "plan": _plan_at(person, as_of),
        "assessment": _assessment_at(person, as_of),
        "safeguarding": _safeguarding_at(person, as_of),
        "health": _health_at(person, as_of),
    }


# Prefilling the review ----------------------------------------------------

HOUSING_FROM_NEED = {
    AccommodationNeed.URGENT: Housing.ROUGH_SLEEPING,
    AccommodationNeed.NONE: Housing.SETTLED,
}


def _open_on(row: dict, start: str, end: str, day: str) -> bool:
    return row[start] <= day and (row[end] is None or row[end] >= day)


def treatment_at(data: dict) -> str:
    """Where the person stood with treatment on the date: one of TREATMENT_STATUSES' keys."""
    day = data["as_of"]
    episodes = data["episodes"]
    if not episodes:
        return "never_in_treatment"
    if any(_open_on(e, "referral_date", "discharge_date", day) for e in episodes):
        return "in_treatment"
    last_left = max(e["discharge_date"] for e in episodes if e["discharge_date"])
    left = datetime.date.fromisoformat(last_left)
    six_months_before = datetime.date.fromisoformat(day) - datetime.timedelta(days=182)
    return "left_within_6_months" if left >= six_months_before else "left_longer_ago"


def prefill_from_snapshot(data: dict) -> dict[str, Any]:
    """Starting values for the review's editable fields, from what Lantern knew."""
    day = data["as_of"]
    person = data["person"]
    values: dict[str, Any] = {
        "team_id": person["team_id"],
        "age": person["age"],
        "sex": person["sex"],
        "ethnicity": person["ethnicity"],
        "local_authority_id": person["local_authority_id"],
        "lives_alone": person["lives_alone"],
    }
    episodes = data["episodes"]
    if episodes:
        latest = episodes[-1]
        values["housing"] = HOUSING_FROM_NEED.get(latest["accommodation_need"], "")
        if latest["children_living_with"] is not None:
            values["dependent_children"] = latest["children_living_with"] > 0
        values["route"] = latest["route"]
        values["injecting_status"] = latest["injecting_status"]
        substances = ", ".join(s["name"] for s in latest["substances"])
        first_use = f"; first used at {latest['age_first_use']}" if latest["age_first_use"] else ""
        values["substance_history"] = f"Problem substances on record: {substances}{first_use}."
        lines = []
        for e in episodes:
            line = f"Referred {uk_date(e['referral_date'])} ({e['referral_source_label'].lower()})"
            if e["start_date"]:
                line += f", started {uk_date(e['start_date'])}"
            if e["discharge_date"]:
                how = "unplanned" if e["unplanned_exit"] else "planned"
                line += f", left {uk_date(e['discharge_date'])} ({how}: {e['discharge_reason']})"
            else:
                line += ", still open"
            lines.append(line + f"; {e['team']}.")
        values["treatment_history"] = "\n".join(lines)
    attended = [c["contact_date"] for c in data["contacts"] if c["status"] == "attended"]
    if attended:
        values["last_contact_drug_service"] = datetime.date.fromisoformat(max(attended))
    ost = [
        i
        for i in data["interventions"]
        if i["is_ost"] and _open_on(i, "start_date", "end_date", day)
    ]
    if ost:
        current = max(ost, key=lambda i: i["start_date"])
        values["ost_medicine"] = current["medicine"]
        values["ost_daily_dose_mg"] = current["daily_dose_mg"]
        values["ost_supervised"] = current["supervised"]
    since = (
        datetime.date.fromisoformat(day) - datetime.timedelta(days=LIFE_EVENTS_DAYS)
    ).isoformat()
    events = [e for e in data["events"] if e["occurred_on"] >= since]
    if events:
        values["life_events"] = "\n".join(
            f"{uk_date(e['occurred_on'])}: {e['kind_label']}" for e in events
        )
    return values
