"""Who may do what at which stage, tested from the Guide to the Standard (§4.4–4.6, §5.1) and
DOMAIN.md's roles, not from the table: one test per rule, then properties of the whole table.

The roles (DOMAIN.md): the provider's careers leader commits and prepares the evidence; the
licensed Awarding Body takes the provider through commitment, assessment, reviews and
reaccreditation, employs the assessors and issues the certificates; the assessor reviews the
evidence, listens to learners, judges every criterion, writes the summary, recommends an outcome
and does the annual reviews.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qic.domain.accreditation import (
    CLOSED_STAGES,
    MOVES,
    OPEN_STAGES,
    WORKFLOW,
    Editable,
    MoveRefused,
    Outcome,
    Stage,
    Step,
    WorkflowActor,
    allowed_moves,
    may_edit,
    may_recommend_reissue,
    may_reissue,
    move,
    reissue_refusal,
    visit_refusal,
    who_makes,
)

LEADER, BODY, ASSESSOR = WorkflowActor.CAREERS_LEADER, WorkflowActor.BODY_ADMIN, WorkflowActor.ASSESSOR
EVERYONE: list[WorkflowActor | None] = [LEADER, BODY, ASSESSOR, None]  # None: staff, governors, the Consortium
STAGES: list[Stage | None] = [None, *Stage]  # None: no open round


def steps(stage: Stage | None, actor: WorkflowActor | None, *, reaccreditation: bool = False) -> set[Step]:
    return {m.step for m in allowed_moves(stage, actor, reaccreditation=reaccreditation)}


def only(stage: Stage | None, step: Step, *, reaccreditation: bool = False) -> set[WorkflowActor | None]:
    """Everyone who may make `step` at `stage`."""
    return {a for a in EVERYONE if step in steps(stage, a, reaccreditation=reaccreditation)}


# --- §4.4.1 Public commitment -------------------------------------------------------------------


def test_the_careers_leader_asks_for_the_certificate_of_commitment() -> None:
    # The provider commits publicly and asks; nobody else starts a round for it.
    assert only(None, Step.REQUEST_COMMITMENT) == {LEADER}
    assert move(None, Step.REQUEST_COMMITMENT, LEADER) is Stage.COMMITMENT_REQUESTED


def test_the_awarding_body_grants_the_certificate_of_commitment() -> None:
    # "will receive a certificate of commitment from the Awarding Body"
    assert only(Stage.COMMITMENT_REQUESTED, Step.GRANT_COMMITMENT) == {BODY}
    with pytest.raises(MoveRefused, match="Only the body admin"):
        move(Stage.COMMITMENT_REQUESTED, Step.GRANT_COMMITMENT, LEADER)
    with pytest.raises(MoveRefused, match="Only the body admin"):
        move(Stage.COMMITMENT_REQUESTED, Step.GRANT_COMMITMENT, ASSESSOR)


def test_the_awarding_body_may_decline_and_the_leader_may_ask_again() -> None:
    # "providing that" the commitment is public and Compass is complete: if not, the body says no.
    assert only(Stage.COMMITMENT_REQUESTED, Step.DECLINE_COMMITMENT) == {BODY}
    assert move(Stage.COMMITMENT_REQUESTED, Step.DECLINE_COMMITMENT, BODY) is Stage.COMMITMENT_DECLINED
    # A declined request ends that round; asking again is a new request.
    assert Stage.COMMITMENT_DECLINED in CLOSED_STAGES
    assert allowed_moves(Stage.COMMITMENT_DECLINED, LEADER) == ()
    assert only(None, Step.REQUEST_COMMITMENT) == {LEADER}


# --- §5.1.1 Before the assessment ---------------------------------------------------------------


@pytest.mark.parametrize("stage", [Stage.COMMITMENT_REQUESTED, Stage.COMMITTED])
def test_the_leader_adds_evidence_before_it_is_submitted(stage: Stage) -> None:
    assert [a for a in EVERYONE if may_edit(stage, a, Editable.EVIDENCE)] == [LEADER]


def test_the_commentary_is_written_once_committed_and_until_submitted() -> None:
    assert [s for s in STAGES for a in EVERYONE if may_edit(s, a, Editable.COMMENTARY)] == [Stage.COMMITTED]
    assert may_edit(Stage.COMMITTED, LEADER, Editable.COMMENTARY)


@pytest.mark.parametrize("stage", [s for s in Stage if s not in (Stage.COMMITMENT_REQUESTED, Stage.COMMITTED)])
def test_submitted_evidence_is_fixed(stage: Stage) -> None:
    assert not any(may_edit(stage, a, thing) for a in EVERYONE for thing in (Editable.EVIDENCE, Editable.COMMENTARY))


def test_the_leader_submits_the_evidence() -> None:
    assert only(Stage.COMMITTED, Step.SUBMIT_PORTFOLIO) == {LEADER}
    assert move(Stage.COMMITTED, Step.SUBMIT_PORTFOLIO, LEADER) is Stage.SUBMITTED


def test_the_awarding_body_may_return_incomplete_evidence_to_the_leader() -> None:
    assert only(Stage.SUBMITTED, Step.RETURN_INCOMPLETE) == {BODY}
    assert move(Stage.SUBMITTED, Step.RETURN_INCOMPLETE, BODY) is Stage.COMMITTED
    # Once back, the leader can change and resubmit it.
    assert may_edit(Stage.COMMITTED, LEADER, Editable.EVIDENCE)
    assert Step.SUBMIT_PORTFOLIO in steps(Stage.COMMITTED, LEADER)
    # Not once an assessor is at work on it.
    assert only(Stage.ASSESSOR_ASSIGNED, Step.RETURN_INCOMPLETE) == set()


# --- The assessment (§4.4.2, §5.1.2) ------------------------------------------------------------


def test_the_awarding_body_assigns_its_assessor_and_schedules_the_visit() -> None:
    # The body employs the assessors.
    assert only(Stage.SUBMITTED, Step.ASSIGN_ASSESSOR) == {BODY}
    assert only(Stage.ASSESSOR_ASSIGNED, Step.SCHEDULE_VISIT) == {BODY}
    # Moving the date of a visit keeps the round where it is.
    assert move(Stage.VISIT_SCHEDULED, Step.SCHEDULE_VISIT, BODY) is Stage.VISIT_SCHEDULED


@pytest.mark.parametrize("thing", [Editable.JUDGMENTS, Editable.CONVERSATIONS, Editable.SUMMARY])
def test_only_the_assigned_assessor_judges_listens_and_writes_the_summary(thing: Editable) -> None:
    # Judging every criterion, learner voice and the summary are the assessor's, during the assessment.
    assert [(s, a) for s in STAGES for a in EVERYONE if may_edit(s, a, thing)] == [(Stage.VISIT_SCHEDULED, ASSESSOR)]


def test_the_assessor_recommends_and_the_awarding_body_issues() -> None:
    assert only(Stage.VISIT_SCHEDULED, Step.SUBMIT_JUDGMENTS) == {ASSESSOR}
    assert only(Stage.JUDGED, Step.ISSUE_OUTCOME) == {BODY}
    assert only(Stage.JUDGED, Step.RETURN_TO_ASSESSOR) == {BODY}
    with pytest.raises(MoveRefused, match="Only the body admin can issue outcome"):
        move(Stage.JUDGED, Step.ISSUE_OUTCOME, ASSESSOR)
    with pytest.raises(MoveRefused, match="Only the body admin can issue outcome"):
        move(Stage.JUDGED, Step.ISSUE_OUTCOME, LEADER)


@pytest.mark.parametrize("step", [Step.SUBMIT_JUDGMENTS, Step.ISSUE_OUTCOME])
def test_an_assessment_is_not_submitted_or_issued_before_its_visit(step: Step) -> None:
    visit = dt.date(2026, 11, 12)
    assert "before the visit on 12 November 2026" in visit_refusal(step, visit_on=visit, today=visit - dt.timedelta(1))
    assert visit_refusal(step, visit_on=visit, today=visit) == ""
    assert visit_refusal(step, visit_on=visit, today=visit + dt.timedelta(30)) == ""
    assert visit_refusal(Step.ASSIGN_ASSESSOR, visit_on=visit, today=visit - dt.timedelta(1)) == ""


# --- After the outcome (§4.4.2, §4.6) -------------------------------------------------------------


def test_the_assessor_records_annual_reviews_and_the_body_corrects_reports() -> None:
    assert [(s, a) for s in STAGES for a in EVERYONE if may_edit(s, a, Editable.ANNUAL_REVIEW)] == [
        (Stage.ISSUED, ASSESSOR)
    ]
    assert [(s, a) for s in STAGES for a in EVERYONE if may_edit(s, a, Editable.REPORT_CORRECTION)] == [
        (Stage.ISSUED, BODY)
    ]


@pytest.mark.parametrize(
    ("number", "outcome", "may"),
    [
        (1, Outcome.GOOD_PROGRESS, True),  # "at the first annual review of a provider assessed as making good progress"
        (2, Outcome.GOOD_PROGRESS, False),
        (1, Outcome.FULLY_MEETING, False),  # already fully meeting
        (1, None, False),  # no current award
    ],
)
def test_only_the_first_review_of_a_2a_recommends_reissue(number: int, outcome: Outcome | None, may: bool) -> None:
    assert may_recommend_reissue(review_number=number, outcome=outcome) is may


def test_the_awarding_body_reissues_a_2a_once_the_first_review_recommends_it() -> None:
    # "The Awarding Body may then reissue the Quality in Careers certification"
    def may(actor: WorkflowActor | None, outcome: Outcome | None, recommends: bool) -> bool:
        return may_reissue(Stage.ISSUED, actor, outcome=outcome, first_review_recommends=recommends)

    assert may(BODY, Outcome.GOOD_PROGRESS, True)
    assert not may(BODY, Outcome.GOOD_PROGRESS, False)
    assert not may(BODY, Outcome.FULLY_MEETING, True)
    assert not any(may(a, Outcome.GOOD_PROGRESS, True) for a in (LEADER, ASSESSOR, None))
    assert "not recommended" in reissue_refusal(outcome=Outcome.GOOD_PROGRESS, first_review_recommends=False)
    assert "Only a current 2a" in reissue_refusal(outcome=None, first_review_recommends=True)


def test_reaccreditation_starts_from_an_issued_outcome_by_the_leader_or_the_body() -> None:
    assert only(Stage.ISSUED, Step.START_REACCREDITATION) == {LEADER, BODY}
    assert {s for s in STAGES if any(Step.START_REACCREDITATION in steps(s, a) for a in EVERYONE)} == {Stage.ISSUED}


def test_a_reaccreditation_can_be_cancelled_until_its_evidence_is_submitted() -> None:
    assert only(Stage.COMMITTED, Step.CANCEL_REACCREDITATION, reaccreditation=True) == {LEADER, BODY}
    assert move(Stage.COMMITTED, Step.CANCEL_REACCREDITATION, BODY, reaccreditation=True) is None
    # A first accreditation is not cancelled this way, and a submitted one not at all.
    assert only(Stage.COMMITTED, Step.CANCEL_REACCREDITATION) == set()
    with pytest.raises(MoveRefused, match="cannot cancel reaccreditation"):
        move(Stage.SUBMITTED, Step.CANCEL_REACCREDITATION, LEADER, reaccreditation=True)


# --- The table as a whole -------------------------------------------------------------------------


def test_people_without_a_part_in_the_workflow_can_do_nothing() -> None:
    # Provider staff, governors, the Consortium and unassigned assessors only read.
    assert all(allowed_moves(s, None, reaccreditation=True) == () for s in STAGES)
    assert not any(may_edit(s, None, thing) for s in STAGES for thing in Editable)


def test_every_stage_is_reached_from_the_request_and_every_open_stage_has_a_way_on() -> None:
    reached: set[Stage | None] = set()
    frontier: list[Stage | None] = [None]
    while frontier:
        stage = frontier.pop()
        for m in WORKFLOW[stage].moves:
            if m.target not in reached:
                reached.add(m.target)
                frontier.append(m.target)
    assert set(Stage) <= reached
    for stage in OPEN_STAGES:
        assert any(m.forward for m in WORKFLOW[stage].moves), stage


def test_each_move_is_filed_under_its_own_stage_once() -> None:
    for stage, rules in WORKFLOW.items():
        assert all(m.source == stage for m in rules.moves)
        assert len({m.step for m in rules.moves}) == len(rules.moves)
    assert {m.step for m in MOVES} == set(Step)
    assert who_makes(Step.START_REACCREDITATION) == {LEADER, BODY}


@given(
    stage=st.sampled_from(STAGES),
    actor=st.sampled_from(EVERYONE),
    step=st.sampled_from(list(Step)),
    reaccreditation=st.booleans(),
)
def test_move_agrees_with_allowed_moves(
    stage: Stage | None, actor: WorkflowActor | None, step: Step, reaccreditation: bool
) -> None:
    allowed = {m.step: m.target for m in allowed_moves(stage, actor, reaccreditation=reaccreditation)}
    if step in allowed:
        assert move(stage, step, actor, reaccreditation=reaccreditation) == allowed[step]
    else:
        with pytest.raises(MoveRefused):
            move(stage, step, actor, reaccreditation=reaccreditation)
