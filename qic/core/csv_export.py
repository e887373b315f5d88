"""The one way the product writes CSV files that people open in spreadsheets.

Every CSV download goes through `csv_response` (or `csv_bytes`), so that all of them:

- start with a UTF-8 byte-order mark, so Excel reads "Zoë" and "16–18" as written instead of
  guessing Windows-1252;
- end lines with CRLF (RFC 4180), quoting a cell only when it needs it;
- neutralise formula injection ("CSV injection"): a cell that a spreadsheet would run as a
  formula — first non-blank character `=`, `+`, `-`, `@`, or a tab, carriage return or line
  feed, or the full-width `＝`/`＋`/`－`/`＠` that some spreadsheets also accept — is written with
  a leading single quote, which spreadsheets show as text. A learner called `=HYPERLINK(…)`
  stays a name, not a link to a stranger's site.

Plain numbers are the one exception: a cell that is nothing but a decimal number such as `-3`
or `-1.5` is written as it is, because a spreadsheet reads it as a number and cannot run it,
and a quote would turn a figure (e.g. a gap in percentage points) into text. `-2+3` is not a
plain number and is quoted. See docs/decisions.md.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

BOM = "\ufeff"
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def safe_cell(value: Any) -> str:
    """The text of one cell, with a leading quote if a spreadsheet would run it as a formula."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if PLAIN_NUMBER.fullmatch(text):
        return text
    # Spreadsheets skip leading spaces before deciding whether a cell is a formula.
    if text.lstrip(" ")[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """The whole file as text: BOM, header, rows, CRLF line ends, every cell made safe."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """The file as UTF-8 bytes (starting with the byte-order mark)."""
    return csv_text(header, rows).encode("utf-8")


def csv_response(filename: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """A CSV download named `filename`, safe to open in a spreadsheet."""
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    safe_name = re.sub(r"[^A-Za-z0-9._-]", "-", filename)
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
