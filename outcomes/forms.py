"""The TOP form: every item optional (empty = not disclosed), ranges checked with plain messages."""

from django import forms
from django.utils import timezone

from cases.forms import RecordForm
from cases.models import ServiceUser
from outcomes.models import Stage, TopAssessment
from outcomes.selectors import start_top_exists
from outcomes.top_items import TOP_ITEMS, range_messages

NOT_DISCLOSED = [("", "Not disclosed"), ("true", "Yes"), ("false", "No")]


class TopAssessmentForm(RecordForm):
    class Meta:
        model = TopAssessment
        fields = [
            "episode",
            "stage",
            "top_date",
            *[item.field for item in TOP_ITEMS],
            "alcohol_units_per_day",
            "other_substance_name",
            "not_disclosed_reason",
        ]

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.service_user = service_user
        episodes = service_user.episodes.all()
        self.fields["episode"].queryset = episodes
        self.fields["episode"].empty_label = None
        if not self.is_bound:
            self._suggest_stage(episodes)
        for item in TOP_ITEMS:
            field = self.fields[item.field]
            field.label = f"{item.code}: {item.label}"
            if item.kind == "yesno":
                field.widget = forms.Select(choices=NOT_DISCLOSED)
            else:
                low, high = item.bounds
                below, above = range_messages(item)
                # The range on the input itself: the browser's spinner keeps to it and
                # field-checks.js says what is wrong before the form is sent.
                field.widget = forms.NumberInput(
                    attrs={
                        "inputmode": "numeric",
                        "placeholder": f"{low}–{high}",
                        "min": low,
                        "max": high,
                        "step": 1,
                        "data-min-message": below,
                        "data-max-message": above,
                    }
                )
                field.help_text = "Leave empty if not disclosed."
                field.error_messages["invalid"] = (
                    f"{item.code} must be a whole number from {low} to {high}."
                )

    def _suggest_stage(self, episodes) -> None:
        """Start for an episode without a start TOP, else review; dated today."""
        latest = episodes.first()
        self.fields["top_date"].initial = timezone.localdate()
        if latest is None:
            return
        self.fields["episode"].initial = latest.pk
        if latest.discharge_date:
            self.fields["stage"].initial = Stage.POST_EXIT
        elif start_top_exists(latest.pk):
            self.fields["stage"].initial = Stage.REVIEW
        else:
            self.fields["stage"].initial = Stage.START

    def sections(self) -> list[tuple[str, list]]:
        grouped: dict[str, list] = {}
        for item in TOP_ITEMS:
            grouped.setdefault(item.section, []).append(self[item.field])
        grouped["Substance use"] += [self["alcohol_units_per_day"], self["other_substance_name"]]
        return list(grouped.items())
