"""The NDTMS code lists Lantern writes, and how each of Lantern's own choices maps to them.

Pure data, no Django: the declaration of items (`exchange.ndtms.items`), the data
migration that seeds the reference tables, the generated documentation and the
tests all read it.

`CODE_LISTS[name]` is a code list: NDTMS code -> its meaning. `MAPPINGS[name]` is
Lantern's value (a choice's stored value, or a reference row's `code`) -> the
NDTMS code it is written as; "" means "no code in this list", written as not
known. The migration copies both into `NdtmsCode` and `NdtmsMapping` under
`DATASET_VERSION`, where an administrator reads and corrects them; the writer
reads the tables, never this module. A later dataset version is added as new
rows under its own version, never by editing these.

Sources: the codes are those of the open-source NDTMS writer for dataset K
(CloudDataService/Canary-NDTMS, its `datasets.php` configuration). Where a list
is not there, it is marked in `UNCONFIRMED` and in docs/ndtms.md.
"""

DATASET_VERSION = "K"

YES_NO = {"Y": "Yes", "N": "No"}

CODE_LISTS: dict[str, dict[str, str]] = {
    "YESNO": YES_NO,
    "SEX": {"M": "Male", "F": "Female", "I": "Indeterminate", "U": "Not stated"},
    "ETHNIC": {
        "A": "White British",
        "B": "White Irish",
        "C": "Other White",
        "D": "White and Black Caribbean",
        "E": "White and Black African",
        "F": "White and Asian",
        "G": "Other mixed",
        "H": "Indian",
        "J": "Pakistani",
        "K": "Bangladeshi",
        "L": "Other Asian",
        "M": "Caribbean",
        "N": "African",
        "P": "Other Black",
        "R": "Chinese",
        "S": "Other",
        "Z": "Not specified",
    },
    # ISO 3166 alpha-3 country codes; only those Lantern's choices use are listed.
    "NATION": {
        "GBR": "British",
        "IRL": "Ireland",
        "POL": "Poland",
        "ROU": "Romania",
        "LTU": "Lithuania",
        "PRT": "Portugal",
    },
    "RFLS": {
        "1": "Drug service statutory",
        "2": "Drug service non-statutory",
        "3": "GP",
        "4": "Self",
        "5": "Arrest referral / DIP",
        "6": "DRR",
        "8": "Probation",
        "9": "A&E",
        "10": "Syringe exchange",
        "11": "Psychiatry",
        "12": "Community care assessment",
        "13": "CARAT / prison",
        "14": "Employment service",
        "15": "Other",
        "16": "Education service",
        "19": "Social services",
        "22": "General hospital",
        "23": "Psychological services",
        "24": "Relative",
        "25": "Concerned other",
    },
    "DRUG": {
        "1011": "Heroin",
        "1105": "Methadone",
        "1000": "Other opiates",
        "2200": "Benzodiazepines",
        "3100": "Amphetamines (excluding ecstasy)",
        "3200": "Cocaine (excluding crack)",
        "3201": "Crack",
        "4000": "Hallucinogens",
        "3406": "Ecstasy",
        "5000": "Cannabis",
        "6000": "Solvents",
        "2100": "Barbiturates",
        "8200": "Major tranquilisers",
        "8300": "Anti-depressants",
        "7000": "Alcohol",
        "8799": "Other drugs",
        "9005": "Prescription drugs",
        "3409": "Nicotine",
    },
    # Written when the second or third problem substance is absent.
    "DRUG2": {"9996": "No second problem substance"},
    "DRUG3": {"9997": "No third problem substance"},
    "ROUTE": {"1": "Inject", "2": "Sniff", "3": "Smoke", "4": "Oral", "5": "Other"},
    "INJSTAT": {
        "P": "Previously injected (but not currently)",
        "C": "Currently injecting",
        "N": "Never injected",
        "Z": "Client declined to answer",
    },
    "ACCMNEED": {
        "1": "NFA: urgent housing problem",
        "2": "Housing problem",
        "3": "No housing problem",
    },
    "PRNTSTAT": {
        "11": "All the children live with client",
        "12": "Some of the children live with client",
        "13": "None of the children live with client",
        "14": "Not a parent",
        "15": "Client declined to answer",
    },
    "EMPSTAT": {
        "1": "Regular employment",
        "2": "Pupil / student",
        "5": "Other",
        "6": "Not known",
        "9": "Long term sick or disabled",
        "10": "Homemaker",
        "12": "Unemployed and seeking work",
        "13": "Not receiving benefits",
        "14": "Unpaid voluntary work",
        "15": "Retired from paid work",
        "99": "Not stated",
    },
    "SEXUAL": {
        "H": "Heterosexual",
        "G": "Gay",
        "B": "Bi-sexual",
        "R": "Other",
        "Z": "Prefer not to say",
    },
    "HEPCSTAT": {"A": "Offered and accepted", "B": "Offered and refused", "D": "Not offered"},
    "HEPBSTAT": {
        "A": "Offered and accepted",
        "B": "Offered and refused",
        "C": "Immunised already",
        "D": "Not offered",
        "E": "Acquired immunity",
    },
    "HEPBVAC": {
        "1": "One vaccination",
        "2": "Two vaccinations",
        "3": "Three vaccinations",
        "C": "Course completed",
    },
    "MODAL": {
        "1": "Inpatient treatment",
        "6": "Residential rehabilitation",
        "94": "Pharmacological intervention",
        "95": "Psychosocial intervention",
        "96": "Recovery support",
    },
    "MODSET": {
        "1": "GP",
        "2": "Inpatient",
        "3": "Outpatient",
        "4": "Inpatient / outpatient",
        "5": "Prison",
        "6": "Community",
        "7": "Recovery house",
        "8": "Residential",
    },
    "MODEXIT": {
        "A": "Mutually agreed planned exit",
        "B": "Client's unilateral unplanned exit",
        "C": "Intervention withdrawn",
    },
    "DISRSN": {
        "1": "Treatment completed drug free",
        "2": "Treatment completed",
        "3": "Treatment withdrawn / breach of contract",
        "4": "No appropriate treatment available",
        "5": "Referred on",
        "6": "Dropped out / left",
        "7": "Moved away",
        "8": "Prison",
        "9": "Died",
        "10": "Other",
        "11": "Not known",
        "12": "Treatment declined by client",
        "13": "Inappropriate referral",
    },
    # No public list of discharge destination codes was found: the list stays empty
    # until an administrator enters the dataset's codes, and DISDEST is written as
    # not known until then.
    "DISDEST": {},
    "TRSTAGE": {"S": "Start", "R": "Review", "E": "Exit", "P": "Post-treatment exit"},
    # The sub-intervention items: each Lantern approach sets one of them.
    "SUBINT": {
        "PHSTBL": "Prescribing: assessment and stabilisation",
        "PHWTH": "Prescribing: withdrawal",
        "PHMAIN": "Prescribing: maintenance",
        "PHRELPR": "Prescribing: relapse prevention",
        "PSYMOTI": "Motivational interventions",
        "PSYCNMG": "Contingency management (drug focused)",
        "PSYFSNI": "Family and social network interventions",
        "PSYCGBH": "Cognitive and behavioural interventions",
        "PSYMNTH": "Psychological intervention for a co-existing mental health problem",
        "PSYDNMC": "Psychodynamic therapy",
        "PSYSTP": "12-step work",
        "PSYCOUN": "Counselling (BACP accredited)",
        "PSYOTHR": "Other psychosocial",
        "RECPEER": "Peer support involvement",
        "RECMAID": "Facilitated access to mutual aid",
        "RECFMSP": "Family support",
        "RECPRNT": "Parenting support",
        "RECHSE": "Housing support",
        "RECEMP": "Employment support",
        "RECEDUT": "Education and training support",
        "RECWPRJ": "Supported work projects",
        "RECCHKP": "Recovery check-ups",
        "RECRLPP": "Psychosocial intervention to support relapse prevention",
        "RECCMPT": "Complementary therapies",
        "RECGNH": "Mental health interventions",
        "RECOTH": "Other recovery support",
    },
}

MAPPINGS: dict[str, dict[str, str]] = {
    "SEX": {"M": "M", "F": "F", "I": "I", "U": "U"},
    "ETHNIC": {code: code for code in CODE_LISTS["ETHNIC"]},
    "NATION": {
        **{code: code for code in CODE_LISTS["NATION"]},
        "EU": "",
        "OTH": "",
        "NS": "",
    },
    "RFLS": {
        "self": "4",
        "gp": "3",
        "hospital": "9",
        "prison": "13",
        "probation": "8",
        "police": "5",
        "social_care": "19",
        "mental_health": "11",
        "other": "15",
    },
    # By `cases.Substance.code`, the substances every installation starts with.
    "DRUG": {
        "heroin": "1011",
        "methadone_illicit": "1105",
        "buprenorphine_illicit": "1000",
        "other_opioid": "1000",
        "crack": "3201",
        "cocaine": "3200",
        "amphetamine": "3100",
        "mephedrone": "8799",
        "cannabis": "5000",
        "synthetic_cannabinoid": "8799",
        "alcohol": "7000",
        "benzodiazepine": "2200",
        "pregabalin": "9005",
        "gabapentin": "9005",
        "ketamine": "8799",
        "other": "8799",
    },
    "ROUTE": {"inject": "1", "sniff": "2", "smoke": "3", "oral": "4", "other": "5"},
    "INJSTAT": {"current": "C", "previous": "P", "never": "N", "declined": "Z"},
    "ACCMNEED": {"urgent": "1", "problem": "2", "none": "3"},
    "EMPSTAT": {
        "employed": "1",
        "unemployed": "12",
        "not_seeking": "5",
        "student": "2",
        "retired": "15",
        "not_stated": "99",
    },
    "SEXUAL": {
        "heterosexual": "H",
        "gay_lesbian": "G",
        "bisexual": "B",
        "other": "R",
        "not_stated": "Z",
    },
    "HEPCSTAT": {"accepted": "A", "refused": "B", "not_offered": "D"},
    "HEPBSTAT": {
        "accepted": "A",
        "refused": "B",
        "not_offered": "D",
        "immunised": "C",
        "acquired": "E",
    },
    "HEPBVAC": {"1": "1", "2": "2", "3": "3", "completed": "C"},
    "MODAL": {
        "pharmacological": "94",
        "psychosocial": "95",
        "recovery_support": "96",
        "inpatient_detox": "1",
        "residential": "6",
    },
    "MODSET": {
        "community": "6",
        "inpatient": "2",
        "residential": "8",
        "primary_care": "1",
        "prison": "5",
        "recovery": "7",
    },
    "MODEXIT": {"planned": "A", "unplanned": "B", "withdrawn": "C"},
    # By `cases.DischargeReason.code` (Lantern's current groups) to dataset K's reasons.
    "DISRSN": {
        "completed_drug_free": "1",
        "completed_alcohol_free": "2",
        "completed_occasional_user": "2",
        "transferred_not_custody": "5",
        "transferred_custody": "8",
        "dropped_out": "6",
        "withdrawn_by_provider": "3",
        "retained_in_custody": "8",
        "commencement_declined": "12",
        "onward_referral_refused": "10",
        "client_died": "9",
    },
    "DISDEST": {
        "community_treatment": "",
        "prison_treatment": "",
        "primary_care": "",
        "recovery_support": "",
        "none": "",
        "not_known": "",
    },
    "TRSTAGE": {"S": "S", "R": "R", "E": "E", "P": "P"},
    # A prescribing intention or a psychosocial / recovery approach -> its item.
    "SUBINT": {
        "stabilisation": "PHSTBL",
        "withdrawal": "PHWTH",
        "maintenance": "PHMAIN",
        "relapse_prevention": "PHRELPR",
        "motivational": "PSYMOTI",
        "contingency": "PSYCNMG",
        "family_network": "PSYFSNI",
        "cognitive": "PSYCGBH",
        "mh_therapy": "PSYMNTH",
        "psychodynamic": "PSYDNMC",
        "twelve_step": "PSYSTP",
        "counselling": "PSYCOUN",
        "psy_other": "PSYOTHR",
        "peer": "RECPEER",
        "mutual_aid": "RECMAID",
        "family": "RECFMSP",
        "parenting": "RECPRNT",
        "housing": "RECHSE",
        "employment": "RECEMP",
        "education": "RECEDUT",
        "work_project": "RECWPRJ",
        "check_ups": "RECCHKP",
        "relapse": "RECRLPP",
        "complementary": "RECCMPT",
        "mental_health": "RECGNH",
        "rec_other": "RECOTH",
    },
}

# The code lists of items that dataset K does not have (`exchange.ndtms.items.LATER`),
# and Lantern's mappings to them. Not seeded under dataset K: the version that has the
# items seeds them into the reference tables with its own lists, where an
# administrator corrects them as for K.
LATER_CODE_LISTS: dict[str, dict[str, str]] = {
    # No public list of the dataset's religion codes was found: the list stays empty
    # until the version's codes are entered, and RELIGION is written as not known.
    "RELIGION": {},
    # The NHS Data Dictionary's disability codes, whose categories the open-source
    # system's disability list names one by one.
    "DISABLE": {
        "01": "Behaviour and emotional",
        "02": "Hearing",
        "03": "Manual dexterity",
        "04": "Memory or ability to concentrate, learn or understand (learning disability)",
        "05": "Mobility and gross motor",
        "06": "Perception of physical danger",
        "07": "Personal, self care and continence",
        "08": "Progressive conditions and physical health",
        "09": "Sight",
        "10": "Speech",
        "XX": "Other",
        "NN": "No disability",
        "ZZ": "Not stated (asked but declined to answer)",
    },
}

LATER_MAPPINGS: dict[str, dict[str, str]] = {
    "RELIGION": {
        "none": "",
        "christian": "",
        "buddhist": "",
        "hindu": "",
        "jewish": "",
        "muslim": "",
        "sikh": "",
        "other": "",
        "not_stated": "",
    },
    "DISABLE": {
        "behaviour": "01",
        "hearing": "02",
        "dexterity": "03",
        "learning": "04",
        "mobility": "05",
        "danger": "06",
        "self_care": "07",
        "progressive": "08",
        "sight": "09",
        "speech": "10",
        "other": "XX",
        "none": "NN",
        "not_stated": "ZZ",
    },
}

# Code lists and mappings that no public material confirms: the reason for each.
UNCONFIRMED: dict[str, str] = {
    "SEX": "the open-source writer sends M and F only; I and U are Lantern's own",
    "NATION": "Lantern's 'other EU country', 'other country' and 'not stated' have no "
    "country code and are written as not known",
    "DRUG": "the codes for buprenorphine, mephedrone, synthetic cannabinoids, pregabalin, "
    "gabapentin and ketamine are the nearest group, not a named substance",
    "EMPSTAT": "'economically inactive' has no code of its own and is written as 5 (other)",
    "DISRSN": "Lantern's reasons follow the current completed / transferred / incomplete "
    "groups; dataset K's reasons are older and several map to the nearest one",
    "DISDEST": "no public code list found: an administrator enters the codes",
    "MODAL": "94, 95 and 96 come from the open-source writer's list of modalities with "
    "sub-interventions; 1 (inpatient) and 6 (residential rehabilitation) from its older list",
    "MODSET": "the setting codes come from the open-source writer's configuration, not its "
    "file layout",
    "SUBINT": "the sub-intervention items are named by the open-source writer, which never "
    "fills them: Lantern writes Y in the one an intervention consists of",
    "PRNTSTAT": "15 (declined to answer) is never written: Lantern records a parent's "
    "answer as not known instead, written as NA",
    "RELIGION": "no public list of the dataset's religion codes found: Lantern records the "
    "census's categories, and the codes are entered with the dataset version that has the item",
    "DISABLE": "the codes are the NHS Data Dictionary's disability codes; that the dataset uses "
    "them, and sends up to three as DISABLE1 to DISABLE3 in the order recorded, is not "
    "confirmed",
    "HEPBVAC": "read from the care record's doses where it has any: a course is counted "
    "completed (C) at its schedule's last dose, the third of the standard schedule and the "
    "twelve-month booster of the accelerated ones; whether NDTMS counts an accelerated course "
    "complete at its third dose is not confirmed",
    "HEPBSTAT": "read from the care record's latest vaccination step where it has one: immune "
    "is written as acquired immunity (E) where a hepatitis B test was positive and as "
    "immunised already (C) otherwise, since the record does not say which marker a test found",
    "HEPCSTAT": "read from the care record's latest hepatitis C test offered to the episode's "
    "end, which may have been offered before the episode began; whether NDTMS asks only of "
    "tests offered in the episode is not confirmed",
    "HEPCPOS": "yes once any hepatitis C antibody or RNA result on the care record or the "
    "episode was positive (antibodies stay after an infection clears); whether the item asks "
    "of any test or of the latest is not confirmed",
    "CPLANDT": "where the episode gives no care plan start, the first care plan agreed with the "
    "person in the episode is taken as its start",
}
