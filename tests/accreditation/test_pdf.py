"""The PDFs of issued documents, drawn from plain snapshots (no database).

Text is checked in PDFs rendered without page compression: the strings each page draws are read
back from its content stream and compared with whitespace removed, so a phrase that wraps over
two lines, or changes font half-way, still matches.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from qic.accreditation.pdf import figures_line, long_date, render_pdf
from qic.accreditation.snapshot import BenchmarkFigures
from qic.domain import accreditation as rules
from qic.domain.accreditation import Outcome

PROVIDER = {
    "name": "Northfield Community Academy",
    "urn": "137245",
    "la_name": "Darlington",
    "region": "North East",
    "postcode": "DL3 6QT",
    "type": "Secondary school",
}
COMMON: dict[str, Any] = {
    "provider": PROVIDER,
    "awarding_body": {"name": "Careers Quality Partnership North", "validity_months": 36},
    "edition": {"code": "qic-2024", "title": "Quality in Careers Standard national criteria, January 2024 edition"},
}
# How many criteria each of the eight sections has in the 2024 edition: 32 in all.
SECTION_SIZES = {1: 9, 2: 2, 3: 7, 4: 3, 5: 3, 6: 2, 7: 2, 8: 4}
LONG_COMMENT = (
    "The careers leader showed a well-planned programme mapped across Years 7 to 13, with clear links to "
    "subject learning. Pupils we spoke to could describe at least two encounters this year and valued them.\n"
    "Evidence seen: the published programme, the evaluation summary and minutes of the governors' committee. "
    "To move to fully meeting, extend the evaluation to include feedback from parents and employers."
)
ISSUED = dt.datetime(2026, 11, 23, 10, 30, tzinfo=dt.UTC)


def _judgment(code: str, weak: dict[str, str]) -> str:
    return weak.get(code, "Fully meeting")


def _sections(weak: dict[str, str] | None = None, comment: str = LONG_COMMENT) -> list[dict[str, Any]]:
    weak = weak or {}
    sections = []
    for number, size in SECTION_SIZES.items():
        criteria = [
            {
                "code": f"{number}.{n}",
                "text": f"Criterion text for {number}.{n}: securing good careers provision for every learner",
                "judgment": _judgment(f"{number}.{n}", weak),
                "comment": f"Comment on {number}.{n}. {comment}",
            }
            for n in range(1, size + 1)
        ]
        judgments = {c["judgment"] for c in criteria}
        section_judgment = next(
            j for j in ("Making insufficient progress", "Making good progress", "Fully meeting") if j in judgments
        )
        figures = None if number == 8 else {"year": "2025/26", "percent": 84.0, "fully_achieved": number < 3}
        sections.append(
            {
                "number": number,
                "title": f"Section title {number}",
                "benchmark": f"Benchmark {number}: title of benchmark {number}",
                "judgment": section_judgment,
                "figures": figures,
                "criteria": criteria,
            }
        )
    return sections


REPORT_COMMON: dict[str, Any] = COMMON | {
    "assessor": "Priya Raman",
    "visit_on": "2026-11-12",
    "key_principles_met": True,
    "compass_up_to_date": True,
    "reaccreditation": False,
    "conversations": [
        {"kind": "Senior leader", "held_on": "2026-11-12", "participants": "Headteacher and deputy head"},
        {"kind": "Learners", "held_on": "2026-11-12", "participants": "Eight pupils from Years 9, 11 and 13"},
    ],
    "strengths": "A stable, well-led programme.\n\n- Employer encounters for every pupil\n- Strong personal guidance",
    "areas_for_development": "Parents are not yet involved in evaluating the programme.",
    "recommendations": "1. Add parent feedback to the annual evaluation.\n2. Share STEM careers resources.",
}


def report_2a() -> dict[str, Any]:
    return REPORT_COMMON | {
        "outcome": "2a",
        "outcome_label": "Outcome 2a: awarded, making good progress",
        "citation": rules.CITATIONS[Outcome.GOOD_PROGRESS],
        "wording": rules.AUTHORISED_WORDING[Outcome.GOOD_PROGRESS],
        "reasons": ["Not yet fully meeting sections 5"],
        "sections": _sections({"5.1": "Making good progress"}),
        "awarded_on": "2026-11-23",
        "expires_on": "2029-11-22",
    }


def report_1() -> dict[str, Any]:
    return REPORT_COMMON | {
        "outcome": "1",
        "outcome_label": "Outcome 1: making insufficient progress (not awarded)",
        "citation": "",
        "wording": "",
        "reasons": ["Sections 2, 5 making insufficient progress", "The key principles are not met"],
        "key_principles_met": False,
        "sections": _sections({"2.1": "Making insufficient progress", "5.2": "Making insufficient progress"}),
    }


def certificate(outcome: Outcome = Outcome.FULLY_MEETING) -> dict[str, Any]:
    return COMMON | {
        "outcome": outcome.value,
        "words": rules.CERTIFICATE_WORDS,
        "wording": rules.AUTHORISED_WORDING[outcome],
        "awarded_on": "2026-11-23",
        "expires_on": "2029-11-22",
    }


def commitment() -> dict[str, Any]:
    return COMMON | {"committed_on": "2025-03-03", "wording": rules.COMMITMENT_WORDING}


# --- Reading an uncompressed PDF back -----------------------------------------------------------

_SHOWN = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj")
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.DOTALL)


def _unescape(match: re.Match[bytes]) -> bytes:
    code = match.group(1)
    if code[:1].isdigit():
        return bytes([int(code, 8)])
    return {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(code, code)


def shown_text(pdf: bytes) -> str:
    """Everything the pages draw, in order, with all whitespace removed."""
    parts = [_ESCAPE.sub(_unescape, raw).decode("cp1252") for raw in _SHOWN.findall(pdf)]
    return re.sub(r"\s+", "", "".join(parts))


def body_text(pdf: bytes, content: dict[str, Any], number: int = 1) -> str:
    """A report's text without its running header and footer, so text that runs over a page
    reads on unbroken."""
    header = squeeze("Quality in Careers Standard — assessment report" + content["provider"]["name"])
    footer = squeeze(f"QiC Platform · {content['awarding_body']['name']} · Version {number}")
    text = re.sub(r"Page\d+of\d+(?=Quality|$)", "", shown_text(pdf))
    return text.replace(header, "").replace(footer, "")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_shows(pdf: bytes, *phrases: str) -> None:
    text = shown_text(pdf)
    missing = [phrase for phrase in phrases if squeeze(phrase) not in text]
    assert not missing, f"not in the PDF: {missing}"


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", pdf))


def render(kind: str, content: dict[str, Any], **kwargs: Any) -> bytes:
    return render_pdf(kind, content, compress=False, **kwargs)


# --- Every kind ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "content"),
    [("report", report_2a()), ("report", report_1()), ("certificate", certificate()), ("commitment", commitment())],
)
def test_every_kind_is_a_pdf(kind: str, content: dict[str, Any]) -> None:
    pdf = render_pdf(kind, content, issued_at=ISSUED)
    assert pdf.startswith(b"%PDF")
    assert pdf.rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize("kind", ["report", "certificate", "commitment"])
def test_the_same_snapshot_gives_the_same_bytes(kind: str) -> None:
    content = {"report": report_2a(), "certificate": certificate(), "commitment": commitment()}[kind]
    assert render_pdf(kind, content, issued_at=ISSUED) == render_pdf(kind, content, issued_at=ISSUED)


@pytest.mark.parametrize("kind", ["review", "letter", ""])
def test_other_kinds_are_refused(kind: str) -> None:
    with pytest.raises(ValueError, match="No PDF"):
        render_pdf(kind, COMMON)


# --- The assessment report ----------------------------------------------------------------------


def test_a_2a_report_carries_the_citation_wording_dates_and_summary() -> None:
    pdf = render("report", report_2a(), issued_at=ISSUED)
    assert_shows(
        pdf,
        "Assessment report",
        PROVIDER["name"],
        "URN",
        "137245",
        "Careers Quality Partnership North",
        "Outcome 2a: awarded, making good progress",
        rules.CITATIONS[Outcome.GOOD_PROGRESS],
        rules.AUTHORISED_WORDING[Outcome.GOOD_PROGRESS],
        "Awarded on 23 November 2026",
        "valid until 22 November 2029",
        "Not yet fully meeting sections 5",
        "A stable, well-led programme.",
        "Employer encounters for every pupil",
        "Parents are not yet involved in evaluating the programme.",
        "Add parent feedback to the annual evaluation.",
        "Share STEM careers resources.",
        "Eight pupils from Years 9, 11 and 13",
        "12 November 2026",
        "Version 1, issued on 23 November 2026",
        "Priya Raman",
    )
    assert b"No certificate is issued" not in pdf


def test_a_report_shows_every_criterion_by_section_with_the_section_judgment_and_figures() -> None:
    content = report_2a()
    text = body_text(render("report", content), content)
    for section in content["sections"]:
        heading = squeeze(f"Section {section['number']}: {section['title']}")
        assert heading in text
        position = text.index(heading)
        for criterion in section["criteria"]:
            for value in (criterion["code"], criterion["text"], criterion["judgment"], criterion["comment"]):
                assert squeeze(value) in text[position:], value
    assert squeeze("Benchmark 5 in 2025/26: 84.0%, not fully achieved") in text
    assert squeeze("Benchmark 1 in 2025/26: 84.0%, fully achieved") in text
    assert squeeze("Benchmark 8: no figures") in text
    # Section 5 is judged by its weakest criterion; the criteria are in order under it.
    section_5 = text.index(squeeze("Section 5: Section title 5"))
    assert text.index("MakinggoodprogressProvider", section_5) < text.index("5.1Criterion", section_5)
    assert text.index("5.1Criterion") < text.index("5.2Criterion") < text.index("5.3Criterion")


def test_an_outcome_1_report_says_no_certificate_and_why() -> None:
    pdf = render("report", report_1())
    assert_shows(
        pdf,
        "Outcome 1: making insufficient progress (not awarded)",
        "No certificate is issued.",
        "Sections 2, 5 making insufficient progress",
        "The key principles are not met",
        "Areas for development",
        "Parents are not yet involved in evaluating the programme.",
        "Making insufficient progress",
    )
    assert squeeze("Congratulations") not in shown_text(pdf)
    assert squeeze("Wording the provider may use") not in shown_text(pdf)


def test_a_long_report_runs_over_pages_with_running_header_and_page_numbers() -> None:
    content = report_2a() | {"sections": _sections(comment=LONG_COMMENT * 3)}
    assert sum(len(s["criteria"]) for s in content["sections"]) == 32
    pdf = render("report", content)
    pages = page_count(pdf)
    assert pages > 1
    text = shown_text(pdf)
    assert text.count(squeeze("Quality in Careers Standard — assessment report")) == pages
    assert text.count(squeeze(PROVIDER["name"])) >= pages
    for page in range(1, pages + 1):
        assert squeeze(f"Page {page} of {pages}") in text
    assert squeeze("End of the assessment report.") in text


def test_markup_characters_in_the_text_are_drawn_as_they_are() -> None:
    content = report_2a()
    content["provider"] = PROVIDER | {"name": "Smith & Jones <b>Academy"}
    content["sections"][0]["criteria"][0]["comment"] = "Bold <b>& brave</i> <font color=red> a < b > c &amp;"
    content["strengths"] = "<para>Good & getting better</para>"
    pdf = render("report", content)
    assert pdf.startswith(b"%PDF")
    assert_shows(pdf, "Smith & Jones <b>Academy", "Bold <b>& brave</i> <font color=red> a < b > c &amp;", "<para>Good")


def test_characters_the_built_in_fonts_lack_do_not_stop_the_report() -> None:
    content = report_2a()
    content["provider"] = PROVIDER | {"name": "Ysgol Gŵyr Łódź Academy 😀"}
    pdf = render("report", content)
    assert_shows(pdf, "Ysgol Gwyr")


def test_a_report_with_missing_parts_still_renders() -> None:
    pdf = render("report", COMMON | {"outcome": "2b", "sections": [{"number": 1, "criteria": []}]})
    assert_shows(pdf, "None recorded.", "No criteria recorded for this section.", "Benchmark 1: no figures")


def test_a_correction_says_which_version_it_replaces_and_why() -> None:
    pdf = render("report", report_2a(), number=2, correction_reason="The visit date was wrong.")
    assert_shows(pdf, "This version replaces version 1: The visit date was wrong.", "Version 2")
    from_snapshot = report_2a() | {"correction": {"replaces_number": 2, "reason": "A comment was misquoted."}}
    assert_shows(render("report", from_snapshot, number=3), "This version replaces version 2: A comment was misquoted.")
    assert b"This version replaces" not in render("report", report_2a())


# --- The certificates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "words"),
    [(Outcome.FULLY_MEETING, "Fully meeting"), (Outcome.GOOD_PROGRESS, "Making good progress")],
)
def test_a_certificate_carries_what_it_must(outcome: Outcome, words: str) -> None:
    pdf = render("certificate", certificate(outcome), issued_at=ISSUED)
    assert page_count(pdf) == 1
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in pdf  # landscape A4
    assert_shows(
        pdf,
        "Certificate of accreditation",
        PROVIDER["name"],
        "URN 137245",
        rules.CERTIFICATE_WORDS,
        f"Outcome {outcome.value}: {words}",
        rules.AUTHORISED_WORDING[outcome],
        "23 November 2026",
        "22 November 2029",
        "Careers Quality Partnership North",
        COMMON["edition"]["title"],
    )


def test_a_certificate_stays_on_one_page_however_long_its_text() -> None:
    content = certificate() | {"provider": PROVIDER | {"name": "A Very Long Academy Name " * 12}}
    content["words"] = "Congratulations. " * 120
    assert page_count(render("certificate", content)) == 1


def test_a_corrected_certificate_says_so() -> None:
    pdf = render("certificate", certificate(), number=2, correction_reason="The name was misspelt.")
    assert_shows(pdf, "Version 2", "This version replaces version 1: The name was misspelt.")


def test_the_commitment_certificate_carries_name_wording_and_date() -> None:
    pdf = render("commitment", commitment())
    assert page_count(pdf) == 1
    assert_shows(
        pdf,
        "Certificate of commitment",
        PROVIDER["name"],
        rules.COMMITMENT_WORDING,
        "Committed on",
        "3 March 2025",
        "Careers Quality Partnership North",
    )


def test_no_government_branding() -> None:
    for kind, content in (("report", report_2a()), ("certificate", certificate()), ("commitment", commitment())):
        text = shown_text(render(kind, content)).lower()
        assert "gov.uk" not in text
        assert "qicplatform" in text


# --- Helpers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-23", "23 November 2026"),
        ("2026-03-01", "1 March 2026"),
        (dt.date(2029, 2, 28), "28 February 2029"),
        (dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC), "1 July 2026"),  # midnight-thirty in London
        (None, ""),
        ("not a date", ""),
    ],
)
def test_long_date(value: object, expected: str) -> None:
    assert long_date(value) == expected


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        (
            {"year": "2025/26", "percent": 84.0, "fully_achieved": False},
            "Benchmark 5 in 2025/26: 84.0%, not fully achieved",
        ),
        ({"year": "2025/26", "percent": 100, "fully_achieved": True}, "Benchmark 5 in 2025/26: 100.0%, fully achieved"),
        ({"year": "2025/26", "percent": None, "fully_achieved": False}, "Benchmark 5 in 2025/26: no figures"),
        (None, "Benchmark 5: no figures"),
    ],
)
def test_figures_line(figures: dict[str, Any] | None, expected: str) -> None:
    assert figures_line(5, None if figures is None else BenchmarkFigures.model_validate(figures)) == expected


@pytest.mark.parametrize("kind", ["certificate", "commitment", "report"])
def test_an_independent_training_provider_is_named_by_its_ukprn(kind: str) -> None:
    """An ITP's key is its UKPRN (docs/decisions.md §33); a snapshot from before the label says URN."""
    itp = PROVIDER | {"urn": 10012345, "identifier_label": "UKPRN", "type": "Independent training provider"}
    content = {"certificate": certificate, "commitment": commitment, "report": report_2a}[kind]()
    text = shown_text(render(kind, content | {"provider": itp}))
    assert "UKPRN10012345" in text
    assert "URN10012345" not in text.replace("UKPRN10012345", "")
    older = shown_text(render(kind, content))
    assert "UKPRN" not in older
    assert f"URN{PROVIDER['urn']}" in older
