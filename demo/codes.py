"""The value lists the generator draws codes into, in the models' own spellings.

Each tuple lists a model field's choice values; the generator works with
indexes into them and `fastcsv` writes the values. Integer constants name the
indexes the code refers to.
"""

import numpy as np

YEAR = 365

IN_TREATMENT, LEFT_RECENTLY, LEFT_EARLIER = 0, 1, 2
OPIATE, NON_OPIATE, ALCOHOL = 0, 1, 2
SEXES = ("M", "F", "I", "U")
MALE, FEMALE = 0, 1
INJECTING = ("current", "previous", "never", "declined")
CURRENTLY_INJECTING = 0
ACCOMMODATION = ("urgent", "problem", "none")
URGENT_HOUSING, HOUSING_PROBLEM = 0, 1
POLY_NONE, POLY_BENZO, POLY_GABAPENTINOID, POLY_ALCOHOL = 0, 1, 2, 3


SUBSTANCES = (
    "heroin",
    "methadone_illicit",
    "buprenorphine_illicit",
    "other_opioid",
    "crack",
    "cocaine",
    "amphetamine",
    "mephedrone",
    "cannabis",
    "synthetic_cannabinoid",
    "alcohol",
    "benzodiazepine",
    "pregabalin",
    "gabapentin",
    "ketamine",
)
S = {code: i for i, code in enumerate(SUBSTANCES)}

REASONS = (
    "completed_drug_free",
    "completed_alcohol_free",
    "completed_occasional_user",
    "transferred_not_custody",
    "transferred_custody",
    "dropped_out",
    "withdrawn_by_provider",
    "retained_in_custody",
    "commencement_declined",
    "onward_referral_refused",
)
R = {code: i for i, code in enumerate(REASONS)}
COMPLETED = np.array(
    [R["completed_drug_free"], R["completed_alcohol_free"], R["completed_occasional_user"]]
)
CUSTODY = np.array([R["transferred_custody"], R["retained_in_custody"]])
EXITS = ("planned", "unplanned", "withdrawn")
PLANNED, UNPLANNED, WITHDRAWN = 0, 1, 2
# The intervention exit status that goes with each discharge reason.
EXIT_FOR_REASON = np.array(
    [
        PLANNED,
        PLANNED,
        PLANNED,
        PLANNED,
        PLANNED,
        UNPLANNED,
        WITHDRAWN,
        UNPLANNED,
        UNPLANNED,
        UNPLANNED,
    ]
)
DESTINATION_FOR_REASON = (
    "Home",
    "Home",
    "Home",
    "Another treatment provider",
    "Prison",
    "Not known",
    "Not known",
    "Prison",
    "Not known",
    "Not known",
)
REFERRAL_SOURCES = (
    "self",
    "gp",
    "hospital",
    "prison",
    "probation",
    "police",
    "social_care",
    "mental_health",
    "other",
)
EMPLOYMENT = ("employed", "unemployed", "not_seeking", "student", "retired", "not_stated")
ROUTES = ("inject", "sniff", "smoke", "oral", "other")
ETHNICITIES = "ABCDEFGHJKLMNPRSZ"
ETHNICITY_WEIGHTS = (
    0.82,
    0.01,
    0.04,
    0.01,
    0.003,
    0.004,
    0.005,
    0.008,
    0.006,
    0.002,
    0.004,
    0.01,
    0.012,
    0.003,
    0.002,
    0.006,
    0.05,
)
NATIONALITIES = ("GBR", "IRL", "POL", "ROU", "LTU", "PRT", "EU", "OTH", "NS")
NATIONALITY_WEIGHTS = (0.89, 0.01, 0.02, 0.01, 0.01, 0.005, 0.01, 0.015, 0.02)

KINDS = ("pharmacological", "psychosocial", "recovery_support", "inpatient_detox", "residential")
PHARMACOLOGICAL, PSYCHOSOCIAL, RECOVERY_SUPPORT, INPATIENT_DETOX, RESIDENTIAL = range(5)
SETTINGS = ("community", "inpatient", "residential", "primary_care", "prison", "recovery")
INTENTIONS = ("stabilisation", "withdrawal", "maintenance")
MEDICINES = ("methadone", "buprenorphine", "buprenorphine_depot", "diamorphine", "other")

EVENT_KINDS = (
    "prison_release",
    "hospital_discharge",
    "non_fatal_overdose",
    "detox_completed",
    "residential_completed",
    "housing_lost",
    "housing_found",
    "bereavement",
    "relationship_breakdown",
    "job_loss",
    "child_removed",
    "other",
)
EV = {kind: i for i, kind in enumerate(EVENT_KINDS)}
OD_SUBSTANCES = (
    "opioids",
    "benzodiazepines",
    "gabapentinoids",
    "alcohol",
    "cocaine",
    "stimulants",
    "synthetic",
    "other",
    "unknown",
)
RESPONDERS = ("ambulance", "peer", "family", "staff", "police", "none")
INFORMATION_SOURCES = (
    "ambulance",
    "emergency_dept",
    "police",
    "peer",
    "person",
    "other",
    "naloxone_kit",
)
FROM_NALOXONE_KIT = 6
NALOXONE_GIVERS = ("not_given", "ambulance", "peer", "staff", "police", "not_known", "unknown")
NOT_GIVEN, GIVEN_BY_AMBULANCE, GIVEN_BY_PEER, GIVEN_BY_STAFF, GIVEN_BY_POLICE = range(5)
GIVEN_BY_NOT_KNOWN, NOT_KNOWN_WHETHER_GIVEN = 5, 6
FOLLOWUP_BASES = (
    "consent",
    "direct_care",
    "vital_interests",
    "safeguarding",
    "not_yet_sought",
    "declined",
)

CONTACT_KINDS = ("appointment", "phone", "home_visit", "outreach", "video", "other")
CONTACT_STATUSES = ("booked", "attended", "dna", "cancelled")
BOOKED, ATTENDED, DNA, CANCELLED = range(4)

RECIPIENTS = ("person", "family_friend", "peer", "hostel_staff", "worker")
TO_PERSON, TO_FAMILY_FRIEND, TO_PEER, TO_HOSTEL_STAFF, TO_WORKER = range(5)
FORMULATIONS = ("im", "nasal")
REPEAT_REASONS = ("used_self", "used_other", "lost", "expired", "confiscated", "other")
USED_SELF, USED_OTHER, LOST, EXPIRED, CONFISCATED, OTHER_REASON = range(6)
SUPPLY_SETTINGS = ("service", "outreach", "pharmacy", "prison_release", "hospital")
IN_SERVICE, ON_OUTREACH, IN_PHARMACY, ON_PRISON_RELEASE, IN_HOSPITAL = range(5)

STAGES = ("S", "R", "E", "P")
START, REVIEW, EXIT, POST_EXIT = range(4)
