"""The core case records: services, teams, staff, service users and their histories.

Models hold data, database constraints and `clean()` checks that need only the
row itself (and its parent). Writes go through `cases.services`; reads that
depend on who is asking go through `cases.selectors`.

One module per concern; every name is exported here, so `from cases.models
import X` is the way to reach any of them:

- `organisation`: staff and roles, services, teams and memberships, reference lists
- `people`: the people Lantern holds
- `episodes`: treatment episodes and interventions
- `events`: events, contacts and naloxone supplies
- `unidentified`: people heard of through an overdose before the service knows who they are
- `transfers`: reassignments and transfer requests
- `audit`: the read audit, break-glass grants, sign-in sessions, second-factor attempts
- `common`: what they share (`today`, `source_ref_field`, `DatedFromBirth`, `audit_link`)

Each record kind a worker keeps (person, episode, intervention, event, contact,
naloxone supply) declares `RECORDED_FIELDS`: what a worker records, in the form's
order. Its form and the death-review snapshot derive from it; the bulk import,
the commissioner extract and the demo generator are held to it by
`tests/cases/test_record_fields.py`, which names any field one of them misses.
`Event.OVERDOSE_FIELDS` are the fields only an overdose has.
"""

from cases.models.audit import (
    BREAK_GLASS_HOURS,
    AccessEvent,
    AccessKind,
    BreakGlassGrant,
    SecondFactorAttempt,
    SignedInSession,
)
from cases.models.common import (
    DatedFromBirth,
    audit_link,
    source_ref_field,
    today,
)
from cases.models.episodes import (
    INJECTS_OR_HAS,
    AccommodationNeed,
    BbvIntervention,
    DischargeDestination,
    EmploymentStatus,
    HepBVaccinations,
    InjectingStatus,
    Intervention,
    InterventionType,
    OstMedicine,
    ReferralSource,
    Route,
    TreatmentEpisode,
)
from cases.models.events import (
    EXPECTABLE_KINDS,
    Contact,
    ContactKind,
    ContactStatus,
    Event,
    EventKind,
    EventStatus,
    FollowUpBasis,
    InformationSource,
    NaloxoneGiver,
    NaloxoneSupply,
    OverdoseSubstance,
    Responder,
)
from cases.models.organisation import (
    DischargeReason,
    LocalAuthority,
    Role,
    Service,
    Substance,
    SubstanceCategory,
    Team,
    TeamMembership,
    User,
)
from cases.models.people import (
    DISABILITY_ALONE,
    Disability,
    Ethnicity,
    Nationality,
    Religion,
    ServiceUser,
    Sex,
    SexualOrientation,
)
from cases.models.transfers import (
    Reassignment,
    TransferRequest,
    TransferStatus,
)
from cases.models.unidentified import APPROXIMATE_AGES, UnidentifiedPerson

__all__ = [
    "APPROXIMATE_AGES",
    "BREAK_GLASS_HOURS",
    "DISABILITY_ALONE",
    "EXPECTABLE_KINDS",
    "INJECTS_OR_HAS",
    "AccessEvent",
    "AccessKind",
    "AccommodationNeed",
    "BbvIntervention",
    "BreakGlassGrant",
    "Contact",
    "ContactKind",
    "ContactStatus",
    "DatedFromBirth",
    "Disability",
    "DischargeDestination",
    "DischargeReason",
    "EmploymentStatus",
    "Ethnicity",
    "Event",
    "EventKind",
    "EventStatus",
    "FollowUpBasis",
    "HepBVaccinations",
    "InformationSource",
    "InjectingStatus",
    "Intervention",
    "InterventionType",
    "LocalAuthority",
    "NaloxoneGiver",
    "NaloxoneSupply",
    "Nationality",
    "OstMedicine",
    "OverdoseSubstance",
    "Reassignment",
    "ReferralSource",
    "Religion",
    "Responder",
    "Role",
    "Route",
    "SecondFactorAttempt",
    "Service",
    "ServiceUser",
    "Sex",
    "SexualOrientation",
    "SignedInSession",
    "Substance",
    "SubstanceCategory",
    "Team",
    "TeamMembership",
    "TransferRequest",
    "TransferStatus",
    "TreatmentEpisode",
    "UnidentifiedPerson",
    "User",
    "audit_link",
    "source_ref_field",
    "today",
]
