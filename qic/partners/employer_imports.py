"""Reading a CSV of employers into a school's directory: a plan to preview (what will be added,
duplicates, every bad row with its line and reason), then `directory_actions.import_employers`
adds all of it or nothing.

Synchronous, unlike learner and register imports (jobs on the task queue): a directory file is
small. It is refused above MAX_ROWS rows or MAX_BYTES bytes, sizes a request checks and saves
in well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from qic.core.tabular import Advice, Column, Row, RowError, TableFileError, missing_columns_message, open_table
from qic.domain import employers as rules
from qic.domain.postcodes import normal_postcode
from qic.organisations.models import Provider
from qic.partners.directory_queries import visible_employers
from qic.partners.models import Employer, EmployerContact

MAX_ROWS = 5_000
MAX_BYTES = 2 * 1024 * 1024


class EmployerFileError(TableFileError):
    """The file as a whole cannot be read; the message says why."""


COLUMNS = (
    Column("name", ("name", "employer", "employer name", "organisation", "organisation name")),
    Column("sector", ("sector",)),
    Column("size", ("size", "size band", "employees", "number of employees")),
    Column("self_employed", ("self employed", "self-employed")),
    Column("town", ("town", "town or city", "city")),
    Column("postcode", ("postcode", "post code")),
    Column("website", ("website", "web site", "url")),
    Column("contact_name", ("contact name", "contact")),
    Column("contact_email", ("contact email", "email")),
    Column("contact_phone", ("contact phone", "phone", "telephone")),
    Column("contact_job_title", ("contact job title", "job title")),
)
_ADVICE = Advice(workbook="save the sheet as CSV (CSV UTF-8)", encoding="save it as CSV UTF-8")
_EMAIL = EmailValidator()
_URL = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class Duplicate:
    line: int
    name: str
    postcode: str
    same_as: str  # "Acme Ltd already in the directory", "line 4 of this file"


@dataclass
class ImportPlan:
    """What a file would add: the new employers (each with its line and contact), the duplicates
    left out, and the rows that stop the import."""

    employers: list[tuple[int, Employer, EmployerContact | None]] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def can_confirm(self) -> bool:
        return not self.errors and bool(self.employers)


def _field(value: str, limit: int, label: str, reasons: list[str]) -> str:
    if len(value) > limit:
        reasons.append(f"{label} is longer than {limit} characters")
    return value[:limit]


def plan_import(provider: Provider, data: bytes) -> ImportPlan:
    """Check a file against the provider's directory (and the employers its trust shares with it).
    Raises EmployerFileError for a file that cannot be read as a whole."""
    if len(data) > MAX_BYTES:
        raise EmployerFileError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it into smaller files")
    table = open_table(data, COLUMNS, error=EmployerFileError, advice=_ADVICE)
    if not table.header.has("name"):
        raise EmployerFileError(missing_columns_message(["name"]) + ". The first row must name the columns.")
    known: rules.DuplicateIndex[str] = rules.DuplicateIndex()
    for employer in visible_employers(provider).select_related("provider").only("name", "postcode", "provider__name"):
        whose = "" if employer.provider_id == provider.pk else f", shared by {employer.provider.name}"
        known.add(employer.name, employer.postcode, f"{employer.name} already in the directory{whose}")
    plan = ImportPlan()
    rows = 0
    for row in table.rows(plan.errors):
        rows += 1
        if rows > MAX_ROWS:
            raise EmployerFileError(f"The file has more than {MAX_ROWS:,} employers: split it into smaller files")
        reasons: list[str] = []
        name = _field(" ".join(row["name"].split()), 200, "The name", reasons)
        if not name:
            reasons.append(f"{row.label('name')} is blank")
        sector = size = None
        try:
            sector = rules.sector_from_text(row["sector"])
        except ValueError as exc:
            reasons.append(f"{row.label('sector')}: {exc}")
        try:
            size = rules.size_band_from_text(row["size"])
        except ValueError as exc:
            reasons.append(f"{row.label('size')}: {exc}")
        try:
            self_employed = rules.yes_no(row["self_employed"])
        except ValueError as exc:
            reasons.append(f"{row.label('self_employed')}: {exc}")
            self_employed = False
        postcode = ""
        if row["postcode"]:
            postcode = normal_postcode(row["postcode"]) or ""
            if not postcode:
                reasons.append(f"{row.label('postcode')} {row['postcode']!r} is not a UK postcode")
        website = row["website"]
        if website and not website.casefold().startswith(("http://", "https://")):
            website = f"https://{website}"
        if website:
            try:
                _URL(website)
            except ValidationError:
                reasons.append(f"{row.label('website')} {row['website']!r} is not a web address")
        contact = _contact(row, reasons)
        if reasons:
            plan.errors.append(RowError(line=row.line, reason="; ".join(reasons)))
            continue
        same = known.find(name, postcode)
        if same is not None:
            plan.duplicates.append(Duplicate(row.line, name, postcode, same))
            continue
        known.add(name, postcode, f"line {row.line} of this file")
        employer = Employer(
            provider=provider,
            name=name,
            sector=sector or "",
            size_band=size.value if size else "",
            self_employed=self_employed,
            town=_field(row["town"], 120, row.label("town"), reasons),
            postcode=postcode,
            website=_field(website, 200, row.label("website"), reasons),
        )
        if reasons:
            plan.errors.append(RowError(line=row.line, reason="; ".join(reasons)))
            continue
        plan.employers.append((row.line, employer, contact))
    plan.errors.sort(key=lambda error: error.line)
    return plan


def _contact(row: Row, reasons: list[str]) -> EmployerContact | None:
    name = row["contact_name"]
    email, phone, title = row["contact_email"], row["contact_phone"], row["contact_job_title"]
    if not (name or email or phone or title):
        return None
    if not name:
        reasons.append(f"{row.label('contact_name')} is blank but the row has other contact details")
    if email:
        try:
            _EMAIL(email)
        except ValidationError:
            reasons.append(f"{row.label('contact_email')} {email!r} is not an email address")
    return EmployerContact(
        name=_field(name, 200, row.label("contact_name"), reasons),
        email=_field(email, 254, row.label("contact_email"), reasons),
        phone=_field(phone, 40, row.label("contact_phone"), reasons),
        job_title=_field(title, 200, row.label("contact_job_title"), reasons),
    )
