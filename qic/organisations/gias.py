"""Read the GIAS establishment extract (`edubasealldataYYYYMMDD.csv`).

Get Information about Schools publishes every establishment in England as one CSV:
about 51,000 rows and 120-140 columns, in Windows-1252, with a column set that drifts
between releases. So this reader picks the columns it needs by name, tolerates missing
optional columns and extra ones, and reports row-level problems with the physical line
number, so that a person can open the file in an editor and find the row. The file itself
(encoding, header, blank and ragged rows, quoting) is read by qic.core.tabular, as every
import's is: a row with more or fewer fields than the header is reported, never read.

Standard library only (no Django), so the same function serves an upload view, a
management command or a test, and can be tested without a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qic.core.tabular import Advice, Column, Row, RowError, Table, TableFileError, missing_columns_message, open_table
from qic.domain.postcodes import normal_postcode
from qic.domain.provider_types import ProviderType, provider_type_for
from qic.domain.ukprn import is_ukprn_key

if TYPE_CHECKING:
    from collections.abc import Callable


# slots: a national extract is ~51,000 records held at once, and slots halve their size.
@dataclass(frozen=True, slots=True)
class GiasRecord:
    urn: int
    name: str
    provider_type: ProviderType
    establishment_type: str
    type_group: str
    phase: str
    status: str  # EstablishmentStatus (name)
    la_code: str
    la_name: str
    region: str  # GOR (name)
    ukprn: str  # "" when missing
    postcode: str
    statutory_low_age: int | None
    statutory_high_age: int | None
    has_sixth_form: bool  # OfficialSixthForm (name) == "Has a sixth form"
    number_of_pupils: int | None
    establishment_number: str = ""  # EstablishmentNumber; with la_code, the DfE number CTFs use
    trust_code: str = ""  # Trusts (code): the multi-academy trust, "" when none
    trust_name: str = ""  # Trusts (name)


# A row that was not read: its physical line (header = line 1) and why.
GiasRowError = RowError


@dataclass(frozen=True)
class GiasReadResult:
    records: list[GiasRecord]
    skipped_closed: int
    errors: list[RowError]
    # Values that were not stored but did not stop their row (a postcode that is not one),
    # with their line: the establishment is imported without them.
    notices: list[RowError] = field(default_factory=list)


class GiasFileError(TableFileError):
    """Whole-file problem: not CSV, missing required column(s) — message names them."""


# Column names as GIAS writes them in the header row.
URN = "URN"
NAME = "EstablishmentName"
TYPE = "TypeOfEstablishment (name)"
STATUS = "EstablishmentStatus (name)"
TYPE_GROUP = "EstablishmentTypeGroup (name)"
PHASE = "PhaseOfEducation (name)"
FE_TYPE = "FurtherEducationType (name)"
LA_CODE = "LA (code)"
ESTABLISHMENT_NUMBER = "EstablishmentNumber"
LA_NAME = "LA (name)"
REGION = "GOR (name)"
UKPRN = "UKPRN"
POSTCODE = "Postcode"
LOW_AGE = "StatutoryLowAge"
HIGH_AGE = "StatutoryHighAge"
SIXTH_FORM = "OfficialSixthForm (name)"
PUPILS = "NumberOfPupils"
TRUST_CODE = "Trusts (code)"
TRUST_NAME = "Trusts (name)"

REQUIRED_COLUMNS = (URN, NAME, TYPE, STATUS)
OPTIONAL_COLUMNS = (
    TYPE_GROUP,
    PHASE,
    FE_TYPE,
    LA_CODE,
    ESTABLISHMENT_NUMBER,
    LA_NAME,
    REGION,
    UKPRN,
    POSTCODE,
    LOW_AGE,
    HIGH_AGE,
    SIXTH_FORM,
    PUPILS,
    TRUST_CODE,
    TRUST_NAME,
)

_CLOSED = "closed"
_HAS_SIXTH_FORM = "Has a sixth form"
# GIAS writes ".." for a figure it does not have or will not publish.
_NOT_AVAILABLE = ".."
_WHOLE_NUMBER = re.compile(r"[0-9]+")
# How often (in rows) a reader reports progress.
PROGRESS_EVERY = 2_000


_COLUMNS = tuple(Column(name, (name,)) for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS))
_ADVICE = Advice(
    workbook="download the CSV extract from GIAS, or save the sheet as CSV",
    encoding="download the extract from GIAS again",
)


def read_gias(
    data: bytes, *, include_closed: bool = False, progress: Callable[[int], None] | None = None
) -> GiasReadResult:
    """Parse a GIAS extract.

    Establishments whose status is "Closed" are counted in `skipped_closed` and left out
    unless `include_closed`. A row with a problem goes to `errors` (with its line number)
    and not to `records`; the other rows are still read, so one bad row does not stop an
    import of 51,000. A postcode that is not a UK postcode is left blank and goes to
    `notices`. Raises GiasFileError when the file as a whole cannot be read.

    The bytes are checked and decoded as a stream (no decoded copy of the whole file), and
    `progress(rows_read)` is called every PROGRESS_EVERY rows and at the end.
    """
    return _read_rows(_open(data), include_closed=include_closed, progress=progress)


def check_gias_file(data: bytes) -> None:
    """Raise GiasFileError if the file as a whole cannot be read (encoding, CSV of the header,
    required columns): the quick check an upload page makes before queuing the import."""
    _open(data)


def _open(data: bytes) -> Table:
    table = open_table(data, _COLUMNS, error=GiasFileError, advice=_ADVICE)
    missing = [name for name in REQUIRED_COLUMNS if not table.header.has(name)]
    if missing:
        raise GiasFileError(
            f"{missing_columns_message(missing)}. Is this the GIAS 'all establishment data' extract "
            "(edubasealldataYYYYMMDD.csv)?"
        )
    return table


def _read_rows(
    table: Table,
    *,
    include_closed: bool,
    progress: Callable[[int], None] | None = None,
) -> GiasReadResult:
    records: list[GiasRecord] = []
    errors: list[RowError] = []
    notices: list[RowError] = []
    skipped_closed = 0
    first_line_of_urn: dict[int, int] = {}

    read = 0
    # A row with more or fewer fields than the header goes to `errors` without being seen here.
    for row in table.rows(errors):
        read += 1
        if progress is not None and read % PROGRESS_EVERY == 0:
            progress(read)
        line = row.line

        status = row[STATUS]
        # Closed rows are counted before they are checked: a closed school is not
        # imported, so its old data problems are not the uploader's to fix.
        if status.casefold() == _CLOSED and not include_closed:
            skipped_closed += 1
            continue

        reasons: list[str] = []
        urn = _positive_int(row[URN])
        if urn is None:
            raw = row[URN]
            reasons.append(f"URN {raw!r} is not a positive whole number" if raw else "URN is blank")
        elif is_ukprn_key(urn):
            # An independent training provider's key: a GIAS URN is six digits, so this is a
            # mistaken file (a UKPRN column read as URN), and it would overwrite that provider.
            reasons.append(f"URN {urn} is not a GIAS URN: it is in the UKPRN range of independent training providers")
        elif urn in first_line_of_urn:
            first = first_line_of_urn[urn]
            reasons.append(f"URN {urn} is a duplicate: it is already on line {first}")
        else:
            # Remembered even if this row has other problems: the URN is still taken, and
            # the message for a later copy should point at the first line that has it.
            first_line_of_urn[urn] = line
        name = row[NAME]
        if not name:
            reasons.append("EstablishmentName is blank")
        low_age, low_problem = _optional_age(row[LOW_AGE], LOW_AGE)
        high_age, high_problem = _optional_age(row[HIGH_AGE], HIGH_AGE)
        reasons += [p for p in (low_problem, high_problem) if p is not None]

        if reasons or urn is None:
            errors.append(RowError(line=line, reason="; ".join(reasons)))
            continue

        postcode = _postcode(row, notices)
        type_name = row[TYPE]
        type_group = row[TYPE_GROUP]
        phase = row[PHASE]
        records.append(
            GiasRecord(
                urn=urn,
                name=name,
                provider_type=provider_type_for(
                    type_name=type_name,
                    type_group=type_group,
                    phase=phase,
                    further_education_type=row[FE_TYPE],
                ),
                establishment_type=type_name,
                type_group=type_group,
                phase=phase,
                status=status,
                la_code=row[LA_CODE],
                establishment_number=row[ESTABLISHMENT_NUMBER],
                la_name=row[LA_NAME],
                region=row[REGION],
                ukprn=row[UKPRN],
                postcode=postcode,
                statutory_low_age=low_age,
                statutory_high_age=high_age,
                has_sixth_form=row[SIXTH_FORM] == _HAS_SIXTH_FORM,
                number_of_pupils=_pupils(row[PUPILS]),
                trust_code=row[TRUST_CODE][:20],
                trust_name=row[TRUST_NAME][:300],
            )
        )

    if progress is not None:
        progress(read)
    return GiasReadResult(records=records, skipped_closed=skipped_closed, errors=errors, notices=notices)


def _postcode(row: Row, notices: list[RowError]) -> str:
    """The row's postcode as a postcode is written, or "" (with a notice) when it is not one.

    Not a row error: the postcode is shown to people and decides nothing, and a row error
    stops the whole import (all or nothing), so one odd value in the national extract (an
    overseas school's address, say) would stop every refresh. Not stored as it is either:
    a value that is not a postcode is wrong in a postcode field.
    """
    text = row[POSTCODE]
    if not text:
        return ""
    postcode = normal_postcode(text)
    if postcode is None:
        notices.append(
            RowError(line=row.line, reason=f"{row.label(POSTCODE)} {text!r} is not a UK postcode, so it was left blank")
        )
        return ""
    return postcode


def _positive_int(text: str) -> int | None:
    # fullmatch on [0-9]+, not int(): int() also takes "+5", " 5", "5_000" and "٥".
    if not _WHOLE_NUMBER.fullmatch(text):
        return None
    value = int(text)
    return value if value > 0 else None


def _optional_age(text: str, column: str) -> tuple[int | None, str | None]:
    """(age, None), (None, None) when blank, or (None, reason)."""
    if not text:
        return None, None
    if not _WHOLE_NUMBER.fullmatch(text):
        return None, f"{column} {text!r} is not a whole number"
    return int(text), None


def _pupils(text: str) -> int | None:
    # Blank, ".." (not available) or anything else unusable is simply unknown: the pupil
    # count is context shown to people, never used to decide anything, so a bad value
    # is not worth rejecting an otherwise good establishment for.
    if text == _NOT_AVAILABLE or not _WHOLE_NUMBER.fullmatch(text):
        return None
    return int(text)
