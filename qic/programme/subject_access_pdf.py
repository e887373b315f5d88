"""The PDF of a subject-access record, drawn from `subject_access.subject_access_record` alone.

ReportLab with the built-in Helvetica fonts, A4 portrait, the same look as the issued reports
(`qic.core.pdf`, whose styles and text helpers it uses). Long tables split across pages and
repeat their header row.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from qic.core.pdf import BODY, BRAND, CELL, CELL_BOLD, H2, KICKER, NOTE, PALE, RULE, SMALL, TITLE, esc, plain
from qic.programme.subject_access import account_rows, changes_text, code_status, readable, registered_tables

_MARGIN = 18 * mm


def _p(text: object, style: Any = CELL) -> Paragraph:
    return Paragraph(esc(text).replace("\n", "<br/>"), style)


def _table(header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float]) -> Table:
    data = [[_p(h, CELL_BOLD) for h in header]] + [[_p(cell) for cell in row] for row in rows]
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), PALE),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _section(
    title: str, header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float]
) -> list[Flowable]:
    flowables: list[Flowable] = [Paragraph(esc(title), H2)]
    if rows:
        flowables.append(_table(header, rows, widths))
    else:
        flowables.append(Paragraph("None recorded.", NOTE))
    return flowables


def _story(record: dict[str, Any], width: float) -> list[Flowable]:
    learner = record["learner"]
    provider = record["provider"]
    story: list[Flowable] = [
        Paragraph("SUBJECT ACCESS RECORD", KICKER),
        Paragraph(esc(learner["name"]), TITLE),
        Paragraph(
            esc(
                f"Everything {provider['name']} (URN {provider['urn']}) holds about this learner in {BRAND}, "
                f"produced on {readable(record['generated_at'])}."
            ),
            BODY,
        ),
        Spacer(1, 4),
    ]
    story += _section(
        "The learner's record",
        ["Field", "Value"],
        [[field["label"], field["display"]] for field in learner["fields"]]
        + [["Groups (for the figures)", ", ".join(learner["groups"]) or "None"]],
        [0.35 * width, 0.65 * width],
    )
    account = record["account"]
    if account is None:
        story += [Paragraph("The learner's account", H2), Paragraph("No account: the learner cannot sign in.", NOTE)]
    else:
        story += _section(
            "The learner's account", ["Detail", "Value"], account_rows(account), [0.35 * width, 0.65 * width]
        )
        story.append(Spacer(1, 4))
        story += _section(
            "One-time sign-in codes given to the learner",
            ["Given by", "Issued", "Expires", "Used or stopped"],
            [
                [c["kind_label"], readable(c["issued_at"]), readable(c["expires_at"]), code_status(c)]
                for c in account["codes"]
            ],
            [0.2 * width, 0.25 * width, 0.25 * width, 0.3 * width],
        )
    story += _section(
        "Activities",
        ["Date", "Activity", "Type", "Provider", "Attendance"],
        [
            [readable(a["date"]), a["name"], a["type"], a["provider"], "Present" if a["attended"] else "Absent"]
            for a in record["activities"]
        ],
        [0.17 * width, 0.3 * width, 0.2 * width, 0.2 * width, 0.13 * width],
    )
    story += _section(
        "Guidance interviews",
        ["Date", "Adviser", "Length", "Notes and agreed actions"],
        [
            [
                readable(i["date"]),
                i["adviser"] + (f" ({i['adviser_organisation']})" if i["adviser_organisation"] else ""),
                f"{i['duration_minutes']} minutes",
                i["notes"] + (f"\nAgreed actions: {i['agreed_actions']}" if i["agreed_actions"] else ""),
            ]
            for i in record["interviews"]
        ],
        [0.17 * width, 0.23 * width, 0.13 * width, 0.47 * width],
    )
    story += _section(
        "Benchmark measures by year",
        ["Year", "Year group", "Measure", "Status"],
        [
            [
                y["year_label"],
                readable(y["year_group"]),
                f"{m['code']}: {m['title']}",
                "Met" if m["met"] else ("Not yet" if m["required"] else "Not taken up"),
            ]
            for y in record["benchmarks"]
            for m in y["measures"]
        ],
        [0.14 * width, 0.14 * width, 0.54 * width, 0.18 * width],
    )
    story += _section(
        "Activity tallies by year",
        ["Year", "Counts towards", "Number", "In own curriculum area"],
        [[t["year_label"], t["category_label"], t["count"], t["in_curriculum_area"]] for t in record["tallies"]],
        [0.14 * width, 0.46 * width, 0.15 * width, 0.25 * width],
    )
    story += _section(
        "Class lists the learner is on",
        ["Class list", "Made"],
        [[c["name"], readable(c["made_at"])] for c in record["class_lists"]],
        [0.6 * width, 0.4 * width],
    )
    story += _section(
        "Marks taken off a register (kept until purged)",
        ["Activity", "Date", "Mark", "Taken off"],
        [
            [r["name"], readable(r["date"]), "Present" if r["attended"] else "Absent", readable(r["removed_at"])]
            for r in record["taken_off_registers"]
        ],
        [0.4 * width, 0.2 * width, 0.15 * width, 0.25 * width],
    )
    story += _section(
        "Reflections the learner wrote",
        ["Activity", "What they learnt", "What next", "Rating"],
        [
            [r["name"], r["learnt"] + (" (hidden)" if r["hidden_at"] else ""), r["next_step"], str(r["rating"])]
            for r in record["reflections"]
        ],
        [0.25 * width, 0.35 * width, 0.3 * width, 0.1 * width],
    )
    story += _section(
        "Self sign-ins to activities",
        ["Activity", "Signed in", "How", "Marked absent"],
        [
            [
                s["name"],
                readable(s["signed_in_at"]),
                s["how"],
                readable(s["marked_absent_at"]) if s["marked_absent_at"] else "",
            ]
            for s in record["sign_ins"]
        ],
        [0.4 * width, 0.25 * width, 0.1 * width, 0.25 * width],
    )
    for table in registered_tables(record):
        story += _section(table.title, table.headers, table.rows, [share * width for share in table.widths])
    story += _section(
        "Learner imports that mention the learner",
        ["Uploaded", "File", "Line", "Message"],
        [
            [readable(line["uploaded_at"]), line["file_name"], line["line"], line["reason"]]
            for line in record["import_history"]
        ],
        [0.2 * width, 0.22 * width, 0.08 * width, 0.5 * width],
    )
    story += _section(
        "Audit events about the learner",
        ["When", "Who", "What", "Details"],
        [
            [readable(e["at"]), e["actor"], e["action"], changes_text(e["before"], e["after"])]
            for e in record["audit_events"]
        ],
        [0.18 * width, 0.22 * width, 0.18 * width, 0.42 * width],
    )
    story.append(Spacer(1, 8))
    story.append(Paragraph(esc(f"Record format {record['schema']}."), SMALL))
    return story


def _page(canvas: Any, doc: Any) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 8)
    canvas.setFillColor(colors.HexColor("#555555"))
    canvas.drawString(_MARGIN, 10 * mm, f"{BRAND} · subject access record · personal data: keep it safe")
    canvas.drawRightString(A4[0] - _MARGIN, 10 * mm, f"Page {doc.page}")
    canvas.restoreState()


def render_subject_access_pdf(record: dict[str, Any], *, compress: bool = True) -> bytes:
    """The record as a PDF. `compress=False` leaves the page streams readable, for tests."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=20 * mm,
        title=plain(f"Subject access record: {record['learner']['name']}"),
        author=BRAND,
        creator=BRAND,
        producer=BRAND,
        lang="en-GB",
        invariant=1,
        pageCompression=1 if compress else 0,
    )
    doc.build(_story(record, doc.width), onFirstPage=_page, onLaterPages=_page)
    return buffer.getvalue()
