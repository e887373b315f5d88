"""Every measure a learner can be measured on has their words: met and not yet met, short, plain,
in the second person; and every kind of activity has a plain name."""

from __future__ import annotations

import pytest

from qic.domain.activities import ActivityType
from qic.domain.benchmarks import Phase, RuleSet
from qic.domain.learner_wording import ACTIVITY_WORDS, MEASURE_SENTENCES, sentence_for
from qic.domain.rulesets import RuleOptions, gatsby_2025, rule_sets

# Every rule set with every setting that changes its measures ("multiple experiences by 16").
ALL_RULE_SETS: list[RuleSet] = [
    *rule_sets(),
    *rule_sets(RuleOptions(workplace_experiences_by_16=1)),
    gatsby_2025.build(workplace_experiences_by_16=3),
]
CASES = [(rs, phase, m) for rs in ALL_RULE_SETS for phase in Phase for m in rs.measures_for(phase)]


@pytest.mark.parametrize(
    ("rule_set", "phase", "measure"), CASES, ids=[f"{rs.code}-{p.value}-{m.code}" for rs, p, m in CASES]
)
def test_every_measure_of_every_phase_has_words_for_the_learner(
    rule_set: RuleSet, phase: Phase, measure: object
) -> None:
    for met in (True, False):
        sentence = sentence_for(rule_set, measure, met=met)  # type: ignore[arg-type]
        assert sentence.startswith(("You ", "Your ")), sentence
        assert sentence.endswith("."), sentence
        # Short sentences for ages 11 to 18: no sentence of more than 20 words.
        for part in sentence.split(". "):
            assert len(part.split()) <= 20, part


def test_no_words_are_kept_for_a_measure_that_no_longer_exists() -> None:
    live = {(rs.code, m.phase, m.code) for rs, _, m in CASES}
    assert set(MEASURE_SENTENCES) == live


def test_not_yet_says_what_is_still_needed_and_met_says_it_is_done() -> None:
    for words in MEASURE_SENTENCES.values():
        assert words.met != words.not_yet
        assert words.met.startswith(("You have", "Your "))
        assert words.not_yet.startswith(("You still need", "You can ask"))


def test_every_kind_of_activity_has_a_plain_name() -> None:
    assert set(ACTIVITY_WORDS) == set(ActivityType)
