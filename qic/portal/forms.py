"""Forms a learner fills in (their one-time code and password, entries about themselves, their
passport) and the staff's hide form. Every field is checked and every problem reported in the
GOV.UK error summary, in plain words for ages 11 to 18."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone

from qic.core.forms import GovukDateField, GovukForm, GovukModelForm
from qic.domain.learner_entries import (
    DESCRIPTION_MAX,
    ENTRY_KIND_LABELS,
    HIDE_REASON_MAX,
    LEARNING_AREA_LABELS,
    STATEMENT_MAX,
    TITLE_MAX,
    date_problems,
)
from qic.organisations.models import User
from qic.portal.models import LearnerEntry


class LearnerEntryForm(GovukModelForm):
    kind = forms.ChoiceField(
        label="What kind of thing is it?",
        choices=[(k.value, label) for k, label in ENTRY_KIND_LABELS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of thing it is", "invalid_choice": "Choose one of the kinds"},
    )
    title = forms.CharField(
        label="Give it a short title",
        help_text="For example, Saturday job at the bakery",
        max_length=TITLE_MAX,
        error_messages={
            "required": "Write a short title",
            "max_length": f"The title must be {TITLE_MAX} characters or fewer",
        },
    )
    description = forms.CharField(
        label="What did you do?",
        help_text=f"What you did and what you learnt. Up to {DESCRIPTION_MAX} characters.",
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": f"What you did must be {DESCRIPTION_MAX} characters or fewer"},
    )
    started_on = GovukDateField(
        label="When did it start?",
        required=False,
        example="27 3 2025",
        error_messages={
            "incomplete": "The start date must include a %(missing)s",
            "invalid": "The start date must be a real date",
        },
    )
    ended_on = GovukDateField(
        label="When did it end?",
        required=False,
        error_messages={
            "incomplete": "The end date must include a %(missing)s",
            "invalid": "The end date must be a real date",
        },
        help_text="Leave this empty if you still do it",
        example="27 6 2026",
    )
    learning_areas = forms.MultipleChoiceField(
        label="What did it help you with?",
        help_text="These are the six areas of the CDI career development framework. Tick any that fit.",
        choices=[(a.value, label) for a, label in LEARNING_AREA_LABELS.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the areas listed"},
    )

    class Meta:
        model = LearnerEntry
        fields = ["kind", "title", "description", "started_on", "ended_on", "learning_areas"]

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("Write a short title")
        return title

    def clean_description(self) -> str:
        return str(self.cleaned_data.get("description") or "").strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = date_problems(
            started_on=data.get("started_on"), ended_on=data.get("ended_on"), today=timezone.localdate()
        )
        for field, problem in problems.items():
            if field not in self.errors:
                self.add_error(field, problem)
        return data


class PassportForm(GovukForm):
    """What goes in the passport: each part is a tick box; entries and interviews by id."""

    include_details = forms.BooleanField(label="My name and school", required=False, widget=forms.CheckboxInput)
    entries = forms.MultipleChoiceField(
        label="My experiences and achievements", required=False, widget=forms.CheckboxSelectMultiple
    )
    include_actions = forms.BooleanField(label="The next steps I agreed in my guidance interviews", required=False)
    include_activities = forms.BooleanField(label="Careers activities I took part in", required=False)
    statement = forms.CharField(
        label="About me",
        help_text=f"A few sentences about you and what you want to do next. Up to {STATEMENT_MAX} characters.",
        max_length=STATEMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"About me must be {STATEMENT_MAX} characters or fewer"},
    )

    def __init__(self, *args: Any, entries: list[LearnerEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not entries:
            del self.fields["entries"]  # no empty group of tick boxes to read out
            return
        field = self.fields["entries"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(e.pk), f"{e.title} ({e.kind_label})") for e in entries]
        field.error_messages["invalid_choice"] = "Choose from your experiences listed"

    def clean_statement(self) -> str:
        return str(self.cleaned_data.get("statement") or "").strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(
            (
                data.get("include_details"),
                data.get("entries"),
                data.get("include_actions"),
                data.get("include_activities"),
                data.get("statement"),
            )
        ):
            raise forms.ValidationError("Choose at least one thing to put in your passport")
        return data


class HideEntryForm(GovukForm):
    reason = forms.CharField(
        label="Why are you hiding this entry?",
        help_text="The learner does not see this reason. It is kept in the audit trail.",
        max_length=HIDE_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why you are hiding this entry",
            "max_length": f"The reason must be {HIDE_REASON_MAX} characters or fewer",
        },
    )


CHOOSING_RULES = "Use at least 12 characters. Do not use a common password, only numbers, or your name."


class StartCodeForm(GovukForm):
    code = forms.CharField(
        label="Your code",
        max_length=40,
        help_text="It is on the slip or in the email from your school, like K7QM-3XHP-9WDA.",
        error_messages={"required": "Type the code your school gave you"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class ChoosePasswordForm(GovukForm):
    code = forms.CharField(widget=forms.HiddenInput, max_length=40)
    password = forms.CharField(
        label="Choose a password",
        help_text=CHOOSING_RULES,
        strip=False,
        error_messages={"required": "Choose a password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Type your password again",
        strip=False,
        error_messages={"required": "Type your password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", "The two passwords are not the same")
        elif password:
            try:
                password_validation.validate_password(password, self.user)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data
