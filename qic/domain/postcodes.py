"""UK postcodes: is a value one, and how it is written.

A postcode is an outward code (area letters, district digits: `M1`, `B33`, `CR2`, `DN55`,
`W1A`, `EC1A`) and an inward code (a sector digit and two unit letters: `1AE`). The check
here is that shape, in its six forms (A9, A99, A9A, AA9, AA99, AA9A before the inward code),
plus the one historic exception GIR 0AA. It is deliberately not the Royal Mail's list of
live postcodes nor its letter-by-position rules: its job is to catch a value that is plainly
not a postcode (a title such as "Mr", a town, a telephone number, a cell read from the wrong
column), and the letter rules would refuse pseudo-postcodes that real data uses, such as the
ZZ99 codes for "no fixed abode". Overseas territories' codes (ASCN 1ZZ) and BFPO numbers
are not UK postcodes.

Letters may be typed in either case and the space between the two codes may be missing or
doubled: "ec1a1bb" is EC1A 1BB. Pure Python: the provider form and the file readers share it.
"""

from __future__ import annotations

import re

_SHAPE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?|GIR) *([0-9][A-Z]{2})")
_GIROBANK = "GIR"
_GIROBANK_INWARD = "0AA"


def normal_postcode(text: str) -> str | None:
    """`text` written as a postcode is written ("EC1A 1BB": capitals, one space), or None if it is
    not a UK postcode.

    Spaces around the value are ignored; inside it, only between the outward and inward codes.
    Only ASCII letters and digits count (str.upper() would turn "ſ" into "S").
    """
    if not text.isascii():
        return None
    match = _SHAPE.fullmatch(text.strip().upper())
    if match is None:
        return None
    outward, inward = match.groups()
    if outward == _GIROBANK and inward != _GIROBANK_INWARD:
        return None
    return f"{outward} {inward}"
