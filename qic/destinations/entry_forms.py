"""Forms of the destinations pages: one destination, and the file to import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from qic.core import stale
from qic.core.forms import GovukDateField, GovukForm
from qic.core.stale import SeenField
from qic.destinations import entry_actions
from qic.destinations.imports import MAX_BYTES, MAX_ROWS
from qic.destinations.models import Destination
from qic.domain import destinations as rules
from qic.learners.models import Learner

# The values are the stored ones as text, so a refused stale edit (qic.core.stale) can put the
# other person's answer back in the form.
SUSTAINED_CHOICES = [("True", "Yes"), ("False", "No"), ("", "Not known yet")]
SUSTAINED_VALUE = {"True": True, "False": False, "": None}


class DestinationForm(GovukForm):
    seen = SeenField()  # changing: refuses a save over someone else's change
    kind = forms.ChoiceField(
        label="Intended or actual",
        choices=[
            (rules.Kind.INTENDED.value, "Intended: what the learner plans to do after leaving"),
            (rules.Kind.ACTUAL.value, "Actual: where the learner went after leaving"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether this destination is intended or actual",
            "invalid_choice": "Select whether this destination is intended or actual",
        },
    )
    category = forms.ChoiceField(
        label="Destination",
        choices=[(category.value, label) for category, label in rules.CATEGORY_LABELS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the destination", "invalid_choice": "Select the destination"},
    )
    recorded_on = GovukDateField(
        label="Date recorded",
        help_text="For an actual destination, the date the learner was known to be there",
        error_messages={"required": "Enter the date recorded"},
        example="15 9 2025",
    )
    sustained = forms.ChoiceField(
        label="Sustained",
        choices=SUSTAINED_CHOICES,
        widget=forms.RadioSelect,
        required=False,  # "Not known yet" is the blank answer
        error_messages={"invalid_choice": "Select whether the destination was sustained, or “Not known yet”"},
        help_text="For an actual destination: did the learner stay six months, October to March, as the DfE "
        "counts it? For an intended destination, leave it as “Not known yet”",
    )
    detail = forms.CharField(
        label="Where",
        required=False,
        max_length=200,
        help_text="The college, university, employer or course",
    )

    def __init__(
        self,
        *args: Any,
        learner: Learner,
        today: dt.date,
        instance: Destination | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": instance.kind,
                "category": instance.category,
                "recorded_on": instance.recorded_on,
                "sustained": "" if instance.sustained is None else str(instance.sustained),
                "detail": instance.detail,
                "seen": stale.seen_value(instance, entry_actions.EDITABLE),
            }
        super().__init__(*args, **kwargs)
        self.learner = learner
        self.today = today
        self.instance = instance

    def clean_detail(self) -> str:
        return " ".join(self.cleaned_data["detail"].split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        kind, category = rules.Kind(data["kind"]), rules.Category(data["category"])
        sustained = SUSTAINED_VALUE[data["sustained"]]
        data["kind"], data["category"], data["sustained"] = kind, category, sustained
        try:
            entry_actions.check(
                learner=self.learner,
                kind=kind,
                category=category,
                recorded_on=data["recorded_on"],
                sustained=sustained,
                today=self.today,
            )
        except entry_actions.DestinationNotAllowed as exc:
            raise forms.ValidationError(str(exc)) from None
        except rules.DestinationRefused as exc:
            if kind is rules.Kind.INTENDED and category is rules.Category.UNKNOWN:
                self.add_error("category", str(exc))
            elif isinstance(exc, rules.SustainedTooSoon) or (kind is rules.Kind.INTENDED and sustained is not None):
                self.add_error("sustained", str(exc))
            else:
                self.add_error("recorded_on", str(exc))
            return data
        twins = Destination.objects.filter(
            learner=self.learner, kind=kind.value, category=category.value, recorded_on=data["recorded_on"]
        )
        if self.instance is not None:
            twins = twins.exclude(pk=self.instance.pk)
        if twins.exists():
            self.add_error(
                "recorded_on",
                f"This {rules.KIND_LABELS[kind].lower()} destination is already recorded for that date: "
                "change it instead of adding it again",
            )
        return data


class ImportForm(GovukForm):
    file = forms.FileField(
        label="Destinations (CSV)",
        help_text=f"Up to {MAX_BYTES // (1024 * 1024)} MB and {MAX_ROWS:,} rows",
        error_messages={"empty": "The selected file is empty", "required": "Select a file to import"},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB")
        return upload
