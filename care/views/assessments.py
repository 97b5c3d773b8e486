"""Record an overdose risk assessment and safety plan. The person is found through
`cases.views.editable_person` (404 outside the user's scope, 403 for a role that only
reads, the read recorded once); the form starts from the last assessment's answers and
plan, to be checked one by one, and the new assessment supersedes it. The assessment's
page, which shows the risk flag beside it, is `web.assessment_views`."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from care import services
from care.forms import RiskAssessmentForm, carried_forward
from care.selectors import latest_risk_assessment
from cases.views import editable_person, record_form_view


@login_required
def risk_assessment_create(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    if request.method == "POST":
        form = RiskAssessmentForm(request.POST, service_user=person)
    else:
        last = latest_risk_assessment(person)
        form = RiskAssessmentForm(initial=carried_forward(last), service_user=person)
        form.carried_from = last  # type: ignore[attr-defined]
    return record_form_view(
        request,
        form=form,
        save=lambda data: services.risk_assessment_record(
            service_user=person, assessed_by=request.user, **data
        ),
        title="Assess overdose risk and agree a safety plan",
        person=person,
        success="Assessment and safety plan saved.",
        template="care/assessments/form.html",
    )
