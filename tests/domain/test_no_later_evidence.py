"""No measure of a year reads evidence of a later year.

The dashboard reads a finished year's evidence once and measures the year before from it too
(`queries.dashboard_figures`): that is right only if every measure of every rule set ignores
evidence dated in a later year. Checked here for every measure, from random learners and evidence.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from qic.domain.benchmarks import Category, Evidence, Group, Learner, Phase, Tally
from qic.domain.rulesets import rule_sets

YEARS = range(2021, 2028)

learners = st.builds(
    Learner,
    id=st.just(1),
    date_of_birth=st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2016, 12, 31)),
    year_group=st.none() | st.integers(min_value=7, max_value=13),
    groups=st.frozensets(st.sampled_from(list(Group)), max_size=3),
    considering_higher_education=st.booleans(),
    curriculum_area=st.sampled_from(["", "Construction", "Health"]),
    programme_end_year=st.none() | st.sampled_from(list(YEARS)),
)
evidence = st.dictionaries(
    st.tuples(st.sampled_from(list(Category)), st.sampled_from(list(YEARS))),
    st.builds(Tally, st.integers(min_value=1, max_value=3), st.integers(min_value=0, max_value=1)),
    max_size=25,
)


@given(learner=learners, found=evidence, year=st.sampled_from(list(YEARS)), bm6=st.integers(min_value=1, max_value=3))
@settings(max_examples=400)
def test_a_measure_of_a_year_ignores_evidence_of_later_years(
    learner: Learner, found: dict[tuple[Category, int], Tally], year: int, bm6: int
) -> None:
    from qic.domain.rulesets import RuleOptions

    up_to: Evidence = {key: tally for key, tally in found.items() if key[1] <= year}
    for rule_set in rule_sets(RuleOptions(workplace_experiences_by_16=bm6)):
        for phase in Phase:
            for measure in rule_set.measures_for(phase):
                assert measure.met(learner, found, year) == measure.met(learner, up_to, year), (
                    rule_set.code,
                    phase,
                    measure.code,
                )
