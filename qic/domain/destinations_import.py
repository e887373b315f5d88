"""Reading destinations from the files schools and local authorities keep: what each cell means.

A school's own spreadsheet and a local authority's tracking export (the September Guarantee and
the NEET and "not known" returns) name the same destinations in many ways: "Sixth form", "6th
form", "FE", "College", "Apprenticeship", "Employment with training", "University", "NEET",
"Not known". `category_from_text` reads them into the DfE measures' categories
(qic.domain.destinations.Category), accepting our own codes ("ssf", "appren") and labels too.

The rules:
- Words are compared folded (case, accents and punctuation ignored, "6th" read as "sixth"), so
  "Sixth-Form College", "sixth form college" and "6th Form College" are one phrase. A phrase is
  matched whole, never by a word inside it: "Degree apprenticeship" is an apprenticeship, not
  higher education, because it is listed as a phrase of its own.
- A local authority's activity descriptions often start with the kind of activity ("Full time
  education - further education", "FT education: school sixth form"): that opening is dropped and
  the rest read.
- "College" alone is a further education college: a sixth-form college is always called one, and
  the DfE counts most 16–18 college places in FE.
- Employment with or without training counts as employment (the DfE's `all_work`); an
  apprenticeship is never employment here, as in the DfE measures. Traineeships and other
  work-based training are training.
- Unemployed, "NEET" and "seeking employment" are NEET; "not known", "unknown", "cannot be
  contacted" and "current situation not known" are unknown.
- Numeric activity codes are not read: they differ between local authorities' systems and
  versions, and a wrong guess would put a learner in the wrong destination without anyone
  noticing. The message says to use a word instead.
- Dates are day/month/year (the UK order, as spreadsheets write them) or ISO year-month-day; a
  year must have four digits; a time after the date (a spreadsheet's "00:00") is ignored.
- Sustained is yes or no, or blank when not known yet.
"""

from __future__ import annotations

import datetime as dt
import re

from qic.domain.destinations import CATEGORY_LABELS, Category, Kind
from qic.domain.names import fold

_C = Category
# Every phrase, folded, that names a category. Our codes and labels are added below.
_WORDS: dict[str, Category] = {
    # School sixth form.
    "sixth form": _C.SCHOOL_SIXTH_FORM,
    "school sixth form": _C.SCHOOL_SIXTH_FORM,
    "sixth form school": _C.SCHOOL_SIXTH_FORM,
    "stayed on": _C.SCHOOL_SIXTH_FORM,
    "stayed in sixth form": _C.SCHOOL_SIXTH_FORM,
    "our sixth form": _C.SCHOOL_SIXTH_FORM,
    "academy sixth form": _C.SCHOOL_SIXTH_FORM,
    # Sixth-form college.
    "sixth form college": _C.SIXTH_FORM_COLLEGE,
    "sfc": _C.SIXTH_FORM_COLLEGE,
    # Further education.
    "fe": _C.FE_COLLEGE,
    "college": _C.FE_COLLEGE,
    "fe college": _C.FE_COLLEGE,
    "further education": _C.FE_COLLEGE,
    "further education college": _C.FE_COLLEGE,
    "general fe college": _C.FE_COLLEGE,
    "general further education college": _C.FE_COLLEGE,
    "gfe": _C.FE_COLLEGE,
    "gfe college": _C.FE_COLLEGE,
    "specialist college": _C.FE_COLLEGE,
    "land based college": _C.FE_COLLEGE,
    "tertiary college": _C.FE_COLLEGE,
    # Other education.
    "other education": _C.OTHER_EDUCATION,
    "independent school": _C.OTHER_EDUCATION,
    "special school": _C.OTHER_EDUCATION,
    "special school sixth form": _C.OTHER_EDUCATION,
    "part time education": _C.OTHER_EDUCATION,
    # Higher education.
    "he": _C.HIGHER_EDUCATION,
    "higher education": _C.HIGHER_EDUCATION,
    "university": _C.HIGHER_EDUCATION,
    "uni": _C.HIGHER_EDUCATION,
    "degree": _C.HIGHER_EDUCATION,
    "higher education institution": _C.HIGHER_EDUCATION,
    # Apprenticeships.
    "apprenticeship": _C.APPRENTICESHIP,
    "apprenticeships": _C.APPRENTICESHIP,
    "apprentice": _C.APPRENTICESHIP,
    "appren": _C.APPRENTICESHIP,
    "intermediate apprenticeship": _C.APPRENTICESHIP,
    "advanced apprenticeship": _C.APPRENTICESHIP,
    "higher apprenticeship": _C.APPRENTICESHIP,
    "degree apprenticeship": _C.APPRENTICESHIP,
    "foundation apprenticeship": _C.APPRENTICESHIP,
    # Employment.
    "employment": _C.EMPLOYMENT,
    "employed": _C.EMPLOYMENT,
    "work": _C.EMPLOYMENT,
    "job": _C.EMPLOYMENT,
    "employment with training": _C.EMPLOYMENT,
    "employment without training": _C.EMPLOYMENT,
    "employment with study": _C.EMPLOYMENT,
    "employment with part time study": _C.EMPLOYMENT,
    "full time employment": _C.EMPLOYMENT,
    "part time employment": _C.EMPLOYMENT,
    "self employed": _C.EMPLOYMENT,
    "self employment": _C.EMPLOYMENT,
    "all work": _C.EMPLOYMENT,
    # Training.
    "training": _C.TRAINING,
    "traineeship": _C.TRAINING,
    "training provider": _C.TRAINING,
    "work based learning": _C.TRAINING,
    "work based training": _C.TRAINING,
    "supported internship": _C.TRAINING,
    "study programme": _C.TRAINING,
    # Not in education, employment or training.
    "neet": _C.NEET,
    "not in education employment or training": _C.NEET,
    "unemployed": _C.NEET,
    "seeking employment": _C.NEET,
    "not employed": _C.NEET,
    # Not known.
    "unknown": _C.UNKNOWN,
    "not known": _C.UNKNOWN,
    "current situation not known": _C.UNKNOWN,
    "cannot be contacted": _C.UNKNOWN,
    "not captured": _C.UNKNOWN,
    "activity not captured": _C.UNKNOWN,
}
for _category, _label in CATEGORY_LABELS.items():
    _WORDS.setdefault(fold(_category.value.replace("_", " ")), _category)
    _WORDS.setdefault(fold(_label), _category)
    _WORDS.setdefault(fold(re.sub(r"\s*\(.*\)", "", _label)), _category)

# The opening of a local authority's activity description, dropped before reading the rest.
_OPENINGS = re.compile(r"^(?:full time|ft|part time|pt)? ?education ")
_SIXTH = re.compile(r"\b6th\b")


def _key(text: str) -> str:
    return _SIXTH.sub("sixth", fold(text))


def category_from_text(text: str) -> Category:
    """The category a cell names. Raises ValueError, saying what is accepted, if none."""
    key = _key(text)
    if not key:
        raise ValueError("is blank: say where the learner went (or “Not known”)")
    found = _WORDS.get(key)
    if found is None and _OPENINGS.match(key):
        found = _WORDS.get(_OPENINGS.sub("", key, count=1))
    if found is not None:
        return found
    if key.replace(" ", "").isdigit():
        raise ValueError(
            f"“{text.strip()}” is a code, not a destination: use a word such as “Sixth form”, “FE”, "
            "“Apprenticeship”, “Employment”, “University”, “NEET” or “Not known”"
        )
    raise ValueError(
        f"“{text.strip()}” is not a destination we know: use one of the words listed on the import page, "
        "such as “Sixth form”, “FE”, “Apprenticeship”, “Employment”, “University”, “NEET” or “Not known”"
    )


def accepted_words() -> dict[Category, list[str]]:
    """The phrases read as each category (folded), for the import page to list."""
    found: dict[Category, list[str]] = {category: [] for category in Category}
    for words, category in _WORDS.items():
        found[category].append(words)
    return found


_KINDS = {
    "": Kind.ACTUAL,  # the default: a file of destinations is where learners went
    "actual": Kind.ACTUAL,
    "a": Kind.ACTUAL,
    "destination": Kind.ACTUAL,
    "actual destination": Kind.ACTUAL,
    "intended": Kind.INTENDED,
    "i": Kind.INTENDED,
    "intention": Kind.INTENDED,
    "intended destination": Kind.INTENDED,
    "planned": Kind.INTENDED,
    "plan": Kind.INTENDED,
}


def kind_from_text(text: str) -> Kind:
    """Intended or actual (blank: actual). Raises ValueError otherwise."""
    found = _KINDS.get(fold(text))
    if found is None:
        raise ValueError(f"“{text.strip()}” is neither intended nor actual")
    return found


_YES = frozenset({"yes", "y", "true", "1", "sustained"})
_NO = frozenset({"no", "n", "false", "0", "not sustained"})
_NOT_YET = frozenset({"", "not known", "not known yet", "unknown", "not yet known", "tbc"})


def sustained_from_text(text: str) -> bool | None:
    """Yes (True), no (False) or blank / "not known yet" (None). Raises ValueError otherwise."""
    value = fold(text)
    if value in _YES:
        return True
    if value in _NO:
        return False
    if value in _NOT_YET:
        return None
    raise ValueError(f"“{text.strip()}” is not yes or no (leave it blank if it is not known yet)")


_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d+)")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def date_from_text(text: str) -> dt.date:
    """A date as day/month/year (/, - or . between) or year-month-day. Raises ValueError."""
    value = _TIME.sub("", text.strip())
    if not value:
        raise ValueError("is blank: give the date the destination was recorded")
    iso = _ISO.fullmatch(value)
    dmy = None if iso else _DMY.fullmatch(value)
    if iso is None and dmy is None:
        raise ValueError(f"“{text.strip()}” is not a date: write it as day/month/year, like 15/09/2025")
    if iso is not None:
        year, month, day = (int(part) for part in iso.groups())
    else:
        assert dmy is not None
        day, month = int(dmy.group(1)), int(dmy.group(2))
        if len(dmy.group(3)) != 4:
            raise ValueError(f"“{text.strip()}”: write the year in full, like 15/09/2025")
        year = int(dmy.group(3))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"“{text.strip()}” is not a real date (dates are day/month/year)") from None
