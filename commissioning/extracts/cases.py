"""The extracts of case records: people, episodes, interventions and naloxone supplies.

Each is an allow-list, declared once (see `commissioning.extracts.base`); `commissioning.api` makes
its view, serializer and schema. `PERSON`, `EPISODE` and `choice_values` are
shared with the extracts of the layers above.
"""

from cases.ages import AGE_BAND_LABELS, age_band_sql
from cases.models import (
    AccommodationNeed,
    EmploymentStatus,
    Ethnicity,
    InjectingStatus,
    Intervention,
    InterventionType,
    NaloxoneSupply,
    Nationality,
    OstMedicine,
    ReferralSource,
    Route,
    Sex,
)
from commissioning.extracts.base import Extract, ExtractField

# --- The extracts of case records --------------------------------------------------------------

PERSON = ExtractField(
    "person",
    "su.external_id",
    "string",
    "The person's pseudonym: the same in every extract and every call, different for each "
    "API client with pseudonyms of its own.",
    without_consent=True,
    pseudonym="person",
)


def choice_values(choices) -> tuple[str, ...]:
    """A field's allowed values, from its model choices, for the schema's enum."""
    return tuple(str(value) for value in choices.values)


PEOPLE = Extract(
    name="people",
    title="People",
    description="One row per person. With a period, the people with a treatment episode "
    "open at any time in it.",
    # The open episode is joined (one at most: `one_open_episode_per_person`) rather than
    # tested with EXISTS in the row, which PostgreSQL leaves to one process after the
    # parallel workers' rows are merged.
    source=(
        "cases_serviceuser su JOIN cases_localauthority la ON la.id = su.local_authority_id "
        "LEFT JOIN cases_treatmentepisode oe ON oe.service_user_id = su.id "
        "AND oe.discharge_date IS NULL"
    ),
    key="su.external_id",
    period=(
        "EXISTS (SELECT 1 FROM cases_treatmentepisode pe WHERE pe.service_user_id = su.id "
        "AND pe.referral_date <= {to} AND (pe.discharge_date IS NULL "
        "OR pe.discharge_date >= {from}))"
    ),
    fields=(
        PERSON,
        ExtractField(
            "consent_to_share",
            "su.consent_to_ndtms",
            "boolean",
            "Whether the person consents to sharing (null: not asked yet).",
            without_consent=True,
        ),
        ExtractField("sex", "su.sex", "string", "Sex (NDTMS code).", True, choice_values(Sex)),
        ExtractField(
            "age_band",
            age_band_sql("su.date_of_birth", "{on}"),
            "string",
            "Age band on the last day of the period (today without one).",
            choices=AGE_BAND_LABELS,
            choices_only=True,
        ),
        ExtractField(
            "ethnicity",
            "su.ethnicity",
            "string",
            "Ethnicity (NDTMS code).",
            False,
            choice_values(Ethnicity),
        ),
        ExtractField(
            "nationality",
            "su.nationality",
            "string",
            "Nationality (NDTMS code).",
            False,
            choice_values(Nationality),
        ),
        ExtractField(
            "local_authority",
            "la.code",
            "string",
            "Local authority of residence (ONS code).",
            without_consent=True,
        ),
        ExtractField("team", "su.team_id", "integer", "The person's team.", without_consent=True),
        ExtractField(
            "in_treatment",
            "oe.service_user_id IS NOT NULL",
            "boolean",
            "Whether the person has an open treatment episode today.",
            without_consent=True,
        ),
    ),
)

EPISODE = ExtractField(
    "episode",
    "ep.external_id",
    "string",
    "The treatment episode's pseudonym.",
    without_consent=True,
    pseudonym="episode",
)

EPISODES = Extract(
    name="episodes",
    title="Treatment episodes",
    description="One row per treatment episode, from referral to discharge.",
    source=(
        "cases_treatmentepisode ep JOIN cases_serviceuser su ON su.id = ep.service_user_id "
        "JOIN cases_substance s1 ON s1.id = ep.substance_1_id "
        "LEFT JOIN cases_substance s2 ON s2.id = ep.substance_2_id "
        "LEFT JOIN cases_substance s3 ON s3.id = ep.substance_3_id "
        "LEFT JOIN cases_dischargereason dr ON dr.id = ep.discharge_reason_id"
    ),
    key="ep.external_id",
    period="ep.referral_date <= {to} AND (ep.discharge_date IS NULL OR ep.discharge_date >= {from})",
    fields=(
        EPISODE,
        PERSON,
        ExtractField("team", "ep.team_id", "integer", "The team that held the episode.", True),
        ExtractField("referral_date", "ep.referral_date", "date", "Date of referral.", True),
        ExtractField(
            "referral_source",
            "ep.referral_source",
            "string",
            "Where the referral came from.",
            True,
            choice_values(ReferralSource),
        ),
        ExtractField("triage_date", "ep.triage_date", "date", "Date of triage.", True),
        ExtractField("care_plan_start", "ep.start_date", "date", "Care plan start.", True),
        ExtractField(
            "previously_treated", "ep.previously_treated", "boolean", "Treated before.", True
        ),
        ExtractField("substance_1", "s1.code", "string", "Main problem substance (code).", True),
        ExtractField("substance_2", "s2.code", "string", "Second problem substance.", True),
        ExtractField("substance_3", "s3.code", "string", "Third problem substance.", True),
        ExtractField(
            "age_first_use",
            "ep.age_first_use",
            "integer",
            "Age at first use of the main substance.",
        ),
        ExtractField(
            "route",
            "nullif(ep.route, '')",
            "string",
            "Route of the main substance.",
            True,
            choice_values(Route),
        ),
        ExtractField(
            "injecting_status",
            "nullif(ep.injecting_status, '')",
            "string",
            "Injecting status.",
            True,
            choice_values(InjectingStatus),
        ),
        ExtractField(
            "accommodation_need",
            "nullif(ep.accommodation_need, '')",
            "string",
            "Accommodation need at referral.",
            True,
            choice_values(AccommodationNeed),
        ),
        ExtractField(
            "dual_diagnosis",
            "ep.dual_diagnosis",
            "boolean",
            "Co-existing mental health need.",
            True,
        ),
        ExtractField("parental_status", "ep.parental_status", "boolean", "Is a parent."),
        ExtractField(
            "children_living_with",
            "ep.children_living_with",
            "integer",
            "Children living with them.",
        ),
        ExtractField("pregnant", "ep.pregnant", "boolean", "Pregnant at referral."),
        ExtractField(
            "employment_status",
            "nullif(ep.employment_status, '')",
            "string",
            "Employment status.",
            True,
            choice_values(EmploymentStatus),
        ),
        ExtractField("discharge_date", "ep.discharge_date", "date", "Date of discharge.", True),
        ExtractField(
            "discharge_reason", "dr.code", "string", "NDTMS discharge reason (code).", True
        ),
        ExtractField(
            "successful_completion",
            "dr.is_successful_completion",
            "boolean",
            "Discharged as a successful completion (null while open).",
            True,
        ),
        ExtractField(
            "unplanned_exit",
            "dr.is_unplanned_exit",
            "boolean",
            "Discharged as an unplanned exit (null while open).",
            True,
        ),
    ),
)

INTERVENTIONS = Extract(
    name="interventions",
    title="Interventions",
    description="One row per intervention (treatment modality), OST prescribing included.",
    source=(
        "cases_intervention iv JOIN cases_treatmentepisode ep ON ep.id = iv.episode_id "
        "JOIN cases_serviceuser su ON su.id = ep.service_user_id"
    ),
    key="iv.external_id",
    period="iv.start_date <= {to} AND (iv.end_date IS NULL OR iv.end_date >= {from})",
    fields=(
        ExtractField(
            "intervention",
            "iv.external_id",
            "string",
            "The intervention's pseudonym.",
            without_consent=True,
            pseudonym="intervention",
        ),
        EPISODE,
        PERSON,
        ExtractField(
            "type",
            "iv.kind",
            "string",
            "Type of intervention.",
            True,
            choice_values(InterventionType),
        ),
        ExtractField(
            "setting", "iv.setting", "string", "Setting.", True, choice_values(Intervention.Setting)
        ),
        ExtractField("referral_date", "iv.referral_date", "date", "Date of referral to it.", True),
        ExtractField(
            "first_offered_date",
            "iv.first_offered_date",
            "date",
            "First appointment offered.",
            True,
        ),
        ExtractField("start_date", "iv.start_date", "date", "Start date.", True),
        ExtractField("end_date", "iv.end_date", "date", "End date.", True),
        ExtractField(
            "exit_status",
            "nullif(iv.exit_status, '')",
            "string",
            "How it ended.",
            True,
            choice_values(Intervention.ExitStatus),
        ),
        ExtractField(
            "intention",
            "nullif(iv.intention, '')",
            "string",
            "Prescribing intention.",
            True,
            choice_values(Intervention.Intention),
        ),
        ExtractField(
            "medicine",
            "nullif(iv.medicine, '')",
            "string",
            "OST medicine.",
            True,
            choice_values(OstMedicine),
        ),
        ExtractField(
            "daily_dose_mg", "iv.daily_dose_mg", "number", "Daily dose in milligrams.", True
        ),
        ExtractField("supervised", "iv.supervised", "boolean", "Supervised consumption.", True),
    ),
)

NALOXONE_SUPPLIES = Extract(
    name="naloxone_supplies",
    title="Naloxone supplies",
    description="One row per naloxone kit supplied.",
    source="cases_naloxonesupply ns JOIN cases_serviceuser su ON su.id = ns.service_user_id",
    key="ns.external_id",
    period="ns.supplied_on BETWEEN {from} AND {to}",
    fields=(
        ExtractField(
            "supply",
            "ns.external_id",
            "string",
            "The supply's pseudonym.",
            without_consent=True,
            pseudonym="naloxone",
        ),
        PERSON,
        ExtractField("supplied_on", "ns.supplied_on", "date", "Date supplied.", True),
        ExtractField(
            "recipient",
            "ns.recipient",
            "string",
            "Who received the kit.",
            True,
            choice_values(NaloxoneSupply.Recipient),
        ),
        ExtractField(
            "formulation",
            "ns.formulation",
            "string",
            "Injection or nasal spray.",
            True,
            choice_values(NaloxoneSupply.Formulation),
        ),
        ExtractField(
            "supply_type",
            "ns.supply_type",
            "string",
            "First or repeat supply.",
            True,
            choice_values(NaloxoneSupply.SupplyType),
        ),
        ExtractField(
            "repeat_reason",
            "nullif(ns.repeat_reason, '')",
            "string",
            "Why a repeat kit was needed.",
            True,
            choice_values(NaloxoneSupply.RepeatReason),
        ),
        ExtractField("expiry_date", "ns.expiry_date", "date", "The kit's expiry date.", True),
        ExtractField(
            "training_given", "ns.training_given", "boolean", "Training given with it.", True
        ),
        ExtractField(
            "setting",
            "ns.setting",
            "string",
            "Where it was supplied.",
            True,
            choice_values(NaloxoneSupply.Setting),
        ),
    ),
)

CASE_EXTRACTS = (PEOPLE, EPISODES, INTERVENTIONS, NALOXONE_SUPPLIES)
