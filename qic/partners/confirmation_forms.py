"""Forms for employer confirmation: staff asking an employer, and the employer's answers."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from qic.core.forms import GovukForm
from qic.domain import employer_confirmation as rules
from qic.partners.models import EmployerContact


class AskEmployerForm(GovukForm):
    contact = forms.ModelChoiceField(
        label="Contact from your employer directory",
        queryset=EmployerContact.objects.none(),
        required=False,
        empty_label="None: I will type a name and email address",
        help_text="Contacts at employers linked to this activity come first.",
    )
    name = forms.CharField(
        label="Or the person's name",
        max_length=200,
        required=False,
        help_text="Leave blank if you chose a contact above.",
    )
    email = forms.EmailField(
        label="Their email address",
        required=False,
        help_text="Leave blank if you chose a contact above. Not needed for a link you copy.",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    how = forms.ChoiceField(
        label="How should the link reach them?",
        choices=[("email", "Send it by email"), ("copy", "Make a link for me to copy and send myself")],
        initial="email",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the link should reach them"},
    )

    def __init__(self, *args: Any, contacts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[EmployerContact]", self.fields["contact"])
        field.queryset = contacts
        field.label_from_instance = lambda obj: f"{obj.name}, {obj.employer.name} ({obj.email})"  # type: ignore[method-assign]
        if not contacts.exists():
            del self.fields["contact"]
            self.fields["name"].label = "The person's name"
            self.fields["name"].help_text = ""
            self.fields["email"].label = "Their email address"
            self.fields["email"].help_text = "Not needed for a link you copy."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        contact = data.get("contact")
        if contact is None and not (data.get("name") or "").strip():
            self.add_error("name", "Choose a contact or enter the person's name")
        if data.get("how") == "email" and contact is None and "email" not in self.errors and not data.get("email"):
            self.add_error("email", "Enter their email address, or choose to copy the link")
        return data

    @property
    def recipient(self) -> tuple[str, str]:
        """(name, email) of whom the link is for."""
        contact = self.cleaned_data.get("contact")
        name = (self.cleaned_data.get("name") or "").strip()
        email = (self.cleaned_data.get("email") or "").strip()
        if contact is not None:
            return name or contact.name, email or contact.email
        return name, email


class ConditionalAnswer(forms.CharField):
    """A text box needed or not depending on another answer (the rule is in
    qic.domain.employer_confirmation): shown without "(optional)", checked in the form's clean."""

    def validate(self, value: Any) -> None:
        return None


class EmployerConfirmForm(GovukForm):
    use_required_attribute = False

    took_place = forms.ChoiceField(
        label="Did the activity take place?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the activity took place"},
    )
    not_held_reason = ConditionalAnswer(
        label="If it did not take place, why not?",
        max_length=rules.MAX_ANSWER,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only if you answered no.",
    )
    purpose = ConditionalAnswer(
        label="What was it for, and what should learners have gained?",
        max_length=rules.MAX_ANSWER,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In your own words: the purpose you shared with the learners and what they should have learnt.",
    )
    task = forms.CharField(
        label="The task you set the learners",
        max_length=rules.MAX_ANSWER,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Leave blank if you did not set one.",
    )
    feedback = forms.CharField(
        label="Your feedback to the group",
        max_length=rules.MAX_ANSWER,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What they did well and what to build on. The school will share it with them.",
    )
    name = forms.CharField(
        label="Your name",
        max_length=200,
        error_messages={"required": "Enter your name"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "took_place" not in data:
            return data
        for field, message in rules.problems(self.answers_from(data)).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data

    @staticmethod
    def answers_from(data: dict[str, Any]) -> rules.Answers:
        took_place = data.get("took_place") == "yes"
        text = {name: (data.get(name) or "").strip() for name in ("not_held_reason", "purpose", "task", "feedback")}
        if not took_place:
            # What it was for is not asked of an activity that did not happen.
            return rules.Answers(took_place=False, not_held_reason=text["not_held_reason"])
        return rules.Answers(took_place=True, **{k: v for k, v in text.items() if k != "not_held_reason"})

    @property
    def answers(self) -> rules.Answers:
        return self.answers_from(self.cleaned_data)
