"""read_gias against the fixture extracts in tests/fixtures/gias (see make_fixtures.py)."""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from qic.domain.provider_types import ProviderType
from qic.organisations.gias import (
    GiasFileError,
    GiasReadResult,
    GiasRecord,
    GiasRowError,
    read_gias,
)

if TYPE_CHECKING:
    from types import ModuleType

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gias"
P = ProviderType
# The four required columns, for small files written inline.
HEADER = b"URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name)\r\n"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def load_fixture_script() -> ModuleType:
    script = FIXTURES / "make_fixtures.py"
    spec = importlib.util.spec_from_file_location("gias_make_fixtures", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def main_result() -> GiasReadResult:
    return read_gias(fixture("edubasealldata20250101.csv"))


@pytest.fixture(scope="module")
def by_urn(main_result: GiasReadResult) -> dict[int, GiasRecord]:
    return {record.urn: record for record in main_result.records}


def test_committed_fixtures_match_the_script() -> None:
    built = load_fixture_script().build()
    assert sorted(built) == sorted(p.name for p in FIXTURES.glob("*.csv"))
    for name, data in built.items():
        assert fixture(name) == data, f"{name} is stale: run tests/fixtures/gias/make_fixtures.py"


def test_main_file_reads_every_open_establishment(main_result: GiasReadResult) -> None:
    assert [r.urn for r in main_result.records] == [
        990001,
        990002,
        990003,
        990004,
        990005,
        990006,
        990007,
        990009,
        990010,
        990011,
        990012,
        990013,
        990014,
    ]
    assert main_result.skipped_closed == 1
    assert main_result.errors == []


@pytest.mark.parametrize(
    ("urn", "provider_type"),
    [
        (990001, P.SECONDARY),
        (990002, P.PRIMARY),
        (990003, P.ALTERNATIVE_PROVISION),
        (990004, P.SPECIAL),
        (990005, P.FE_COLLEGE),
        (990006, P.SIXTH_FORM_COLLEGE),
        (990007, P.INDEPENDENT),
        (990009, P.SECONDARY),
        (990010, P.PRIMARY),
        (990011, P.ALTERNATIVE_PROVISION),
        (990012, P.SECONDARY),
        (990013, P.OTHER),
        (990014, P.SECONDARY),
    ],
)
def test_provider_types(by_urn: dict[int, GiasRecord], urn: int, provider_type: ProviderType) -> None:
    assert by_urn[urn].provider_type == provider_type


def test_a_full_record(by_urn: dict[int, GiasRecord]) -> None:
    assert by_urn[990001] == GiasRecord(
        urn=990001,
        name="Brackenfield Academy",
        provider_type=P.SECONDARY,
        establishment_type="Academy converter",
        type_group="Academies",
        phase="Secondary",
        status="Open",
        la_code="888",
        la_name="Lancashire",
        region="North West",
        ukprn="10099001",
        postcode="PR9 9QX",
        statutory_low_age=11,
        statutory_high_age=18,
        has_sixth_form=True,
        number_of_pupils=1204,
    )


@pytest.mark.parametrize(
    ("urn", "name"),
    [
        # "é" and "’" (0x92): decoded as Windows-1252, not Latin-1.
        (990002, "St Thérèse’s Catholic Primary School"),
        (990013, "Ysgol Bryn Hâf"),
    ],
)
def test_names_are_decoded_as_windows_1252(by_urn: dict[int, GiasRecord], urn: int, name: str) -> None:
    assert by_urn[urn].name == name


@pytest.mark.parametrize(
    ("urn", "expected"),
    [
        # (low age, high age, pupils, has sixth form, UKPRN)
        (990002, (4, 11, 210, False, "")),
        # ".." is GIAS for "not available".
        (990003, (11, 16, None, False, "")),
        # Blank ages and pupil count.
        (990005, (None, None, None, False, "10099005")),
        (990006, (16, 19, 1650, True, "10099006")),
    ],
)
def test_optional_numbers(
    by_urn: dict[int, GiasRecord],
    urn: int,
    expected: tuple[int | None, int | None, int | None, bool, str],
) -> None:
    record = by_urn[urn]
    assert (
        record.statutory_low_age,
        record.statutory_high_age,
        record.number_of_pupils,
        record.has_sixth_form,
        record.ukprn,
    ) == expected


def test_status_other_than_closed_is_kept(by_urn: dict[int, GiasRecord]) -> None:
    assert by_urn[990009].status == "Open, but proposed to close"


def test_row_after_a_multi_line_field_is_read(by_urn: dict[int, GiasRecord]) -> None:
    assert (by_urn[990012].postcode, by_urn[990013].name) == ("IP99 1CM", "Ysgol Bryn Hâf")


def test_include_closed() -> None:
    result = read_gias(fixture("edubasealldata20250101.csv"), include_closed=True)
    closed = [r for r in result.records if r.urn == 990008]
    assert (len(result.records), result.skipped_closed, result.errors) == (14, 0, [])
    assert (closed[0].status, closed[0].provider_type) == ("Closed", P.PRIMARY)


def ragged(fields: int, width: int) -> str:
    return (
        f"{fields} field{'' if fields == 1 else 's'} but the header has {width}: a cell is missing or extra "
        "(or a comma in a cell is not in quotes), so none of this row was read rather than put under the wrong columns"
    )


def test_row_errors_carry_physical_line_numbers() -> None:
    result = read_gias(fixture("edubasealldata_row_errors.csv"))
    assert result.errors == [
        GiasRowError(line=3, reason="URN 'abc' is not a positive whole number"),
        GiasRowError(line=4, reason="URN '0' is not a positive whole number"),
        GiasRowError(line=5, reason="URN 990101 is a duplicate: it is already on line 2"),
        # Line 8, not 7: the row before it spans lines 6 and 7.
        GiasRowError(line=8, reason="EstablishmentName is blank"),
        GiasRowError(line=9, reason="StatutoryLowAge 'four' is not a whole number"),
        GiasRowError(
            line=11,
            reason=("URN is blank; EstablishmentName is blank; StatutoryHighAge '11.5' is not a whole number"),
        ),
        GiasRowError(line=12, reason=ragged(4, 12)),
        GiasRowError(line=15, reason="URN '-7' is not a positive whole number"),
        GiasRowError(line=17, reason=ragged(13, 12)),
    ]
    assert [r.urn for r in result.records] == [990101, 990102, 990106, 990108]
    # The closed row with a bad URN is skipped as closed, not reported.
    assert result.skipped_closed == 1


def test_first_of_duplicate_urns_is_kept() -> None:
    result = read_gias(fixture("edubasealldata_row_errors.csv"))
    assert [r.name for r in result.records if r.urn == 990101] == ["Ashcombe Academy"]


def test_short_and_long_rows_are_reported_not_read() -> None:
    records = {r.urn: r for r in read_gias(fixture("edubasealldata_row_errors.csv")).records}
    # Line 12 (4 fields of 12) and line 17 (13 of 12, its name split by an unquoted comma).
    assert 990105 not in records
    assert 990107 not in records
    padded = records[990106]
    assert (padded.name, padded.statutory_low_age) == ("Brook House School", 11)
    assert records[990102].postcode == "B99 1TL"
    # Columns absent from the header are empty or None.
    assert (padded.region, padded.ukprn, padded.number_of_pupils) == ("", "", None)


# The columns of a real extract around the postcode; GIAS dropped the three Ofsted columns
# from files downloaded after 22 April 2025.
REAL_ORDER = [
    "URN",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "EstablishmentStatus (name)",
    "OfstedLastInsp",
    "OfstedSpecialMeasures (code)",
    "OfstedSpecialMeasures (name)",
    "Street",
    "Postcode",
    "SchoolWebsite",
    "TelephoneNum",
    "HeadTitle (name)",
    "HeadFirstName",
    "GOR (name)",
]


def test_rows_without_the_headers_ofsted_columns_are_reported_not_shifted() -> None:
    # A header from an older release over rows from a newer one: the rows are three fields
    # short, and read by position their postcode would be the head's title. Every such row
    # is reported with its line; the one row of the old width is read.
    header = ",".join(REAL_ORDER)
    old = "990701,Old Width School,Academy converter,Open,01-01-2020,0,Not applicable,Lane,PR9 9QX,,,Mrs,Ann,North West"
    new = "990702,New Width School,Academy converter,Open,Mill Road,B99 4TT,,0121 496 0000,Mr,John,West Midlands"
    principal = "990703,Third School,Academy converter,Open,High Street,NR99 2HD,,,Principal,Kim,East of England"
    result = read_gias(f"{header}\r\n{old}\r\n{new}\r\n{principal}\r\n".encode())
    assert result.errors == [GiasRowError(line=3, reason=ragged(11, 14)), GiasRowError(line=4, reason=ragged(11, 14))]
    [record] = result.records
    assert (record.urn, record.postcode, record.region) == (990701, "PR9 9QX", "North West")


@pytest.mark.parametrize(
    ("row", "fields"),
    [
        ("990801,Trailing Comma Academy,Academy converter,Open,", 5),  # trailing empty field: not forgiven
        ("990801,Extra Academy,Academy converter,Open,Leftover", 5),
        ("990801,Short Academy,Academy converter", 3),
        ("990801", 1),
    ],
)
def test_every_row_of_another_width_is_reported(row: str, fields: int) -> None:
    result = read_gias(HEADER + f"{row}\r\n990802,Fine Academy,Academy converter,Open\r\n".encode())
    assert result.errors == [GiasRowError(line=2, reason=ragged(fields, 4))]
    assert [r.urn for r in result.records] == [990802]


def test_a_closed_row_of_another_width_is_reported_too() -> None:
    # Its status cannot be trusted when its cells may have moved, so it is not counted as closed.
    result = read_gias(HEADER + b"990901,Shut School,Community school,Closed,\r\n")
    assert (result.errors, result.skipped_closed) == ([GiasRowError(line=2, reason=ragged(5, 4))], 0)


def test_a_header_padded_by_a_spreadsheet_reads_rows_padded_alike() -> None:
    data = HEADER.replace(b"\r\n", b",,\r\n") + b"990902,Padded Academy,Academy converter,Open,,\r\n"
    assert [r.name for r in read_gias(data).records] == ["Padded Academy"]


def test_a_postcode_that_is_not_one_is_noted_and_left_blank() -> None:
    result = read_gias(fixture("edubasealldata_row_errors.csv"))
    [record] = [r for r in result.records if r.urn == 990108]
    assert record.postcode == ""
    assert result.notices == [
        GiasRowError(line=18, reason="Postcode 'Principal' is not a UK postcode, so it was left blank")
    ]


@pytest.mark.parametrize(
    ("written", "stored"),
    [("PR9 9QX", "PR9 9QX"), ("pr9 9qx", "PR9 9QX"), ("PR99QX", "PR9 9QX"), ("GIR 0AA", "GIR 0AA"), ("", "")],
)
def test_postcodes_are_stored_as_postcodes_are_written(written: str, stored: str) -> None:
    header = HEADER.replace(b"\r\n", b",Postcode\r\n")
    result = read_gias(header + f"990903,Post Academy,Academy converter,Open,{written}\r\n".encode())
    assert ([r.postcode for r in result.records], result.notices) == ([stored], [])


def test_missing_required_columns_are_named() -> None:
    with pytest.raises(GiasFileError) as excinfo:
        read_gias(fixture("edubasealldata_missing_columns.csv"))
    assert str(excinfo.value) == (
        "Missing required columns: URN, EstablishmentStatus (name). Is this the GIAS "
        "'all establishment data' extract (edubasealldataYYYYMMDD.csv)?"
    )


def test_one_missing_column_is_singular() -> None:
    with pytest.raises(GiasFileError, match=r"^Missing required column: URN\. "):
        read_gias(b"EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name)\r\n")


def test_utf8_with_bom_is_read() -> None:
    result = read_gias(fixture("edubasealldata_utf8_bom.csv"))
    assert [(r.urn, r.name, r.provider_type) for r in result.records] == [
        (990201, "St Thérèse’s Catholic Primary School", P.PRIMARY),
        (990202, "Ysgol Bryn Hâf", P.OTHER),
    ]
    assert result.errors == []


def test_utf8_without_bom_is_read_as_utf8() -> None:
    data = HEADER + "990401,Café Academy,Academy converter,Open\r\n".encode()
    [record] = read_gias(data).records
    assert record.name == "Café Academy"


def test_undefined_windows_1252_byte_is_a_file_error() -> None:
    data = fixture("edubasealldata_undefined_byte.csv")
    offset = data.index(b"\x81")
    with pytest.raises(GiasFileError) as excinfo:
        read_gias(data)
    assert str(excinfo.value) == (
        f"File is neither UTF-8 nor Windows-1252: download the extract from GIAS again (byte 0x81 at offset {offset}, "
        "line 3)"
    )


def test_bom_but_not_utf8_is_a_file_error() -> None:
    data = b"\xef\xbb\xbfURN,EstablishmentName\r\n1,Caf\xe9\r\n"
    offset = data.index(b"\xe9")  # counted from the start of the file, BOM included
    with pytest.raises(GiasFileError) as excinfo:
        read_gias(data)
    assert str(excinfo.value) == (
        f"File starts with a UTF-8 byte-order mark but is not valid UTF-8 (byte 0xE9 at offset {offset}, line 2)"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "File is empty"),
        (b"  \r\n\r\n", "File is empty"),
        (b",,,\r\n\r\n", "File is empty"),
        (
            b"PK\x03\x04\x14\x00\x06\x00",
            (
                "File is an Excel workbook (or a ZIP archive), not CSV: download the CSV extract "
                "from GIAS, or save the sheet as CSV"
            ),
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            (
                "File is an Excel workbook (or a ZIP archive), not CSV: download the CSV extract "
                "from GIAS, or save the sheet as CSV"
            ),
        ),
        (b"URN\x00,Name\r\n", "File is binary, not CSV (it contains NUL bytes)"),
        (
            "URN\tEstablishmentName\r\n".encode("utf-16"),
            "Missing required columns: TypeOfEstablishment (name), EstablishmentStatus (name). Is this the GIAS "
            "'all establishment data' extract (edubasealldataYYYYMMDD.csv)?",
        ),
        (
            HEADER + b'1,Fine,x,Open\r\n2,"Unclosed,x,Open\r\n3,Swallowed,x,Open\r\n',
            "File is not valid CSV: the row starting on line 3 is broken (unexpected end of data)",
        ),
        (
            HEADER + b'1,"Unclosed,x,Open\r\n',
            "File is not valid CSV: the row starting on line 2 is broken (unexpected end of data)",
        ),
        (
            HEADER + b'1,"A"B,x,Open\r\n',
            "File is not valid CSV: the row starting on line 2 is broken (',' expected after '\"')",
        ),
    ],
)
def test_whole_file_errors(data: bytes, message: str) -> None:
    with pytest.raises(GiasFileError) as excinfo:
        read_gias(data)
    assert str(excinfo.value) == message


def test_an_extract_saved_as_unicode_text_is_read() -> None:
    # Opened in Excel and saved as "Unicode Text": UTF-16, tab-separated.
    text = fixture("edubasealldata20250101.csv").decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO(newline="")
    csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(rows)
    assert read_gias(out.getvalue().encode("utf-16")) == read_gias(fixture("edubasealldata20250101.csv"))


def test_gias_file_error_is_a_value_error() -> None:
    assert issubclass(GiasFileError, ValueError)


def test_header_only_file_has_no_records() -> None:
    result = read_gias(HEADER)
    assert result == GiasReadResult(records=[], skipped_closed=0, errors=[])


def test_header_cells_are_trimmed_and_lf_line_ends_work() -> None:
    data = b" URN ,EstablishmentName , TypeOfEstablishment (name),EstablishmentStatus (name)\n"
    data += b"990501,Lf Academy,Academy converter,Open\n990501,Again,Academy converter,Open\n"
    result = read_gias(data)
    assert [r.name for r in result.records] == ["Lf Academy"]
    assert result.errors == [GiasRowError(line=3, reason="URN 990501 is a duplicate: it is already on line 2")]


def test_closed_status_is_matched_without_case() -> None:
    data = HEADER + b"990601,Shut School,Community school,CLOSED\r\n"
    result = read_gias(data)
    assert (result.records, result.skipped_closed) == ([], 1)
