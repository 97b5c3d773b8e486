"""The TOP form: every item optional (empty = not disclosed), ranges checked with plain messages;
and the data pages' forms (the import upload, the NDTMS period)."""

import datetime

from django import forms
from django.utils import timezone

from cases.forms import CheckedInputForm, ClientChecks, RecordForm, uk_date_field
from cases.models import ServiceUser
from cases.validators import period_problems
from outcomes.importing.specs import SPECS
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


class ImportUploadForm(CheckedInputForm, forms.Form):
    """One file field per kind of import file; any subset may be uploaded together."""

    partial = forms.BooleanField(
        label="Import the valid rows and report the rest",
        required=False,
        help_text="Without this, a file set with any problem imports nothing.",
    )
    dry_run = forms.BooleanField(
        label="Check only (dry run)",
        required=False,
        help_text="Check and count everything, then import nothing.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for spec in SPECS:
            self.fields[spec.kind] = forms.FileField(
                label=f"{spec.title} ({spec.file_name})", required=False
            )

    def file_fields(self):
        return [self[spec.kind] for spec in SPECS]

    def clean(self) -> dict:
        cleaned = super().clean()
        if not any(cleaned.get(spec.kind) for spec in SPECS):
            raise forms.ValidationError("Choose at least one file to import.")
        return cleaned

    def uploaded_files(self) -> dict:
        return {
            spec.kind: self.cleaned_data[spec.kind]
            for spec in SPECS
            if self.cleaned_data.get(spec.kind)
        }


def _last_month() -> tuple[datetime.date, datetime.date]:
    first_of_this = timezone.localdate().replace(day=1)
    end = first_of_this - datetime.timedelta(days=1)
    return end.replace(day=1), end


class NdtmsPeriodForm(ClientChecks, CheckedInputForm, forms.Form):
    start = uk_date_field(forms.DateField(label="From"))
    end = uk_date_field(forms.DateField(label="To"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        start, end = _last_month()
        self.fields["start"].initial = start
        self.fields["end"].initial = end

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        for field, problem in period_problems(start, end).items():
            self.add_error(field, problem)
        return cleaned
