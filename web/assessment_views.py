"""The overdose risk assessment's page: the practitioner's assessment and safety plan
(from `care`) beside the risk engine's open flag and its current reasons (from `risk`),
which the assessment never changes. It combines the two layers, so it is here; the form
and the write stay in `care`.

`?assessment=<id>` shows an earlier, superseded assessment; the current one otherwise.
"""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from care.selectors import assessments_due, risk_assessment_history
from cases.access import can_edit_records
from cases.audit import service_user_for_read
from risk.selectors import person_flags
from web.person_due import calls_for_assessment

NOT_AN_ASSESSMENT = "That is not the address of an assessment: open it from the history list."


@login_required
def risk_assessment_detail(request: HttpRequest, external_id) -> HttpResponse:
    asked = request.GET.get("assessment")
    try:
        wanted = uuid.UUID(asked) if asked else None
    except ValueError:
        return render(request, "400.html", {"message": NOT_AN_ASSESSMENT}, status=400)
    person = service_user_for_read(request, external_id)
    today = timezone.localdate()
    history = risk_assessment_history(person, today=today)
    shown = history[0] if history else None
    if wanted is not None:
        shown = next((a for a in history if a.external_id == wanted), None)
        if shown is None:
            raise Http404("No such assessment of this person")
    flag, _ = person_flags(person, on=today)
    return render(
        request,
        "care/assessments/detail.html",
        {
            "title": f"Overdose risk: {person.display_name}",
            "person": person,
            "today": today,
            "assessment": shown,
            "current": history[0] if history else None,
            "history": history,
            "flag": flag,
            "due": assessments_due(
                person, today=today, flag_calls_for_assessment=calls_for_assessment(flag)
            ),
            "can_edit": can_edit_records(request.user),
        },
    )
