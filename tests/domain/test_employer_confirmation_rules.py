"""What an employer's answers mean for the activity (qic.domain.employer_confirmation): the
employer's word only adds elements, and an activity that did not take place gains nothing."""

from __future__ import annotations

from qic.domain import employer_confirmation as rules
from qic.domain.activities import ActivityType


def test_each_answer_confirms_its_own_element() -> None:
    assert rules.elements_confirmed(rules.Answers(took_place=True, purpose="p")) == {"shared_purpose"}
    assert rules.elements_confirmed(rules.Answers(took_place=True, purpose="p", task="t", feedback="f")) == {
        "shared_purpose",
        "employer_task",
        "employer_feedback",
    }
    assert rules.elements_confirmed(rules.Answers(took_place=True, purpose="p", feedback="f")) == {
        "shared_purpose",
        "employer_feedback",
    }


def test_an_activity_that_did_not_take_place_confirms_nothing() -> None:
    answers = rules.Answers(took_place=False, not_held_reason="Snow", purpose="p", task="t", feedback="f")
    assert rules.elements_confirmed(answers) == frozenset()


def test_what_must_be_said() -> None:
    assert rules.problems(rules.Answers(took_place=True, purpose="p")) == {}
    assert set(rules.problems(rules.Answers(took_place=True))) == {"purpose"}
    assert set(rules.problems(rules.Answers(took_place=False))) == {"not_held_reason"}
    assert rules.problems(rules.Answers(took_place=False, not_held_reason="Snow")) == {}
    long = "x" * (rules.MAX_ANSWER + 1)
    assert set(rules.problems(rules.Answers(took_place=True, purpose="p", feedback=long))) == {"feedback"}


def test_employer_facing_types_and_the_portfolio_line() -> None:
    assert {ActivityType.EMPLOYER_ENCOUNTER, ActivityType.WORKPLACE_EXPERIENCE} == rules.EMPLOYER_FACING
    assert rules.confirmed_words(1, 1, "2025/26") == "1 of 1 employer activity in 2025/26 confirmed by the employer"
    assert rules.confirmed_words(2, 5, "2025/26") == "2 of 5 employer activities in 2025/26 confirmed by the employer"
