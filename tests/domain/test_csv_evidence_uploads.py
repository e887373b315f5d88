"""A CSV file as evidence (issue 16, item 4): accepted only where the caller allows it and only for
destinations data; told by its content (text in UTF-8, with or without a byte-order mark, or
Windows-1252; no NUL byte; a header line with commas or tabs), never by its name."""

from __future__ import annotations

import random

import pytest

from qic.domain import accreditation as acc

HEADER = "UPN,Surname,Destination,Date\r\n"
ROWS = "A123456789012,Smith,FE college,01/10/2025\r\n"


def csv_kind(data: bytes, name: str = "destinations.csv") -> str:
    return acc.upload_type(data, None, name=name, csv_allowed=True)


@pytest.mark.parametrize(
    "data",
    [
        (HEADER + ROWS).encode("utf-8"),
        ("\ufeff" + HEADER + "B1,Ní Bhriain,Sixth-form college,2025-10-01\r\n").encode("utf-8"),  # Excel's CSV UTF-8
        (HEADER + "C1,Müller – Straße,Employment £,2025-10-01\r\n").encode("cp1252"),  # older Excel
        b"UPN\tSurname\tDestination\nD1\tJones\tApprenticeship\n",  # tab separated
        b"\r\n\r\nUPN,Destination\r\n",  # a header alone, after blank lines
    ],
)
def test_a_csv_is_recognised_by_its_content(data: bytes) -> None:
    assert acc.csv_problem(data) is None
    assert csv_kind(data) == "csv"
    assert csv_kind(data, name="whatever-it-is-called.pdf") == "csv"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "it is empty"),
        (b"  \r\n\t\r\n", "it is empty"),
        ((HEADER + ROWS).encode("utf-16"), "saved as UTF-16 text"),  # with its byte-order mark
        ((HEADER + ROWS).encode("utf-16-le"), "NUL bytes"),  # without one
        (b"UPN,Surname\r\nA1,Sm\x00ith\r\n", "NUL bytes"),
        (b"UPN,Surname\r\nA1,\x81\x8d\r\n", "not text in UTF-8 or Windows-1252"),
        (b"UPN,Surname\r\nA1,Smith\x1b[31m\r\n", "control characters"),
        (b"Just a sentence about destinations.\r\nAnd another.\r\n", "no commas or tabs"),
    ],
)
def test_what_is_not_a_csv_says_why(data: bytes, reason: str) -> None:
    problem = acc.csv_problem(data)
    assert problem is not None
    assert reason in problem
    with pytest.raises(acc.UploadRefused, match="cannot be read as a CSV file"):
        csv_kind(data)


def test_binary_junk_renamed_csv_is_refused() -> None:
    rng = random.Random(16)
    for _ in range(50):
        junk = bytes(rng.randrange(256) for _ in range(2048))
        with pytest.raises(acc.UploadRefused, match="cannot be read as a CSV file"):
            csv_kind(junk)
    # An executable and an HTML page with a comma in it: not CSV either way it is named.
    with pytest.raises(acc.UploadRefused):
        csv_kind(b"MZ\x90\x00\x03\x00\x00\x00\x04,\x00")
    with pytest.raises(acc.UploadRefused, match="or a CSV file of destinations data"):
        csv_kind(b"\x7fELF\x02\x01\x01", name="report")


def test_documents_are_still_documents_where_a_csv_is_allowed() -> None:
    assert csv_kind(b"%PDF-1.7\n%...", name="data.csv") == "pdf"
    names = ["[Content_Types].xml", "xl/workbook.xml"]
    assert acc.upload_type(b"PK\x03\x04\x14\x00", names, name="x.csv", csv_allowed=True) == "xlsx"
    # A ZIP that is not Word or Excel is refused as such, not read as text.
    with pytest.raises(acc.UploadRefused, match="ZIP archive"):
        acc.upload_type(b"PK\x03\x04\x14\x00", ["a.exe"], name="x.csv", csv_allowed=True)


def test_a_csv_is_refused_where_the_caller_does_not_allow_one() -> None:
    data = (HEADER + ROWS).encode()
    with pytest.raises(acc.UploadRefused, match=r"must be a PDF, Word \(.docx\) or Excel"):
        acc.upload_type(data, None, name="destinations.csv", csv_allowed=False)


def test_a_csv_is_evidence_of_destinations_only() -> None:
    assert acc.upload_refused_for_kind("csv", "destinations") is None
    for kind in acc.EVIDENCE_KINDS:
        if kind.code != "destinations":
            refusal = acc.upload_refused_for_kind("csv", kind.code)
            assert refusal is not None
            assert "only be added as “Destinations data for the last three years”" in refusal
    # Other files go with any kind.
    assert all(acc.upload_refused_for_kind("pdf", kind.code) is None for kind in acc.EVIDENCE_KINDS)
    assert acc.ALLOWED_UPLOADS["csv"][0] == "text/csv"
