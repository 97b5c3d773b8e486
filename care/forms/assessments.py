"""The overdose risk assessment and safety plan, in one form: each factor answered yes,
no or not known, the practitioner's judgement, the plan. Checks are at the field, in a
keyworker's words; the model's `clean()` holds the rules."""

from typing import Any

from django import forms

from care.models import AlongsideOpioids, Answer, PlanStep, RiskAssessment
from cases.forms import RecordForm
from cases.models import ServiceUser

ANSWER_NEEDED = "Choose Yes, No or Not known."
# The form's parts, as the page shows them: (heading, the fields in it).
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("The assessment", RiskAssessment.ASSESSED_FIELDS),
    ("The safety plan", RiskAssessment.PLAN_FIELDS),
)
# A new assessment starts from the last one's answers and plan, to be checked one by one;
# never from its dates.
NOT_CARRIED_FORWARD = frozenset({"assessed_on", "review_on", "plan_review_on"})


class RiskAssessmentForm(RecordForm):
    alongside_opioids = forms.MultipleChoiceField(
        label="What they use with opioids",
        choices=AlongsideOpioids.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each that applies.",
    )
    plan_steps = forms.MultipleChoiceField(
        label="What they will do",
        choices=PlanStep.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each they agreed to.",
    )

    class Meta:
        model = RiskAssessment
        fields = list(RiskAssessment.RECORDED_FIELDS)
        widgets = {
            "own_view": forms.Textarea(attrs={"rows": 3}),
            "plan_in_their_words": forms.Textarea(attrs={"rows": 3}),
            "judgement": forms.RadioSelect,
            **{
                name: forms.RadioSelect(attrs={"class": "answer"})
                for name, _ in RiskAssessment.FACTORS
            },
            "naloxone_held": forms.RadioSelect,
            "naloxone_around": forms.RadioSelect,
        }

    def __init__(self, *args, service_user: ServiceUser, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.service_user = service_user
        answers = [name for name, _ in RiskAssessment.FACTORS]
        for name in [*answers, "naloxone_held", "naloxone_around"]:
            field = self.fields[name]
            field.choices = Answer.choices  # type: ignore[attr-defined]
            field.error_messages["required"] = ANSWER_NEEDED
        self.fields["judgement"].choices = RiskAssessment._meta.get_field("judgement").choices  # type: ignore[attr-defined]
        self.fields["judgement"].error_messages["required"] = (
            "Choose your overall judgement: low, medium, high or very high."
        )
        # Empty or blank words are refused by the model's rule (OWN_VIEW_EMPTY), said once.
        self.fields["own_view"].required = False
        for name, words in (("tolerance_reason", "Choose why"), ("housing", "Choose")):
            field = self.fields[name]
            field.choices = [("", words), *list(field.choices)[1:]]  # type: ignore[attr-defined]

    @property
    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(heading, [self[name] for name in names]) for heading, names in SECTIONS]


def carried_forward(last: RiskAssessment | None) -> dict[str, Any]:
    """The form's starting values from the person's last assessment: its answers and plan,
    not its dates."""
    if last is None:
        return {}
    return {
        name: getattr(last, name)
        for name in RiskAssessment.RECORDED_FIELDS
        if name not in NOT_CARRIED_FORWARD
    }
