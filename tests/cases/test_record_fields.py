"""Every place that lists a record kind's fields covers each field its model declares.

A record kind declares once, on its model, what a worker records (`RECORDED_FIELDS`, in
the form's order). The form and the death-review snapshot derive from it. The bulk
import (per-column types and checks), the commissioner extract (an allow-list of SQL)
and the demo generator (drawn distributions) cannot, so these tests hold each of them
to the declaration: a declared field must be filled or read there, or be listed below
in an explicit exclusion with its reason. Adding a field to a model's declaration and
forgetting one of those places fails here, naming the place and the field.

The NDTMS extract (`exchange.ndtms`) is not held to it: its columns follow the national
dataset, not Lantern's forms.
"""

import collections
import datetime
import functools
import re

import numpy as np
import pytest
from django.db.models import Model

from cases import forms
from cases.models import Contact, Event, Intervention, NaloxoneSupply, ServiceUser, TreatmentEpisode
from commissioning.extracts import cases as extracts
from deathreviews import snapshot
from demo import fastcsv, generate
from demo.load import bulk_models
from exchange.importing.specs import OVERDOSE_ONLY, SPECS

RECORD_KINDS: list[type[Model]] = [
    ServiceUser,
    TreatmentEpisode,
    Intervention,
    Event,
    Contact,
    NaloxoneSupply,
]

FORMS = {
    ServiceUser: forms.ServiceUserForm,
    TreatmentEpisode: forms.EpisodeForm,
    Intervention: forms.InterventionForm,
    Event: forms.EventForm,
    Contact: forms.ContactForm,
    NaloxoneSupply: forms.NaloxoneSupplyForm,
}

SNAPSHOT_FIELDS = {
    ServiceUser: snapshot.PERSON_FIELDS,
    TreatmentEpisode: snapshot.EPISODE_FIELDS,
    Intervention: snapshot.INTERVENTION_FIELDS,
    Event: snapshot.EVENT_FIELDS,
    Contact: snapshot.CONTACT_FIELDS,
    NaloxoneSupply: snapshot.NALOXONE_FIELDS,
}

# --- The import: fields no column fills ---------------------------------------------------

NDTMS_PERSON_ITEMS = ("gp_practice_code", "sexual_orientation")
NDTMS_EPISODE_ITEMS = (
    "alcohol_days",
    "alcohol_units",
    "hep_c_intervention",
    "hep_c_test_date",
    "hep_c_positive",
    "hep_b_intervention",
    "hep_b_vaccinations",
    "discharge_destination_kind",
)
NDTMS_INTERVENTION_ITEMS = ("approach",)


def _all(names: tuple[str, ...], reason: str) -> dict[str, str]:
    return dict.fromkeys(names, reason)


NOT_IMPORTED: dict[type[Model], dict[str, str]] = {
    # An import records what happened: an expected release or discharge is entered by
    # hand, and imported rows take the column's default, happened.
    Event: {"status": "imported events are events that happened"},
}

# --- The commissioner extract: fields it never sends -------------------------------------

# The extract and the alias its SQL gives the record's own table; None: no extract of
# this kind of record (commissioners receive no event or contact rows).
EXTRACTS = {
    ServiceUser: (extracts.PEOPLE, "su"),
    TreatmentEpisode: (extracts.EPISODES, "ep"),
    Intervention: (extracts.INTERVENTIONS, "iv"),
    Event: None,
    Contact: None,
    NaloxoneSupply: (extracts.NALOXONE_SUPPLIES, "ns"),
}
IDENTIFYING = "identifies the person: the extract sends a pseudonym and an age band instead"
# Sent to NDTMS; commissioners receive an item only once their extract's allow-list is
# widened to it.
NDTMS_ONLY = "an NDTMS submission item not in the commissioner extract's allow-list"
NOT_EXTRACTED: dict[type[Model], dict[str, str]] = {
    ServiceUser: {
        "first_name": IDENTIFYING,
        "last_name": IDENTIFYING,
        "preferred_name": IDENTIFYING,
        "nhs_number": IDENTIFYING,
        "phone": IDENTIFYING,
        "address": IDENTIFYING,
        "postcode": IDENTIFYING,
        "keyworker": "names a member of staff",
        "lives_alone": "not in the people extract's allow-list",
        "gp_practice_code": "locates the person: with the local authority it narrows them to a "
        "practice's list",
        "sexual_orientation": NDTMS_ONLY,
        # Special category data: a commissioner's equality figures would take them as
        # suppressed counts, never as a row per person beside an age band and an area.
        "religion": "special category data: not in the people extract's allow-list",
        "disabilities": "special category data: not in the people extract's allow-list",
    },
    TreatmentEpisode: {
        "discharge_destination": "free text never leaves",
        **_all(NDTMS_EPISODE_ITEMS, NDTMS_ONLY),
        "all_children_live_with": NDTMS_ONLY,
    },
    Intervention: _all(NDTMS_INTERVENTION_ITEMS, NDTMS_ONLY),
    NaloxoneSupply: {
        "batch_number": "the kit's stock detail, not the person's care",
        # Events never leave in an extract (overdoses leave only as suppressed figures), and
        # the date a kit was used on the client is the date of their overdose.
        "kit_used_on": "the date of an overdose: commissioners receive no event dates",
    },
}

# --- The demo population: fields it leaves empty ------------------------------------------

NOT_IN_DEMO: dict[type[Model], dict[str, str]] = {
    # Every demo event happened: expected ones would need dates in the future, which
    # the generator never draws for events; the column's default fills it.
    Event: {"status": "every demo event happened"},
}


def _declared(model: type[Model]) -> tuple[str, ...]:
    return model.RECORDED_FIELDS  # type: ignore[attr-defined]


def _missing(model, covered, excluded, place) -> list[str]:
    """Declared fields neither covered nor excluded, and exclusions that no longer hold."""
    declared = _declared(model)
    problems = [
        f"{model.__name__}.{name} is not in {place}: add it there, or list it in the "
        "exclusions of tests/cases/test_record_fields.py with the reason"
        for name in declared
        if name not in covered and name not in excluded
    ]
    problems += [
        f"{model.__name__} excludes {name} from {place} but declares no such field"
        for name in excluded
        if name not in declared
    ]
    problems += [
        f"{model.__name__} excludes {name} from {place}, which has it: drop the exclusion"
        for name in excluded
        if name in covered
    ]
    return problems


@pytest.mark.parametrize("model", RECORD_KINDS, ids=lambda m: m.__name__)
def test_each_declared_field_is_a_field_of_the_model(model):
    for name in _declared(model):
        model._meta.get_field(name)
    assert len(set(_declared(model))) == len(_declared(model))


def test_the_overdose_fields_are_recorded_fields_of_an_event():
    assert set(Event.OVERDOSE_FIELDS) <= set(Event.RECORDED_FIELDS)
    assert OVERDOSE_ONLY == Event.OVERDOSE_FIELDS


@pytest.mark.parametrize("model", RECORD_KINDS, ids=lambda m: m.__name__)
def test_the_form_asks_for_each_declared_field_in_order(model):
    assert list(FORMS[model].base_fields)[: len(_declared(model))] == list(_declared(model))


@pytest.mark.parametrize("model", RECORD_KINDS, ids=lambda m: m.__name__)
def test_the_snapshot_holds_each_declared_field_or_says_why_not(model):
    # The snapshot derives its fields from the declaration less its own reasoned
    # exclusions (`deathreviews.snapshot`); here, only that nothing else slipped in.
    extra = {"client_ref", "date_of_death"} if model is ServiceUser else set()
    assert set(SNAPSHOT_FIELDS[model]) <= set(_declared(model)) | extra


@pytest.mark.parametrize("model", RECORD_KINDS, ids=lambda m: m.__name__)
def test_the_import_fills_each_declared_field_or_says_why_not(model):
    (spec,) = [spec for spec in SPECS if spec.table == model._meta.db_table]
    columns = {column.field for column in spec.columns if column.field}
    covered = {
        name
        for name in _declared(model)
        if {name, model._meta.get_field(name).attname} & columns or name == spec.parent
    }
    assert _missing(model, covered, NOT_IMPORTED.get(model, {}), spec.file_name) == []


@pytest.mark.parametrize("model", RECORD_KINDS, ids=lambda m: m.__name__)
def test_the_extract_sends_each_declared_field_or_says_why_not(model):
    excluded = NOT_EXTRACTED.get(model, {})
    if EXTRACTS[model] is None:
        assert not excluded
        return
    extract, alias = EXTRACTS[model]
    sql = " ".join([extract.source, *(field.sql for field in extract.fields)])
    read = set(re.findall(rf"\b{alias}\.(\w+)", sql))
    covered = {name for name in _declared(model) if model._meta.get_field(name).column in read}
    assert _missing(model, covered, excluded, f"the {extract.name} extract") == []


@functools.cache
def _demo_fields() -> dict[type[Model], set[str]]:
    """The fields the demo generator fills, from one small chunk drawn without a database."""
    today = datetime.date(2026, 1, 5)
    population = generate.plan_population(40, 7, today)
    any_id: collections.defaultdict[str, int] = collections.defaultdict(lambda: 1)
    refs = generate.References(
        substance=any_id,
        discharge_reason=any_id,
        local_authority=any_id,
        holder_user_ids=np.arange(1, population.keyworkers + population.teams + 1),
        team_ids=np.arange(1, population.teams + 1),
        created_at="2026-01-05T09:00:00+00:00",
        client_ref_start=1,
    )
    ids = generate.NextIds(1, 1, 1, 1, 1, 1, 1)
    models = bulk_models()
    chunk = generate.generate_chunk(population, refs, ids, fastcsv.Calendar(today), 0)
    return {models[rows.table]: set(rows.fields) for rows in chunk}


@pytest.mark.parametrize("model", RECORD_KINDS, ids=lambda m: m.__name__)
def test_the_demo_fills_each_declared_field_or_says_why_not(model):
    filled = _demo_fields()[model]
    assert _missing(model, filled, NOT_IN_DEMO.get(model, {}), "the demo generator") == []
