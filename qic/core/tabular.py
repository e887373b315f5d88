"""Read a table that a spreadsheet or a system exported (CSV, or Excel's text formats): the one
reader every import uses.

Learner lists, registers and the GIAS establishment extract all come through here, so they
accept the same files, find their columns the same way and report the same problems in the
same words. What it decides:

- **Encoding.** A UTF-8 byte-order mark means UTF-8. Without one, a file that is valid UTF-8
  is UTF-8 (Google Sheets, LibreOffice, "CSV UTF-8"): real Windows-1252 text with accented
  letters is practically never valid UTF-8, and reading UTF-8 as cp1252 would "succeed" and
  turn "é" into "Ã©". Anything else is Windows-1252, what Excel writes on a UK PC and what
  GIAS publishes (not Latin-1: 0x92 is "’"). Python's cp1252 leaves 0x81, 0x8D, 0x8F, 0x90
  and 0x9D undefined, so a file with one of them is refused, naming the byte's offset and line.
  A UTF-16 byte-order mark means UTF-16: Excel's "Unicode Text", how versions of Excel before
  "CSV UTF-8" save a sheet with every character intact. A NUL (byte, or UTF-16 character) is
  refused whatever the encoding: no text holds one, and PostgreSQL cannot store it. A workbook
  (xlsx, xls) and a binary file are refused with a message that says what to do.
- **Separator.** A comma, unless the header line has a tab and no comma: then a tab, as in
  Excel's "Unicode Text" and "Text (Tab delimited)". Quoting is the same either way.
- **Header.** The first row that is not blank. A column is found by any of its names,
  compared without case, spaces, underscores or hyphens ("Date_of-Birth " is "Date of birth");
  when a file has a name twice, the first one counts. Columns nobody asked for are ignored.
- **Rows.** Numbered by the physical line they start on (a quoted cell may hold line breaks),
  so a person can find them in an editor. Blank rows (empty lines, rows of bare commas) are
  skipped. **A row with more or fewer fields than the header is not read at all**: it becomes
  a RowError with its line, never a row whose values sit under the wrong columns. Trailing
  empty fields are not forgiven either way: "a,b,c," under a three-column header is exactly
  what a row looks like when an unquoted comma split one of its cells and its last cell was
  empty (GIAS's last column is empty on almost every row), and nothing in the row tells the two
  apart. Spreadsheets write every row, header included, to the same width.
- **Quoting.** Broken quoting (an unclosed quote swallowing the rest of the file, text after a
  closing quote) stops the whole file, naming the line the broken row starts on: every later
  row is suspect.

Whole-file problems raise the caller's TableFileError subclass; the advice in a message
can be the caller's own (Advice). What a value must look like (a UPN, a date, a postcode) is
for the caller to check, with the rules in qic/domain, since only the caller knows whether a
bad value rejects the row or is only reported.

The file is checked and read as a stream over the bytes: no decoded copy of the whole file is
made, which matters for a 60 MB national extract. Standard library only (no Django), so a
view, a task, a command and a test can all use it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence


class TableFileError(ValueError):
    """The file as a whole cannot be read; the message says why and, where it can, what to do.

    Each import subclasses it (LearnerFileError, GiasFileError) and passes its class to
    open_table, so its callers catch the error they always caught.
    """


@dataclass(frozen=True)
class RowError:
    """A row that was not read: the physical line it starts on (header = 1 when the header is
    the first line) and why, in words for the person who will fix the file."""

    line: int
    reason: str


@dataclass(frozen=True)
class Column:
    """A column an import reads: its key in the code, and the header names it is found by
    (the preferred one first: it names the column when the file lacks it)."""

    key: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Advice:
    """What a whole-file message tells the person to do, in the words of one import."""

    workbook: str = "save the sheet as CSV"
    encoding: str = "save it as CSV UTF-8"


_ZIP_MAGIC = b"PK\x03\x04"  # .xlsx (and any ZIP archive)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls (Excel 97-2003)
# The file is checked in pieces of this size, never decoded whole.
_CHUNK = 1 << 20
_HEADER_NOISE = re.compile(r"[\s_\-]+")


def header_key(name: str) -> str:
    """How header names are compared: 'Date_of-Birth ' -> 'dateofbirth'."""
    return _HEADER_NOISE.sub("", name).casefold()


def missing_columns_message(names: Sequence[str]) -> str:
    """'Missing required column: X' or 'Missing required columns: X, Y'."""
    return f"Missing required column{'s' if len(names) > 1 else ''}: {', '.join(names)}"


class Header:
    """The header row, and where each asked-for column is in it."""

    __slots__ = ("_columns", "names", "positions", "width")

    def __init__(self, names: Sequence[str], columns: Sequence[Column]) -> None:
        self.names = [name.strip() for name in names]  # as written, for messages
        self.width = len(self.names)  # every field counts, trailing empty names too
        first: dict[str, int] = {}
        for index, name in enumerate(self.names):
            first.setdefault(header_key(name), index)  # a repeated name: the first one counts
        # Column key -> index of the first of its names (in order of preference) the file has.
        self.positions: dict[str, int] = {}
        for column in columns:
            at = next((first[key] for key in map(header_key, column.names) if key in first), None)
            if at is not None:
                self.positions[column.key] = at
        self._columns = {column.key: column for column in columns}

    def has(self, key: str) -> bool:
        return key in self.positions

    def label(self, key: str) -> str:
        """The column's name as this file writes it, or its preferred name if the file lacks it."""
        index = self.positions.get(key)
        return self.names[index] if index is not None else self._columns[key].names[0]


class Row:
    """One row with exactly the header's number of fields, read by column key."""

    __slots__ = ("_header", "_positions", "cells", "line")

    def __init__(self, line: int, cells: list[str], header: Header) -> None:
        self.line = line
        self.cells = cells
        self._header = header
        self._positions = header.positions  # read for every cell of 51,000 rows: one lookup fewer

    def __getitem__(self, key: str) -> str:
        """The cell without surrounding spaces; "" when the file has no such column."""
        index = self._positions.get(key)
        return "" if index is None else self.cells[index].strip()

    def label(self, key: str) -> str:
        return self._header.label(key)


class Table:
    """An opened file: its header, then its rows, read once as they are asked for."""

    def __init__(self, header: Header, rows: Iterator[tuple[int, list[str]]], *, separator: str = ",") -> None:
        self.header = header
        self.separator = separator
        self._rows = rows

    def rows(self, errors: list[RowError]) -> Iterator[Row]:
        """Yield each row that is not blank and has the header's number of fields; append a
        RowError for each that has more or fewer, in line order with whatever the caller
        appends. Raises the table's file error when the quoting breaks."""
        width = self.header.width
        for line, cells in self._rows:
            if len(cells) == width:
                yield Row(line, cells, self.header)
            else:
                errors.append(RowError(line=line, reason=_ragged(len(cells), width, self.separator)))


def _ragged(fields: int, width: int, separator: str) -> str:
    separator_name = "tab" if separator == "\t" else "comma"
    return (
        f"{fields} field{'s' if fields != 1 else ''} but the header has {width}: a cell is missing or extra "
        f"(or a {separator_name} in a cell is not in quotes), so none of this row was read rather than put under "
        "the wrong columns"
    )


def open_table(
    data: bytes,
    columns: Sequence[Column],
    *,
    error: type[TableFileError] = TableFileError,
    advice: Advice = Advice(),  # frozen, so one shared default is safe
) -> Table:
    """Check the file's encoding, read its header and find `columns` in it.

    Raises `error` when the file is empty (no row that is not blank), is not text, or is not
    in an encoding we read. Rows are read when Table.rows is iterated.
    """
    codec, skip = _encoding_of(data, error, advice)
    separator = _separator(data, codec, skip)
    stream = io.BytesIO(data)  # shares `data`'s buffer: no copy
    stream.seek(skip)
    # strict=True turns broken quoting into an error instead of silently merged rows.
    text = io.TextIOWrapper(stream, encoding=codec, newline="")
    reader = csv.reader(text, delimiter=separator, strict=True)
    rows = _numbered_rows(reader, error)
    first = next(rows, None)
    if first is None:
        raise error("File is empty")
    return Table(Header(first[1], columns), rows, separator=separator)


# Enough of the file's start to hold its header line (GIAS's, the longest we read, is 3 KB).
_HEAD = 1 << 16


def _separator(data: bytes, codec: str, skip: int) -> str:
    """A tab if the first line that is not blank has a tab and no comma, else a comma."""
    head = data[skip : skip + _HEAD].decode(codec, errors="ignore")  # a character cut at the end is dropped
    line = next((line for line in head.splitlines() if line.strip()), "")
    return "\t" if "\t" in line and "," not in line else ","


class _CsvReader(Protocol):
    """What we use of csv.reader's result (its class is private to _csv)."""

    @property
    def line_num(self) -> int: ...

    def __next__(self) -> list[str]: ...


def _numbered_rows(reader: _CsvReader, error: type[TableFileError]) -> Iterator[tuple[int, list[str]]]:
    """Yield (physical line the row starts on, row) for every row that is not blank."""
    while True:
        # A quoted field may contain line breaks, so a record can span several physical
        # lines: it starts on the line after the last one the reader consumed.
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise error(f"File is not valid CSV: the row starting on line {line} is broken ({exc})") from exc
        # Spreadsheets leave empty lines and rows of bare commas: they are not rows.
        if any(cell and not cell.isspace() for cell in row):
            yield line, row


def _encoding_of(data: bytes, error: type[TableFileError], advice: Advice) -> tuple[str, int]:
    """(codec, bytes to skip) for the file, or `error` saying why it cannot be read."""
    # isspace() scans without the copy strip() would make of a 60 MB file.
    if not data or data.isspace():
        raise error("File is empty")
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise error(f"File is an Excel workbook (or a ZIP archive), not CSV: {advice.workbook}")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text": the byte-order mark says so reliably, and the codec reads it.
        _check_decodes(data, "utf-16", "File starts with a UTF-16 byte-order mark but is not valid UTF-16", 0, error)
        # The NUL-byte test below cannot apply (every other byte of ASCII text is 0), so NUL is
        # looked for among the characters: PostgreSQL stores no NUL in text, whatever the file.
        _check_no_nul(data, "utf-16", error)
        return "utf-16", 0
    if b"\x00" in data:
        raise error("File is binary, not CSV (it contains NUL bytes)")
    if data.startswith(codecs.BOM_UTF8):
        # Saved as "CSV UTF-8" by Excel: the byte-order mark says so reliably.
        skip = len(codecs.BOM_UTF8)
        _check_decodes(data, "utf-8", "File starts with a UTF-8 byte-order mark but is not valid UTF-8", skip, error)
        return "utf-8", skip
    if not data.isascii():
        try:
            _check_decodes(data, "utf-8", "", 0, error)
        except TableFileError:
            pass
        else:
            return "utf-8", 0
    _check_decodes(data, "cp1252", f"File is neither UTF-8 nor Windows-1252: {advice.encoding}", 0, error)
    return "cp1252", 0


def _check_no_nul(data: bytes, codec: str, error: type[TableFileError]) -> None:
    """Refuse a file (already known to decode) with a NUL character, piece by piece, keeping nothing."""
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(data)
    for start in range(0, len(data), _CHUNK):
        if "\x00" in decoder.decode(view[start : start + _CHUNK], final=start + _CHUNK >= len(data)):
            raise error("File is binary, not CSV (it contains NUL characters)")


def _check_decodes(data: bytes, codec: str, problem: str, skip: int, error: type[TableFileError]) -> None:
    """Decode `data[skip:]` piece by piece, keeping nothing, to find the first bad byte."""
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(data)
    start = skip
    while True:
        piece = view[start : start + _CHUNK]
        final = start + _CHUNK >= len(data)
        # An incomplete character at the end of a piece is kept and decoded with the next.
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(piece, final=final)
        except UnicodeDecodeError as exc:
            offset = start - pending + exc.start
            if codec == "utf-16":  # a 0x0A byte may be half of any character
                line = data[:offset].decode(codec, errors="replace").count("\n") + 1
            else:
                line = data.count(b"\n", 0, offset) + 1
            raise error(f"{problem} (byte 0x{data[offset]:02X} at offset {offset}, line {line})") from exc
        if final:
            return
        start += _CHUNK
