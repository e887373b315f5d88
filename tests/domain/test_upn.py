"""UPN check letters and validation."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qic.domain.upn import UPN_CHECK_LETTERS, upn_check_letter, validate_upn

DIGITS = "0123456789"
bodies = st.text(alphabet=DIGITS, min_size=12, max_size=12)

BAD_FIRST = "character 1 must be a check letter: a capital letter other than I, O or S"
BAD_MIDDLE = "characters 2-12 must be digits"
BAD_LAST = "character 13 must be a digit, or a capital letter other than I, O or S (temporary UPN)"


def test_check_letter_table() -> None:
    # 23 letters: the alphabet without I, O and S.
    assert UPN_CHECK_LETTERS == "ABCDEFGHJKLMNPQRTUVWXYZ"
    assert len(UPN_CHECK_LETTERS) == 23


@pytest.mark.parametrize(
    ("body12", "letter"),
    [
        # The DfE's worked example.
        ("201100018042", "R"),
        # Worked by hand: 2*2 + 4*7 + 9*1 + 10*6 + 12*4 + 13*9 = 266; 266 mod 23 = 13 -> P.
        ("207000016049", "P"),
        # All zeros: sum 0 -> A.
        ("000000000000", "A"),
        # Temporary UPN published as an example by a school MIS vendor: X00180001701A.
        ("00180001701A", "X"),
        # Temporary UPN letters count as their index in the table: Z is 22, 22*13 = 286,
        # 286 mod 23 = 10 -> L.
        ("00000000000Z", "L"),
    ],
)
def test_upn_check_letter(body12: str, letter: str) -> None:
    assert upn_check_letter(body12) == letter


@pytest.mark.parametrize(
    ("body12", "message"),
    [
        ("20110001804", "characters 2-13 must be 12 characters, not 11"),
        ("2011000180423", "characters 2-13 must be 12 characters, not 13"),
        ("2011000180A2", BAD_MIDDLE),
        ("20110001804I", BAD_LAST),
        ("20110001804a", BAD_LAST),
    ],
)
def test_upn_check_letter_rejects_bad_bodies(body12: str, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        upn_check_letter(body12)


@pytest.mark.parametrize(
    "upn",
    [
        "R201100018042",
        "P207000016049",
        "A000000000000",
        "X00180001701A",  # temporary
        "L00000000000Z",  # temporary
    ],
)
def test_valid_upns(upn: str) -> None:
    assert validate_upn(upn) is None


@pytest.mark.parametrize(
    ("upn", "reason"),
    [
        ("", "must be 13 characters (this has 0)"),
        ("R20110001804", "must be 13 characters (this has 12)"),
        ("R2011000180422", "must be 13 characters (this has 14)"),
        (" R201100018042", "must be 13 characters (this has 14)"),
        ("X201100018042", "check letter should be R, not X"),
        ("A207000016049", "check letter should be P, not A"),
        ("r201100018042", BAD_FIRST),
        ("I201100018042", BAD_FIRST),
        ("1201100018042", BAD_FIRST),
        ("R20110001804-", BAD_LAST),
        ("R2011000180O2", BAD_MIDDLE),
        ("R201100018O42", BAD_MIDDLE),
        # Non-ASCII digits pass str.isdigit() but are not UPN digits.
        ("R20110001804\u0662", BAD_LAST),
        ("R\u00b201100018042", BAD_MIDDLE),
        # Temporary UPN with a wrong check letter.
        ("A00180001701A", "check letter should be X, not A"),
    ],
)
def test_invalid_upns(upn: str, reason: str) -> None:
    assert validate_upn(upn) == reason


@given(body=bodies)
def test_body_with_its_computed_letter_validates(body: str) -> None:
    assert validate_upn(upn_check_letter(body) + body) is None


@given(body=bodies, index=st.integers(min_value=0, max_value=11), data=st.data())
def test_changing_one_digit_invalidates(body: str, index: int, data: st.DataObject) -> None:
    # Always true: weights 2..13 and digit changes of 1..9 are all non-zero mod 23 (a prime),
    # so the product never is.
    old = body[index]
    new = data.draw(st.sampled_from([d for d in DIGITS if d != old]), label="new digit")
    changed = body[:index] + new + body[index + 1 :]
    letter = upn_check_letter(body)
    expected = upn_check_letter(changed)
    assert expected != letter
    assert validate_upn(letter + changed) == f"check letter should be {expected}, not {letter}"


@given(
    prefix=st.text(alphabet=DIGITS, min_size=11, max_size=11),
    last=st.sampled_from(UPN_CHECK_LETTERS),
)
def test_temporary_upns_with_computed_letter_validate(prefix: str, last: str) -> None:
    body = prefix + last
    assert validate_upn(upn_check_letter(body) + body) is None
