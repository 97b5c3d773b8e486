"""The TOP form page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from cases.views import editable_person, record_form_view
from outcomes.forms import TopAssessmentForm
from outcomes.services import top_assessment_create


@login_required
def top_create(request: HttpRequest, external_id) -> HttpResponse:
    person = editable_person(request, external_id)
    data = request.POST if request.method == "POST" else None
    form = TopAssessmentForm(data, service_user=person)
    return record_form_view(
        request,
        form=form,
        save=lambda cleaned: top_assessment_create(
            service_user=person, recorded_by=request.user, **cleaned
        ),
        title="Record a TOP assessment",
        person=person,
        success="TOP assessment recorded.",
        template="outcomes/top_form.html",
    )
