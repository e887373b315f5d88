"""Benchmark figures from the database: the SQL tallies against the pure definition, and
hand-computed figures for a small school."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from qic.core.actors import SystemActor
from qic.domain import benchmarks as bm
from qic.domain.academic import academic_year_of
from qic.domain.activities import ALL_ELEMENTS, SUBTYPES, ActivityType
from qic.domain.upn import upn_check_letter
from qic.frameworks.models import Edition
from qic.learners import actions as learner_actions
from qic.learners.models import Learner
from qic.organisations.models import Provider
from qic.programme import actions, queries, reports, sign_in
from qic.programme.models import Activity, Adviser, Interview, Participation
from tests.conftest import Cast
from tests.factories import ProviderFactory, leader_of, make_activity, make_learner

# After 2025/26 has ended, so the 2025 figures are measured on 31 August 2026.
TODAY = dt.date(2026, 9, 30)
AREAS = ["", "Engineering", "Health and Social Care"]


def upn(n: int) -> str:
    body = f"8889008{n:05d}"
    return upn_check_letter(body) + body


# --- The SQL tallies equal the pure definition --------------------------------------------------
#
# The figures read stored tallies (`LearnerTally`) that every action keeps up to date, so the
# property test records a random programme, then changes it at random through the same actions
# (registers re-marked, activities edited, learners' curriculum areas changed, interviews moved),
# and compares the stored tallies with `summarise` over the final state.


@dataclass(frozen=True)
class PlannedActivity:
    activity_type: ActivityType
    subtype: str
    ticked: frozenset[str]  # the meaning elements recorded
    curriculum_area: str
    subject: str
    date: dt.date
    marks: tuple[bool | None, ...]  # per learner: attended, absent, or not on the register
    needs_own_reflection: bool = False
    # per learner: a reflection that stands (True), one a careers leader hid (False), or none.
    # Written once the register is first marked, by those who attended then.
    reflections: tuple[bool | None, ...] = ()


@dataclass(frozen=True)
class Change:
    """One activity as first recorded and, if it is changed later, as changed."""

    first: PlannedActivity
    then: PlannedActivity | None
    register_first: bool  # when changed: re-mark the register before editing the activity, or after


@dataclass(frozen=True)
class Plan:
    areas: tuple[str, ...]  # one per learner, as imported
    later_areas: tuple[str, ...]  # and after later edits
    activities: tuple[Change, ...]
    interviews: tuple[tuple[tuple[int, dt.date], tuple[int, dt.date] | None], ...]  # (learner index, date)


ELEMENT_FIELDS = [element.field for element in ALL_ELEMENTS]
DATES = st.dates(dt.date(2022, 1, 1), dt.date(2025, 12, 31))


@st.composite
def planned_activities(draw: st.DrawFn, learners: int) -> PlannedActivity:
    kind = draw(st.sampled_from(list(ActivityType)))
    return PlannedActivity(
        activity_type=kind,
        subtype=draw(st.sampled_from([value for value, _ in SUBTYPES[kind]])),
        # Half the time every element (so encounters often count), else any subset of them.
        ticked=frozenset(ELEMENT_FIELDS)
        if draw(st.booleans())
        else frozenset(draw(st.sets(st.sampled_from(ELEMENT_FIELDS)))),
        curriculum_area=draw(st.sampled_from(AREAS)),
        subject=draw(st.sampled_from(["", "Physics", "History"])),
        date=draw(DATES),
        marks=tuple(draw(st.lists(st.sampled_from([True, False, None]), min_size=learners, max_size=learners))),
        needs_own_reflection=draw(st.booleans()),
        reflections=tuple(draw(st.lists(st.sampled_from([True, False, None]), min_size=learners, max_size=learners))),
    )


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    count = draw(st.integers(1, 5))
    areas = tuple(draw(st.lists(st.sampled_from(AREAS), min_size=count, max_size=count)))
    later_areas = tuple(draw(st.sampled_from([area, *AREAS])) for area in areas)
    activities = []
    for _ in range(draw(st.integers(0, 6))):
        first = draw(planned_activities(count))
        then = draw(st.none() | planned_activities(count))
        if then is not None and draw(st.booleans()):
            then = replace(then, marks=first.marks)  # the activity is edited; the register stays
        activities.append(Change(first=first, then=then, register_first=draw(st.booleans())))
    interview = st.tuples(st.integers(0, count - 1), DATES)
    interviews = tuple(draw(st.lists(st.tuples(interview, st.none() | interview), max_size=4)))
    return Plan(areas, later_areas, tuple(activities), interviews)


def _mark(activity: Activity, learners: list[Learner], marks: tuple[bool | None, ...], *, replace: bool) -> None:
    actions.record_participation(
        activity=activity,
        attended=[learner.pk for learner, mark in zip(learners, marks, strict=True) if mark is True],
        absent=[learner.pk for learner, mark in zip(learners, marks, strict=True) if mark is False],
        actor=SystemActor("tests"),
        replace=replace,
    )


def _edit(activity: Activity, planned: PlannedActivity) -> None:
    activity.activity_type = planned.activity_type.value
    activity.subtype = planned.subtype
    for field in ELEMENT_FIELDS:
        setattr(activity, field, field in planned.ticked)
    activity.curriculum_area = planned.curriculum_area
    activity.subject = planned.subject
    activity.date = planned.date
    activity.needs_own_reflection = planned.needs_own_reflection
    actions.save_activity(activity=activity, criteria=None, actor=SystemActor("tests"))


def _reflect(activity: Activity, learners: list[Learner], planned: PlannedActivity) -> None:
    """Those who attended write their reflections; a careers leader hides some."""
    for learner, mark, reflection in zip(learners, planned.marks, planned.reflections, strict=True):
        if mark is not True or reflection is None:
            continue
        written = sign_in.save_reflection(
            activity=activity,
            learner=learner,
            learnt="A lot",
            next_step="Apply",
            rating=4,
            actor=leader_of(learner.provider),
        )
        if reflection is False:
            sign_in.hide_reflection(reflection=written, reason="Safeguarding", actor=SystemActor("tests"))


def reflected(change: Change, index: int) -> bool:
    """Whether learner `index` has a standing reflection on the activity (written when it was first
    marked, by those who attended then)."""
    first = change.first
    return first.marks[index] is True and first.reflections[index] is True


@dataclass
class Recorded:
    learners: list[Learner]
    activities: list[tuple[Activity, Change]]
    interviews: list[Interview]


def record_first(provider: Provider, plan: Plan) -> Recorded:
    """Import the learners and record the activities, registers and interviews."""
    learners = [
        make_learner(provider, upn=upn(n), forename=f"L{n}", surname="Hypo", curriculum_area=area)
        for n, area in enumerate(plan.areas)
    ]
    adviser = Adviser.objects.create(provider=provider, name="Ada Adviser", qualification_level=6)
    activities: list[tuple[Activity, Change]] = []
    for n, change in enumerate(plan.activities):
        first = change.first
        activity = make_activity(
            provider,
            title=f"Activity {n}",
            activity_type=first.activity_type.value,
            subtype=first.subtype,
            **{field: field in first.ticked for field in ELEMENT_FIELDS},
            curriculum_area=first.curriculum_area,
            subject=first.subject,
            date=first.date,
            needs_own_reflection=first.needs_own_reflection,
        )
        _mark(activity, learners, first.marks, replace=False)
        _reflect(activity, learners, first)
        activities.append((activity, change))
    interviews = [
        actions.save_interview(
            interview=Interview(
                provider=provider,
                learner=learners[index],
                adviser=adviser,
                date=day,
                duration_minutes=45,
                summary="Plans",
            ),
            actor=leader_of(provider),
        )
        for (index, day), _later in plan.interviews
    ]
    return Recorded(learners, activities, interviews)


def change_later(recorded: Recorded, plan: Plan) -> None:
    """Re-mark registers, edit activities, move interviews, then change curriculum areas."""
    learners = recorded.learners
    for activity, change in recorded.activities:
        if change.then is None:
            continue
        if change.register_first:
            _mark(activity, learners, change.then.marks, replace=True)
            _edit(activity, change.then)
        else:
            _edit(activity, change.then)
            _mark(activity, learners, change.then.marks, replace=True)
    for interview, (_first, later) in zip(recorded.interviews, plan.interviews, strict=True):
        if later is not None:
            interview.learner, interview.date = learners[later[0]], later[1]
            actions.save_interview(interview=interview, actor=leader_of(interview.provider))
    for learner, area in zip(learners, plan.later_areas, strict=True):
        learner_actions.update_learner(
            learner=learner, changes={"curriculum_area": area}, actor=leader_of(learner.provider)
        )


def participations(recorded: Recorded, plan: Plan, *, changed: bool) -> list[bm.Participation]:
    """Every attended participation and interview, worked out from the plan rather than from the
    database's tallies, as domain data (categories from each activity as saved)."""
    dated: list[bm.Participation] = []
    for activity, change in recorded.activities:
        state = (change.then or change.first) if changed else change.first
        activity.refresh_from_db()
        categories = frozenset(bm.Category(c) for c in activity.categories)
        dated += [
            bm.Participation(
                learner.pk,
                state.date,
                categories,
                state.curriculum_area,
                needs_own_reflection=state.needs_own_reflection,
                reflected=reflected(change, index),
            )
            for index, (learner, mark) in enumerate(zip(recorded.learners, state.marks, strict=True))
            if mark is True
        ]
    for first, later in plan.interviews:
        index, day = (later or first) if changed else first
        dated.append(bm.Participation(recorded.learners[index].pk, day, frozenset({bm.Category.INTERVIEW})))
    for learner in recorded.learners:
        learner.refresh_from_db()
    return dated


def definition(learners: list[Learner], dated: list[bm.Participation], up_to: int) -> dict[int, bm.Evidence]:
    """`summarise` over the participations up to the year. A learner whose only participations
    were in activities that count for nothing has no evidence at all (the query leaves them out;
    summarise gives them an empty mapping, which means the same)."""
    domain = [queries.as_domain(learner, up_to) for learner in learners]
    kept = [p for p in dated if academic_year_of(p.on) <= up_to]
    return {who: tallies for who, tallies in bm.summarise(kept, domain).items() if tallies}


def another_providers_evidence() -> None:
    """Evidence at a second provider, which must never show in the first one's tallies."""
    other = ProviderFactory(name="Elsewhere School")
    learner = make_learner(other, upn=upn(900), curriculum_area="Engineering")
    activity = make_activity(other, title="Elsewhere talk", curriculum_area="Engineering")
    actions.record_participation(activity=activity, attended=[learner.pk], absent=[], actor=SystemActor("tests"))
    adviser = Adviser.objects.create(provider=other, name="Elsewhere Adviser")
    actions.save_interview(
        interview=Interview(
            provider=other, learner=learner, adviser=adviser, date=dt.date(2024, 5, 5), duration_minutes=50, summary="."
        ),
        actor=leader_of(activity.provider),
    )


def check(provider: Provider, recorded: Recorded, dated: list[bm.Participation], up_to: int) -> None:
    learners = recorded.learners
    assert queries.evidence_up_to(provider, 2025) == definition(learners, dated, 2025)
    assert queries.evidence_up_to(provider, up_to) == definition(learners, dated, up_to)
    first = learners[0].pk
    expected_first = definition(learners, dated, 2025).get(first)
    assert queries.evidence_up_to(provider, 2025, learner_id=first) == (
        {first: expected_first} if expected_first else {}
    )


@pytest.mark.django_db
@settings(max_examples=25, deadline=None)
@given(plan=plans(), up_to=st.integers(2021, 2025))
def test_the_sql_tallies_equal_the_pure_definition(plan: Plan, up_to: int) -> None:
    with transaction.atomic():
        provider = ProviderFactory(name="Hypothesis Academy")
        another_providers_evidence()
        recorded = record_first(provider, plan)
        for learner in recorded.learners:
            learner.refresh_from_db()
        check(provider, recorded, participations(recorded, plan, changed=False), up_to)
        change_later(recorded, plan)
        check(provider, recorded, participations(recorded, plan, changed=True), up_to)
        transaction.set_rollback(True)  # each example starts from an empty provider


def test_in_area_counts_only_the_learners_own_curriculum_area(db: None) -> None:
    """One worked example of the college tally: two encounters, one in the learner's own area."""
    provider = ProviderFactory(name="Area College", provider_type="fe_college")
    learner = make_learner(provider, upn=upn(1), curriculum_area="Engineering")
    for title, area in (("Engineering employer", "Engineering"), ("Health employer", "Health and Social Care")):
        activity = make_activity(provider, title=title, curriculum_area=area)
        actions.record_participation(activity=activity, attended=[learner.pk], absent=[], actor=SystemActor("tests"))
    assert queries.evidence_up_to(provider, 2025) == {learner.pk: {(bm.Category.EMPLOYER, 2025): bm.Tally(2, 1)}}


# --- A small school, by hand ----------------------------------------------------------------------


@pytest.fixture
def year9_2024(cast: Cast) -> list[Learner]:
    """Three pupils in Year 9 in 2024/25, the last year on the 2018 definitions."""
    return [
        make_learner(
            cast.p1,
            upn=upn(1),
            forename="Amy",
            surname="Archer",
            date_of_birth=dt.date(2010, 10, 1),
            year_group_recorded_in=2024,
        ),
        make_learner(
            cast.p1,
            upn=upn(2),
            forename="Ben",
            surname="Baker",
            date_of_birth=dt.date(2011, 1, 15),
            year_group_recorded_in=2024,
        ),
        make_learner(
            cast.p1,
            upn=upn(3),
            forename="Cal",
            surname="Cooper",
            date_of_birth=dt.date(2011, 5, 20),
            year_group_recorded_in=2024,
        ),
    ]


@pytest.fixture
def year9(cast: Cast) -> list[Learner]:
    """Three pupils in Year 9 in 2025/26 (aged 13 on 31 August 2025, 14 by the end of the year)."""
    return [
        make_learner(cast.p1, upn=upn(1), forename="Amy", surname="Archer", date_of_birth=dt.date(2011, 10, 1)),
        make_learner(cast.p1, upn=upn(2), forename="Ben", surname="Baker", date_of_birth=dt.date(2012, 1, 15)),
        make_learner(cast.p1, upn=upn(3), forename="Cal", surname="Cooper", date_of_birth=dt.date(2012, 5, 20)),
    ]


def attend(activity: Activity, *learners: Learner) -> None:
    actions.record_participation(
        activity=activity, attended=[x.pk for x in learners], absent=[], actor=SystemActor("tests")
    )


def counts(figures: bm.ProviderFigures, code: str) -> tuple[int, int]:
    total = figures.measure(code).total
    return total.eligible, total.met


def test_figures_for_a_small_school(cast: Cast, edition: Edition, year9_2024: list[Learner]) -> None:
    """2024/25, on the 2018 definitions (the refreshed ones are tested in test_figures_2025)."""
    amy, ben, cal = year9_2024
    lmi = make_activity(
        cast.p1,
        title="LMI lesson",
        activity_type="careers_information",
        subtype="lmi_lesson",
        date=dt.date(2024, 11, 5),
    )
    attend(lmi, amy, ben)
    talk = make_activity(cast.p1, title="Employer talk", date=dt.date(2024, 11, 5))
    attend(talk, amy)
    actions.record_participation(activity=talk, attended=[], absent=[cal.pk], actor=SystemActor("tests"))
    adviser = Adviser.objects.create(provider=cast.p1, name="Ada Adviser", qualification_level=6)
    actions.save_interview(
        interview=Interview(
            provider=cast.p1,
            learner=ben,
            adviser=adviser,
            date=dt.date(2025, 3, 2),
            duration_minutes=45,
            summary="Options",
        ),
        actor=cast.p1_leader,
    )

    figures = queries.figures_for(cast.p1, 2024, today=TODAY, edition=edition)
    assert figures.rule_set.code == "gatsby-2018"
    assert figures.measure_date == dt.date(2025, 8, 31)
    assert figures.phase == bm.Phase.SCHOOL
    assert counts(figures, "BM2") == (3, 2)
    assert counts(figures, "BM4") == (3, 0)
    assert counts(figures, "BM5") == (3, 1)
    assert counts(figures, "BM8-KS3") == (3, 1)
    for code in ("BM6-16", "BM6-18", "BM7-16", "BM7-18", "BM8-KS4", "BM8-16-18"):
        assert counts(figures, code) == (0, 0), code
    assert figures.measure("BM2").not_met == (cal.pk,)
    assert sorted(figures.measure("BM5").not_met) == [ben.pk, cal.pk]
    assert {y: (c.eligible, c.met) for y, c in figures.measure("BM2").by_year_group.items()} == {9: (3, 2)}
    assert {s: (c.eligible, c.met) for s, c in figures.measure("BM2").by_key_stage.items()} == {bm.KeyStage.KS3: (3, 2)}

    percents = {b.benchmark: b.percent for b in figures.benchmarks}
    assert percents == {
        1: 0.0,  # three programme indicators, none answered
        2: pytest.approx(200 / 3),
        3: 0.0,
        4: 0.0,
        5: pytest.approx(100 / 3),
        6: None,
        7: None,
        8: pytest.approx(100 / 3),
    }
    assert figures.fully_achieved_count == 0
    assert (figures.benchmark(1).answered, figures.benchmark(1).indicators) == (0, 3)


def test_a_programme_answer_changes_bm1(cast: Cast, edition: Edition, year9: list[Learner]) -> None:
    assert queries.figures_for(cast.p1, 2025, today=TODAY, edition=edition).benchmark(1).percent == 0.0
    actions.answer_programme_question(
        provider_id=cast.p1.pk,
        year=2025,
        benchmark=1,
        indicator=0,
        achieved=True,
        evidence_url="https://alpha.example.org/careers",
        note="",
        actor=cast.p1_leader,
    )
    figures = queries.figures_for(cast.p1, 2025, today=TODAY, edition=edition)
    assert figures.benchmark(1).percent == pytest.approx(100 / 3)
    assert (figures.benchmark(1).answered, figures.benchmark(1).indicators) == (1, 3)
    assert figures.benchmark(3).percent == 0.0
    # Another year's answers do not count.
    assert queries.figures_for(cast.p1, 2024, today=TODAY, edition=edition).benchmark(1).percent == 0.0

    for indicator in (1, 2):
        actions.answer_programme_question(
            provider_id=cast.p1.pk,
            year=2025,
            benchmark=1,
            indicator=indicator,
            achieved=True,
            evidence_url="https://alpha.example.org/careers",
            note="",
            actor=cast.p1_leader,
        )
    figures = queries.figures_for(cast.p1, 2025, today=TODAY, edition=edition)
    assert figures.benchmark(1).percent == 100.0
    assert figures.benchmark(1).fully_achieved
    assert figures.fully_achieved_count == 1


def test_without_an_edition_the_programme_benchmarks_have_nothing_to_measure(cast: Cast, year9: list[Learner]) -> None:
    figures = queries.figures_for(cast.p1, 2025, today=TODAY, edition=None)
    assert (figures.benchmark(1).percent, figures.benchmark(3).percent) == (None, None)


def test_the_previous_year_is_measured_on_its_own(cast: Cast, edition: Edition, year9_2024: list[Learner]) -> None:
    """Two years on the same (2018) definitions: 2023/24 and 2024/25."""
    amy, ben, cal = year9_2024
    # 2023/24, when they were in Year 8: everyone met an employer and Amy had careers information.
    last_year_talk = make_activity(cast.p1, title="Last year's talk", date=dt.date(2024, 2, 4))
    attend(last_year_talk, amy, ben, cal)
    last_year_lmi = make_activity(
        cast.p1,
        title="Platform",
        activity_type="careers_information",
        subtype="careers_platform",
        date=dt.date(2024, 3, 1),
    )
    attend(last_year_lmi, amy)
    # 2024/25: only Amy met an employer.
    attend(make_activity(cast.p1, title="This year's talk", date=dt.date(2024, 11, 5)), amy)

    previous = queries.figures_for(cast.p1, 2023, today=TODAY, edition=edition)
    current = queries.figures_for(cast.p1, 2024, today=TODAY, edition=edition)
    assert counts(previous, "BM5") == (3, 3)
    assert counts(current, "BM5") == (3, 1)  # this year's encounters only
    assert {y: (c.eligible, c.met) for y, c in previous.measure("BM5").by_year_group.items()} == {8: (3, 3)}
    assert counts(previous, "BM2") == (0, 0)  # nobody was 14 by the end of 2023/24
    assert counts(current, "BM2") == (3, 1)  # information from any earlier year counts "by 14"

    context = reports.dashboard(cast.p1, current, previous, edition)
    bm5 = context["benchmarks"][4]
    assert (bm5["number"], bm5["text"], bm5["previous_text"]) == (5, "33%", "100%")
    assert bm5["change"] == pytest.approx(100 / 3 - 100)
    assert context["fully_change"] == -1  # BM5 was fully achieved last year, not this year
    assert context["previous_label"] == "2023/24"


def test_evidence_after_the_year_does_not_count_for_it(cast: Cast, year9: list[Learner]) -> None:
    amy = year9[0]
    attend(make_activity(cast.p1, title="Next year's talk", date=dt.date(2026, 10, 5)), amy)
    assert counts(queries.figures_for(cast.p1, 2025, today=TODAY, edition=None), "BM5") == (3, 0)
    # Counted in 2026/27 from the day of the talk (before it, it had not happened yet).
    assert counts(queries.figures_for(cast.p1, 2026, today=dt.date(2026, 10, 5), edition=None), "BM5") == (3, 1)


def test_a_learner_who_left_mid_year_is_not_counted_for_that_year(cast: Cast, year9: list[Learner]) -> None:
    dan = make_learner(
        cast.p1,
        upn=upn(4),
        forename="Dan",
        surname="Dyer",
        date_of_birth=dt.date(2011, 11, 11),
        left_on=dt.date(2026, 2, 1),
    )
    attend(make_activity(cast.p1, title="Autumn talk", date=dt.date(2025, 10, 1)), dan)
    attend(make_activity(cast.p1, title="Spring talk", date=dt.date(2025, 3, 1)), dan, *year9)
    current = queries.figures_for(cast.p1, 2025, today=TODAY, edition=None)
    assert counts(current, "BM5") == (3, 0)
    assert dan.pk not in current.measure("BM5").not_met
    previous = queries.figures_for(cast.p1, 2024, today=TODAY, edition=None)
    assert counts(previous, "BM5") == (4, 4)


def test_a_learner_who_joined_mid_year_is_counted(cast: Cast, year9: list[Learner]) -> None:
    eve = make_learner(
        cast.p1,
        upn=upn(5),
        forename="Eve",
        surname="Evans",
        date_of_birth=dt.date(2011, 12, 12),
        joined_on=dt.date(2026, 1, 6),
    )
    attend(make_activity(cast.p1, title="Spring talk", date=dt.date(2026, 3, 1)), eve)
    assert counts(queries.figures_for(cast.p1, 2025, today=TODAY, edition=None), "BM5") == (4, 1)
    assert counts(queries.figures_for(cast.p1, 2024, today=TODAY, edition=None), "BM5") == (3, 0)


def test_during_the_year_the_figures_are_measured_today(cast: Cast, year9: list[Learner]) -> None:
    leaving = make_learner(
        cast.p1,
        upn=upn(6),
        forename="Fay",
        surname="Fisher",
        date_of_birth=dt.date(2012, 2, 2),
        left_on=dt.date(2026, 3, 31),
    )
    spring = queries.figures_for(cast.p1, 2025, today=dt.date(2026, 2, 1), edition=None)
    assert spring.measure_date == dt.date(2026, 2, 1)
    assert counts(spring, "BM5") == (4, 0)  # Fay is still on roll in February
    summer = queries.figures_for(cast.p1, 2025, today=dt.date(2026, 6, 1), edition=None)
    assert counts(summer, "BM5") == (3, 0)
    assert leaving.pk not in summer.measure("BM5").not_met


def test_only_attended_meaningful_activities_count(cast: Cast, year9: list[Learner]) -> None:
    amy, ben, cal = year9
    not_meaningful = make_activity(cast.p1, title="Assembly talk", two_way=False)
    attend(not_meaningful, amy)
    meaningful = make_activity(cast.p1, title="Mentoring", subtype="mentoring")
    attend(meaningful, ben)
    actions.record_participation(activity=meaningful, attended=[], absent=[cal.pk], actor=SystemActor("tests"))
    figures = queries.figures_for(cast.p1, 2025, today=TODAY, edition=None)
    assert counts(figures, "BM5") == (3, 1)
    assert sorted(figures.measure("BM5").not_met) == [amy.pk, cal.pk]  # in the order the database gave
    assert Participation.objects.filter(learner=cal, attended=False).count() == 1


def test_the_dashboard_shows_the_hand_computed_figures(
    client: Client, cast: Cast, edition: Edition, year9: list[Learner]
) -> None:
    amy, ben, _cal = year9
    attend(make_activity(cast.p1, title="LMI", activity_type="careers_information", subtype="lmi_lesson"), amy, ben)
    client.force_login(cast.p1_leader)
    page = client.get(f"/providers/{cast.p1.urn}/benchmarks/?year=2025").content.decode()
    # 2025/26 is on the refreshed definitions: BM2 is measured per key stage.
    assert (
        f'<a class="govuk-link" href="/providers/{cast.p1.urn}/benchmarks/BM2-KS3/?year=2025">BM2-KS3</a>: 2 of 3'
        in page
    )
    assert f'<a class="govuk-link" href="/providers/{cast.p1.urn}/benchmarks/BM5/?year=2025">BM5</a>: 0 of 3' in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric qic-cell--mid">67%</td>' in page
