from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from qic.core.forms import GovukDateField, GovukForm, GovukModelForm
from qic.core.stale import SeenField
from qic.domain import dates
from qic.domain.provider_types import ProviderType
from qic.national.models import PrimaryAward, PrimaryTask


class RegisterSearchForm(GovukForm):
    q = forms.CharField(label="Name or URN", required=False, max_length=200)
    la = forms.ChoiceField(label="Local authority", required=False)
    region = forms.ChoiceField(label="Region", required=False)
    provider_type = forms.ChoiceField(
        label="Type of provider",
        required=False,
        choices=[("", "Any type")] + [(t.value, t.label) for t in ProviderType if t is not ProviderType.PRIMARY],
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "Either outcome"), ("2b", "Fully meeting"), ("2a", "Making good progress")],
    )

    def __init__(self, *args: Any, las: list[str], regions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["la"]).choices = [("", "Any local authority")] + [(x, x) for x in las]
        cast(forms.ChoiceField, self.fields["region"]).choices = [("", "Any region")] + [(x, x) for x in regions]


class PrimaryAwardForm(GovukModelForm):
    website = forms.URLField(required=False, assume_scheme="https", help_text="Where schools can read about the award.")
    seen = SeenField()

    class Meta:
        model = PrimaryAward
        fields = ["name", "description", "website"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class EndorsementAnswerForm(GovukForm):
    answer = forms.CharField(
        label="How your award meets this criterion",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
    )
    evidence_url = forms.URLField(label="Link to evidence", required=False, assume_scheme="https", max_length=500)


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("endorse", "Endorse the award"), ("return", "Return it with reasons")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to endorse or return the award"},
    )
    reasons = forms.CharField(
        label="Reasons",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        help_text="Required when returning: what the body must change before it applies again.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not (data.get("reasons") or "").strip():
            self.add_error("reasons", "Give the reasons for returning the application")
        return data


class TaskForm(GovukForm):
    code = forms.CharField(max_length=10, help_text="A short reference, for example EY1 or KS2.3.")
    stage = forms.ChoiceField(choices=PrimaryTask.STAGES, widget=forms.RadioSelect)
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class StartWorkbookForm(GovukForm):
    award = forms.ModelChoiceField(
        queryset=PrimaryAward.objects.none(),
        label="Award",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the award you are working towards"},
    )

    def __init__(self, *args: Any, awards: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["award"]).queryset = awards  # type: ignore[type-arg]


class MappingForm(GovukForm):
    task = forms.ModelChoiceField(queryset=PrimaryTask.objects.none(), label="Task", empty_label="Choose a task")
    activity = forms.CharField(
        label="Activity already happening", max_length=300, help_text="For example: Year 2 visit to the fire station."
    )
    evidence_url = forms.URLField(label="Link to evidence", required=False, assume_scheme="https", max_length=500)

    def __init__(self, *args: Any, tasks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["task"]).queryset = tasks  # type: ignore[type-arg]


class ActionForm(GovukForm):
    task = forms.ModelChoiceField(
        queryset=PrimaryTask.objects.none(), label="For the task", required=False, empty_label="Not one task"
    )
    action = forms.CharField(max_length=300)
    owner = forms.CharField(max_length=120, help_text="Who will do it.")
    due_on = GovukDateField(
        label="Due by",
        error_messages={
            "invalid": "The due date must be a real date",
            "incomplete": "The due date must include a %(missing)s",
        },
    )

    def __init__(self, *args: Any, tasks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["task"]).queryset = tasks  # type: ignore[type-arg]

    def clean_due_on(self) -> Any:
        day = self.cleaned_data["due_on"]
        # An action plan runs over the school's next two years at most.
        problem = dates.in_the_future(day, today=timezone.localdate(), field="The due date", horizon_days=2 * 366)
        if problem:
            raise forms.ValidationError(problem)
        return day


class FiguresFilterForm(GovukForm):
    """What the Consortium looks at on the national figures (a GET form: works without JavaScript)."""

    year = forms.TypedChoiceField(label="Academic year", coerce=int)
    region = forms.ChoiceField(label="Region", required=False)
    provider_type = forms.ChoiceField(
        label="Type of provider",
        required=False,
        choices=[("", "Any type")] + [(t.value, t.label) for t in ProviderType if t is not ProviderType.PRIMARY],
    )
    body = forms.TypedChoiceField(label="Awarding Body", required=False, coerce=int, empty_value=None)

    def __init__(
        self, *args: Any, years: list[tuple[int, str]], regions: list[str], bodies: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["year"]).choices = years
        cast(forms.ChoiceField, self.fields["region"]).choices = [("", "Any region")] + [(r, r) for r in regions]
        cast(forms.ChoiceField, self.fields["body"]).choices = [("", "Any Awarding Body")] + [
            (str(pk), name) for pk, name in bodies
        ]
        self.fields["body"].help_text = "The body that issued the provider's latest outcome."


class DrillDownForm(FiguresFilterForm):
    """A national figure split into the rows behind it."""

    by = forms.ChoiceField(
        label="Split by",
        choices=[
            ("region", "Region"),
            ("provider_type", "Type of provider"),
            ("body", "Awarding Body"),
            ("holder", "Holding the award"),
        ],
    )
    benchmark = forms.TypedChoiceField(
        label="Benchmark",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "None")] + [(str(n), f"Benchmark {n}") for n in range(1, 9)],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        by = data.get("by")
        if by and by != "holder" and data.get(by) not in (None, ""):
            self.add_error("by", "Choose a way to split the figure that is not already one of its filters")
        return data
