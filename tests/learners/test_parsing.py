"""The learner file readers, against the fixtures in tests/fixtures/learners (see make_fixtures.py)."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import importlib.util
import io
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qic.domain.upn import UPN_CHECK_LETTERS, upn_check_letter
from qic.learners.parsing import (
    COLLEGE_CSV_COLUMNS,
    COLUMN_ALIASES,
    LEARNER_CSV_COLUMNS,
    AttendanceResult,
    AttendanceRow,
    LearnerFileError,
    LearnerRow,
    ParseResult,
    RowError,
    parse_attendance_csv,
    parse_ctf,
    parse_learner_csv,
    uln_problem,
)

if TYPE_CHECKING:
    from types import ModuleType

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "learners"
# The fixtures' dates of birth put pupils in their year groups in 2025/26.
TODAY = dt.date(2025, 10, 1)
D = dt.date

# The school columns that are required, for small files written inline.
HEADER = "UPN,Forename,Surname,Date of birth,Sex,Year group"
DFE_UPN = "R201100018042"  # the DfE's worked example: body 201100018042 -> R


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def load_fixture_script() -> ModuleType:
    script = FIXTURES / "make_fixtures.py"
    spec = importlib.util.spec_from_file_location("learners_make_fixtures", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def school(*lines: str, header: str = HEADER) -> ParseResult:
    """Parse a small school CSV written inline (header plus `lines`)."""
    return parse_learner_csv("\r\n".join([header, *lines, ""]).encode(), today=TODAY)


def college(*lines: str, header: str) -> ParseResult:
    return parse_learner_csv("\r\n".join([header, *lines, ""]).encode(), college=True, today=TODAY)


def learner(**changes: object) -> LearnerRow:
    """A LearnerRow with every optional field at its default, changed by `changes`."""
    base = LearnerRow(
        line=2,
        upn=DFE_UPN,
        uln="",
        forename="Ada",
        surname="Fixturewell",
        date_of_birth=D(2014, 2, 14),
        sex="F",
        year_group=7,
        registration_group="",
        pupil_premium=False,
        free_school_meals=False,
        sen_support=False,
        ehc_plan=False,
        looked_after=False,
        young_carer=False,
        eal=False,
        considering_higher_education=False,
        study_programme="",
        curriculum_area="",
        programme_end=None,
        part_time_job=False,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


GOOD_LINE = f"{DFE_UPN},Ada,Fixturewell,14/02/2014,F,7"


def test_committed_fixtures_match_the_script() -> None:
    built = load_fixture_script().build()
    assert sorted(built) == sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".csv", ".xml"))
    for name, data in built.items():
        assert fixture(name) == data, f"{name} is stale: run tests/fixtures/learners/make_fixtures.py"


# --- The school CSV fixture (an MIS-style export) -------------------------------------------


@pytest.fixture(scope="module")
def school_result() -> ParseResult:
    return parse_learner_csv(fixture("learners_school.csv"), today=TODAY)


@pytest.fixture(scope="module")
def by_surname(school_result: ParseResult) -> dict[str, LearnerRow]:
    return {row.surname: row for row in school_result.rows}


def test_school_file_reads_every_pupil(school_result: ParseResult) -> None:
    assert school_result.errors == []
    # Line 8 is blank, so the pupils after it are on lines 9-14.
    assert [(r.line, r.surname) for r in school_result.rows] == [
        (2, "Fixturewell"),
        (3, "Samplesby"),
        (4, "Testcombe"),
        (5, "Mockridge"),
        (6, "Placeholder-Jones"),
        (7, "Dummett"),
        (9, "Stubbington"),
        (10, "Examplefield"),
        (11, "Proxley"),
        (12, "Fauxley"),
        (13, "Trialworth"),
        (14, "Specimen"),
    ]


def test_a_full_school_row(by_surname: dict[str, LearnerRow]) -> None:
    assert by_surname["Testcombe"] == LearnerRow(
        line=4,
        upn="R888900117014",
        uln="",
        forename="Clementine",
        surname="Testcombe",
        date_of_birth=D(2013, 5, 30),
        sex="F",
        year_group=8,
        registration_group="8TC",
        pupil_premium=True,
        free_school_meals=True,
        sen_support=False,
        ehc_plan=False,
        looked_after=False,
        young_carer=False,
        eal=False,
        considering_higher_education=False,
        study_programme="",
        curriculum_area="",
        programme_end=None,
        part_time_job=False,
    )


@pytest.mark.parametrize(
    ("surname", "expected"),
    [
        # (date of birth, sex, year group, reg group)
        ("Fixturewell", (D(2014, 2, 14), "F", 7, "7FW")),  # "Year 7", dd/mm/yyyy
        ("Samplesby", (D(2013, 9, 3), "M", 7, "7SB")),  # "Y7"
        ("Testcombe", (D(2013, 5, 30), "F", 8, "8TC")),  # "Y08", yyyy-mm-dd, "Female"
        ("Mockridge", (D(2011, 11, 21), "M", 9, "9MR")),  # dd-mm-yyyy, "Male"
        ("Placeholder-Jones", (D(2012, 7, 7), "F", 9, "9MR")),  # "09"
        ("Dummett", (D(2010, 9, 30), "M", 10, "10DU")),
        ("Proxley", (D(2010, 8, 31), "U", 11, "11EX")),  # "Not known"
        ("Trialworth", (D(2008, 2, 29), "F", 13, "13B")),  # leap day
        ("Specimen", (D(2007, 9, 1), "M", 13, "13B")),  # "Year 13"
    ],
)
def test_school_values(
    by_surname: dict[str, LearnerRow], surname: str, expected: tuple[dt.date, str, int, str]
) -> None:
    row = by_surname[surname]
    assert (row.date_of_birth, row.sex, row.year_group, row.registration_group) == expected


@pytest.mark.parametrize(
    ("surname", "flags"),
    [
        # (PP, FSM, SEN support, EHC plan, looked after, young carer, EAL, considering HE)
        ("Fixturewell", (False, False, False, False, False, False, False, False)),
        ("Samplesby", (True, True, False, False, False, False, False, False)),  # blanks are "no"
        ("Mockridge", (False, False, True, False, False, False, False, False)),  # SEN status K
        ("Placeholder-Jones", (False, False, False, False, False, False, True, False)),
        ("Dummett", (True, False, False, True, False, False, False, False)),  # SEN status E
        ("Stubbington", (True, False, False, False, True, False, False, False)),  # TRUE/FALSE
        ("Examplefield", (False, False, False, False, False, True, False, False)),
        ("Proxley", (False, True, False, False, False, False, False, False)),  # lower-case "n"
        ("Fauxley", (False, False, False, False, False, False, False, True)),
        ("Trialworth", (True, True, False, False, False, False, True, True)),  # "Yes"
    ],
)
def test_school_flags(by_surname: dict[str, LearnerRow], surname: str, flags: tuple[bool, ...]) -> None:
    row = by_surname[surname]
    assert (
        row.pupil_premium,
        row.free_school_meals,
        row.sen_support,
        row.ehc_plan,
        row.looked_after,
        row.young_carer,
        row.eal,
        row.considering_higher_education,
    ) == flags


def test_school_upns_are_the_fixture_ones(by_surname: dict[str, LearnerRow]) -> None:
    script = load_fixture_script()
    assert [r.upn for r in by_surname.values()] == [row[1] for row in script.SCHOOL_ROWS]


# --- The college CSV fixture ---------------------------------------------------------------


def test_college_file() -> None:
    result = parse_learner_csv(fixture("learners_college.csv"), college=True, today=TODAY)
    assert result.errors == []
    assert [
        (r.line, r.upn, r.uln, r.study_programme, r.curriculum_area, r.programme_end, r.part_time_job, r.year_group)
        for r in result.rows
    ] == [
        (
            2,
            "G888900413040",
            "9000000016",
            "Level 3 Extended Diploma in Engineering",
            "Engineering",
            D(2027, 6, 30),
            True,
            12,
        ),
        (3, "", "9000000024", "T Level in Health", "Health and Social Care", D(2026, 6, 30), False, None),
        (4, "", "9000000032", "Level 2 Diploma in Hair and Beauty", "Hair and Beauty", None, True, None),
        (5, "W888900413041", "", "Level 3 Diploma in Digital Production", "Digital", D(2027, 6, 30), False, 12),
        (6, "", "9000000040", "Access to HE Diploma (Nursing)", "Health and Social Care", D(2026, 6, 30), True, None),
        (7, "", "9000000059", "Level 1 Construction Skills", "Construction", D(2026, 6, 30), False, None),
    ]


def test_a_full_college_row() -> None:
    result = parse_learner_csv(fixture("learners_college.csv"), college=True, today=TODAY)
    assert result.rows[4] == learner(
        line=6,
        upn="",
        uln="9000000040",
        forename="Quilla",
        surname="Placeholder",
        date_of_birth=D(2003, 5, 5),  # 22: an adult on an Access course
        year_group=None,
        considering_higher_education=True,
        study_programme="Access to HE Diploma (Nursing)",
        curriculum_area="Health and Social Care",
        programme_end=D(2026, 6, 30),
        part_time_job=True,
    )


def test_college_file_read_as_a_school_file_needs_year_groups() -> None:
    # No column is missing (UPN and Year group are both there), but rows are judged as school rows.
    result = parse_learner_csv(fixture("learners_college.csv"), today=TODAY)
    assert [r.line for r in result.rows] == [2, 5]
    assert result.errors[0] == RowError(line=3, reason="UPN is required; Year group is required")


# --- Bad rows -----------------------------------------------------------------------------------


def test_every_kind_of_bad_row() -> None:
    result = parse_learner_csv(fixture("learners_bad_rows.csv"), today=TODAY)
    assert result.errors == [
        RowError(line=3, reason="bad UPN 'A888900517002': check letter should be K, not A"),
        RowError(line=4, reason="unknown year group 'Y5'"),
        RowError(line=5, reason="unparseable date '31.01.2012' in Date of birth"),
        RowError(line=6, reason="UPN W888900517001 is a duplicate: it is already on line 2"),
        RowError(line=7, reason="bad yes/no value 'maybe' in Pupil premium"),
        RowError(line=8, reason="Sex is required"),
        # Line 9 is blank.
        RowError(
            line=10,
            reason="Forename is required; Date of birth '01/01/2030' is in the future; unknown year group 'R'",
        ),
        RowError(line=11, reason="unparseable date '30/02/2012' in Date of birth"),
        RowError(line=12, reason="Date of birth '01/01/1990' gives an age of 35: learners must be 3 to 25"),
        RowError(line=13, reason="bad ULN '1234567890': check digit should be 9, not 0"),
        RowError(line=14, reason="UPN is required"),
    ]
    assert [(r.line, r.forename) for r in result.rows] == [(2, "Sorrel"), (15, "Cato")]


def test_windows_1252_file() -> None:
    result = parse_learner_csv(fixture("learners_windows_1252.csv"), today=TODAY)
    assert result.errors == []
    assert [(r.forename, r.surname) for r in result.rows] == [
        ("Zoë", "Fixturewell"),
        ("Siân", "Samplesby"),
        ("Rónán", "O’Testcombe"),  # 0x92: Windows-1252, not Latin-1
    ]


def test_utf8_with_and_without_bom() -> None:
    text = f"{HEADER}\r\n{DFE_UPN},Zoë,Fixturewell,14/02/2014,F,7\r\n"
    for data in (text.encode("utf-8"), text.encode("utf-8-sig")):
        assert parse_learner_csv(data, today=TODAY).rows == [learner(forename="Zoë")]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_excel_unicode_text_is_read(codec: str) -> None:
    # Excel's "Unicode Text": UTF-16 with a byte-order mark, cells separated by tabs, quoted
    # when they hold a tab, a quote or a line break.
    text = f"{HEADER}\r\n{GOOD_LINE}\r\n".replace(",", "\t").replace("Fixturewell", '"Fixture\twell"')
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le") if codec == "utf-16-le" else text.encode(codec)
    if codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    assert parse_learner_csv(data, today=TODAY).rows == [learner(surname="Fixture\twell")]


def test_tab_separated_text_from_excel_is_read() -> None:
    text = f'{HEADER}\r\n{DFE_UPN}\tAda\t"Fixturewell, Jr"\t14/02/2014\tF\t7\r\n'.replace(",", "\t", 5)
    [row] = parse_learner_csv(text.encode("cp1252"), today=TODAY).rows
    assert row.surname == "Fixturewell, Jr"


def test_missing_date_of_birth_column() -> None:
    with pytest.raises(LearnerFileError) as excinfo:
        parse_learner_csv(fixture("learners_missing_dob.csv"), today=TODAY)
    assert str(excinfo.value) == "Missing required column: Date of birth (or DOB)"


@pytest.mark.parametrize(
    ("header", "college_file", "message"),
    [
        (
            "UPN,Forename",
            False,
            (
                "Missing required columns: Surname (or Legal surname, Last name), Date of birth (or DOB), "
                "Sex (or Gender), Year group (or Year, NC year, NCyearActual)"
            ),
        ),
        ("Forename,Surname,DOB,Sex,Year", False, "Missing required column: UPN (or Unique pupil number)"),
        (
            "Forename,Surname,DOB,Sex",
            True,
            "Missing required columns: UPN or ULN, Study programme, Curriculum area",
        ),
        ("ULN,Forename,Surname,DOB,Sex,Study programme", True, "Missing required column: Curriculum area"),
    ],
)
def test_missing_columns_are_named(header: str, college_file: bool, message: str) -> None:
    with pytest.raises(LearnerFileError) as excinfo:
        parse_learner_csv(f"{header}\r\n".encode(), college=college_file, today=TODAY)
    assert str(excinfo.value) == message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "File is empty"),
        (b" \r\n\r\n", "File is empty"),
        (b",,,\r\n,,\r\n", "File is empty"),
        (b"PK\x03\x04\x14\x00", "File is an Excel workbook (or a ZIP archive), not CSV: save the sheet as CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1", "File is an Excel workbook (or a ZIP archive), not CSV: save the sheet as CSV"),
        (b"\xff\xfe", "File is empty"),
        (b"UPN\x00,Forename\r\n", "File is binary, not CSV (it contains NUL bytes)"),
        (
            b"\xef\xbb\xbfUPN,Forename\r\n1,Zo\xeb\r\n",
            "File starts with a UTF-8 byte-order mark but is not valid UTF-8 (byte 0xEB at offset 21, line 2)",
        ),
        (
            b"UPN,Forename\r\n1,Caf\xe9\r\n2,Br\x81ken\r\n",
            "File is neither UTF-8 nor Windows-1252: save it as CSV UTF-8 (byte 0x81 at offset 26, line 3)",
        ),
        (
            f'{HEADER}\r\n{GOOD_LINE}\r\n{DFE_UPN},"Unclosed,x,01/01/2014,F,7\r\n'.encode(),
            "File is not valid CSV: the row starting on line 3 is broken (unexpected end of data)",
        ),
    ],
)
def test_whole_file_errors(data: bytes, message: str) -> None:
    with pytest.raises(LearnerFileError) as excinfo:
        parse_learner_csv(data, today=TODAY)
    assert str(excinfo.value) == message


def test_learner_file_error_is_a_value_error() -> None:
    assert issubclass(LearnerFileError, ValueError)


def test_header_only_file_has_no_rows() -> None:
    assert school() == ParseResult(rows=[], errors=[])


# --- Headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "line"),
    [
        (HEADER, GOOD_LINE),
        ("upn,FORENAME,surname,date_of_birth,sex,year-group", GOOD_LINE),
        (" UPN , Forename , Surname , Date  of  birth , Sex , Year group ", GOOD_LINE),
        ("UPN,Legal forename,Legal surname,DOB,Gender,NCyearActual", GOOD_LINE),
        ("Unique Pupil Number,First name,Last name,Date-of-Birth,Gender,NC year", GOOD_LINE),
        ("Year,Sex,DOB,Surname,Forename,UPN", f"7,F,14/02/2014,Fixturewell,Ada,{DFE_UPN}"),
        (f"Admission No,{HEADER},Ethnicity", f"000123,{GOOD_LINE},WBRI"),
    ],
)
def test_header_spellings(header: str, line: str) -> None:
    assert school(line, header=header) == ParseResult(rows=[learner()], errors=[])


@pytest.mark.parametrize(
    ("column", "alias"),
    [(column, alias) for column, aliases in COLUMN_ALIASES.items() for alias in aliases],
)
def test_every_alias_is_read(column: str, alias: str) -> None:
    values = {
        "UPN": DFE_UPN,
        "ULN": "9276308686",
        "Forename": "Ada",
        "Surname": "Fixturewell",
        "Date of birth": "14/02/2014",
        "Sex": "F",
        "Year group": "7",
        "Registration group": "7FW",
        "Study programme": "Level 3 Diploma in Engineering",
        "Curriculum area": "Engineering",
        "Programme end": "30/06/2027",
    }
    header = [alias if name == column else name for name in COLUMN_ALIASES]
    row = [values.get(name, "Y") for name in COLUMN_ALIASES]
    [parsed] = college(",".join(row), header=",".join(header)).rows
    assert parsed == learner(
        uln="9276308686",
        registration_group="7FW",
        pupil_premium=True,
        free_school_meals=True,
        sen_support=True,
        ehc_plan=True,
        looked_after=True,
        young_carer=True,
        eal=True,
        considering_higher_education=True,
        study_programme="Level 3 Diploma in Engineering",
        curriculum_area="Engineering",
        programme_end=D(2027, 6, 30),
        part_time_job=True,
    )


def test_preferred_spelling_wins_when_a_file_has_two() -> None:
    header = f"{HEADER},Form,Registration group"
    [row] = school(f"{GOOD_LINE},Tutor 7,7FW", header=header).rows
    assert row.registration_group == "7FW"


def test_repeated_header_first_column_counts() -> None:
    [row] = school(f"{GOOD_LINE},7FW,7ZZ", header=f"{HEADER},Form,Form").rows
    assert row.registration_group == "7FW"


def test_error_messages_use_the_files_own_header() -> None:
    result = school(f"{DFE_UPN},,Fixturewell,1/2/2014,,Y7,maybe", header="UPN,First Name,Surname,DOB,Gender,Year,PP")
    assert result.errors == [
        RowError(line=2, reason="First Name is required; Gender is required; bad yes/no value 'maybe' in PP")
    ]


def test_lf_line_ends() -> None:
    data = f"{HEADER},Pupil premium,EAL\n{GOOD_LINE},,\n".encode()
    assert parse_learner_csv(data, today=TODAY).rows == [learner()]


def ragged(fields: int, width: int) -> str:
    return (
        f"{fields} field{'' if fields == 1 else 's'} but the header has {width}: a cell is missing or extra "
        "(or a comma in a cell is not in quotes), so none of this row was read rather than put under the wrong columns"
    )


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        # Short: the trailing cells left off, or a cell lost in the middle; nothing tells which.
        (GOOD_LINE, 6),
        (f"{DFE_UPN},Ada,Fixturewell,14/02/2014,F,7,Y", 7),
        # Long: a surname with an unquoted comma moves every later cell one column right.
        (f"{DFE_UPN},Ada,Fixturewell, Jr,14/02/2014,F,7,Y,N", 9),
        # A trailing empty field is not forgiven: it is what that shift looks like when the last
        # cell was empty.
        (f"{GOOD_LINE},Y,N,", 9),
    ],
)
def test_a_row_of_another_width_is_reported_with_its_line_and_not_read(line: str, fields: int) -> None:
    header = f"{HEADER},Pupil premium,EAL"
    result = school(line, f"{GOOD_LINE},N,N", header=header)
    assert result.errors == [RowError(line=2, reason=ragged(fields, 8))]
    # The full row after it is read, and its UPN is not a duplicate of the unread row's.
    assert result.rows == [learner(line=3)]


def test_a_header_padded_by_a_spreadsheet_reads_rows_padded_alike() -> None:
    assert school(f"{GOOD_LINE},,", header=f"{HEADER},,").rows == [learner()]


# --- Values -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Y", True),
        ("y", True),
        ("Yes", True),
        ("YES", True),
        ("True", True),
        ("true", True),
        ("1", True),
        ("N", False),
        ("no", False),
        ("False", False),
        ("0", False),
        ("", False),
        ("  ", False),
    ],
)
def test_flags(text: str, expected: bool) -> None:
    [row] = school(f'{GOOD_LINE},"{text}"', header=f"{HEADER},Young carer").rows
    assert row.young_carer is expected


@pytest.mark.parametrize("text", ["maybe", "2", "T", "Yess", "-"])
def test_bad_flags(text: str) -> None:
    result = school(f"{GOOD_LINE},{text}", header=f"{HEADER},Looked after")
    assert result.errors == [RowError(line=2, reason=f"bad yes/no value {text!r} in Looked after")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # (SEN support, EHC plan)
        ("K", (True, False)),
        ("k", (True, False)),
        ("SEN support", (True, False)),
        ("E", (False, True)),
        ("EHCP", (False, True)),
        ("EHC plan", (False, True)),
        ("N", (False, False)),
        ("None", (False, False)),
        ("", (False, False)),
        ("Y", (True, False)),
        ("Yes", (True, False)),
        ("0", (False, False)),
    ],
)
def test_sen_status(text: str, expected: tuple[bool, bool]) -> None:
    [row] = school(f"{GOOD_LINE},{text}", header=f"{HEADER},SEN status").rows
    assert (row.sen_support, row.ehc_plan) == expected


@pytest.mark.parametrize(
    ("sen", "ehcp", "expected"),
    [
        # (SEN support, EHC plan)
        ("E", "N", (False, True)),  # the census code says so, whatever the flag column says
        ("N", "Y", (False, True)),
        ("K", "", (True, False)),
        ("", "", (False, False)),
    ],
)
def test_ehc_plan_from_either_column(sen: str, ehcp: str, expected: tuple[bool, bool]) -> None:
    [row] = school(f"{GOOD_LINE},{sen},{ehcp}", header=f"{HEADER},SEN status,EHC plan").rows
    assert (row.sen_support, row.ehc_plan) == expected


@pytest.mark.parametrize("text", ["S", "A", "Q", "maybe"])
def test_unknown_sen_values(text: str) -> None:
    result = school(f"{GOOD_LINE},{text}", header=f"{HEADER},SEN status")
    assert result.errors == [
        RowError(line=2, reason=f"unknown SEN value {text!r} in SEN status: use K, E, N, Y or blank")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14/02/2014", D(2014, 2, 14)),
        ("14-02-2014", D(2014, 2, 14)),
        ("2014-02-14", D(2014, 2, 14)),
        ("4/2/2014", D(2014, 2, 4)),  # Excel drops leading zeros
        ("2014-2-4", D(2014, 2, 4)),
        ("29/02/2012", D(2012, 2, 29)),
    ],
)
def test_dates(text: str, expected: dt.date) -> None:
    [row] = school(f"{DFE_UPN},Ada,Fixturewell,{text},F,7").rows
    assert row.date_of_birth == expected


@pytest.mark.parametrize(
    "text",
    ["14/02/14", "14.02.2014", "02/14/2014", "2014/02/14", "14/02-2014", "14 Feb 2014", "29/02/2013", "31/04/2014"],
)
def test_unparseable_dates(text: str) -> None:
    result = school(f"{DFE_UPN},Ada,Fixturewell,{text},F,7")
    assert result.errors == [RowError(line=2, reason=f"unparseable date {text!r} in Date of birth")]


def test_blank_date_of_birth() -> None:
    assert school(f"{DFE_UPN},Ada,Fixturewell,,F,7").errors == [RowError(line=2, reason="Date of birth is required")]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("01/10/2022", None),  # 3 today
        ("02/10/1999", None),  # 25 until tomorrow
        ("02/10/2022", "Date of birth '02/10/2022' gives an age of 2: learners must be 3 to 25"),
        ("01/10/1999", "Date of birth '01/10/1999' gives an age of 26: learners must be 3 to 25"),
        ("01/10/2025", "Date of birth '01/10/2025' gives an age of 0: learners must be 3 to 25"),
        ("02/10/2025", "Date of birth '02/10/2025' is in the future"),
    ],
)
def test_age_limits(text: str, reason: str | None) -> None:
    result = school(f"{DFE_UPN},Ada,Fixturewell,{text},F,7")
    assert result.errors == ([] if reason is None else [RowError(line=2, reason=reason)])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M", "M"),
        ("m", "M"),
        ("Male", "M"),
        ("F", "F"),
        ("female", "F"),
        ("U", "U"),
        ("Unknown", "U"),
        ("Not known", "U"),
        ("not-stated", "U"),
        ("X", "U"),
    ],
)
def test_sex(text: str, expected: str) -> None:
    [row] = school(f"{DFE_UPN},Ada,Fixturewell,14/02/2014,{text},7").rows
    assert row.sex == expected


@pytest.mark.parametrize(("text", "reason"), [("", "Sex is required"), ("Q", "unknown sex 'Q': use M, F or U")])
def test_bad_sex(text: str, reason: str) -> None:
    assert school(f"{DFE_UPN},Ada,Fixturewell,14/02/2014,{text},7").errors == [RowError(line=2, reason=reason)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7),
        ("07", 7),
        ("Y7", 7),
        ("y7", 7),
        ("Y07", 7),
        ("Year 7", 7),
        ("YEAR 10", 10),
        ("Yr 11", 11),
        ("12", 12),
        ("13", 13),
        ("14", 14),
    ],
)
def test_year_groups(text: str, expected: int) -> None:
    [row] = school(f"{DFE_UPN},Ada,Fixturewell,14/02/2014,F,{text}").rows
    assert row.year_group == expected


@pytest.mark.parametrize("text", ["Y5", "6", "15", "R", "N1", "X", "Year", "7A", "7.0"])
def test_unknown_year_groups(text: str) -> None:
    result = school(f"{DFE_UPN},Ada,Fixturewell,14/02/2014,F,{text}")
    assert result.errors == [RowError(line=2, reason=f"unknown year group {text!r}")]


def test_blank_year_group_in_a_school_file() -> None:
    assert school(f"{DFE_UPN},Ada,Fixturewell,14/02/2014,F,").errors == [
        RowError(line=2, reason="Year group is required")
    ]


# --- UPNs and ULNs ------------------------------------------------------------------------------


def test_dfe_upn_example() -> None:
    assert upn_check_letter("201100018042") == "R"
    assert school(GOOD_LINE).rows == [learner(upn="R201100018042")]


@pytest.mark.parametrize("text", ["r201100018042", " R2011 0001 8042 ", "R 201 100 018 042"])
def test_upns_are_upper_cased_and_spaces_removed(text: str) -> None:
    [row] = school(f"{text},Ada,Fixturewell,14/02/2014,F,7").rows
    assert row.upn == DFE_UPN


def test_temporary_upn() -> None:
    # Published temporary UPN: letter in character 13.
    [row] = school("X00180001701A,Ada,Fixturewell,14/02/2014,F,7").rows
    assert row.upn == "X00180001701A"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("X201100018042", "bad UPN 'X201100018042': check letter should be R, not X"),
        ("R20110001804", "bad UPN 'R20110001804': must be 13 characters (this has 12)"),
        ("R2011000180O2", "bad UPN 'R2011000180O2': characters 2-12 must be digits"),
        ("", "UPN is required"),
    ],
)
def test_bad_upns(text: str, reason: str) -> None:
    assert school(f"{text},Ada,Fixturewell,14/02/2014,F,7").errors == [RowError(line=2, reason=reason)]


def test_duplicate_upn_names_the_first_line_even_if_that_row_was_bad() -> None:
    result = school(
        f"{DFE_UPN},Ada,Fixturewell,14/02/2014,F,Y5",
        "",
        f"{DFE_UPN.lower()},Bo,Samplesby,14/02/2014,M,7",
    )
    assert result.errors == [
        RowError(line=2, reason="unknown year group 'Y5'"),
        RowError(line=4, reason=f"UPN {DFE_UPN} is a duplicate: it is already on line 2"),
    ]


@pytest.mark.parametrize(
    "uln",
    [
        "9276308686",  # HESA's worked example
        "1000000043",  # the ESFA ILR validation's test value
        "9000000016",
        "9999999998",
    ],
)
def test_valid_ulns(uln: str) -> None:
    assert uln_problem(uln) is None


@pytest.mark.parametrize(
    ("uln", "reason"),
    [
        ("9276308687", "check digit should be 6, not 7"),
        ("1000000063", "no check digit fits its first nine digits"),  # remainder 0 (ESFA test)
        ("9999999999", "this means 'no ULN yet', so leave the ULN blank"),
        ("0276308686", "must not start with 0"),
        ("927630868", "must be 10 digits (this has 9 characters)"),
        ("92763086861", "must be 10 digits (this has 11 characters)"),
        ("927630868A", "must be 10 digits"),
        ("92763086٨6", "must be 10 digits"),  # an Arabic-Indic eight
    ],
)
def test_invalid_ulns(uln: str, reason: str) -> None:
    assert uln_problem(uln) == reason


@given(stem=st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_at_most_one_check_digit_fits(stem: str) -> None:
    assert sum(uln_problem(f"{stem}{digit}") is None for digit in range(10)) <= 1


def test_uln_in_a_school_file() -> None:
    result = school(f"{GOOD_LINE},9276308686", f"{DFE_UPN},Ada,Fixturewell,14/02/2014,F,7,", header=f"{HEADER},ULN")
    assert result.rows == [learner(uln="9276308686")]
    assert result.errors == [RowError(line=3, reason=f"UPN {DFE_UPN} is a duplicate: it is already on line 2")]


# --- College rules ------------------------------------------------------------------------------

COLLEGE_HEADER = "UPN,ULN,Forename,Surname,DOB,Sex,Study programme,Curriculum area,Year group"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (",,Ada,Fixturewell,14/02/2008,F,T Level in Health,Health and Social Care,", "UPN or ULN is required"),
        (",9276308686,Ada,Fixturewell,14/02/2008,F,,,", "Study programme is required; Curriculum area is required"),
        (
            ",9276308686,Ada,Fixturewell,14/02/2008,F,T Level in Health,Health and Social Care,R",
            "unknown year group 'R'",
        ),
        (",927 630 8687,Ada,Fixturewell,14/02/2008,F,X,Y,", "bad ULN '9276308687': check digit should be 6, not 7"),
    ],
)
def test_college_row_errors(line: str, reason: str) -> None:
    assert college(line, header=COLLEGE_HEADER).errors == [RowError(line=2, reason=reason)]


def test_duplicate_ulns_in_a_college_file() -> None:
    result = college(
        ",9276308686,Ada,Fixturewell,14/02/2008,F,T Level in Health,Health and Social Care,",
        ",9276308686,Bo,Samplesby,14/02/2008,M,T Level in Health,Health and Social Care,",
        header=COLLEGE_HEADER,
    )
    assert result.errors == [RowError(line=3, reason="ULN 9276308686 is a duplicate: it is already on line 2")]


def test_college_year_group_is_optional() -> None:
    [row] = college(
        ",9276308686,Ada,Fixturewell,14/02/2008,F,T Level in Health,Health and Social Care,", header=COLLEGE_HEADER
    ).rows
    assert (row.upn, row.uln, row.year_group) == ("", "9276308686", None)


def test_college_file_without_year_group_column() -> None:
    header = "ULN,Forename,Surname,DOB,Sex,Study programme,Curriculum area"
    [row] = college("9276308686,Ada,Fixturewell,14/02/2008,F,T Level in Health,Health", header=header).rows
    assert row.curriculum_area == "Health"


def test_bad_programme_end() -> None:
    result = college(
        ",9276308686,Ada,Fixturewell,14/02/2008,F,X,Y,,June 2027", header=f"{COLLEGE_HEADER},Programme end"
    )
    assert result.errors == [RowError(line=2, reason="unparseable date 'June 2027' in Programme end")]


# --- Column documentation -----------------------------------------------------------------------


def test_documented_columns() -> None:
    assert [name for name, _, _ in LEARNER_CSV_COLUMNS] == list(COLUMN_ALIASES)
    assert [name for name, required, _ in LEARNER_CSV_COLUMNS if required] == [
        "UPN",
        "Forename",
        "Surname",
        "Date of birth",
        "Sex",
        "Year group",
    ]
    assert [name for name, required, _ in COLLEGE_CSV_COLUMNS if required] == [
        "Forename",
        "Surname",
        "Date of birth",
        "Sex",
        "Study programme",
        "Curriculum area",
    ]
    descriptions = {name: text for name, _, text in LEARNER_CSV_COLUMNS}
    assert descriptions["Sex"] == "M, F, or U if not known (also Male, Female, Unknown). Also read from: Gender."


# --- Common Transfer Files ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def ctf_result() -> ParseResult:
    return parse_ctf(fixture("ctf_school.xml"), today=TODAY)


def test_ctf_reads_every_pupil(ctf_result: ParseResult) -> None:
    assert ctf_result.errors == []
    assert [(r.line, r.forename, r.surname, r.year_group) for r in ctf_result.rows] == [
        (1, "Della", "Fixturewell", 7),
        (2, "Eli", "Samplesby", 7),
        (3, "Fenna", "Testcombe", 8),
        (4, "Gideon", "Mockridge", 9),
        (5, "Hester", "Placeholder", 10),
        (6, "Ivo", "Dummett", 11),
        (7, "Jemima", "Stubbington", 12),
        (8, "Kit", "Examplefield", 13),
    ]


def test_a_full_ctf_pupil(ctf_result: ParseResult) -> None:
    assert ctf_result.rows[1] == learner(
        line=2,
        upn="Y888900118102",
        forename="Eli",
        surname="Samplesby",
        date_of_birth=D(2013, 10, 2),
        sex="M",
        year_group=7,
        free_school_meals=True,
        sen_support=True,
    )


@pytest.mark.parametrize(
    ("ordinal", "flags"),
    [
        # (FSM, SEN support, EHC plan, looked after, EAL)
        (1, (False, False, False, False, False)),
        (2, (True, True, False, False, False)),  # one FSM period still open
        (3, (False, False, False, False, True)),  # FSM ended; first language POL
        (4, (False, False, True, True, False)),  # K then E: the later start wins; InCare true
        (5, (False, True, False, False, False)),  # E then K, out of order in the file
        (6, (False, False, False, False, False)),  # ENB; the only SEN record has ended
        (7, (False, False, False, False, True)),  # OTB: believed other than English
        (8, (False, False, False, False, False)),  # latest SEN record is N
    ],
)
def test_ctf_flags(ctf_result: ParseResult, ordinal: int, flags: tuple[bool, ...]) -> None:
    row = ctf_result.rows[ordinal - 1]
    assert (row.free_school_meals, row.sen_support, row.ehc_plan, row.looked_after, row.eal) == flags


def test_ctf_fields_it_does_not_carry(ctf_result: ParseResult) -> None:
    assert {
        (r.pupil_premium, r.young_carer, r.considering_higher_education, r.registration_group, r.uln)
        for r in ctf_result.rows
    } == {(False, False, False, "", "")}


def test_namespaced_ctf_reads_the_same(ctf_result: ParseResult) -> None:
    assert b'xmlns="http://www.dcsf.gov.uk/schemas/cbds"' in fixture("ctf_namespaced.xml")
    assert parse_ctf(fixture("ctf_namespaced.xml"), today=TODAY) == ctf_result


def test_prefixed_namespace() -> None:
    data = (
        b'<c:CTfile xmlns:c="http://www.dcsf.gov.uk/schemas/cbds"><c:CTFpupilData><c:Pupil>'
        b"<c:UPN>R201100018042</c:UPN><c:Surname>Fixturewell</c:Surname><c:Forename>Ada</c:Forename>"
        b"<c:DOB>2014-02-14</c:DOB><c:Sex>F</c:Sex><c:BasicDetails><c:NCyearActual>7</c:NCyearActual>"
        b"</c:BasicDetails></c:Pupil></c:CTFpupilData></c:CTfile>"
    )
    assert parse_ctf(data, today=TODAY) == ParseResult(rows=[learner(line=1)], errors=[])


def test_older_ctf_with_gender() -> None:
    result = parse_ctf(fixture("ctf_old_gender.xml"), today=TODAY)
    assert result.errors == []
    assert [(r.forename, r.sex, r.free_school_meals, r.ehc_plan, r.looked_after) for r in result.rows] == [
        ("Lorna", "F", True, False, False),
        ("Milo", "M", False, True, False),
        ("Nell", "F", False, False, True),
    ]


def test_ctf_row_errors() -> None:
    result = parse_ctf(fixture("ctf_row_errors.xml"), today=TODAY)
    assert result.errors == [
        RowError(line=2, reason="pupil 2 (UPN F888900121302): unknown year group 'R'"),
        RowError(line=3, reason="pupil 3 (UPN Y888900216303): unknown year group 'X'"),
        RowError(
            line=4,
            reason=(
                "pupil 4 (UPN A888900216304): bad UPN 'A888900216304': check letter should be M, not A; "
                "unparseable date '01/12/2011' in DOB"
            ),
        ),
        RowError(
            line=5, reason="pupil 5 (UPN V888900216301): UPN V888900216301 is a duplicate: pupil 1 has it already"
        ),
        RowError(line=6, reason="pupil 6: UPN is required; Surname is required"),
        RowError(
            line=7, reason="pupil 7 (UPN E888900216307): DOB is required; Sex is required; NCyearActual is required"
        ),
    ]
    assert [(r.line, r.forename) for r in result.rows] == [(1, "Olive")]


@pytest.mark.parametrize(
    ("element", "value", "expected"),
    [
        ("FirstLanguage", "ENG", False),
        ("FirstLanguage", "URD", True),
        ("FirstLanguage", "NOT", False),  # information not obtained
        ("FirstLanguage", "REF", False),  # refused
        ("FirstLanguage", "", False),
    ],
)
def test_ctf_first_language_element(element: str, value: str, expected: bool) -> None:
    data = (
        "<CTfile><CTFpupilData><Pupil><UPN>R201100018042</UPN><Surname>Fixturewell</Surname>"
        "<Forename>Ada</Forename><DOB>2014-02-14</DOB><Sex>F</Sex>"
        f"<BasicDetails><NCyearActual>7</NCyearActual><{element}>{value}</{element}></BasicDetails>"
        "</Pupil></CTFpupilData></CTfile>"
    ).encode()
    [row] = parse_ctf(data, today=TODAY).rows
    assert row.eal is expected


def test_ctf_home_language_is_not_first_language() -> None:
    data = (
        b"<CTfile><CTFpupilData><Pupil><UPN>R201100018042</UPN><Surname>Fixturewell</Surname>"
        b"<Forename>Ada</Forename><DOB>2014-02-14</DOB><Sex>F</Sex><BasicDetails><NCyearActual>7</NCyearActual>"
        b"<Languages><Type><LanguageType>F</LanguageType><Language>ENG</Language></Type>"
        b"<Type><LanguageType>H</LanguageType><Language>WEL</Language></Type></Languages>"
        b"</BasicDetails></Pupil></CTFpupilData></CTfile>"
    )
    [row] = parse_ctf(data, today=TODAY).rows
    assert row.eal is False


def test_ctf_with_no_pupils() -> None:
    assert parse_ctf(b"<CTfile><Header/><CTFpupilData/></CTfile>") == ParseResult(rows=[], errors=[])
    assert parse_ctf(b"<CTfile><Header/></CTfile>") == ParseResult(rows=[], errors=[])


def test_malformed_ctf() -> None:
    with pytest.raises(LearnerFileError) as excinfo:
        parse_ctf(fixture("ctf_malformed.xml"))
    assert str(excinfo.value) == "File is not well-formed XML (no element found, line 87, column 10)"


def test_entity_bomb_is_refused() -> None:
    with pytest.raises(LearnerFileError) as excinfo:
        parse_ctf(fixture("ctf_entity_bomb.xml"))
    assert str(excinfo.value) == "DTDs are not allowed"


@pytest.mark.parametrize(
    "data",
    [
        # A bare DOCTYPE, and one with an external entity.
        b'<?xml version="1.0"?><!DOCTYPE CTfile><CTfile/>',
        b'<?xml version="1.0"?><!DOCTYPE CTfile [<!ENTITY x SYSTEM "file:///etc/passwd">]><CTfile>&x;</CTfile>',
        # The bomb in UTF-16: a byte search for "<!DOCTYPE" would miss it.
        fixture("ctf_entity_bomb.xml").decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
    ],
)
def test_dtds_are_refused_however_written(data: bytes) -> None:
    with pytest.raises(LearnerFileError, match=r"^DTDs are not allowed$"):
        parse_ctf(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "File is empty"),
        (b"  \n", "File is empty"),
        (f"{HEADER}\r\n".encode(), "File is not well-formed XML (syntax error, line 1, column 1)"),
        (b"<CTfile><Pupil></CTfile>", "File is not well-formed XML (mismatched tag, line 1, column 18)"),
        (b"<Message><Header/></Message>", "Root element is Message, not CTfile: this is not a Common Transfer File"),
        (b"<ctfile/>", "Root element is ctfile, not CTfile: this is not a Common Transfer File"),
    ],
)
def test_ctf_whole_file_errors(data: bytes, message: str) -> None:
    with pytest.raises(LearnerFileError) as excinfo:
        parse_ctf(data)
    assert str(excinfo.value) == message


# --- Attendance ---------------------------------------------------------------------------------


def test_attendance_register() -> None:
    script = load_fixture_script()
    att = script.ATT
    assert parse_attendance_csv(fixture("attendance_good.csv")) == AttendanceResult(
        rows=[
            AttendanceRow(line=2, upn=att[0], uln="", attended=True),  # Y
            AttendanceRow(line=3, upn=att[1], uln="", attended=False),  # N
            AttendanceRow(line=4, upn=att[2], uln="", attended=True),  # Present
            AttendanceRow(line=5, upn=att[3], uln="", attended=False),  # Absent
            AttendanceRow(line=6, upn=att[4], uln="", attended=True),  # P
            AttendanceRow(line=7, upn=att[5], uln="", attended=False),  # a
            AttendanceRow(line=8, upn=att[6], uln="", attended=True),  # 1
            AttendanceRow(line=9, upn=att[7], uln="", attended=False),  # 0
            AttendanceRow(line=10, upn=att[8], uln="", attended=True),  # blank
            AttendanceRow(line=11, upn="", uln="9000000067", attended=True),  # ULN only; yes
        ],
        errors=[],
    )


def test_attendance_errors() -> None:
    att = load_fixture_script().ATT
    result = parse_attendance_csv(fixture("attendance_bad.csv"))
    assert result.errors == [
        RowError(line=3, reason=f"bad UPN 'A{att[1][1:]}': check letter should be {att[1][0]}, not A"),
        RowError(line=4, reason=f"UPN {att[0]} is a duplicate: it is already on line 2"),
        RowError(line=5, reason="unknown attendance value 'L' in Attended: use Y or N"),
        RowError(line=6, reason="UPN or ULN is required"),
        RowError(line=7, reason="bad ULN '123456789': must be 10 digits (this has 9 characters)"),
    ]
    assert result.rows == [
        AttendanceRow(line=2, upn=att[0], uln="", attended=True),
        AttendanceRow(line=8, upn=att[3], uln="", attended=False),
    ]


def test_attendance_without_an_attended_column_is_a_list_of_who_came() -> None:
    result = parse_attendance_csv(f"Name,UPN\r\nAda,{DFE_UPN}\r\n".encode())
    assert result == AttendanceResult(rows=[AttendanceRow(line=2, upn=DFE_UPN, uln="", attended=True)], errors=[])


@pytest.mark.parametrize("header", ["Attendance", "Present", "attended"])
def test_attendance_column_spellings(header: str) -> None:
    [row] = parse_attendance_csv(f"UPN,{header}\r\n{DFE_UPN},A\r\n".encode()).rows
    assert row.attended is False


def test_a_register_row_of_another_width_is_reported_not_read() -> None:
    # "Ada" with no Attended cell at all, and a row whose name cell was split by a comma: by
    # position the second would be marked with its surname.
    data = f"UPN,Name,Attended\r\n{DFE_UPN},Ada\r\n{DFE_UPN},Fixturewell, Ada,N\r\n{DFE_UPN},Ada,N\r\n"
    result = parse_attendance_csv(data.encode())
    assert result == AttendanceResult(
        rows=[AttendanceRow(line=4, upn=DFE_UPN, uln="", attended=False)],
        errors=[RowError(line=2, reason=ragged(2, 3)), RowError(line=3, reason=ragged(4, 3))],
    )


def test_attendance_without_identifiers() -> None:
    with pytest.raises(LearnerFileError) as excinfo:
        parse_attendance_csv(b"Name,Attended\r\nAda,Y\r\n")
    assert str(excinfo.value) == "Missing required column: UPN or ULN"


# --- Round trip: whatever valid learners we write, we read back ---------------------------------

_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=20
).filter(lambda s: s == s.strip())
_OPTIONAL_TEXT = st.one_of(st.just(""), _TEXT)
_TRUE_WORDS = ["Y", "y", "Yes", "TRUE", "true", "1"]
_FALSE_WORDS = ["N", "n", "No", "FALSE", "0", ""]
_SEX_WORDS = {"M": ["M", "m", "Male"], "F": ["F", "Female", "FEMALE"], "U": ["U", "Unknown", "Not known", "X"]}
_FLAGS = [
    "pupil_premium",
    "free_school_meals",
    "looked_after",
    "young_carer",
    "eal",
    "considering_higher_education",
    "part_time_job",
]
_FLAG_COLUMNS = {
    "pupil_premium": "Pupil premium",
    "free_school_meals": "Free school meals",
    "looked_after": "Looked after",
    "young_carer": "Young carer",
    "eal": "EAL",
    "considering_higher_education": "Considering HE",
    "part_time_job": "Part-time job",
}


@st.composite
def _upns(draw: st.DrawFn) -> str:
    body = draw(st.text(alphabet="0123456789", min_size=11, max_size=11))
    body += draw(st.sampled_from("0123456789" + UPN_CHECK_LETTERS))
    return upn_check_letter(body) + body


@st.composite
def _ulns(draw: st.DrawFn) -> str:
    stem = draw(st.text(alphabet="0123456789", min_size=9, max_size=9).filter(lambda s: s[0] != "0"))
    remainder = sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True)) % 11
    if remainder == 0:
        stem = stem[:8] + str((int(stem[8]) + 1) % 10)  # changes the remainder by 2 (mod 11)
        remainder = sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True)) % 11
    return stem + str(10 - remainder)


def _date_words(day: dt.date) -> list[str]:
    return [
        day.strftime("%d/%m/%Y"),
        day.strftime("%d-%m-%Y"),
        day.isoformat(),
        f"{day.day}/{day.month}/{day.year}",
    ]


@st.composite
def _learner_files(draw: st.DrawFn, *, college_file: bool) -> tuple[bytes, list[LearnerRow]]:
    """A CSV of valid learners, written every way we accept, and the rows it must read as."""
    count = draw(st.integers(min_value=0, max_value=6))
    upns = draw(st.lists(_upns(), min_size=count, max_size=count, unique=True))
    ulns = draw(st.lists(_ulns(), min_size=count, max_size=count, unique=True))
    # A header spelling for each column, in any order, in any case, with any separators.
    columns = list(COLUMN_ALIASES)
    order = draw(st.permutations(columns))
    spelled: dict[str, str] = {}
    for column in columns:
        name = draw(st.sampled_from(COLUMN_ALIASES[column]))
        name = draw(st.sampled_from([name, name.upper(), name.lower(), name.replace(" ", "_"), f" {name} "]))
        spelled[column] = name

    def flag(value: bool) -> str:
        return draw(st.sampled_from(_TRUE_WORDS if value else _FALSE_WORDS))

    expected: list[LearnerRow] = []
    lines: list[dict[str, str]] = []
    for index in range(count):
        upn = upns[index]
        uln = draw(st.sampled_from(["", ulns[index]]))
        if college_file:
            upn, uln = draw(st.sampled_from([(upn, ""), ("", ulns[index]), (upn, ulns[index])]))
        year_group = draw(st.integers(7, 14))
        if college_file:
            year_group = draw(st.one_of(st.none(), st.just(year_group)))
        born = draw(st.dates(min_value=D(1999, 10, 2), max_value=D(2022, 10, 1)))
        end = draw(st.one_of(st.none(), st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))))
        sex = draw(st.sampled_from("MFU"))
        flags = {flag: draw(st.booleans()) for flag in _FLAGS}
        sen_support, ehc_plan = draw(st.booleans()), draw(st.booleans())
        study = draw(_TEXT if college_file else _OPTIONAL_TEXT)
        area = draw(_TEXT if college_file else _OPTIONAL_TEXT)
        row = LearnerRow(
            line=index + 2,
            upn=upn,
            uln=uln,
            forename=draw(_TEXT),
            surname=draw(_TEXT),
            date_of_birth=born,
            sex=sex,
            year_group=year_group,
            registration_group=draw(_OPTIONAL_TEXT),
            sen_support=sen_support,
            ehc_plan=ehc_plan,
            study_programme=study,
            curriculum_area=area,
            programme_end=end,
            **flags,
        )
        expected.append(row)

        # The SEN column carries a flag or a census code; the EHC plan column must agree.
        if sen_support:
            sen_cell = draw(st.sampled_from(["K", "k", "SEN support", *_TRUE_WORDS]))
            ehc_cell = flag(ehc_plan)
        elif ehc_plan:
            sen_cell = draw(st.sampled_from(["E", "EHCP", "N", ""]))
            ehc_cell = flag(True) if sen_cell in ("N", "") else flag(draw(st.booleans()))
        else:
            sen_cell = draw(st.sampled_from(["N", "None", *_FALSE_WORDS]))
            ehc_cell = flag(False)
        year_words = [""] if year_group is None else [str(year_group), f"Y{year_group}", f"Year {year_group}"]
        cells = {
            "UPN": draw(st.sampled_from([upn, upn.lower()])) if upn else "",
            "ULN": uln,
            "Forename": row.forename,
            "Surname": row.surname,
            "Date of birth": draw(st.sampled_from(_date_words(born))),
            "Sex": draw(st.sampled_from(_SEX_WORDS[sex])),
            "Year group": draw(st.sampled_from(year_words)),
            "Registration group": row.registration_group,
            "SEN support": sen_cell,
            "EHC plan": ehc_cell,
            "Study programme": study,
            "Curriculum area": area,
            "Programme end": "" if end is None else draw(st.sampled_from(_date_words(end))),
        }
        cells.update({_FLAG_COLUMNS[f]: flag(flags[f]) for f in _FLAGS})
        lines.append(cells)

    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([spelled[c] for c in order])
    for cells in lines:
        writer.writerow([cells[c] for c in order])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig"]))
    return out.getvalue().encode(encoding), expected


@settings(deadline=None)
@given(school_file=_learner_files(college_file=False))
def test_school_rows_round_trip(school_file: tuple[bytes, list[LearnerRow]]) -> None:
    data, expected = school_file
    assert parse_learner_csv(data, today=TODAY) == ParseResult(rows=expected, errors=[])


@settings(deadline=None)
@given(college_file=_learner_files(college_file=True))
def test_college_rows_round_trip(college_file: tuple[bytes, list[LearnerRow]]) -> None:
    data, expected = college_file
    assert parse_learner_csv(data, college=True, today=TODAY) == ParseResult(rows=expected, errors=[])
