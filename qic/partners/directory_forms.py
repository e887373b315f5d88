"""Forms of the employer directory pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from qic.core.forms import GovukForm, GovukModelForm
from qic.domain.employers import SECTORS, SIZE_LABELS
from qic.domain.postcodes import normal_postcode
from qic.partners.employer_imports import MAX_BYTES
from qic.partners.models import Employer, EmployerContact


class EmployerForm(GovukModelForm):
    website = forms.URLField(
        required=False, assume_scheme="https", max_length=200, help_text="For example, www.example.com"
    )

    class Meta:
        model = Employer
        fields = [
            "name",
            "sector",
            "size_band",
            "self_employed",
            "town",
            "postcode",
            "website",
            "notes",
            "shared_with_trust",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "self_employed": "A sole trader or freelancer who works for themselves",
            "shared_with_trust": "The other schools and colleges of your multi-academy trust can see it, but not "
            "change it, nor see its contacts' email addresses and telephone numbers",
        }

    def __init__(self, *args: Any, in_trust: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Enter the employer's name"
        sizes = [(band.value, label) for band, label in SIZE_LABELS.items()]
        for name, choices in (("sector", list(SECTORS.items())), ("size_band", sizes)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "Not known"), *choices]
        if not in_trust:
            # A school in no trust has nobody to share with.
            del self.fields["shared_with_trust"]

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_postcode(self) -> str:
        text = self.cleaned_data["postcode"].strip()
        if not text:
            return ""
        postcode = normal_postcode(text)
        if postcode is None:
            raise forms.ValidationError("Enter a real postcode, like PR9 9QX, or leave it blank")
        return postcode


class ContactForm(GovukModelForm):
    class Meta:
        model = EmployerContact
        fields = ["name", "job_title", "email", "phone"]
        labels = {"phone": "Telephone"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Enter the contact's name"
        self.fields["email"].error_messages["invalid"] = (
            "Enter an email address in the right form, like name@example.com"
        )

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data["phone"]).strip()
        if phone and not all(ch.isdigit() or ch in " +()-" for ch in phone):
            raise forms.ValidationError("Enter a telephone number, like 01632 960 001")
        return phone


class ActivityEmployersForm(GovukForm):
    employers = forms.ModelMultipleChoiceField(
        queryset=Employer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Employers that took part",
        help_text="Select all that apply",
    )
    new_name = forms.CharField(
        label="Or add an employer that is not in the directory yet",
        help_text="Its name; you can add its size, sector and contacts from the directory later",
        required=False,
        max_length=200,
    )

    def __init__(self, *args: Any, choices: QuerySet[Employer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["employers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = choices
        field.label_from_instance = _choice_label  # type: ignore[method-assign,assignment]

    def clean_new_name(self) -> str:
        return " ".join(self.cleaned_data["new_name"].split())


def _choice_label(employer: Employer) -> str:
    parts = [employer.name]
    if employer.town:
        parts.append(employer.town)
    return ", ".join(parts)


class EmployerImportForm(GovukForm):
    file = forms.FileField(
        label="Employers (CSV)",
        help_text=f"Up to {MAX_BYTES // (1024 * 1024)} MB and 5,000 employers",
        error_messages={"empty": "The selected file is empty", "required": "Select a file to import"},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB")
        return upload
