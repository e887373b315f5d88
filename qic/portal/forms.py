"""Forms a learner fills in: their one-time code, then a password. Plain words for ages 11 to 18."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from qic.core.forms import GovukForm
from qic.organisations.models import User

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
