"""Reads of the case-file audit: who may be drawn, what each person's record says of each
checklist item (for a whole sample at once, in a fixed number of queries), the rounds a
user may open, and the results by team over time.

Every person comes from the visibility selector (`cases.selectors.service_users_visible_to`);
every round from the teams a user may audit (`audit_team_ids`). The checklist's facts say
once what other records already decide: a plan's next review (`care.models.CarePlan`), the
first plan's due date (`plan_due_when_none`), the next TOP (`outcomes.selectors.next_top_due`),
opioid use (`outcomes.selectors.with_opioid_use`), naloxone in words
(`cases.selectors.naloxone_status`), the next hepatitis C offer (`hep_c_offer_on`) and
children at home without safe storage (`SafeguardingRecord`).
"""

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncQuarter
from django.http import Http404

from care.access import can_audit_case_files
from care.models import (
    AuditCheck,
    AuditedPerson,
    AuditItem,
    AuditRound,
    BloodBorneVirusTest,
    CarePlan,
    ChildInContact,
    DataSays,
    Judgement,
    LivesWith,
    RiskAssessment,
    SafeStorage,
)
from care.selectors.health import HEP_C, INJECTS_OR_HAS, hep_c_offer_on
from care.selectors.plans import plan_due_when_none
from care.selectors.safeguarding import SafeguardingRecord
from cases.models import ServiceUser, Team, TreatmentEpisode, User
from cases.selectors import (
    CURRENT_EPISODE_FIRST,
    naloxone_status,
    service_users_visible_to,
    team_ids_visible_to,
    with_caseload_columns,
)
from outcomes.selectors import next_top_due, with_opioid_use, with_top_columns

PERIODS = {"month": TruncMonth, "quarter": TruncQuarter}


@dataclass(frozen=True)
class Prefill:
    """What the record says of one checklist item: met, not met or not applicable, and why."""

    item: str
    data_says: str
    fact: str


def _day(value: datetime.date) -> str:
    return f"{value:%d/%m/%Y}"


# --- Who may be drawn, and which rounds a user may open -----------------------------


def audit_team_ids(user: User) -> frozenset[int] | None:
    """The teams whose case files `user` may audit (None: every team, for governance);
    empty for anyone who does not audit."""
    if not can_audit_case_files(user):
        return frozenset()
    return team_ids_visible_to(user)


def audit_teams_for(user: User) -> QuerySet[Team]:
    ids = audit_team_ids(user)
    teams = Team.objects.order_by("name", "id")
    return teams if ids is None else teams.filter(id__in=ids)


def eligible_people(user: User, team: Team) -> QuerySet[ServiceUser]:
    """The people of `team` with an open episode whom `user` may see, in id order: the
    pool a round is drawn from. Never those reached through break-glass."""
    open_episode = TreatmentEpisode.objects.filter(
        service_user=OuterRef("pk"), discharge_date__isnull=True
    )
    return (
        service_users_visible_to(user, with_break_glass=False)
        .filter(team=team, date_of_death__isnull=True)
        .filter(Exists(open_episode))
        .order_by("id")
    )


def audit_rounds_for(user: User, *, team: Team | None = None) -> QuerySet[AuditRound]:
    """The rounds of the teams `user` audits (of `team` only, if given), newest first,
    each with how many people it drew and how many of its items are judged: one query."""
    ids = audit_team_ids(user)
    rounds = AuditRound.objects.select_related("team", "drawn_by", "completed_by")
    if ids is not None:
        rounds = rounds.filter(team_id__in=ids)
    if team is not None:
        rounds = rounds.filter(team=team)
    return rounds.annotate(
        drawn=Count("people", distinct=True),
        items=Count("people__checks"),
        judged=Count("people__checks", filter=~Q(people__checks__judgement="")),
    ).order_by("-drawn_on", "-id")


def audit_round_get(user: User, external_id: uuid.UUID | str) -> AuditRound:
    """The round, if it is of a team `user` audits; else 404."""
    round_ = audit_rounds_for(user).filter(external_id=external_id).first()
    if round_ is None:
        raise Http404("No such audit round")
    return round_


def audited_people_of(round_: AuditRound, user: User) -> list[AuditedPerson]:
    """The people drawn into the round whom `user` may see, in the order drawn, each with
    how many of their items are judged and met. One query."""
    visible = service_users_visible_to(user, with_break_glass=False).filter(
        pk=OuterRef("service_user_id")
    )
    return list(
        AuditedPerson.objects.filter(round=round_)
        .filter(Exists(visible))
        .select_related("service_user", "service_user__keyworker")
        .annotate(
            items=Count("checks"),
            judged=Count("checks", filter=~Q(checks__judgement="")),
            met=Count("checks", filter=Q(checks__data_says=DataSays.MET)),
            applicable=Count("checks", filter=~Q(checks__data_says=DataSays.NOT_APPLICABLE)),
        )
        .order_by("position", "id")
    )


def audited_person_get(
    round_: AuditRound, user: User, external_id: uuid.UUID | str
) -> AuditedPerson:
    """One person of the round, if `user` may see them; else 404."""
    for person in audited_people_of(round_, user):
        if str(person.external_id) == str(external_id):
            return person
    raise Http404("No such person in this audit")


def checks_of(audited: AuditedPerson) -> list[AuditCheck]:
    """The person's checklist in the order it reads."""
    order = list(AuditItem.values)
    checks = list(AuditCheck.objects.filter(audited=audited).select_related("judged_by"))
    return sorted(checks, key=lambda c: order.index(c.item))


# --- The prefill: what the records say, for a whole sample ---------------------------


def audit_prefill(person_ids: Sequence[int], *, on: datetime.date) -> dict[int, list[Prefill]]:
    """Each person's checklist as the records say on `on`. Seven queries, however many
    people and records: the people with their episode, TOP, opioid and naloxone columns;
    then the current plans, latest risk assessments, latest hepatitis C tests, current
    episodes, children and safe storage of them all."""
    people = list(
        with_opioid_use(with_top_columns(with_caseload_columns(ServiceUser.objects.all())))
        .filter(pk__in=person_ids)
        .order_by("id")
    )
    plans = {
        p.service_user_id: p
        for p in CarePlan.objects.filter(
            service_user_id__in=person_ids, superseded_at__isnull=True
        ).annotate(last_review=Max("reviews__reviewed_on"))
    }
    assessments = {
        a.service_user_id: a
        for a in RiskAssessment.objects.filter(service_user_id__in=person_ids)
        .order_by("service_user_id", "-assessed_on", "-recorded_at", "-id")
        .distinct("service_user_id")
    }
    hep_c = {
        t.service_user_id: t
        for t in BloodBorneVirusTest.objects.filter(service_user_id__in=person_ids, virus__in=HEP_C)
        .order_by("service_user_id", "-offered_on", "-id")
        .distinct("service_user_id")
    }
    episodes = {
        e.service_user_id: e
        for e in TreatmentEpisode.objects.filter(service_user_id__in=person_ids)
        .order_by("service_user_id", *CURRENT_EPISODE_FIRST)
        .distinct("service_user_id")
        .only(
            "id",
            "service_user_id",
            "parental_status",
            "children_living_with",
            "discharge_date",
            "injecting_status",
            "start_date",
        )
    }
    children: dict[int, list[ChildInContact]] = defaultdict(list)
    for child in ChildInContact.objects.filter(service_user_id__in=person_ids):
        children[child.service_user_id].append(child)
    storage = {
        s.service_user_id: s for s in SafeStorage.objects.filter(service_user_id__in=person_ids)
    }
    out: dict[int, list[Prefill]] = {}
    for person in people:
        episode = episodes.get(person.pk)
        record = SafeguardingRecord(
            children=children.get(person.pk, []), storage=storage.get(person.pk), episode=episode
        )
        out[person.pk] = [
            _care_plan(plans.get(person.pk), episode, on),
            _risk_assessment(assessments.get(person.pk), on),
            _top(person, on),
            _naloxone(person, on),
            _hep_c(hep_c.get(person.pk), episode, on),
            _safeguarding(record, on),
        ]
    return out


def _care_plan(
    plan: CarePlan | None, episode: TreatmentEpisode | None, on: datetime.date
) -> Prefill:
    item = AuditItem.CARE_PLAN
    if plan is None:
        started = episode.start_date if episode and episode.discharge_date is None else None
        first_due = plan_due_when_none(started)
        if first_due is None:
            return Prefill(
                item, DataSays.NOT_APPLICABLE, "No care plan: treatment has not started."
            )
        if first_due >= on:
            return Prefill(
                item,
                DataSays.NOT_APPLICABLE,
                f"No care plan yet: the first is due by {_day(first_due)}.",
            )
        return Prefill(
            item,
            DataSays.NOT_MET,
            f"No care plan: the first was due by {_day(first_due)} "
            f"(treatment started {_day(started)}).",  # type: ignore[arg-type]
        )
    last = getattr(plan, "last_review", None)
    reviewed = f"last reviewed {_day(last)}" if last else "not reviewed yet"
    fact = f"Plan agreed {_day(plan.agreed_on)}, {reviewed}, next review due {_day(plan.review_due_on)}."
    if plan.review_due_on >= on:
        return Prefill(item, DataSays.MET, fact)
    return Prefill(item, DataSays.NOT_MET, f"{fact[:-1]}: overdue.")


def _risk_assessment(assessment: RiskAssessment | None, on: datetime.date) -> Prefill:
    item = AuditItem.RISK_ASSESSMENT
    if assessment is None:
        return Prefill(item, DataSays.NOT_MET, "No overdose risk assessment recorded.")
    fact = f"Assessed {_day(assessment.assessed_on)}, review due {_day(assessment.review_on)}."
    if assessment.review_on >= on:
        return Prefill(item, DataSays.MET, fact)
    return Prefill(item, DataSays.NOT_MET, f"{fact[:-1]}: overdue.")


def _top(person: ServiceUser, on: datetime.date) -> Prefill:
    item = AuditItem.TOP
    last = person.last_top_date  # type: ignore[attr-defined]
    due = next_top_due(
        in_treatment=person.left_on is None,  # type: ignore[attr-defined]
        episode_start=person.episode_start,  # type: ignore[attr-defined]
        episode_referral=person.episode_referral,  # type: ignore[attr-defined]
        last_top_date=last,
    )
    if due is None:
        return Prefill(item, DataSays.NOT_APPLICABLE, "Not in treatment: no TOP due.")
    said = f"Last TOP {_day(last)}" if last else "No TOP recorded"
    if due >= on:
        return Prefill(item, DataSays.MET, f"{said}, next due {_day(due)}.")
    return Prefill(item, DataSays.NOT_MET, f"{said}: the next was due {_day(due)}.")


def _naloxone(person: ServiceUser, on: datetime.date) -> Prefill:
    item = AuditItem.NALOXONE
    status = naloxone_status(
        expiry=person.naloxone_expiry,  # type: ignore[attr-defined]
        used_recently=person.naloxone_used_recently,  # type: ignore[attr-defined]
        uses_opioids=person.uses_opioids,  # type: ignore[attr-defined]
        on=on,
    )
    if not person.uses_opioids:  # type: ignore[attr-defined]
        return Prefill(item, DataSays.NOT_APPLICABLE, f"No opioid use on record. {status.words}.")
    return Prefill(
        item, DataSays.NOT_MET if status.alert else DataSays.MET, f"Uses opioids. {status.words}."
    )


def _hep_c(
    test: BloodBorneVirusTest | None, episode: TreatmentEpisode | None, on: datetime.date
) -> Prefill:
    item = AuditItem.HEP_C
    if episode is None or episode.injecting_status not in INJECTS_OR_HAS:
        return Prefill(item, DataSays.NOT_APPLICABLE, "No injecting recorded on the episode.")
    offer = hep_c_offer_on(test, today=on)
    if test is None:
        return Prefill(item, DataSays.NOT_MET, "Has injected; no hepatitis C test offered.")
    said = f"Has injected. {test.in_words()}"
    if offer is None:
        return Prefill(item, DataSays.MET, f"{said}.")
    if offer > on:
        return Prefill(item, DataSays.MET, f"{said}; next offer due {_day(offer)}.")
    return Prefill(item, DataSays.NOT_MET, f"{said}; a new offer was due {_day(offer)}.")


def _safeguarding(record: SafeguardingRecord, on: datetime.date) -> Prefill:
    item = AuditItem.SAFEGUARDING
    at_home = record.children_at_home(on)
    if at_home == 0:
        return Prefill(item, DataSays.NOT_APPLICABLE, "No children recorded as living with them.")
    listed = sum(c.lives_with == LivesWith.LIVES_WITH for c in record.children_now(on))
    storage = record.storage
    kept = "safe storage recorded" if storage and storage.recorded else "no safe storage recorded"
    children = "1 child lives" if at_home == 1 else f"{at_home} children live"
    fact = f"{children} with them; {listed} listed on the safeguarding record; {kept}."
    met = listed > 0 and not record.storage_missing(on)
    return Prefill(item, DataSays.MET if met else DataSays.NOT_MET, fact)


# --- Results by team over time --------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """A share in words and figures: "7 of 9 (78%)"; "none to count" without a base."""

    count: int
    of: int

    def __str__(self) -> str:
        if self.of == 0:
            return "none to count"
        return f"{self.count} of {self.of} ({round(100 * self.count / self.of)}%)"


@dataclass(frozen=True)
class ResultRow:
    team: str
    period: datetime.date
    item: str
    met: Share
    agreed: Share

    @property
    def item_label(self) -> str:
        return str(AuditItem(self.item).label)


def audit_results(user: User, *, by: str = "quarter", team: Team | None = None) -> list[ResultRow]:
    """For each team `user` audits (`team` only, if given), each month or quarter (`by`) and
    each checklist item, over completed rounds: the share of applicable items met by the
    record, and the share of judged items the auditor agreed with. One query."""
    ids = audit_team_ids(user)
    checks = AuditCheck.objects.filter(audited__round__completed_at__isnull=False)
    if ids is not None:
        checks = checks.filter(audited__round__team_id__in=ids)
    if team is not None:
        checks = checks.filter(audited__round__team=team)
    order = list(AuditItem.values)
    rows = (
        checks.annotate(period=PERIODS[by]("audited__round__drawn_on"))
        .values("audited__round__team__name", "period", "item")
        .annotate(
            met=Count("id", filter=Q(data_says=DataSays.MET)),
            applicable=Count("id", filter=~Q(data_says=DataSays.NOT_APPLICABLE)),
            agreed=Count("id", filter=Q(judgement=Judgement.AGREE)),
            judged=Count("id", filter=~Q(judgement="")),
        )
        .order_by()
    )
    results = [
        ResultRow(
            team=row["audited__round__team__name"],
            period=row["period"],
            item=row["item"],
            met=Share(row["met"], row["applicable"]),
            agreed=Share(row["agreed"], row["judged"]),
        )
        for row in rows
    ]
    return sorted(results, key=lambda r: (r.team, -r.period.toordinal(), order.index(r.item)))


def period_label(day: datetime.date, by: str) -> str:
    if by == "month":
        return f"{day:%B %Y}"
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def results_by_period(rows: Iterable[ResultRow], by: str) -> list[tuple[str, str, list[ResultRow]]]:
    """(team, period in words, its rows in checklist order), for the results table."""
    grouped: dict[tuple[str, datetime.date], list[ResultRow]] = {}
    for row in rows:
        grouped.setdefault((row.team, row.period), []).append(row)
    return [(team, period_label(period, by), items) for (team, period), items in grouped.items()]
