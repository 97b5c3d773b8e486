"""The case-file audit's forms: drawing a round, and one person's checklist of judgements.
Each checks at the field, in words an auditor understands."""

from collections.abc import Sequence

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import QuerySet

from care.models import (
    COMMENT_MAX,
    DEFAULT_SAMPLE_SIZE,
    DISAGREE_WITHOUT_COMMENT,
    JUDGEMENT_NEEDED,
    MAX_SAMPLE_SIZE,
    AuditCheck,
    Judgement,
)
from cases.forms import CheckedInputForm, ClientChecks
from cases.models import Team
from cases.validators import validate_no_control_characters


class AuditDrawForm(ClientChecks, CheckedInputForm, forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        empty_label="Choose the team",
        error_messages={
            "required": "Choose the team to audit.",
            "invalid_choice": "Choose one of the teams listed.",
        },
    )
    sample_size = forms.IntegerField(
        label="How many people to audit",
        initial=DEFAULT_SAMPLE_SIZE,
        min_value=1,
        max_value=MAX_SAMPLE_SIZE,
        help_text=(
            "Drawn at random from the team's people in treatment; "
            f"{DEFAULT_SAMPLE_SIZE} unless you choose otherwise."
        ),
        error_messages={
            "required": "Enter how many people to audit.",
            "invalid": "Enter a whole number.",
            "min_value": "Audit at least one person.",
            "max_value": f"Audit at most {MAX_SAMPLE_SIZE} people in one round.",
        },
    )

    def __init__(self, *args, teams: QuerySet[Team], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


def judgement_field(check: AuditCheck) -> str:
    return f"{check.item}_judgement"


def comment_field(check: AuditCheck) -> str:
    return f"{check.item}_comment"


class AuditChecklistForm(ClientChecks, CheckedInputForm, forms.Form):
    """One field pair for each item of a person's checklist: agree or disagree with what
    the record says, and a short comment (needed to disagree)."""

    def __init__(self, *args, checks: Sequence[AuditCheck], **kwargs):
        super().__init__(*args, **kwargs)
        self.checks = list(checks)
        for check in self.checks:
            self.fields[judgement_field(check)] = forms.ChoiceField(
                label=check.get_item_display(),
                choices=Judgement.choices,
                widget=forms.RadioSelect,
                initial=check.judgement or None,
                error_messages={
                    "required": JUDGEMENT_NEEDED,
                    "invalid_choice": "Choose agree or disagree.",
                },
            )
            comment = forms.CharField(
                label="Comment",
                required=False,
                max_length=COMMENT_MAX,
                initial=check.comment,
                error_messages={"max_length": f"Keep the comment to {COMMENT_MAX} characters."},
            )
            # Added after CheckedInputForm's own pass over the fields: its rule for text.
            comment.validators = [
                v for v in comment.validators if not isinstance(v, ProhibitNullCharactersValidator)
            ] + [validate_no_control_characters]
            self.fields[comment_field(check)] = comment

    def clean(self) -> dict:
        data = super().clean() or {}
        for check in self.checks:
            judged = data.get(judgement_field(check))
            comment = (data.get(comment_field(check)) or "").strip()
            if judged == Judgement.DISAGREE and not comment:
                self.add_error(comment_field(check), DISAGREE_WITHOUT_COMMENT)
        return data

    def judgements(self) -> dict[str, tuple[str, str]]:
        """{item: (judgement, comment)} from the cleaned form, for the service."""
        return {
            check.item: (
                self.cleaned_data[judgement_field(check)],
                self.cleaned_data.get(comment_field(check)) or "",
            )
            for check in self.checks
        }

    def rows(self) -> list[tuple[AuditCheck, forms.BoundField, forms.BoundField]]:
        """Each item with its two fields, for the template."""
        return [(c, self[judgement_field(c)], self[comment_field(c)]) for c in self.checks]
