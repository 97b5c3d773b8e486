"""The care and recovery plan's forms: a new plan, a goal (added or changed), a review, and
a contact recorded against goals. Each checks at the field, in a keyworker's words; the
models' `clean()` holds the rules."""

from django import forms

from care.models import CarePlan, GoalState, PlanGoal, PlanReview
from cases.forms import RecordForm
from cases.models import Contact, ServiceUser

CARRY_ON = "carry_on"
REVIEW_CHOICES = [
    (CARRY_ON, "Carry on"),
    (GoalState.ACHIEVED, "Achieved"),
    (GoalState.NOT_RELEVANT, "No longer relevant"),
]


class CarePlanForm(RecordForm):
    class Meta:
        model = CarePlan
        fields = list(CarePlan.RECORDED_FIELDS)

    def __init__(self, *args, service_user: ServiceUser, current: CarePlan | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.service_user = service_user
        self.fields[
            "review_every_weeks"
        ].help_text = "The next review is due this many weeks after the plan is agreed, and after each review."
        self.fields["agreed_how"].error_messages["required"] = (
            "Choose how the plan was agreed: in person, by phone, by video or in writing."
        )
        self.fields["review_every_weeks"].error_messages["required"] = (
            "Enter how many weeks between reviews (12 unless the plan says otherwise)."
        )
        if current is not None:
            self.fields["carry_open_goals"] = forms.BooleanField(
                required=False,
                initial=True,
                label="Carry the current plan's open goals over to the new plan",
                help_text=f"The plan agreed {current.agreed_on:%d/%m/%Y} is kept as it is.",
            )


class PlanGoalForm(RecordForm):
    """A goal: added with what, by when, who helps and its domain; changed with its state
    too (achieved or no longer relevant, with the date)."""

    class Meta:
        model = PlanGoal
        fields = list(PlanGoal.RECORDED_FIELDS)
        widgets = {"what": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, plan: CarePlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["what"].error_messages["required"] = "Say what the goal is."
        self.fields["who_helps"].error_messages["required"] = (
            "Say who helps: the keyworker, another service, family or friends."
        )
        self.fields["by_when"].error_messages["required"] = "Enter the date the goal is for."
        if self.instance.pk is None:
            # A new goal is open: its state is set when it is achieved or dropped.
            del self.fields["state"]
            del self.fields["state_on"]


class PlanReviewForm(RecordForm):
    """A review: when, who took part, a summary, and for each open goal whether it carries
    on or closes (achieved, or no longer relevant) at this review."""

    class Meta:
        model = PlanReview
        fields = ["reviewed_on", "who", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, plan: CarePlan, open_goals: list[PlanGoal], **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["who"].error_messages["required"] = "Say who took part in the review."
        # Empty or blank summaries are refused by the model's rule, said once.
        self.fields["summary"].required = False
        self.goals = {f"goal_{goal.external_id}": goal for goal in open_goals}
        for name, goal in self.goals.items():
            self.fields[name] = forms.ChoiceField(
                choices=REVIEW_CHOICES,
                initial=CARRY_ON,
                label=f"{goal.get_domain_display()}: {goal.what}",
                error_messages={
                    "required": "Say whether the goal carries on or closes.",
                    "invalid_choice": "Choose carry on, achieved or no longer relevant.",
                },
            )

    def closing(self) -> dict[PlanGoal, str]:
        """The goals this review closes, with how."""
        return {
            goal: self.cleaned_data[name]
            for name, goal in self.goals.items()
            if self.cleaned_data.get(name, CARRY_ON) != CARRY_ON
        }


class GoalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: PlanGoal) -> str:  # type: ignore[override]
        return f"{obj.get_domain_display()}: {obj.what}"


class GoalContactForm(RecordForm):
    """A contact, and the goal or goals of the current plan it worked on."""

    class Meta:
        model = Contact
        fields = list(Contact.RECORDED_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, service_user: ServiceUser, plan: CarePlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.service_user = service_user
        self.fields["goals"] = GoalChoiceField(
            queryset=plan.goals.filter(state=GoalState.OPEN).order_by("domain", "by_when", "id"),
            to_field_name="external_id",
            widget=forms.CheckboxSelectMultiple,
            label="Goals it worked on",
            error_messages={
                "required": "Choose the goal or goals the contact worked on.",
                "invalid_choice": "Choose open goals of the person's current plan.",
                "invalid_pk_value": "Choose open goals of the person's current plan.",
            },
        )
