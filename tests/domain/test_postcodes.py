"""UK postcodes: the shape of an outward code (A9, A99, A9A, AA9, AA99, AA9A) and an inward
code (9AA), plus GIR 0AA; lower case and a missing or doubled space are forgiven."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qic.domain.postcodes import normal_postcode


@pytest.mark.parametrize(
    ("text", "written"),
    [
        # One of each form of outward code (the Royal Mail's own examples).
        ("M1 1AE", "M1 1AE"),  # A9
        ("B33 8TH", "B33 8TH"),  # A99
        ("W1A 0AX", "W1A 0AX"),  # A9A
        ("CR2 6XH", "CR2 6XH"),  # AA9
        ("DN55 1PT", "DN55 1PT"),  # AA99
        ("EC1A 1BB", "EC1A 1BB"),  # AA9A
        ("GIR 0AA", "GIR 0AA"),  # the one that fits none of them
        # How people and spreadsheets write them.
        ("ec1a 1bb", "EC1A 1BB"),
        ("EC1A1BB", "EC1A 1BB"),
        ("m11ae", "M1 1AE"),
        ("  DN55 1PT ", "DN55 1PT"),
        ("B33  8TH", "B33 8TH"),
        ("gir0aa", "GIR 0AA"),
        # Pseudo-postcodes have the shape and are accepted ("no fixed abode" in NHS data).
        ("ZZ99 3CZ", "ZZ99 3CZ"),
    ],
)
def test_postcodes(text: str, written: str) -> None:
    assert normal_postcode(text) == written


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        # Values that land in a postcode column when a row's cells have shifted.
        "Mr",
        "Principal",
        "Birmingham",
        "0121 496 0000",
        "West Midlands",
        # Near misses.
        "EC1A",  # outward code only
        "1BB",  # inward code only
        "EC1A 1B",
        "EC1A 11B",
        "EC1A 1BBB",
        "ECC1A 1BB",  # three area letters
        "EC123 1BB",  # three district digits
        "1C1A 1BB",  # a digit where the area letter goes
        "E C1A 1BB",  # a space inside the outward code
        "EC1A 1 BB",  # a space inside the inward code
        "EC1A-1BB",
        "GIR 0AB",  # GIR goes with 0AA only
        # Not UK postcodes: an overseas territory, BFPO, a European and a US code.
        "ASCN 1ZZ",
        "BFPO 123",
        "75008",
        "90210-1234",
        # Look-alike characters are not letters and digits.
        "ＥＣ1Ａ 1ＢＢ",
        "ſW1A 1AA",
    ],
)
def test_not_postcodes(text: str) -> None:
    assert normal_postcode(text) is None


LETTER = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
DIGIT = st.sampled_from("0123456789")
OUTWARD = st.one_of(
    st.tuples(LETTER, DIGIT),
    st.tuples(LETTER, DIGIT, DIGIT),
    st.tuples(LETTER, DIGIT, LETTER),
    st.tuples(LETTER, LETTER, DIGIT),
    st.tuples(LETTER, LETTER, DIGIT, DIGIT),
    st.tuples(LETTER, LETTER, DIGIT, LETTER),
).map("".join)
INWARD = st.tuples(DIGIT, LETTER, LETTER).map("".join)


@given(outward=OUTWARD, inward=INWARD, space=st.sampled_from(["", " ", "  "]), lower=st.booleans())
def test_every_form_is_read_and_written_one_way(outward: str, inward: str, space: str, lower: bool) -> None:
    typed = f"{outward}{space}{inward}"
    assert normal_postcode(typed.lower() if lower else typed) == f"{outward} {inward}"


@given(st.text(max_size=12))
def test_what_it_writes_it_reads_back_unchanged(text: str) -> None:
    written = normal_postcode(text)
    if written is not None:
        assert normal_postcode(written) == written
        assert len(written) <= 8  # fits Provider.postcode (12) with room to spare


@given(outward=OUTWARD, inward=INWARD, extra=st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
def test_one_character_more_is_not_a_postcode(outward: str, inward: str, extra: str) -> None:
    assert normal_postcode(f"{outward} {inward}{extra}") is None
