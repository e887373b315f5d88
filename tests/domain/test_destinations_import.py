"""What the cells of a destinations file mean (issue 16, item 1: "import from a CSV (the local
authority's tracking export or the school's own)", in categories that map to the DfE measures)."""

from __future__ import annotations

import datetime as dt

import pytest

from qic.domain.destinations import CATEGORY_LABELS, Category, Kind
from qic.domain.destinations_import import (
    accepted_words,
    category_from_text,
    date_from_text,
    kind_from_text,
    sustained_from_text,
)

C = Category


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # The words a local authority's tracking export or a school's spreadsheet uses.
        ("Sixth form", C.SCHOOL_SIXTH_FORM),
        ("School sixth form", C.SCHOOL_SIXTH_FORM),
        ("6th form", C.SCHOOL_SIXTH_FORM),
        ("Sixth-form college", C.SIXTH_FORM_COLLEGE),
        ("6th Form College", C.SIXTH_FORM_COLLEGE),
        ("FE", C.FE_COLLEGE),
        ("College", C.FE_COLLEGE),
        ("Further education", C.FE_COLLEGE),
        ("Apprenticeship", C.APPRENTICESHIP),
        ("Degree apprenticeship", C.APPRENTICESHIP),
        ("Employment with training", C.EMPLOYMENT),
        ("Employment without training", C.EMPLOYMENT),
        ("Employed", C.EMPLOYMENT),
        ("Self-employed", C.EMPLOYMENT),
        ("University", C.HIGHER_EDUCATION),
        ("HE", C.HIGHER_EDUCATION),
        ("Traineeship", C.TRAINING),
        ("NEET", C.NEET),
        ("Not in education, employment or training", C.NEET),
        ("Unemployed", C.NEET),
        ("Not known", C.UNKNOWN),
        ("Current situation not known", C.UNKNOWN),
        ("Cannot be contacted", C.UNKNOWN),
        # The opening of an activity description is dropped.
        ("Full time education - further education", C.FE_COLLEGE),
        ("Full-time education: school sixth form", C.SCHOOL_SIXTH_FORM),
        ("FT Education – Higher Education", C.HIGHER_EDUCATION),
        # Case, spaces and punctuation do not matter.
        ("  sIXTH   FORM ", C.SCHOOL_SIXTH_FORM),
        ("n.e.e.t", None),  # dots split the word: not NEET, refused below
    ],
)
def test_the_words_people_use_name_the_dfe_categories(text: str, category: Category | None) -> None:
    if category is None:
        with pytest.raises(ValueError, match="not a destination we know"):
            category_from_text(text)
    else:
        assert category_from_text(text) is category


@pytest.mark.parametrize("category", list(Category))
def test_our_own_codes_and_labels_are_read(category: Category) -> None:
    assert category_from_text(category.value) is category
    assert category_from_text(CATEGORY_LABELS[category]) is category
    assert category_from_text(CATEGORY_LABELS[category].upper()) is category


def test_a_numeric_activity_code_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="is a code, not a destination"):
        category_from_text("540")


@pytest.mark.parametrize("text", ["", "   ", "Gap year", "Abroad", "School", "Other"])
def test_anything_else_is_refused_saying_what_is_accepted(text: str) -> None:
    with pytest.raises(ValueError, match=r"Sixth form|blank"):
        category_from_text(text)


def test_every_category_has_words_the_import_page_lists() -> None:
    words = accepted_words()
    assert all(words[category] for category in Category)
    assert "employment with training" in words[Category.EMPLOYMENT]
    assert "university" in words[Category.HIGHER_EDUCATION]


@pytest.mark.parametrize(
    ("text", "kind"),
    [("", Kind.ACTUAL), ("Actual", Kind.ACTUAL), ("a", Kind.ACTUAL), ("Intended", Kind.INTENDED), ("I", Kind.INTENDED)],
)
def test_kind_is_actual_unless_the_file_says_intended(text: str, kind: Kind) -> None:
    assert kind_from_text(text) is kind


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="neither intended nor actual"):
        kind_from_text("maybe")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", True),
        ("Y", True),
        ("TRUE", True),
        ("no", False),
        ("n", False),
        ("0", False),
        ("", None),
        ("Not known", None),
    ],
)
def test_sustained_is_yes_no_or_not_known_yet(text: str, value: bool | None) -> None:
    assert sustained_from_text(text) is value


def test_sustained_refuses_anything_else() -> None:
    with pytest.raises(ValueError, match="not yes or no"):
        sustained_from_text("probably")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("15/09/2025", dt.date(2025, 9, 15)),
        ("1/9/2025", dt.date(2025, 9, 1)),
        ("15-09-2025", dt.date(2025, 9, 15)),
        ("15.09.2025", dt.date(2025, 9, 15)),
        ("2025-09-15", dt.date(2025, 9, 15)),
        ("15/09/2025 00:00", dt.date(2025, 9, 15)),
        ("2025-09-15T00:00:00", dt.date(2025, 9, 15)),
    ],
)
def test_dates_are_day_month_year_or_iso(text: str, day: dt.date) -> None:
    assert date_from_text(text) == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "blank"),
        ("09/25/2025", "not a real date"),  # the US order: month 25
        ("31/02/2025", "not a real date"),
        ("15/09/25", "write the year in full"),
        ("September 2025", "not a date"),
        ("2025/09/15", "not a date"),
    ],
)
def test_other_dates_are_refused_saying_why(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        date_from_text(text)
