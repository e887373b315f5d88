"""The PDF of an issued document, drawn from its frozen snapshot alone.

`render_pdf` takes the snapshot that `documents.snapshot_for` froze at the moment of issue (a
`qic.accreditation.snapshot` model, or its stored JSON) and draws the assessment report, the
accreditation certificate or the certificate of commitment with
ReportLab. Only the built-in Helvetica fonts are used and the output is invariant, so the same
snapshot always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.utils import timezone
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepInFrame,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from qic.accreditation.snapshot import (
    BenchmarkFigures,
    CertificateSnapshot,
    CommitmentSnapshot,
    Correction,
    CriterionRecord,
    IssuedSnapshot,
    ReportSnapshot,
    SectionRecord,
    load_snapshot,
)
from qic.core.pdf import (
    BODY,
    BOLD,
    BRAND,
    BULLET,
    CELL,
    CELL_BOLD,
    FONT,
    H2,
    H3,
    ITALIC,
    KICKER,
    LABEL,
    MUTED,
    NAVY,
    NOTE,
    NOTICE,
    NOTICE_EDGE,
    OUTCOME,
    PALE,
    QUOTE,
    RULE,
    SECTION_HEAD,
    SECTION_META,
    SMALL,
    SUBTITLE,
    TEAL,
    TITLE,
)
from qic.core.pdf import esc as _esc
from qic.core.pdf import plain as _plain
from qic.core.pdf import style as _style

KINDS = ("commitment", "report", "certificate")
STANDARD = "Quality in Careers Standard"
REPORT_RUNNING_TITLE = f"{STANDARD} — assessment report"

# --- Colours and type (the house look is qic.core.pdf's) ------------------------------------------

JUDGMENT_COLOURS = {
    "Fully meeting": "#1d6b3a",
    "Making good progress": "#8a5300",
    "Making insufficient progress": "#a4262c",
}

CELL_NOTE = _style("cell_note", fontName=ITALIC, fontSize=8.5, leading=11, textColor=MUTED, spaceBefore=2, spaceAfter=0)

# --- Text helpers -------------------------------------------------------------------------------

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_BULLET_LINE = re.compile(r"^\s*([-*•·]|\d{1,3}[.)])\s+")


def _lines_markup(value: object) -> str:
    """Paragraph markup keeping the text's own line breaks."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return "<br/>".join(_esc(line) for line in text.split("\n"))


def _text(value: object, style: ParagraphStyle = BODY, *, empty: str = "None recorded.") -> list[Flowable]:
    """Free text as paragraphs: blank lines separate paragraphs, lines starting '-', '*' or '•'
    become bullets, and other single line breaks are kept."""
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return [Paragraph(_esc(empty), NOTE)] if empty else []
    bullet_style = ParagraphStyle(
        f"{style.name}_bullet",
        parent=BULLET,
        fontSize=style.fontSize,
        leading=style.leading,
        leftIndent=style.leftIndent + 16,
        bulletIndent=style.leftIndent + 2,
    )
    flowables: list[Flowable] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            flowables.append(Paragraph("<br/>".join(_esc(line) for line in pending), style))
            pending.clear()

    for line in text.split("\n"):
        if not line.strip():
            flush()
        elif found := _BULLET_LINE.match(line):
            flush()
            marker = found.group(1)
            bullet = marker if marker[0].isdigit() else "•"
            flowables.append(Paragraph(_esc(line[found.end() :]), bullet_style, bulletText=bullet))
        else:
            pending.append(line.strip())
    flush()
    return flowables


def _bullets(items: Iterable[object], style: ParagraphStyle = BULLET) -> list[Flowable]:
    return [Paragraph(_lines_markup(item), style, bulletText="•") for item in items if str(item or "").strip()]


def _as_date(value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def long_date(value: object, *, missing: str = "") -> str:
    """'2026-11-23' (or a date) -> '23 November 2026'."""
    day = _as_date(value)
    if day is None:
        return missing
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _judgment_markup(label: str) -> str:
    label = label or "Not judged"
    colour = JUDGMENT_COLOURS.get(label, "#555555")
    return f'<font color="{colour}"><b>{_esc(label)}</b></font>'


def _fit(text: str, font: str, size: float, width: float) -> str:
    """The text cut with an ellipsis to fit `width` points."""
    text = _plain(text)
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def figures_line(number: int, figures: BenchmarkFigures | None) -> str:
    """'Benchmark 5 in 2025/26: 84.0%, not fully achieved', or that there are no figures."""
    return figures.line(number) if figures else f"Benchmark {number}: no figures"


def _correction_line(correction: Correction | None, number: int, correction_reason: str) -> str:
    reason = (correction_reason or (correction.reason if correction else "")).strip()
    if not reason and correction is None:
        return ""
    replaces = (correction.replaces_number if correction else None) or (number - 1 if number > 1 else None)
    which = f"version {replaces}" if replaces else "an earlier version"
    return f"This version replaces {which}: {reason}" if reason else f"This version replaces {which}."


def _issued_text(number: int, issued_at: dt.datetime | None) -> str:
    text = f"Version {number}"
    if issued_at is not None:
        text += f", issued on {long_date(issued_at)}"
    return text


# --- Building blocks ----------------------------------------------------------------------------


def _facts_table(
    rows: Sequence[tuple[str, str | Flowable | list[Flowable]]], width: float, label_width: float = 42 * mm
) -> Table:
    """Label and value rows; a value is plain text, or flowables drawn as they are."""
    data = [
        [
            Paragraph(_esc(label), LABEL),
            value if isinstance(value, Flowable | list) else Paragraph(_lines_markup(value) or "—", CELL),
        ]
        for label, value in rows
    ]
    table = Table(data, colWidths=[label_width, width - label_width], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _panel(flowables: list[Flowable], width: float, *, background: Any = PALE, edge: Any = NAVY) -> Table:
    table = Table([[flowables]], colWidths=[width], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), background),
                ("LINEBEFORE", (0, 0), (0, -1), 3, edge),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _notice(text: str, width: float) -> Table:
    return _panel([Paragraph(f"<b>{_esc(text)}</b>", BODY)], width, background=NOTICE, edge=NOTICE_EDGE)


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab ships no types
    """A canvas that writes 'Page N of M' on every page once it knows M."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            width = self._pagesize[0]
            self.setFont(FONT, 8)
            self.setFillColor(MUTED)
            self.drawRightString(width - _MARGIN, 12 * mm, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


_MARGIN = 18 * mm
_FRAME_PADDING = 6  # points, ReportLab's default


def _document(
    buffer: io.BytesIO, *, pagesize: tuple[float, float], title: str, compress: bool, **margins: float
) -> Any:
    return SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        # The frame pads its content by 6 points; the text itself starts at the margin.
        leftMargin=margins.get("left", _MARGIN) - _FRAME_PADDING,
        rightMargin=margins.get("right", _MARGIN) - _FRAME_PADDING,
        topMargin=margins.get("top", _MARGIN),
        bottomMargin=margins.get("bottom", _MARGIN),
        title=_plain(title),
        author=BRAND,
        creator=BRAND,
        producer=BRAND,
        subject=STANDARD,
        lang="en-GB",
        displayDocTitle=1,
        invariant=1,
        pageCompression=1 if compress else 0,
    )


# --- The assessment report ----------------------------------------------------------------------


def _report_page(provider_name: str, footer_left: str) -> Callable[[Canvas, Any], None]:
    def draw(canvas: Canvas, doc: Any) -> None:
        width, height = doc.pagesize
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        top = height - 11 * mm
        canvas.drawString(_MARGIN, top, REPORT_RUNNING_TITLE)
        room = width - 2 * _MARGIN - stringWidth(REPORT_RUNNING_TITLE, FONT, 8) - 10 * mm
        canvas.setFont(BOLD, 8)
        canvas.drawRightString(width - _MARGIN, top, _fit(provider_name, BOLD, 8, room))
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(_MARGIN, top - 2.5 * mm, width - _MARGIN, top - 2.5 * mm)
        canvas.line(_MARGIN, 16 * mm, width - _MARGIN, 16 * mm)
        canvas.setFont(FONT, 8)
        canvas.drawString(_MARGIN, 12 * mm, _fit(footer_left, FONT, 8, width - 2 * _MARGIN - 30 * mm))
        canvas.restoreState()

    return draw


def _criterion(criterion: CriterionRecord, width: float) -> tuple[float, list[Flowable]]:
    """A criterion's heading, judgment and comment, and the room it needs at the foot of a page."""
    code_width, judgment_width = 14 * mm, 38 * mm
    header = Table(
        [
            [
                Paragraph(f"<b>{_esc(criterion.code)}</b>", CELL_BOLD),
                Paragraph(_lines_markup(criterion.text), CELL),
                Paragraph(_judgment_markup(criterion.judgment), CELL),
            ]
        ],
        colWidths=[code_width, width - code_width - judgment_width, judgment_width],
    )
    header.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), PALE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 5),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    comment_style = ParagraphStyle("comment", parent=BODY, leftIndent=code_width, spaceAfter=3)
    comment = _text(criterion.comment, comment_style, empty="")
    if not comment:
        comment = [Paragraph("No comment recorded.", ParagraphStyle("no_comment", parent=NOTE, leftIndent=code_width))]
    label = Paragraph("Assessor’s comment", ParagraphStyle("comment_label", parent=LABEL, leftIndent=code_width))
    # The criterion's heading starts a page if it would otherwise end one without at least the
    # first lines of its comment; a long comment then runs on over the page.
    need = _height(header, width) + 4 + _height(label, width) + min(_height(comment[0], width), 3 * BODY.leading + 2)
    return need, [header, Spacer(1, 4), label, *comment]


def _height(flowable: Flowable, width: float) -> float:
    """The height `flowable` takes at `width`, with the space it asks for after it."""
    _, height = flowable.wrap(width, 10_000)
    return float(height) + float(flowable.getSpaceAfter())


def _section(section: SectionRecord, width: float) -> list[Flowable]:
    number = section.number
    heading = Table(
        [
            [Paragraph(f"Section {number}: {_esc(section.title)}", SECTION_HEAD)],
            [Paragraph(f"Incorporating {_esc(section.benchmark)}", SECTION_META)],
        ],
        colWidths=[width],
    )
    heading.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), NAVY),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (0, 0), 6),
                ("TOPPADDING", (0, 1), (0, 1), 1),
                ("BOTTOMPADDING", (0, 0), (0, 0), 1),
                ("BOTTOMPADDING", (0, 1), (0, 1), 6),
            ]
        )
    )
    figures: list[Flowable] = [Paragraph(_esc(figures_line(number, section.figures)), CELL)]
    if section.why_both:
        # The judgment and the figure disagree about "fully": say why both stand.
        figures.append(Paragraph(_esc(section.why_both), CELL_NOTE))
    summary = _facts_table(
        [
            ("Section judgment", Paragraph(_judgment_markup(section.judgment), CELL)),
            ("Provider’s figures", figures),
        ],
        width,
        label_width=38 * mm,
    )
    criteria = [_criterion(criterion, width) for criterion in section.criteria]
    if not criteria:
        empty = Paragraph("No criteria recorded for this section.", NOTE)
        criteria = [(_height(empty, width), [empty])]
    # The section's heading starts a page unless its first criterion can start under it.
    need = _height(heading, width) + 4 + _height(summary, width) + 8 + criteria[0][0]
    flowables: list[Flowable] = [CondPageBreak(need), heading, Spacer(1, 4), summary, Spacer(1, 8)]
    for index, (room, parts) in enumerate(criteria):
        if index:
            flowables.append(CondPageBreak(room))
        flowables += [*parts, Spacer(1, 7)]
    flowables.append(Spacer(1, 6))
    return flowables


def _report(
    content: ReportSnapshot, width: float, *, number: int, issued_at: dt.datetime | None, correction: str
) -> list[Flowable]:
    provider = content.provider
    outcome = content.outcome.value
    awarded = content.outcome.awarded
    story: list[Flowable] = [
        Paragraph(f"{BRAND.upper()} · {STANDARD.upper()}", KICKER),
        Paragraph("Assessment report", TITLE),
        Paragraph(_esc(provider.name), SUBTITLE),
    ]
    if correction:
        story += [_notice(correction, width), Spacer(1, 8)]
    facts = [
        (provider.identifier_label, str(provider.urn)),
        ("Type of provider", provider.type),
        ("Local authority", provider.la_name),
        ("Region", provider.region),
        ("Postcode", provider.postcode),
        ("Awarding Body", content.awarding_body.name),
        ("Edition of the Standard", content.edition.name),
        ("Assessment", "Reaccreditation" if content.reaccreditation else "First accreditation"),
        ("Assessor", content.assessor),
        ("Assessment visit", long_date(content.visit_on, missing="Not recorded")),
        ("Report", _issued_text(number, issued_at)),
    ]
    story += [_facts_table(facts, width), Spacer(1, 12)]

    # The outcome.
    panel: list[Flowable] = [
        Paragraph("Outcome", LABEL),
        Paragraph(_esc(content.outcome_label or f"Outcome {outcome}"), OUTCOME),
    ]
    if awarded:
        if content.awarded_on:
            panel.append(
                Paragraph(
                    f"<b>Awarded on {_esc(long_date(content.awarded_on))}</b>"
                    + (f"; <b>valid until {_esc(long_date(content.expires_on))}</b>" if content.expires_on else ""),
                    BODY,
                )
            )
        panel += _text(content.citation, BODY, empty="")
        if content.wording:
            panel += [
                Paragraph("Wording the provider may use", LABEL),
                Paragraph(f"“{_esc(content.wording)}”", QUOTE),
            ]
        if content.reasons:
            panel += [Paragraph("Not yet fully meeting because", LABEL), *_bullets(content.reasons)]
    else:
        panel.append(
            Paragraph("<b>The Standard is not awarded at this assessment. No certificate is issued.</b>", BODY)
        )
        if content.reasons:
            panel += [Paragraph("Why the Standard is not awarded", LABEL), *_bullets(content.reasons)]
    story += [_panel(panel, width), Spacer(1, 6)]

    # The summary judgments.
    story.append(Paragraph("Summary of the assessment", H2))
    story.append(
        _facts_table(
            [
                ("Key principles", "Met" if content.key_principles_met else "Not met"),
                (
                    "Compass or Compass+",
                    "An up-to-date report was seen" if content.compass_up_to_date else "No up-to-date report was seen",
                ),
            ],
            width,
        )
    )
    story.append(Spacer(1, 4))
    order = [
        ("Areas for development", content.areas_for_development),
        ("Strengths", content.strengths),
        ("Action points", content.recommendations),
    ]
    if awarded:
        order = [order[1], order[0], order[2]]
    for heading, text in order:
        story += [CondPageBreak(22 * mm), Paragraph(heading, H3), *_text(text)]

    story += [CondPageBreak(30 * mm), Paragraph("Assessment conversations", H3)]
    if content.conversations:
        rows = [[Paragraph(f"<b>{h}</b>", CELL) for h in ("Conversation", "Date", "Participants")]]
        rows += [
            [
                Paragraph(_esc(c.kind), CELL),
                Paragraph(_esc(long_date(c.held_on)), CELL),
                Paragraph(_lines_markup(c.participants), CELL),
            ]
            for c in content.conversations
        ]
        table = Table(rows, colWidths=[55 * mm, 32 * mm, width - 87 * mm], repeatRows=1, hAlign="LEFT", splitInRow=1)
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), PALE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        story.append(table)
    else:
        story.append(Paragraph("None recorded.", NOTE))

    story.append(CondPageBreak(80 * mm))
    story.append(Paragraph("Judgments by section", H2))
    story.append(
        Paragraph(
            "Each section’s judgment is the weakest of its criteria’s judgments. The figures are the "
            "provider’s own benchmark figures for the last complete academic year.",
            SMALL,
        )
    )
    story.append(Spacer(1, 6))
    for section in content.sections:
        story += _section(section, width)
    story.append(Paragraph("End of the assessment report.", SMALL))
    return story


# --- The certificates ---------------------------------------------------------------------------


def _certificate_frame(canvas: Canvas, doc: Any) -> None:
    width, height = doc.pagesize
    canvas.saveState()
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(3)
    canvas.rect(9 * mm, 9 * mm, width - 18 * mm, height - 18 * mm)
    canvas.setStrokeColor(TEAL)
    canvas.setLineWidth(0.8)
    canvas.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    canvas.restoreState()


CENTRE = _style("centre", alignment=TA_CENTER, fontSize=12, leading=16, spaceAfter=6)
CERT_KICKER = _style("cert_kicker", parent=KICKER, alignment=TA_CENTER, fontSize=10.5, leading=14, spaceAfter=10)
CERT_TITLE = _style("cert_title", fontName=BOLD, fontSize=32, leading=38, textColor=NAVY, alignment=TA_CENTER)
CERT_NAME = _style("cert_name", fontName=BOLD, fontSize=26, leading=31, alignment=TA_CENTER, spaceAfter=4)
CERT_WORDS = _style("cert_words", fontName=ITALIC, fontSize=14, leading=19, alignment=TA_CENTER, spaceAfter=10)
CERT_OUTCOME = _style("cert_outcome", fontName=BOLD, fontSize=17, leading=22, textColor=TEAL, alignment=TA_CENTER)
CERT_SMALL = _style("cert_small", parent=SMALL, alignment=TA_CENTER)
CERT_URN = _style("cert_urn", parent=SMALL, alignment=TA_CENTER, fontSize=10, leading=13)
CERT_LABEL = _style("cert_label", parent=LABEL, alignment=TA_CENTER, spaceAfter=2)
CERT_VALUE = _style("cert_value", fontName=BOLD, fontSize=11, leading=14, alignment=TA_CENTER, spaceAfter=0)

OUTCOME_WORDS = {"2a": "Making good progress", "2b": "Fully meeting"}


def _cert_facts(cells: list[tuple[str, str]], width: float) -> Table:
    table = Table(
        [[[Paragraph(_esc(label), CERT_LABEL), Paragraph(_esc(value) or "—", CERT_VALUE)] for label, value in cells]],
        colWidths=[width / len(cells)] * len(cells),
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEABOVE", (0, 0), (-1, 0), 0.6, RULE),
                ("LINEBEFORE", (1, 0), (-1, -1), 0.6, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def _cert_footer(number: int, issued_at: dt.datetime | None, correction: str) -> list[Flowable]:
    lines = [Paragraph(_esc(f"{_issued_text(number, issued_at)} · issued through {BRAND}"), CERT_SMALL)]
    if correction:
        lines.append(Paragraph(f"<b>{_esc(correction)}</b>", CERT_SMALL))
    return lines


def _certificate(content: CertificateSnapshot, width: float, **issue: Any) -> list[Flowable]:
    provider = content.provider
    outcome = content.outcome.value
    outcome_words = OUTCOME_WORDS.get(outcome, "")
    story: list[Flowable] = [
        Paragraph(f"{BRAND.upper()} · {STANDARD.upper()}", CERT_KICKER),
        Paragraph("Certificate of accreditation", CERT_TITLE),
        Spacer(1, 16),
        Paragraph("This certifies that", CENTRE),
        Paragraph(_esc(provider.name), CERT_NAME),
        Paragraph(_esc(provider.identifier), CERT_URN),
        Spacer(1, 14),
        Paragraph(_lines_markup(content.words), CERT_WORDS),
    ]
    if outcome_words:
        story.append(Paragraph(_esc(f"Outcome {outcome}: {outcome_words}"), CERT_OUTCOME))
    if content.wording:
        story.append(Spacer(1, 4))
        story.append(Paragraph(f"“{_esc(content.wording)}”", CENTRE))
    story += [
        Spacer(1, 18),
        _cert_facts(
            [
                ("Awarded on", long_date(content.awarded_on)),
                ("Valid until", long_date(content.expires_on)),
                ("Awarding Body", content.awarding_body.name),
                ("Edition", content.edition.name),
            ],
            width,
        ),
        Spacer(1, 10),
        *_cert_footer(**issue),
    ]
    return story


def _commitment(content: CommitmentSnapshot, width: float, **issue: Any) -> list[Flowable]:
    provider = content.provider
    return [
        Paragraph(f"{BRAND.upper()} · {STANDARD.upper()}", CERT_KICKER),
        Paragraph("Certificate of commitment", CERT_TITLE),
        Spacer(1, 16),
        Paragraph("This certifies that", CENTRE),
        Paragraph(_esc(provider.name), CERT_NAME),
        Paragraph(_esc(provider.identifier), CERT_URN),
        Spacer(1, 12),
        Paragraph("is", CENTRE),
        Paragraph(_lines_markup(content.wording), CERT_WORDS),
        Spacer(1, 18),
        _cert_facts(
            [
                ("Committed on", long_date(content.committed_on, missing="Not recorded")),
                ("Awarding Body", content.awarding_body.name),
                ("Edition", content.edition.name),
            ],
            width,
        ),
        Spacer(1, 10),
        *_cert_footer(**issue),
    ]


# --- The entry point ----------------------------------------------------------------------------


def render_pdf(
    kind: str,
    content: IssuedSnapshot | Mapping[str, Any],
    *,
    number: int = 1,
    issued_at: dt.datetime | None = None,
    correction_reason: str = "",
    compress: bool = True,
) -> bytes:
    """The PDF of an issued document of `kind` ("commitment", "report" or "certificate") from its
    frozen snapshot, `content`: the model, or the stored JSON, which is loaded through the schema
    first. `compress=False` leaves the page streams readable, for tests."""
    if kind not in KINDS:
        raise ValueError(f"No PDF is drawn for documents of kind {kind!r}")
    snapshot = load_snapshot(kind, content) if isinstance(content, Mapping) else content
    if snapshot.kind != kind:
        raise ValueError(f"A {snapshot.kind} snapshot cannot be drawn as a {kind}")
    provider_name = snapshot.provider.name
    correction = _correction_line(
        snapshot.correction if isinstance(snapshot, ReportSnapshot) else None, number, correction_reason
    )
    buffer = io.BytesIO()
    if isinstance(snapshot, ReportSnapshot):
        doc = _document(
            buffer,
            pagesize=A4,
            title=f"Assessment report: {provider_name}",
            compress=compress,
            top=22 * mm,
            bottom=22 * mm,
        )
        footer = " · ".join(part for part in (BRAND, snapshot.awarding_body.name, f"Version {number}") if part)
        on_page = _report_page(provider_name, footer)
        story = _report(
            snapshot, doc.width - 2 * _FRAME_PADDING, number=number, issued_at=issued_at, correction=correction
        )
        doc.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=_NumberedCanvas)
        return buffer.getvalue()

    title = "Certificate of commitment" if kind == "commitment" else "Certificate of accreditation"
    doc = _document(
        buffer,
        pagesize=landscape(A4),
        title=f"{title}: {provider_name}",
        compress=compress,
        left=24 * mm,
        right=24 * mm,
        top=20 * mm,
        bottom=18 * mm,
    )
    room = (doc.width - 2 * _FRAME_PADDING, doc.height - 2 * _FRAME_PADDING)
    issue = {"number": number, "issued_at": issued_at, "correction": correction}
    if isinstance(snapshot, CommitmentSnapshot):
        story = _commitment(snapshot, room[0], **issue)
    else:
        story = _certificate(snapshot, room[0], **issue)
    # A certificate is one page, whatever the length of its text, with its text in the middle.
    fitted = KeepInFrame(*room, story, mode="shrink")
    _, used = fitted.wrapOn(Canvas(io.BytesIO()), *room)
    top = max(0.0, (room[1] - used) / 2 - 1)
    doc.build([Spacer(1, top), fitted], onFirstPage=_certificate_frame, onLaterPages=_certificate_frame)
    return buffer.getvalue()


__all__ = ["KINDS", "figures_line", "long_date", "render_pdf"]
