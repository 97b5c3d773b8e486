"""Forms for a person's consent to share with partners and a basis for sharing without it."""

from django import forms

from cases.forms import CheckedInputForm, RecordForm, uk_date_field
from partners.models import Consent, SharingBasis
from partners.selectors import active_organisations


class ConsentForm(RecordForm):
    class Meta:
        model = Consent
        fields = ["organisation", "given_on", "how", "scope"]
        widgets = {"scope": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = active_organisations()
        self.fields["organisation"].label = "Share with"


class ConsentWithdrawForm(CheckedInputForm, forms.Form):
    withdrawn_on = uk_date_field(
        forms.DateField(
            label="Withdrawn on",
            error_messages={"required": "Enter the date the consent was withdrawn."},
        )
    )


class SharingBasisForm(RecordForm):
    class Meta:
        model = SharingBasis
        fields = ["organisation", "basis", "reason", "decided_by", "decided_on", "ends_on"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = active_organisations()
        self.fields["organisation"].label = "Share with"
