from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone

from qic.core.forms import GovukDateField, GovukForm, GovukModelForm
from qic.core.stale import SeenField
from qic.domain import dates
from qic.domain.postcodes import normal_postcode
from qic.domain.ukprn import duplicate_ukprn_message, ukprn_problem
from qic.organisations.models import AwardingBody, Provider, Role, User
from qic.organisations.queries import ukprn_taken


class AwardingBodyForm(GovukModelForm):
    seen = SeenField()
    website = forms.URLField(required=False, assume_scheme="https")
    licence_start = GovukDateField(required=False, help_text="The date the licence begins")
    licence_end = GovukDateField(required=False, help_text="The date the licence ends")

    class Meta:
        model = AwardingBody
        fields = [
            "name",
            "licence_status",
            "licence_start",
            "licence_end",
            "award_validity_months",
            "website",
            "contact_email",
        ]
        help_texts = {
            "award_validity_months": "How long an award made by this body lasts (Guide §4.4)",
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("licence_start"), data.get("licence_end")
        today = timezone.localdate()
        if start and (problem := dates.plausible(start, today=today, field="The licence start date")):
            self.add_error("licence_start", problem)
        end_problem = end and (
            dates.plausible(end, today=today, field="The licence end date")
            or (
                start
                and dates.not_before(start, end, field="The licence end date", first_field="The licence start date")
            )
        )
        if end_problem:
            self.add_error("licence_end", end_problem)
        return data


class InvitationForm(GovukForm):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args: Any, roles: list[Role], reason_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reason_required:
            self.fields["reason"] = reason_field()
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [(r.value, r.label) for r in roles]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0].value

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Someone with this email address already has an account")
        return email


REASON_MIN_LENGTH = 10


def reason_field() -> forms.CharField:
    """The Consortium's written reason for changing a provider's people; it goes in the audit log."""
    return forms.CharField(
        label="Why is the Consortium doing this?",
        help_text="The provider's careers leader would normally do this. Your reason is kept in the audit log.",
        min_length=REASON_MIN_LENGTH,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the reason the Consortium is doing this",
            "min_length": f"The reason must be at least {REASON_MIN_LENGTH} characters",
        },
    )


class PersonChangeForm(GovukForm):
    """Confirms a deactivation or reactivation; the Consortium must also give a reason."""

    def __init__(self, *args: Any, reason_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reason_required:
            self.fields["reason"] = reason_field()


class ClientRequestAnswerForm(GovukForm):
    decision = forms.ChoiceField(
        label="Do you want this Awarding Body to take you on as its client?",
        choices=[("accept", "Yes, accept the request"), ("decline", "No, decline the request")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you accept or decline the request"},
    )
    reason = forms.CharField(
        label="Reason for declining",
        help_text="Only if you decline. The Awarding Body will see it.",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "decline" and not data.get("reason", "").strip():
            self.add_error("reason", "Enter the reason for declining")
        return data


class AcceptInvitationForm(GovukForm):
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; not a common password",
    )
    password_again = forms.CharField(
        label="Confirm password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password, again = data.get("password"), data.get("password_again")
        if password and again and password != again:
            self.add_error("password_again", "The passwords do not match")
        elif password:
            try:
                password_validation.validate_password(password, User(email=self.email))
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class AddClientForm(GovukForm):
    urn = forms.IntegerField(
        label="URN or UKPRN",
        min_value=1,
        help_text="The provider's unique reference number from GIAS; for an independent training provider, its UKPRN",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "10"}),
    )

    def clean_urn(self) -> Provider:
        urn = self.cleaned_data["urn"]
        provider = Provider.objects.filter(urn=urn).select_related("awarding_body").first()
        if provider is None:
            raise forms.ValidationError(
                "No provider has this URN or UKPRN. Schools and colleges come from the GIAS import; "
                "add an independent training provider with its own form."
            )
        return provider


# The nine English regions, as GIAS names them (GOR (name)), so ITPs sit beside schools and
# colleges in the Consortium's regional figures.
ENGLISH_REGIONS = (
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
)


class IndependentTrainingProviderForm(GovukForm):
    """Adds an independent training provider, which GIAS does not list; its UKPRN is its key."""

    name = forms.CharField(
        label="Name",
        max_length=300,
        help_text="As registered on the UK Register of Learning Providers",
        error_messages={"required": "Enter the provider's name"},
    )
    ukprn = forms.CharField(
        label="UKPRN",
        max_length=20,
        help_text="The 8-digit UK Provider Reference Number, for example 10012345",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter the UKPRN"},
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=12,
        required=False,
        help_text="Of the provider's main site",
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    region = forms.ChoiceField(
        label="Region",
        required=False,
        choices=[("", "Not known"), *((name, name) for name in ENGLISH_REGIONS)],
        help_text="Used only in the Consortium's regional figures",
    )

    def clean_ukprn(self) -> str:
        text: str = self.cleaned_data["ukprn"]
        problem = ukprn_problem(text)
        if problem:
            raise forms.ValidationError(problem)
        number = int("".join(text.split()))
        if ukprn_taken(number):
            raise forms.ValidationError(duplicate_ukprn_message(number))
        return str(number)

    def clean_postcode(self) -> str:
        text: str = self.cleaned_data.get("postcode", "")
        if not text.strip():
            return ""
        postcode = normal_postcode(text)
        if postcode is None:
            raise forms.ValidationError("Enter a real postcode, like WS1 1AA")
        return postcode


class AssignAssessorForm(GovukForm):
    assessor = forms.ModelChoiceField(queryset=User.objects.none(), empty_label="Choose an assessor")

    def __init__(self, *args: Any, assessors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assessor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = assessors


class GiasUploadForm(GovukForm):
    file = forms.FileField(
        label="GIAS extract (CSV)",
        help_text="An edubasealldata CSV file downloaded from Get Information about Schools",
        # FileField itself rejects an empty upload before clean_file sees it; say it our way.
        error_messages={"empty": "The selected file is empty"},
    )
    include_closed = forms.BooleanField(required=False, label="Include closed establishments")

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(f"The file must be smaller than {self.max_bytes // (1024 * 1024)} MB")
        if upload.size == 0:
            raise forms.ValidationError("The selected file is empty")
        return upload


class ProviderSearchForm(forms.Form):
    q = forms.CharField(required=False, label="Search by name, URN or local authority")


class AuditFilterForm(GovukForm):
    """Filters for the audit log (GET). They only narrow what `visible_audit_events` allows."""

    who = forms.CharField(label="Who", required=False, max_length=200, help_text="Part of a name or email address")
    action = forms.ChoiceField(label="What happened", required=False)
    object_type = forms.ChoiceField(label="Type of record", required=False)
    date_from = GovukDateField(label="From", required=False, help_text="A date in UK time")
    date_to = GovukDateField(label="To", required=False, help_text="A date in UK time")

    def __init__(self, *args: Any, actions: list[tuple[str, str]], object_types: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["action"]).choices = [("", "Anything"), *actions]
        cast(forms.ChoiceField, self.fields["object_type"]).choices = [("", "Any record"), *object_types]
        for name, which in (("date_from", "from"), ("date_to", "to")):
            self.fields[name].error_messages["invalid"] = f"The '{which}' date must be a real date"
            self.fields[name].error_messages["incomplete"] = f"The '{which}' date must include a %(missing)s"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return data
