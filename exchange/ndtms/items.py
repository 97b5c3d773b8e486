"""The one declaration of the NDTMS adult treatment dataset's items Lantern submits.

Each `Item` says, once: its NDTMS name (the submission file's column), its section,
where Lantern holds it (`source`, a key the writer's reader fills, and `lantern`,
the same in words for people), the code list its values come from, how its value
is written, and the stage from which the national system expects it. The
submission writer, docs/ndtms.md and the tests all read `ITEMS`; nothing else
lists them. Pure data: no Django.

`ITEMS` is in the file's column order: client and episode items, the modality and
its sub-intervention items, then the TOP items. A submission has one row per
episode and modality or TOP (see `exchange.ndtms.writer`).

Each dataset version declares its items here: an item names the first version
that has it (`since`), and `ITEMS` holds those of the version Lantern writes
(`DATASET_VERSION`). `DECLARED` holds every item of every version, so an item of
a later version is read and described already, and written once the version
Lantern writes has it. An item the writer's query does not already read says how
it is read (`sql`, an expression over the episode query's tables, `{end}` the period's
last day); the items the care record answers are read so (`exchange.ndtms.care_items`).
"""

from dataclasses import dataclass
from typing import Literal

from exchange.ndtms import care_items as care
from exchange.ndtms.codes import CODE_LISTS, DATASET_VERSION, LATER_CODE_LISTS
from outcomes.top_items import TOP_ITEMS

Section = Literal["client", "episode", "modality", "sub-intervention", "discharge", "TOP"]
# How a value is written: a date, a number, text as held, a code through a mapping
# table, a code Lantern derives itself, Y/N from a yes/no, or Y in the one
# sub-intervention item a modality consists of.
Kind = Literal["date", "number", "text", "code", "derived", "yesno", "flag"]
# The stage of an episode from which the national system expects the item.
Stage = Literal["referral", "triage", "treatment", "discharge", "modality", "TOP"]

# What the file holds where Lantern has no value, and where consent withholds one.
NOT_KNOWN = "NA"
WITHHELD = ""
# Written for every date item.
DATE_FORMAT = "%Y-%m-%d"


@dataclass(frozen=True)
class Item:
    name: str
    section: Section
    source: str | None
    lantern: str
    kind: Kind
    codes: str | None = None
    required_at: Stage | None = None
    # Sent whether or not the person consents to NDTMS sharing.
    without_consent: bool = False
    # Written when Lantern holds nothing (a code of the item's list), instead of NA.
    absent: str | None = None
    # The first dataset version whose file has the item.
    since: str = "K"
    # How the writer reads `source`, where its own query does not already.
    sql: str | None = None
    # Asked only of women (pregnancy): never required of anyone else.
    women_only: bool = False

    def __post_init__(self) -> None:
        lists = CODE_LISTS if self.since <= DATASET_VERSION else LATER_CODE_LISTS
        if self.codes is not None and self.codes not in lists:
            raise ValueError(f"{self.name}: no code list {self.codes}")
        if (self.kind in ("code", "derived")) != (self.codes is not None):
            raise ValueError(f"{self.name}: a coded item names its code list, and only it")


# Items of the current adult dataset that dataset K does not have: written from this
# version on (see docs/ndtms.md, "Unconfirmed").
LATER = "P"

# Not a parent: 14; a parent with none of their children living with them: 13; with
# children living with them, all (11) or only some (12) of them.
PRNTSTAT_SQL = (
    "CASE WHEN ep.parental_status = false THEN '14' "
    "WHEN ep.parental_status AND ep.children_living_with = 0 THEN '13' "
    "WHEN ep.parental_status AND ep.children_living_with > 0 "
    "AND ep.all_children_live_with THEN '11' "
    "WHEN ep.parental_status AND ep.children_living_with > 0 "
    "AND NOT ep.all_children_live_with THEN '12' END"
)

# The record refuses children living with someone who is not a parent: none, then.
CHILDWTH_SQL = (
    "CASE WHEN ep.parental_status = false THEN coalesce(ep.children_living_with, 0) "
    "ELSE ep.children_living_with END"
)


def _client() -> list[Item]:
    return [
        Item("FINITIAL", "client", "su.first_initial", "Person: first letter of first name", "text", required_at="referral"),
        Item("SINITIAL", "client", "su.last_initial", "Person: first letter of last name", "text", required_at="referral"),
        Item("DOB", "client", "su.date_of_birth", "Person: date of birth", "date", required_at="referral"),
        Item("SEX", "client", "su.sex", "Person: sex", "code", "SEX", "referral"),
        Item("ETHNIC", "client", "su.ethnicity", "Person: ethnicity", "code", "ETHNIC", "referral"),
        Item("NATION", "client", "su.nationality", "Person: nationality", "code", "NATION", "referral"),
        Item("REFLD", "episode", "ep.referral_date", "Episode: referral date", "date", required_at="referral"),
        Item("AGNCY", "client", "svc.code", "The person's team's service: its NDTMS agency code", "text", required_at="referral", without_consent=True),
        Item("CLIENT", "client", "su.client_ref", "Person: client reference", "text", required_at="referral"),
        Item("CLIENTID", "client", "su.client_ref", "Person: client reference", "text", required_at="referral", without_consent=True),
        Item("EPISODID", "episode", "ep.external_id", "Episode: its identifier", "text", required_at="referral"),
        Item("CONSENT", "client", "su.consent_to_ndtms", "Person: consents to NDTMS sharing (not recorded is sent as N)", "yesno", required_at="referral", without_consent=True),
        Item("PREVTR", "episode", "ep.previously_treated", "Episode: previously treated", "yesno", required_at="triage"),
        Item("PC", "client", "su.postcode", "Person: postcode", "text"),
        Item("ACCMNEED", "episode", "ep.accommodation_need", "Episode: accommodation need", "code", "ACCMNEED", "triage"),
        Item("PRNTSTAT", "episode", "ep.prntstat", "Episode: 'is a parent', 'children living with them' and 'all their children live with them'", "derived", "PRNTSTAT", "triage", sql=PRNTSTAT_SQL),
        Item("DAT", "client", None, "Not held: the area is sent as the local authority", "text"),
        Item("LA", "client", "la.code", "Person: local authority of residence (its ONS code)", "text", required_at="referral"),
        Item("GPPTCE", "client", "su.gp_practice_code", "Person: GP practice code", "text"),
        Item("DRUG1", "episode", "s1.code", "Episode: main problem substance", "code", "DRUG", "referral"),
        Item("DRUG1AGE", "episode", "ep.age_first_use", "Episode: age at first use of main substance", "number", required_at="triage"),
        Item("ROUTE", "episode", "ep.route", "Episode: route of main substance", "code", "ROUTE", "triage"),
        Item("DRUG2", "episode", "s2.code", "Episode: second problem substance", "code", "DRUG", "triage", absent="9996"),
        Item("DRUG3", "episode", "s3.code", "Episode: third problem substance", "code", "DRUG", "triage", absent="9997"),
        Item("RFLS", "episode", "ep.referral_source", "Episode: referral source", "code", "RFLS", "referral"),
        Item("TRIAGED", "episode", "ep.triage_date", "Episode: triage date", "date", required_at="triage"),
        Item("CPLANDT", "episode", "ep.start_date", "Episode: care plan start; where not given, the first care plan agreed in the episode", "date", required_at="treatment", sql=care.CARE_PLAN_START),
        Item("INJSTAT", "episode", "ep.injecting_status", "Episode: injecting status", "code", "INJSTAT", "triage"),
        Item("CHILDWTH", "episode", "ep.children_living_with", "Episode: children living with them (none for someone not a parent, as the record allows no other)", "number", required_at="triage", sql=CHILDWTH_SQL),
        Item(
            "PREGNANT",
            "episode",
            "ep.pregnant",
            "Episode: pregnant",
            "yesno",
            required_at="triage",
            women_only=True,
        ),
        Item("ALCDDAYS", "episode", "ep.alcohol_days", "Episode: days drinking in the last 28", "number", required_at="triage"),
        Item("ALCUNITS", "episode", "ep.alcohol_units", "Episode: units on a typical drinking day", "number"),
        Item("DUALDIAG", "episode", "ep.dual_diagnosis", "Episode: co-existing mental health need, yes if the care record's latest mental health need (to the episode's end) has a diagnosis known or treatment", "yesno", required_at="triage", sql=care.DUAL_DIAGNOSIS),
        Item("HEPCTSTD", "episode", "ep.hep_c_test_date", "Care record: latest hepatitis C test taken to the episode's end (or the episode's, if later)", "date", sql=care.HEP_C_TEST_DATE),
        Item("HEPCSTAT", "episode", "ep.hep_c_intervention", "Care record: latest hepatitis C test offered to the episode's end, accepted or refused (else the episode's)", "code", "HEPCSTAT", "triage", sql=care.HEP_C_INTERVENTION),
        Item("HEPCPOS", "episode", "ep.hep_c_positive", "Care record: any hepatitis C antibody or RNA result positive to the episode's end (or the episode's)", "yesno", sql=care.HEP_C_POSITIVE),
        Item("HEPBVAC", "episode", "ep.hep_b_vaccinations", "Care record: hepatitis B doses given to the episode's end, completed at the schedule's last (else the episode's)", "code", "HEPBVAC", sql=care.HEP_B_VACCINATIONS),
        Item("HEPBSTAT", "episode", "ep.hep_b_intervention", "Care record: latest hepatitis B vaccination step to the episode's end (else the episode's)", "code", "HEPBSTAT", "triage", sql=care.HEP_B_INTERVENTION),
        Item("EMPSTAT", "episode", "ep.employment_status", "Episode: employment status", "code", "EMPSTAT", "triage"),
        Item("SEXUAL", "client", "su.sexual_orientation", "Person: sexual orientation", "code", "SEXUAL", "triage"),
        Item("RELIGION", "client", "su.religion", "Person: religion or belief", "code", "RELIGION", "triage", since=LATER, sql="su.religion"),
        *(
            Item(f"DISABLE{n}", "client", f"su.disability_{n}", f"Person: disability, the {nth} recorded", "code", "DISABLE", "triage" if n == 1 else None, since=LATER, sql=f"su.disabilities[{n}]")
            for n, nth in ((1, "first"), (2, "second"), (3, "third"))
        ),
        Item("DISD", "discharge", "ep.discharge_date", "Episode: discharge date", "date", required_at="discharge"),
        Item("DISRSN", "discharge", "dr.code", "Episode: discharge reason", "code", "DISRSN", "discharge"),
        Item("DISDEST", "discharge", "ep.discharge_destination_kind", "Episode: where they went on discharge", "code", "DISDEST"),
    ]  # fmt: skip


def _modality() -> list[Item]:
    return [
        Item("MODID", "modality", "iv.external_id", "Intervention: its identifier", "text", required_at="modality"),
        Item("MODAL", "modality", "iv.kind", "Intervention: type", "code", "MODAL", "modality"),
        Item("REFMODDT", "modality", "iv.referral_date", "Intervention: referral date", "date", required_at="modality"),
        Item("FAOMODDT", "modality", "iv.first_offered_date", "Intervention: first appointment offered", "date", required_at="modality"),
        Item("MODST", "modality", "iv.start_date", "Intervention: start date", "date", required_at="modality"),
        Item("MODEND", "modality", "iv.end_date", "Intervention: end date", "date"),
        Item("MODEXIT", "modality", "iv.exit_status", "Intervention: exit status", "code", "MODEXIT"),
        Item("MODSET", "modality", "iv.setting", "Intervention: setting", "code", "MODSET", "modality"),
        Item("SUBMID", "sub-intervention", "iv.sub_id", "Intervention: its identifier, when it has a prescribing intention or an approach", "text"),
        Item("SUBMODDT", "sub-intervention", "iv.sub_date", "Intervention: start date, when it has a prescribing intention or an approach", "date"),
    ]  # fmt: skip


def _sub_interventions() -> list[Item]:
    return [
        Item(
            name,
            "sub-intervention",
            "iv.subint",
            f"Intervention: prescribing intention or approach is '{label}'",
            "flag",
        )
        for name, label in CODE_LISTS["SUBINT"].items()
    ]


def _top() -> list[Item]:
    items = [
        Item("TOPID", "TOP", "tp.external_id", "TOP: its identifier", "text", required_at="TOP"),
        Item("TOPDATE", "TOP", "tp.top_date", "TOP: date of interview", "date", required_at="TOP"),
        Item("TRSTAGE", "TOP", "tp.stage", "TOP: stage", "code", "TRSTAGE", "TOP"),
    ]
    for top in TOP_ITEMS:
        kind: Kind = "yesno" if top.kind == "yesno" else "number"
        items.append(Item(top.code, "TOP", f"tp.{top.field}", f"TOP: {top.label}", kind))
    return items


DECLARED: tuple[Item, ...] = (*_client(), *_modality(), *_sub_interventions(), *_top())


def items_of(version: str) -> tuple[Item, ...]:
    """The items a dataset version's file has, in the file's order."""
    return tuple(item for item in DECLARED if item.since <= version)


ITEMS: tuple[Item, ...] = items_of(DATASET_VERSION)
# Read by the writer's episode query: source -> SQL, for every declared item.
SOURCE_SQL = {item.source: item.sql for item in DECLARED if item.source and item.sql}
ITEMS_BY_NAME = {item.name: item for item in ITEMS}
NAMES = tuple(item.name for item in ITEMS)
# Written for a person who has not consented; every other item is withheld.
WITHOUT_CONSENT = tuple(item.name for item in ITEMS if item.without_consent)

__all__ = [
    "DATASET_VERSION",
    "DATE_FORMAT",
    "DECLARED",
    "ITEMS",
    "ITEMS_BY_NAME",
    "NAMES",
    "NOT_KNOWN",
    "SOURCE_SQL",
    "WITHHELD",
    "WITHOUT_CONSENT",
    "Item",
    "items_of",
]
