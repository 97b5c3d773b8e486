"""Reads of flags and outreach, always inside the case layer's visibility rule.

Every list here starts from `cases.selectors.service_users_visible_to`: there is
no second access rule for flags. List reads are one query (plus a count when
paginated) whatever the number of rows; a person's flag is read in a fixed
number of queries.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from cases.access import EDITING_ROLES
from cases.models import (
    Contact,
    ContactStatus,
    InterventionType,
    ServiceUser,
    User,
)
from cases.selectors import (
    ServiceUserHistory,
    leads_team,
    service_users_visible_to,
    teams_led_by,
)
from risk import wording
from risk.backtest_models import rule_set_fingerprint
from risk.engine import OUTREACH_TIERS, TIER_OF_RANK, TIER_RANKS, TIERS
from risk.models import (
    REACHED_OUTCOMES,
    Backtest,
    Flag,
    FlagOverride,
    FlagReason,
    OutreachAttempt,
    OutreachOutcome,
    Rule,
    RuleSet,
    Tier,
)

# The tiers whose flags the not-contacted worklist lists: the engine's outreach tiers.
UNCONTACTED_TIERS = OUTREACH_TIERS


def override_needs_approval(*, user: User, tier: str, team_id: int) -> bool:
    """Whether `user`'s override of a flag of `tier` on a person of team `team_id` waits for a
    team lead: a very high flag's does, unless a lead of that team makes it.

    The one statement of the rule: the override service decides by it, and the override
    page tells the user by it before they ask.
    """
    return tier == Tier.VERY_HIGH and not leads_team(user, team_id)


def flags_visible_to(user: User, *, with_break_glass: bool = True) -> QuerySet[Flag]:
    """Flags of the people `user` may see (none for roles that see nobody); see
    `service_users_visible_to` for `with_break_glass`."""
    people = service_users_visible_to(user, with_break_glass=with_break_glass)
    return Flag.objects.filter(service_user__in=people.values("pk"))


def _alive_on(day: datetime.date) -> Q:
    """People who had not died by `day`: from the date of death nobody is to be contacted,
    even before the recompute ends their flag."""
    return Q(service_user__date_of_death__isnull=True) | Q(service_user__date_of_death__gt=day)


def open_flags_visible_to(user: User, *, on: datetime.date | None = None) -> QuerySet[Flag]:
    """Open, not overridden flags of the people `user` may see, leaving out anyone who had
    died by `on` (today): every list of people to contact starts here, so none can miss it.
    People reached through break-glass are not on anyone's list to contact."""
    day = on or timezone.localdate()
    return (
        flags_visible_to(user, with_break_glass=False)
        .filter(ended_on__isnull=True)
        .exclude(status=Flag.Status.OVERRIDDEN)
        .filter(_alive_on(day))
    )


# The caseload's risk columns ----------------------------------------------


def with_flag_columns(people: QuerySet[ServiceUser]) -> QuerySet[ServiceUser]:
    """Annotate each person's open flag (tier, rank, score, summary) with one LEFT JOIN.

    A person has at most one open flag, so the join never repeats a row.
    `flag_rank` and `flag_score` are 0 for people without a flag, so sorting by
    them needs no NULL ordering.
    """
    return people.annotate(
        open_flag=FilteredRelation("flags", condition=Q(flags__ended_on__isnull=True)),
        flag_tier=F("open_flag__tier"),
        flag_rank=Coalesce(F("open_flag__tier_rank"), Value(0)),
        flag_score=Coalesce(F("open_flag__score"), Value(Decimal(0))),
        flag_summary=F("open_flag__summary"),
        flag_override_pending=Exists(
            _pending_overrides().filter(service_user=OuterRef("pk"), flag__ended_on__isnull=True)
        ),
    )


def _pending_overrides() -> QuerySet[FlagOverride]:
    return FlagOverride.objects.filter(approval=FlagOverride.Approval.PENDING)


# One person's flag ----------------------------------------------------------


def open_flag_for(person: ServiceUser, on: datetime.date | None = None) -> Flag | None:
    """The person's open flag with its reasons, each with its rule and worded for `on`.

    Four queries: the flag, its pending override, its reasons, and their rules in the
    flag's rule set. Each reason gets `rule` (None if the rule set lacks it), `text_now`
    and `window`; the flag gets `pending_override`, `minimum_reasons` and
    `tier_by_weight` (see `_held_by_minimum`).
    """
    flag = (
        Flag.objects.filter(service_user=person, ended_on__isnull=True)
        .select_related("rule_set", "acknowledged_by")
        .first()
    )
    if flag is None:
        return None
    pending = _pending_overrides().filter(flag=flag).select_related("created_by").first()
    return _with_reasons(flag, pending, on)


def person_flags(
    person: ServiceUser, on: datetime.date | None = None
) -> tuple[Flag | None, list[Flag]]:
    """The person's open flag as `open_flag_for` gives it, and every flag they ever had as
    `flag_history` gives them, in four queries rather than six: the open flag and its
    pending override are read from the history."""
    history = flag_history(person)
    flag = next((f for f in history if f.ended_on is None), None)
    if flag is None:
        return None, history
    pending = next(
        (o for o in flag.overrides.all() if o.approval == FlagOverride.Approval.PENDING), None
    )
    return _with_reasons(flag, pending, on), history


def _with_reasons(flag: Flag, pending: FlagOverride | None, on: datetime.date | None) -> Flag:
    day = on or timezone.localdate()
    flag.pending_override = pending
    reasons = list(flag.reasons.all())
    rules = {
        rule.code: rule
        for rule in Rule.objects.filter(
            rule_set_id=flag.rule_set_id, code__in=[r.rule_code for r in reasons]
        )
    }
    for reason in reasons:
        rule = rules.get(reason.rule_code)
        reason.rule = rule
        if rule is None:
            reason.text_now, reason.window = reason.text, ""
            continue
        reason.text_now = wording.reason_text(
            rule.reason,
            fired_from=reason.fired_from,
            count=reason.count,
            detail=reason.detail,
            on=day,
        )
        reason.window = wording.window_text(rule.check_name, rule.window_from, rule.window_to)
    flag.reason_list = reasons
    flag.minimum_reasons, flag.tier_by_weight = _held_by_minimum(flag, reasons)
    return flag


def _held_by_minimum(flag: Flag, reasons: list[FlagReason]) -> tuple[list[FlagReason], str]:
    """The reasons whose rule's minimum tier holds the flag at its tier, and the tier its
    weights alone reach ("" for none); no reasons when the weights alone reach its tier."""
    by_weight = next(
        (
            TIER_RANKS[tier]
            for tier in TIERS
            if flag.score >= getattr(flag.rule_set, f"{tier}_threshold")
        ),
        0,
    )
    if by_weight >= flag.tier_rank:
        return [], ""
    holding = [
        reason
        for reason in reasons
        if reason.rule is not None and TIER_RANKS.get(reason.rule.min_tier) == flag.tier_rank
    ]
    return holding, wording.tier_label(TIER_OF_RANK[by_weight]) if by_weight else ""


def flag_history(person: ServiceUser) -> list[Flag]:
    """Every flag the person ever had, newest first, with its rule set and overrides."""
    overrides = FlagOverride.objects.select_related("created_by", "decided_by")
    return list(
        Flag.objects.filter(service_user=person)
        .select_related("rule_set", "acknowledged_by")
        .prefetch_related(Prefetch("overrides", queryset=overrides))
        .order_by("-raised_on", "-id")
    )


@dataclass(frozen=True)
class Mitigation:
    label: str
    in_place: bool
    text: str


def _latest(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(queryset.order_by(f"-{field}").values(field)[:1])


def _dates_in(history: ServiceUserHistory, since: datetime.date) -> dict[str, Any]:
    """The latest date of each mitigation on the person's record, as already read."""

    def latest(dates: Iterable[datetime.date]) -> datetime.date | None:
        return max(dates, default=None)

    supplies = history["naloxone_supplies"]
    ost = [
        i
        for i in history["interventions"]
        if i.kind == InterventionType.PHARMACOLOGICAL and i.medicine
    ]
    return {
        "naloxone_since": latest(s.supplied_on for s in supplies if s.supplied_on >= since),
        "kit_expiry": latest(s.expiry_date for s in supplies),
        "ost_running_from": latest(i.start_date for i in ost if i.end_date is None),
        "ost_started_since": latest(i.start_date for i in ost if i.start_date >= since),
        "attended_since": latest(
            c.contact_date
            for c in history["contacts"]
            if c.status == ContactStatus.ATTENDED and c.contact_date >= since
        ),
        "episode_referred": latest(
            e.referral_date for e in history["episodes"] if e.referral_date >= since
        ),
        "intervention_referred": latest(
            i.referral_date
            for i in history["interventions"]
            if i.referral_date is not None and i.referral_date >= since
        ),
    }


def flag_mitigations(
    person: ServiceUser,
    flag: Flag,
    *,
    history: ServiceUserHistory,
    on: datetime.date | None = None,
) -> list[Mitigation]:
    """What is on record against the flag: naloxone, OST, contact since it was
    raised, and any referral since. `history` is the person's record as the person page
    read it (`cases.selectors.service_user_history`); the one query is for the outreach
    that reached them."""
    day = on or timezone.localdate()
    since = flag.raised_on
    row = _dates_in(history, since)
    row["reached_since"] = OutreachAttempt.objects.filter(
        service_user=person, outcome__in=REACHED_OUTCOMES, attempted_on__gte=since
    ).aggregate(latest=Max("attempted_on"))["latest"]

    def uk(d: datetime.date) -> str:
        return d.strftime("%d/%m/%Y")

    if row["naloxone_since"]:
        naloxone = Mitigation("Naloxone", True, f"Supplied {uk(row['naloxone_since'])}")
    elif row["kit_expiry"] and row["kit_expiry"] >= day:
        naloxone = Mitigation("Naloxone", True, f"Kit in date until {uk(row['kit_expiry'])}")
    elif row["kit_expiry"]:
        naloxone = Mitigation("Naloxone", False, f"Kit expired {uk(row['kit_expiry'])}")
    else:
        naloxone = Mitigation("Naloxone", False, "No kit on record")

    if row["ost_started_since"]:
        ost_item = Mitigation("OST", True, f"Started {uk(row['ost_started_since'])}")
    elif row["ost_running_from"]:
        ost_item = Mitigation("OST", True, f"Running since {uk(row['ost_running_from'])}")
    else:
        ost_item = Mitigation("OST", False, "None running")

    contacts = [d for d in (row["attended_since"], row["reached_since"]) if d]
    if contacts:
        contact = Mitigation("Contact", True, f"Last made {uk(max(contacts))}")
    else:
        contact = Mitigation("Contact", False, f"None since the flag was raised ({uk(since)})")

    referrals = [d for d in (row["episode_referred"], row["intervention_referred"]) if d]
    if referrals:
        referral = Mitigation("Referral", True, f"Made {uk(max(referrals))}")
    else:
        referral = Mitigation("Referral", False, "None recorded since the flag was raised")
    return [naloxone, ost_item, contact, referral]


# The outreach worklist --------------------------------------------------


def _last_contact() -> Greatest:
    """The later of the last attended contact and the last outreach that reached them.

    PostgreSQL's GREATEST ignores NULLs, so either alone is enough.
    """
    attended = Contact.objects.filter(
        service_user=OuterRef("service_user"), status=ContactStatus.ATTENDED
    )
    reached = OutreachAttempt.objects.filter(
        service_user=OuterRef("service_user"), outcome__in=REACHED_OUTCOMES
    )
    return Greatest(_latest(attended, "contact_date"), _latest(reached, "attempted_on"))


# Outcomes after which the person stays on the list.
_KEEPS_ON_LIST = [
    o for o in OutreachOutcome if o not in (OutreachOutcome.REMIND, OutreachOutcome.REMOVED)
]


def worklist(user: User, *, mine: bool = False, on: datetime.date | None = None) -> QuerySet[Flag]:
    """Open flags of the people `user` may see, to contact: highest tier first, then
    longest without contact.

    The latest attempt recorded against the current flag decides whether the
    person is off the list: removed (with a reason) takes them off until the
    flag ends; "remind me" hides them until the date. A new flag (the tier
    changed) starts a fresh list entry. `mine` keeps the user's own caseload.
    """
    day = on or timezone.localdate()
    latest = OutreachAttempt.objects.filter(flag=OuterRef("pk")).order_by("-id")
    flags = open_flags_visible_to(user, on=day)
    if mine:
        flags = flags.filter(service_user__keyworker=user)
    return (
        flags.select_related("service_user", "service_user__keyworker")
        .annotate(
            last_contact=_last_contact(),
            last_outcome=Subquery(latest.values("outcome")[:1]),
            last_attempt_on=Subquery(latest.values("attempted_on")[:1]),
            last_remind_on=Subquery(latest.values("remind_on")[:1]),
            override_pending=Exists(_pending_overrides().filter(flag=OuterRef("pk"))),
        )
        .filter(
            Q(last_outcome__isnull=True)
            | Q(last_outcome__in=_KEEPS_ON_LIST)
            | Q(last_outcome=OutreachOutcome.REMIND, last_remind_on__lte=day)
        )
        .order_by("-tier_rank", F("last_contact").asc(nulls_first=True), "raised_on", "pk")
    )


def overrides_to_decide(user: User) -> QuerySet[FlagOverride]:
    """Overrides of very high flags waiting for a team lead, in the teams `user` leads
    (none for anyone who leads no team), oldest first; only those whose flag is still open."""
    people = service_users_visible_to(user, with_break_glass=False).filter(
        team__in=teams_led_by(user)
    )
    return (
        _pending_overrides()
        .filter(service_user__in=people.values("pk"), flag__ended_on__isnull=True)
        .select_related("flag", "service_user", "service_user__keyworker", "created_by")
        .order_by("created_at", "pk")
    )


def worklist_entry(user: User, person: ServiceUser) -> Flag | None:
    """The person's worklist row, or None when they are not (or no longer) on it."""
    return worklist(user).filter(service_user=person).first()


def uncontacted_flags(user: User, days: int = 2, on: datetime.date | None = None) -> QuerySet[Flag]:
    """Very-high and high flags raised `days` or more ago with no contact since raised.

    Contact is an attended contact or an outreach attempt that reached the
    person, on or after the day the flag was raised.
    """
    day = on or timezone.localdate()
    attended = Contact.objects.filter(
        service_user=OuterRef("service_user"),
        status=ContactStatus.ATTENDED,
        contact_date__gte=OuterRef("raised_on"),
    )
    reached = OutreachAttempt.objects.filter(
        service_user=OuterRef("service_user"),
        outcome__in=REACHED_OUTCOMES,
        attempted_on__gte=OuterRef("raised_on"),
    )
    return (
        open_flags_visible_to(user, on=day)
        .filter(
            tier__in=UNCONTACTED_TIERS,
            raised_on__lte=day - datetime.timedelta(days=days),
        )
        .filter(~Exists(attended), ~Exists(reached))
        .select_related("service_user", "service_user__keyworker", "service_user__team")
        .annotate(last_contact=_last_contact())
        .order_by(_uncontacted_tier_order(user).desc(), "raised_on", "pk")
    )


def _uncontacted_tier_order(user: User) -> Coalesce | F:
    """The tier to sort the not-contacted list by, chosen for PostgreSQL's plan.

    A team's list is a few flags among hundreds of thousands. Sorted by the plain
    column, PostgreSQL walks the open-flag index under the page's LIMIT through every
    other team's flags (about 320 ms at 1,000,000 people, `make bench-load`); sorted by
    an expression the index cannot give, it finds the team's flags first (about 9 ms).
    The whole service's list keeps the index walk, which suits it.
    """
    # Keyworkers and team leads see only their teams' people.
    if user.role in EDITING_ROLES:
        return Coalesce(F("tier_rank"), Value(0))
    return F("tier_rank")


def backtest_for_activation(*, draft: RuleSet, current: RuleSet | None) -> Backtest | None:
    """The newest done backtest that scored `draft` with its rules as they now stand and,
    if there is one, the active version `current` beside it; None if there is none."""
    fingerprint = rule_set_fingerprint(draft)
    backtests = Backtest.objects.filter(status=Backtest.Status.DONE, rule_sets=draft)
    if current is not None:
        backtests = backtests.filter(rule_sets=current)
    for found in backtests.order_by("-finished_at", "-id"):
        if found.fingerprints.get(str(draft.version)) == fingerprint:
            return found
    return None
