"""The outcome, date and workflow rules of the accreditation (Guide §4.4)."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qic.domain import accreditation as acc
from qic.domain.accreditation import (
    CITATIONS,
    Actor,
    Judgment,
    MoveRefused,
    Outcome,
    Stage,
    add_months,
    anniversary,
    award_dates,
    decide_outcome,
    is_current,
    move,
    reissue_dates,
    section_judgment,
)

FULL, GOOD, POOR = Judgment.FULLY_MEETING, Judgment.GOOD_PROGRESS, Judgment.INSUFFICIENT
CODES = [
    f"{s}.{c}" for s, n in ((1, 9), (2, 2), (3, 7), (4, 3), (5, 3), (6, 2), (7, 2), (8, 4)) for c in range(1, n + 1)
]


def all_judged(judgment: Judgment, overrides: dict[str, Judgment] | None = None) -> dict[str, Judgment | None]:
    result: dict[str, Judgment | None] = dict.fromkeys(CODES, judgment)
    result.update(overrides or {})
    return result


def outcome(criteria: dict[str, Judgment | None], *, principles: bool = True, compass: bool = True) -> Outcome:
    return decide_outcome(criteria=criteria, key_principles_met=principles, compass_up_to_date=compass).outcome


@pytest.mark.parametrize(
    ("criteria", "principles", "compass", "expected"),
    [
        (all_judged(FULL), True, True, Outcome.FULLY_MEETING),  # every criterion fully met: 2b
        (all_judged(FULL, {"5.1": GOOD}), True, True, Outcome.GOOD_PROGRESS),  # one criterion short: 2a
        (all_judged(GOOD), True, True, Outcome.GOOD_PROGRESS),  # good progress everywhere: 2a
        (all_judged(FULL, {"8.4": POOR}), True, True, Outcome.NOT_AWARDED),  # any section insufficient: 1
        (all_judged(GOOD, {"1.1": POOR}), True, True, Outcome.NOT_AWARDED),
        (all_judged(FULL), False, True, Outcome.NOT_AWARDED),  # key principles are a precondition
        (all_judged(FULL), True, False, Outcome.NOT_AWARDED),  # an up-to-date Compass report too
        (all_judged(GOOD), True, False, Outcome.NOT_AWARDED),
    ],
)
def test_outcome_rules(
    criteria: dict[str, Judgment | None], principles: bool, compass: bool, expected: Outcome
) -> None:
    assert outcome(criteria, principles=principles, compass=compass) == expected


def test_all_32_criteria_codes() -> None:
    assert len(CODES) == 32


def test_unjudged_criterion_is_refused() -> None:
    with pytest.raises(ValueError, match=r"Judge every criterion first: 3\.4"):
        decide_outcome(criteria=all_judged(FULL) | {"3.4": None}, key_principles_met=True, compass_up_to_date=True)


def test_reasons_name_the_sections() -> None:
    decision = decide_outcome(
        criteria=all_judged(FULL) | {"2.1": POOR, "7.2": POOR}, key_principles_met=True, compass_up_to_date=True
    )
    assert decision.outcome is Outcome.NOT_AWARDED
    assert decision.reasons == ("Sections 2, 7 making insufficient progress",)
    assert decision.sections[2] is POOR
    assert decision.sections[1] is FULL


@given(st.lists(st.sampled_from(list(Judgment)), min_size=1, max_size=9))
def test_section_is_its_weakest_criterion(judgments: list[Judgment]) -> None:
    expected = POOR if POOR in judgments else GOOD if GOOD in judgments else FULL
    assert section_judgment(judgments) is expected


@given(st.dictionaries(st.sampled_from(CODES), st.sampled_from(list(Judgment))))
def test_any_insufficient_criterion_means_outcome_1(overrides: dict[str, Judgment]) -> None:
    criteria = all_judged(FULL) | overrides
    result = outcome(criteria)
    assert (result is Outcome.NOT_AWARDED) == (POOR in criteria.values())


def test_citations_are_the_guides_words() -> None:
    assert "“making good progress”" in CITATIONS[Outcome.GOOD_PROGRESS]
    assert "“fully meeting”" in CITATIONS[Outcome.FULLY_MEETING]
    assert all(c.startswith("Congratulations on achieving the Quality In Careers Standard") for c in CITATIONS.values())


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),  # leap day, no 29 Feb next year
        (dt.date(2024, 2, 29), 48, dt.date(2028, 2, 29)),  # leap day to leap day
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2025, 11, 15), 2, dt.date(2026, 1, 15)),  # across the year end
    ],
)
def test_add_months(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


def test_36_month_award() -> None:
    dates = award_dates(dt.date(2025, 3, 10), 36)
    assert dates.expires_on == dt.date(2028, 3, 9)
    assert dates.reviews_due == (dt.date(2026, 3, 10), dt.date(2027, 3, 10))
    assert dates.reaccreditation_review == 2  # the second review prepares reaccreditation


def test_24_month_award() -> None:
    dates = award_dates(dt.date(2025, 3, 10), 24)
    assert dates.expires_on == dt.date(2027, 3, 9)
    assert dates.reviews_due == (dt.date(2026, 3, 10),)
    assert dates.reaccreditation_review == 1  # a two-year body prepares it at the first


@pytest.mark.parametrize(
    ("awarded_on", "months", "last_day", "reviews"),
    [
        # 29 February's anniversary in a year without one is 1 March: valid through 28 February.
        (dt.date(2024, 2, 29), 36, dt.date(2027, 2, 28), (dt.date(2025, 3, 1), dt.date(2026, 3, 1))),
        (dt.date(2024, 2, 29), 24, dt.date(2026, 2, 28), (dt.date(2025, 3, 1),)),
        (dt.date(2028, 2, 29), 36, dt.date(2031, 2, 28), (dt.date(2029, 3, 1), dt.date(2030, 3, 1))),
        # A period whose anniversary is a leap year's 1 March runs through 29 February.
        (dt.date(2021, 3, 1), 36, dt.date(2024, 2, 29), (dt.date(2022, 3, 1), dt.date(2023, 3, 1))),
        (dt.date(2022, 3, 1), 24, dt.date(2024, 2, 29), (dt.date(2023, 3, 1),)),
        (dt.date(2022, 2, 28), 24, dt.date(2024, 2, 27), (dt.date(2023, 2, 28),)),
        (dt.date(2025, 12, 31), 36, dt.date(2028, 12, 30), (dt.date(2026, 12, 31), dt.date(2027, 12, 31))),
        (dt.date(2026, 1, 1), 24, dt.date(2027, 12, 31), (dt.date(2027, 1, 1),)),
    ],
)
def test_an_award_is_valid_until_the_day_before_its_anniversary(
    awarded_on: dt.date, months: int, last_day: dt.date, reviews: tuple[dt.date, ...]
) -> None:
    dates = award_dates(awarded_on, months)
    assert dates.expires_on == last_day
    assert dates.reviews_due == reviews


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (dt.date(2024, 2, 29), 1, dt.date(2025, 3, 1)),
        (dt.date(2024, 2, 29), 3, dt.date(2027, 3, 1)),
        (dt.date(2024, 2, 29), 4, dt.date(2028, 2, 29)),
        (dt.date(2023, 3, 1), 1, dt.date(2024, 3, 1)),  # so a year from 1 March 2023 runs through 29 February 2024
        (dt.date(2023, 2, 28), 1, dt.date(2024, 2, 28)),
        (dt.date(2096, 2, 29), 4, dt.date(2100, 3, 1)),  # 2100 is not a leap year
    ],
)
def test_anniversary(day: dt.date, years: int, expected: dt.date) -> None:
    assert anniversary(day, years) == expected


def test_a_year_from_1_march_2023_runs_through_29_february_2024() -> None:
    assert anniversary(dt.date(2023, 3, 1), 1) - dt.timedelta(days=1) == dt.date(2024, 2, 29)


AWARD_DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2200, 12, 31))
LEAP_DAYS = st.integers(min_value=1990, max_value=2200).filter(calendar.isleap).map(lambda y: dt.date(y, 2, 29))
PERIODS = st.sampled_from([24, 36])


@given(st.one_of(AWARD_DAYS, LEAP_DAYS), PERIODS)
def test_the_day_after_expiry_is_the_anniversary_or_the_day_after_it(awarded_on: dt.date, months: int) -> None:
    """The award ends with the day before the anniversary; when the anniversary has no such date
    (29 February in a year without one), the next day, 1 March, takes its place."""
    years = months // 12
    after = award_dates(awarded_on, months).expires_on + dt.timedelta(days=1)
    assert after.year == awarded_on.year + years
    if (awarded_on.month, awarded_on.day) == (2, 29) and not calendar.isleap(after.year):
        assert (after.month, after.day) == (3, 1)
    else:
        assert (after.month, after.day) == (awarded_on.month, awarded_on.day)


@given(st.one_of(AWARD_DAYS, LEAP_DAYS), PERIODS)
def test_validity_is_whole_years_of_days(awarded_on: dt.date, months: int) -> None:
    """24 or 36 months: 365 days a year, plus one when the period holds a 29 February (at most one
    in three years)."""
    dates = award_dates(awarded_on, months)
    years = months // 12
    days_valid = (dates.expires_on - awarded_on).days + 1
    leap_days = sum(
        1
        for year in range(awarded_on.year, awarded_on.year + years + 1)
        if calendar.isleap(year) and awarded_on <= dt.date(year, 2, 29) <= dates.expires_on
    )
    assert days_valid == 365 * years + leap_days
    assert 365 * years <= days_valid <= 365 * years + 1


@given(st.one_of(AWARD_DAYS, LEAP_DAYS), PERIODS)
def test_on_the_register_from_the_award_day_through_the_last_day(awarded_on: dt.date, months: int) -> None:
    dates = award_dates(awarded_on, months)
    one_day = dt.timedelta(days=1)
    assert not is_current(dates, awarded_on - one_day)
    assert is_current(dates, awarded_on)
    assert is_current(dates, dates.expires_on)
    assert not is_current(dates, dates.expires_on + one_day)


@given(st.one_of(AWARD_DAYS, LEAP_DAYS), PERIODS)
def test_reviews_fall_on_the_anniversaries_inside_the_validity(awarded_on: dt.date, months: int) -> None:
    """One review each year of validity before the last; each on an anniversary by the same rule
    as the expiry (1 March for a 29 February award in a year without one)."""
    dates = award_dates(awarded_on, months)
    assert len(dates.reviews_due) == months // 12 - 1
    for number, due in enumerate(dates.reviews_due, start=1):
        assert awarded_on < due <= dates.expires_on
        assert due.year == awarded_on.year + number
        if (awarded_on.month, awarded_on.day) == (2, 29) and not calendar.isleap(due.year):
            assert (due.month, due.day) == (3, 1)
        else:
            assert (due.month, due.day) == (awarded_on.month, awarded_on.day)
    # The last year of validity, from the last review, is a year like the others.
    last_year = (dates.expires_on + dt.timedelta(days=1) - dates.reviews_due[-1]).days
    assert last_year in (365, 366)


def test_reissue_keeps_the_expiry() -> None:
    original = award_dates(dt.date(2025, 3, 10), 36)
    reissued = reissue_dates(original, dt.date(2026, 3, 20))
    assert reissued.awarded_on == dt.date(2026, 3, 20)
    assert reissued.expires_on == original.expires_on
    with pytest.raises(ValueError, match="within the award's validity"):
        reissue_dates(original, dt.date(2028, 3, 10))


def test_award_leaves_the_register_the_day_after_expiry() -> None:
    dates = award_dates(dt.date(2025, 3, 10), 24)
    assert is_current(dates, dt.date(2027, 3, 9)) is True
    assert is_current(dates, dt.date(2027, 3, 10)) is False


def test_other_periods_are_refused() -> None:
    with pytest.raises(ValueError, match="24 or 36"):
        award_dates(dt.date(2025, 1, 1), 12)


def test_workflow_happy_path() -> None:
    stage: Stage | None = Stage.COMMITMENT_REQUESTED
    for name, by in [
        ("grant_commitment", Actor.BODY_ADMIN),
        ("submit_portfolio", Actor.CAREERS_LEADER),
        ("assign_assessor", Actor.BODY_ADMIN),
        ("schedule_visit", Actor.BODY_ADMIN),
        ("submit_judgments", Actor.ASSESSOR),
        ("issue_outcome", Actor.BODY_ADMIN),
    ]:
        stage = move(stage, name, by)
    assert stage is Stage.ISSUED


@pytest.mark.parametrize(
    ("stage", "name", "by", "message"),
    [
        (Stage.JUDGED, "issue_outcome", Actor.ASSESSOR, "Only the body admin can issue outcome"),
        (Stage.COMMITTED, "issue_outcome", Actor.BODY_ADMIN, "cannot issue outcome at the “committed” stage"),
        (Stage.ISSUED, "submit_judgments", Actor.ASSESSOR, "next can be: reissue award, start reaccreditation"),
        (Stage.COMMITMENT_DECLINED, "grant_commitment", Actor.BODY_ADMIN, "next can be: nothing"),
        (Stage.SUBMITTED, "fly", Actor.CAREERS_LEADER, "no step called"),
        (Stage.JUDGED, "issue_outcome", None, "Only the body admin can issue outcome"),
    ],
)
def test_refused_moves_say_why(stage: Stage, name: str, by: Actor | None, message: str) -> None:
    with pytest.raises(MoveRefused, match=message):
        move(stage, name, by)


# --- Before the assessment --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("completed", "assessed", "up_to_date"),
    [
        (dt.date(2025, 11, 23), dt.date(2026, 11, 23), True),  # exactly 12 months
        (dt.date(2025, 11, 23), dt.date(2026, 11, 24), False),  # a day over
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28), True),  # leap day: 12 months end on 28 February
        (dt.date(2024, 2, 29), dt.date(2025, 3, 1), False),
        (dt.date(2026, 11, 24), dt.date(2026, 11, 23), False),  # completed after the assessment
        (None, dt.date(2026, 11, 23), False),
    ],
)
def test_compass_is_up_to_date_for_12_months(completed: dt.date | None, assessed: dt.date, up_to_date: bool) -> None:
    assert acc.compass_is_up_to_date(completed, assessed) is up_to_date


def test_missing_evidence_lists_what_5_1_1_requires() -> None:
    assert [k.code for k in acc.missing_evidence([], reaccreditation=False)] == [
        "inspection",
        "destinations",
        "ceiag_policy",
        "provider_access",
        "compass",
    ]
    assert (
        acc.missing_evidence(
            ["inspection", "destinations", "ceiag_policy", "provider_access", "compass"], reaccreditation=False
        )
        == []
    )


def test_a_reaccreditation_also_needs_the_previous_report() -> None:
    present = ["inspection", "destinations", "ceiag_policy", "provider_access", "compass"]
    assert [k.code for k in acc.missing_evidence(present, reaccreditation=True)] == ["previous_report"]


@pytest.mark.parametrize(
    ("head", "names", "kind"),
    [
        (b"%PDF-1.7\n", None, "pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", None, "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", None, "jpg"),
        (b"PK\x03\x04\x14\x00", ["[Content_Types].xml", "word/document.xml"], "docx"),
        (b"PK\x03\x04\x14\x00", ["[Content_Types].xml", "xl/workbook.xml"], "xlsx"),
    ],
)
def test_uploads_are_recognised_by_content(head: bytes, names: list[str] | None, kind: str) -> None:
    assert acc.sniff_upload(head, names) == kind


@pytest.mark.parametrize(
    ("head", "names", "message"),
    [
        (b"MZ\x90\x00", None, "must be a PDF"),
        (b"<html><script>", None, "must be a PDF"),
        (b"PK\x03\x04", ["evil.exe"], "not a Word or Excel"),
        (b"", None, "must be a PDF"),
    ],
)
def test_other_uploads_are_refused(head: bytes, names: list[str] | None, message: str) -> None:
    with pytest.raises(acc.UploadRefused, match=message):
        acc.sniff_upload(head, names)
