"""UKPRNs: the identifier of an independent training provider (8 digits, 10000000-10099999)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qic.domain.ukprn import UKPRN_HIGHEST, UKPRN_LOWEST, is_ukprn_key, parse_ukprn, ukprn_problem


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("10000000", 10_000_000),  # the lowest issued
        ("10099999", 10_099_999),  # the highest
        ("10012345", 10_012_345),
        (" 10012345 ", 10_012_345),
        ("10 012 345", 10_012_345),  # as printed on letters
    ],
)
def test_valid_ukprns(text: str, number: int) -> None:
    assert ukprn_problem(text) is None
    assert parse_ukprn(text) == number


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "Enter the UKPRN"),
        ("   ", "Enter the UKPRN"),
        ("9999999", "The UKPRN must be 8 digits; you entered 7"),
        ("100123456", "The UKPRN must be 8 digits; you entered 9"),
        # A six-digit URN typed by mistake.
        ("137411", "The UKPRN must be 8 digits; you entered 6"),
        # Just outside the issued range, both ends.
        ("09999999", "The UKPRN must be between 10000000 and 10099999"),
        ("10100000", "The UKPRN must be between 10000000 and 10099999"),
        ("99999999", "The UKPRN must be between 10000000 and 10099999"),
        ("1001234X", "The UKPRN must contain only the digits 0 to 9"),
        ("-1001234", "The UKPRN must contain only the digits 0 to 9"),
        ("1001234.5", "The UKPRN must contain only the digits 0 to 9"),
        ("1001234\u00b2", "The UKPRN must contain only the digits 0 to 9"),  # superscript two
        ("\u0661\u0660\u0660\u0661\u0662\u0663\u0664\u0665", "The UKPRN must contain only the digits 0 to 9"),
        ("UKPRN10012345", "The UKPRN must contain only the digits 0 to 9"),
    ],
)
def test_invalid_ukprns_say_why(text: str, problem: str) -> None:
    assert ukprn_problem(text) == problem
    with pytest.raises(ValueError, match=problem):
        parse_ukprn(text)


@given(st.integers(min_value=UKPRN_LOWEST, max_value=UKPRN_HIGHEST))
def test_every_number_in_the_range_is_a_ukprn_and_a_ukprn_key(number: int) -> None:
    assert parse_ukprn(str(number)) == number
    assert is_ukprn_key(number)


@given(st.integers(min_value=100_000, max_value=999_999))
def test_no_six_digit_urn_is_a_ukprn_key(urn: int) -> None:
    """URNs are six digits: an ITP keyed by its UKPRN never shares a key with a GIAS provider."""
    assert not is_ukprn_key(urn)
    assert ukprn_problem(str(urn)) is not None


@given(st.text(max_size=20))
def test_anything_typed_either_parses_or_says_why(text: str) -> None:
    problem = ukprn_problem(text)
    if problem is None:
        assert UKPRN_LOWEST <= parse_ukprn(text) <= UKPRN_HIGHEST
    else:
        with pytest.raises(ValueError, match="UKPRN"):
            parse_ukprn(text)
