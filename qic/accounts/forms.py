"""Sign-in and security forms, rendered through the GOV.UK form templates."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm

from qic.core.forms import GovukForm, GovukFormMixin
from qic.organisations.models import sign_in_address


class SignInForm(AuthenticationForm):
    """Django's log-in form; a learner may type their sign-in name instead of an email address."""

    def clean_username(self) -> str:
        return sign_in_address(str(self.cleaned_data.get("username") or ""))


class SecondFactorForm(GovukForm):
    code = forms.CharField(
        label="Code",
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        max_length=20,
        error_messages={"required": "Enter the code from your authenticator app, or a recovery code"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none", "width": "10"}
        ),
    )


class ConfirmDeviceForm(GovukForm):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="6 digits, for example 123456.",
        max_length=10,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false", "width": "10"}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the 6-digit code from your authenticator app, for example 123456")
        return code


class GovukPasswordChangeForm(GovukFormMixin, PasswordChangeForm):
    pass


class GovukPasswordResetForm(GovukFormMixin, PasswordResetForm):
    pass


class GovukSetPasswordForm(GovukFormMixin, SetPasswordForm):  # type: ignore[type-arg]
    pass
