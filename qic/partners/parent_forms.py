"""Forms of the parents' staff pages."""

from __future__ import annotations

from typing import Any

from django import forms

from qic.core.forms import GovukForm, GovukModelForm
from qic.partners.models import ParentContact, ParentPageSetting


class ParentContactForm(GovukModelForm):
    class Meta:
        model = ParentContact
        fields = ["name", "relationship", "email", "phone"]
        widgets = {"relationship": forms.RadioSelect}
        labels = {"name": "Full name"}
        help_texts = {
            "email": "The careers link is sent here. Leave it blank if you will give them the link yourself.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Enter the parent or carer's name"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like name@example.com"
        )

    def clean_name(self) -> str:
        name = " ".join(str(self.cleaned_data["name"]).split())
        if not name:
            raise forms.ValidationError("Enter the parent or carer's name")
        return name

    def clean_phone(self) -> str:
        phone = " ".join(str(self.cleaned_data["phone"]).split())
        if phone and not all(ch.isdigit() or ch in " +()-" for ch in phone):
            raise forms.ValidationError("Enter a phone number using numbers, spaces and + ( ) - only")
        if phone and sum(ch.isdigit() for ch in phone) < 6:
            raise forms.ValidationError("Enter a phone number with at least 6 digits")
        return phone


class SendLinkForm(GovukForm):
    how = forms.ChoiceField(
        label="How should the link reach them?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the link should reach them"},
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("copy", "Make a link for me to copy and give them myself")]
        if email:
            choices.insert(0, ("email", f"Send it by email to {email}"))
        how = self.fields["how"]
        assert isinstance(how, forms.ChoiceField)
        how.choices = choices


class GroupForm(GovukForm):
    """Which learners' parents and carers to send the link to (GET: the choice is a link)."""

    year_group = forms.TypedChoiceField(label="Year group", coerce=int, empty_value=None, required=False)
    form_group = forms.ChoiceField(label="Form group", required=False)

    def __init__(self, *args: Any, year_groups: list[int], form_groups: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        year_field, form_field = self.fields["year_group"], self.fields["form_group"]
        assert isinstance(year_field, forms.ChoiceField)
        assert isinstance(form_field, forms.ChoiceField)
        year_field.choices = [("", "Any year group")] + [(y, f"Year {y}") for y in year_groups]
        form_field.choices = [("", "Any form group")] + [(f, f) for f in form_groups]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("year_group") is None and not data.get("form_group"):
            raise forms.ValidationError("Choose a year group or a form group")
        return data


class ParentPageSettingForm(GovukModelForm):
    programme_url = forms.URLField(
        label="Address of the careers programme on your website", required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = ParentPageSetting
        fields = ["programme_summary", "programme_url", "booking_text", "booking_email", "booking_phone"]
        widgets = {
            "programme_summary": forms.Textarea(attrs={"rows": 5}),
            "booking_text": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme_url"].error_messages["invalid"] = (
            "Enter the address of the page on your website, starting https://"
        )
        self.fields["booking_email"].error_messages["invalid"] = (
            "Enter an email address in the correct format, like careers@school.example"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("booking_text") or data.get("booking_email") or data.get("booking_phone")):
            self.add_error(
                "booking_text",
                "Say how parents and carers book a careers guidance meeting, or give an email or phone number",
            )
        return data


class ParentAttendanceForm(GovukForm):
    attended = forms.TypedMultipleChoiceField(
        label="Whose parents or carers came?", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attended = self.fields["attended"]
        assert isinstance(attended, forms.ChoiceField)
        attended.choices = choices
