"""The import file formats, as data: one `FileSpec` per kind of file, one `Column` per column.

Validation, the staging tables, the upsert statements, the downloadable
templates and `docs/import-format.md` are all derived from these tables, so a
column is defined once. Every file has a `ref` column holding the source
system's reference for the row; it is stored as `source_ref` and is what a
re-import matches on. Children name their parent by its `ref` in the parent's
file (`person_ref`, `episode_ref`), which may be in the same import or in an
earlier one.
"""

from cases.models import (
    AccommodationNeed,
    BbvIntervention,
    ContactKind,
    ContactStatus,
    Disability,
    DischargeDestination,
    EmploymentStatus,
    Ethnicity,
    EventKind,
    FollowUpBasis,
    HepBVaccinations,
    InformationSource,
    InjectingStatus,
    InterventionType,
    NaloxoneGiver,
    NaloxoneSupply,
    Nationality,
    OstMedicine,
    OverdoseSubstance,
    ReferralSource,
    Religion,
    Responder,
    Route,
    Sex,
    SexualOrientation,
)
from cases.models import Event as EventModel
from cases.models import Intervention as InterventionModel
from exchange.importing.care_specs import CARE_SPECS
from exchange.importing.columns import (
    PERSON_PARENT,
    Column,
    FileSpec,
    _bool,
    _choice,
    _date,
    _int,
    _ref,
    _text,
)
from outcomes.models import Stage
from outcomes.top_items import TOP_ITEMS

# A hepatitis C intervention is a test: the immunity answers are hepatitis B's only.
HEP_C_TEST = (
    BbvIntervention.ACCEPTED.value,
    BbvIntervention.REFUSED.value,
    BbvIntervention.NOT_OFFERED.value,
)

EPISODE_PARENT = Column(
    "episode_ref",
    "parent",
    "episode",
    required=True,
    help="The `ref` of the episode in episodes.csv (this import or an earlier one).",
)

SERVICE_USERS = FileSpec(
    kind="service_users",
    title="Service users",
    table="cases_serviceuser",
    has_updated_at=True,
    help="One row per person. Lantern gives each new person a client reference (LAN-…).",
    columns=(
        _ref("person"),
        Column(
            "team",
            "lookup",
            "Team",
            required=True,
            field="team_id",
            lookup="team",
            help="The team's name exactly as in Lantern.",
        ),
        Column(
            "keyworker",
            "lookup",
            "Keyworker",
            field="keyworker_id",
            lookup="keyworker",
            help="The keyworker's or team lead's Lantern username; empty when nobody holds the case.",
        ),
        _text("first_name", "First name", 80, required=True),
        _text("last_name", "Last name", 80, required=True),
        _text("preferred_name", "Preferred name", 80),
        _date("date_of_birth", "Date of birth", required=True, help="Aged 10 to 110."),
        _choice("sex", "Sex", Sex.values, required=True, empty="NULL"),
        _choice("ethnicity", "Ethnicity", Ethnicity.values, empty="'Z'", help="Empty means Z."),
        _choice(
            "nationality", "Nationality", Nationality.values, empty="'NS'", help="Empty means NS."
        ),
        Column(
            "local_authority",
            "lookup",
            "Local authority",
            required=True,
            field="local_authority_id",
            lookup="local_authority",
            help="ONS code of the local authority of residence, e.g. E06000035.",
        ),
        _choice("religion", "Religion or belief", Religion.values),
        Column(
            "disabilities",
            "list",
            "Disability",
            field="disabilities",
            choices=tuple(Disability.values),
            empty="'{}'",
            help="Each that applies, separated by semicolons; none or not_stated alone.",
        ),
        _text(
            "gp_practice_code",
            "GP practice code",
            None,  # checked as a letter and five digits once spaces are removed
            help="The registered GP practice's national code: a letter and five digits, "
            "e.g. A81001; stored in capitals.",
        ),
        _choice("sexual_orientation", "Sexual orientation", SexualOrientation.values),
        _bool(
            "consent_to_ndtms",
            "Consent to NDTMS",
            help="Y or N; empty until the person has been asked.",
        ),
        _text(
            "nhs_number",
            "NHS number",
            None,  # checked as 10 digits once spaces and dashes are removed
            help="10 digits with a valid check digit; spaces are removed; unique.",
        ),
        _text("phone", "Phone", 20, help="A UK number, e.g. 07700 900123."),
        _text("address", "Address", None),
        _text("postcode", "Postcode", 8, help="A UK postcode; stored in capitals with one space."),
        _bool("lives_alone", "Lives alone"),
    ),
)

EPISODES = FileSpec(
    kind="episodes",
    title="Treatment episodes",
    table="cases_treatmentepisode",
    parent="person",
    has_updated_at=True,
    help="One row per treatment episode. A person has at most one open (undischarged) episode.",
    columns=(
        _ref("episode"),
        PERSON_PARENT,
        Column(
            "team",
            "lookup",
            "Team",
            field="team_id",
            lookup="team",
            help="Empty means the person's team.",
        ),
        _date("referral_date", "Referral date", required=True),
        _choice("referral_source", "Referral source", ReferralSource.values, required=True),
        _date("triage_date", "Triage date", help="On or after the referral date."),
        _date("start_date", "Care plan start", help="On or after the referral date."),
        _bool("previously_treated", "Previously treated"),
        Column(
            "substance_1",
            "lookup",
            "Main problem substance",
            required=True,
            field="substance_1_id",
            lookup="substance",
        ),
        Column(
            "substance_2",
            "lookup",
            "Second problem substance",
            field="substance_2_id",
            lookup="substance",
        ),
        Column(
            "substance_3",
            "lookup",
            "Third problem substance",
            field="substance_3_id",
            lookup="substance",
        ),
        _int("age_first_use", "Age at first use", 0, 100),
        _choice("route", "Route", Route.values),
        _choice("injecting_status", "Injecting status", InjectingStatus.values),
        _int("alcohol_days", "Days drinking", 0, 28, help="In the last 28 days."),
        _int(
            "alcohol_units",
            "Units on a typical drinking day",
            0,
            200,
            help="Above 0 only with days drinking above 0.",
        ),
        _choice(
            "hep_c_intervention",
            "Hepatitis C test",
            HEP_C_TEST,
            help="Whether a test was offered and taken up (there is no vaccination).",
        ),
        _date("hep_c_test_date", "Latest hepatitis C test", help="Not before the birth."),
        _bool("hep_c_positive", "Hepatitis C antibody positive", help="Only with a test date."),
        _choice("hep_b_intervention", "Hepatitis B vaccination", BbvIntervention.values),
        _choice(
            "hep_b_vaccinations",
            "Hepatitis B vaccinations given",
            HepBVaccinations.values,
            help="Not for a person already immune (immunised, acquired).",
        ),
        _choice("accommodation_need", "Accommodation need", AccommodationNeed.values),
        _bool("dual_diagnosis", "Dual diagnosis"),
        _bool("parental_status", "Parental status", help="Y if the person is a parent."),
        _int("children_living_with", "Children living with them", 0, 30),
        _bool(
            "all_children_live_with",
            "All their children live with them",
            help="For a parent with children living with them: Y if all of their children "
            "do, N if only some.",
        ),
        _bool("pregnant", "Pregnant"),
        _choice("employment_status", "Employment status", EmploymentStatus.values),
        _date(
            "discharge_date",
            "Discharge date",
            help="On or after the referral and care plan start; given with a discharge reason.",
        ),
        Column(
            "discharge_reason",
            "lookup",
            "Discharge reason",
            field="discharge_reason_id",
            lookup="discharge_reason",
            help="An NDTMS discharge reason code; given with a discharge date.",
        ),
        _choice(
            "discharge_destination_kind",
            "Where they went on discharge",
            DischargeDestination.values,
            help="Only with a discharge date.",
        ),
        _text("discharge_destination", "Discharge destination", 120),
    ),
)

INTERVENTIONS = FileSpec(
    kind="interventions",
    title="Interventions",
    table="cases_intervention",
    parent="episode",
    help="One row per intervention (treatment modality) within an episode.",
    columns=(
        _ref("intervention"),
        EPISODE_PARENT,
        _choice("kind", "Type", InterventionType.values, required=True),
        _choice(
            "setting",
            "Setting",
            InterventionModel.Setting.values,
            empty="'community'",
            help="Empty means community.",
        ),
        _date("referral_date", "Intervention referral date"),
        _date("first_offered_date", "First appointment offered"),
        _date("start_date", "Start date", required=True, help="Within the episode."),
        _date("end_date", "End date", help="On or after the start date; with an exit status."),
        _choice("exit_status", "Exit status", InterventionModel.ExitStatus.values),
        _choice(
            "approach",
            "What it consists of",
            InterventionModel.Approach.values,
            help="Psychosocial or recovery support only: one of the approaches of its kind "
            "(motivational to psy_other psychosocial, peer to rec_other recovery support).",
        ),
        _choice(
            "intention",
            "Prescribing intention",
            InterventionModel.Intention.values,
            help="Prescribing (pharmacological) only, where it is required.",
        ),
        _choice(
            "medicine",
            "OST medicine",
            OstMedicine.values,
            help="Prescribing (pharmacological) only, where it is required.",
        ),
        Column(
            "daily_dose_mg",
            "decimal",
            "Daily dose (mg)",
            field="daily_dose_mg",
            bounds=(0, 500),
            help="More than 0 and at most 500; prescribing only.",
        ),
        _bool("supervised", "Supervised consumption"),
    ),
)

# The columns only a non_fatal_overdose row may fill: the model's own list, so the import
# refuses exactly what `Event.clean()` refuses.
OVERDOSE_ONLY = EventModel.OVERDOSE_FIELDS

EVENTS = FileSpec(
    kind="events",
    title="Events",
    table="cases_event",
    parent="person",
    help="One row per dated event. Only a non_fatal_overdose has the overdose columns.",
    columns=(
        _ref("event"),
        PERSON_PARENT,
        _choice("kind", "Event kind", EventKind.values, required=True),
        _date("occurred_on", "Event date", required=True),
        _text("notes", "Notes", None),
        Column(
            "occurred_at_time",
            "time",
            "Overdose time",
            field="occurred_at_time",
            help="HH:MM; overdoses only.",
        ),
        _text("place", "Place", 120),
        Column(
            "substances_suspected",
            "list",
            "Substances suspected",
            field="substances_suspected",
            choices=tuple(OverdoseSubstance.values),
            empty="'{}'",
            help="Separated by semicolons; overdoses only.",
        ),
        _choice(
            "naloxone_given_by",
            "Naloxone given by",
            NaloxoneGiver.values,
            help="Who gave naloxone: not_given, or not_known when it was given by someone "
            "nobody can name, unknown when nobody knows whether it was; overdoses only.",
        ),
        _int(
            "naloxone_doses",
            "Naloxone doses",
            0,
            20,
            help="Overdoses only; only when naloxone was given.",
        ),
        Column(
            "responders",
            "list",
            "Responders",
            field="responders",
            choices=tuple(Responder.values),
            empty="'{}'",
            help="Separated by semicolons; overdoses only.",
        ),
        _bool(
            "taken_to_hospital",
            "Taken to hospital",
            help="Y or N; empty (or not known) when the notifier could not say; overdoses only.",
        ),
        _choice(
            "information_source",
            "Information source",
            InformationSource.values,
            help="Who told the service; required for an overdose.",
        ),
        _choice(
            "followup_basis",
            "Basis for follow-up",
            FollowUpBasis.values,
            help="Consent or the legal basis for following the overdose up; empty when not "
            "yet recorded; overdoses only.",
        ),
    ),
)

CONTACTS = FileSpec(
    kind="contacts",
    title="Contacts",
    table="cases_contact",
    parent="person",
    help="One row per contact or appointment.",
    columns=(
        _ref("contact"),
        PERSON_PARENT,
        Column(
            "staff",
            "lookup",
            "Staff",
            field="staff_id",
            lookup="staff",
            help="A Lantern username; may be empty.",
        ),
        _date("contact_date", "Contact date", required=True, may_be_future=True),
        Column("contact_time", "time", "Contact time", field="contact_time", help="HH:MM."),
        _choice("kind", "Contact type", ContactKind.values, required=True),
        _choice(
            "status",
            "Status",
            ContactStatus.values,
            required=True,
            help="A past contact cannot be booked; a future one cannot be attended or dna.",
        ),
        _text("notes", "Notes", None),
    ),
)

NALOXONE = FileSpec(
    kind="naloxone_supplies",
    title="Naloxone supplies",
    table="cases_naloxonesupply",
    parent="person",
    help="One row per naloxone kit supplied.",
    columns=(
        _ref("supply"),
        PERSON_PARENT,
        _date("supplied_on", "Supply date", required=True),
        _choice(
            "recipient",
            "Recipient",
            NaloxoneSupply.Recipient.values,
            empty="'person'",
            help="Empty means person.",
        ),
        _choice("formulation", "Formulation", NaloxoneSupply.Formulation.values, required=True),
        _choice("supply_type", "Supply type", NaloxoneSupply.SupplyType.values, required=True),
        _choice(
            "repeat_reason",
            "Repeat reason",
            NaloxoneSupply.RepeatReason.values,
            help="Required for a repeat supply; empty for a first supply. used_self (the "
            "previous kit was used on them) also records their overdose: see below.",
        ),
        _date(
            "kit_used_on",
            "Date the previous kit was used",
            help="Only with repeat reason used_self or used_other; on or before the supply date.",
        ),
        _text("batch_number", "Batch number", 40, required=True),
        _date(
            "expiry_date",
            "Kit expiry date",
            required=True,
            may_be_future=True,
            help="After the supply date.",
        ),
        _bool("training_given", "Training given", empty="false", help="Empty means N."),
        _choice("setting", "Supplied in", NaloxoneSupply.Setting.values, required=True),
        Column(
            "supplied_by",
            "lookup",
            "Supplied by",
            field="supplied_by_id",
            lookup="staff",
            help="A Lantern username; may be empty.",
        ),
    ),
)


def _top_item(item) -> Column:
    if item.kind == "yesno":
        return Column(item.code, "bool", item.code, field=item.field, help=f"{item.label}: Y or N.")
    low, high = item.bounds
    return Column(
        item.code,
        "int",
        item.code,
        field=item.field,
        bounds=(low, high),
        help=f"{item.label}: {low} to {high}.",
    )


TOP_ASSESSMENTS = FileSpec(
    kind="top_assessments",
    title="TOP assessments",
    table="outcomes_topassessment",
    parent="episode",
    help=(
        "One row per TOP interview, items under their NDTMS codes. An empty item means "
        "not disclosed, which is not the same as 0."
    ),
    columns=(
        _ref("TOP assessment"),
        EPISODE_PARENT,
        _choice(
            "stage",
            "TOP stage",
            Stage.values,
            required=True,
            help="S start, R review, E exit, P post-treatment exit.",
        ),
        _date("top_date", "TOP date", required=True, help="Within the episode (P: after it)."),
        *(_top_item(item) for item in TOP_ITEMS),
        _int("alcohol_units_per_day", "Alcohol units per drinking day", 0, 200),
        _text(
            "other_substance_name",
            "Other substance's name",
            80,
            help="Required when OTDRGUSE is above 0.",
        ),
        _text("not_disclosed_reason", "Why some answers were not given", 200),
    ),
)

# In dependency order: a file's parents come before it.
SPECS: tuple[FileSpec, ...] = (
    SERVICE_USERS,
    EPISODES,
    INTERVENTIONS,
    EVENTS,
    CONTACTS,
    NALOXONE,
    TOP_ASSESSMENTS,
    *CARE_SPECS,
)
SPECS_BY_KIND: dict[str, FileSpec] = {spec.kind: spec for spec in SPECS}


def template_csv(spec: FileSpec) -> str:
    """The header row of a file kind: what the downloadable template holds."""
    return ",".join(column.name for column in spec.columns) + "\r\n"
