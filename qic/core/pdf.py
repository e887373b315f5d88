"""The look of every PDF the service draws (issued reports and certificates, subject-access
records): brand, colours, Helvetica paragraph styles, and text the built-in fonts can draw.

Only ReportLab's built-in Helvetica is used, so a PDF needs no font files and the same input always
gives the same bytes; `plain` and `esc` turn any text into what those fonts can show.
"""

from __future__ import annotations

import unicodedata
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle

BRAND = "QiC Platform"

# --- Colours and type ---------------------------------------------------------------------------

INK = colors.HexColor("#1b1b1b")
MUTED = colors.HexColor("#555555")
NAVY = colors.HexColor("#1f3a5f")
TEAL = colors.HexColor("#2a7f8e")
RULE = colors.HexColor("#b8c4d0")
PALE = colors.HexColor("#eef3f7")
PALE_TEAL = colors.HexColor("#e6f2f3")
NOTICE = colors.HexColor("#fff4d6")
NOTICE_EDGE = colors.HexColor("#c8950a")

FONT = "Helvetica"
BOLD = "Helvetica-Bold"
ITALIC = "Helvetica-Oblique"


def style(name: str, **overrides: Any) -> ParagraphStyle:
    """A paragraph style: the body text's settings, or a `parent`'s, with `overrides`."""
    if "parent" in overrides:
        return ParagraphStyle(name, **overrides)
    base: dict[str, Any] = {
        "fontName": FONT,
        "fontSize": 9.5,
        "leading": 13,
        "textColor": INK,
        "spaceAfter": 4,
    }
    return ParagraphStyle(name, **(base | overrides))


BODY = style("body")
SMALL = style("small", fontSize=8.5, leading=11, textColor=MUTED, spaceAfter=2)
NOTE = style("note", fontName=ITALIC, textColor=MUTED)
BULLET = style("bullet", leftIndent=14, bulletIndent=2, spaceAfter=2)
LABEL = style("label", fontName=BOLD, fontSize=8.5, leading=11, textColor=MUTED, spaceAfter=0)
CELL = style("cell", fontSize=9, leading=12, spaceAfter=0)
CELL_BOLD = style("cell_bold", fontName=BOLD, fontSize=9, leading=12, spaceAfter=0)
KICKER = style("kicker", fontName=BOLD, fontSize=9, leading=12, textColor=TEAL, spaceAfter=2)
TITLE = style("title", fontName=BOLD, fontSize=22, leading=27, textColor=NAVY, spaceAfter=4)
SUBTITLE = style("subtitle", fontName=BOLD, fontSize=14, leading=18, textColor=INK, spaceAfter=10)
H2 = style("h2", fontName=BOLD, fontSize=13.5, leading=17, textColor=NAVY, spaceBefore=12, spaceAfter=6)
H3 = style("h3", fontName=BOLD, fontSize=11, leading=14, textColor=NAVY, spaceBefore=8, spaceAfter=3)
SECTION_HEAD = style("section_head", fontName=BOLD, fontSize=12, leading=15, textColor=colors.white, spaceAfter=0)
SECTION_META = style("section_meta", fontSize=9, leading=12, textColor=colors.white, spaceAfter=0)
OUTCOME = style("outcome", fontName=BOLD, fontSize=12.5, leading=16, textColor=NAVY, spaceAfter=4)
QUOTE = style("quote", fontName=ITALIC, leftIndent=10, rightIndent=10, spaceAfter=6)

# --- Text the built-in fonts can draw ----------------------------------------------------------

# Characters Helvetica's WinAnsi encoding lacks that have a plain stand-in.
_STAND_INS = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "ı": "i",
        "ø": "o",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2212": "-",
        "\u2032": "'",
        "\u2033": '"',
        "\u2192": "->",
        "\u2190": "<-",
        "\u2264": "<=",
        "\u2265": ">=",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200b": "",
        "\ufeff": "",
    }
)


def plain(value: object) -> str:
    """Text the built-in fonts can draw: characters outside WinAnsi lose their accents or become '?'."""
    text = unicodedata.normalize("NFC", str(value)).translate(_STAND_INS)
    if not text.isascii():
        out = []
        for char in text:
            try:
                char.encode("cp1252")
            except UnicodeEncodeError:
                stripped = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
                try:
                    stripped.encode("cp1252")
                except UnicodeEncodeError:
                    stripped = "?"
                out.append(stripped or "?")
            else:
                out.append(char)
        text = "".join(out)
    return text


def esc(value: object) -> str:
    """Safe Paragraph markup for one line of plain text."""
    return escape(plain(value if value is not None else ""))
