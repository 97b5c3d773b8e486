"""The recompute benchmark's baseline: the same rules run the obvious way, a person at a time.

`bench/risk_recompute.py` imports it by its plain name: a per-person loop that reads each
person's records through the ORM, evaluates them with the same engine and writes the flag
with `update_or_create`, timed on a sample (rolled back).
"""

import datetime
import time


def per_person_loop(sample: list[int], as_of: datetime.date) -> float:
    """Seconds per person for the obvious loop: ORM reads, evaluate, update_or_create."""
    import pandas as pd
    from django.db import transaction

    from risk import engine
    from risk.models import Flag
    from risk.services import active_rule_set

    rule_set = active_rule_set()
    spec = rule_set.spec()
    tier_ranks = engine.TIER_RANKS

    def frame(rows: list[dict], name: str) -> pd.DataFrame:
        columns = engine.FRAME_COLUMNS[name]
        data = pd.DataFrame(rows, columns=list(columns))
        for column in columns:
            if column.endswith(("_date", "_on")) or column == "date_of_birth":
                data[column] = pd.to_datetime(data[column])
        return data

    started = time.perf_counter()
    with transaction.atomic():
        for person_id in sample:
            person, records = _person_records(person_id)
            frames = {
                "people": frame(
                    [
                        {
                            "person_id": person.pk,
                            "sex": person.sex,
                            "date_of_birth": person.date_of_birth,
                            "lives_alone": bool(person.lives_alone),
                        }
                    ],
                    "people",
                ),
                "episodes": frame(
                    [_episode_row(e, as_of) for e in records["episodes"]], "episodes"
                ),
                "interventions": frame(
                    [
                        {
                            "intervention_id": i.pk,
                            "person_id": person.pk,
                            "kind": i.kind,
                            "is_ost": i.is_ost,
                            "start_date": i.start_date,
                            "end_date": i.end_date,
                        }
                        for i in records["interventions"]
                    ],
                    "interventions",
                ),
                "events": frame(
                    [
                        {
                            "event_id": v.pk,
                            "person_id": person.pk,
                            "kind": v.kind,
                            "occurred_on": v.occurred_on,
                        }
                        for v in records["events"]
                    ],
                    "events",
                ),
                "contacts": frame(
                    [
                        {
                            "contact_id": c.pk,
                            "person_id": person.pk,
                            "contact_date": c.contact_date,
                            "status": c.status,
                        }
                        for c in records["contacts"]
                    ],
                    "contacts",
                ),
                "naloxone": frame(
                    [
                        {
                            "supply_id": n.pk,
                            "person_id": person.pk,
                            "supplied_on": n.supplied_on,
                            "expiry_date": n.expiry_date,
                        }
                        for n in records["naloxone"]
                    ],
                    "naloxone",
                ),
                "tops": frame(
                    [
                        {
                            "top_id": t.pk,
                            "person_id": person.pk,
                            "top_date": t.top_date,
                            "opiuse": t.opiuse,
                            "alcuse": t.alcuse,
                            "ivdrguse": t.ivdrguse,
                            "acuthpbm": t.acuthpbm,
                        }
                        for t in records["tops"]
                    ],
                    "tops",
                ),
            }
            result = engine.evaluate(frames, spec, as_of)
            for row in result.people.itertuples(index=False):
                Flag.objects.update_or_create(
                    service_user_id=person.pk,
                    ended_on__isnull=True,
                    defaults={
                        "tier": row.tier,
                        "tier_rank": tier_ranks[row.tier],
                        "score": row.score,
                        "summary": row.summary[:400],
                        "rule_codes": row.rule_codes.split(","),
                        "rule_set": rule_set,
                        "raised_on": as_of,
                        "changed_on": as_of,
                    },
                )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed / len(sample)


def _person_records(person_id: int) -> tuple:
    """One person and their records, read the obvious way: a query per kind."""
    from cases.models import Contact, Event, Intervention, NaloxoneSupply, ServiceUser
    from outcomes.models import TopAssessment

    person = ServiceUser.objects.get(pk=person_id)
    return person, {
        "episodes": list(
            person.episodes.select_related(
                "substance_1", "substance_2", "substance_3", "discharge_reason"
            )
        ),
        "interventions": list(Intervention.objects.filter(episode__service_user=person)),
        "events": list(Event.objects.filter(service_user=person)),
        "contacts": list(Contact.objects.filter(service_user=person)),
        "naloxone": list(NaloxoneSupply.objects.filter(service_user=person)),
        "tops": list(TopAssessment.objects.filter(service_user=person)),
    }


def _episode_row(episode, as_of: datetime.date) -> dict:
    categories = {
        s.category for s in (episode.substance_1, episode.substance_2, episode.substance_3) if s
    }
    discharged = (
        episode.discharge_date
        if episode.discharge_date and episode.discharge_date <= as_of
        else None
    )
    return {
        "episode_id": episode.pk,
        "person_id": episode.service_user_id,
        "referral_date": episode.referral_date,
        "discharge_date": discharged,
        "unplanned_exit": episode.unplanned_exit,
        "opioid_main": episode.substance_1.category == "opioid",
        "opioid": "opioid" in categories,
        "benzodiazepine": "benzodiazepine" in categories,
        "gabapentinoid": "gabapentinoid" in categories,
        "alcohol": "alcohol" in categories,
        "injecting": episode.injecting_status == "current",
        "no_fixed_abode": episode.accommodation_need == "urgent",
        "dual_diagnosis": bool(episode.dual_diagnosis),
    }
