from __future__ import annotations

from typing import Any

from django import forms

from qic.core.forms import GovukForm, GovukModelForm
from qic.learners.models import Learner

MAX_LEARNER_FILE_BYTES = 20 * 1024 * 1024


class LearnerImportForm(GovukForm):
    file = forms.FileField(
        label="Learner file",
        help_text="A CSV export from your MIS, or a Common Transfer File (CTF) XML. Up to 20 MB.",
        error_messages={"empty": "The selected file is empty", "required": "Select a file to import"},
    )
    full_import = forms.BooleanField(
        required=False,
        initial=True,
        label="This file lists every learner on roll",
        help_text="Learners missing from the file are then marked as left. They are never deleted.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_LEARNER_FILE_BYTES:
            raise forms.ValidationError("The file must be smaller than 20 MB")
        return upload


class LearnerForm(GovukModelForm):
    date_of_birth = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    programme_end = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Colleges: when the study programme ends",
    )
    joined_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave blank if the learner has been on roll since before records began",
    )
    left_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Set when the learner leaves; they stay in past years' figures",
    )

    class Meta:
        model = Learner
        fields = [
            "forename",
            "surname",
            "date_of_birth",
            "sex",
            "registration_group",
            "pupil_premium",
            "free_school_meals",
            "sen_support",
            "ehc_plan",
            "looked_after",
            "young_carer",
            "eal",
            "considering_higher_education",
            "study_programme",
            "curriculum_area",
            "programme_end",
            "part_time_job",
            "joined_on",
            "left_on",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        joined, left = data.get("joined_on"), data.get("left_on")
        if joined and left and left < joined:
            self.add_error("left_on", "The leaving date must be on or after the joining date")
        return data


class AnonymiseLearnerForm(GovukForm):
    reason = forms.CharField(
        label="Why is this record being anonymised?",
        help_text="For example: the learner's parent asked for the record to be erased on 3 December 2026. "
        "This is kept in the audit log.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the record is being anonymised"},
    )
    confirm = forms.BooleanField(
        label="I understand that the learner's name, identifiers and interview notes will be removed for good",
        error_messages={"required": "Confirm that you understand the record cannot be restored"},
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError("Enter why the record is being anonymised")
        return reason
