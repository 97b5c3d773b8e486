"""Who may do what in the care record, declared as data like `cases.access`.

Scope (whose record) is the visibility selector's: a person outside it is 404 for
every role. Inside it, whoever reads the person's record reads their notes and
referrals; those who change records write them.
"""

from cases.access import EDITING_ROLES
from cases.models import User

WRITING_ROLES = EDITING_ROLES


def can_write_care_record(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in WRITING_ROLES
