"""Unique Pupil Numbers (UPNs): the DfE's 13-character pupil identifier.

Layout: character 1 is a check letter; characters 2-13 are the LA number (3 digits), the
establishment number (4), the last two digits of the year of allocation (2) and a serial
(3 digits). A *temporary* UPN, given while a school waits for a pupil's real one, has
2 serial digits and a letter in character 13.

Check letter: multiply each of characters 2-13 by its position (2..13), add up, take the
remainder mod 23 and index into UPN_CHECK_LETTERS. For a temporary UPN the letter in
character 13 counts as its own index in that same table (A=0, B=1, ... Z=22). That rule
is from the UK Government Data Standards Catalogue entry for the UPN (v2.0, 2004:
"for a temporary UPN the final alphabetical character is assigned the value equivalent
... an 'A' would be '0'"), and it reproduces published temporary UPNs such as
X00180001701A, so it is supported here.

We check the format and the check letter only. Whether the LA number is real is not
checked: a UPN from a closed LA or an old reorganisation is still that pupil's UPN.
"""

from __future__ import annotations

# I, O and S are left out because they are easily read as 1, 0 and 5.
UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def _weighted_sum(body12: str) -> int:
    # Callers have checked the body: characters 2-12 are ASCII digits and character 13 is
    # an ASCII digit or a letter from the check table.
    total = 0
    for position, char in enumerate(body12, start=2):
        value = int(char) if char.isdigit() else UPN_CHECK_LETTERS.index(char)
        total += position * value
    return total


def _body_problem(body12: str) -> str | None:
    """Why `body12` (characters 2-13 of a UPN) cannot be a UPN body, or None."""
    if len(body12) != 12:
        return f"characters 2-13 must be 12 characters, not {len(body12)}"
    # isascii() as well as isdigit(): str.isdigit() accepts "²" and Arabic-Indic digits.
    if not (body12[:11].isascii() and body12[:11].isdigit()):
        return "characters 2-12 must be digits"
    last = body12[11]
    if not ((last.isascii() and last.isdigit()) or last in UPN_CHECK_LETTERS):
        return "character 13 must be a digit, or a capital letter other than I, O or S (temporary UPN)"
    return None


def upn_check_letter(body12: str) -> str:
    """The check letter for characters 2-13 of a UPN.

    `body12` is 11 digits followed by a digit (permanent UPN) or a capital letter from
    UPN_CHECK_LETTERS (temporary UPN). Raises ValueError for anything else.

    >>> upn_check_letter("201100018042")
    'R'
    """
    problem = _body_problem(body12)
    if problem is not None:
        raise ValueError(problem)
    return UPN_CHECK_LETTERS[_weighted_sum(body12) % 23]


def validate_upn(upn: str) -> str | None:
    """None if `upn` is a well-formed UPN with the right check letter, else why not.

    The reason is written for the person who typed or imported the UPN. Input is taken
    as given: callers that accept user typing should strip spaces and upper-case first,
    so that a value stored is exactly the value that was validated.
    """
    if len(upn) != 13:
        return f"must be 13 characters (this has {len(upn)})"
    first, body = upn[0], upn[1:]
    if first not in UPN_CHECK_LETTERS:
        return "character 1 must be a check letter: a capital letter other than I, O or S"
    problem = _body_problem(body)
    if problem is not None:
        return problem
    expected = UPN_CHECK_LETTERS[_weighted_sum(body) % 23]
    if first != expected:
        return f"check letter should be {expected}, not {first}"
    return None
