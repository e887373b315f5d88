"""The outcome, date and workflow rules of the accreditation (Guide §4.4)."""

from __future__ import annotations

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


def test_leap_day_award() -> None:
    dates = award_dates(dt.date(2024, 2, 29), 36)
    assert dates.expires_on == dt.date(2027, 2, 27)
    assert dates.reviews_due == (dt.date(2025, 2, 28), dt.date(2026, 2, 28))


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
