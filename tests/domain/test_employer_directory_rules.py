"""The employer directory's rules (qic/domain/employers.py): when two entries are the same
employer, how sizes, sectors and yes/no cells are read, and the variety of employers met
(refreshed Benchmark 5: different sizes and sectors, the self-employed included; size bands by
the UK's usual employee counts, micro 0-9, small 10-49, medium 50-249, large 250+)."""

from __future__ import annotations

import pytest

from qic.domain import employers as rules
from qic.domain.employers import SizeBand


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Acme Ltd", "ACME Limited"),
        ("The Acme Co.", "acme"),
        ("Smith & Sons", "Smith and Sons"),
        ("Café Rouge", "cafe rouge"),
        ("  Northern   Rail plc ", "Northern Rail"),
    ],
)
def test_names_that_differ_only_in_case_accents_punctuation_or_legal_words_are_the_same(a: str, b: str) -> None:
    assert rules.name_key(a) == rules.name_key(b)


def test_a_name_of_only_legal_words_still_compares() -> None:
    assert rules.name_key("The Co") == "the co"
    assert rules.name_key("Acme") != rules.name_key("Acme Engineering")


@pytest.mark.parametrize(
    ("postcode_a", "postcode_b", "same"),
    [
        ("PR9 9QX", "pr99qx", True),  # the same postcode written two ways
        ("", "PR9 9QX", True),  # one blank: nothing tells them apart
        ("PR9 9QX", "", True),
        ("", "", True),
        ("PR9 9QX", "B99 4TT", False),  # a chain's two branches
    ],
)
def test_same_name_is_the_same_employer_unless_the_postcodes_differ(
    postcode_a: str, postcode_b: str, same: bool
) -> None:
    assert rules.same_employer("Acme Ltd", postcode_a, "ACME", postcode_b) is same
    assert rules.same_employer("Acme", postcode_a, "Zenith", postcode_b) is False


def test_the_duplicate_index_finds_the_first_entry_that_is_the_same_employer() -> None:
    index: rules.DuplicateIndex[int] = rules.DuplicateIndex()
    index.add("Acme Ltd", "PR9 9QX", 1)
    index.add("Acme Ltd", "B99 4TT", 2)
    assert index.find("acme", "b99 4tt") == 2
    assert index.find("ACME LIMITED", "") == 1
    assert index.find("Acme", "NR99 2HD") is None
    assert index.find("Zenith", "") is None


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("micro", SizeBand.MICRO),
        ("Small", SizeBand.SMALL),
        ("MEDIUM", SizeBand.MEDIUM),
        ("large", SizeBand.LARGE),
        ("Medium-sized", SizeBand.MEDIUM),
        ("Micro (fewer than 10 people)", SizeBand.MICRO),
        ("0", SizeBand.MICRO),
        ("9", SizeBand.MICRO),
        ("10", SizeBand.SMALL),
        ("49", SizeBand.SMALL),
        ("50", SizeBand.MEDIUM),
        ("249", SizeBand.MEDIUM),
        ("250", SizeBand.LARGE),
        ("1,200", SizeBand.LARGE),
        ("250+", SizeBand.LARGE),
        ("", None),
        ("  ", None),
    ],
)
def test_a_size_is_a_band_or_a_number_of_people(text: str, band: SizeBand | None) -> None:
    assert rules.size_band_from_text(text) == band


@pytest.mark.parametrize("text", ["huge", "-5", "10-49", "ten", "12.5"])
def test_anything_else_is_not_a_size(text: str) -> None:
    with pytest.raises(ValueError, match="is not a size"):
        rules.size_band_from_text(text)


def test_sectors_by_key_or_name_and_yes_no_cells() -> None:
    assert rules.sector_from_text("Digital") == "digital"
    assert rules.sector_from_text("digital and technology") == "digital"
    assert rules.sector_from_text("Finance, Accounting and Insurance") == "finance"
    assert rules.sector_from_text("") == ""
    with pytest.raises(ValueError, match="not one of the sectors"):
        rules.sector_from_text("Wizardry")
    assert [rules.yes_no(t) for t in ("Yes", "y", "TRUE", "1", "x", "no", "N", "", "0")] == [True] * 5 + [False] * 4
    with pytest.raises(ValueError, match="not yes or no"):
        rules.yes_no("maybe")


def test_variety_counts_each_band_and_sector_and_shows_the_gaps() -> None:
    # Four employers: a sole trader (3 people -> micro), a 30-person firm, a 1,200-person one, and
    # one whose size and sector nobody recorded.
    met = [
        (rules.size_band_for(3).value, "creative", True),
        (rules.size_band_for(30).value, "digital", False),
        (rules.size_band_for(1200).value, "digital", False),
        ("", "", False),
    ]
    figures = rules.variety(met)
    assert figures.employers == 4
    assert figures.sizes == {"micro": 1, "small": 1, "medium": 0, "large": 1}
    assert figures.size_bands_met == 3
    assert figures.sectors["digital"] == 2
    assert figures.sectors["creative"] == 1
    assert figures.sectors["health"] == 0
    assert figures.sectors_met == 2
    assert (figures.self_employed, figures.unknown_size, figures.unknown_sector) == (1, 1, 1)
    assert rules.variety_words(figures, "2025/26") == (
        "Learners met 4 employers in 2025/26: 3 of 4 size bands, 2 sectors, 1 self-employed"
    )
    assert rules.variety_words(rules.variety([]), "2025/26") == "No employers recorded as met by learners in 2025/26"
