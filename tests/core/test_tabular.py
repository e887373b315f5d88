"""The one reader of CSV files every import uses (qic/core/tabular.py): encodings, headers,
blank and ragged rows, broken quoting. No database: the reader is plain Python."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qic.core.tabular import Advice, Column, RowError, TableFileError, open_table

COLUMNS = (
    Column("upn", ("UPN", "Unique pupil number")),
    Column("name", ("Name", "Forename")),
    Column("dob", ("Date of birth", "DOB")),
)


class ImportFileError(TableFileError):
    """An import's own whole-file error, as LearnerFileError and GiasFileError are."""


def read(data: bytes, columns: tuple[Column, ...] = COLUMNS) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """(line, {key: value}) of every row read, and the row errors, in line order."""
    table = open_table(data, columns, error=ImportFileError)
    errors: list[RowError] = []
    rows = [(row.line, {c.key: row[c.key] for c in columns}) for row in table.rows(errors)]
    return rows, errors


def refusal(data: bytes, **kwargs: Advice) -> str:
    with pytest.raises(ImportFileError) as excinfo:
        open_table(data, COLUMNS, error=ImportFileError, **kwargs)
    return str(excinfo.value)


def ragged(fields: int, width: int) -> str:
    return (
        f"{fields} field{'' if fields == 1 else 's'} but the header has {width}: a cell is missing or extra "
        "(or a comma in a cell is not in quotes), so none of this row was read rather than put under the wrong columns"
    )


# --- Encodings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "cp1252"])
def test_utf8_with_and_without_bom_and_windows_1252_read_alike(codec: str) -> None:
    data = "UPN,Name\r\nA1,Zoë Siân O’Brien\r\n".encode(codec)
    assert read(data)[0] == [(2, {"upn": "A1", "name": "Zoë Siân O’Brien", "dob": ""})]


def test_windows_1252_is_not_latin_1() -> None:
    # 0x92 is "’" in Windows-1252 and a control character in Latin-1.
    assert read(b"UPN,Name\r\nA1,O\x92Brien\r\n")[0][0][1]["name"] == "O’Brien"


def test_a_file_that_is_valid_utf8_is_read_as_utf8_not_as_windows_1252() -> None:
    # "é" in UTF-8 is the two bytes Windows-1252 would read as "Ã©".
    assert read("UPN,Name\r\nA1,Café\r\n".encode())[0][0][1]["name"] == "Café"


def test_an_undefined_windows_1252_byte_is_refused_with_its_offset_and_line() -> None:
    data = b"UPN,Name\r\nA1,Caf\xe9\r\nA2,Br\x81ken\r\n"
    assert refusal(data) == (
        "File is neither UTF-8 nor Windows-1252: save it as CSV UTF-8 (byte 0x81 at offset 24, line 3)"
    )


def test_a_utf8_bom_on_a_file_that_is_not_utf8_is_refused() -> None:
    # The offset counts the byte-order mark: it is where the byte is in the file.
    data = b"\xef\xbb\xbfUPN,Name\r\nA1,Zo\xeb\r\n"
    assert refusal(data) == (
        "File starts with a UTF-8 byte-order mark but is not valid UTF-8 (byte 0xEB at offset 18, line 2)"
    )


def test_a_character_split_between_two_pieces_of_a_large_file_is_read() -> None:
    # The file is checked a megabyte at a time: an "é" whose two bytes straddle the boundary
    # must neither be refused nor make the file fall back to Windows-1252.
    head = b"UPN,Name\r\n"
    filler = b"A0,x\r\n" * (((1 << 20) - 100) // 6)
    pad = (1 << 20) - 1 - len(head) - len(filler) - len(b"A1,")
    data = head + filler + b"A1," + b"y" * pad + "é\r\n".encode()
    assert data.index("é".encode()) == (1 << 20) - 1
    rows, errors = read(data)
    assert (rows[-1][1]["name"], errors) == ("y" * pad + "é", [])


def test_a_bad_byte_after_the_first_megabyte_is_placed_exactly() -> None:
    data = b"UPN,Name\r\n" + b"A0,x\r\n" * 250_000 + b"A1,\x81\r\n"
    assert refusal(data).endswith(f"(byte 0x81 at offset {len(data) - 3}, line 250002)")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "File is empty"),
        (b" \r\n\t\r\n", "File is empty"),
        # Spreadsheets leave rows of bare commas: with nothing else, the file is empty.
        (b",,,\r\n,,\r\n", "File is empty"),
        (b"\xef\xbb\xbf", "File is empty"),
        (b"PK\x03\x04\x14\x00", "File is an Excel workbook (or a ZIP archive), not CSV: save the sheet as CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1", "File is an Excel workbook (or a ZIP archive), not CSV: save the sheet as CSV"),
        (b"\xff\xfe", "File is empty"),
        ("\r\n \r\n".encode("utf-16"), "File is empty"),
        (
            b"\xff\xfeU\x00\x00\xd8",  # half of a surrogate pair
            "File starts with a UTF-16 byte-order mark but is not valid UTF-16 (byte 0x00 at offset 4, line 1)",
        ),
        (b"UPN\x00,Name\r\n", "File is binary, not CSV (it contains NUL bytes)"),
        # UTF-16 has NUL bytes in every ASCII character: a NUL character is what is refused.
        ("UPN,Name\r\nA1,Zo\x00\r\n".encode("utf-16"), "File is binary, not CSV (it contains NUL characters)"),
    ],
)
def test_whole_file_refusals(data: bytes, message: str) -> None:
    assert refusal(data) == message


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_excel_unicode_text_is_read(codec: str) -> None:
    # UTF-16 with a byte-order mark (Excel writes little-endian), cells separated by tabs,
    # quoted when they hold a tab.
    text = 'UPN\tName\r\nA1\t"Zoë\tO’Brien, Jr"\r\nA2\t\u0141ucja 😀\r\n'
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[codec]
    rows, errors = read(bom + text.encode(codec))
    assert [(line, values["name"]) for line, values in rows] == [(2, "Zoë\tO’Brien, Jr"), (3, "\u0141ucja 😀")]
    assert errors == []


def test_utf16_line_numbers_of_a_bad_character_count_characters_not_bytes() -> None:
    # "\u0a0a" is two 0x0A bytes in UTF-16: they are not line ends.
    data = "UPN\r\n\u0a0a\r\n".encode("utf-16-le") + b"\x00\xd8"
    assert refusal(codecs.BOM_UTF16_LE + data).endswith(f"(byte 0x00 at offset {2 + len(data) - 2}, line 3)")


@pytest.mark.parametrize("codec", ["utf-8", "cp1252"])
def test_tab_separated_text_is_read(codec: str) -> None:
    rows, _ = read('UPN\tName\r\nA1\t"Smith, Ada"\r\n'.encode(codec))
    assert rows == [(2, {"upn": "A1", "name": "Smith, Ada", "dob": ""})]


def test_a_header_with_commas_and_a_tab_is_comma_separated() -> None:
    rows, _ = read(b"UPN,Name\tand title\r\nA1,Ada\r\n")
    assert open_table(b"UPN,Name\tand title\r\n", COLUMNS).header.names == ["UPN", "Name\tand title"]
    assert rows[0][1]["upn"] == "A1"


def test_a_tab_separated_row_of_another_width_names_the_tab() -> None:
    _, errors = read(b"UPN\tName\r\nA1\tAda\tx\r\n")
    assert errors == [RowError(line=2, reason=ragged(3, 2).replace("a comma", "a tab"))]


def test_an_import_words_its_own_advice() -> None:
    advice = Advice(workbook="download the extract again", encoding="ask for a new file")
    assert refusal(b"PK\x03\x04", advice=advice) == (
        "File is an Excel workbook (or a ZIP archive), not CSV: download the extract again"
    )
    assert refusal(b"UPN\r\n\x81\r\n", advice=advice).startswith(
        "File is neither UTF-8 nor Windows-1252: ask for a new file (byte 0x81"
    )


def test_the_imports_own_error_class_is_raised_and_is_a_value_error() -> None:
    with pytest.raises(ImportFileError):
        open_table(b"", COLUMNS, error=ImportFileError)
    assert issubclass(ImportFileError, ValueError)


# --- Headers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("UPN,Name,Date of birth", "A1,Ada,14/02/2014"),
        ("upn,NAME,date_of_birth", "A1,Ada,14/02/2014"),
        (" UPN , Name , Date  of  birth ", "A1,Ada,14/02/2014"),
        ("Unique-Pupil-Number,Forename,DOB", "A1,Ada,14/02/2014"),
        ("Date-Of-Birth,Name,UPN", "14/02/2014,Ada,A1"),  # any order
        # Columns nobody asked for are ignored.
        ("Admission no,UPN,Ethnicity,Name,Date of birth", "0012,A1,WBRI,Ada,14/02/2014"),
    ],
)
def test_columns_are_found_by_any_of_their_names_however_written(header: str, row: str) -> None:
    rows, _ = read(f"{header}\r\n{row}\r\n".encode())
    assert rows == [(2, {"upn": "A1", "name": "Ada", "dob": "14/02/2014"})]


def test_the_preferred_name_wins_when_a_file_has_two() -> None:
    rows, _ = read(b"Forename,Name\r\nTutor,Ada\r\n")
    assert rows[0][1]["name"] == "Ada"


def test_a_repeated_name_the_first_counts() -> None:
    rows, _ = read(b"Name,Name\r\nAda,Bea\r\n")
    assert rows[0][1]["name"] == "Ada"


def test_labels_are_the_files_own_names_or_the_preferred_one() -> None:
    table = open_table(b" date_of-BIRTH ,Forename\r\n", COLUMNS)
    header = table.header
    assert (header.label("dob"), header.label("name"), header.label("upn")) == ("date_of-BIRTH", "Forename", "UPN")
    assert (header.has("dob"), header.has("upn")) == (True, False)


def test_blank_lines_before_the_header_are_skipped() -> None:
    rows, _ = read(b"\r\n,,\r\nUPN,Name\r\nA1,Ada\r\n")
    assert rows == [(4, {"upn": "A1", "name": "Ada", "dob": ""})]


# --- Rows ----------------------------------------------------------------------------------------


def test_rows_carry_the_physical_line_they_start_on() -> None:
    data = b'UPN,Name\r\nA1,"Two\r\nlines"\r\n\r\nA2,  Bea  \r\n ,\r\nA3,Cal\nA4,Dee\n'
    rows, errors = read(data)
    assert [(line, values["upn"], values["name"]) for line, values in rows] == [
        (2, "A1", "Two\r\nlines"),  # spans lines 2 and 3
        (5, "A2", "Bea"),  # after an empty line; values lose their surrounding spaces
        (7, "A3", "Cal"),  # after a row of a space and a comma; LF line ends count alike
        (8, "A4", "Dee"),
    ]
    assert errors == []


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("A1", 1),
        ("A1,Ada", 2),
        ("A1,Ada,14/02/2014,", 4),  # a trailing empty field is not forgiven
        ("A1,Ada,14/02/2014,x", 4),
        ("A1,Smith, Ada,14/02/2014", 4),  # an unquoted comma in a name
        ("A1,Ada,14/02/2014,,,,,,,,", 11),
    ],
)
def test_a_row_of_another_width_is_an_error_with_its_line_not_a_row(line: str, fields: int) -> None:
    data = f"UPN,Name,Date of birth\r\nA0,Zed,01/01/2014\r\n{line}\r\nA2,Bea,02/02/2014\r\n".encode()
    rows, errors = read(data)
    assert [r[0] for r in rows] == [2, 4]
    assert errors == [RowError(line=3, reason=ragged(fields, 3))]


def test_a_header_padded_with_empty_names_takes_rows_padded_alike() -> None:
    # A spreadsheet that once had a fourth column writes every row, header included, to its width.
    rows, errors = read(b"UPN,Name,Date of birth,\r\nA1,Ada,14/02/2014,\r\nA2,Bea,14/02/2014\r\n")
    assert [r[0] for r in rows] == [2]
    assert errors == [RowError(line=3, reason=ragged(3, 4))]


def test_a_multi_line_row_of_another_width_is_reported_on_its_first_line() -> None:
    rows, errors = read(b'UPN,Name\r\nA1,"Two\r\nlines",extra\r\nA2,Bea\r\n')
    assert ([r[0] for r in rows], errors) == ([4], [RowError(line=2, reason=ragged(3, 2))])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'UPN,Name\r\nA1,Ada\r\nA2,"Unclosed\r\nA3,Swallowed\r\n',
            "File is not valid CSV: the row starting on line 3 is broken (unexpected end of data)",
        ),
        (
            b'UPN,Name\r\nA1,"Ada"B\r\n',
            "File is not valid CSV: the row starting on line 2 is broken (',' expected after '\"')",
        ),
        (b'UPN,"Na\r\nme\r\n', "File is not valid CSV: the row starting on line 1 is broken (unexpected end of data)"),
    ],
)
def test_broken_quoting_stops_the_file_naming_the_line(data: bytes, message: str) -> None:
    with pytest.raises(ImportFileError) as excinfo:
        read(data)
    assert str(excinfo.value) == message


def test_the_rows_read_before_broken_quoting_were_read() -> None:
    table = open_table(b'UPN,Name\r\nA1,Ada\r\nA2,"Unclosed\r\n', COLUMNS, error=ImportFileError)
    errors: list[RowError] = []
    rows = table.rows(errors)
    assert next(rows).line == 2
    with pytest.raises(ImportFileError):
        next(rows)


# --- Properties ----------------------------------------------------------------------------------

# Cells a spreadsheet could hold: any text, quotes, commas and line feeds included (not a bare
# CR, which csv counts as a line end of its own), that is not blank.
CELL = st.text(
    alphabet=st.characters(codec="cp1252", exclude_characters="\r\x00", exclude_categories=("Cs",)),
    max_size=12,
)
KEYS = ("a", "b", "c")
TABLE_COLUMNS = tuple(Column(key, (key.upper(),)) for key in KEYS)
ROWS = st.lists(st.tuples(CELL, CELL, CELL).filter(lambda cells: any(cell.strip() for cell in cells)), max_size=12)


def written(rows: list[tuple[str, ...]], codec: str) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([key.upper() for key in KEYS])
    writer.writerows(rows)
    return out.getvalue().encode(codec)


@given(rows=ROWS, codec=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_what_a_spreadsheet_writes_is_read_back_with_its_lines(rows: list[tuple[str, ...]], codec: str) -> None:
    data = written(rows, codec)
    read_rows, errors = read(data, TABLE_COLUMNS)
    assert errors == []
    assert [values for _line, values in read_rows] == [
        {key: cell.strip() for key, cell in zip(KEYS, row, strict=True)} for row in rows
    ]
    # Each row's line: the header's, plus the line ends written before it.
    text = data.decode("utf-8-sig" if codec == "utf-8-sig" else codec)
    lines, line = [], 2
    for row in rows:
        lines.append(line)
        line += 1 + sum(cell.count("\n") for cell in row)
    assert [line for line, _values in read_rows] == lines
    assert text.count("\n") == line - 1


@given(rows=ROWS, extra=st.lists(st.sampled_from(["", "x", " "]), min_size=1, max_size=3), at=st.integers(0, 11))
def test_a_row_with_a_field_more_or_less_is_never_read(rows: list[tuple[str, ...]], extra: list[str], at: int) -> None:
    if not rows:
        return
    index = at % len(rows)
    longer = [*rows[:index], (*rows[index], *extra), *rows[index + 1 :]]
    shorter = [*rows[:index], rows[index][:2], *rows[index + 1 :]]
    for changed, fields in ((longer, 3 + len(extra)), (shorter, 2)):
        if not any(cell.strip() for cell in changed[index]):
            continue  # a blank row is skipped, whatever its width
        read_rows, errors = read(written(changed, "utf-8"), TABLE_COLUMNS)
        assert len(read_rows) == len(rows) - 1
        assert [e.reason for e in errors] == [ragged(fields, 3)]
