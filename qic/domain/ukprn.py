"""UK Provider Reference Numbers (UKPRNs): how an independent training provider is identified.

The UK Register of Learning Providers gives every provider an 8-digit UKPRN, and every one
issued so far lies in 10000000-10099999. GIAS does not list independent training providers,
so they have no URN; QiC keys them by their UKPRN instead (see
docs/decisions.md §33). A URN is six digits, so an 8-digit UKPRN can never be mistaken
for one.

Pure Python: the form, the action and the tests share these rules.
"""

from __future__ import annotations

UKPRN_LOWEST = 10_000_000
UKPRN_HIGHEST = 10_099_999
UKPRN_LENGTH = 8


def ukprn_problem(text: str) -> str | None:
    """Why `text` is not a UKPRN, as a sentence for the person who typed it, or None.

    Spaces around or inside the number are forgiven (people copy "10 012 345" from letters);
    anything else that is not exactly 8 digits in the issued range is refused.
    """
    digits = "".join(text.split())
    if not digits:
        return "Enter the UKPRN"
    # isascii() as well as isdigit(): str.isdigit() accepts "²" and Arabic-Indic digits.
    if not (digits.isascii() and digits.isdigit()):
        return "The UKPRN must contain only the digits 0 to 9"
    if len(digits) != UKPRN_LENGTH:
        return f"The UKPRN must be 8 digits; you entered {len(digits)}"
    if not UKPRN_LOWEST <= int(digits) <= UKPRN_HIGHEST:
        return f"The UKPRN must be between {UKPRN_LOWEST} and {UKPRN_HIGHEST}"
    return None


def parse_ukprn(text: str) -> int:
    """The UKPRN in `text` as a number; ValueError (with ukprn_problem's sentence) if it is not one."""
    problem = ukprn_problem(text)
    if problem is not None:
        raise ValueError(problem)
    return int("".join(text.split()))


def duplicate_ukprn_message(ukprn: int) -> str:
    """The one sentence that refuses a second provider with the same UKPRN (form and action)."""
    return f"A provider with UKPRN {ukprn} is already on QiC Platform"


def is_ukprn_key(urn: int) -> bool:
    """True if a provider key is a UKPRN (an independent training provider), not a GIAS URN."""
    return UKPRN_LOWEST <= urn <= UKPRN_HIGHEST
