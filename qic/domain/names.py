"""Names as a search compares them: without accents, case or punctuation, in any order.

A careers leader types "zoe" for Zoë, "Siobhan" for Siobhán, and "O'Brien, Siobhán" the way
the learner list shows her as often as "Siobhan O'Brien". `search_key` folds a learner's names
into one stored string; `search_terms` folds what was typed into words, each of which must
occur in that string (so the order of the words does not matter).
"""

from __future__ import annotations

import re
import unicodedata

# Letters that carry no combining mark to strip, so Unicode decomposition leaves them as they are.
_LETTERS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i"})
# Apostrophes join a name (O'Brien, D’Arcy): removed, not a word break, so "obrien" finds it too.
_JOINERS = re.compile(r"['’‘`ʼ]")
_BREAKS = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, accents and apostrophes removed, every other non-letter a single space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_LETTERS)
    return _BREAKS.sub(" ", _JOINERS.sub("", plain)).strip()


def search_key(*names: str) -> str:
    """The stored form of a learner's names: folded, space-separated ("zoe o brien-smith" -> "zoe obrien smith")."""
    return " ".join(part for part in (fold(name) for name in names) if part)


def search_terms(typed: str) -> list[str]:
    """The words of a search, folded; each must occur in the learner's key. At most eight words."""
    return fold(typed).split()[:8]
