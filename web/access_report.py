"""Who viewed or changed one person's record: the access report governance reads.

It joins the two audit stores for one person, newest first: the access events
about them (`cases.AccessEvent`, one indexed query on the person) and the
history of every write to their records in every layer (django-pghistory's
event tables: their details, episodes and interventions, events, contacts,
naloxone, TOPs, flags, overrides, outreach, break-glass grants and death
reviews). A fixed number of queries whatever the person's history: the
access events, two for the history (rows referring to the person, and to
their episodes, which interventions hang from), and one naming the staff.

A subject access request is answered with the CSV export of the same entries.
"""

import csv
import datetime
import io
from dataclasses import dataclass

from django.apps import apps
from django.utils.text import capfirst
from pghistory.models import Events

from cases.models import AccessEvent, ServiceUser, User
from commissioning.extracts.base import FORMULA_STARTS

VERBS = {"insert": "added", "update": "changed", "delete": "removed"}
# Bookkeeping columns every save changes; they say nothing to a reader.
UNTELLING = {"updated_at", "version", "pgh_obj"}


@dataclass(frozen=True)
class AccessEntry:
    """One line of the report: a read (viewed) or a write (changed)."""

    at: datetime.datetime
    who: str
    role: str
    action: str  # "viewed" or "changed"
    what: str
    detail: str
    break_glass: bool = False
    address: str = ""
    request_id: str = ""


def _reads(person: ServiceUser) -> list[AccessEntry]:
    events = AccessEvent.objects.filter(service_user=person).order_by("-at", "-id")
    return [
        AccessEntry(
            at=e.at,
            who=e.username,
            role=e.get_role_display(),
            action="viewed",
            what=e.get_kind_display(),
            detail=" ".join(part for part in (e.view, e.object_ref) if part),
            break_glass=e.break_glass,
            address=e.remote_addr or "",
            request_id=e.request_id,
        )
        for e in events
    ]


def _writes(person: ServiceUser) -> list[AccessEntry]:
    rows = {
        (e.pgh_model, e.pgh_id): e for e in Events.objects.references(person).order_by("-pgh_id")
    }
    episode_ids = [
        e.pgh_obj_id for e in rows.values() if e.pgh_obj_model == "cases.TreatmentEpisode"
    ]
    if episode_ids:
        episodes = [
            apps.get_model("cases", "TreatmentEpisode")(pk=int(pk)) for pk in set(episode_ids)
        ]
        for e in Events.objects.references(episodes).order_by("-pgh_id"):
            rows.setdefault((e.pgh_model, e.pgh_id), e)
    user_ids = {
        (e.pgh_context or {}).get("user")
        for e in rows.values()
        if (e.pgh_context or {}).get("user")
    }
    staff = User.objects.in_bulk(list(user_ids))
    entries = []
    for e in rows.values():
        model = apps.get_model(e.pgh_obj_model)
        changer = staff.get((e.pgh_context or {}).get("user"))
        fields = ""
        if e.pgh_label == "update" and e.pgh_diff:
            fields = ", ".join(sorted(k for k in e.pgh_diff if k not in UNTELLING))
        entries.append(
            AccessEntry(
                at=e.pgh_created_at,
                who=changer.username if changer else "the system",
                role=changer.get_role_display() if changer else "",
                action="changed",
                what=capfirst(str(model._meta.verbose_name)),
                detail=" ".join(
                    part
                    for part in (
                        VERBS.get(e.pgh_label, e.pgh_label) + (f": {fields}" if fields else ""),
                        str((e.pgh_context or {}).get("url", "")),
                    )
                    if part
                ),
            )
        )
    return entries


def person_access_entries(person: ServiceUser) -> list[AccessEntry]:
    """Everyone who viewed or changed `person`'s record, newest first."""
    entries = _reads(person) + _writes(person)
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


CSV_COLUMNS = (
    "when_utc",
    "who",
    "role",
    "action",
    "what",
    "detail",
    "break_glass",
    "from_address",
    "request_id",
)


def person_access_csv(entries: list[AccessEntry]) -> str:
    """The report as CSV, times in UTC (ISO 8601), for a subject access request; no text
    cell can start a spreadsheet formula (`commissioning.extracts.base.FORMULA_STARTS`)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        writer.writerow(
            [
                e.at.astimezone(datetime.UTC).isoformat(timespec="seconds"),
                *(_safe(text or "") for text in (e.who, e.role, e.action, e.what, e.detail)),
                "yes" if e.break_glass else "no",
                _safe(e.address or ""),
                _safe(e.request_id or ""),
            ]
        )
    return out.getvalue()


def _safe(text: str) -> str:
    # A cell a spreadsheet would run as a formula is kept as text.
    return "'" + text if text.startswith(FORMULA_STARTS) else text
