from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from qic.core.forms import GovukDateField, GovukDateInput, GovukForm, GovukModelForm
from qic.core.stale import SeenField
from qic.domain import dates
from qic.domain.learner_access import MAX_LEAVER_GRACE_DAYS
from qic.domain.learner_codes import SHEET_DAYS_DEFAULT, SHEET_DAYS_MAX, SHEET_DAYS_MIN
from qic.learners.imports import file_limit_problem, size_limit_problem
from qic.learners.models import Learner


def _is_full(value: str) -> bool:
    return value == "full"


class LearnerImportForm(GovukForm):
    """The upload. Size and row limits are checked here, before the file is parsed."""

    file = forms.FileField(
        label="Learner file",
        error_messages={"empty": "The selected file is empty", "required": "Select a file to import"},
    )
    # Radios with no default: a full import marks everyone missing from the file as left, so
    # it must be a deliberate choice (a 4-row file once marked 914 learners as left).
    full_import = forms.TypedChoiceField(
        label="Does this file list every learner on roll?",
        choices=[
            ("partial", "No: only add and update the learners in this file"),
            ("full", "Yes: it is the whole roll, so mark learners who are not in it as left"),
        ],
        coerce=_is_full,
        widget=forms.RadioSelect,
        help_text=(
            "Choose yes only for a complete export of everyone on roll. Learners marked as left "
            "are never deleted, and you see who they are before anything is saved."
        ),
        error_messages={
            "required": "Select whether the file lists every learner on roll",
            "invalid_choice": "Select whether the file lists every learner on roll",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.data_bytes = b""
        self.fields["file"].help_text = (
            "A CSV export from your MIS, or a Common Transfer File (CTF) XML. Up to "
            f"{settings.QIC_LEARNER_IMPORT_MAX_BYTES // (1024 * 1024)} MB and "
            f"{settings.QIC_LEARNER_IMPORT_MAX_ROWS:,} learners."
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        # The size first, from what the upload says, before reading the file at all.
        problem = size_limit_problem(upload.size)
        if problem is None:
            self.data_bytes = upload.read()
            problem = file_limit_problem(self.data_bytes)
        if problem is not None:
            raise forms.ValidationError(problem)
        return upload


class ConfirmImportForm(GovukForm):
    """Confirming posts the digest of the preview the leader saw (see LearnerImport)."""

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)


class LearnerForm(GovukModelForm):
    seen = SeenField()
    date_of_birth = GovukDateField(example="27 3 2012", widget=GovukDateInput(attrs={"autocomplete": "bday"}))
    programme_end = GovukDateField(
        required=False,
        help_text="Colleges: when the study programme ends",
    )
    joined_on = GovukDateField(
        required=False,
        help_text="Leave blank if the learner has been on roll since before records began",
    )
    left_on = GovukDateField(
        required=False,
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


# --- Learner access: the policy, printed sheets and school-email invitations -------------------


class LearnerAccessForm(GovukForm):
    year_groups = forms.TypedMultipleChoiceField(
        label="Year groups that may sign in",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Learners in these year groups can sign in to see their own careers record.",
    )
    leaver_grace_days = forms.IntegerField(
        label="Days a leaver keeps access",
        min_value=0,
        max_value=MAX_LEAVER_GRACE_DAYS,
        help_text=f"After their leaving date. 0 to {MAX_LEAVER_GRACE_DAYS} days.",
        error_messages={
            "required": "Enter how many days a leaver keeps access",
            "invalid": "Enter the number of days as a whole number, like 30",
            "min_value": "The number of days must be 0 or more",
            "max_value": f"The number of days must be {MAX_LEAVER_GRACE_DAYS} or fewer",
        },
        widget=forms.NumberInput(attrs={"width": "3", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, year_groups: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year_groups"].choices = [(y, f"Year {y}") for y in year_groups]  # type: ignore[attr-defined]


class CodeSheetForm(GovukForm):
    group = forms.ChoiceField(
        label="Form group", error_messages={"required": "Choose a form group", "invalid_choice": "Choose a form group"}
    )
    days = forms.IntegerField(
        label="Days the codes work for",
        initial=SHEET_DAYS_DEFAULT,
        min_value=SHEET_DAYS_MIN,
        max_value=SHEET_DAYS_MAX,
        help_text=f"{SHEET_DAYS_MIN} to {SHEET_DAYS_MAX} days.",
        error_messages={
            "required": "Enter how many days the codes work for",
            "invalid": "Enter the number of days as a whole number, like 7",
            "min_value": f"The codes must work for at least {SHEET_DAYS_MIN} day",
            "max_value": f"The codes can work for at most {SHEET_DAYS_MAX} days",
        },
        widget=forms.NumberInput(attrs={"width": "2", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, groups: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "Choose a form group"), *((g, g) for g in groups)]  # type: ignore[attr-defined]


class LearnerInviteForm(GovukForm):
    email = forms.EmailField(
        label="The learner's school email address",
        max_length=254,
        error_messages={
            "required": "Enter the learner's school email address",
            "invalid": "Enter an email address in the correct format, like name@school.org.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
