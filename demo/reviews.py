"""Death reviews for the demo, made through the same services as the app.

After the population is loaded, `seed_reviews` picks a few people whose records
went quiet weeks ago (those with a risky event in the last year first) and whom
the risk engine flagged before then, gives them a flag history and an outreach
attempt, notifies their deaths (which freezes a snapshot) and walks
the reviews to different states: signed off with learning for the bulletin,
closed, at panel, gathering information with requests outstanding. It adds a
review of someone the service never knew and a near-fatal overdose review, and
actions that are open, due soon and overdue, so the dashboard and the bulletin
have something to show.

Deterministic: the same population on the same day gives the same reviews.
"""

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q

from cases.models import (
    Event,
    EventKind,
    ServiceUser,
    User,
)
from deathreviews import selectors as review_selectors
from deathreviews import services as review_services
from deathreviews.models import (
    InformationRequest,
    LearningTheme,
    PartnerAgency,
    Review,
    ReviewAction,
    ReviewKind,
    ToxicologyFinding,
)
from risk import engine, loader
from risk import services as risk_services

RISKY_EVENTS = (
    EventKind.PRISON_RELEASE,
    EventKind.NON_FATAL_OVERDOSE,
    EventKind.HOSPITAL_DISCHARGE,
)
# How many known people's deaths the demo reviews, and how many people it looks at to find them.
KNOWN_DEATHS = 3
CANDIDATES_SCANNED = 300


@dataclass(frozen=True)
class Death:
    person: ServiceUser
    flagged_from: datetime.date
    died_on: datetime.date


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


QUIET_SQL = """
    WITH quiet AS (
        SELECT r.service_user_id, max(r.day) AS last_day
        FROM (
            SELECT service_user_id, occurred_on AS day FROM cases_event
            UNION ALL
            SELECT service_user_id, contact_date FROM cases_contact WHERE status <> 'booked'
            UNION ALL
            SELECT e.service_user_id, i.start_date FROM cases_intervention i
            JOIN cases_treatmentepisode e ON e.id = i.episode_id
            UNION ALL
            SELECT service_user_id, supplied_on FROM cases_naloxonesupply
            UNION ALL
            SELECT service_user_id, top_date FROM outcomes_topassessment
        ) r
        GROUP BY r.service_user_id
        HAVING max(r.day) BETWEEN %(quiet_from)s AND %(quiet_to)s
    )
    SELECT q.service_user_id, q.last_day
    FROM quiet q
    JOIN cases_serviceuser p ON p.id = q.service_user_id AND p.date_of_death IS NULL
    WHERE NOT EXISTS (SELECT 1 FROM deathreviews_review v WHERE v.service_user_id = p.id)
    ORDER BY NOT EXISTS (
        SELECT 1 FROM cases_event e
        WHERE e.service_user_id = p.id AND e.kind = ANY(%(risky)s)
          AND e.occurred_on >= %(risky_from)s
    ), q.service_user_id
    LIMIT %(limit)s
"""


def _quiet_people(today: datetime.date) -> list[tuple[int, datetime.date]]:
    """(person, last record) for people alive and not under review whose last record
    (booked appointments aside) is 30 to 300 days old: those with a risky event in the
    last year first, then the rest, in id order. One statement over the history tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            QUIET_SQL,
            {
                "quiet_from": today - _days(300),
                "quiet_to": today - _days(30),
                "risky": [str(kind) for kind in RISKY_EVENTS],
                "risky_from": today - _days(365),
                "limit": CANDIDATES_SCANNED,
            },
        )
        return cursor.fetchall()


def _tier(spec: engine.RuleSetSpec, person: ServiceUser, on: datetime.date) -> str | None:
    """The tier the engine gives `person` on a date, without publishing anything."""
    frames = loader.load_frames(spec, on, loader.Selection(person_id=person.pk))
    evaluation = engine.evaluate(frames, spec, on)
    return None if evaluation.people.empty else str(evaluation.people["tier"].iloc[0])


def _deaths(today: datetime.date, count: int) -> list[Death]:
    """People whose records went quiet weeks ago and whom the engine flagged before then."""
    spec = risk_services.active_rule_set().spec()
    found: list[Death] = []
    candidates = _quiet_people(today)
    people = ServiceUser.objects.in_bulk([pk for pk, _ in candidates])
    # In the order the candidates came, so the same seed picks the same deaths.
    for pk, last in candidates:
        person = people[pk]
        died_on = last + _days(7)
        if _tier(spec, person, died_on - _days(1)) is None:
            continue
        flagged_from = died_on - _days(1)
        for back in (45, 20, 8):
            if _tier(spec, person, died_on - _days(back)) is not None:
                flagged_from = died_on - _days(back)
                break
        found.append(Death(person, flagged_from, died_on))
        if len(found) == count:
            break
    return found


def _flag_history(death: Death, keyworker: User | None, reached: bool) -> None:
    """The flag as the nightly runs would have raised it before the death, and an attempt."""
    for as_of in sorted({death.flagged_from, death.died_on - _days(1)}):
        risk_services.flags_recompute_person(person_id=death.person.pk, as_of=as_of)
    if keyworker is not None:
        risk_services.outreach_attempt_create(
            service_user=death.person,
            recorded_by=keyworker,
            attempted_on=death.died_on - _days(5),
            method="phone",
            outcome="contacted" if reached else "not_contactable",
        )


def _update(review: Review, user: User, **changes) -> Review:
    review.refresh_from_db()
    return review_services.review_update(
        review=review, user=user, loaded_version=review.version, changes=changes
    )


def _move(review: Review, user: User, *names: str) -> Review:
    for name in names:
        review.refresh_from_db()
        review = review_services.review_transition(
            review=review, user=user, name=name, loaded_version=review.version
        )
    return review


def _approve_for_bulletin(review: Review, user: User) -> None:
    """Governance approves the signed-off learning and actions, as they would on the queue."""
    review.refresh_from_db()
    for item in (review, *review.actions.all()):
        text = item.bulletin_learning if item is review else item.description
        review_services.bulletin_item_approve(
            item=item, user=user, text=text, loaded_version=item.version
        )


def _add(model, review: Review, user: User, **fields):
    return review_services.part_create(model=model, review=review, user=user, fields=fields)


def _to_panel(review: Review, user: User, panel_on: datetime.date) -> Review:
    _update(
        review,
        user,
        reviewer=user,
        place_of_death=review.place_of_death or "own_home",
        found_by=review.found_by or "family",
        witnessed=False,
        emergency_call_made=True,
        treatment_history=review.treatment_history or "Not known to local treatment services.",
        age=review.age or 39,
        sex=review.sex or "M",
    )
    _move(review, user, "start_gathering", "ready_for_panel")
    _update(
        review,
        user,
        panel_date=panel_on,
        panel_members="Governance lead (chair), "
        "consultant psychiatrist, pharmacist, GP, probation, housing",
    )
    return _move(review, user, "panel_held")


def _theme(name: str) -> LearningTheme:
    return LearningTheme.objects.get(name=name)


def _agency(kind: str) -> PartnerAgency:
    return PartnerAgency.objects.filter(kind=kind).order_by("pk").first()


def filed_summary() -> str:
    """The demo's reviews counted by the review list's own selector, as governance first sees
    them (not closed) and in all, so the numbers printed are the numbers on the page."""
    governance = User.objects.get(username="governance")
    every = review_selectors.review_list(governance)
    listed = review_selectors.review_list(governance, status="open").count()
    near_fatal = every.filter(kind=ReviewKind.NEAR_FATAL).count()
    total = every.count()
    return (
        f"Reviews: {total} ({total - near_fatal} of deaths, {near_fatal} of near-fatal "
        f"overdoses). /reviews/ opens on the {listed} not closed; State: Any shows all {total}."
    )


def seed_reviews(*, today: datetime.date) -> list[Review]:
    """Create the demo's reviews; returns them. Needs the demo staff and population."""
    governance = User.objects.get(username="governance")
    teamlead = User.objects.get(username="teamlead")
    keyworker = User.objects.get(username="keyworker")
    with transaction.atomic():
        if not Review.objects.exists():
            with connection.cursor() as cursor:
                cursor.execute("SELECT setval(%s, 1, false)", [review_services.REFERENCE_SEQUENCE])
        deaths = _deaths(today, KNOWN_DEATHS)
        reviews: list[Review] = []
        for n, death in enumerate(deaths):
            holder = death.person.keyworker
            _flag_history(death, holder, reached=n == 1)
            reviews.append(
                review_services.review_notify(
                    user=governance,
                    kind="alcohol_death" if n == 2 else "drug_death",
                    occurred_on=death.died_on,
                    notified_on=death.died_on + _days(2),
                    notification_source="coroner" if n != 1 else "police",
                    notification_detail="Coroner's officer by phone",
                    service_user=death.person,
                    reviewer=governance,
                )
            )
        if len(reviews) > 0:
            _signed_off_with_learning(reviews[0], governance, teamlead, keyworker, today)
        if len(reviews) > 1:
            _at_panel(reviews[1], governance, teamlead, today)
        if len(reviews) > 2:
            _closed(reviews[2], governance, teamlead, today)
        reviews.append(_unknown_person(governance, today))
        reviews.append(_signed_off_unknown(governance, teamlead, today))
        near = _near_fatal(governance, today)
        if near is not None:
            reviews.append(near)
        return reviews


def _signed_off_with_learning(
    review: Review, user: User, teamlead: User, keyworker: User, today: datetime.date
) -> None:
    _add(
        InformationRequest,
        review,
        user,
        agency=_agency("gp"),
        asked="Consultations and prescriptions in the last year.",
        sent_on=review.notified_on,
        due_on=review.notified_on + _days(14),
        received_on=review.notified_on + _days(9),
        response_summary="Seen twice; pregabalin prescribed for anxiety.",
    )
    _to_panel(review, user, panel_on=min(today, review.occurred_on + _days(35)))
    _update(
        review,
        user,
        toxicology_status="available",
        benzodiazepines_prescribed=False,
        gabapentinoids_prescribed=True,
        naloxone_present=False,
        cause_of_death="1a Combined heroin and pregabalin toxicity",
        inquest_status="opened",
    )
    _add(ToxicologyFinding, review, user, substance="heroin", implicated=True)
    _add(ToxicologyFinding, review, user, substance="pregabalin", implicated=True)
    _add(ToxicologyFinding, review, user, substance="cannabis", implicated=False)
    _update(
        review,
        user,
        modifiable_factors="Used alone soon after a risky event; no naloxone kit at home; "
        "pregabalin prescribed alongside illicit opioid use.",
        preventability="potentially",
        missed_opportunities="No naloxone offered at the last contact; GP not told of the "
        "raised risk flag.",
        learning="Offer naloxone at every contact after a risky event, and tell the GP when a "
        "person prescribed gabapentinoids is flagged.",
        bulletin_learning="After a prison release or an overdose, tolerance drops fast. Offer "
        "naloxone at every contact in the weeks after, and tell the GP when someone "
        "prescribed pregabalin or gabapentin is flagged as high risk.",
        themes=[
            _theme("Loss of tolerance after prison release"),
            _theme("Opioids with benzodiazepines or gabapentinoids"),
            _theme("Naloxone not present or not used"),
        ],
    )
    _add(
        ReviewAction,
        review,
        user,
        description="Add a naloxone prompt to the contact form "
        "for anyone flagged after a prison release.",
        owner=teamlead,
        due_on=today - _days(10),
        status="done",
    )
    _add(
        ReviewAction,
        review,
        user,
        description="Agree with GP practices a message when a "
        "person on gabapentinoids is flagged high risk.",
        owner=user,
        partner_owner="LMC prescribing lead",
        due_on=today + _days(5),
    )
    _add(
        ReviewAction,
        review,
        user,
        description="Audit naloxone supply at release for the last quarter.",
        owner=keyworker,
        due_on=today - _days(6),
    )
    _move(review, user, "sign_off")
    _approve_for_bulletin(review, user)


def _at_panel(review: Review, user: User, teamlead: User, today: datetime.date) -> None:
    _add(
        InformationRequest,
        review,
        user,
        agency=_agency("probation"),
        asked="Supervision contacts and any concerns raised.",
        sent_on=review.notified_on,
        due_on=review.notified_on + _days(14),
        received_on=review.notified_on + _days(12),
    )
    _to_panel(review, user, panel_on=today)
    _update(review, user, toxicology_status="awaited", inquest_status="not_opened")
    _add(
        ReviewAction,
        review,
        user,
        description="Review how missed appointments after release are followed up.",
        owner=teamlead,
        due_on=today - _days(3),
    )


def _closed(review: Review, user: User, teamlead: User, today: datetime.date) -> None:
    _to_panel(review, user, panel_on=min(today, review.occurred_on + _days(40)))
    _update(
        review,
        user,
        toxicology_status="available",
        cause_of_death="1a Alcohol toxicity",
        inquest_status="concluded",
        inquest_date=min(today, review.occurred_on + _days(60)),
        inquest_conclusion="alcohol_related",
    )
    _add(
        ToxicologyFinding, review, user, substance="alcohol", implicated=True, level="380 mg/100 ml"
    )
    _update(
        review,
        user,
        modifiable_factors="Drinking alone at home after a hospital discharge.",
        preventability="undetermined",
        missed_opportunities="No follow-up call after the discharge.",
        learning="Call within two days of any hospital discharge.",
        bulletin_learning="A phone call within two days of a hospital discharge is a chance "
        "to check on drinking and to offer support; make it routine.",
        themes=[_theme("Hospital discharge without handover"), _theme("Using alone")],
    )
    action = _add(
        ReviewAction,
        review,
        user,
        description="Add a discharge follow-up call to the team's daily list.",
        owner=teamlead,
        due_on=today - _days(20),
    )
    review_services.part_update(
        part=action, user=user, loaded_version=action.version, changes={"status": "done"}
    )
    _move(review, user, "sign_off", "close")
    _approve_for_bulletin(review, user)


def _unknown_person(user: User, today: datetime.date) -> Review:
    review = review_services.review_notify(
        user=user,
        kind="drug_death",
        occurred_on=today - _days(20),
        notified_on=today - _days(16),
        notification_source="police",
        notification_detail="Police sudden-death report",
        person_name="Kieran Stobbart",
        age=44,
        sex="M",
        reviewer=user,
    )
    _update(review, user, place_of_death="public", found_by="public", housing="rough_sleeping")
    _move(review, user, "start_gathering")
    _add(
        InformationRequest,
        review,
        user,
        agency=_agency("hospital"),
        asked="Any A&E attendances in the last year.",
        sent_on=today - _days(15),
        due_on=today - _days(1),
    )
    _add(
        InformationRequest,
        review,
        user,
        agency=_agency("housing"),
        asked="Contact with housing options or outreach.",
        sent_on=today - _days(15),
        due_on=today + _days(6),
    )
    return review


def _signed_off_unknown(user: User, teamlead: User, today: datetime.date) -> Review:
    review = review_services.review_notify(
        user=user,
        kind="drug_death",
        occurred_on=today - _days(160),
        notified_on=today - _days(150),
        notification_source="coroner",
        person_name="Marnie Lowther",
        age=31,
        sex="F",
        reviewer=user,
    )
    _to_panel(review, user, panel_on=today - _days(100))
    _update(
        review,
        user,
        toxicology_status="available",
        cause_of_death="1a Fentanyl toxicity",
        place_of_death="other_home",
        found_by="friend",
    )
    _add(ToxicologyFinding, review, user, substance="fentanyl", implicated=True)
    _add(ToxicologyFinding, review, user, substance="cocaine", implicated=True)
    _update(
        review,
        user,
        modifiable_factors="Never in contact with treatment; used with friends who had no naloxone.",
        preventability="potentially",
        missed_opportunities="Two A&E attendances without a referral to the drug service.",
        learning="Agree a referral route from A&E for people presenting after drug use.",
        bulletin_learning="People who never reach treatment still pass through A&E. A simple "
        "referral route, and naloxone for friends and family, reach them earlier.",
        themes=[
            _theme("Information sharing between agencies"),
            _theme("Naloxone not present or not used"),
        ],
    )
    _add(
        ReviewAction,
        review,
        user,
        description="Set up a referral pathway from A&E to the drug service.",
        owner=teamlead,
        partner_owner="Emergency department lead nurse",
        due_on=today + _days(30),
        status="in_progress",
    )
    _move(review, user, "sign_off")
    _approve_for_bulletin(review, user)
    return review


def _near_fatal(user: User, today: datetime.date) -> Review | None:
    """A near-fatal overdose review of a known person's recent overdose."""
    event = (
        Event.objects.filter(
            kind=EventKind.NON_FATAL_OVERDOSE,
            occurred_on__range=(today - _days(60), today - _days(7)),
            service_user__date_of_death__isnull=True,
        )
        .filter(Q(service_user__reviews__isnull=True))
        .order_by("service_user_id", "occurred_on")
        .first()
    )
    if event is None:
        return None
    review = review_services.review_notify(
        user=user,
        kind="near_fatal",
        occurred_on=event.occurred_on,
        notified_on=event.occurred_on + _days(1),
        notification_source="ambulance",
        service_user=event.service_user,
        reviewer=user,
    )
    _update(
        review,
        user,
        place_of_death="own_home",
        found_by="partner",
        witnessed=True,
        naloxone_present=True,
        naloxone_used=True,
        emergency_call_made=True,
        treatment_history=review.treatment_history or "In treatment.",
    )
    _move(review, user, "start_gathering", "ready_for_panel")
    return review
