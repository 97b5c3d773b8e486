"""The vocabularies of a review: its kinds and statuses, and the coded answers it records.

Values are stored in the database and appear in the API; changing one needs a
migration of the rows that hold it.
"""

from django.db import models


class ReviewKind(models.TextChoices):
    DRUG_DEATH = "drug_death", "Drug-related death"
    ALCOHOL_DEATH = "alcohol_death", "Alcohol-related death"
    NEAR_FATAL = "near_fatal", "Near-fatal overdose"


DEATH_KINDS = (ReviewKind.DRUG_DEATH, ReviewKind.ALCOHOL_DEATH)


class ReviewStatus(models.TextChoices):
    NOTIFIED = "notified", "Notified"
    GATHERING = "gathering", "Gathering information"
    READY = "ready_for_panel", "Ready for panel"
    PANEL_HELD = "panel_held", "Panel held"
    SIGNED_OFF = "signed_off", "Signed off"
    CLOSED = "closed", "Closed"


# The states whose learning may be shared on the bulletin.
SHARED_STATUSES = (ReviewStatus.SIGNED_OFF, ReviewStatus.CLOSED)


class NotificationSource(models.TextChoices):
    CORONER = "coroner", "Coroner"
    POLICE = "police", "Police"
    HOSPITAL = "hospital", "Hospital or A&E"
    AMBULANCE = "ambulance", "Ambulance service"
    GP = "gp", "GP"
    FAMILY = "family", "Family or friend"
    PARTNER = "partner", "Partner agency"
    STAFF = "staff", "Lantern staff"
    OTHER = "other", "Other"


class Housing(models.TextChoices):
    SETTLED = "settled", "Settled (own or rented home)"
    FAMILY = "family", "Living with family or friends"
    SUPPORTED = "supported", "Hostel or supported accommodation"
    TEMPORARY = "temporary", "Temporary accommodation"
    ROUGH_SLEEPING = "rough_sleeping", "Rough sleeping / no fixed abode"
    CUSTODY = "custody", "In custody"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class PlaceOfDeath(models.TextChoices):
    OWN_HOME = "own_home", "Their own home"
    OTHER_HOME = "other_home", "Someone else's home"
    HOSTEL = "hostel", "Hostel or supported accommodation"
    PUBLIC = "public", "Street or public place"
    HOSPITAL = "hospital", "Hospital"
    CUSTODY = "custody", "Prison or police custody"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class FoundBy(models.TextChoices):
    PARTNER = "partner", "Partner"
    FAMILY = "family", "Family member"
    FRIEND = "friend", "Friend or peer"
    STAFF = "staff", "Hostel, housing or support staff"
    POLICE = "police", "Police"
    PUBLIC = "public", "Member of the public"
    AMBULANCE = "ambulance", "Ambulance crew"
    NOT_APPLICABLE = "not_applicable", "Not applicable (died in hospital or was with others)"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


class ToxicologyStatus(models.TextChoices):
    AWAITED = "awaited", "Awaited"
    AVAILABLE = "available", "Results available"
    NOT_AVAILABLE = "not_available", "Not done or not available"


class ToxicologySubstance(models.TextChoices):
    HEROIN = "heroin", "Heroin or morphine"
    METHADONE = "methadone", "Methadone"
    BUPRENORPHINE = "buprenorphine", "Buprenorphine"
    FENTANYL = "fentanyl", "Fentanyl or an analogue"
    NITAZENE = "nitazene", "Nitazene"
    OTHER_OPIOID = "other_opioid", "Other opioid"
    BENZODIAZEPINE = "benzodiazepine", "Prescribed benzodiazepine"
    STREET_BENZODIAZEPINE = "street_benzodiazepine", "Street benzodiazepine"
    GABAPENTIN = "gabapentin", "Gabapentin"
    PREGABALIN = "pregabalin", "Pregabalin"
    ALCOHOL = "alcohol", "Alcohol"
    COCAINE = "cocaine", "Cocaine (including crack)"
    AMPHETAMINE = "amphetamine", "Amphetamine or methamphetamine"
    CANNABIS = "cannabis", "Cannabis"
    SYNTHETIC_CANNABINOID = "synthetic_cannabinoid", "Synthetic cannabinoid"
    XYLAZINE = "xylazine", "Xylazine"
    ANTIDEPRESSANT = "antidepressant", "Antidepressant"
    ANTIPSYCHOTIC = "antipsychotic", "Antipsychotic"
    OTHER = "other", "Other"


class InquestStatus(models.TextChoices):
    NOT_OPENED = "not_opened", "Not yet opened"
    OPENED = "opened", "Opened and adjourned"
    CONCLUDED = "concluded", "Concluded"
    NONE = "none", "No inquest"


class InquestConclusion(models.TextChoices):
    DRUG_RELATED = "drug_related", "Drug-related death"
    ALCOHOL_RELATED = "alcohol_related", "Alcohol-related death"
    MISADVENTURE = "misadventure", "Accident or misadventure"
    SUICIDE = "suicide", "Suicide"
    NARRATIVE = "narrative", "Narrative conclusion"
    OPEN = "open", "Open conclusion"
    NATURAL = "natural", "Natural causes"
    OTHER = "other", "Other"


class Preventability(models.TextChoices):
    PREVENTABLE = "preventable", "Preventable"
    POTENTIALLY = "potentially", "Potentially preventable"
    NOT_PREVENTABLE = "not_preventable", "Not preventable"
    UNDETERMINED = "undetermined", "Could not be determined"


class AgencyKind(models.TextChoices):
    DRUG_SERVICE = "drug_service", "Drug and alcohol service"
    GP = "gp", "GP"
    HOSPITAL = "hospital", "Hospital or A&E"
    AMBULANCE = "ambulance", "Ambulance service"
    MENTAL_HEALTH = "mental_health", "Mental health service"
    PRISON = "prison", "Prison"
    PROBATION = "probation", "Probation"
    POLICE = "police", "Police"
    HOUSING = "housing", "Housing or homelessness service"
    SOCIAL_CARE = "social_care", "Social care"
    PHARMACY = "pharmacy", "Pharmacy"
    CORONER = "coroner", "Coroner"
    OTHER = "other", "Other"


# Reference lists, administered in the Django admin -----------------------


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_DONE = "not_done", "Not done"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
