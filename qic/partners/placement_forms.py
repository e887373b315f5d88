"""Forms of the placement pages: staff's and those the employer's and the parent's links open.

Dates are checked by qic.domain.dates and qic.domain.placements, hours by
qic.domain.work_experience, uploads by qic.core.uploads."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from qic.core.forms import GovukDateField, GovukForm
from qic.core.uploads import CheckedUpload, checked_form_upload
from qic.domain import dates, work_experience
from qic.domain import placements as rules
from qic.learners.models import Learner
from qic.partners.models import Employer, EmployerContact

HOURS_WIDGET = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false", "width": "5"})


class LearnerChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        group = f", {obj.registration_group}" if obj.registration_group else ""
        return f"{obj.list_name}{group}"


def _hours(value: Decimal | None) -> Decimal:
    if problem := work_experience.hours_problem(value):
        raise forms.ValidationError(problem)
    assert value is not None
    return work_experience.round_hours(value)


def _plausible_day(form: forms.Form, name: str, field: str) -> None:
    day = form.cleaned_data.get(name)
    if day is not None and (problem := dates.activity_date(day, today=timezone.localdate(), field=field)):
        form.add_error(name, problem)


class ProposeForm(GovukForm):
    """A new placement: the learner (among those a search found), the employer and its contact,
    the role, the first and last day and the hours."""

    q = forms.CharField(required=False, widget=forms.HiddenInput)
    learner = LearnerChoice(
        queryset=Learner.objects.none(),
        widget=forms.RadioSelect,
        label="Learner",
        error_messages={"required": "Search for the learner by name, then choose them"},
    )
    employer = forms.ModelChoiceField(
        queryset=Employer.objects.none(),
        label="Employer",
        empty_label="Choose the employer",
        error_messages={"required": "Choose the employer"},
    )
    contact = forms.ModelChoiceField(
        queryset=EmployerContact.objects.none(),
        required=False,
        label="Contact at the employer",
        empty_label="No contact yet",
        help_text="The person the details-and-checks link goes to",
    )
    role = forms.CharField(max_length=200, required=False, label="Role or department")
    start_date = GovukDateField(label="First day", error_messages={"required": "Enter the first day of the placement"})
    end_date = GovukDateField(label="Last day", error_messages={"required": "Enter the last day of the placement"})
    hours = forms.DecimalField(
        label="Hours at the workplace in all",
        help_text="For example 30 for a week of 6-hour days",
        widget=HOURS_WIDGET,
        error_messages={"required": "Enter how many hours the learner will spend at the workplace"},
    )

    def __init__(self, *args: Any, learners: QuerySet[Learner], employers: QuerySet[Employer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learner"].queryset = learners  # type: ignore[attr-defined]
        self.fields["employer"].queryset = employers  # type: ignore[attr-defined]
        self.fields["contact"].queryset = EmployerContact.objects.filter(  # type: ignore[attr-defined]
            employer__in=employers, removed_at=None
        ).select_related("employer")

    def clean_hours(self) -> Decimal:
        return _hours(self.cleaned_data.get("hours"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _plausible_day(self, "start_date", "The first day")
        _plausible_day(self, "end_date", "The last day")
        if (
            "start_date" in data
            and "end_date" in data
            and not self.has_error("end_date")
            and (problem := rules.dates_problem(data["start_date"], data["end_date"]))
        ):
            self.add_error("end_date", problem)
        contact, employer = data.get("contact"), data.get("employer")
        if contact is not None and employer is not None and contact.employer_id != employer.pk:
            self.add_error("contact", f"{contact.name} does not work for {employer.name}: choose one of its contacts")
        return data


class LinkForm(GovukForm):
    """Who a link goes to, and whether the service emails it or the school copies it."""

    recipient_name = forms.CharField(
        max_length=200, label="Their name", error_messages={"required": "Enter their name"}
    )
    recipient_email = forms.EmailField(
        required=False,
        label="Their email address",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    how = forms.ChoiceField(
        label="How should they get the link?",
        widget=forms.RadioSelect,
        choices=[("email", "Email it to them now"), ("copy", "Show me the link to copy and send myself")],
        initial="email",
        error_messages={"required": "Choose how they should get the link"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("how") == "email" and not data.get("recipient_email") and not self.has_error("recipient_email"):
            self.add_error("recipient_email", "Enter their email address, or choose to copy the link")
        return data


class EmployerDetailsForm(GovukForm):
    role = forms.CharField(max_length=200, label="Role or department", error_messages={"required": "Enter the role"})
    role_confirmed = forms.BooleanField(
        label="We confirm we can offer this role on these dates",
        error_messages={"required": "Confirm that you can offer the role on these dates"},
    )
    supervisor_name = forms.CharField(
        max_length=200, label="Supervisor's name", error_messages={"required": "Enter the supervisor's name"}
    )
    supervisor_phone = forms.CharField(
        max_length=40,
        label="Supervisor's phone number",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "width": "20"}),
        error_messages={"required": "Enter the supervisor's phone number"},
    )
    working_hours = forms.CharField(
        max_length=200,
        label="Working hours",
        help_text="For example 9am to 3pm, with an hour for lunch",
        error_messages={"required": "Enter the working hours"},
    )
    workplace_address = forms.CharField(
        label="Address of the workplace",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the address of the workplace"},
    )


class DocumentForm(GovukForm):
    kind = forms.ChoiceField(
        label="Which document is it?",
        widget=forms.RadioSelect,
        choices=list(rules.DOCUMENT_KINDS.items()),
        error_messages={"required": "Choose which document it is"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A PDF, Word or Excel document, or a photo (PNG or JPEG), up to 10 MB",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )
    insurance_expires = GovukDateField(
        required=False,
        label="Insurance certificates: the date it expires",
        help_text="Needed for the insurance certificate only",
    )

    def clean_file(self) -> CheckedUpload:
        return checked_form_upload(self.cleaned_data["file"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        expires = data.get("insurance_expires")
        if data.get("kind") == "insurance" and expires is None and not self.has_error("insurance_expires"):
            self.add_error("insurance_expires", "Enter the date the insurance certificate expires")
        elif expires is not None and (problem := rules.insurance_expiry_problem(expires, today=timezone.localdate())):
            self.add_error("insurance_expires", problem)
        return data


class FeedbackForm(GovukForm):
    feedback_how = forms.CharField(
        label="How did the learner do?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say how the learner did"},
    )
    feedback_task = forms.CharField(
        label="What task did you set them?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what task you set the learner"},
    )
    feedback_strengths = forms.CharField(
        label="Their strengths", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    feedback_build_on = forms.CharField(
        label="What they could build on", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SchoolChecksForm(GovukForm):
    kinds = forms.MultipleChoiceField(
        label="Which checks has the school done its own way?",
        widget=forms.CheckboxSelectMultiple,
        choices=[(kind, f"{label}: checked by the school") for kind, label in rules.DOCUMENT_KINDS.items()],
        error_messages={"required": "Choose the checks the school has done"},
    )
    insurance_expires = GovukDateField(required=False, label="If you checked the insurance: the date it expires")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        expires = data.get("insurance_expires")
        if "insurance" in data.get("kinds", []) and expires is None and not self.has_error("insurance_expires"):
            self.add_error("insurance_expires", "Enter the date the insurance expires")
        elif expires is not None and (problem := rules.insurance_expiry_problem(expires, today=timezone.localdate())):
            self.add_error("insurance_expires", problem)
        return data


class ConsentForm(GovukForm):
    """A parent's or carer's answer, through their link."""

    consent = forms.ChoiceField(
        label="Do you agree to this placement?",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes, I agree"), ("no", "No, I do not agree")],
        error_messages={"required": "Say whether you agree to the placement"},
    )
    consent_name = forms.CharField(
        max_length=200, label="Your full name", error_messages={"required": "Enter your full name"}
    )
    consent_relationship = forms.CharField(
        max_length=100,
        label="Your relationship to the learner",
        help_text="For example mother, father, carer",
        error_messages={"required": "Enter your relationship to the learner"},
    )
    emergency_phone = forms.CharField(
        max_length=40,
        required=False,
        label="Emergency contact phone number during the placement",
        help_text="Needed if you agree",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "width": "20"}),
    )
    medical_notes = forms.CharField(
        required=False,
        label="Medical or access needs the employer should know about",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("consent") == "yes" and not (data.get("emergency_phone") or "").strip():
            self.add_error("emergency_phone", "Enter an emergency contact phone number")
        return data


class PaperConsentForm(ConsentForm):
    """Consent received on paper, recorded by staff."""

    signed_on = GovukDateField(label="Date on the form", error_messages={"required": "Enter the date on the form"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = "What did the parent or carer answer?"
        self.fields["consent_name"].label = "Name of the parent or carer"
        self.fields["consent_relationship"].label = "Their relationship to the learner"

    def clean_signed_on(self) -> Any:
        day = self.cleaned_data["signed_on"]
        if problem := dates.in_the_past(day, today=timezone.localdate(), field="The date on the form"):
            raise forms.ValidationError(problem)
        return day


class CompleteForm(GovukForm):
    hours_done = forms.DecimalField(
        label="Hours the learner actually spent at the workplace",
        widget=HOURS_WIDGET,
        error_messages={"required": "Enter the hours the learner actually did"},
    )
    shared_purpose = forms.BooleanField(required=False, label="It had a clear purpose shared with the learner")
    preparation = forms.BooleanField(required=False, label="The learner was prepared beforehand")
    two_way = forms.BooleanField(required=False, label="There was two-way interaction")
    extensive_interaction = forms.BooleanField(required=False, label="The interaction was extensive")
    range_of_people = forms.BooleanField(required=False, label="The learner met a range of people")
    feedback_how = forms.CharField(
        required=False, label="Employer's feedback: how the learner did", widget=forms.Textarea(attrs={"rows": 3})
    )
    feedback_task = forms.CharField(
        required=False, label="Employer's feedback: the task set", widget=forms.Textarea(attrs={"rows": 2})
    )
    feedback_strengths = forms.CharField(
        required=False, label="Employer's feedback: strengths", widget=forms.Textarea(attrs={"rows": 2})
    )
    feedback_build_on = forms.CharField(
        required=False, label="Employer's feedback: what to build on", widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_hours_done(self) -> Decimal:
        return _hours(self.cleaned_data.get("hours_done"))


class CancelForm(GovukForm):
    reason = forms.CharField(max_length=300, required=False, label="Why is it cancelled?")


class ListFilterForm(GovukForm):
    status = forms.ChoiceField(required=False, label="Status")
    year_group = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Year group",
        choices=[("", "All year groups")] + [(str(g), f"Year {g}") for g in range(7, 15)],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "All statuses")] + [  # type: ignore[attr-defined]
            (status.value, label) for status, label in rules.STATUS_LABELS.items()
        ]
