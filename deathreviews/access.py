"""Who may use death reviews, declared as data like `cases.access` and `exchange.access`.

Reviews hold special-category detail about people who have died, to which
confidentiality still applies: only clinical governance sees or changes them,
and every other role, administrators included (they hold configuration, not
people), gets 404 on every review URL (the review does not exist for them). The
learning bulletin is anonymised and meant to be shared across the partnership, so
every signed-in member of staff may read it (partner agencies' staff, who reach only their
own pages in Lantern, receive it from the service); clinical governance approves each
piece of it first.
"""

from cases.access import NavLink
from cases.models import Role, User

REVIEW_ROLES = frozenset({Role.GOVERNANCE})
# Not partners' staff: they reach only their own pages (`web.signin`), so no link to it.
BULLETIN_ROLES = frozenset(Role.values) - {Role.PARTNER}
# What the bulletin shows is approved first by clinical governance, whose work the
# confidentiality of the reviews is: not administrators, who configure Lantern.
BULLETIN_APPROVER_ROLES = frozenset({Role.GOVERNANCE})


def _active(user: User) -> bool:
    return user.is_authenticated and user.is_active


def can_work_reviews(user: User) -> bool:
    return _active(user) and user.role in REVIEW_ROLES


def can_read_bulletin(user: User) -> bool:
    return _active(user) and user.role in BULLETIN_ROLES


def can_approve_bulletin(user: User) -> bool:
    return _active(user) and user.role in BULLETIN_APPROVER_ROLES


NAVIGATION = (
    NavLink("Death reviews", "review_list", can_work_reviews),
    NavLink("Review dashboard", "review_dashboard", can_work_reviews),
    NavLink("Learning bulletin", "review_bulletin", can_read_bulletin),
)


# The death-review figures of the commissioner API (`commissioning.figures.deathreviews`): aggregates with
# small numbers suppressed, for clinical governance and for commissioners, who plan and
# fund the services the reviews learn about. Keyworkers and team leads are refused: the
# reviews are governance's work, their own team's deaths would be a suppressed handful,
# and the learning bulletin is how the learning reaches them. Administrators are refused
# as the API refuses them everything (it holds no role for them).
REVIEW_FIGURE_API_ROLES = frozenset({Role.GOVERNANCE, Role.COMMISSIONER})
