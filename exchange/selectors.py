"""Reads of the NDTMS submissions: whose services a user may submit for, their submissions,
and the problems of one that the user may see and fix.

Administrators submit for every service. A team lead submits for a service only when
every team of it is one of theirs today, so that the file, which covers the whole
agency, holds no one outside their scope (`cases.selectors.service_users_visible_to`).
"""

import datetime

from django.db.models import QuerySet

from cases.models import Role, Service, Team, User
from cases.selectors import active_team_ids, service_users_visible_to
from exchange.access import can_submit_ndtms
from exchange.models import NdtmsSubmission
from exchange.ndtms.links import problem_links
from exchange.ndtms.validation import Problem


def services_submittable_by(user: User) -> QuerySet[Service]:
    if not can_submit_ndtms(user):
        return Service.objects.none()
    if user.role == Role.ADMINISTRATOR:
        return Service.objects.all()
    mine = active_team_ids(user)
    others = Team.objects.exclude(id__in=mine).values("service_id")
    return (
        Service.objects.filter(teams__in=mine.values("team_id")).exclude(id__in=others).distinct()
    )


def submissions_visible_to(user: User) -> QuerySet[NdtmsSubmission]:
    """The submissions of the services `user` submits for, newest month first, without the
    files themselves."""
    return (
        NdtmsSubmission.objects.filter(service__in=services_submittable_by(user))
        .select_related("service", "prepared_by", "submitted_by", "replaces")
        .defer("content", "problems", "replaces__content", "replaces__problems")
    )


def submission_problems_for(
    user: User, submission: NdtmsSubmission
) -> tuple[list[tuple[Problem, str]], int]:
    """The submission's problems about people `user` may see, each with the address of the
    field that fixes it, and how many problems concern people they may not see."""
    problems = [Problem(*values) for values in submission.problems]
    visible = set(
        service_users_visible_to(user)
        .filter(client_ref__in={p.client for p in problems})
        .values_list("client_ref", flat=True)
    )
    shown = [p for p in problems if p.client in visible]
    return list(zip(shown, problem_links(shown), strict=True)), len(problems) - len(shown)


def latest_sent(service: Service, period_start: datetime.date) -> NdtmsSubmission | None:
    """The submission of the month last recorded as sent, or None."""
    return (
        NdtmsSubmission.objects.filter(
            service=service,
            period_start=period_start,
            submitted_at__isnull=False,
            replaced_by__isnull=True,
        )
        .defer("content", "problems")
        .first()
    )
