"""The careers passport as a one-page PDF, drawn from `queries.Passport` alone.

ReportLab with the built-in Helvetica fonts and the house styles (`qic.core.pdf`): real text, a
title and author in the metadata, the language set, headings as heading styles and one column, so
a screen reader reads it in order. It must fit on one page: `render_passport_pdf` raises
`TooLong` rather than run on, and the learner is asked to choose less.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from qic.core.pdf import BODY, BRAND, BULLET, H2, KICKER, SMALL, TITLE, esc, plain
from qic.domain.dates import long_date
from qic.portal.queries import Passport

_MARGIN = 18 * mm


class TooLong(Exception):
    """The chosen items need more than one page."""


def _text(value: object) -> str:
    return esc(value).replace("\n", "<br/>")


def passport_story(passport: Passport) -> list[Flowable]:
    """The passport's flowables, in reading order."""
    heading = passport.name or "Careers passport"
    story: list[Flowable] = [Paragraph("CAREERS PASSPORT", KICKER), Paragraph(esc(heading), TITLE)]
    if passport.school:
        story.append(Paragraph(esc(passport.school), BODY))
    if passport.statement:
        story += [Paragraph("About me", H2), Paragraph(_text(passport.statement), BODY)]
    if passport.entries:
        story.append(Paragraph("Experiences and achievements", H2))
        for entry in passport.entries:
            line = f"<b>{esc(entry.title)}</b> ({esc(entry.kind_label)}{', ' + esc(entry.when) if entry.when else ''})"
            if entry.verified:
                line += " - checked by my school"
            story.append(Paragraph(line, BULLET, bulletText="\u2022"))
            if entry.description:
                story.append(Paragraph(_text(entry.description), BULLET))
    if passport.activities:
        story.append(Paragraph("Careers activities I took part in", H2))
        for day, title in passport.activities:
            story.append(Paragraph(f"{esc(title)} ({esc(long_date(day))})", BULLET, bulletText="\u2022"))
    if passport.actions:
        story.append(Paragraph("My next steps", H2))
        for day, actions in passport.actions:
            story.append(Paragraph(f"{_text(actions)} (agreed on {esc(long_date(day))})", BULLET, bulletText="\u2022"))
    story += [Spacer(1, 6), Paragraph(esc(f"Made with {BRAND}."), SMALL)]
    return story


def render_passport_pdf(passport: Passport, *, compress: bool = True) -> bytes:
    """The passport as a one-page PDF; raises TooLong if it would need a second page.
    `compress=False` leaves the page stream readable, for tests."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN,
        title=plain(f"Careers passport: {passport.name}" if passport.name else "Careers passport"),
        author=plain(passport.name or BRAND),
        subject="Careers passport",
        creator=BRAND,
        producer=BRAND,
        lang="en-GB",
        invariant=1,
        pageCompression=1 if compress else 0,
    )
    pages: list[int] = []

    def count(canvas: Any, doc: Any) -> None:
        pages.append(doc.page)

    doc.build(passport_story(passport), onFirstPage=count, onLaterPages=count)
    if len(pages) > 1:
        raise TooLong
    return buffer.getvalue()


def fits_on_one_page(passport: Passport) -> bool:
    try:
        render_passport_pdf(passport)
    except TooLong:
        return False
    return True
