"""Write the synthetic population to the database: staff through the ORM, histories by COPY.

`seed_demo` runs in one transaction, so a failure leaves the database as it
was. For speed at a million people it assigns primary keys itself (from the
tables' current maxima, under an exclusive lock), loads the bulk tables with
their secondary indexes, unique and foreign-key constraints dropped and
rebuilds them at the end (`core.bulk.bulk_loading`, which re-checks every row),
then moves the id sequences and `cases_client_ref_seq` past what it wrote.
Check constraints stay in place throughout, so the database still vets every
row as it arrives.

Tables and columns come from the models' `_meta`.
"""

import datetime
import queue
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

import numpy as np
from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from care.models import AuditRound
from casereviews.models import Meeting, TeamReviewSetting
from cases.models import (
    Contact,
    DischargeReason,
    Event,
    Intervention,
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
from commissioning.models import ApiClient
from core.bulk import bulk_loading
from deathreviews.models import PartnerAgency
from demo import DEMO_LOGINS, DEMO_PASSWORD, fastcsv, generate, names
from demo.partners import ORGANISATIONS
from outcomes.models import TopAssessment
from partners.models import PartnerAccess, PartnerOrganisation, SharingAgreement

DEMO_SERVICE_NAME = "Lantern Demo Recovery Service"
DEMO_SERVICE_CODE = "DEMO01"
DEMO_EMAIL_DOMAIN = "demo.lantern.invalid"
DEMO_API_CLIENT = "Demo Commissioning"
CLIENT_REF_SEQUENCE = "cases_client_ref_seq"
TABLES: dict[str, type[Model]] = {
    "person": ServiceUser,
    "episode": TreatmentEpisode,
    "intervention": Intervention,
    "event": Event,
    "contact": Contact,
    "naloxone": NaloxoneSupply,
    "top": TopAssessment,
}


class DemoDataExists(Exception):
    """The demo service is already there; seeding again needs --reset."""


@dataclass
class SeedResult:
    people: int
    rows: dict[str, int]
    seconds: float
    keyworkers: int
    teams: int
    demo_caseload: int


class Progress:
    """A small text progress bar on a stream (one line per step when not a terminal)."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._printed: dict[str, int] = {}

    def note(self, text: str) -> None:
        self.stream.write(f"{text}\n")
        self.stream.flush()

    def bar(self, label: str, done: int, total: int, detail: str = "") -> None:
        share = done / total if total else 1.0
        filled = round(self.width * share)
        elapsed = time.monotonic() - self.started
        line = (
            f"{label:<10} [{'#' * filled}{'.' * (self.width - filled)}] {share:4.0%} "
            f"{detail} {elapsed:6.1f}s"
        )
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done >= total else ""))
        else:
            # In a log, one line per tenth is plenty.
            tenth = int(share * 10)
            if tenth <= self._printed.get(label, -1) and done < total:
                return
            self._printed[label] = tenth
            self.stream.write(line + "\n")
        self.stream.flush()


def bulk_models() -> dict[str, type[Model]]:
    return dict(TABLES)


def demo_teams() -> list[Team]:
    return list(Team.objects.filter(service__name=DEMO_SERVICE_NAME).order_by("id"))


def has_people() -> bool:
    return ServiceUser.objects.exists()


def seed_demo(
    *,
    people: int,
    seed: int,
    reset: bool,
    progress: Progress,
    situations: generate.SituationSpread | None = None,
) -> SeedResult:
    started = time.monotonic()
    today = timezone.localdate()
    models = bulk_models()
    with transaction.atomic(), connection.cursor() as cursor:
        if reset:
            emptied = _reset(cursor, models)
            progress.note(f"Emptied {', '.join(emptied)} and removed the demo staff.")
        elif Service.objects.filter(name=DEMO_SERVICE_NAME).exists():
            raise DemoDataExists(
                "The demo service is already there: run with --reset to replace it, or "
                "--if-empty to leave existing data alone."
            )
        _lock(cursor, models.values())
        population = generate.plan_population(
            people, seed, today, _nhs_numbers_in_use(), situations
        )
        holder_user_ids, team_ids = _create_staff(population, seed, today)
        refs = generate.References(
            substance=dict(Substance.objects.values_list("code", "id")),
            discharge_reason=dict(
                DischargeReason.objects.filter(dataset_version="current").values_list("code", "id")
            ),
            local_authority=dict(LocalAuthority.objects.values_list("code", "id")),
            holder_user_ids=holder_user_ids,
            team_ids=team_ids,
            created_at=timezone.now().isoformat(),
            client_ref_start=_reserve_client_refs(cursor, people, reset),
        )
        ids = generate.NextIds(**{key: _max_id(cursor, model) + 1 for key, model in models.items()})
        tables = [model._meta.db_table for model in models.values()]
        with bulk_loading(cursor, tables, progress=_bulk_progress(progress)):
            rows = _load(cursor.connection, population, refs, ids, models, today, progress)
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models.values())):
            cursor.execute(statement)
    demo_caseload = int(((population.holder == 0) & (population.status != 2)).sum())
    return SeedResult(
        people=people,
        rows=rows,
        seconds=time.monotonic() - started,
        keyworkers=population.keyworkers,
        teams=population.teams,
        demo_caseload=demo_caseload,
    )


def _load(raw, population, refs, ids, models, today, progress) -> dict[str, int]:
    """COPY every chunk, generating the next table's CSV in a thread meanwhile.

    The server parses CSV on one core while numpy builds the next block on the
    other; a queue of a few tables bounds memory to about one chunk.
    """
    totals = dict.fromkeys(models, 0)
    checked: set[str] = set()
    batches: queue.Queue = queue.Queue(maxsize=3)
    stop = threading.Event()
    producer = threading.Thread(
        target=_produce,
        args=(population, refs, ids, fastcsv.Calendar(today), batches, stop),
        name="seed-demo-generator",
        daemon=True,
    )
    producer.start()
    try:
        with raw.cursor() as cursor:
            while (item := batches.get()) is not _DONE:
                if isinstance(item, BaseException):
                    raise item
                if isinstance(item, int):
                    done = min(population.size, (item + 1) * generate.CHUNK_PEOPLE)
                    progress.bar("people", done, population.size, f"{done:,}/{population.size:,}")
                    continue
                table, fields, data, count = item
                model = models[table]
                columns = [model._meta.get_field(name).column for name in fields]
                if table not in checked:
                    _check_columns(model, columns)
                    checked.add(table)
                column_list = ", ".join(_quote(column) for column in columns)
                sql = (
                    f"COPY {_quote(model._meta.db_table)} ({column_list}) "
                    "FROM STDIN WITH (FORMAT csv)"
                )
                with cursor.copy(sql) as copy:
                    copy.write(data)
                totals[table] += count
    finally:
        stop.set()
        producer.join()
    return totals


_DONE = object()


def _produce(population, refs, ids, calendar, batches: queue.Queue, stop: threading.Event):
    """Generate chunks and queue (table, fields, csv, count) items, then chunk numbers."""

    def put(item) -> bool:
        while not stop.is_set():
            try:
                batches.put(item, timeout=0.5)
                return True
            except queue.Full:
                continue
        return False

    try:
        for chunk in range(population.chunks):
            for rows in generate.generate_chunk(population, refs, ids, calendar, chunk):
                data = rows.csv()
                rows.blocks.clear()
                if not put((rows.table, rows.fields, data, rows.count)):
                    return
            if not put(chunk):
                return
        put(_DONE)
    except BaseException as error:  # handed to the loading thread, which raises it
        put(error)


def _check_columns(model: type[Model], columns: list[str]) -> None:
    """Fail clearly if the model has gained a required column the generator does not fill."""
    missing = [
        field.name
        for field in model._meta.concrete_fields
        if field.column not in columns and not field.null and not field.has_db_default()
    ]
    if missing:
        raise ImproperlyConfigured(
            f"seed_demo does not fill {model._meta.label}.{', '.join(missing)}: "
            "add them to demo/generate.py"
        )


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _table_list(models: Iterable[type[Model]]) -> str:
    return ", ".join(_quote(model._meta.db_table) for model in models)


# Records about the demo's teams and staff that no person's record leads to.
TEAM_RECORDS = (Meeting, TeamReviewSetting, AuditRound)


def _reset(cursor, models: dict[str, type[Model]]) -> list[str]:
    """Empty the bulk tables (and any table that points at them) and remove the demo staff."""
    tables = [model._meta.db_table for model in models.values()]
    cursor.execute(
        """
        SELECT DISTINCT c.conrelid::regclass::text FROM pg_constraint c
        WHERE c.contype = 'f' AND c.confrelid = ANY(%s::regclass[])
          AND NOT c.conrelid = ANY(%s::regclass[])
        """,
        [tables, tables],
    )
    also = sorted(row[0] for row in cursor.fetchall())
    cursor.execute(f"TRUNCATE {_table_list(models.values())} RESTART IDENTITY CASCADE")
    # Case review meetings and teams' review settings name the demo's staff and teams, not
    # its people, so the cascade above leaves them; held meetings refuse a row's deletion.
    cursor.execute(f"TRUNCATE {_table_list(TEAM_RECORDS)} RESTART IDENTITY CASCADE")
    _remove_partners()
    User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").delete()
    TeamMembership.objects.filter(team__service__name=DEMO_SERVICE_NAME).delete()
    Team.objects.filter(service__name=DEMO_SERVICE_NAME).delete()
    Service.objects.filter(name=DEMO_SERVICE_NAME).delete()
    return tables + also


def _remove_partners() -> None:
    """Remove the demo's partner organisations with their agreements and staff access: like
    the team records above, nothing about a person leads to them. A review agency keeps its
    row and loses its link to the organisation."""
    organisations = PartnerOrganisation.objects.filter(name__in=[o[1] for o in ORGANISATIONS])
    SharingAgreement.objects.filter(organisation__in=organisations).delete()
    PartnerAccess.objects.filter(organisation__in=organisations).delete()
    PartnerAgency.objects.filter(organisation__in=organisations).update(organisation=None)
    organisations.delete()


def _lock(cursor, models: Iterable[type[Model]]) -> None:
    cursor.execute(f"LOCK TABLE {_table_list(models)} IN ACCESS EXCLUSIVE MODE")


def _max_id(cursor, model: type[Model]) -> int:
    pk = _quote(model._meta.pk.column)
    cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {_quote(model._meta.db_table)}")
    return int(cursor.fetchone()[0])


def _nhs_numbers_in_use() -> np.ndarray:
    numbers = (
        ServiceUser.objects.filter(nhs_number__startswith="999")
        .values_list("nhs_number", flat=True)
        .iterator(chunk_size=50_000)
    )
    return np.fromiter((int(n) for n in numbers if n.isdigit()), dtype=np.int64)


def _reserve_client_refs(cursor, people: int, reset: bool) -> int:
    """The first client-reference number of a block of `people`, taken from the sequence.

    Numbering restarts at 1 when nobody is recorded, so the same seed gives the same
    references however many times the tables were emptied before.
    """
    if reset or not has_people():
        cursor.execute("SELECT setval(%s, 1, false)", [CLIENT_REF_SEQUENCE])
    cursor.execute("SELECT nextval(%s)", [CLIENT_REF_SEQUENCE])
    first = int(cursor.fetchone()[0])
    cursor.execute("SELECT setval(%s, %s)", [CLIENT_REF_SEQUENCE, first + people - 1])
    return first


def _create_staff(
    population: generate.Population, seed: int, today: datetime.date
) -> tuple[np.ndarray, np.ndarray]:
    """The demo service, its teams, every caseload holder and the five demo logins.

    Returns the user id of each caseload holder and the id of each team, in the
    order the population plan numbers them.
    """
    rng = np.random.default_rng([seed, 2])
    service = Service.objects.create(name=DEMO_SERVICE_NAME, code=DEMO_SERVICE_CODE)
    teams = Team.objects.bulk_create(
        Team(service=service, name=name) for name in _team_names(population.teams)
    )
    hashed = User(username="keyworker")
    hashed.set_password(DEMO_PASSWORD)  # hashed once; every demo user shares it

    def staff_user(username: str, role: str, index: int, **extra) -> User:
        return User(
            username=username,
            password=hashed.password,
            first_name=names.STAFF_FIRST_NAMES[index % len(names.STAFF_FIRST_NAMES)],
            last_name=names.STAFF_SURNAMES[(index * 7 + 3) % len(names.STAFF_SURNAMES)],
            email=f"{username}@{DEMO_EMAIL_DOMAIN}",
            role=role,
            **extra,
        )

    holders = []
    for k in range(population.keyworkers):
        holders.append(staff_user("keyworker" if k == 0 else f"kw{k:05d}", Role.KEYWORKER, k))
    for t in range(population.teams):
        holders.append(
            staff_user(
                "teamlead" if t == 0 else f"lead{t:04d}", Role.TEAM_LEAD, population.keyworkers + t
            )
        )
    others = [
        staff_user(
            username,
            role,
            900 + i,
            is_staff=role == Role.ADMINISTRATOR,
            is_superuser=role == Role.ADMINISTRATOR,
        )
        for i, (username, role) in enumerate(DEMO_LOGINS)
        if role not in (Role.KEYWORKER, Role.TEAM_LEAD)
    ]
    created = User.objects.bulk_create(holders + others, batch_size=5000)
    # The demo commissioner belongs to an API client, so the API and its docs work for them.
    client, _ = ApiClient.objects.get_or_create(name=DEMO_API_CLIENT)
    User.objects.filter(username__in=[u for u, r in DEMO_LOGINS if r == Role.COMMISSIONER]).update(
        api_client=client
    )
    holder_users = created[: len(holders)]
    starts = rng.integers(30, 2000, len(holder_users))
    TeamMembership.objects.bulk_create(
        (
            TeamMembership(
                user=user,
                team=teams[population.holder_team[i]],
                starts_on=today - datetime.timedelta(days=int(starts[i])),
            )
            for i, user in enumerate(holder_users)
        ),
        batch_size=5000,
    )
    return (
        np.array([user.pk for user in holder_users], dtype=np.int64),
        np.array([team.pk for team in teams], dtype=np.int64),
    )


def _team_names(count: int) -> list[str]:
    areas = names.TEAM_AREAS
    return [
        areas[i % len(areas)]
        if i < len(areas)
        else f"{areas[i % len(areas)]} {i // len(areas) + 1}"
        for i in range(count)
    ]


def _bulk_progress(progress: Progress):
    def report(stage: str, done: int, total: int, table: str) -> None:
        detail = f"{done}/{total} {table}" if stage == "indexes" else table
        progress.bar(stage, done, total, detail)

    return report
