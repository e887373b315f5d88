from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from qic.core.forms import GovukForm, GovukModelForm
from qic.domain import dates
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
        today = timezone.localdate()
        born, joined, left, end = (data.get(n) for n in ("date_of_birth", "joined_on", "left_on", "programme_end"))
        problems: dict[str, str | None] = {}
        if born:
            # A learner who has left is judged by their age when they left, so old records stay editable.
            on = left if left and left < today else today
            problems["date_of_birth"] = dates.date_of_birth(born, on=on)
        if joined:
            problems["joined_on"] = dates.on_roll_date(joined, today=today, born=born, field="The joining date")
        if left:
            problems["left_on"] = dates.on_roll_date(left, today=today, born=born, field="The leaving date")
            if joined and not problems["left_on"]:
                problems["left_on"] = dates.not_before(
                    joined, left, field="The leaving date", first_field="The joining date"
                )
        if end:
            problems["programme_end"] = dates.programme_end(end, today=today)
        for name, problem in problems.items():
            if problem:
                self.add_error(name, problem)
        return data
