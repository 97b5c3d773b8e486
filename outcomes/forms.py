"""The TOP form: every item optional (empty = not disclosed), ranges checked with plain
messages; and the data quality page's months and team."""

import datetime
import re

from django import forms
from django.utils import timezone

from cases.forms import CheckedInputForm, RecordForm
from cases.models import ServiceUser, Team
from outcomes.figures.filters import last_whole_quarter
from outcomes.models import Stage, TopAssessment
from outcomes.quality import QualityFilters, QualityInputError
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


MONTH_PATTERN = re.compile(r"(\d{4})-(\d{2})")


def _month(text: str) -> datetime.date:
    match = MONTH_PATTERN.fullmatch(text.strip())
    if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
        raise forms.ValidationError("Give a month as year and month, e.g. 2026-07.")
    return datetime.date(int(match[1]), int(match[2]), 1)


class DataQualityForm(CheckedInputForm, forms.Form):
    """The data quality page's months and team. Unbound, it offers the last whole quarter."""

    start = forms.CharField(
        label="From month", max_length=7, widget=forms.TextInput(attrs={"type": "month"})
    )
    end = forms.CharField(
        label="To month", max_length=7, widget=forms.TextInput(attrs={"type": "month"})
    )
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="All teams"
    )

    def __init__(self, *args, scope: frozenset[int] | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        teams = Team.objects.order_by("name")
        self.fields["team"].queryset = teams if scope is None else teams.filter(pk__in=scope)
        self.fields["team"].error_messages["invalid_choice"] = "Choose one of the teams listed."
        quarter = last_whole_quarter(timezone.localdate())
        self.fields["start"].initial = quarter.start.strftime("%Y-%m")
        self.fields["end"].initial = quarter.end.strftime("%Y-%m")

    def clean_start(self) -> datetime.date:
        return _month(self.cleaned_data["start"])

    def clean_end(self) -> datetime.date:
        end = _month(self.cleaned_data["end"])
        today = timezone.localdate()
        if end > today.replace(day=1):
            raise forms.ValidationError("Choose a month that has started.")
        return end

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        team = cleaned.get("team")
        try:
            cleaned["filters"] = QualityFilters(
                first_month=cleaned["start"],
                last_month=cleaned["end"],
                teams=frozenset({team.pk}) if team else None,
                scope=self.scope,
            )
        except QualityInputError as error:
            for field, message in error.errors.items():
                self.add_error(field, message)
        return cleaned

    def quality_filters(self) -> QualityFilters:
        """The filters asked for, or the last whole quarter's for an unbound form."""
        if self.is_bound:
            return self.cleaned_data["filters"]
        quarter = last_whole_quarter(timezone.localdate())
        return QualityFilters(
            first_month=quarter.start,
            last_month=quarter.end.replace(day=1),
            scope=self.scope,
        )
