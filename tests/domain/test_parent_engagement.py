"""The parents' engagement rules (criterion 2.2) and which activities a parent's page shows."""

from __future__ import annotations

import datetime as dt

from qic.domain import parent_engagement as rules
from qic.domain.parent_engagement import EngagementCounts

DAY = dt.date(2026, 12, 4)


def test_sent_means_mailed_or_copied_not_waiting_failed_or_bounced() -> None:
    assert [d for d in ("queued", "sent", "failed", "bounced", "not_sent") if rules.counts_as_sent(d)] == [
        "sent",
        "not_sent",
    ]


def test_percent_rounds_half_up_and_is_none_without_a_roll() -> None:
    assert rules.percent(1, 3) == 33
    assert rules.percent(2, 3) == 67
    assert rules.percent(1, 8) == 13  # 12.5
    assert rules.percent(0, 5) == 0
    assert rules.percent(3, 0) is None


def test_year_groups_add_up_consent_included() -> None:
    figures = rules.engagement_from_rows(
        2026,
        [
            (10, EngagementCounts(on_roll=3, with_contact=2, link_sent=2, opened=1, attended=1)),
            (None, EngagementCounts(on_roll=1)),
            (9, EngagementCounts(on_roll=4, with_contact=4, link_sent=1, opened=0, attended=0)),
        ],
    )
    assert list(figures.by_year_group) == [9, 10, None]
    assert (figures.total.on_roll, figures.total.with_contact, figures.total.link_sent) == (8, 6, 3)
    # Placements record consent: the figure is always there, 0 when nobody has agreed yet.
    assert figures.total.consented == 0
    assert [key for key, *_ in figures.total.rows()] == ["with_contact", "link_sent", "opened", "consented", "attended"]
    recorded = rules.engagement_from_rows(
        2026, [(10, EngagementCounts(on_roll=2, consented=1)), (10, EngagementCounts(on_roll=2, consented=1))]
    )
    assert recorded.total.consented == 2
    assert recorded.by_year_group[10].consented == 2
    assert ("consented", 2, 50) in [(key, n, share) for key, _, n, share in recorded.total.rows()]


def test_the_words_give_counts_and_shares_only() -> None:
    figures = rules.engagement_from_rows(2026, [(10, EngagementCounts(on_roll=4, with_contact=3, attended=2))])
    assert figures.words("2026/27") == (
        "Parents and carers in 2026/27, of 4 learners on roll: 3 (75%) have a parent or carer contact recorded; "
        "0 (0%) have had the careers link sent to a parent or carer; 0 (0%) have a parent or carer who opened "
        "the careers link; 0 (0%) have a parent or carer who agreed to a work-experience placement; "
        "2 (50%) have a parent or carer who came to a parents' careers event"
    )
    assert (
        rules.engagement_from_rows(2026, []).words("2026/27") == "Parents and carers in 2026/27: no learners on roll."
    )


def test_upcoming_is_from_today_on_the_register_or_for_the_year_group_this_year() -> None:
    def shown(**given: object) -> bool:
        values: dict[str, object] = {
            "today": DAY,
            "activity_date": DAY,
            "on_register": False,
            "planned_year_groups": [10],
            "learner_year_group": 10,
            "same_academic_year": True,
        }
        values.update(given)
        return rules.upcoming_for_learner(**values)  # type: ignore[arg-type]

    assert shown()
    assert not shown(activity_date=DAY - dt.timedelta(days=1))
    assert not shown(activity_date=DAY - dt.timedelta(days=1), on_register=True)
    assert not shown(planned_year_groups=[11])
    assert shown(planned_year_groups=[11], on_register=True)
    assert not shown(planned_year_groups=[], learner_year_group=10)
    assert not shown(learner_year_group=None)
    assert not shown(same_academic_year=False)  # next year's plan for "Year 10" is for the next Year 10
    assert shown(same_academic_year=False, on_register=True)
