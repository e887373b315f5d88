"""The workflow table in use: the actions refuse a wrong actor (they could not before: every
caller passed a fixed one), the pages agree with `allowed_moves` for every stage, person and
step, and the moves that came with issue 13 (decline a commitment request, return incomplete
evidence, confirm and cancel a reaccreditation, no assessment before its visit)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from qic.accreditation import actions
from qic.accreditation.access import workflow_actor
from qic.accreditation.actions import StaleVersion, StepRefused
from qic.accreditation.models import Accreditation, Award, EvidenceDocument
from qic.core.models import AuditEvent
from qic.domain.accreditation import Stage, Step, WorkflowActor, allowed_moves
from qic.organisations.models import User
from tests.conftest import Cast
from tests.factories import REQUIRED_KINDS, make_round, pdf_upload

pytestmark = pytest.mark.usefixtures("edition")

TODAY = timezone.localdate()
STALE = StaleVersion.message


def round_url(accreditation: Accreditation) -> str:
    return f"/providers/{accreditation.provider.urn}/accreditation/{accreditation.pk}/"


def step_url(accreditation: Accreditation, step: Step) -> str:
    return round_url(accreditation) + f"steps/{step.value}/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def add_required_evidence(accreditation: Accreditation, actor: User) -> None:
    for kind in REQUIRED_KINDS:
        actions.upload_evidence(
            accreditation=accreditation, upload=pdf_upload(), kind=kind, title="", criterion=None, actor=actor
        )


def judge_everything(accreditation: Accreditation, assessor: User) -> None:
    actions.save_judgments(
        accreditation=accreditation,
        judgments={r.pk: ("good_progress", "Seen.") for r in accreditation.criterion_records.all()},
        version=None,
        actor=assessor,
    )
    actions.save_summary(
        accreditation=accreditation,
        key_principles_met=True,
        strengths="Strong.",
        areas_for_development="More.",
        recommendations="Plan.",
        version=None,
        actor=assessor,
    )


# --- Who a person is to a round -------------------------------------------------------------------


def test_the_actor_comes_from_the_persons_role_and_the_rounds_assessor(cast: Cast) -> None:
    accreditation = make_round(cast, "scheduled")
    assert workflow_actor(cast.p1_leader, accreditation) is WorkflowActor.CAREERS_LEADER
    assert workflow_actor(cast.ab1_admin, accreditation) is WorkflowActor.BODY_ADMIN
    assert workflow_actor(cast.assessor_assigned, accreditation) is WorkflowActor.ASSESSOR
    for nobody in (cast.assessor_unassigned, cast.p1_staff, cast.p1_governor, cast.consortium, cast.ab2_admin):
        assert workflow_actor(nobody, accreditation) is None
    assert workflow_actor(cast.p2_leader, accreditation) is None  # another provider's leader
    cast.p1_leader.is_active = False
    assert workflow_actor(cast.p1_leader, accreditation) is None


# --- The actions refuse a wrong actor ---------------------------------------------------------------


def test_an_assessor_cannot_grant_commitment(cast: Cast) -> None:
    accreditation = make_round(cast, "requested")
    with pytest.raises(StepRefused, match="Only the body admin can grant commitment"):
        actions.grant_commitment(accreditation=accreditation, version=None, today=TODAY, actor=cast.assessor_assigned)
    accreditation.refresh_from_db()
    assert accreditation.stage == Stage.COMMITMENT_REQUESTED
    assert not accreditation.issued_documents.exists()


def test_a_careers_leader_cannot_issue_the_outcome(cast: Cast) -> None:
    accreditation = make_round(cast, "judged")
    with pytest.raises(StepRefused, match="Only the body admin can issue outcome"):
        actions.issue_outcome(accreditation=accreditation, version=None, today=TODAY, actor=cast.p1_leader)
    accreditation.refresh_from_db()
    assert accreditation.stage == Stage.JUDGED
    assert not Award.objects.exists()


def test_another_bodys_admin_cannot_make_this_bodys_moves(cast: Cast) -> None:
    accreditation = make_round(cast, "submitted")
    with pytest.raises(StepRefused, match="Only the body admin"):
        actions.assign_assessor(
            accreditation=accreditation, assessor=cast.assessor_assigned, version=None, actor=cast.ab2_admin
        )


def test_the_body_cannot_submit_the_providers_evidence(cast: Cast) -> None:
    accreditation = make_round(cast, "committed")
    add_required_evidence(accreditation, cast.p1_leader)
    with pytest.raises(StepRefused, match="Only the careers leader can submit portfolio"):
        actions.submit_portfolio(accreditation=accreditation, version=None, actor=cast.ab1_admin)


@pytest.mark.parametrize("who", ["p1_leader", "ab1_admin", "assessor_unassigned"])
def test_only_the_assigned_assessor_judges(cast: Cast, who: str) -> None:
    accreditation = make_round(cast, "scheduled")
    record = accreditation.criterion_records.first()
    assert record is not None
    with pytest.raises(StepRefused, match="does not include changing the judgments"):
        actions.save_judgments(
            accreditation=accreditation,
            judgments={record.pk: ("fully_meeting", "Seen.")},
            version=None,
            actor=getattr(cast, who),
        )
    with pytest.raises(StepRefused, match="Only the assessor can submit judgments"):
        actions.submit_judgments(accreditation=accreditation, version=None, actor=getattr(cast, who))


def test_a_governor_cannot_add_evidence_and_staff_cannot_request_commitment(cast: Cast) -> None:
    accreditation = make_round(cast, "committed")
    with pytest.raises(StepRefused, match="does not include changing the evidence"):
        actions.upload_evidence(
            accreditation=accreditation,
            upload=pdf_upload(),
            kind="inspection",
            title="",
            criterion=None,
            actor=cast.p1_governor,
        )
    with pytest.raises(StepRefused, match="Only the careers leader can request commitment"):
        actions.request_commitment(
            provider=cast.p2,
            commitment_url="https://example.org/c",
            compass_tool="compass",
            compass_completed_on=TODAY,
            compass_report=pdf_upload(),
            actor=cast.p1_staff,
        )


def test_the_body_admin_cannot_record_an_annual_review(cast: Cast) -> None:
    accreditation = make_round(cast, "issued")
    with pytest.raises(StepRefused, match="does not include changing the annual review"):
        actions.record_review(
            review=accreditation.reviews.get(number=1),
            held_on=TODAY,
            progress="Good.",
            recommend_reissue=False,
            actor=cast.ab1_admin,
        )


# --- The pages agree with the table -----------------------------------------------------------------

# Every step the round page offers, with data that would make it if it were allowed.
STEP_DATA = {
    Step.GRANT_COMMITMENT: {},
    Step.DECLINE_COMMITMENT: {"reason": "The commitment is not on the website."},
    Step.SUBMIT_PORTFOLIO: {},
    Step.RETURN_INCOMPLETE: {"reason": "The destinations data is for one year only."},
    Step.ASSIGN_ASSESSOR: {"assessor": "assessor"},
    Step.SCHEDULE_VISIT: {"visit_on": (TODAY + dt.timedelta(days=7)).isoformat()},
    Step.SUBMIT_JUDGMENTS: {},
    Step.RETURN_TO_ASSESSOR: {"reason": "Look at 6.2 again."},
    Step.ISSUE_OUTCOME: {},
    Step.CANCEL_REACCREDITATION: {},
    Step.START_REACCREDITATION: {},
}
PEOPLE = ["p1_leader", "ab1_admin", "assessor_assigned", "assessor_unassigned", "p1_governor", "ab2_admin"]
UNTIL = ["requested", "committed", "submitted", "assigned", "scheduled", "judged", "issued"]


def expected_actor(cast: Cast, who: str, accreditation: Accreditation) -> WorkflowActor | None:
    """Who the person is to the round, from the cast's roles (not from the code under test)."""
    if who == "p1_leader":
        return WorkflowActor.CAREERS_LEADER
    if who == "ab1_admin":
        return WorkflowActor.BODY_ADMIN
    if who == "assessor_assigned" and accreditation.assessor_id == cast.assessor_assigned.pk:
        return WorkflowActor.ASSESSOR
    return None


def state(accreditation_pk: int) -> tuple[Any, ...]:
    """What a move changes: the stage, the visit date, the rounds that exist."""
    found = Accreditation.objects.filter(pk=accreditation_pk).values_list("stage", "visit_on").first()
    return (found, Accreditation.objects.count())


def test_every_page_move_agrees_with_the_table(cast: Cast) -> None:
    @hypothesis_settings(max_examples=45, deadline=None, suppress_health_check=list(HealthCheck))
    @given(until=st.sampled_from(UNTIL), who=st.sampled_from(PEOPLE), step=st.sampled_from(list(STEP_DATA)))
    def check(until: str, who: str, step: Step) -> None:
        with transaction.atomic():
            accreditation = make_round(cast, until)
            # What each forward move needs besides the table: the evidence, the judgments.
            if until == "committed":
                add_required_evidence(accreditation, cast.p1_leader)
            if until == "scheduled":
                judge_everything(accreditation, cast.assessor_assigned)
            reaccreditation = False
            if step is Step.CANCEL_REACCREDITATION and until == "issued":
                # The cancel move needs a reaccreditation: start one and try it on that.
                accreditation = actions.start_reaccreditation(accreditation=accreditation, actor=cast.ab1_admin)
                reaccreditation = True
            accreditation.refresh_from_db()
            actor = expected_actor(cast, who, accreditation)
            allowed = {m.step for m in allowed_moves(accreditation.stage_enum, actor, reaccreditation=reaccreditation)}
            data: dict[str, Any] = {"version": accreditation.version} | STEP_DATA[step]
            if data.get("assessor"):
                data["assessor"] = cast.assessor_assigned.pk
            url = (
                round_url(accreditation) + "reaccreditation/"
                if step is Step.START_REACCREDITATION
                else step_url(accreditation, step)
            )
            before = state(accreditation.pk)
            response = signed_in(getattr(cast, who)).post(url, data)
            after = state(accreditation.pk)
            assert (after != before) == (step in allowed), (until, who, step, response.status_code)
            if step not in allowed:
                assert response.status_code in (302, 403, 404)
            transaction.set_rollback(True)

    check()


# --- Confirmation pages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("until", "who", "step", "says", "button"),
    [
        (
            "committed",
            "p1_leader",
            Step.SUBMIT_PORTFOLIO,
            "You cannot change or add evidence after you submit",
            "Yes, submit the evidence",
        ),
        ("requested", "ab1_admin", Step.GRANT_COMMITMENT, "may use the words", "Yes, grant the certificate"),
        ("judged", "ab1_admin", Step.ISSUE_OUTCOME, "An issued report cannot be withdrawn", "Yes, issue the outcome"),
    ],
)
def test_submitting_granting_and_issuing_ask_first_and_say_what_will_happen(
    cast: Cast, until: str, who: str, step: Step, says: str, button: str
) -> None:
    accreditation = make_round(cast, until)
    if step is Step.SUBMIT_PORTFOLIO:
        add_required_evidence(accreditation, cast.p1_leader)  # "Yes" is offered only once nothing is missing
    client = signed_in(getattr(cast, who))
    round_page = text(client.get(round_url(accreditation)))
    # The round page links to the confirmation page; it does not make the move itself.
    assert f'href="{step_url(accreditation, step)}"' in round_page
    assert f'action="{step_url(accreditation, step)}"' not in round_page
    page = text(client.get(step_url(accreditation, step)))
    assert says in page
    assert button in page
    assert "govuk-warning-text" in page
    assert f'<a class="govuk-link" href="{round_url(accreditation)}">Cancel</a>' in page
    assert "govuk-button--warning" not in page  # the button is the usual one, not a destructive default
    accreditation.refresh_from_db()
    assert (
        accreditation.stage_enum
        is {"committed": Stage.COMMITTED, "requested": Stage.COMMITMENT_REQUESTED, "judged": Stage.JUDGED}[until]
    )


def test_a_confirmation_page_is_refused_to_those_who_do_not_make_the_step(cast: Cast) -> None:
    accreditation = make_round(cast, "judged")
    assert signed_in(cast.p1_leader).get(step_url(accreditation, Step.ISSUE_OUTCOME)).status_code == 403
    assert signed_in(cast.assessor_assigned).get(step_url(accreditation, Step.ISSUE_OUTCOME)).status_code == 403
    assert signed_in(cast.ab2_admin).get(step_url(accreditation, Step.ISSUE_OUTCOME)).status_code == 404
    assert signed_in(cast.ab1_admin).get(round_url(accreditation) + "steps/fly/").status_code == 404


# --- Declining a commitment request ------------------------------------------------------------------


def test_the_body_declines_a_request_with_reasons_and_the_leader_asks_again(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    accreditation = make_round(cast, "requested")
    admin = signed_in(cast.ab1_admin)
    url = step_url(accreditation, Step.DECLINE_COMMITMENT)
    assert "Decline the request" in text(admin.get(round_url(accreditation)))
    # Reasons are required.
    response = admin.post(url, {"version": accreditation.version, "reason": ""})
    assert response.status_code == 200
    assert "Say why the request is declined" in text(response)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            url, {"version": accreditation.version, "reason": "The governing body's commitment is not published yet."}
        )
    assert response.status_code == 302
    accreditation.refresh_from_db()
    assert accreditation.stage == Stage.COMMITMENT_DECLINED
    assert not accreditation.issued_documents.exists()
    event = AuditEvent.objects.get(action="accreditation.commitment_declined")
    assert event.after == {"reason": "The governing body's commitment is not published yet."}
    assert [m.to for m in mail.outbox] == [["leader1@example.org"]]
    assert "not published yet" in mail.outbox[0].body

    leader = signed_in(cast.p1_leader)
    page = text(leader.get(round_url(accreditation)))
    assert "North Awards declined the request:" in page
    assert "not published yet" in page
    overview = text(leader.get(f"/providers/{cast.p1.urn}/accreditation/"))
    assert "not published yet" in overview
    assert "Request the certificate of commitment again" in overview
    # Asking again is a new request; the declined one stays in the history.
    again = actions.request_commitment(
        provider=cast.p1,
        commitment_url="https://example.org/careers-commitment",
        compass_tool="compass",
        compass_completed_on=TODAY - dt.timedelta(days=3),
        compass_report=pdf_upload(),
        actor=cast.p1_leader,
    )
    assert again.stage == Stage.COMMITMENT_REQUESTED
    assert Accreditation.objects.filter(provider=cast.p1).count() == 2
    assert "Request the certificate of commitment again" not in text(
        leader.get(f"/providers/{cast.p1.urn}/accreditation/")
    )


def test_a_granted_request_cannot_be_declined(cast: Cast) -> None:
    accreditation = make_round(cast, "committed")
    with pytest.raises(StepRefused, match="cannot decline commitment at the “committed” stage"):
        actions.decline_commitment(accreditation=accreditation, reason="No.", version=None, actor=cast.ab1_admin)


# --- Returning incomplete evidence -----------------------------------------------------------------


def test_the_body_returns_incomplete_evidence_and_the_leader_fixes_and_resubmits(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    accreditation = make_round(cast, "submitted")
    admin = signed_in(cast.ab1_admin)
    url = step_url(accreditation, Step.RETURN_INCOMPLETE)
    assert "Return the evidence as incomplete" in text(admin.get(round_url(accreditation)))
    response = admin.post(url, {"version": accreditation.version, "reason": ""})
    assert "Say what the careers leader needs to fix" in text(response)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(url, {"version": accreditation.version, "reason": "Destinations data covers one year only."})
    accreditation.refresh_from_db()
    assert (accreditation.stage, accreditation.submitted_at) == (Stage.COMMITTED, None)
    assert AuditEvent.objects.filter(action="portfolio.returned_incomplete").count() == 1
    assert [m.to for m in mail.outbox] == [["leader1@example.org"]]
    assert "one year only" in mail.outbox[0].body

    leader = signed_in(cast.p1_leader)
    page = text(leader.get(round_url(accreditation)))
    assert "returned the evidence as incomplete:" in page
    assert "Destinations data covers one year only." in page
    assert "Submit for assessment" in page
    # The leader can change the evidence again, then submit it.
    actions.upload_evidence(
        accreditation=accreditation,
        upload=pdf_upload(),
        kind="destinations",
        title="",
        criterion=None,
        actor=cast.p1_leader,
    )
    accreditation.refresh_from_db()
    leader.post(step_url(accreditation, Step.SUBMIT_PORTFOLIO), {"version": accreditation.version})
    accreditation.refresh_from_db()
    assert (accreditation.stage, accreditation.incomplete_reason) == (Stage.SUBMITTED, "")


def test_evidence_cannot_be_returned_once_an_assessor_is_assigned(cast: Cast) -> None:
    accreditation = make_round(cast, "assigned")
    with pytest.raises(StepRefused, match="cannot return incomplete"):
        actions.return_incomplete(accreditation=accreditation, reason="Late.", version=None, actor=cast.ab1_admin)


# --- The visit date -------------------------------------------------------------------------------------


def test_an_assessment_is_not_submitted_before_its_visit(cast: Cast) -> None:
    accreditation = make_round(cast, "judged")
    actions.return_to_assessor(accreditation=accreditation, reason="Wait.", version=None, actor=cast.ab1_admin)
    actions.schedule_visit(
        accreditation=accreditation, visit_on=TODAY + dt.timedelta(days=3), version=None, actor=cast.ab1_admin
    )
    with pytest.raises(StepRefused, match="cannot be submitted before the visit on"):
        actions.submit_judgments(accreditation=accreditation, version=None, actor=cast.assessor_assigned)
    response = signed_in(cast.assessor_assigned).post(
        step_url(accreditation, Step.SUBMIT_JUDGMENTS), {"version": accreditation.version}, follow=True
    )
    assert "cannot be submitted before the visit on" in text(response)
    accreditation.refresh_from_db()
    assert accreditation.stage == Stage.VISIT_SCHEDULED
    # On the day of the visit it can.
    actions.submit_judgments(
        accreditation=accreditation, version=None, actor=cast.assessor_assigned, today=TODAY + dt.timedelta(days=3)
    )


def test_an_assessment_is_not_issued_before_its_visit(cast: Cast) -> None:
    accreditation = make_round(cast, "judged")
    with pytest.raises(StepRefused, match="cannot be issued before the visit on"):
        actions.issue_outcome(
            accreditation=accreditation, version=None, today=TODAY - dt.timedelta(days=1), actor=cast.ab1_admin
        )
    accreditation.refresh_from_db()
    assert accreditation.stage == Stage.JUDGED


def test_the_action_also_refuses_a_visit_in_the_past(cast: Cast) -> None:
    accreditation = make_round(cast, "assigned")
    with pytest.raises(StepRefused, match="The date of the visit must be today or in the future"):
        actions.schedule_visit(
            accreditation=accreditation, visit_on=TODAY - dt.timedelta(days=1), version=None, actor=cast.ab1_admin
        )
    accreditation.refresh_from_db()
    assert (accreditation.stage, accreditation.visit_on) == (Stage.ASSESSOR_ASSIGNED, None)


# --- Reaccreditation: confirm, then cancel ------------------------------------------------------------


def test_starting_a_reaccreditation_asks_first_and_says_what_will_happen(cast: Cast) -> None:
    previous = make_round(cast, "issued")
    leader = signed_in(cast.p1_leader)
    assert f'href="{round_url(previous)}reaccreditation/"' in text(leader.get(round_url(previous)))
    page = text(leader.get(round_url(previous) + "reaccreditation/"))
    assert "Start reaccreditation from this assessment?" in page
    assert "The current award is not changed" in page
    assert "Yes, start reaccreditation" in page
    assert Accreditation.objects.count() == 1  # nothing happens on the way
    assert signed_in(cast.p1_governor).get(round_url(previous) + "reaccreditation/").status_code == 403


def test_a_reaccreditation_is_cancelled_cleanly_and_the_award_is_untouched(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    previous = make_round(cast, "issued")
    award = Award.objects.get()
    award_before = (award.outcome, award.awarded_on, award.expires_on, award.superseded)
    leader = signed_in(cast.p1_leader)
    leader.post(round_url(previous) + "reaccreditation/", {"version": previous.version})
    new = Accreditation.objects.get(previous=previous)
    actions.upload_evidence(
        accreditation=new, upload=pdf_upload(), kind="inspection", title="", criterion=None, actor=cast.p1_leader
    )
    document = EvidenceDocument.objects.get(accreditation=new)
    path = document.file.path
    new.refresh_from_db()
    url = step_url(new, Step.CANCEL_REACCREDITATION)
    assert f'href="{url}"' in text(leader.get(round_url(new)))
    page = text(leader.get(url))
    assert "The previous assessment and its award are not changed" in page
    assert "govuk-button--warning" in page
    assert "No, keep the reaccreditation" in page
    # A stale page is refused like any other move.
    response = leader.post(url, {"version": new.version - 1}, follow=True)
    assert STALE in text(response)
    assert Accreditation.objects.filter(pk=new.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(url, {"version": new.version})
    assert response["Location"] == round_url(previous)
    assert not Accreditation.objects.filter(pk=new.pk).exists()
    assert not EvidenceDocument.objects.filter(pk=document.pk).exists()
    assert not Path(path).exists()
    award.refresh_from_db()
    assert (award.outcome, award.awarded_on, award.expires_on, award.superseded) == award_before
    event = AuditEvent.objects.get(action="accreditation.reaccreditation_cancelled")
    assert (event.object_id, event.before["round"]) == (str(previous.pk), new.pk)
    # Reaccreditation can be started again from the same assessment.
    assert "Start reaccreditation from this assessment" in text(leader.get(round_url(previous)))
    again = actions.start_reaccreditation(accreditation=Accreditation.objects.get(pk=previous.pk), actor=cast.ab1_admin)
    assert again.previous_id == previous.pk


def test_a_reaccreditation_cannot_be_cancelled_once_its_evidence_is_submitted(cast: Cast) -> None:
    previous = make_round(cast, "issued")
    new = actions.start_reaccreditation(accreditation=previous, actor=cast.p1_leader)
    add_required_evidence(new, cast.p1_leader)
    actions.upload_evidence(
        accreditation=new, upload=pdf_upload(), kind="compass", title="", criterion=None, actor=cast.p1_leader
    )
    new.compass_completed_on = TODAY
    new.save()
    actions.submit_portfolio(accreditation=new, version=None, actor=cast.p1_leader)
    with pytest.raises(StepRefused, match="cannot cancel reaccreditation at the “submitted” stage"):
        actions.cancel_reaccreditation(accreditation=new, version=None, actor=cast.p1_leader)
    assert Accreditation.objects.filter(pk=new.pk).exists()


def test_a_first_accreditation_is_not_cancelled_this_way(cast: Cast) -> None:
    accreditation = make_round(cast, "committed")
    with pytest.raises(StepRefused, match="cannot cancel reaccreditation"):
        actions.cancel_reaccreditation(accreditation=accreditation, version=None, actor=cast.p1_leader)
    assert "Cancel this reaccreditation" not in text(signed_in(cast.p1_leader).get(round_url(accreditation)))


# --- Stale versions on the new moves --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("until", "step", "data"),
    [
        ("requested", Step.DECLINE_COMMITMENT, {"reason": "No."}),
        ("submitted", Step.RETURN_INCOMPLETE, {"reason": "Fix it."}),
        ("requested", Step.GRANT_COMMITMENT, {}),
        ("judged", Step.ISSUE_OUTCOME, {}),
    ],
)
def test_a_stale_page_is_refused_for_every_move(cast: Cast, until: str, step: Step, data: dict[str, str]) -> None:
    accreditation = make_round(cast, until)
    stage = accreditation.stage
    Accreditation.objects.filter(pk=accreditation.pk).update(version=accreditation.version + 1)
    response = signed_in(cast.ab1_admin).post(
        # A page drawn before someone else's change (the round has moved on to the next version).
        step_url(accreditation, step),
        {"version": accreditation.version} | data,
        follow=True,
    )
    assert STALE in text(response)
    accreditation.refresh_from_db()
    assert accreditation.stage == stage


def test_a_step_the_stage_does_not_allow_says_why_and_offers_no_yes(cast: Cast) -> None:
    accreditation = make_round(cast, "issued")
    page = text(signed_in(cast.ab1_admin).get(step_url(accreditation, Step.GRANT_COMMITMENT)))
    assert "You cannot grant" in page or "cannot" in page
    assert '<form method="post" novalidate>' not in page
    assert "Yes, grant" not in page
    accreditation.refresh_from_db()
    assert accreditation.stage_enum is Stage.ISSUED


def test_submitting_with_evidence_missing_lists_it_and_offers_no_yes(cast: Cast) -> None:
    accreditation = make_round(cast, "committed")
    add_required_evidence(accreditation, cast.p1_leader)
    accreditation.documents.filter(kind="inspection").delete()
    page = text(signed_in(cast.p1_leader).get(step_url(accreditation, Step.SUBMIT_PORTFOLIO)))
    assert "Still missing: Latest Ofsted or ISI inspection report" in page
    assert '<form method="post" novalidate>' not in page
    assert "#documents" in page
