"""Learners' destinations (DOMAIN.md §3c, issue 16), written from the rules, not from the code.

Schools keep each learner's destinations for three years after they leave and compare them with
the DfE destination measures: the KS4 cohort is the pupils in Year 11 (on roll on the spring census
day), the 16–18 cohort those in Year 13, or a college's students aged 16 to 18 whose programme
ended; the DfE publishes the destinations of a cohort the year after it left. Figures on fewer
than six learners are shown as counts only.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qic.domain.academic import KeyStage
from qic.domain.destinations import (
    BREAKDOWNS,
    HEADLINE,
    SMALL_GROUP,
    Category,
    CohortMember,
    DestinationRefused,
    Kind,
    LearnerFacts,
    Recorded,
    Share,
    analyse,
    analyse_cohort,
    census_day,
    check_destination,
    cohort_of_time_period,
    cohort_years,
    cohorts_of,
    destination_in_year,
    dfe_time_period,
    intended_vs_actual,
    measures,
    stayed_on_sustained,
    sustained_known_on,
)

d = dt.date
COHORT = 2022  # finished Year 11 (or 13) in 2022/23, left in the summer of 2023
ACTUAL, INTENDED = Kind.ACTUAL, Kind.INTENDED
BORN = d(2007, 3, 1)
AUTUMN = d(2023, 10, 15)  # year 1 after leaving
SPRING = d(2023, 3, 1)  # the final year, before leaving


def facts(
    year_group: int | None = 11,
    recorded_in: int | None = COHORT,
    *,
    born: dt.date = BORN,
    joined_on: dt.date | None = None,
    left_on: dt.date | None = None,
    programme_end: dt.date | None = None,
) -> LearnerFacts:
    return LearnerFacts(year_group, recorded_in, born, joined_on, left_on, programme_end)


def member(
    pk: int = 1,
    *recorded: Recorded,
    disadvantaged: bool = False,
    sen_support: bool = False,
    ehc_plan: bool = False,
    looked_after: bool = False,
    sex: str = "F",
    stayed: bool = False,
    stayed_sustained: bool | None = None,
) -> CohortMember:
    return CohortMember(
        pk, disadvantaged, sen_support, ehc_plan, looked_after, sex, tuple(recorded), stayed, stayed_sustained
    )


def went(category: Category, on: dt.date = AUTUMN, sustained: bool | None = True, order: int = 0) -> Recorded:
    return Recorded(ACTUAL, category, on, sustained, order)


def meant(category: Category, on: dt.date = SPRING, order: int = 0) -> Recorded:
    return Recorded(INTENDED, category, on, None, order)


# --- Cohorts ------------------------------------------------------------------------------------


def test_census_day_is_the_third_thursday_of_january() -> None:
    assert census_day(2023) == d(2024, 1, 18)  # the spring census 2024
    assert census_day(2022) == d(2023, 1, 19)
    assert census_day(2020) == d(2021, 1, 21)  # 1 January 2021 was a Friday
    assert all(census_day(y).weekday() == 3 and 15 <= census_day(y).day <= 21 for y in range(2015, 2035))


def test_a_pupil_in_year_11_on_census_day_is_in_that_years_ks4_cohort() -> None:
    assert (KeyStage.KS4, COHORT) in cohorts_of(facts(11, COHORT, left_on=d(2023, 7, 21)))
    # Recorded in Year 9 two years before: the year group rolls on.
    assert (KeyStage.KS4, COHORT) in cohorts_of(facts(9, COHORT - 2))
    # Recorded as a Year 12 the year after (the MIS moved them on): still the 2022 KS4 cohort.
    assert (KeyStage.KS4, COHORT) in cohorts_of(facts(12, COHORT + 1))


def test_a_pupil_in_year_13_on_census_day_is_in_the_16_to_18_cohort() -> None:
    found = cohorts_of(facts(13, COHORT, left_on=d(2023, 7, 21)))
    assert (KeyStage.KS5, COHORT) in found
    assert (KeyStage.KS4, COHORT - 2) in found  # and, two years before, in a KS4 cohort
    assert found == sorted(found, key=lambda c: c[1])  # oldest first


def test_a_pupil_who_left_before_census_day_is_not_in_the_cohort() -> None:
    left_in_autumn = facts(11, COHORT, left_on=d(2022, 12, 9))
    assert (KeyStage.KS4, COHORT) not in cohorts_of(left_in_autumn)
    # Left on census day itself: on roll that day.
    assert (KeyStage.KS4, COHORT) in cohorts_of(facts(11, COHORT, left_on=census_day(COHORT)))
    # Joined after census day: not in the cohort either.
    assert (KeyStage.KS4, COHORT) not in cohorts_of(facts(11, COHORT, joined_on=d(2023, 2, 27)))


def test_a_year_11_leaver_is_not_in_a_16_to_18_cohort() -> None:
    found = cohorts_of(facts(11, COHORT, left_on=d(2023, 7, 21)))
    assert found == [(KeyStage.KS4, COHORT)]


def test_a_college_learner_is_in_the_16_to_18_cohort_of_the_year_their_programme_ended() -> None:
    # Born March 2005: 18 on 31 August 2023, the start of 2023/24.
    learner = facts(None, None, born=d(2005, 3, 1), programme_end=d(2024, 6, 28))
    assert cohorts_of(learner) == [(KeyStage.KS5, 2023)]
    assert cohorts_of(facts(None, None, born=d(2007, 8, 31), programme_end=d(2024, 6, 28))) == [(KeyStage.KS5, 2023)]


def test_a_college_learner_outside_16_to_18_is_in_no_cohort() -> None:
    adult = facts(None, None, born=d(2004, 3, 1), programme_end=d(2024, 6, 28))  # 19 at the start of 2023/24
    assert cohorts_of(adult) == []
    young = facts(None, None, born=d(2008, 3, 1), programme_end=d(2024, 6, 28))  # 15
    assert cohorts_of(young) == []
    assert cohorts_of(facts(None, None, born=d(2005, 3, 1))) == []  # no programme end


def test_the_dfe_publishes_a_cohort_the_year_after_it_left() -> None:
    assert dfe_time_period(2022) == "202324"
    assert dfe_time_period(2019) == "202021"
    assert dfe_time_period(2098) == "209900"
    assert cohort_of_time_period("202324") == 2022
    assert all(cohort_of_time_period(dfe_time_period(y)) == y for y in range(1990, 2100))


@pytest.mark.parametrize("text", ["2023/24", "202325", "2023", "", "abcdef", "20232"])
def test_a_time_period_that_is_not_an_academic_year_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="academic year"):
        cohort_of_time_period(text)


def test_the_three_cohorts_analysed_are_the_last_three_to_leave() -> None:
    assert cohort_years(d(2026, 12, 3)) == [2025, 2024, 2023]
    assert cohort_years(d(2026, 8, 31)) == [2024, 2023, 2022]  # the summer's leavers count from September
    assert cohort_years(d(2026, 9, 1)) == [2025, 2024, 2023]


# --- Checking what is recorded ------------------------------------------------------------------


def check(kind: Kind = ACTUAL, category: Category = Category.FE_COLLEGE, **kwargs: object) -> None:
    values: dict[str, object] = {"recorded_on": d(2023, 10, 2), "today": d(2024, 1, 10), "left_on": d(2023, 7, 21)}
    values.update(kwargs)
    check_destination(kind=kind, category=category, **values)  # type: ignore[arg-type]


def test_a_sensible_destination_passes() -> None:
    check()
    check(INTENDED, recorded_on=d(2022, 11, 1))  # an intention, before leaving
    check(recorded_on=d(2023, 6, 30))  # an offer known just before the last day
    check(recorded_on=d(2026, 8, 31), today=d(2026, 9, 1))  # the last day of year 3


@pytest.mark.parametrize(
    ("kind", "category", "changes", "why"),
    [
        (ACTUAL, Category.FE_COLLEGE, {"recorded_on": d(2024, 1, 11)}, "today or in the past"),
        (ACTUAL, Category.FE_COLLEGE, {"recorded_on": d(2023, 3, 1)}, "after the learner left"),
        (ACTUAL, Category.FE_COLLEGE, {"recorded_on": d(2026, 9, 1), "today": d(2026, 9, 2)}, "3 years"),
        (INTENDED, Category.UNKNOWN, {"recorded_on": d(2023, 3, 1)}, "unknown"),
    ],
)
def test_a_destination_that_makes_no_sense_is_refused(
    kind: Kind, category: Category, changes: dict[str, dt.date], why: str
) -> None:
    with pytest.raises(DestinationRefused, match=why):
        check(kind, category, **changes)


def test_sustained_is_known_only_after_the_six_months_from_october() -> None:
    # Left in July 2023: a place taken in September (or found in the summer) is sustained if the
    # learner is still there on 31 March 2024, as the DfE counts it; not before.
    left = d(2023, 7, 21)
    assert sustained_known_on(recorded_on=d(2023, 9, 4), left_on=left) == d(2024, 3, 31)
    assert sustained_known_on(recorded_on=d(2023, 8, 10), left_on=left) == d(2024, 3, 31)
    assert sustained_known_on(recorded_on=d(2024, 10, 1), left_on=left) == d(2025, 3, 31)  # year 2
    assert sustained_known_on(recorded_on=d(2024, 2, 5), left_on=None) == d(2024, 3, 31)
    with pytest.raises(DestinationRefused, match="known only from 31 March 2024"):
        check(recorded_on=d(2023, 9, 4), today=d(2024, 3, 30), sustained=True)
    check(recorded_on=d(2023, 9, 4), today=d(2024, 3, 31), sustained=True)
    # One that has already ended is known not to be sustained at once; "not known yet" always is.
    check(recorded_on=d(2023, 9, 4), today=d(2023, 11, 20), sustained=False)
    check(recorded_on=d(2023, 9, 4), today=d(2023, 11, 20), sustained=None)


# --- Which destination counts ------------------------------------------------------------------


def test_the_summer_after_the_exams_belongs_to_year_1() -> None:
    summer = went(Category.APPRENTICESHIP, d(2023, 8, 10))
    assert destination_in_year(COHORT, [summer], 1) == summer
    assert destination_in_year(COHORT, [summer], 2) is None


def test_each_year_after_leaving_counts_its_latest_destination() -> None:
    first = went(Category.FE_COLLEGE, d(2023, 9, 20))
    moved = went(Category.APPRENTICESHIP, d(2024, 2, 5))  # changed course in year 1
    year_2 = went(Category.EMPLOYMENT, d(2024, 11, 1))
    year_3 = went(Category.HIGHER_EDUCATION, d(2025, 10, 1))
    history = [year_3, first, year_2, moved]
    assert destination_in_year(COHORT, history, 1) == moved
    assert destination_in_year(COHORT, history, 2) == year_2
    assert destination_in_year(COHORT, history, 3) == year_3


def test_on_the_same_day_the_one_recorded_last_counts() -> None:
    earlier = went(Category.FE_COLLEGE, d(2023, 9, 20), order=4)
    corrected = went(Category.SIXTH_FORM_COLLEGE, d(2023, 9, 20), order=9)
    assert destination_in_year(COHORT, [corrected, earlier], 1) == corrected


def test_an_intention_is_never_a_destination() -> None:
    assert destination_in_year(COHORT, [meant(Category.HIGHER_EDUCATION, d(2023, 9, 1))], 1) is None


# --- The measures ------------------------------------------------------------------------------


def test_the_measures_follow_the_dfes() -> None:
    members = [
        member(1, went(Category.FE_COLLEGE)),  # sustained education
        member(2, went(Category.TRAINING)),  # the DfE counts training as education
        member(3, went(Category.APPRENTICESHIP)),
        member(4, went(Category.EMPLOYMENT)),
        member(5, went(Category.HIGHER_EDUCATION, sustained=False)),  # not sustained
        member(6, went(Category.NEET, sustained=None)),  # NEET: not sustained, whatever is said of it
        member(7, went(Category.SIXTH_FORM_COLLEGE, sustained=None)),  # not yet known
        member(8, went(Category.UNKNOWN, sustained=None)),  # recorded as unknown
        member(9),  # nothing recorded
        member(10, meant(Category.APPRENTICESHIP)),  # an intention only: nothing recorded
    ]
    m = measures(members, COHORT)
    assert m.cohort == 10
    counts = {key: share.count for key, share in m.headline.items()}
    assert counts == {"overall": 4, "education": 2, "appren": 1, "all_work": 1, "all_notsust": 2, "all_unknown": 3}
    assert m.not_yet_known.count == 1
    assert m.not_recorded.count == 2
    # Every learner is in exactly one of sustained, not sustained, not yet known or unknown.
    assert counts["overall"] + counts["all_notsust"] + counts["all_unknown"] + m.not_yet_known.count == m.cohort
    assert m.headline["overall"].percent == 40.0
    assert all(share.of == 10 for share in m.headline.values())
    assert m.by_category[Category.FE_COLLEGE].count == 1
    assert m.by_category[Category.NEET].count == 1
    assert m.by_category[Category.UNKNOWN].count == 1  # the recorded "unknown", not the unrecorded
    assert sum(share.count for share in m.by_category.values()) + m.not_recorded.count == m.cohort
    assert tuple(m.headline) == HEADLINE


recorded_strategy = st.builds(
    Recorded,
    st.sampled_from(Kind),
    st.sampled_from(Category),
    st.dates(d(2023, 5, 1), d(2026, 8, 31)),
    st.sampled_from([True, False, None]),
    st.integers(0, 5),
)
member_strategy = st.builds(
    member,
    st.integers(1, 10**6),
    stayed=st.booleans(),
    stayed_sustained=st.sampled_from([True, False, None]),
).flatmap(
    lambda m: st.lists(recorded_strategy, max_size=4).map(
        lambda recorded: CohortMember(
            m.learner_id, False, False, False, False, "F", tuple(recorded), m.stayed, m.stayed_sustained
        )
    )
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])  # a busy machine is not a failure
@given(st.lists(member_strategy, max_size=12), st.integers(1, 3))
def test_every_learner_is_in_exactly_one_of_the_four_outcomes(members: list[CohortMember], n: int) -> None:
    m = measures(members, COHORT, n)
    outcomes = m.headline["overall"].count + m.headline["all_notsust"].count + m.headline["all_unknown"].count
    assert outcomes + m.not_yet_known.count == len(members) == m.cohort
    parts = m.headline["education"].count + m.headline["appren"].count + m.headline["all_work"].count
    assert parts == m.headline["overall"].count


def test_a_learner_who_stayed_in_the_sixth_form_counts_there_unless_something_else_is_recorded() -> None:
    members = [
        member(1, stayed=True, stayed_sustained=True),
        member(2, stayed=True, stayed_sustained=False),  # left the sixth form before March
        member(3, stayed=True, stayed_sustained=None),  # March not come yet
        member(4, went(Category.APPRENTICESHIP), stayed=True, stayed_sustained=True),  # recorded wins
    ]
    m = measures(members, COHORT)
    assert m.stayed_on.count == 3
    assert m.by_category[Category.SCHOOL_SIXTH_FORM].count == 3
    assert m.headline["overall"].count == 2
    assert m.headline["education"].count == 1
    assert m.headline["all_notsust"].count == 1
    assert m.not_yet_known.count == 1
    assert m.not_recorded.count == 0
    # Staying on is a year-1 destination only.
    assert measures(members, COHORT, 2).headline["all_unknown"].count == 4


def test_the_years_after_are_measured_from_their_own_destinations() -> None:
    members = [
        member(1, went(Category.FE_COLLEGE), went(Category.EMPLOYMENT, d(2024, 10, 1))),
        member(2, went(Category.FE_COLLEGE), went(Category.NEET, d(2025, 1, 1), sustained=None)),
        member(3, went(Category.FE_COLLEGE)),
    ]
    year_2 = measures(members, COHORT, 2)
    assert year_2.headline["all_work"].count == 1
    assert year_2.headline["all_notsust"].count == 1
    assert year_2.not_recorded.count == 1


def test_stayed_on_is_decided_on_1_october_and_sustained_on_31_march() -> None:
    kwargs = {"cohort_year": COHORT, "year_group_next": 12}
    assert stayed_on_sustained(left_on=None, today=d(2024, 4, 1), **kwargs) == (True, True)  # type: ignore[arg-type]
    assert stayed_on_sustained(left_on=None, today=d(2024, 3, 30), **kwargs) == (True, None)  # type: ignore[arg-type]
    assert stayed_on_sustained(left_on=d(2024, 2, 1), today=d(2024, 4, 1), **kwargs) == (True, False)  # type: ignore[arg-type]
    assert stayed_on_sustained(left_on=d(2023, 9, 30), today=d(2024, 4, 1), **kwargs) == (False, None)  # type: ignore[arg-type]
    assert stayed_on_sustained(left_on=None, today=d(2023, 9, 30), **kwargs) == (False, None)  # type: ignore[arg-type]
    no_year_12 = stayed_on_sustained(cohort_year=COHORT, year_group_next=11, left_on=None, today=d(2024, 4, 1))
    assert no_year_12 == (False, None)  # kept down a year: not staying on in the sixth form


# --- Small groups ------------------------------------------------------------------------------


def test_a_group_under_six_is_shown_as_counts_only() -> None:
    assert SMALL_GROUP == 6
    assert Share(2, 5).percent is None
    assert Share(2, 5).counts_only
    assert Share(3, 6).percent == 50.0
    assert not Share(3, 6).counts_only
    assert Share(0, 0).percent is None  # nobody: nothing to divide
    small = measures([member(pk, went(Category.FE_COLLEGE)) for pk in range(5)], COHORT)
    assert small.counts_only
    assert small.headline["overall"].count == 5
    assert small.headline["overall"].percent is None


def _cohort(inside: int, others: int, *, inside_sustained: int, others_sustained: int) -> list[CohortMember]:
    people = []
    for pk in range(inside):
        people.append(member(pk, went(Category.FE_COLLEGE, sustained=pk < inside_sustained), disadvantaged=True))
    for pk in range(others):
        people.append(member(100 + pk, went(Category.FE_COLLEGE, sustained=pk < others_sustained)))
    return people


def test_the_gap_is_the_groups_sustained_share_minus_the_others() -> None:
    analysis = analyse_cohort(KeyStage.KS4, COHORT, _cohort(10, 20, inside_sustained=6, others_sustained=16))
    row = next(g for g in analysis.groups if g.breakdown.code == "disadvantaged")
    assert row.inside.cohort == 10
    assert row.others.cohort == 20
    assert row.gap == pytest.approx(60.0 - 80.0)


def test_no_gap_when_either_side_is_small() -> None:
    analysis = analyse_cohort(KeyStage.KS4, COHORT, _cohort(5, 20, inside_sustained=5, others_sustained=10))
    row = next(g for g in analysis.groups if g.breakdown.code == "disadvantaged")
    assert row.inside.headline["overall"].count == 5  # the count is still there
    assert row.gap is None
    everyone_disadvantaged = analyse_cohort(KeyStage.KS4, COHORT, _cohort(8, 3, inside_sustained=8, others_sustained=3))
    assert next(g for g in everyone_disadvantaged.groups if g.breakdown.code == "disadvantaged").gap is None


def test_the_breakdowns_put_each_learner_on_the_right_side() -> None:
    people = [
        member(1, disadvantaged=True, sex="F"),
        member(2, sen_support=True, sex="M"),
        member(3, ehc_plan=True, sex="U"),  # an EHC plan is SEND too; sex not known: in neither side
        member(4, looked_after=True, sex="F"),
    ]
    analysis = analyse_cohort(KeyStage.KS4, COHORT, people)
    sizes = {g.breakdown.code: (g.inside.cohort, g.others.cohort) for g in analysis.groups}
    assert sizes == {"disadvantaged": (1, 3), "send": (2, 2), "ehc_plan": (1, 3), "looked_after": (1, 3), "sex": (2, 1)}
    assert [b.code for b in BREAKDOWNS] == [g.breakdown.code for g in analysis.groups]


# --- Intended vs actual ------------------------------------------------------------------------


def test_intended_destinations_are_compared_with_year_1s() -> None:
    people = [
        member(1, meant(Category.APPRENTICESHIP), went(Category.APPRENTICESHIP)),  # as planned
        member(2, meant(Category.APPRENTICESHIP), went(Category.FE_COLLEGE)),
        # Changed their mind: the latest intention counts.
        member(
            3, meant(Category.HIGHER_EDUCATION, d(2022, 11, 1)), meant(Category.FE_COLLEGE), went(Category.FE_COLLEGE)
        ),
        member(4, meant(Category.SCHOOL_SIXTH_FORM), stayed=True, stayed_sustained=None),  # stayed: as planned
        member(5, meant(Category.EMPLOYMENT)),  # nothing known yet
        member(6, meant(Category.EMPLOYMENT), went(Category.UNKNOWN, sustained=None)),  # lost track
        member(7, went(Category.EMPLOYMENT)),  # no intention recorded
        member(8),
    ]
    result = intended_vs_actual(people, COHORT)
    assert result.with_both == 4
    assert result.matched == 3
    assert result.no_intention == 1
    assert result.pairs == {
        (Category.APPRENTICESHIP, Category.APPRENTICESHIP): 1,
        (Category.APPRENTICESHIP, Category.FE_COLLEGE): 1,
        (Category.FE_COLLEGE, Category.FE_COLLEGE): 1,
        (Category.SCHOOL_SIXTH_FORM, Category.SCHOOL_SIXTH_FORM): 1,
        (Category.EMPLOYMENT, None): 1,
        (Category.EMPLOYMENT, Category.UNKNOWN): 1,
    }
    assert result.matched_share.count == 3
    assert result.matched_share.of == 4
    assert result.matched_share.percent is None  # four learners: counts only


def test_a_year_2_destination_is_not_compared_with_the_intention() -> None:
    later_only = member(1, meant(Category.APPRENTICESHIP), went(Category.APPRENTICESHIP, d(2024, 10, 1)))
    result = intended_vs_actual([later_only], COHORT)
    assert result.with_both == 0
    assert result.pairs == {(Category.APPRENTICESHIP, None): 1}


# --- The analysis of three cohorts -------------------------------------------------------------


def test_longer_term_years_are_analysed_only_when_recorded() -> None:
    people = [
        member(1, went(Category.FE_COLLEGE)),
        member(2, went(Category.FE_COLLEGE), went(Category.EMPLOYMENT, d(2025, 9, 5))),
    ]
    analysis = analyse_cohort(KeyStage.KS4, COHORT, people)
    assert set(analysis.later) == {3}
    assert analysis.later[3].headline["all_work"].count == 1
    assert analysis.later[3].not_recorded.count == 1
    assert analysis.dfe_time_period == "202324"


def test_three_cohorts_newest_first_and_the_trend_oldest_first() -> None:
    cohorts = {
        2021: [member(pk, went(Category.FE_COLLEGE, d(2022, 10, 1), sustained=pk < 3)) for pk in range(6)],
        2023: [member(pk, went(Category.FE_COLLEGE, d(2024, 10, 1))) for pk in range(6)],
        2022: [],
    }
    analysis = analyse(KeyStage.KS5, cohorts)
    assert [c.year for c in analysis.cohorts] == [2023, 2022, 2021]
    assert [(year, share.count, share.of) for year, share in analysis.trend] == [
        (2021, 3, 6),
        (2022, 0, 0),
        (2023, 6, 6),
    ]
    assert analysis.cohorts[1].overall.cohort == 0
    assert analysis.cohorts[1].overall.headline["overall"].percent is None  # an empty cohort has no percentage
