"""The one CSV writer: byte-order mark, CRLF, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qic.core.csv_export import FORMULA_STARTS, PLAIN_NUMBER, csv_bytes, csv_response, safe_cell

cells = st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.none())


def read(data: bytes) -> list[list[str]]:
    """Read the file as a BOM-aware spreadsheet import would."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+SUM(1)", "'+SUM(1)"),
        ("@cmd", "'@cmd"),
        ("-2+3", "'-2+3"),
        ("\tleading tab", "'\tleading tab"),
        ("\rcarriage return", "'\rcarriage return"),
        ("  =1+1", "'  =1+1"),  # spreadsheets skip the spaces and would still run it
        ("\uff1d1+1", "'\uff1d1+1"),  # full-width equals sign
        ("-", "'-"),
        ("-3", "-3"),  # a plain number stays a number
        ("-1.5", "-1.5"),
        ("12.0", "12.0"),
        ("Zoë", "Zoë"),
        ("16–18", "16–18"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-3, "-3"),
        (7, "7"),
    ],
)
def test_each_cell_is_written_safely(value: object, written: str) -> None:
    assert safe_cell(value) == written


def test_a_file_starts_with_a_byte_order_mark_and_ends_lines_with_crlf() -> None:
    data = csv_bytes(["forename", "surname"], [["Zoë", "O'Neil"], ["Ada", "=1+1"]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data == "\ufeffforename,surname\r\nZoë,O'Neil\r\nAda,'=1+1\r\n".encode()


def test_accented_names_and_en_dashes_survive_a_bom_aware_reader() -> None:
    assert read(csv_bytes(["name", "age band"], [["Zoë Brontë", "16–18"]])) == [
        ["name", "age band"],
        ["Zoë Brontë", "16–18"],
    ]


def test_the_response_is_a_utf8_csv_attachment_with_a_tidy_name() -> None:
    response = csv_response('bad "name"\r\n.csv', ["a"], [["=1"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="bad--name---.csv"'
    assert read(response.content) == [["a"], ["'=1"]]


@given(st.lists(st.lists(cells, min_size=1, max_size=5), max_size=6))
def test_no_cell_read_back_begins_with_a_formula_character_unless_quoted(rows: list[list[object]]) -> None:
    header = ["one", "two", "three", "four", "five"]
    data = csv_bytes(header, rows)
    assert data.startswith(b"\xef\xbb\xbf")
    back = read(data)
    assert back[0] == header
    assert len(back) == len(rows) + 1
    for original, row in zip(rows, back[1:], strict=True):
        assert len(row) == len(original)
        for value, cell in zip(original, row, strict=True):
            first = cell.lstrip(" ")[:1]
            if first in FORMULA_STARTS:
                # Only a plain number such as -3 or -1.5 may begin with a formula character.
                assert PLAIN_NUMBER.fullmatch(cell)
            # Nothing is lost: the cell is the value, or the value behind one quote.
            text = "" if value is None else str(value)
            assert cell in (text, "'" + text)


@given(st.text())
def test_a_quoted_cell_is_the_original_text_behind_one_quote(text: str) -> None:
    cell = safe_cell(text)
    assert cell == text or (cell == "'" + text and text.lstrip(" ")[:1] in FORMULA_STARTS)
