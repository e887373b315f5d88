"""Forms for self sign-in and reflections: staff open a window and hide a reflection; learners
type a code and write a reflection (plain words for ages 11 to 18)."""

from __future__ import annotations

from django import forms

from qic.core.forms import GovukForm
from qic.domain import sign_in as rules


class OpenWindowForm(GovukForm):
    minutes = forms.TypedChoiceField(
        label="How long learners can sign in for",
        coerce=int,
        choices=[(m, f"{m} minutes") for m in rules.WINDOW_MINUTES],
        initial=rules.DEFAULT_WINDOW_MINUTES,
        error_messages={"required": "Choose how long learners can sign in for"},
    )


class HideReflectionForm(GovukForm):
    reason = forms.CharField(
        label="Why are you hiding it?",
        help_text="Only staff who can see learners' records see this. The learner is told it is hidden.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are hiding this reflection"},
    )


class SignInCodeForm(GovukForm):
    code = forms.CharField(
        label="Code",
        help_text="It is on the screen in the room. It has 6 letters and numbers.",
        max_length=20,
        error_messages={
            "required": "Enter the code from the screen",
            "max_length": "The code has 6 letters and numbers",
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
    )
    how = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_code(self) -> str:
        code = rules.normalise_code(self.cleaned_data["code"])
        if len(code) != rules.CODE_LENGTH:
            raise forms.ValidationError("The code has 6 letters and numbers")
        return code


def _text(label: str, hint: str, missing: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=rules.REFLECTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": missing,
            "max_length": f"Write {rules.REFLECTION_MAX_CHARS} characters or fewer",
        },
    )


class ReflectionForm(GovukForm):
    learnt = _text("What did you learn?", "A few sentences are enough.", "Write what you learnt")
    next_step = _text(
        "What will you do next because of it?",
        "For example: look up a course, ask about work experience, talk to your careers adviser.",
        "Write what you will do next",
    )
    rating = forms.TypedChoiceField(
        label="How useful was it for you?",
        coerce=int,
        choices=[(n, f"{n} – {words}") for n, words in rules.RATINGS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how useful it was"},
    )


class ReflectionDefaultForm(GovukForm):
    needs_own_reflection = forms.BooleanField(
        label="New activities need a learner's own reflection to count for them",
        help_text="You can still change it for each activity. Activities already recorded keep their setting.",
        required=False,
    )
