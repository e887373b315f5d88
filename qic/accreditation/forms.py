from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils import timezone

from qic.accreditation.uploads import CheckedUpload, check_upload
from qic.core.forms import GovukDateField, GovukForm
from qic.domain import accreditation as rules
from qic.domain import dates
from qic.domain.accreditation import CONVERSATION_KINDS, EVIDENCE_KINDS, Judgment


class VersionForm(GovukForm):
    """Every form that changes a round posts the version it was drawn from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _checked_upload(field: Any, *, allow_csv: bool = False) -> CheckedUpload:
    if field.size > settings.QIC_UPLOAD_MAX_BYTES:
        raise forms.ValidationError(
            f"The selected file must be smaller than {settings.QIC_UPLOAD_MAX_BYTES // 2**20} MB"
        )
    try:
        return check_upload(field.read(), field.name, allow_csv=allow_csv)
    except rules.UploadRefused as exc:
        raise forms.ValidationError(str(exc)) from None


def _date_in_the_past(form: forms.Form, name: str, field: str) -> Any:
    """The cleaned date `name`, refused with a message naming `field` if it is in the future or too old."""
    day = form.cleaned_data[name]
    problem = dates.in_the_past(day, today=timezone.localdate(), field=field)
    if problem:
        raise forms.ValidationError(problem)
    return day


class UploadField(forms.FileField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text",
            f"PDF, Word (.docx), Excel (.xlsx), PNG or JPEG, up to {settings.QIC_UPLOAD_MAX_BYTES // 2**20} MB.",
        )
        kwargs.setdefault("error_messages", {"required": "Select a file", "empty": "The selected file is empty"})
        super().__init__(**kwargs)


class CommitmentForm(GovukForm):
    commitment_url = forms.URLField(
        label="Web address of the governing body's public commitment",
        help_text="The page on your website where the governing body commits to work towards the Standard.",
        assume_scheme="https",
        max_length=500,
        error_messages={"required": "Enter the web address of the governing body's commitment"},
    )
    compass_tool = forms.ChoiceField(
        label="Self-assessment tool",
        choices=[("compass", "Compass"), ("compass_plus", "Compass+")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose Compass or Compass+"},
    )
    compass_completed_on = GovukDateField(
        label="Date the self-assessment was completed",
        error_messages={"required": "Enter the date the self-assessment was completed", "invalid": "Enter a real date"},
    )
    compass_report = UploadField(label="Compass or Compass+ report")

    def clean_compass_completed_on(self) -> Any:
        return _date_in_the_past(self, "compass_completed_on", "The date the self-assessment was completed")

    def clean_compass_report(self) -> CheckedUpload:
        return _checked_upload(self.cleaned_data["compass_report"])


class EvidenceUploadForm(GovukForm):
    kind = forms.ChoiceField(
        label="What is it?",
        choices=[(k.code, k.label) for k in EVIDENCE_KINDS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the document is"},
    )
    title = forms.CharField(label="Title", max_length=200, required=False, help_text="Leave blank to use the kind.")
    criterion = forms.ChoiceField(label="Criterion it supports", required=False)
    file = UploadField(
        label="Document",
        help_text=f"PDF, Word (.docx), Excel (.xlsx), PNG or JPEG, up to {settings.QIC_UPLOAD_MAX_BYTES // 2**20} MB. "
        "Destinations data can also be a CSV file.",
    )

    def __init__(self, *args: Any, criteria: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = {c.code: c for c in criteria}
        cast(forms.ChoiceField, self.fields["criterion"]).choices = [("", "Not one criterion")] + [
            (c.code, f"{c.code} {c.text[:90]}") for c in criteria
        ]

    def clean_file(self) -> CheckedUpload:
        # A CSV is read here for any kind; whether the kind chosen takes one is asked in `clean`.
        return _checked_upload(self.cleaned_data["file"], allow_csv=True)

    def clean_criterion(self) -> Any:
        code = self.cleaned_data.get("criterion") or ""
        return self.criteria.get(code)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload, kind = cleaned.get("file"), cleaned.get("kind")
        if isinstance(upload, CheckedUpload) and kind:
            problem = rules.upload_refused_for_kind(upload.file_type, kind)
            if problem:
                self.add_error("file", problem)
        return cleaned


class CommentaryForm(VersionForm):
    commentary = forms.CharField(
        label="Your commentary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="How you meet this criterion, and where the assessor will find the evidence.",
        max_length=10000,
    )


class AssignAssessorForm(VersionForm):
    assessor: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, label="Assessor", error_messages={"required": "Choose an assessor"}
    )

    def __init__(self, *args: Any, assessors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors  # type: ignore[attr-defined]


class ScheduleVisitForm(VersionForm):
    visit_on = GovukDateField(
        label="Date of the assessment visit",
        error_messages={"required": "Enter the date of the visit", "invalid": "Enter a real date"},
    )

    def clean_visit_on(self) -> Any:
        day = self.cleaned_data["visit_on"]
        problem = dates.in_the_future(day, today=timezone.localdate(), field="The date of the visit")
        if problem:
            raise forms.ValidationError(problem)
        return day


class ReturnForm(VersionForm):
    reason = forms.CharField(
        label="What should the assessor look at again?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Say what the assessor should look at again"},
    )


class DeclineForm(VersionForm):
    reason = forms.CharField(
        label="Why is the request declined?",
        help_text="The careers leaders will see this and can ask again once it is put right: for example, the "
        "governing body's commitment is not on the website yet, or the Compass report is not complete.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Say why the request is declined"},
    )


class IncompleteForm(VersionForm):
    reason = forms.CharField(
        label="What does the careers leader need to fix?",
        help_text="The careers leaders will see this with their evidence.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Say what the careers leader needs to fix"},
    )


class JudgmentForm(GovukForm):
    judgment = forms.ChoiceField(
        label="Judgment",
        choices=[(j.value, j.label) for j in Judgment],
        widget=forms.RadioSelect,
        required=False,
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Needed with any judgment: the evidence you saw.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("judgment") and not (data.get("comment") or "").strip():
            self.add_error("comment", "Write a comment that explains the judgment")
        return data


class SummaryForm(VersionForm):
    key_principles_met = forms.TypedChoiceField(
        label="Are the key principles met?",
        choices=[("yes", "Yes, the approach to quality is robust and coherent"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        required=False,
    )
    strengths = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    areas_for_development = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    recommendations = forms.CharField(
        label="Action points",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        help_text="One per line: what the provider should do next.",
    )


class ConversationForm(GovukForm):
    kind = forms.ChoiceField(
        label="Kind",
        choices=CONVERSATION_KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of conversation"},
    )
    held_on = GovukDateField(
        label="Date",
        error_messages={"invalid": "Enter a real date", "required": "Enter the date of the conversation"},
    )
    participants = forms.CharField(
        label="Who took part",
        max_length=300,
        help_text="For example: 8 Year 10 pupils; the SENCo.",
        error_messages={"required": "Say who took part"},
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        error_messages={"required": "Write what you heard"},
    )
    criteria = forms.MultipleChoiceField(
        label="Criteria it informs", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, criteria: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria_by_code = {c.code: c for c in criteria}
        cast(forms.ChoiceField, self.fields["criteria"]).choices = [
            (c.code, f"{c.code} {c.text[:80]}") for c in criteria
        ]

    def clean_held_on(self) -> Any:
        return _date_in_the_past(self, "held_on", "The date of the conversation")

    def clean_criteria(self) -> list[Any]:
        return [self.criteria_by_code[code] for code in self.cleaned_data["criteria"]]


class CorrectionForm(GovukForm):
    reason = forms.CharField(
        label="What does this correction change, and why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Say what the correction changes"},
    )
    strengths = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    areas_for_development = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    recommendations = forms.CharField(
        label="Action points", required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=20000
    )


class ReviewForm(GovukForm):
    held_on = GovukDateField(
        label="Date of the review",
        error_messages={"required": "Enter the date of the review", "invalid": "Enter a real date"},
    )
    progress = forms.CharField(
        label="Progress since the award",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        error_messages={"required": "Describe the progress since the award"},
    )
    recommend_reissue = forms.BooleanField(
        required=False,
        label="Recommend re-issue as fully meeting (2b)",
        help_text="Only at the first review of a 2a award. The expiry date does not move.",
    )

    def clean_held_on(self) -> Any:
        return _date_in_the_past(self, "held_on", "The date of the review")


class RecognitionForm(GovukForm):
    title = forms.CharField(
        max_length=200,
        help_text="For example: Careers Excellence Fellow 2026.",
        error_messages={"required": "Enter the title of the recognition"},
    )
    reason = forms.CharField(
        label="What it recognises",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="Be explicit about what the recognition is for (Guide §4.7).",
        error_messages={"required": "Say what the recognition is for"},
    )
    given_on = GovukDateField(
        label="Date given",
        error_messages={"invalid": "Enter a real date", "required": "Enter the date it was given"},
    )

    def clean_given_on(self) -> Any:
        return _date_in_the_past(self, "given_on", "The date it was given")
