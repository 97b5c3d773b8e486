"""The data pages' forms: the import upload (one file field per kind of file) and the
NDTMS extract's period, and the monthly submission's month and confirmation."""

import datetime

from django import forms
from django.utils import timezone

from cases.forms import CheckedInputForm, ClientChecks, uk_date_field
from cases.validators import period_problems
from exchange.importing.specs import SPECS


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


def _months(count: int = 12) -> list[tuple[str, str]]:
    """The last `count` whole months, the latest first, as "YYYY-MM"."""
    month = timezone.localdate().replace(day=1)
    choices = []
    for _ in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        choices.append((f"{month:%Y-%m}", f"{month:%B %Y}"))
    return choices


class NdtmsSubmissionPrepareForm(CheckedInputForm, forms.Form):
    """The service and the month a submission file is prepared for."""

    service = forms.ModelChoiceField(queryset=None, label="Service (NDTMS agency)")
    month = forms.ChoiceField(label="Month")

    def __init__(self, *args, services, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["service"].error_messages["invalid_choice"] = (
            "Choose one of the services listed: you prepare submissions for those only."
        )
        self.fields["month"].choices = _months()
        self.fields["month"].error_messages["invalid_choice"] = (
            "Choose one of the months listed: a submission is for one of the last twelve."
        )

    def first_day(self) -> datetime.date:
        return datetime.date.fromisoformat(f"{self.cleaned_data['month']}-01")


class NdtmsSubmissionRecordForm(CheckedInputForm, forms.Form):
    """The confirmation that the file was uploaded to NDTMS."""

    confirm = forms.BooleanField(
        label="I have uploaded this file to NDTMS",
        error_messages={"required": "Tick this once the file is uploaded to NDTMS."},
    )
