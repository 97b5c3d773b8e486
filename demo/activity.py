"""Events, contacts and naloxone supplies.

Overdoses carry the minimum overdose record, "not known" where a notifier could not say,
and other events leave those fields empty; booked contacts are today or later and attended
or missed ones today or earlier; a person's first kit is a first supply and later ones are
repeats with a reason. A repeat because the last kit was used on the client comes with the
overdose it reported (`source_supply`), as the naloxone page records it; kits to people
who are not clients are held by the supplying team.
"""

from dataclasses import dataclass

import numpy as np

from demo import fastcsv as fc
from demo import names
from demo.codes import (
    ATTENDED,
    BOOKED,
    CANCELLED,
    CONFISCATED,
    CONTACT_KINDS,
    CONTACT_STATUSES,
    DNA,
    EV,
    EVENT_KINDS,
    EXPIRED,
    FEMALE,
    FOLLOWUP_BASES,
    FORMULATIONS,
    FROM_NALOXONE_KIT,
    GIVEN_BY_AMBULANCE,
    GIVEN_BY_NOT_KNOWN,
    GIVEN_BY_PEER,
    GIVEN_BY_POLICE,
    GIVEN_BY_STAFF,
    IN_HOSPITAL,
    IN_PHARMACY,
    IN_SERVICE,
    IN_TREATMENT,
    INFORMATION_SOURCES,
    LEFT_EARLIER,
    LEFT_RECENTLY,
    LOST,
    NALOXONE_GIVERS,
    NON_OPIATE,
    NOT_GIVEN,
    NOT_KNOWN_WHETHER_GIVEN,
    OD_SUBSTANCES,
    ON_PRISON_RELEASE,
    OPIATE,
    OTHER_REASON,
    POLY_ALCOHOL,
    POLY_BENZO,
    POLY_GABAPENTINOID,
    RECIPIENTS,
    REPEAT_REASONS,
    RESPONDERS,
    SUPPLY_SETTINGS,
    TO_FAMILY_FRIEND,
    TO_HOSTEL_STAFF,
    TO_PEER,
    TO_PERSON,
    TO_WORKER,
    URGENT_HOUSING,
    USED_OTHER,
    USED_SELF,
    YEAR,
)
from demo.draws import between, expand, pick
from demo.episodes import Episodes
from demo.people import NextIds, People, Rows
from demo.plan import HOSPITAL, OVERDOSES, PRISON, Scenario


def event_rows(p: People, refs, ids: NextIds, calendar, rng, kits: "Kits") -> Rows:
    n = p.n
    sc, day = p.scenario, p.day
    person_parts, kind_parts, day_parts, note_parts, supply_parts = [], [], [], [], []

    def add(mask, kind, days, noted=0.0, supply=None):
        person_parts.append(np.flatnonzero(mask))
        kind_parts.append(np.asarray(kind if not np.isscalar(kind) else np.full(n, kind))[mask])
        day_parts.append(np.asarray(days)[mask])
        note_parts.append((rng.random(n) < noted)[mask])
        supply_parts.append((np.full(n, -1) if supply is None else supply)[mask])

    add(np.isin(sc, PRISON), EV["prison_release"], day, 0.5)
    add(np.isin(sc, HOSPITAL), EV["hospital_discharge"], day, 0.5)
    # Some recent overdoses reached the service through a repeat kit: the one used on them.
    add(np.isin(sc, OVERDOSES), EV["non_fatal_overdose"], day, 0.3, kits.reported_by)
    add(
        sc == Scenario.DETOX,
        np.where(p.residential, EV["residential_completed"], EV["detox_completed"]),
        day,
    )
    add(sc == Scenario.BEREAVEMENT, EV["bereavement"], day, 0.5)
    add(sc == Scenario.CHILD_REMOVED, EV["child_removed"], day, 0.5)
    nfa = p.accommodation == URGENT_HOUSING
    add(nfa & (rng.random(n) < 0.4), EV["housing_lost"], between(rng, 0, 180, n), 0.5)
    benign = np.array(
        [EV["housing_found"], EV["other"], EV["job_loss"], EV["relationship_breakdown"]]
    )[pick(rng, n, (0.4, 0.2, 0.2, 0.2))]
    add(rng.random(n) < 0.06, benign, between(rng, 0, 365, n))

    # Background history, all more than a year ago.
    count = np.minimum(rng.poisson(0.8, n), 4)
    owner, _ = expand(count)
    weights = (0.10, 0.20, 0.08, 0.05, 0.02, 0.08, 0.12, 0.08, 0.10, 0.07, 0.02, 0.08)
    kind = pick(rng, len(owner), weights)
    kind[(kind == EV["non_fatal_overdose"]) & (p.group[owner] != OPIATE)] = EV["hospital_discharge"]
    kind[(kind == EV["child_removed"]) & (p.sex[owner] != FEMALE)] = EV["relationship_breakdown"]
    oldest = np.maximum(p.age_days[owner] - 16 * 366, YEAR + 1)
    past = between(rng, YEAR + 1, np.minimum(2500, oldest))
    person_parts.append(owner)
    kind_parts.append(kind)
    day_parts.append(past)
    note_parts.append(np.zeros(len(owner), dtype=bool))
    supply_parts.append(np.full(len(owner), -1))

    # The overdoses older repeat kits reported: the previous kit was used on them.
    reports = np.flatnonzero(kits.reports)
    person_parts.append(kits.person[reports])
    kind_parts.append(np.full(len(reports), EV["non_fatal_overdose"]))
    day_parts.append(kits.used_days[reports])
    note_parts.append(np.zeros(len(reports), dtype=bool))
    supply_parts.append(kits.ids[reports])

    person = np.concatenate(person_parts)
    kind = np.concatenate(kind_parts)
    days = np.concatenate(day_parts)
    noted = np.concatenate(note_parts)
    supply = np.concatenate(supply_parts)
    order = np.lexsort((-days, person))
    person, kind, days = person[order], kind[order], days[order]
    noted, supply = noted[order], supply[order]
    count = len(person)
    overdose = kind == EV["non_fatal_overdose"]
    from_kit = supply >= 0

    rows = Rows("event", count=count)
    rows.add("id", fc.integers(ids.event + np.arange(count)))
    ids.event += count
    rows.add("external_id", fc.uuids(rng, count))
    rows.add("service_user", fc.integers(p.ids[person]))
    rows.add("kind", fc.choices(EVENT_KINDS, kind))
    rows.add("occurred_on", calendar.dates(days))
    note_text = [names.EVENT_NOTES.get(k, "") for k in EVENT_KINDS]
    rows.add("notes", fc.choices([*note_text, ""], np.where(noted, kind, len(EVENT_KINDS))))
    minutes = 5 * rng.integers(0, 288, count)
    rows.add(
        "occurred_at_time", calendar.times(minutes, null=~overdose | (rng.random(count) < 0.1))
    )
    place = pick(rng, count, (0.35, 0.15, 0.1, 0.08, 0.08, 0.08, 0.05, 0.04, 0.04, 0.03))
    rows.add(
        "place",
        fc.choices(
            [*names.OVERDOSE_PLACES, ""], np.where(overdose, place, len(names.OVERDOSE_PLACES))
        ),
    )

    benzo = p.poly[person] == POLY_BENZO
    gaba = p.poly[person] == POLY_GABAPENTINOID
    drank = p.poly[person] == POLY_ALCOHOL
    flags = np.stack(
        [
            rng.random(count) < 0.9,
            rng.random(count) < np.where(benzo, 0.8, 0.3),
            rng.random(count) < np.where(gaba, 0.8, 0.12),
            rng.random(count) < np.where(drank, 0.8, 0.25),
            rng.random(count) < 0.2,
            rng.random(count) < 0.03,
            rng.random(count) < 0.05,
            np.zeros(count, dtype=bool),
            np.zeros(count, dtype=bool),
        ],
        axis=1,
    )
    flags[~flags.any(axis=1), 8] = True  # nothing suspected: "not known"
    flags[~overdose] = False
    rows.add("substances_suspected", _array_literals(OD_SUBSTANCES, flags))
    doses = np.where(rng.random(count) < 0.65, rng.integers(1, 5, count), 0)
    doses = np.where(from_kit, rng.integers(1, 3, count), doses)
    doses_unknown = rng.random(count) < np.where(from_kit, 0.5, 0.15)
    # Who gave naloxone: nobody when no dose was given; when the doses are not known,
    # given by someone not known or not known whether given at all.
    giver = np.where(
        doses > 0,
        np.array(
            [GIVEN_BY_AMBULANCE, GIVEN_BY_PEER, GIVEN_BY_STAFF, GIVEN_BY_POLICE, GIVEN_BY_NOT_KNOWN]
        )[pick(rng, count, (0.45, 0.30, 0.10, 0.05, 0.10))],
        NOT_GIVEN,
    )
    giver = np.where(
        doses_unknown,
        np.where(rng.random(count) < 0.5, GIVEN_BY_NOT_KNOWN, NOT_KNOWN_WHETHER_GIVEN),
        giver,
    )
    # A used kit was given by whoever found them, often a friend; the supply says no more.
    giver = np.where(
        from_kit, np.where(rng.random(count) < 0.6, GIVEN_BY_PEER, GIVEN_BY_NOT_KNOWN), giver
    )
    rows.add(
        "naloxone_given_by",
        fc.choices([*NALOXONE_GIVERS, ""], np.where(overdose, giver, len(NALOXONE_GIVERS))),
    )
    rows.add("naloxone_doses", fc.integers(doses, null=~overdose | doses_unknown))
    responded = np.stack(
        [
            rng.random(count) < 0.7,
            rng.random(count) < 0.4,
            rng.random(count) < 0.15,
            rng.random(count) < 0.05,
            rng.random(count) < 0.1,
            np.zeros(count, dtype=bool),
        ],
        axis=1,
    )
    responded[from_kit] = False
    responded[from_kit, 1] = True  # a peer used the kit
    responded[~responded.any(axis=1), 5] = True
    responded[~overdose] = False
    rows.add("responders", _array_literals(RESPONDERS, responded))
    hospital = np.where(rng.random(count) < np.where(responded[:, 0], 0.7, 0.2), 1, 0)
    # A notifier often cannot say whether they went to hospital, and a used kit never does.
    hospital_unknown = rng.random(count) < np.where(from_kit, 0.8, 0.12)
    hospital = np.where(hospital_unknown, -1, hospital)
    rows.add("taken_to_hospital", fc.booleans(np.where(overdose, hospital, -1)))
    source = pick(rng, count, (0.25, 0.30, 0.05, 0.10, 0.25, 0.05))
    source = np.where(from_kit, FROM_NALOXONE_KIT, source)
    rows.add(
        "information_source",
        fc.choices(
            [*INFORMATION_SOURCES, ""], np.where(overdose, source, len(INFORMATION_SOURCES))
        ),
    )
    basis = pick(rng, count, (0.30, 0.42, 0.08, 0.05, 0.12, 0.03))
    rows.add(
        "followup_basis",
        fc.choices([*FOLLOWUP_BASES, ""], np.where(overdose, basis, len(FOLLOWUP_BASES))),
    )
    rows.add("source_supply", fc.integers(np.maximum(supply, 0), null=~from_kit))
    staff = p.staff[person]
    rows.add("recorded_by", fc.integers(np.maximum(staff, 0), null=staff < 0))
    rows.add("created_at", fc.constant(refs.created_at, count))
    return rows


def _array_literals(labels, flags: np.ndarray) -> np.ndarray:
    """PostgreSQL array literals (`{a,b}`, `{}`) for rows of boolean flags over `labels`."""
    width = len(labels)
    combos = np.arange(2**width)
    table = []
    for combo in combos:
        members = [labels[i] for i in range(width) if combo >> i & 1]
        table.append("{" + ",".join(members) + "}")
    code = (flags.astype(np.int64) << np.arange(width)).sum(axis=1)
    return fc.choices(table, code)


# ---------------------------------------------------------------------------
# Contacts


def contact_rows(p: People, e: Episodes, refs, ids: NextIds, calendar, rng) -> Rows:
    n = p.n
    status = p.status
    in_treatment = status == IN_TREATMENT
    last_discharge = e.last_discharge
    latest_referral = e.referral[e.latest]  # one latest episode per person, in person order
    spacing = np.array([7, 14, 14, 21, 28])[rng.integers(0, 5, n)]
    nearest = np.where(
        in_treatment, between(rng, 1, spacing), last_discharge + between(rng, 0, spacing - 1)
    )
    farthest = np.where(
        in_treatment,
        np.minimum(120, latest_referral),
        np.minimum(latest_referral, last_discharge + 90),
    )
    cap = np.select([in_treatment, status == LEFT_RECENTLY], [20, 8], 3)
    has = (status != LEFT_EARLIER) | (rng.random(n) < 0.4)
    count = np.where(
        has & (farthest >= nearest), np.minimum((farthest - nearest) // spacing + 1, cap), 0
    )
    owner, rank = expand(count)
    days = nearest[owner] + rank * spacing[owner] + rng.integers(0, 3, len(owner))
    state = np.array([ATTENDED, DNA, CANCELLED])[pick(rng, len(owner), (0.80, 0.15, 0.05))]
    streak = between(rng, 3, 4, n)
    state[p.missed[owner] & (rank < streak[owner])] = DNA
    disengaged = p.scenario[owner] == Scenario.UNPLANNED_EXIT
    state[disengaged & (rank < 2)] = DNA

    booked = in_treatment & (rng.random(n) < np.where(p.missed, 0.5, 0.85))
    booked_owner = np.flatnonzero(booked)
    person = np.concatenate([owner, booked_owner])
    days = np.concatenate([days, -between(rng, 0, 21, n)[booked_owner]])
    state = np.concatenate([state, np.full(len(booked_owner), BOOKED)])
    order = np.lexsort((-days, person))
    person, days, state = person[order], days[order], state[order]
    total = len(person)

    rows = Rows("contact", count=total)
    rows.add("id", fc.integers(ids.contact + np.arange(total)))
    ids.contact += total
    rows.add("external_id", fc.uuids(rng, total))
    rows.add("service_user", fc.integers(p.ids[person]))
    staff = p.staff[person]
    rows.add("staff", fc.integers(np.maximum(staff, 0), null=staff < 0))
    rows.add("contact_date", calendar.dates(days))
    minutes = 9 * 60 + 15 * rng.integers(0, 32, total)
    rows.add("contact_time", calendar.times(minutes, null=rng.random(total) < 0.15))
    rows.add(
        "kind", fc.choices(CONTACT_KINDS, pick(rng, total, (0.60, 0.20, 0.05, 0.05, 0.08, 0.02)))
    )
    rows.add("status", fc.choices(CONTACT_STATUSES, state))
    notes = [*names.CONTACT_NOTES, *names.DNA_NOTES, ""]
    note = np.where(
        state == ATTENDED,
        rng.integers(0, len(names.CONTACT_NOTES), total),
        len(names.CONTACT_NOTES) + rng.integers(0, len(names.DNA_NOTES), total),
    )
    written = (rng.random(total) < 0.08) & ((state == ATTENDED) | (state == DNA))
    rows.add("notes", fc.choices(notes, np.where(written, note, len(notes) - 1)))
    rows.add("created_at", fc.constant(refs.created_at, total))
    return rows


# ---------------------------------------------------------------------------
# Naloxone


@dataclass
class Kits:
    """A chunk's naloxone kits, drawn before the events because some kits report an
    overdose: a client's repeat supply whose previous kit was used on them (`used_self`)
    comes with the overdose it reported, its `source_supply`, as the naloxone page records it.

    Client kits come first, in person order, then kits given to people who are not clients
    (`client` false), held by the supplying team."""

    person: np.ndarray  # index into the chunk's people; for a non-client, whose team supplied it
    days: np.ndarray
    reason: np.ndarray  # into REPEAT_REASONS
    setting: np.ndarray  # into SUPPLY_SETTINGS
    first: np.ndarray
    client: np.ndarray
    used_days: np.ndarray  # the previous kit used, days ago; -1 not recorded
    ids: np.ndarray
    # The kit given after a drawn overdose situation that reports that overdose.
    situation: np.ndarray
    # By person: the id of the kit that reported their situation's overdose, or -1.
    reported_by: np.ndarray

    @property
    def count(self) -> int:
        return len(self.person)

    @property
    def reports(self) -> np.ndarray:
        """Kits that report an overdose of their client other than a drawn situation's."""
        return self.client & (self.reason == USED_SELF) & ~self.first & ~self.situation


def draw_kits(p: People, e: Episodes, ids: NextIds, rng) -> Kits:
    n = p.n
    sc, day = p.scenario, p.day
    chance = np.select([p.group == OPIATE, p.group == NON_OPIATE], [0.75, 0.06], 0.02)
    chance = np.where(np.isin(sc, OVERDOSES) & (sc != Scenario.OVERDOSE_90_NO_KIT), 0.9, chance)
    chance[sc == Scenario.OVERDOSE_90_NO_KIT] = 0.0
    has = rng.random(n) < chance
    count = np.where(has, 1 + pick(rng, n, (0.55, 0.27, 0.18)), 0)
    used_after_overdose = (
        np.isin(sc, (Scenario.OVERDOSE_28, Scenario.OVERDOSE_90)) & has & (rng.random(n) < 0.6)
    )
    prison_kit = np.isin(sc, PRISON) & (rng.random(n) < 0.6)

    earliest = np.maximum(e.last_discharge, 0)
    latest_possible = np.maximum(earliest, np.minimum(e.first_referral, earliest + 6 * YEAR))
    # Kits before the overdose or the prison sentence, so the recent ones come after.
    earliest = np.where(used_after_overdose | prison_kit, np.maximum(earliest, day + 1), earliest)
    latest_possible = np.maximum(latest_possible, earliest)
    owner, _ = expand(count)
    days = between(rng, earliest[owner], latest_possible[owner])
    reason = pick(rng, len(owner), (0.12, 0.13, 0.25, 0.30, 0.10, 0.10))
    # A kit used on them in the last year would be a recent overdose, which only the drawn
    # situations give: those older repeats were renewed because they expired.
    reason[(reason == USED_SELF) & (days <= YEAR + 30)] = EXPIRED
    setting = pick(rng, len(owner), (0.57, 0.15, 0.15, 0.08, 0.05))

    after = np.flatnonzero(used_after_overdose)
    after_day = (day - between(rng, 0, np.minimum(14, day)))[after]
    # Two in five of the kits given after an overdose replace the one used on them, and
    # report that overdose; the rest replace a kit lost or expired meanwhile.
    after_reason = np.where(
        rng.random(len(after)) < 0.4,
        USED_SELF,
        np.array([LOST, EXPIRED, OTHER_REASON])[pick(rng, len(after), (0.4, 0.4, 0.2))],
    )
    released = np.flatnonzero(prison_kit)
    person = np.concatenate([owner, after, released])
    days = np.concatenate([days, after_day, day[released]])
    reason = np.concatenate(
        [
            reason,
            after_reason,
            np.array([CONFISCATED, LOST, OTHER_REASON])[
                pick(rng, len(released), (0.5, 0.25, 0.25))
            ],
        ]
    )
    setting = np.concatenate(
        [
            setting,
            np.full(len(after), IN_SERVICE),
            np.full(len(released), ON_PRISON_RELEASE),
        ]
    )
    situation = np.concatenate(
        [
            np.zeros(len(owner), dtype=bool),
            after_reason == USED_SELF,
            np.zeros(len(released), dtype=bool),
        ]
    )
    order = np.lexsort((-days, person))
    person, days, reason = person[order], days[order], reason[order]
    setting, situation = setting[order], situation[order]
    total = len(person)
    first = np.r_[True, person[1:] != person[:-1]] if total else np.zeros(0, dtype=bool)

    # Kits given to people who are not clients (family, friends, peers, hostel staff), by
    # the team of a client they know, at every kind of outlet.
    others = rng.binomial(n, 0.05) if n else 0
    anchor = rng.integers(0, max(n, 1), others)
    other_days = between(rng, 0, 3 * YEAR, others)
    other_first = rng.random(others) < 0.8
    other_reason = np.array([USED_OTHER, EXPIRED, LOST])[pick(rng, others, (0.6, 0.25, 0.15))]
    other_setting = pick(rng, others, (0.28, 0.25, 0.25, 0.04, 0.18))

    client = np.r_[np.ones(total, dtype=bool), np.zeros(others, dtype=bool)]
    person = np.concatenate([person, anchor])
    days = np.concatenate([days, other_days])
    reason = np.concatenate([reason, other_reason])
    setting = np.concatenate([setting, other_setting])
    first = np.concatenate([first, other_first])
    situation = np.concatenate([situation, np.zeros(others, dtype=bool)])
    all_kits = total + others

    # When the previous kit was used: always for one used on the client (their overdose),
    # often for one used on someone else; before this supply, after their 16th birthday.
    used = ~first & np.isin(reason, (USED_SELF, USED_OTHER))
    told = used & ((reason == USED_SELF) | (rng.random(all_kits) < 0.5))
    adult_days = np.maximum(p.age_days[person] - 16 * 366, days)
    used_days = np.where(told, np.minimum(days + between(rng, 0, 21, all_kits), adult_days), -1)
    # The reported situation overdose happened on the situation's own day.
    used_days = np.where(situation, day[person], used_days)

    kit_ids = ids.naloxone + np.arange(all_kits)
    ids.naloxone += all_kits
    reported_by = np.full(n, -1, dtype=np.int64)
    reported_by[person[situation]] = kit_ids[situation]
    return Kits(
        person=person,
        days=days,
        reason=reason,
        setting=setting,
        first=first,
        client=client,
        used_days=used_days,
        ids=kit_ids,
        reported_by=reported_by,
        situation=situation,
    )


def naloxone_rows(p: People, kits: Kits, refs, calendar, rng) -> Rows:
    total = kits.count
    person, days, first, client = kits.person, kits.days, kits.first, kits.client
    rows = Rows("naloxone", count=total)
    rows.add("id", fc.integers(kits.ids))
    rows.add("external_id", fc.uuids(rng, total))
    rows.add("service_user", fc.integers(np.where(client, p.ids[person], 0), null=~client))
    rows.add("team", fc.integers(np.where(client, 0, p.team_id[person]), null=client))
    rows.add("supplied_on", calendar.dates(days))
    recipient = np.where(
        client,
        np.array([TO_PERSON, TO_FAMILY_FRIEND, TO_WORKER])[pick(rng, total, (0.86, 0.11, 0.03))],
        np.array([TO_FAMILY_FRIEND, TO_PEER, TO_HOSTEL_STAFF, TO_WORKER])[
            pick(rng, total, (0.45, 0.30, 0.20, 0.05))
        ],
    )
    rows.add("recipient", fc.choices(RECIPIENTS, recipient))
    newer = days < 4 * YEAR
    formulation = np.where(rng.random(total) < np.where(newer, 0.6, 0.2), 1, 0)
    rows.add("formulation", fc.choices(FORMULATIONS, formulation))
    rows.add("supply_type", fc.choices(("first", "repeat"), np.where(first, 0, 1)))
    rows.add(
        "repeat_reason",
        fc.choices([*REPEAT_REASONS, ""], np.where(first, len(REPEAT_REASONS), kits.reason)),
    )
    used = kits.used_days >= 0
    rows.add("kit_used_on", calendar.dates(np.maximum(kits.used_days, 0), null=~used))
    rows.add(
        "batch_number",
        fc.concat(fc.constant("LOT-", total), fc.integers(rng.integers(10000, 99999, total))),
    )
    rows.add("expiry_date", calendar.dates(days - between(rng, 540, 1095, total)))
    rows.add("training_given", fc.booleans((rng.random(total) < 0.88).astype(np.int64)))
    rows.add("setting", fc.choices(SUPPLY_SETTINGS, kits.setting))
    # A pharmacy or a hospital supplies its own kits: no member of the service's staff.
    elsewhere = np.isin(kits.setting, (IN_PHARMACY, IN_HOSPITAL))
    staff = np.where(elsewhere, -1, p.staff[person])
    rows.add("supplied_by", fc.integers(np.maximum(staff, 0), null=staff < 0))
    rows.add("created_at", fc.constant(refs.created_at, total))
    return rows
