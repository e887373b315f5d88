"""Demo accreditations: a provider at every stage, taken there through the real actions with
dates set in the past, so every page of the accreditation has something to show."""

from __future__ import annotations

import datetime as dt
import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from qic.accreditation import actions, uploads
from qic.accreditation.access import ActingAs
from qic.accreditation.models import Accreditation
from qic.core.actors import DEMO_DATASET
from qic.domain.accreditation import Judgment, WorkflowActor, add_months
from qic.organisations.models import Provider, User

# The demo loader makes the careers leader's and the Awarding Body's moves itself (most demo
# providers have no careers leader to sign in as); the assessors' moves are made by the demo
# assessors. Audited as "demo dataset", as before.
LEADER = ActingAs(DEMO_DATASET.label, WorkflowActor.CAREERS_LEADER)
BODY = ActingAs(DEMO_DATASET.label, WorkflowActor.BODY_ADMIN)
REQUIRED = (
    ("inspection", "Ofsted inspection report"),
    ("destinations", "Destinations 2022–2025"),
    ("ceiag_policy", "CEIAG policy approved by governors"),
    ("provider_access", "Provider access policy statement"),
)
STRENGTHS = (
    "A well-led programme with clear governance: the link governor reviews the benchmark figures each term.\n"
    "Employer encounters are planned for every year group and learners reflect on each one."
)
AREAS = "Workplace experiences for learners with SEN support lag behind other learners (criterion 3.5)."
ACTIONS = "Analyse the gap for SEN support learners each term.\nPlan a second workplace experience in Year 12."


def demo_pdf(title: str, provider: Provider) -> uploads.CheckedUpload:
    """A small real PDF standing in for a school's document."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(72, 760, title)
    page.setFont("Helvetica", 11)
    page.drawString(72, 736, f"{provider.name} — a fictional document for the QiC Platform demo.")
    page.showPage()
    page.save()
    return uploads.check_upload(buffer.getvalue(), f"{title}.pdf")


def _request(provider: Provider, on: dt.date) -> Accreditation:
    return actions.request_commitment(
        provider=provider,
        commitment_url=f"https://example.org/demo/{provider.urn}/careers-commitment",
        compass_tool="compass_plus" if provider.is_college else "compass",
        compass_completed_on=on - dt.timedelta(days=14),
        compass_report=demo_pdf("Compass self-assessment report", provider),
        actor=LEADER,
    )


def _judgments(
    accreditation: Accreditation, pattern: dict[str, Judgment], default: Judgment
) -> dict[int, tuple[str, str]]:
    result = {}
    for record in accreditation.criterion_records.select_related("criterion"):
        judgment = pattern.get(record.criterion.code, default)
        comment = {
            Judgment.FULLY_MEETING: "Fully evidenced in the portfolio and confirmed in learner voice.",
            Judgment.GOOD_PROGRESS: "Good progress; the plan to meet this fully is credible and costed.",
            Judgment.INSUFFICIENT: "Little evidence yet; this needs a plan with named owners.",
        }[judgment]
        result[record.pk] = (judgment.value, comment)
    return result


def _take(
    provider: Provider,
    *,
    until: str,
    started: dt.date,
    assessor: User | None = None,
    pattern: dict[str, Judgment] | None = None,
    default: Judgment = Judgment.GOOD_PROGRESS,
) -> Accreditation:
    """Take the provider's first round through the stages up to `until`, starting on `started`."""
    stages = ["requested", "committed", "submitted", "assigned", "scheduled", "judged", "issued"]
    steps = stages[: stages.index(until) + 1]
    accreditation = _request(provider, started)
    if "committed" in steps:
        actions.grant_commitment(accreditation=accreditation, version=None, today=started, actor=BODY)
    if "submitted" in steps:
        for kind, title in REQUIRED:
            actions.upload_evidence(
                accreditation=accreditation,
                upload=demo_pdf(title, provider),
                kind=kind,
                title=title,
                criterion=None,
                actor=LEADER,
            )
        for record in accreditation.criterion_records.select_related("criterion")[:12]:
            actions.save_commentary(
                record=record,
                commentary=f"How we meet {record.criterion.code}: see the programme map and the benchmark figures.",
                version=None,
                actor=LEADER,
            )
        actions.submit_portfolio(accreditation=accreditation, version=None, actor=LEADER)
    if "assigned" in steps:
        assert assessor is not None
        actions.assign_assessor(accreditation=accreditation, assessor=assessor, version=None, actor=BODY)
    visit = started + dt.timedelta(days=60)
    if "scheduled" in steps:
        actions.schedule_visit(accreditation=accreditation, visit_on=visit, version=None, actor=BODY, today=started)
    if "judged" in steps:
        assert assessor is not None
        actions.save_judgments(
            accreditation=accreditation,
            judgments=_judgments(accreditation, pattern or {}, default),
            version=None,
            actor=assessor,
        )
        actions.record_conversation(
            accreditation=accreditation,
            kind="learner_voice",
            held_on=visit,
            participants="Eight Year 10 learners",
            notes="Learners named the employers they had met and what they learned from each.",
            criteria=[],
            actor=assessor,
        )
        actions.save_summary(
            accreditation=accreditation,
            key_principles_met=True,
            strengths=STRENGTHS,
            areas_for_development=AREAS,
            recommendations=ACTIONS,
            version=None,
            actor=assessor,
        )
        actions.submit_judgments(accreditation=accreditation, version=None, actor=assessor)
    if "issued" in steps:
        actions.issue_outcome(
            accreditation=accreditation, version=None, today=visit + dt.timedelta(days=14), actor=BODY
        )
    return accreditation


def build_accreditations(*, today: dt.date) -> None:
    """Idempotent: a provider that already has an accreditation is left alone."""
    northern = User.objects.get(email="assessor@northern.demo.qic.test")
    northern2 = User.objects.get(email="assessor2@northern.demo.qic.test")
    twoyear = User.objects.get(email="assessor@twoyear.demo.qic.test")

    def provider(urn: int) -> Provider | None:
        found = Provider.objects.get(urn=urn)
        return None if found.accreditations.exists() else found

    # Awarded 2a eleven months ago: the first annual review is due (and may recommend 2b).
    if p := provider(990001):
        start = add_months(today, -11) - dt.timedelta(days=74)
        _take(
            p,
            until="issued",
            started=start,
            assessor=northern,
            pattern={"3.5": Judgment.GOOD_PROGRESS},
            default=Judgment.FULLY_MEETING,
        )
    # A 24-month body's 2b, awarded eleven months ago: its one review prepares reaccreditation.
    if p := provider(990002):
        _take(
            p,
            until="issued",
            started=add_months(today, -11) - dt.timedelta(days=74),
            assessor=twoyear,
            default=Judgment.FULLY_MEETING,
        )
    # Under assessment: visit scheduled, a second assessor judging.
    if p := provider(990003):
        _take(p, until="scheduled", started=today - dt.timedelta(days=50), assessor=northern2)
    # Submitted, waiting for an assessor.
    if p := provider(990007):
        _take(p, until="submitted", started=today - dt.timedelta(days=40))
    # Committed: preparing evidence.
    if p := provider(990009):
        _take(p, until="committed", started=today - dt.timedelta(days=30))
    # Commitment requested, waiting for the Awarding Body.
    if p := provider(990010):
        _take(p, until="requested", started=today - dt.timedelta(days=3))
    # 2b awarded almost three years ago: expiring within 90 days.
    if p := provider(990011):
        _take(
            p,
            until="issued",
            started=add_months(today, -35) - dt.timedelta(days=74),
            assessor=northern,
            default=Judgment.FULLY_MEETING,
        )
    # Outcome 1: one section making insufficient progress.
    if p := provider(990012):
        _take(
            p,
            until="issued",
            started=today - dt.timedelta(days=120),
            assessor=northern,
            pattern={"6.1": Judgment.INSUFFICIENT, "6.2": Judgment.INSUFFICIENT},
        )
    # Judged, waiting for the Awarding Body to issue.
    if p := provider(990013):
        _take(p, until="judged", started=today - dt.timedelta(days=70), assessor=northern)
    # The two-year body's sixth form college: assessor assigned, visit to schedule.
    if p := provider(990005):
        _take(p, until="assigned", started=today - dt.timedelta(days=45), assessor=twoyear)
