"""Links for employers and parents (DOMAIN.md: employers and parents act through a link without
an account), employer size bands and variety (refreshed BM5), placement steps and checks."""

from __future__ import annotations

import datetime as dt

import pytest

from qic.domain import employers, placements
from qic.domain import partner_links as rules
from qic.domain.partner_links import LinkPurpose, LinkState

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


def state(purpose: LinkPurpose, *, days_left: float = 1, used: bool = False, revoked: bool = False) -> LinkState:
    return rules.state_of(
        purpose=purpose,
        now=NOW,
        expires=NOW + dt.timedelta(days=days_left),
        used_at=NOW if used else None,
        revoked_at=NOW if revoked else None,
    )


def test_tokens_are_long_random_and_only_their_hash_is_kept() -> None:
    tokens = {rules.new_token() for _ in range(200)}
    assert len(tokens) == 200
    token = tokens.pop()
    assert rules.looks_like_token(token)
    assert len(rules.hash_token(token)) == 64
    assert token not in rules.hash_token(token)
    assert rules.hash_token(token) == rules.hash_token(token)


@pytest.mark.parametrize("text", ["", "short", "a" * 65, "abc/def" * 5, "x" * 30 + " "])
def test_a_path_that_cannot_be_a_token_is_refused_without_a_lookup(text: str) -> None:
    assert not rules.looks_like_token(text)


def test_one_time_links_stop_once_used_and_others_last_until_they_expire() -> None:
    assert state(LinkPurpose.EMPLOYER_CONFIRMATION, used=True) is LinkState.USED
    assert state(LinkPurpose.FEEDBACK, used=True) is LinkState.USED
    assert state(LinkPurpose.PARENT, used=True) is LinkState.USABLE
    assert state(LinkPurpose.PLACEMENT_EMPLOYER, used=True) is LinkState.USABLE
    assert state(LinkPurpose.PARENT, days_left=0) is LinkState.EXPIRED
    assert state(LinkPurpose.PARENT, days_left=-1, used=True, revoked=True) is LinkState.REVOKED


def test_every_purpose_has_a_lifetime_and_a_label() -> None:
    for purpose in LinkPurpose:
        assert rules.LIFETIME_DAYS[purpose] > 0
        assert purpose.label
    assert rules.expires_at(LinkPurpose.FEEDBACK, NOW) == NOW + dt.timedelta(days=30)
    assert rules.expires_at(LinkPurpose.FEEDBACK, NOW, 3) == NOW + dt.timedelta(days=3)


@pytest.mark.parametrize(
    ("people", "band"),
    [(0, "micro"), (9, "micro"), (10, "small"), (49, "small"), (50, "medium"), (249, "medium"), (250, "large")],
)
def test_size_bands_follow_the_usual_employee_counts(people: int, band: str) -> None:
    assert employers.size_band_for(people).value == band


def test_variety_counts_each_band_and_sector_and_shows_the_gaps() -> None:
    met = [("micro", "construction", True), ("large", "health", False), ("large", "", False), ("", "health", False)]
    result = employers.variety(met)
    assert result.employers == 4
    assert result.sizes == {"micro": 1, "small": 0, "medium": 0, "large": 2}
    assert result.sectors["health"] == 2
    assert result.sectors["construction"] == 1
    assert result.sectors["digital"] == 0
    assert (result.self_employed, result.unknown_size, result.unknown_sector) == (1, 1, 1)
    assert result.size_bands_met == 2
    assert result.sectors_met == 2


def test_a_placement_moves_forward_one_step_at_a_time_and_can_be_cancelled_until_completed() -> None:
    S = placements.Status
    assert placements.may_move(S.PROPOSED, S.CHECKS)
    assert not placements.may_move(S.PROPOSED, S.APPROVED)
    assert not placements.may_move(S.CONSENT, S.IN_PROGRESS)
    assert all(placements.may_move(s, S.CANCELLED) for s in S if s not in {S.COMPLETED, S.CANCELLED})
    assert not placements.may_move(S.COMPLETED, S.CANCELLED)


def test_checks_need_a_policy_insurance_that_lasts_and_a_risk_assessment() -> None:
    end = dt.date(2026, 7, 10)
    full = placements.Checks(True, True, dt.date(2026, 12, 31), True)
    assert placements.checks_missing(full, placement_end=end) == []
    short = placements.Checks(True, True, dt.date(2026, 7, 9), True)
    assert placements.checks_missing(short, placement_end=end) == ["insurance that lasts until the placement ends"]
    none = placements.Checks(False, False, None, False)
    assert len(placements.checks_missing(none, placement_end=end)) == 3
    no_date = placements.Checks(True, True, None, True)
    assert placements.checks_missing(no_date, placement_end=end) == ["the insurance certificate's expiry date"]


def test_insurance_expiring_within_30_days_is_flagged() -> None:
    today = dt.date(2026, 3, 1)
    assert placements.insurance_expiring(dt.date(2026, 3, 31), today)
    assert placements.insurance_expiring(dt.date(2026, 2, 1), today)
    assert not placements.insurance_expiring(dt.date(2026, 4, 1), today)
    assert not placements.insurance_expiring(None, today)


def test_placement_dates_must_make_sense() -> None:
    d = dt.date(2026, 7, 6)
    assert placements.dates_problem(d, d) is None
    assert placements.dates_problem(d, d - dt.timedelta(days=1))
    assert placements.dates_problem(None, d)
    assert placements.dates_problem(d, d + dt.timedelta(days=400))
