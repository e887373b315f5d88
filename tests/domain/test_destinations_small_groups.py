"""Small groups for those who see figures and not learners (qic.domain.destinations,
`disclosive_breakdowns` and `figures_withheld`): a governor, the Awarding Body or the assessor is
shown no group of 1 to 5 learners, nor the rest of its row, which would give it away by subtraction
from the cohort's own figures (the issue 16 probe)."""

from __future__ import annotations

from typing import Any

from qic.domain import destinations as rules
from qic.domain.academic import KeyStage


def member(n: int, **flags: Any) -> rules.CohortMember:
    values: dict[str, Any] = {
        "disadvantaged": False,
        "sen_support": False,
        "ehc_plan": False,
        "looked_after": False,
        "sex": "F",
    }
    values.update(flags)
    return rules.CohortMember(learner_id=n, **values)


def hidden(members: list[rules.CohortMember]) -> frozenset[str]:
    return rules.disclosive_breakdowns(rules.analyse_cohort(KeyStage.KS4, 2024, members))


BIG = [member(n, disadvantaged=n % 2 == 0, sex="F" if n % 3 else "M") for n in range(30)]


def test_a_cohort_with_every_group_at_six_or_more_or_empty_hides_nothing() -> None:
    assert hidden(BIG) == frozenset()
    assert hidden([*BIG, *(member(100 + n, looked_after=True) for n in range(6))]) == frozenset()


def test_a_group_of_one_to_five_is_hidden() -> None:
    for size in range(1, 6):
        assert hidden([*BIG, *(member(100 + n, looked_after=True) for n in range(size))]) == {"looked_after"}


def test_a_small_others_side_is_hidden_too() -> None:
    assert hidden([member(n, disadvantaged=n > 0) for n in range(30)]) == {"disadvantaged"}


def test_a_few_learners_in_neither_side_hide_the_row() -> None:
    assert hidden([*BIG, member(99, sex="U")]) == {"sex"}


def test_a_few_on_sen_support_alone_hide_the_ehc_plan_row_not_send() -> None:
    ehc = [member(100 + n, ehc_plan=True) for n in range(8)]
    assert hidden([*BIG, *ehc]) == frozenset()
    assert hidden([*BIG, *ehc, member(99, sen_support=True)]) == {"ehc_plan"}
    support = [member(200 + n, sen_support=True) for n in range(6)]
    assert hidden([*BIG, *ehc, *support]) == frozenset()


def test_figures_are_withheld_from_a_cohort_of_one_to_five_only() -> None:
    for size, withheld in ((0, False), (1, True), (5, True), (6, False), (30, False)):
        cohort = rules.analyse_cohort(KeyStage.KS4, 2024, [member(n) for n in range(size)])
        assert rules.figures_withheld(cohort) is withheld, size
