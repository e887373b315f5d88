"""Read the GIAS establishment extract (`edubasealldataYYYYMMDD.csv`).

Get Information about Schools publishes every establishment in England as one CSV:
about 51,000 rows and 120-140 columns, in Windows-1252, with a column set that drifts
between releases. So this reader picks the columns it needs by name, tolerates missing
optional columns and extra ones, and reports row-level problems with the physical line
number, so that a person can open the file in an editor and find the row.

Standard library only (no Django), so the same function serves an upload view, a
management command or a test, and can be tested without a database.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from qic.domain.provider_types import ProviderType, provider_type_for
from qic.domain.ukprn import is_ukprn_key

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence


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


@dataclass(frozen=True)
class GiasRowError:
    line: int  # 1-based physical line number in the file, header = line 1
    reason: str


@dataclass(frozen=True)
class GiasReadResult:
    records: list[GiasRecord]
    skipped_closed: int
    errors: list[GiasRowError]


class GiasFileError(ValueError):
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
)

_CLOSED = "closed"
_HAS_SIXTH_FORM = "Has a sixth form"
_ZIP_MAGIC = b"PK\x03\x04"
# GIAS writes ".." for a figure it does not have or will not publish.
_NOT_AVAILABLE = ".."
_WHOLE_NUMBER = re.compile(r"[0-9]+")
# The file is checked and read in pieces of this size, never decoded whole.
_CHUNK = 1 << 20
# How often (in rows) a reader reports progress.
PROGRESS_EVERY = 2_000


def read_gias(
    data: bytes, *, include_closed: bool = False, progress: Callable[[int], None] | None = None
) -> GiasReadResult:
    """Parse a GIAS extract.

    Establishments whose status is "Closed" are counted in `skipped_closed` and left out
    unless `include_closed`. A row with a problem goes to `errors` (with its line number)
    and not to `records`; the other rows are still read, so one bad row does not stop an
    import of 51,000. Raises GiasFileError when the file as a whole cannot be read.

    The bytes are checked and decoded as a stream (no decoded copy of the whole file), and
    `progress(rows_read)` is called every PROGRESS_EVERY rows and at the end.
    """
    codec, skip = _encoding_of(data)
    stream = io.BytesIO(data)  # shares `data`'s buffer: no copy
    stream.seek(skip)
    text = io.TextIOWrapper(stream, encoding=codec, newline="")
    # strict=True turns broken quoting (an unclosed quote swallowing the rest of the file,
    # text after a closing quote) into an error instead of silently merged rows.
    reader = csv.reader(text, strict=True)
    rows = _numbered_rows(reader)
    columns = _column_positions(_read_header(rows))
    return _read_rows(rows, columns, include_closed=include_closed, progress=progress)


def check_gias_file(data: bytes) -> None:
    """Raise GiasFileError if the file as a whole cannot be read (encoding, CSV of the header,
    required columns): the quick check an upload page makes before queuing the import."""
    codec, skip = _encoding_of(data)
    stream = io.BytesIO(data)
    stream.seek(skip)
    rows = _numbered_rows(csv.reader(io.TextIOWrapper(stream, encoding=codec, newline=""), strict=True))
    _column_positions(_read_header(rows))


class _CsvReader(Protocol):
    """What we use of csv.reader's result (its class is private to _csv)."""

    @property
    def line_num(self) -> int: ...

    def __next__(self) -> list[str]: ...


def _numbered_rows(reader: _CsvReader) -> Iterator[tuple[int, list[str]]]:
    """Yield (physical line the row starts on, row)."""
    while True:
        # A quoted field may contain line breaks, so a record can span several physical
        # lines: it starts on the line after the last one the reader consumed.
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # Broken quoting makes every later row suspect, so this stops the whole file.
            raise GiasFileError(f"File is not valid CSV: the row starting on line {line} is broken ({exc})") from exc
        yield line, row


def _encoding_of(data: bytes) -> tuple[str, int]:
    """(codec, bytes to skip) for the file, or GiasFileError saying why it cannot be read."""
    # isspace() scans without the copy strip() would make of a 60 MB file.
    if not data or data.isspace():
        raise GiasFileError("File is empty")
    if data.startswith(_ZIP_MAGIC):
        raise GiasFileError(
            "File is a ZIP archive or Excel workbook, not CSV: download the CSV extract "
            "from GIAS, or save the sheet as CSV"
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise GiasFileError('File is in UTF-16 (Excel\'s "Unicode Text"), not CSV: save it as CSV')
    if b"\x00" in data:
        raise GiasFileError("File is binary, not CSV (it contains NUL bytes)")
    if data.startswith(codecs.BOM_UTF8):
        # Re-saved as "CSV UTF-8" by Excel: the byte-order mark says so reliably.
        skip = len(codecs.BOM_UTF8)
        _check_decodes(data, "utf-8", "File starts with a UTF-8 byte-order mark but is not valid UTF-8", skip=skip)
        return "utf-8", skip
    if not data.isascii():
        # No BOM but valid UTF-8 with non-ASCII bytes (a Google Sheets or LibreOffice
        # export) is read as UTF-8: cp1252 would "succeed" and turn "é" into "Ã©" silently.
        # Real cp1252 text is practically never valid UTF-8 (an accented letter would have
        # to be followed by exactly the right 0x80-0xBF symbol), so this guess is safe.
        try:
            _check_decodes(data, "utf-8", "", skip=0)
        except GiasFileError:
            pass
        else:
            return "utf-8", 0
    # Python's cp1252 leaves 0x81, 0x8D, 0x8F, 0x90 and 0x9D undefined and raises on
    # them, which is what we want: such a byte means the file is not what GIAS publishes.
    _check_decodes(data, "cp1252", "File is not in the Windows-1252 encoding GIAS uses", skip=0)
    return "cp1252", 0


def _check_decodes(data: bytes, codec: str, problem: str, *, skip: int) -> None:
    """Decode `data[skip:]` piece by piece, keeping nothing, to find the first bad byte."""
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(data)
    start = skip
    while True:
        piece = view[start : start + _CHUNK]
        final = start + _CHUNK >= len(data)
        # An incomplete character at the end of the last piece is kept and decoded with the next.
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(piece, final=final)
        except UnicodeDecodeError as exc:
            offset = start - pending + exc.start
            line = data.count(b"\n", 0, offset) + 1
            raise GiasFileError(f"{problem} (byte 0x{data[offset]:02X} at offset {offset}, line {line})") from exc
        if final:
            return
        start += _CHUNK


def _is_blank(row: Sequence[str]) -> bool:
    # Spreadsheets leave rows of bare commas at the end of a file: treat them as empty.
    return all(not cell.strip() for cell in row)


def _read_header(rows: Iterator[tuple[int, list[str]]]) -> list[str]:
    for _line, row in rows:
        if not _is_blank(row):
            return [cell.strip() for cell in row]
    raise GiasFileError("File is empty")


def _column_positions(header: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        # First occurrence wins; GIAS has no duplicate names, so a duplicate is a
        # hand-edited extra column, not the original.
        positions.setdefault(name, index)
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise GiasFileError(
            f"Missing required column{'s' if len(missing) > 1 else ''}: "
            f"{', '.join(missing)}. Is this the GIAS 'all establishment data' extract "
            "(edubasealldataYYYYMMDD.csv)?"
        )
    return positions


def _read_rows(
    rows: Iterator[tuple[int, list[str]]],
    columns: dict[str, int],
    *,
    include_closed: bool,
    progress: Callable[[int], None] | None = None,
) -> GiasReadResult:
    records: list[GiasRecord] = []
    errors: list[GiasRowError] = []
    skipped_closed = 0
    first_line_of_urn: dict[int, int] = {}

    def cell(row: list[str], column: str) -> str:
        # Absent column, or a short row: empty. Extra trailing fields are never looked at.
        index = columns.get(column)
        if index is None or index >= len(row):
            return ""
        return row[index].strip()

    read = 0
    for line, row in rows:
        read += 1
        if progress is not None and read % PROGRESS_EVERY == 0:
            progress(read)
        if _is_blank(row):
            continue

        status = cell(row, STATUS)
        # Closed rows are counted before they are checked: a closed school is not
        # imported, so its old data problems are not the uploader's to fix.
        if status.casefold() == _CLOSED and not include_closed:
            skipped_closed += 1
            continue

        reasons: list[str] = []
        urn = _positive_int(cell(row, URN))
        if urn is None:
            raw = cell(row, URN)
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
        name = cell(row, NAME)
        if not name:
            reasons.append("EstablishmentName is blank")
        low_age, low_problem = _optional_age(cell(row, LOW_AGE), LOW_AGE)
        high_age, high_problem = _optional_age(cell(row, HIGH_AGE), HIGH_AGE)
        reasons += [p for p in (low_problem, high_problem) if p is not None]

        if reasons or urn is None:
            errors.append(GiasRowError(line=line, reason="; ".join(reasons)))
            continue

        type_name = cell(row, TYPE)
        type_group = cell(row, TYPE_GROUP)
        phase = cell(row, PHASE)
        records.append(
            GiasRecord(
                urn=urn,
                name=name,
                provider_type=provider_type_for(
                    type_name=type_name,
                    type_group=type_group,
                    phase=phase,
                    further_education_type=cell(row, FE_TYPE),
                ),
                establishment_type=type_name,
                type_group=type_group,
                phase=phase,
                status=status,
                la_code=cell(row, LA_CODE),
                establishment_number=cell(row, ESTABLISHMENT_NUMBER),
                la_name=cell(row, LA_NAME),
                region=cell(row, REGION),
                ukprn=cell(row, UKPRN),
                postcode=cell(row, POSTCODE),
                statutory_low_age=low_age,
                statutory_high_age=high_age,
                has_sixth_form=cell(row, SIXTH_FORM) == _HAS_SIXTH_FORM,
                number_of_pupils=_pupils(cell(row, PUPILS)),
            )
        )

    if progress is not None:
        progress(read)
    return GiasReadResult(records=records, skipped_closed=skipped_closed, errors=errors)


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
