"""One-time sign-in codes and sign-in names for learners: how they look, how they are checked.

Pure rules; `qic.learners.codes` stores and redeems them. A code is 12 characters from an
alphabet with no look-alikes (no 0/O, 1/I/L, 5/S, 2/Z), shown in three groups of four. Only its
SHA-256 hash is kept. Guessing is hopeless (31^12, about 8 x 10^17) and throttled besides.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata

# Letters and digits a learner cannot mistake for one another when copying from paper.
CODE_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
CODE_GROUPS = 3
CODE_GROUP_LENGTH = 4
SIGN_IN_SUFFIX_ALPHABET = "abcdefghjkmnpqrtuvwxy346789"
SIGN_IN_SUFFIX_LENGTH = 4

SHEET_DAYS_DEFAULT = 7
SHEET_DAYS_MIN = 1
SHEET_DAYS_MAX = 30
EMAIL_CODE_DAYS = 7

# Wrong codes from one address: after this many within the window, the start page refuses.
# A school's learners share one address: a class copying codes off slips must not lock the
# school out. 27**12 codes make guessing hopeless at this rate.
MAX_FAILED_ATTEMPTS = 50
FAILED_ATTEMPT_WINDOW_MINUTES = 15


def new_code() -> str:
    """A fresh random code, grouped for reading: "K7QM-3XHP-9WDA"."""
    groups = ("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH)) for _ in range(CODE_GROUPS))
    return "-".join(groups)


def normalise_code(typed: str) -> str:
    """What a learner typed, as the code it must be: case, spaces and dashes do not matter."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def hash_code(code: str) -> str:
    """The stored form of a code (typed or new): SHA-256 of its normalised characters."""
    return hashlib.sha256(normalise_code(code).encode("ascii", "ignore")).hexdigest()


def looks_like_code(typed: str) -> bool:
    """Whether the typed text has the shape of a code at all (used only to word the error)."""
    return len(normalise_code(typed)) == CODE_GROUPS * CODE_GROUP_LENGTH


def sign_in_name_stem(forename: str) -> str:
    """A forename as the first part of a sign-in name: lower-case ASCII letters only, accents
    dropped ("Zoë-Ann" → "zoeann"); "learner" if nothing is left."""
    folded = unicodedata.normalize("NFKD", forename).encode("ascii", "ignore").decode("ascii").lower()
    stem = "".join(ch for ch in folded if "a" <= ch <= "z")[:20]
    return stem or "learner"


def new_sign_in_name(forename: str) -> str:
    """A candidate sign-in name, "amy.k7q2": the caller checks it is not taken."""
    suffix = "".join(secrets.choice(SIGN_IN_SUFFIX_ALPHABET) for _ in range(SIGN_IN_SUFFIX_LENGTH))
    return f"{sign_in_name_stem(forename)}.{suffix}"
