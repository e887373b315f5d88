"""Read learner lists: our CSV format, the DfE Common Transfer File (CTF), and registers.

Three readers, one shape of answer. Each returns the rows it could read and, for every row it
could not, a RowError with the physical line (CSV) or the pupil's ordinal (CTF), so that a
person can find and fix the row; one bad row never stops the others. A problem with the file
as a whole (wrong encoding, a required column missing, not XML, not a CTF) raises
LearnerFileError instead, with a message that says what to do.

CSV: the columns in LEARNER_CSV_COLUMNS (schools) or COLLEGE_CSV_COLUMNS (colleges). The file
is read by qic.core.tabular, as every import's is: headers are matched ignoring case, spaces,
underscores and hyphens, the common MIS spellings in COLUMN_ALIASES are accepted (so a SIMS,
Arbor or Bromcom export usually loads as it is), columns we do not know are ignored, and a
row with more or fewer fields than the header is reported, never read. UTF-8 (with or
without a byte-order mark) is read as UTF-8; anything else as Windows-1252, which is what
Excel writes on a UK Windows PC.

CTF: the XML that school MIS systems exchange (root `CTfile`, pupils at
`CTFpupilData/Pupil`). Only the parts we use are read; DTDs are refused, so entity-expansion
("billion laughs") and external-entity attacks cannot start.

Standard library only (no Django), so an upload view, a management command and a test can
all use it, and it can be tested without a database.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn
from xml.etree import ElementTree
from xml.parsers import expat
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from qic.core.tabular import (
    Column,
    Header,
    Row,
    RowError,
    Table,
    TableFileError,
    missing_columns_message,
    open_table,
)
from qic.domain.academic import age_on, chronological_year_group
from qic.domain.dates import OLDEST_LEARNER, YOUNGEST_LEARNER
from qic.domain.upn import validate_upn

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence


@dataclass(frozen=True)
class LearnerRow:
    line: int  # physical line (CSV, header = 1) or the Pupil element's ordinal (CTF, 1-based)
    upn: str  # "" if the file gives only a ULN (colleges)
    uln: str  # "" if none; 10 digits when present
    forename: str
    surname: str
    date_of_birth: dt.date
    sex: str  # "F", "M" or "U" (unknown / not stated)
    year_group: int | None  # NC year 7..14 for schools; None allowed for colleges
    registration_group: str  # form / class, "" if none
    pupil_premium: bool
    free_school_meals: bool
    sen_support: bool
    ehc_plan: bool
    looked_after: bool
    young_carer: bool
    eal: bool
    considering_higher_education: bool
    study_programme: str  # colleges
    curriculum_area: str  # colleges
    programme_end: dt.date | None  # colleges: expected end of study programme
    part_time_job: bool  # colleges: learner's own part-time employment recorded


@dataclass(frozen=True)
class School:
    """A school as a CTF header names it: LA code and establishment number, and maybe a URN."""

    la: str  # "" if absent
    estab: str  # "" if absent
    urn: str  # "" if absent
    name: str  # "" if absent

    @property
    def dfe_number(self) -> str:
        """'888/9002', or "" when the header does not give both parts as digits."""
        if self.la.isdigit() and self.estab.isdigit():
            return f"{self.la}/{self.estab}"
        return ""

    def describe(self) -> str:
        parts = [self.name] if self.name else []
        if self.urn:
            parts.append(f"URN {self.urn}")
        if self.dfe_number:
            parts.append(f"DfE number {self.dfe_number}")
        return ", ".join(parts) or "no school named"


@dataclass(frozen=True)
class CtfHeader:
    source: School
    destination: School
    academic_year: int | None  # SourceSchool/AcademicYear: the year the file's year groups are for


@dataclass(frozen=True)
class ParseResult:
    rows: list[LearnerRow]
    errors: list[RowError]
    # CTF only; not compared, so a test can state just the rows and errors it expects.
    header: CtfHeader | None = field(default=None, compare=False)


@dataclass(frozen=True)
class AttendanceRow:
    line: int
    upn: str
    uln: str
    attended: bool


@dataclass(frozen=True)
class AttendanceResult:
    rows: list[AttendanceRow]
    errors: list[RowError]


class LearnerFileError(TableFileError):
    """Whole-file problem: encoding, missing column(s) (named), not XML, not a CTF, empty."""


# --- Columns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    key: str
    names: tuple[str, ...]  # our name first, then MIS spellings, in order of preference
    school_required: bool
    college_required: bool
    description: str


_COLUMNS: tuple[_Column, ...] = (
    _Column(
        "upn",
        ("UPN", "Unique pupil number"),
        True,
        False,
        "Unique Pupil Number: 13 characters, check letter first. Colleges: UPN or ULN on each row.",
    ),
    _Column(
        "uln",
        ("ULN", "Unique learner number"),
        False,
        False,
        "Unique Learner Number: 10 digits. Colleges: UPN or ULN on each row.",
    ),
    _Column("forename", ("Forename", "Legal forename", "First name"), True, True, "Legal forename."),
    _Column("surname", ("Surname", "Legal surname", "Last name"), True, True, "Legal surname."),
    _Column(
        "date_of_birth",
        ("Date of birth", "DOB"),
        True,
        True,
        "dd/mm/yyyy, dd-mm-yyyy or yyyy-mm-dd; the learner must be 3 to 25 years old.",
    ),
    _Column("sex", ("Sex", "Gender"), True, True, "M, F, or U if not known (also Male, Female, Unknown)."),
    _Column(
        "year_group",
        ("Year group", "Year", "NC year", "NCyearActual"),
        True,
        False,
        "National curriculum year 7 to 14, written 7, 07, Y7 or Year 7. Optional for colleges.",
    ),
    _Column(
        "registration_group",
        ("Registration group", "Reg group", "Form", "Class"),
        False,
        False,
        "Form or tutor group.",
    ),
    _Column("pupil_premium", ("Pupil premium", "PP"), False, False, "Y or N (blank = N)."),
    _Column(
        "free_school_meals",
        ("Free school meals", "FSM", "FSM eligible"),
        False,
        False,
        "Eligible for free school meals: Y or N (blank = N).",
    ),
    _Column(
        "sen",
        ("SEN support", "SEN status"),
        False,
        False,
        "SEN support: Y or N, or the census SEN provision code: K (SEN support), E (EHC plan), N (none).",
    ),
    _Column("ehc_plan", ("EHC plan", "EHCP"), False, False, "Has an education, health and care plan: Y or N."),
    _Column("looked_after", ("Looked after", "LAC", "CLA"), False, False, "Looked-after child: Y or N."),
    _Column("young_carer", ("Young carer",), False, False, "Y or N."),
    _Column("eal", ("EAL",), False, False, "English as an additional language: Y or N."),
    _Column(
        "considering_higher_education",
        ("Considering HE",),
        False,
        False,
        "Considering higher education (for university visits, benchmark 7): Y or N.",
    ),
    _Column(
        "study_programme",
        ("Study programme",),
        False,
        True,
        "Colleges: the learner's study programme, e.g. 'Level 3 Extended Diploma in Engineering'.",
    ),
    _Column(
        "curriculum_area",
        ("Curriculum area",),
        False,
        True,
        "Colleges: the curriculum area, e.g. 'Engineering' or 'Health and Social Care'.",
    ),
    _Column(
        "programme_end",
        ("Programme end",),
        False,
        False,
        "Colleges: expected end date of the study programme, as a date.",
    ),
    _Column(
        "part_time_job",
        ("Part-time job",),
        False,
        False,
        "Colleges: the learner has a part-time job (benchmark 5): Y or N.",
    ),
)


def _described(column: _Column) -> str:
    others = column.names[1:]
    return column.description + (f" Also read from: {', '.join(others)}." if others else "")


# (column name, required, description), for the upload page and the README.
LEARNER_CSV_COLUMNS: list[tuple[str, bool, str]] = [(c.names[0], c.school_required, _described(c)) for c in _COLUMNS]
COLLEGE_CSV_COLUMNS: list[tuple[str, bool, str]] = [(c.names[0], c.college_required, _described(c)) for c in _COLUMNS]
# Our column name -> every header spelling accepted for it (our name first).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {c.names[0]: c.names for c in _COLUMNS}

_ATTENDANCE_COLUMNS: tuple[_Column, ...] = (
    _COLUMNS[0],
    _COLUMNS[1],
    _Column("attended", ("Attended", "Attendance", "Present"), False, False, "Y/N, Present/Absent, P/A or 1/0."),
)


def _table_columns(columns: Sequence[_Column]) -> tuple[Column, ...]:
    return tuple(Column(c.key, c.names) for c in columns)


_LEARNER_TABLE = _table_columns(_COLUMNS)
_ATTENDANCE_TABLE = _table_columns(_ATTENDANCE_COLUMNS)


# --- Values --------------------------------------------------------------------------------

_TRUE = frozenset({"Y", "YES", "TRUE", "1"})
_FALSE = frozenset({"", "N", "NO", "FALSE", "0"})
_SEX = {
    "M": "M",
    "MALE": "M",
    "F": "F",
    "FEMALE": "F",
    "U": "U",
    "UNKNOWN": "U",
    "NOTKNOWN": "U",
    "NOTSTATED": "U",
    "X": "U",
}
# Census SEN provision codes (and words for them) -> (SEN support, EHC plan).
_SEN_CODES = {
    "K": (True, False),
    "SENSUPPORT": (True, False),
    "E": (False, True),
    "EHC": (False, True),
    "EHCP": (False, True),
    "EHCPLAN": (False, True),
    "N": (False, False),
    "NONE": (False, False),
}
_ATTENDED = {
    "": True,
    "Y": True,
    "YES": True,
    "TRUE": True,
    "1": True,
    "P": True,
    "PRESENT": True,
    "ATTENDED": True,
    "N": False,
    "NO": False,
    "FALSE": False,
    "0": False,
    "A": False,
    "ABSENT": False,
}
_FIRST_YEAR, _LAST_YEAR = 7, 14  # secondary and post-16 years QiC covers
_MIN_AGE, _MAX_AGE = YOUNGEST_LEARNER, OLDEST_LEARNER  # the same bounds as the learner form
_YEAR_GROUP = re.compile(r"(?:YEAR|YR|Y|NC)?\s*([0-9]{1,2})")
_DMY = re.compile(r"([0-9]{1,2})([/-])([0-9]{1,2})\2([0-9]{4})")
_YMD = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
# (pattern, positions of the year, month and day groups)
_CSV_DATE_FORMATS = ((_DMY, (4, 3, 1)), (_YMD, (1, 2, 3)))
_CTF_DATE_FORMATS = ((_ISO, (1, 2, 3)),)
_ULN_PLACEHOLDER = "9999999999"
# Codes for a first language that is English, or that was not obtained or refused.
_NOT_EAL = frozenset({"ENG", "ENB", "NOT", "REF"})
_ENGLAND = "Europe/London"


def _squash(text: str) -> str:
    """Upper case without spaces, underscores or hyphens: 'Not known' -> 'NOTKNOWN'."""
    return re.sub(r"[\s_\-]+", "", text).upper()


def _identifier(text: str) -> str:
    """A UPN or ULN as typed -> as stored: spaces removed, letters upper-cased."""
    return re.sub(r"\s+", "", text).upper()


def uln_problem(uln: str) -> str | None:
    """None if `uln` is a well-formed Unique Learner Number, else why not.

    A ULN is 10 digits, the first not 0, the last a check digit: weight digits 1-9 by 10, 9,
    ..., 2, add up and take the remainder mod 11; the check digit is 10 minus that remainder,
    and a remainder of 0 means there is no valid ULN with those nine digits. This is the rule
    in the ESFA ILR validation (derived data DD01) and HESA's ULN field guidance, which
    checks 9276308686. 9999999999 is what the ILR writes for a learner who has no ULN yet.
    """
    if len(uln) != 10:
        return f"must be 10 digits (this has {len(uln)} characters)"
    if not (uln.isascii() and uln.isdigit()):
        return "must be 10 digits"
    if uln == _ULN_PLACEHOLDER:
        return "this means 'no ULN yet', so leave the ULN blank"
    if uln[0] == "0":
        return "must not start with 0"
    remainder = sum(int(digit) * weight for digit, weight in zip(uln[:9], range(10, 1, -1), strict=True)) % 11
    if remainder == 0:
        return "no check digit fits its first nine digits"
    expected = 10 - remainder
    if int(uln[9]) != expected:
        return f"check digit should be {expected}, not {uln[9]}"
    return None


def _today_in_england() -> dt.date:
    try:
        return dt.datetime.now(ZoneInfo(_ENGLAND)).date()
    except ZoneInfoNotFoundError:  # no time-zone database: UTC is at most an hour out
        return dt.datetime.now(dt.UTC).date()


def _date(text: str, pattern: re.Pattern[str], order: tuple[int, int, int]) -> dt.date | None:
    """`text` as a date if it matches `pattern` (groups for year, month, day at `order`)."""
    match = pattern.fullmatch(text)
    if match is None:
        return None
    year, month, day = (int(match.group(i)) for i in order)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _parse_date(text: str, label: str, *, iso_only: bool = False) -> tuple[dt.date | None, str | None]:
    """(date, None) or (None, reason). `text` is not blank."""
    formats = _CTF_DATE_FORMATS if iso_only else _CSV_DATE_FORMATS
    found = next((day for pattern, order in formats if (day := _date(text, pattern, order)) is not None), None)
    if found is None:
        return None, f"unparseable date {text!r} in {label}"
    return found, None


def _birth_problem(date_of_birth: dt.date, text: str, label: str, today: dt.date) -> str | None:
    if date_of_birth > today:
        return f"{label} {text!r} is in the future"
    age = age_on(date_of_birth, today)
    if not _MIN_AGE <= age <= _MAX_AGE:
        return f"{label} {text!r} gives an age of {age}: learners must be {_MIN_AGE} to {_MAX_AGE}"
    return None


def _year_group(text: str) -> int | None:
    """'7', '07', 'Y7', 'Year 7' -> 7; None for anything that is not Year 7 to 14."""
    match = _YEAR_GROUP.fullmatch(text.strip().upper())
    if match is None:
        return None
    year = int(match.group(1))
    return year if _FIRST_YEAR <= year <= _LAST_YEAR else None


# --- Reading CSV ---------------------------------------------------------------------------


def _open(data: bytes, columns: Sequence[Column]) -> Table:
    return open_table(data, columns, error=LearnerFileError)


def _missing(names: list[str]) -> NoReturn:
    raise LearnerFileError(missing_columns_message(names))


def _require_columns(header: Header, columns: Sequence[_Column], *, college: bool) -> None:
    missing: list[str] = []
    if college and not (header.has("upn") or header.has("uln")):
        missing.append("UPN or ULN")
    for column in columns:
        required = column.college_required if college else column.school_required
        if required and not header.has(column.key):
            others = column.names[1:]
            missing.append(column.names[0] + (f" (or {', '.join(others)})" if others else ""))
    if missing:
        _missing(missing)


class _Identifiers:
    """Checks UPNs and ULNs and remembers where each was first seen."""

    def __init__(self, already: str) -> None:
        self._already = already  # where the first copy is, with {first} for its line or ordinal
        self._first: dict[tuple[str, str], int] = {}

    def check(self, kind: str, raw: str, line: int, reasons: list[str]) -> str:
        """The identifier, cleaned; "" and a reason in `reasons` if it is bad."""
        value = _identifier(raw)
        if not value:
            return ""
        problem = validate_upn(value) if kind == "UPN" else uln_problem(value)
        if problem is not None:
            reasons.append(f"bad {kind} {value!r}: {problem}")
            return ""
        first = self._first.setdefault((kind, value), line)
        if first != line:
            # The first row keeps the identifier even if it has other problems: the message
            # for a later copy points at the first line that has it.
            reasons.append(f"{kind} {value} is a duplicate: {self._already.format(first=first)}")
        return value


def _flag(cells: Row, key: str, reasons: list[str]) -> bool:
    text = cells[key]
    value = text.upper()
    if value in _TRUE:
        return True
    if value not in _FALSE:
        reasons.append(f"bad yes/no value {text!r} in {cells.label(key)}")
    return False


def _sen(cells: Row, reasons: list[str]) -> tuple[bool, bool]:
    """(SEN support, EHC plan) from the SEN column: a yes/no flag or a census code."""
    text = cells["sen"]
    value = _squash(text)
    if value in _SEN_CODES:
        return _SEN_CODES[value]
    if value in _TRUE:
        return True, False
    if value not in _FALSE:
        reasons.append(f"unknown SEN value {text!r} in {cells.label('sen')}: use K, E, N, Y or blank")
    return False, False


def _sex(text: str, label: str, reasons: list[str]) -> str:
    if not text:
        reasons.append(f"{label} is required")
        return ""
    sex = _SEX.get(_squash(text))
    if sex is None:
        reasons.append(f"unknown sex {text!r}: use M, F or U")
        return ""
    return sex


def _text(cells: Row, key: str, required: bool, reasons: list[str]) -> str:
    text = cells[key]
    if required and not text:
        reasons.append(f"{cells.label(key)} is required")
    return text


# A parser told `on_rows` reports the rows read so far after every this many.
ROWS_PER_REPORT = 1000


def parse_learner_csv(
    data: bytes,
    *,
    college: bool = False,
    today: dt.date | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> ParseResult:
    """Read a learner list in our CSV format (see LEARNER_CSV_COLUMNS / COLLEGE_CSV_COLUMNS).

    `college`: the file is from a college, so a ULN may stand in for the UPN, the year group
    is optional and the study programme and curriculum area are required. `today` (default:
    today in England) is the day ages are checked on. `on_rows(n)` is told every
    ROWS_PER_REPORT rows how many have been read. Raises LearnerFileError when the file as a
    whole cannot be read.
    """
    today = today or _today_in_england()
    table = _open(data, _LEARNER_TABLE)
    _require_columns(table.header, _COLUMNS, college=college)
    identifiers = _Identifiers("it is already on line {first}")
    learners: list[LearnerRow] = []
    errors: list[RowError] = []
    # A row with more or fewer fields than the header goes to `errors` without being seen here.
    for row in table.rows(errors):
        reasons: list[str] = []
        learner = _learner_from_csv(row, identifiers, reasons, college=college, today=today)
        if reasons or learner is None:
            errors.append(RowError(line=row.line, reason="; ".join(reasons)))
        else:
            learners.append(learner)
        if on_rows is not None and (len(learners) + len(errors)) % ROWS_PER_REPORT == 0:
            on_rows(len(learners) + len(errors))
    return ParseResult(rows=learners, errors=errors)


def _learner_from_csv(
    cells: Row, identifiers: _Identifiers, reasons: list[str], *, college: bool, today: dt.date
) -> LearnerRow | None:
    line = cells.line
    upn = identifiers.check("UPN", cells["upn"], line, reasons)
    uln = identifiers.check("ULN", cells["uln"], line, reasons)
    if college and not (cells["upn"] or cells["uln"]):
        reasons.append("UPN or ULN is required")
    elif not college and not cells["upn"]:
        reasons.append(f"{cells.label('upn')} is required")
    forename = _text(cells, "forename", True, reasons)
    surname = _text(cells, "surname", True, reasons)

    date_of_birth: dt.date | None = None
    dob_text, dob_label = cells["date_of_birth"], cells.label("date_of_birth")
    if not dob_text:
        reasons.append(f"{dob_label} is required")
    else:
        date_of_birth, problem = _parse_date(dob_text, dob_label)
        if date_of_birth is not None:
            problem = _birth_problem(date_of_birth, dob_text, dob_label, today)
        if problem is not None:
            reasons.append(problem)

    sex = _sex(cells["sex"], cells.label("sex"), reasons)

    year_group: int | None = None
    year_text = cells["year_group"]
    if year_text:
        year_group = _year_group(year_text)
        if year_group is None:
            reasons.append(f"unknown year group {year_text!r}")
    elif not college:
        reasons.append(f"{cells.label('year_group')} is required")

    programme_end: dt.date | None = None
    if cells["programme_end"]:
        programme_end, problem = _parse_date(cells["programme_end"], cells.label("programme_end"))
        if problem is not None:
            reasons.append(problem)

    sen_support, ehc_from_sen = _sen(cells, reasons)
    flags = {
        key: _flag(cells, key, reasons)
        for key in (
            "pupil_premium",
            "free_school_meals",
            "ehc_plan",
            "looked_after",
            "young_carer",
            "eal",
            "considering_higher_education",
            "part_time_job",
        )
    }
    study_programme = _text(cells, "study_programme", college, reasons)
    curriculum_area = _text(cells, "curriculum_area", college, reasons)

    if reasons or date_of_birth is None:
        return None
    return LearnerRow(
        line=line,
        upn=upn,
        uln=uln,
        forename=forename,
        surname=surname,
        date_of_birth=date_of_birth,
        sex=sex,
        year_group=year_group,
        registration_group=cells["registration_group"],
        pupil_premium=flags["pupil_premium"],
        free_school_meals=flags["free_school_meals"],
        sen_support=sen_support,
        ehc_plan=ehc_from_sen or flags["ehc_plan"],
        looked_after=flags["looked_after"],
        young_carer=flags["young_carer"],
        eal=flags["eal"],
        considering_higher_education=flags["considering_higher_education"],
        study_programme=study_programme,
        curriculum_area=curriculum_area,
        programme_end=programme_end,
        part_time_job=flags["part_time_job"],
    )


def _open_register(data: bytes) -> Table:
    table = _open(data, _ATTENDANCE_TABLE)
    if not (table.header.has("upn") or table.header.has("uln")):
        _missing(["UPN or ULN"])
    return table


def check_attendance_header(data: bytes) -> None:
    """Raise LearnerFileError if `data` cannot be a register as a whole (empty, not text, not
    CSV, no UPN or ULN column). Reads only the header row: cheap enough for a request."""
    _open_register(data)


def parse_attendance_csv(data: bytes) -> AttendanceResult:
    """Read a register: a UPN (or ULN) column and an Attended column (Y/N, P/A, 1/0).

    A blank Attended cell, or no Attended column at all (a plain list of who came), means
    attended. Other columns, such as names, are ignored.
    """
    table = _open_register(data)
    identifiers = _Identifiers("it is already on line {first}")
    register: list[AttendanceRow] = []
    errors: list[RowError] = []
    # A row with more or fewer fields than the header goes to `errors` without being seen here.
    for cells in table.rows(errors):
        line = cells.line
        reasons: list[str] = []
        upn = identifiers.check("UPN", cells["upn"], line, reasons)
        uln = identifiers.check("ULN", cells["uln"], line, reasons)
        if not (cells["upn"] or cells["uln"]):
            reasons.append("UPN or ULN is required")
        mark = cells["attended"]
        attended = _ATTENDED.get(mark.upper())
        if attended is None:
            reasons.append(f"unknown attendance value {mark!r} in {cells.label('attended')}: use Y or N")
        if reasons or attended is None:
            errors.append(RowError(line=line, reason="; ".join(reasons)))
        else:
            register.append(AttendanceRow(line=line, upn=upn, uln=uln, attended=attended))
    return AttendanceResult(rows=register, errors=errors)


# --- Reading CTF ---------------------------------------------------------------------------


def _local(name: str) -> str:
    """Element name without its namespace prefix: 'cbds:Pupil' -> 'Pupil'."""
    return name.rpartition(":")[2]


def _refuse_dtd(*_args: object) -> NoReturn:
    raise LearnerFileError("DTDs are not allowed")


def _parse_xml(data: bytes) -> ElementTree.Element:
    """The document's root, with namespace prefixes dropped from element names.

    expat feeds an ElementTree.TreeBuilder directly, so that a document type declaration
    is refused the moment expat meets it, whatever the file's encoding: no entity is ever
    declared, so none can be expanded. Namespace processing is off, so a default namespace
    is just an xmlns attribute (which we do not keep) and a prefix is cut off by _local.
    """
    if not data.strip():
        raise LearnerFileError("File is empty")
    builder = ElementTree.TreeBuilder()
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    parser.StartElementHandler = lambda name, _attributes: builder.start(_local(name), {})
    parser.EndElementHandler = lambda name: builder.end(_local(name))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code)
        raise LearnerFileError(
            f"File is not well-formed XML ({reason}, line {exc.lineno}, column {exc.offset + 1})"
        ) from exc
    return builder.close()


def _child_text(element: ElementTree.Element, path: str) -> str:
    found = element.find(path)
    return "" if found is None or found.text is None else found.text.strip()


def _first_text(element: ElementTree.Element, paths: Iterable[str]) -> tuple[str, str]:
    """(text, element name) of the first of `paths` present, else ("", first path's name)."""
    names = list(paths)
    for path in names:
        if element.find(path) is not None:
            return _child_text(element, path), path.rpartition("/")[2]
    return "", names[0].rpartition("/")[2]


def parse_ctf(
    data: bytes, *, today: dt.date | None = None, on_rows: Callable[[int], None] | None = None
) -> ParseResult:
    """Read the header and the pupils in a DfE Common Transfer File.

    Each LearnerRow's `line` is the pupil's ordinal in the file (1 = first Pupil element),
    and row errors start "pupil N (UPN ...)". Pupil premium, young carers, HE intentions and
    the college fields are not in a CTF: they are False or blank. Raises LearnerFileError for
    a file that is not a well-formed CTF, or whose academic year does not fit its pupils'
    year groups and dates of birth (see ctf_academic_year_problem). `on_rows(n)` is told
    every ROWS_PER_REPORT pupils how many have been read.
    """
    today = today or _today_in_england()
    root = _parse_xml(data)
    if root.tag != "CTfile":
        raise LearnerFileError(f"Root element is {root.tag}, not CTfile: this is not a Common Transfer File")
    header = _ctf_header(root)
    identifiers = _Identifiers("pupil {first} has it already")
    learners: list[LearnerRow] = []
    errors: list[RowError] = []
    for ordinal, pupil in enumerate(root.iterfind("CTFpupilData/Pupil"), start=1):
        reasons: list[str] = []
        learner = _learner_from_ctf(pupil, ordinal, identifiers, reasons, today)
        if reasons or learner is None:
            upn = _identifier(_child_text(pupil, "UPN"))
            who = f"pupil {ordinal} (UPN {upn})" if upn else f"pupil {ordinal}"
            errors.append(RowError(line=ordinal, reason=f"{who}: {'; '.join(reasons)}"))
        else:
            learners.append(learner)
        if on_rows is not None and ordinal % ROWS_PER_REPORT == 0:
            on_rows(ordinal)
    problem = ctf_academic_year_problem(header.academic_year, learners)
    if problem is not None:
        raise LearnerFileError(problem)
    return ParseResult(rows=learners, errors=errors, header=header)


def _school(element: ElementTree.Element | None) -> School:
    if element is None:
        return School(la="", estab="", urn="", name="")
    return School(
        la=_first_text(element, ("LEA", "LA", "DestLA"))[0],
        estab=_first_text(element, ("Estab", "Establishment"))[0],
        urn=_child_text(element, "URN"),
        name=_child_text(element, "SchoolName"),
    )


def _ctf_header(root: ElementTree.Element) -> CtfHeader:
    """The sending and receiving schools and the academic year, from `Header`.

    Older files put the destination in `DestLA`/`DestEstab` directly under Header rather than
    in a `DestSchool` element; both are read.
    """
    header = root.find("Header")
    if header is None:  # then it names no school and no year: the preview says so
        header = ElementTree.Element("Header")
    destination = _school(header.find("DestSchool"))
    if not (destination.la or destination.estab or destination.urn):
        destination = School(la=_child_text(header, "DestLA"), estab=_child_text(header, "DestEstab"), urn="", name="")
    year_text = _child_text(header, "SourceSchool/AcademicYear") or _child_text(header, "AcademicYear")
    academic_year: int | None = None
    if year_text:
        # "2025" or, in some exports, "2025/26" or "2025-26": the starting calendar year.
        match = re.fullmatch(r"([0-9]{4})(?:\s*[/-]\s*[0-9]{2,4})?", year_text)
        if match is None:
            raise LearnerFileError(f"The CTF header's academic year {year_text!r} is not a year such as 2025")
        academic_year = int(match.group(1))
    return CtfHeader(source=_school(header.find("SourceSchool")), destination=destination, academic_year=academic_year)


def _year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def ctf_academic_year_problem(academic_year: int | None, rows: Sequence[LearnerRow]) -> str | None:
    """Why the CTF's academic year does not fit its pupils, or None if it does.

    A pupil's year group is normally their age on the 31 August before the year starts, minus
    4 (chronological_year_group); a few pupils are taught out of their year group, so the
    file fits when at least half of its pupils are in the year group their age gives for that
    academic year. Otherwise the year groups belong to another year (a file exported last
    year, or a header that is wrong), and importing it would put every pupil in the wrong year.
    """
    if academic_year is None or not rows:
        return None
    fitting: dict[int, int] = {}
    for row in rows:
        if row.year_group is None:
            continue
        # The academic year in which this pupil's age gives this year group.
        year = academic_year + (row.year_group - chronological_year_group(row.date_of_birth, academic_year))
        fitting[year] = fitting.get(year, 0) + 1
    counted = sum(fitting.values())
    if not counted or 2 * fitting.get(academic_year, 0) >= counted:
        return None
    best, count = max(fitting.items(), key=lambda item: (item[1], item[0]))
    return (
        f"The CTF header says academic year {_year_label(academic_year)}, but the year groups of "
        f"{count} of {counted} pupils fit their dates of birth in {_year_label(best)}, and only "
        f"{fitting.get(academic_year, 0)} fit {_year_label(academic_year)}. Export a current "
        "file from your MIS, or check its academic year."
    )


_CSV_LINE = re.compile(rb"\n")
_CTF_PUPIL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?Pupil[\s>/]")


def count_records(data: bytes, kind: str) -> int:
    """How many learner records a file holds at most, counted without parsing it.

    CSV: lines after the header (a quoted cell with a line break makes this an over-count,
    never an under-count). CTF: Pupil start tags. Used to refuse a file over the row limit
    before any parsing starts.
    """
    if kind == "ctf":
        return len(_CTF_PUPIL.findall(data))
    lines = len(_CSV_LINE.findall(data)) + (0 if data.endswith(b"\n") else 1)
    return max(0, lines - 1)


def _learner_from_ctf(
    pupil: ElementTree.Element, ordinal: int, identifiers: _Identifiers, reasons: list[str], today: dt.date
) -> LearnerRow | None:
    upn_text = _child_text(pupil, "UPN")
    if not upn_text:
        reasons.append("UPN is required")
    upn = identifiers.check("UPN", upn_text, ordinal, reasons)
    uln = identifiers.check("ULN", _first_text(pupil, ("UniqueLearnerNumber", "ULN"))[0], ordinal, reasons)
    names = {name: _child_text(pupil, name) for name in ("Surname", "Forename")}
    reasons += [f"{name} is required" for name, value in names.items() if not value]

    date_of_birth: dt.date | None = None
    dob_text = _child_text(pupil, "DOB")
    if not dob_text:
        reasons.append("DOB is required")
    else:
        date_of_birth, problem = _parse_date(dob_text, "DOB", iso_only=True)
        if date_of_birth is not None:
            problem = _birth_problem(date_of_birth, dob_text, "DOB", today)
        if problem is not None:
            reasons.append(problem)

    sex_text, sex_name = _first_text(pupil, ("Sex", "Gender"))
    sex = _sex(sex_text, sex_name, reasons)

    year_text, _ = _first_text(pupil, ("BasicDetails/NCyearActual", "NCyearActual"))
    year_group = _year_group(year_text) if year_text else None
    if not year_text:
        reasons.append("NCyearActual is required")
    elif year_group is None:
        reasons.append(f"unknown year group {year_text!r}")

    if reasons or date_of_birth is None:
        return None
    sen_support, ehc_plan = _ctf_sen(pupil)
    return LearnerRow(
        line=ordinal,
        upn=upn,
        uln=uln,
        forename=names["Forename"],
        surname=names["Surname"],
        date_of_birth=date_of_birth,
        sex=sex,
        year_group=year_group,
        registration_group="",
        pupil_premium=False,
        free_school_meals=_ctf_fsm(pupil),
        sen_support=sen_support,
        ehc_plan=ehc_plan,
        looked_after=_child_text(pupil, "LookedAfter/InCare").lower() in ("true", "1"),
        young_carer=False,
        eal=_ctf_eal(pupil),
        considering_higher_education=False,
        study_programme="",
        curriculum_area="",
        programme_end=None,
        part_time_job=False,
    )


def _ctf_fsm(pupil: ElementTree.Element) -> bool:
    """Eligible now: some FSM period in the history has no end date."""
    return any(not _child_text(i, "FSMendDate") for i in pupil.iterfind("FSMhistory/FSMinstance"))


def _ctf_sen(pupil: ElementTree.Element) -> tuple[bool, bool]:
    """(SEN support, EHC plan) from the latest SEN record by StartDate that has not ended."""
    records = [
        (_child_text(sen, "StartDate"), index, _child_text(sen, "SENprovision").upper())
        for index, sen in enumerate(pupil.iterfind("SENhistory/SEN"))
        if not _child_text(sen, "EndDate")
    ]
    if not records:
        return False, False
    # ISO dates sort as text; a record without a start date counts as the oldest, and of
    # two records with the same start the later one in the file wins.
    provision = max(records)[2]
    return _SEN_CODES.get(provision, (False, False))


def _ctf_eal(pupil: ElementTree.Element) -> bool:
    """First language recorded, and neither English nor 'not obtained' / 'refused'."""
    codes = [
        _child_text(language, "Language")
        for language in pupil.iterfind("BasicDetails/Languages/Type")
        if _child_text(language, "LanguageType").upper() in ("F", "")
    ]
    codes += [_child_text(language, "LanguageCode") for language in pupil.iterfind(".//Languages/Language")]
    codes += [(element.text or "").strip() for element in pupil.iterfind(".//FirstLanguage")]
    return any(code and code.upper() not in _NOT_EAL for code in codes)
