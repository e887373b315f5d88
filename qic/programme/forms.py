from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from qic.core.forms import GovukDateField, GovukForm, GovukModelForm
from qic.core.once import OnceField
from qic.core.stale import SeenField
from qic.domain import dates, work_experience
from qic.domain.academic import academic_year_of, year_label
from qic.domain.activities import (
    ALL_ELEMENTS,
    NEEDS_MEANING,
    SUBTYPES,
    ActivityType,
    MeaningfulElements,
    categories_for,
    checklist_for,
    elements_for,
    why_not_counting,
)
from qic.domain.provider_access import ACCESS_PROVIDER_LABELS
from qic.frameworks.models import Criterion
from qic.learners.models import Learner
from qic.programme.actions import DEFAULT_TOKEN_VALIDITY_DAYS, TOKEN_VALIDITY_DAYS
from qic.programme.models import CATEGORY_LABELS, Activity, Adviser, ApiToken, ClassList, Interview
from qic.programme.queries import ClassListSummary

TOKEN_VALIDITY_LABELS = {30: "After 30 days", 90: "After 90 days", 365: "After 1 year"}

MEANING_FIELDS = [element.field for element in ALL_ELEMENTS]

YEAR_GROUP_CHOICES = [(y, f"Year {y}") for y in range(7, 15)]

# The four points a provider-access encounter covers, stored as four booleans on the activity.
ACCESS_CONTENT_FIELDS = {
    "access_covers_provider": "The provider and the qualifications or apprenticeships it offers",
    "access_covers_careers": "The careers these lead to",
    "access_covers_learning": "What learning or training there is like",
    "access_covers_questions": "Answers to pupils' questions",
}
ACCESS_FIELDS = ("provider_access", "access_provider_type", "in_school_day", "access_content")
REQUIRED_MESSAGES = {
    "title": "Enter the activity's title",
    "activity_type": "Choose the activity type",
    "subtype": "Choose the kind of activity",
    "date": "Enter the date of the activity",
}


class ActivityForm(GovukModelForm):
    seen = SeenField()
    once = OnceField()  # a new activity: a second post of this form goes to the one made
    date = GovukDateField()
    subtype = forms.ChoiceField(
        label="Kind",
        choices=[("", "Choose the kind of activity")]
        + [(value, f"{ActivityType(t).label}: {label}") for t, options in SUBTYPES.items() for value, label in options],
    )
    year_groups = forms.TypedMultipleChoiceField(
        choices=YEAR_GROUP_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Who the activity is planned for. Mark who took part on the register.",
    )
    criteria = forms.ModelMultipleChoiceField(
        queryset=Criterion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="National criteria this activity evidences",
    )
    access_content = forms.MultipleChoiceField(
        choices=list(ACCESS_CONTENT_FIELDS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="What the encounter covered",
        help_text="It counts only if it covered all four.",
    )
    # Declared here, without the column's digit limits, so that the guarantee's own rule
    # (`work_experience.hours_problem`) gives every message about the hours.
    hours = forms.DecimalField(
        required=False,
        label="Hours (workplace experiences)",
        help_text="How many hours each learner spent at the workplace, for example 2.5 for a visit or 30 for a week",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false", "width": "5"}),
    )

    class Meta:
        model = Activity
        fields = [
            "title",
            "activity_type",
            "subtype",
            "date",
            "partner",
            "subject",
            "curriculum_area",
            "hours",
            "year_groups",
            "description",
            *MEANING_FIELDS,
            "criteria",
            "needs_own_reflection",
            "provider_access",
            "access_provider_type",
            "in_school_day",
        ]
        widgets = {"activity_type": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "provider_access": "An encounter with an approved provider of technical education or apprenticeships, "
            "for the Provider Access Legislation",
            "in_school_day": "Not a parents' evening or an after-school event",
            "needs_own_reflection": "Then it counts towards the benchmarks for a learner only once they have "
            "written their own reflection on it (learners write one after signing in, or from their careers record)",
        }

    def __init__(self, *args: Any, criteria: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["activity_type"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(t.value, t.label) for t in ActivityType]  # no blank radio button
        # Each missing answer is named in the error summary, not "This field is required." twice.
        for name, message in REQUIRED_MESSAGES.items():
            self.fields[name].error_messages["required"] = message
        field = self.fields["criteria"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = criteria
        field.label_from_instance = lambda obj: f"{obj.code} {obj.text[:90]}…"  # type: ignore[method-assign]
        for element in ALL_ELEMENTS:
            self.fields[element.field].label = element.wording
            self.fields[element.field].help_text = element.why
        provider_kind = self.fields["access_provider_type"]
        assert isinstance(provider_kind, forms.ChoiceField)
        provider_kind.choices = [("", "Choose the kind of provider")] + [
            (t.value, label) for t, label in ACCESS_PROVIDER_LABELS.items()
        ]
        self.fields["access_content"].initial = [name for name in ACCESS_CONTENT_FIELDS if getattr(self.instance, name)]

    def chosen_type(self) -> ActivityType | None:
        """The type as sent (or, unbound, as stored); None when none is chosen yet."""
        raw = self.data.get(self.add_prefix("activity_type")) if self.is_bound else self.instance.activity_type
        try:
            return ActivityType(raw)
        except ValueError:
            return None

    def academic_year(self) -> int:
        """The academic year whose checklist the form shows: that of the date entered (or, unbound,
        stored); before a date is entered, or while it is not a date, the stored one's or today's."""
        day = self.instance.date
        if self.is_bound:
            with contextlib.suppress(forms.ValidationError):
                # What the date boxes hold (the widget reads day, month and year).
                typed = self.fields["date"].widget.value_from_datadict(self.data, self.files, self.add_prefix("date"))
                day = self.fields["date"].to_python(typed) or day
        return academic_year_of(day or timezone.localdate())

    def ticked(self) -> MeaningfulElements:
        """The meaning elements as ticked on the form (or, unbound, as stored)."""
        if not self.is_bound:
            return MeaningfulElements.of(self.instance)
        return MeaningfulElements(
            **{
                name: bool(self.fields[name].widget.value_from_datadict(self.data, self.files, self.add_prefix(name)))
                for name in MEANING_FIELDS
            }
        )

    def meaning_section(self) -> dict[str, Any]:
        """What the "What made it meaningful" part of the form shows for the type chosen so far.

        The elements are those of the checklist for the academic year of the date entered (the
        2018 definition up to 2024/25, the refreshed one from 2025/26). Without a type (a new form,
        or no JavaScript to narrow it down) every element of that checklist is shown in two groups;
        with one, only those its type needs, and whether it would count.
        """
        kind = self.chosen_type()
        year = self.academic_year()
        checklist = checklist_for(year)
        drawn_for = {
            "kind": kind,
            "checklist": checklist,
            "year": year,
            "year_label": year_label(year),
            "drawn_for": f"{kind.value if kind else ''}:{checklist.first_year}",
        }
        if kind is None:
            encounter = elements_for(ActivityType.EMPLOYER_ENCOUNTER, year)
            workplace_only = [e for e in elements_for(ActivityType.WORKPLACE_EXPERIENCE, year) if e not in encounter]
            return {
                **drawn_for,
                "groups": [
                    ("What made it meaningful", [self[e.field] for e in encounter]),
                    ("Workplace experiences also need", [self[e.field] for e in workplace_only]),
                ],
            }
        ticked = self.ticked()
        data = self.data if self.is_bound else {}
        counts = categories_for(
            activity_type=kind,
            subtype=str(data.get(self.add_prefix("subtype"), self.instance.subtype) or ""),
            meaningful=ticked,
            year=year,
            subject=str(data.get(self.add_prefix("subject"), self.instance.subject) or ""),
        )
        return {
            **drawn_for,
            "kind_name": ("An " if kind.label[0] in "AEIOU" else "A ") + kind.label.lower(),
            "needs_meaning": kind in NEEDS_MEANING,
            "groups": [("What made it meaningful", [self[e.field] for e in elements_for(kind, year)])]
            if kind in NEEDS_MEANING
            else [],
            "why_not": why_not_counting(kind, ticked, year),
            "counts_towards": sorted(CATEGORY_LABELS[c] for c in counts),
        }

    @property
    def main_fields(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if field.name not in ACCESS_FIELDS]

    @property
    def access_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ACCESS_FIELDS]

    def clean_date(self) -> Any:
        day = self.cleaned_data["date"]
        today = timezone.localdate()
        problem = dates.activity_date(day, today=today)
        if problem is None and self.instance.pk and self.instance.participations.exists():
            # Its register says it has happened, so it cannot move into the future.
            problem = dates.in_the_past(day, today=today, field="The date of an activity with a register")
        if problem:
            raise forms.ValidationError(problem)
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, subtype = data.get("activity_type"), data.get("subtype")
        if kind and subtype and subtype not in {value for value, _ in SUBTYPES[ActivityType(kind)]}:
            self.add_error("subtype", f"Choose a kind of {ActivityType(kind).label.lower()}")
        if kind == ActivityType.WORKPLACE_EXPERIENCE and "hours" not in self.errors:
            # Every workplace experience, a visit as much as a fortnight's placement: the
            # work-experience guarantee counts its hours.
            problem = work_experience.hours_problem(data.get("hours"))
            if problem:
                self.add_error("hours", problem)
            else:
                data["hours"] = work_experience.round_hours(data["hours"])  # 30 is kept as 30.0
        elif kind and kind != ActivityType.WORKPLACE_EXPERIENCE:
            data["hours"] = None  # only workplace experiences have hours
        if kind:
            # Keep only what the type records in the activity's year, so the activity holds what
            # the person saw on the form.
            day = data.get("date")
            year = academic_year_of(day) if isinstance(day, dt.date) else self.academic_year()
            needed = {element.field for element in elements_for(ActivityType(kind), year)}
            for name in MEANING_FIELDS:
                if name not in needed:
                    data[name] = False
        if data.get("provider_access"):
            if kind and kind != ActivityType.PROVIDER_ENCOUNTER:
                self.add_error(
                    "provider_access",
                    "Only an encounter with a next-stage provider can be a provider-access encounter",
                )
            if not data.get("access_provider_type"):
                self.add_error("access_provider_type", "Choose the kind of provider for a provider-access encounter")
        # Not held in the school day or not covering every point is saved as it is: the activity
        # page then says why it does not count (the school may still be filling it in).
        covered = set(data.get("access_content") or [])
        for name in ACCESS_CONTENT_FIELDS:
            setattr(self.instance, name, name in covered)
        return data


class LearnerChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Ticked learners, checked against the roll in one query.

    Django's own field runs one query per value to check that it is a number: a whole-school
    register of 1,500 ticks cost 1,500 queries before anything was saved.
    """

    def _check_values(self, value: Any) -> Any:
        try:
            wanted = {int(str(pk)) for pk in value}
        except ValueError:
            raise forms.ValidationError(
                self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": "?"}
            ) from None
        assert self.queryset is not None
        found = list(self.queryset.filter(pk__in=wanted).only("pk", "forename", "surname"))
        missing = wanted - {learner.pk for learner in found}
        if missing:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": min(missing)}
            )
        return found


class RegisterForm(GovukForm):
    """Who took part: the learners chosen on the page (present unless ticked absent), whole year
    groups, a registration group, or named learners.

    The page posts `chosen` (the learners it listed) and `absent` (those ticked among them). Scripts
    and the load run may post `year_groups` or `registration_group` with `absent` (everyone in them
    present but those), or `attended` and `absent` by name.
    """

    year_groups = forms.TypedMultipleChoiceField(
        choices=YEAR_GROUP_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Everyone in these year groups took part",
    )
    registration_group = forms.CharField(
        required=False, label="Everyone in this class or form took part", help_text="For example 10B", max_length=30
    )
    chosen = LearnerChoices(
        queryset=Learner.objects.none(),
        required=False,
        widget=forms.MultipleHiddenInput,
        label="Learners chosen",
    )
    attended = LearnerChoices(
        queryset=Learner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Present",
    )
    # When the page was drawn (seconds since the epoch): a learner someone else marked since then
    # is not silently changed back (see actions.record_participation).
    opened_at = forms.FloatField(widget=forms.HiddenInput, required=False)
    absent = LearnerChoices(
        queryset=Learner.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Absent",
        help_text="Absent learners stay on the register but do not count towards the benchmarks",
    )

    def __init__(self, *args: Any, learners: Any, activity_on: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.activity_on = activity_on
        for name in ("chosen", "attended", "absent"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = learners

    def clean_opened_at(self) -> float | None:
        """When the page was drawn: a time we could have written (not before 2000, not ahead of now),
        else the page is not ours and the stale check cannot be trusted to it."""
        value: float | None = self.cleaned_data.get("opened_at")
        if value is not None and not (946_684_800 <= value <= timezone.now().timestamp() + 600):
            raise forms.ValidationError("not a time this page was drawn")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.has_error("chosen"):
            # A hidden field: its error would be shown nowhere.
            del self.errors["chosen"]
            self.add_error(None, "Some of the learners listed are no longer on roll: choose the learners again")
        if self.has_error("opened_at"):
            # Also hidden: a page we did not draw (or a tampered one) is told to reload, not shown an empty box.
            del self.errors["opened_at"]
            self.add_error(None, "This register page could not be read: open the register again and save it")
        problem = dates.attendance(self.activity_on, today=timezone.localdate())
        if problem:
            raise forms.ValidationError(problem)
        both = set(data.get("attended") or []) & set(data.get("absent") or [])
        if both:
            names = ", ".join(sorted(str(learner) for learner in both))
            self.add_error("absent", f"A learner cannot be both present and absent: {names}")
        if not any(data.get(name) for name in ("chosen", "year_groups", "registration_group", "attended", "absent")):
            raise forms.ValidationError("Choose year groups, a class, or the learners who took part")
        return data


def _form_group_key(name: str) -> tuple[int, str]:
    """10B after 9C: the year's number first, then the rest."""
    digits = "".join(itertools.takewhile(str.isdigit, name))
    return (int(digits) if digits else 99, name.casefold())


class RegisterChoiceForm(GovukForm):
    """Which learners a register is taken for: a year group, a form group, a class list, part of a
    name; any together narrow the choice. Sent as a query string, so the choice is a link and works without
    JavaScript."""

    year_group = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Year group")
    form_group = forms.ChoiceField(required=False, label="Form group")
    class_list = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label="Class list")
    name = forms.CharField(
        required=False,
        max_length=100,
        label="Name",
        help_text="Part of a forename or surname, in any order",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )

    def __init__(
        self,
        *args: Any,
        year_groups: dict[int, int],
        form_groups: list[str],
        class_lists: list[ClassListSummary] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Only this provider's lists are offered, so another provider's list id is "not a choice".
        class_list = self.fields["class_list"]
        assert isinstance(class_list, forms.ChoiceField)
        class_list.choices = [("", "No class list")] + [
            (str(c.pk), f"{c.name} ({c.on_roll} learner{'s' if c.on_roll != 1 else ''})") for c in class_lists or []
        ]
        if not class_lists:
            class_list.help_text = "None saved yet"
        year_group = self.fields["year_group"]
        assert isinstance(year_group, forms.ChoiceField)
        year_group.choices = [("", "Any year group")] + [
            (y, f"Year {y} ({n} learner{'s' if n != 1 else ''})") for y, n in sorted(year_groups.items())
        ]
        form_group = self.fields["form_group"]
        assert isinstance(form_group, forms.ChoiceField)
        form_group.choices = [("", "Any form group")] + [(g, g) for g in sorted(form_groups, key=_form_group_key)]

    def choice(self) -> dict[str, Any] | None:
        """The valid choice made ({"year_group": 10, "form_group": "", "name": ""}), or None."""
        if not self.is_bound or not self.is_valid():
            return None
        data = {key: self.cleaned_data[key] for key in ("year_group", "form_group", "class_list")}
        data["name"] = self.cleaned_data["name"].strip()
        return data if any(value not in (None, "") for value in data.values()) else None


class ClassListForm(GovukForm):
    """The name of a class list, new or renamed; unique among the provider's lists."""

    name = forms.CharField(
        max_length=100,
        label="Name of the class list",
        help_text="For example 10X Geography or Year 11 STEM club",
        error_messages={"required": "Enter a name for the class list"},
    )

    def __init__(self, *args: Any, provider_id: int, exclude_pk: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider_id = provider_id
        self.exclude_pk = exclude_pk

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter a name for the class list")
        taken = ClassList.objects.filter(provider_id=self.provider_id, name__iexact=name)
        if self.exclude_pk is not None:
            taken = taken.exclude(pk=self.exclude_pk)
        if taken.exists():
            raise forms.ValidationError(f"There is already a class list called “{name}”: choose another name")
        return name


class NewClassListForm(ClassListForm):
    """A class list made from the learners a register page listed (their ids, hidden)."""

    learners = forms.ModelMultipleChoiceField(
        queryset=Learner.objects.none(),
        error_messages={
            "required": "Choose the learners first",
            "invalid_choice": "Some of these learners are no longer on roll: choose the learners again",
            "invalid_pk_value": "Choose the learners again",
        },
    )

    def __init__(self, *args: Any, learners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["learners"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = learners


class AttendanceImportForm(GovukForm):
    file = forms.FileField(
        label="Attendance register (CSV)",
        help_text="Columns: UPN (or ULN) and Attended (Y/N, Present/Absent). Up to 5 MB.",
        error_messages={"empty": "The selected file is empty", "required": "Select a file to import"},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.QIC_REGISTER_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"The file must be smaller than {limit // (1024 * 1024)} MB")
        return upload


class AdviserForm(GovukModelForm):
    seen = SeenField()
    cpd_hours = forms.DecimalField(
        required=False,
        min_value=0,
        max_value=500,
        decimal_places=1,
        label="CPD hours recorded this academic year",
        help_text="Note 8: at least 25 hours a year",
    )

    class Meta:
        model = Adviser
        fields = ["name", "organisation", "qualification_level", "on_uk_register", "matrix_accredited", "active"]


class InterviewForm(GovukModelForm):
    seen = SeenField()  # editing: refuses a save over someone else's change
    once = OnceField()  # recording: a second post of this form goes to the interview made
    date = GovukDateField()
    learner_reference = forms.CharField(label="Learner's UPN or ULN", max_length=13)

    class Meta:
        model = Interview
        fields = ["learner_reference", "adviser", "date", "duration_minutes", "summary", "agreed_actions"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4}), "agreed_actions": forms.Textarea(attrs={"rows": 3})}
        labels = {"duration_minutes": "Length in minutes"}
        help_texts = {"duration_minutes": "The CDI recommends at least 45 minutes (Note 7)"}

    def __init__(self, *args: Any, provider: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.provider = provider
        field = self.fields["adviser"]
        assert isinstance(field, forms.ModelChoiceField)
        # The adviser of an interview being corrected stays a choice even if no longer active.
        current = self.instance.adviser_id if self.instance.pk else None
        field.queryset = Adviser.objects.filter(Q(active=True) | Q(pk=current), provider=provider)

    def clean_learner_reference(self) -> Learner:
        reference = self.cleaned_data["learner_reference"].strip().upper()
        learner = (
            Learner.objects.filter(provider=self.provider)
            .filter(**({"upn": reference} if not reference.isdigit() else {"uln": reference}))
            .first()
        )
        if learner is None:
            raise forms.ValidationError("No learner on your roll has this UPN or ULN")
        return learner

    def clean_date(self) -> Any:
        day = self.cleaned_data["date"]
        problem = dates.in_the_past(day, today=timezone.localdate(), field="The date of the interview")
        if problem:
            raise forms.ValidationError(problem)
        return day

    def clean_duration_minutes(self) -> int:
        minutes: int = self.cleaned_data["duration_minutes"]
        if not 1 <= minutes <= 300:
            raise forms.ValidationError("Enter a length between 1 and 300 minutes")
        return minutes


class ProgrammeAnswerForm(GovukForm):
    achieved = forms.BooleanField(required=False, label="We meet this indicator")
    evidence_url = forms.URLField(required=False, label="Link to evidence", assume_scheme="https", max_length=500)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Note")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("achieved") and not data.get("evidence_url"):
            self.add_error("evidence_url", "Give a link to the evidence for an indicator you meet")
        return data


class ApiTokenForm(GovukForm):
    name = forms.CharField(
        max_length=100,
        label="What the token is for",
        help_text="For example: SIMS nightly sync",
        error_messages={"required": "Enter what the token is for"},
    )
    # Read-only is chosen unless the careers leader picks otherwise: it is the safer of the two.
    scope = forms.ChoiceField(
        label="What the token may do",
        choices=[
            (ApiToken.Scope.READ, "Read only: benchmark figures and activities"),
            (ApiToken.Scope.READ_WRITE, "Read and write: also send learner files and attendance registers"),
        ],
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the token may only read, or read and write"},
    )
    valid_days = forms.TypedChoiceField(
        label="When the token stops working",
        choices=[(days, TOKEN_VALIDITY_LABELS[days]) for days in TOKEN_VALIDITY_DAYS],
        coerce=int,
        initial=DEFAULT_TOKEN_VALIDITY_DAYS,
        widget=forms.RadioSelect,
        help_text="Create a new token before this one expires.",
        error_messages={"required": "Choose when the token stops working"},
    )


class AccessStatementForm(GovukForm):
    url = forms.URLField(
        label="Address of your published provider access policy statement",
        help_text="The page on your school's website, for example https://www.example.sch.uk/careers/provider-access",
        assume_scheme="https",
        max_length=500,
        error_messages={
            "required": "Enter the address of your provider access policy statement",
            "invalid": "Enter a web address, like https://www.example.sch.uk/careers/provider-access",
        },
    )
    seen = SeenField()

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError("Enter a web address that starts with https://")
        return url
