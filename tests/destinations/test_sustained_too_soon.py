"""A destination cannot be recorded as sustained before its six months are over (October to March,
as the DfE counts it), by the form or by an import: found by the browser test of issue 16's "Done
means", where a December import of last summer's leavers marked as sustained showed a sustained
share (and a disadvantage gap) on the analysis page while the portfolio, rightly, said the gap was
not yet known. "Not sustained" (a place that already ended) may be recorded at once.

The dates are fixed, so the test holds whenever it runs: the learners left on 20 July 2025."""

from __future__ import annotations

import datetime as dt

import pytest

from qic.destinations import imports
from qic.destinations.entry_forms import DestinationForm
from qic.domain import destinations as rules
from qic.learners.models import Learner
from tests.conftest import Cast
from tests.destinations.entry_factories import destination, leaver, upn

pytestmark = pytest.mark.django_db
YEAR = 2024  # Year 11 in 2024/25, left on 20 July 2025
SEPTEMBER = dt.date(2025, 9, 1)
DECEMBER = dt.date(2025, 12, 4)
KNOWN = dt.date(2026, 3, 31)


def form(learner: Learner, sustained: str, today: dt.date) -> DestinationForm:
    data = {
        "kind": "actual",
        "category": "fe",
        "recorded_on_day": str(SEPTEMBER.day),
        "recorded_on_month": str(SEPTEMBER.month),
        "recorded_on_year": str(SEPTEMBER.year),
        "sustained": sustained,
        "detail": "",
    }
    return DestinationForm(data, learner=learner, today=today)


def test_the_form_refuses_sustained_before_31_march_on_the_sustained_question(cast: Cast) -> None:
    learner = leaver(cast.p1, 1, year=YEAR, left=True)
    early = form(learner, "True", DECEMBER)
    assert not early.is_valid()
    assert early.errors["sustained"] == [
        "Whether it was sustained is known only from 31 March 2026, after the six months from October: "
        "leave it as not known yet (or “no” if it has already ended)."
    ]
    assert "recorded_on" not in early.errors
    assert form(learner, "False", DECEMBER).is_valid()
    assert form(learner, "", DECEMBER).is_valid()
    assert form(learner, "True", KNOWN).is_valid()


def test_an_import_reports_a_sustained_too_soon_on_its_line_and_column(cast: Cast) -> None:
    leaver(cast.p1, 1, year=YEAR, left=True)
    leaver(cast.p1, 2, year=YEAR, left=True)
    content = (
        "UPN,destination,date,sustained\r\n"
        f"{upn(1)},FE,01/09/2025,yes\r\n"  # 2: too soon in December
        f"{upn(2)},Apprenticeship,01/09/2025,no\r\n"  # 3: ended early: known at once
    ).encode()
    early = imports.plan_import(cast.p1, content, today=DECEMBER)
    assert [(p.line, p.column) for p in early.problems] == [(2, "sustained")]
    assert "known only from 31 March 2026" in early.problems[0].reason
    assert not early.can_confirm
    later = imports.plan_import(cast.p1, content, today=KNOWN)
    assert later.problems == []
    assert [(p.line, p.sustained) for p in later.new] == [(2, True), (3, False)]


def test_bringing_a_record_up_to_date_with_sustained_waits_for_march_too(cast: Cast) -> None:
    learner = leaver(cast.p1, 1, year=YEAR, left=True)
    destination(learner, category="fe", on=SEPTEMBER, sustained=None)
    content = f"UPN,destination,date,sustained\r\n{upn(1)},FE,01/09/2025,yes\r\n".encode()
    assert [p.column for p in imports.plan_import(cast.p1, content, today=DECEMBER).problems] == ["sustained"]
    later = imports.plan_import(cast.p1, content, today=KNOWN)
    assert [u.changes for u in later.updates] == [{"sustained": True}]
    assert rules.sustained_known_on(recorded_on=SEPTEMBER, left_on=learner.left_on) == KNOWN
