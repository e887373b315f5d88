"""Forms for feedback after an activity: staff choose whom to ask; the respondent answers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from qic.core.forms import GovukForm
from qic.domain import feedback as rules
from qic.domain.feedback import Again, Respondent
from qic.organisations.models import User
from qic.partners.feedback_actions import Recipient
from qic.partners.models import EmployerContact


class ContactChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}, {obj.employer.name} ({obj.email})"


class StaffChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} ({obj.email})" if name else obj.email


class FeedbackRequestForm(GovukForm):
    """Whom to ask: contacts of the activity's employers, staff, and parents and carers typed one
    a line. All or nothing: any bad line or address already asked, and nobody is sent anything."""

    contacts = ContactChoice(
        label="Employers' contacts",
        help_text="People at the employers recorded as taking part in this activity.",
        queryset=EmployerContact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    staff = StaffChoice(
        label="Staff",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    parents = forms.CharField(
        label="Parents and carers",
        help_text="One a line, as: Name <email address>. For example: Sam Jones <sam.jones@example.com>",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        error_messages={"max_length": "Write fewer parents and carers: at most 100 at a time"},
    )

    def __init__(
        self,
        *args: Any,
        contacts: QuerySet[EmployerContact],
        staff: QuerySet[User],
        already: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = contacts  # type: ignore[attr-defined]
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]
        # A function from addresses to {address: why it cannot be asked again}.
        self.already = already
        self.recipients: list[Recipient] = []

    def clean_parents(self) -> str:
        text: str = self.cleaned_data["parents"]
        people, errors = rules.parse_people(text)
        if errors:
            raise forms.ValidationError([str(error) for error in errors])
        self.parents_found = people
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        recipients = [Recipient(c.name, c.email, Respondent.EMPLOYER, c) for c in data.get("contacts", [])]
        recipients += [
            Recipient(u.get_full_name() or u.email, u.email, Respondent.STAFF) for u in data.get("staff", [])
        ]
        recipients += [Recipient(p.name, p.email, Respondent.PARENT) for p in getattr(self, "parents_found", [])]
        if not recipients:
            raise forms.ValidationError("Choose or enter at least one person to ask for feedback")
        seen: set[str] = set()
        twice = []
        for recipient in recipients:
            key = recipient.email.casefold()
            if key in seen:
                twice.append(recipient.email)
            seen.add(key)
        problems = [f"{email} is given twice: ask each person once" for email in twice]
        if self.already is not None:
            found = self.already([r.email for r in recipients])
            for recipient in recipients:
                why = found.get(recipient.email.casefold())
                if why:
                    problems.append(f"{recipient.name} ({recipient.email}) {why} for this activity")
        if problems:
            raise forms.ValidationError(problems)
        self.recipients = recipients
        return data


class FeedbackForm(GovukForm):
    """The respondent's short form: a rating, two comments, and for employers whether they would
    take part again."""

    rating = forms.TypedChoiceField(
        label=rules.RATING_QUESTION,
        coerce=int,
        choices=[(n, f"{n} – {words}") for n, words in rules.RATINGS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how useful the activity was for the learners"},
    )
    went_well = forms.CharField(
        label="What went well?",
        help_text="Optional. Please do not name any learners.",
        required=False,
        max_length=rules.COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"Write {rules.COMMENT_MAX_CHARS} characters or fewer"},
    )
    could_be_better = forms.CharField(
        label="What could be better?",
        help_text="Optional. Please do not name any learners.",
        required=False,
        max_length=rules.COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"Write {rules.COMMENT_MAX_CHARS} characters or fewer"},
    )
    take_part_again = forms.TypedChoiceField(
        label=rules.AGAIN_QUESTION,
        coerce=Again,
        choices=[(a.value, label) for a, label in rules.AGAIN_LABELS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you would take part again"},
    )

    def __init__(self, *args: Any, respondent: Respondent, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not rules.asks_again(respondent):
            del self.fields["take_part_again"]
