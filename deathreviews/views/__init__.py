"""Death review pages. Thin: each finds its review through `reviews_visible_to` (404 for
every role without access), recording the read as it finds it (`common.review_for_read`),
and saves through one service.

By concern: `listing` (the lists and notifying a review), `review` (one review and its
parts), `reporting` (dashboard, bulletin, approvals), `common` (what they share).
"""

from deathreviews.views.listing import action_list, review_list, review_notify
from deathreviews.views.reporting import (
    bulletin_approvals,
    bulletin_approve,
    review_bulletin,
    review_dashboard,
)
from deathreviews.views.review import (
    part_edit,
    review_detail,
    review_edit,
    review_history_page,
    review_link,
    review_snapshot,
    review_transition,
)

__all__ = [
    "action_list",
    "bulletin_approvals",
    "bulletin_approve",
    "part_edit",
    "review_bulletin",
    "review_dashboard",
    "review_detail",
    "review_edit",
    "review_history_page",
    "review_link",
    "review_list",
    "review_notify",
    "review_snapshot",
    "review_transition",
]
