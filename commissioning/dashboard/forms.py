"""The dashboard's period and scope: the figure API's parameters as a form.

The form checks its fields as every page's form does, then hands them to the API's own
query serializer (`FigureQuerySerializer`), so a period, team, local authority or split
is refused exactly as the API refuses it, with the message at the field. What only the
figures can say (a team outside the user's, a local authority outside a client's, a
split by team over too many teams) comes back from the computation as `ExtractError`,
and `add_api_errors` puts it at its field too.
"""

from collections.abc import Mapping

from django import forms
from django.utils import timezone

from cases.forms import CheckedInputForm, ClientChecks, uk_date_field
from cases.models import LocalAuthority, Team
from commissioning.api import FigureQuerySerializer
from commissioning.extracts.base import NON_FIELD_ERRORS, ApiFilters
from commissioning.selectors import ApiScope
from outcomes.figures import SEGMENTS
from outcomes.figures.filters import SEGMENT_LABELS, last_whole_quarter

# Each API query parameter, as this form's field.
PARAMETER_FIELDS = {
    "from": "start",
    "to": "end",
    "team": "team",
    "local_authority": "local_authority",
    "segment": "segment",
}


class DashboardForm(ClientChecks, CheckedInputForm, forms.Form):
    """Period, team, local authority and split. Unbound, it asks for the API's default:
    the last whole calendar quarter, the whole scope, not split."""

    start = uk_date_field(forms.DateField(label="From", required=False))
    end = uk_date_field(forms.DateField(label="To", required=False))
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="All teams"
    )
    local_authority = forms.ModelChoiceField(
        label="Local authority",
        queryset=LocalAuthority.objects.none(),
        to_field_name="code",
        required=False,
        empty_label="All local authorities",
    )
    segment = forms.ChoiceField(
        label="Split by",
        choices=[("", "Not split"), *((s, SEGMENT_LABELS[s]) for s in SEGMENTS)],
        required=False,
    )

    def __init__(self, *args, scope: ApiScope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        teams = Team.objects.order_by("name")
        team_ids = scope.team_ids()
        self.fields["team"].queryset = teams if team_ids is None else teams.filter(pk__in=team_ids)
        authorities = LocalAuthority.objects.order_by("name")
        if scope.local_authority_ids is not None:
            authorities = authorities.filter(pk__in=scope.local_authority_ids)
        self.fields["local_authority"].queryset = authorities
        period = last_whole_quarter(timezone.localdate())
        self.fields["start"].initial = period.start
        self.fields["end"].initial = period.end

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        query: dict = {}
        if cleaned.get("start"):
            query["from"] = cleaned["start"].isoformat()
        if cleaned.get("end"):
            query["to"] = cleaned["end"].isoformat()
        if cleaned.get("team"):
            query["team"] = [str(cleaned["team"].pk)]
        if cleaned.get("local_authority"):
            query["local_authority"] = [cleaned["local_authority"].code]
        if cleaned.get("segment"):
            query["segment"] = cleaned["segment"]
        serializer = FigureQuerySerializer(data=query)
        if not serializer.is_valid():
            self.add_api_errors(
                {name: " ".join(str(m) for m in messages) for name, messages in _flat(serializer)}
            )
            return cleaned
        cleaned["filters"] = serializer.filters()
        return cleaned

    def add_api_errors(self, errors: Mapping[str, str]) -> None:
        """The API's messages, each at the field of its query parameter."""
        for parameter, message in errors.items():
            field = PARAMETER_FIELDS.get(parameter)
            self.add_error(None if parameter == NON_FIELD_ERRORS else field, message)

    def api_filters(self) -> ApiFilters:
        """The filters asked for, as the API parses them; unbound, the API's default."""
        if self.is_bound:
            return self.cleaned_data["filters"]
        return ApiFilters()

    def query(self) -> dict[str, str]:
        """The query string of what is shown, for the CSV link."""
        if not self.is_bound:
            return {}
        return {name: value for name, value in self.data.items() if name in self.fields and value}


def _flat(serializer: FigureQuerySerializer):
    errors = serializer.errors
    for name, messages in errors.items():
        if isinstance(messages, dict):  # a list field's errors, by item
            messages = [m for item in messages.values() for m in item]
        yield name, messages
