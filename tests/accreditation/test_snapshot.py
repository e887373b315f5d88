"""The schema of issued documents' frozen snapshots (qic.accreditation.snapshot).

Every shape of snapshot ever written must still load, render as a page and draw as a PDF: the
format is permanent (docs/decisions.md §11). The shapes, from the history of
qic/accreditation/documents.py:

- first version (Nov 2026): no `provider.identifier_label` (it means "URN"); the award's outcome
  was written among the dates under the same `outcome` key;
- from "An ITP's number reads UKPRN" (Dec 2026): `provider.identifier_label`;
- any report may carry `correction` (written by correct_report since the first version);
- `awarded_on` and `expires_on` are absent, not null, where there was no award.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape
from pydantic import ValidationError

from qic.accreditation import actions
from qic.accreditation.documents import snapshot_for
from qic.accreditation.models import Accreditation, DocumentKind, IssuedDocument
from qic.accreditation.pdf import render_pdf
from qic.accreditation.snapshot import (
    CertificateSnapshot,
    CommitmentSnapshot,
    ReportSnapshot,
    load_snapshot,
)
from qic.domain import accreditation as rules
from qic.domain.accreditation import Judgment, Outcome, Stage
from tests.accreditation.test_pdf import assert_shows, shown_text, squeeze
from tests.conftest import Cast
from tests.factories import make_round

# --- Hand-written snapshots of every shape ------------------------------------------------------

FIRST_PROVIDER = {  # the first snapshots: no identifier label
    "name": "Northfield Community Academy",
    "urn": 137245,
    "la_name": "Darlington",
    "region": "North East",
    "postcode": "DL3 6QT",
    "type": "Secondary school",
}
ITP_PROVIDER = FIRST_PROVIDER | {
    "name": "Tyneside Skills Ltd",
    "urn": 10012345,
    "identifier_label": "UKPRN",
    "type": "Independent training provider",
}
FACTS = {
    "awarding_body": {"name": "Careers Quality Partnership North", "validity_months": 36},
    "edition": {"code": "qic-2024", "title": "Quality in Careers Standard national criteria, January 2024 edition"},
}


def _section(number: int, judgment: str, figures: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "number": number,
        "title": f"Section title {number}",
        "benchmark": f"Benchmark {number}: title of benchmark {number}",
        "judgment": judgment,
        "figures": figures,
        "criteria": [
            {"code": f"{number}.1", "text": f"Criterion {number}.1 text", "judgment": judgment, "comment": "Seen."}
        ],
    }


def first_report() -> dict[str, Any]:
    """A 2a report as the first version of snapshot_for wrote it."""
    return {
        "provider": FIRST_PROVIDER,
        **FACTS,
        "outcome": "2a",  # written twice then (the round's, then the award's): the same key
        "outcome_label": "Outcome 2a: awarded, making good progress",
        "citation": rules.CITATIONS[Outcome.GOOD_PROGRESS],
        "wording": rules.AUTHORISED_WORDING[Outcome.GOOD_PROGRESS],
        "reasons": ["Not yet fully meeting sections 5"],
        "assessor": "Priya Raman",
        "visit_on": "2026-11-12",
        "key_principles_met": True,
        "compass_up_to_date": True,
        "reaccreditation": False,
        "sections": [
            _section(1, "Fully meeting", {"year": "2025/26", "percent": 100.0, "fully_achieved": True}),
            _section(5, "Making good progress", {"year": "2025/26", "percent": 62.5, "fully_achieved": False}),
            _section(8, "Fully meeting", None),
        ],
        "conversations": [{"kind": "Learner voice", "held_on": "2026-11-12", "participants": "Eight pupils"}],
        "strengths": "A stable, well-led programme.",
        "areas_for_development": "Parents are not yet involved.",
        "recommendations": "Add parent feedback.",
        "awarded_on": "2026-11-23",
        "expires_on": "2029-11-22",
    }


def first_outcome_1_report() -> dict[str, Any]:
    """Outcome 1: no award, so no dates at all (the keys are absent)."""
    report = first_report() | {
        "outcome": "1",
        "outcome_label": "Outcome 1: making insufficient progress (not awarded)",
        "citation": "",
        "wording": "",
        "reasons": ["Sections 5 making insufficient progress"],
    }
    del report["awarded_on"], report["expires_on"]
    report["sections"][1] = _section(5, "Making insufficient progress", None)
    return report


def first_certificate() -> dict[str, Any]:
    return {
        "provider": FIRST_PROVIDER,
        **FACTS,
        "outcome": "2b",
        "words": rules.CERTIFICATE_WORDS,
        "wording": rules.AUTHORISED_WORDING[Outcome.FULLY_MEETING],
        "awarded_on": "2026-11-23",
        "expires_on": "2029-11-22",
    }


def first_commitment(committed_on: str | None = "2025-03-03") -> dict[str, Any]:
    return {"provider": FIRST_PROVIDER, **FACTS, "committed_on": committed_on, "wording": rules.COMMITMENT_WORDING}


def labelled(content: dict[str, Any], provider: dict[str, Any]) -> dict[str, Any]:
    """The same snapshot written after identifier labels arrived."""
    return content | {"provider": provider}


def corrected(content: dict[str, Any]) -> dict[str, Any]:
    return content | {"correction": {"replaces_number": 1, "reason": "The action points named the wrong year."}}


OLD_SHAPES = {
    "first report": ("report", first_report),
    "first outcome 1 report": ("report", first_outcome_1_report),
    "first corrected report": ("report", lambda: corrected(first_report())),
    "first certificate": ("certificate", first_certificate),
    "first commitment": ("commitment", first_commitment),
    "first commitment, no date": ("commitment", lambda: first_commitment(None)),
    "labelled report": ("report", lambda: labelled(first_report(), FIRST_PROVIDER | {"identifier_label": "URN"})),
    "labelled ITP certificate": ("certificate", lambda: labelled(first_certificate(), ITP_PROVIDER)),
    "labelled ITP commitment": ("commitment", lambda: labelled(first_commitment(), ITP_PROVIDER)),
    "labelled ITP corrected report": ("report", lambda: corrected(labelled(first_outcome_1_report(), ITP_PROVIDER))),
}


@pytest.mark.parametrize("shape", OLD_SHAPES)
def test_every_shape_ever_written_loads_and_draws(shape: str) -> None:
    kind, build = OLD_SHAPES[shape]
    content = build()
    snapshot = load_snapshot(kind, content)
    assert snapshot.kind == kind
    assert snapshot.provider.name == content["provider"]["name"]
    label = content["provider"].get("identifier_label", "URN")
    assert snapshot.provider.identifier == f"{label} {content['provider']['urn']}"
    pdf = render_pdf(kind, snapshot, compress=False)
    assert_shows(pdf, content["provider"]["name"], f"{label} {content['provider']['urn']}")


def test_a_first_report_reads_as_it_did() -> None:
    snapshot = load_snapshot("report", first_report())
    assert isinstance(snapshot, ReportSnapshot)
    assert snapshot.outcome is Outcome.GOOD_PROGRESS
    assert snapshot.provider.identifier_label == "URN"
    assert snapshot.visit_on == dt.date(2026, 11, 12)
    assert (snapshot.awarded_on, snapshot.expires_on) == (dt.date(2026, 11, 23), dt.date(2029, 11, 22))
    assert [s.number for s in snapshot.sections] == [1, 5, 8]
    assert snapshot.sections[1].criteria[0].judgment == "Making good progress"
    assert snapshot.sections[2].figures is None
    assert snapshot.correction is None
    outcome_1 = load_snapshot("report", first_outcome_1_report())
    assert isinstance(outcome_1, ReportSnapshot)
    assert (outcome_1.awarded_on, outcome_1.expires_on) == (None, None)


@pytest.mark.parametrize(
    ("kind", "build"),
    [
        ("report", lambda: labelled(first_report(), ITP_PROVIDER)),
        ("report", lambda: labelled(first_outcome_1_report(), ITP_PROVIDER)),
        ("report", lambda: corrected(labelled(first_report(), ITP_PROVIDER))),
        ("certificate", lambda: labelled(first_certificate(), ITP_PROVIDER)),
        ("commitment", lambda: labelled(first_commitment(), ITP_PROVIDER)),
        ("commitment", lambda: labelled(first_commitment(None), ITP_PROVIDER)),
    ],
)
def test_a_snapshot_of_todays_shape_is_stored_back_exactly(kind: str, build: Any) -> None:
    """Loading and storing again changes nothing: the same keys (absent ones stay absent) and values."""
    content = build()
    assert load_snapshot(kind, content).stored() == content


def test_a_first_snapshot_stored_again_gains_only_the_label_it_meant() -> None:
    content = first_report()
    assert load_snapshot("report", content).stored() == content | {
        "provider": FIRST_PROVIDER | {"identifier_label": "URN"}
    }


@pytest.mark.parametrize(
    ("kind", "change", "message"),
    [
        ("report", lambda c: c | {"surprise": 1}, "Extra inputs are not permitted"),
        ("report", lambda c: c | {"outcome": "3"}, "outcome"),
        ("report", lambda c: c | {"visit_on": "12 November"}, "visit_on"),
        ("report", lambda c: c | {"provider": FIRST_PROVIDER | {"identifier_label": "UPRN"}}, "identifier_label"),
        ("report", lambda c: c | {"sections": [_section(1, "Excellent", None)]}, "judgment"),
        ("report", lambda c: {k: v for k, v in c.items() if k != "provider"}, "provider"),
        ("certificate", lambda c: first_certificate() | {"outcome": "1"}, "Outcome 2a or 2b"),
        ("commitment", lambda c: first_commitment() | {"outcome": "2b"}, "Extra inputs are not permitted"),
    ],
)
def test_what_is_not_a_snapshot_is_refused(kind: str, change: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        load_snapshot(kind, change(first_report()))


def test_only_issued_kinds_have_snapshots() -> None:
    with pytest.raises(ValueError, match="No snapshot"):
        load_snapshot("review", first_report())
    with pytest.raises(ValueError, match="cannot be drawn as a certificate"):
        render_pdf("certificate", load_snapshot("report", first_report()))


def test_snapshots_are_frozen() -> None:
    snapshot = load_snapshot("report", first_report())
    with pytest.raises(ValidationError, match="frozen"):
        snapshot.strengths = "Changed"  # type: ignore[misc]


# --- Old shapes through the pages ---------------------------------------------------------------


def _issue_as_stored(accreditation: Accreditation, kind: str, content: dict[str, Any]) -> IssuedDocument:
    """An issued document holding `content` exactly as an older version stored it."""
    number = IssuedDocument.objects.filter(accreditation=accreditation, kind=kind).count() + 1
    return IssuedDocument.objects.create(
        accreditation=accreditation,
        kind=kind,
        number=number + 10,
        content=content,
        issued_at=dt.datetime(2026, 11, 23, 10, 30, tzinfo=dt.UTC),
    )


def _page_and_pdf(client: Client, document: IssuedDocument) -> tuple[str, bytes]:
    accreditation = document.accreditation
    url = f"/providers/{accreditation.provider.urn}/accreditation/{accreditation.pk}/issued/{document.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    pdf = client.get(url + "pdf/")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    return page.content.decode(), pdf.content


@pytest.mark.usefixtures("edition")
@pytest.mark.parametrize("shape", OLD_SHAPES)
def test_old_shapes_show_as_pages_and_pdfs(cast: Cast, client: Client, shape: str) -> None:
    kind, build = OLD_SHAPES[shape]
    content = build()
    accreditation = make_round(cast, "committed")
    document = _issue_as_stored(accreditation, kind, content)
    client.force_login(cast.p1_leader)
    page, _ = _page_and_pdf(client, document)
    assert content["provider"]["name"] in page
    label = content["provider"].get("identifier_label", "URN")
    assert f"{content['provider']['name']} · {label} {content['provider']['urn']}" in page
    if kind == "report":
        assert content["strengths"] in page
        for section in content["sections"]:
            assert f"Section {section['number']}: {section['title']}" in page
    if "correction" not in content and kind == "report" and "awarded_on" in content:
        assert "22 November 2029" in page


@pytest.mark.usefixtures("edition")
def test_an_old_report_is_corrected_through_the_schema(cast: Cast) -> None:
    accreditation = make_round(cast, "committed")
    # Only an issued report is corrected (the workflow table); this one was issued by an older version.
    Accreditation.objects.filter(pk=accreditation.pk).update(stage=Stage.ISSUED)
    accreditation.refresh_from_db()
    document = _issue_as_stored(accreditation, "report", first_report())
    new = actions.correct_report(
        document=document,
        reason="The action points named the wrong year group.",
        strengths="A stable, well-led programme.",
        areas_for_development="Parents are not yet involved.",
        recommendations="Plan encounters for Year 9.",
        actor=cast.ab1_admin,
    )
    expected = first_report() | {
        "provider": FIRST_PROVIDER | {"identifier_label": "URN"},
        "recommendations": "Plan encounters for Year 9.",
        "correction": {"replaces_number": document.number, "reason": "The action points named the wrong year group."},
    }
    assert new.content == expected
    document.refresh_from_db()
    assert document.content == first_report()


@pytest.mark.usefixtures("edition")
def test_a_correction_that_is_not_a_report_is_refused(cast: Cast) -> None:
    accreditation = make_round(cast, "committed")
    Accreditation.objects.filter(pk=accreditation.pk).update(stage=Stage.ISSUED)  # where corrections are allowed
    accreditation.refresh_from_db()
    commitment = accreditation.issued_documents.get(kind=DocumentKind.COMMITMENT_CERTIFICATE)
    with pytest.raises(actions.StepRefused, match="Only an assessment report"):
        actions.correct_report(
            document=commitment,
            reason="Why not",
            strengths="",
            areas_for_development="",
            recommendations="",
            actor=cast.ab1_admin,
        )


# --- A section judged one way, its figure the other ---------------------------------------------

SHORT = {"year": "2025/26", "percent": 84.0, "fully_achieved": False}
FULL = {"year": "2025/26", "percent": 100.0, "fully_achieved": True}
NOTHING = {"year": "2025/26", "percent": None, "fully_achieved": False}


@pytest.mark.parametrize(
    ("judgment", "figures", "says"),
    [
        ("Fully meeting", SHORT, "judged fully"),
        ("Making good progress", FULL, "figure full"),
        ("Making insufficient progress", FULL, "figure full"),
        ("Fully meeting", FULL, ""),
        ("Making good progress", SHORT, ""),
        ("Making insufficient progress", SHORT, ""),
        ("Fully meeting", NOTHING, ""),
        ("Fully meeting", None, ""),
        ("", SHORT, ""),
    ],
)
def test_a_judgment_and_a_figure_that_disagree_are_explained(
    judgment: str, figures: dict[str, Any] | None, says: str
) -> None:
    section = load_snapshot("report", first_report() | {"sections": [_section(5, judgment, figures)]})
    assert isinstance(section, ReportSnapshot)
    why = section.sections[0].why_both
    if not says:
        assert why == ""
        return
    # One plain sentence, naming the year of the figure, saying what each of the two measures.
    assert why.startswith("Both can be true: ")
    assert why.count(".") == 1
    assert why.endswith(".")
    assert "2025/26" in why
    assert "assessor’s view of" in why
    assert "evidence seen at the assessment" in why
    assert "100%" in why
    if says == "judged fully":
        assert "fully achieved only at 100%" in why
    else:
        assert "reached 100%" in why


def disagreeing_report() -> dict[str, Any]:
    """Section 1 judged fully meeting with a short figure, section 5 short with a full figure,
    section 7 agreeing (fully meeting at 100%), section 8 without figures."""
    return first_report() | {
        "sections": [
            _section(1, "Fully meeting", SHORT),
            _section(5, "Making good progress", FULL),
            _section(7, "Fully meeting", FULL),
            _section(8, "Fully meeting", None),
        ]
    }


def test_the_pdf_says_why_beside_the_figure() -> None:
    report = load_snapshot("report", disagreeing_report())
    assert isinstance(report, ReportSnapshot)
    first, fifth, _, _ = report.sections
    text = shown_text(render_pdf("report", report, compress=False))
    both = squeeze("Both can be true:")
    assert text.count(both) == 2
    # Each sentence sits in its section, right after the figure and before the criteria.
    for section in (first, fifth):
        heading = text.index(squeeze(f"Section {section.number}: {section.title}"))
        figure = text.index(squeeze(section.figures_line), heading)
        assert text.index(squeeze(section.why_both), heading) == figure + len(squeeze(section.figures_line))
        assert text.index(squeeze(section.why_both), heading) < text.index(f"{section.number}.1Criterion", heading)
    assert squeeze("Benchmark 1 in 2025/26: 84.0%, not fully achieved") in text
    section_7 = text.index(squeeze("Section 7: Section title 7"))
    assert both not in text[section_7:]


@pytest.mark.usefixtures("edition")
def test_the_page_says_why_beside_the_figure(cast: Cast, client: Client) -> None:
    accreditation = make_round(cast, "committed")
    document = _issue_as_stored(accreditation, "report", disagreeing_report())
    client.force_login(cast.p1_leader)
    page, _ = _page_and_pdf(client, document)
    report = document.snapshot
    assert isinstance(report, ReportSnapshot)
    first, fifth, _, _ = report.sections
    assert page.count("Both can be true:") == 2
    assert (
        "<strong>Fully meeting</strong> · Benchmark 1 in 2025/26: 84%, not fully achieved</p>\n"
        f'<p class="govuk-body">{escape(first.why_both)}</p>'
    ) in page
    assert (
        "<strong>Making good progress</strong> · Benchmark 5 in 2025/26: 100%, fully achieved</p>\n"
        f'<p class="govuk-body">{escape(fifth.why_both)}</p>'
    ) in page
    section_7 = page.index("Section 7: Section title 7")
    assert "Both can be true" not in page[section_7:]


# --- What snapshot_for writes -------------------------------------------------------------------


@pytest.mark.usefixtures("edition")
def test_snapshot_for_writes_every_kind_through_the_schema(cast: Cast) -> None:
    accreditation = make_round(cast, "issued", judgment=Judgment.FULLY_MEETING)
    commitment = snapshot_for(accreditation, DocumentKind.COMMITMENT_CERTIFICATE)
    certificate = snapshot_for(accreditation, DocumentKind.CERTIFICATE)
    report = snapshot_for(accreditation, DocumentKind.REPORT)
    assert isinstance(commitment, CommitmentSnapshot)
    assert isinstance(certificate, CertificateSnapshot)
    assert isinstance(report, ReportSnapshot)
    # The keys the stored JSON has always had, no more and no fewer.
    common = {"provider", "awarding_body", "edition"}
    assert set(commitment.stored()) == common | {"committed_on", "wording"}
    assert set(certificate.stored()) == common | {"outcome", "words", "wording", "awarded_on", "expires_on"}
    assert set(report.stored()) == common | {
        "outcome",
        "outcome_label",
        "citation",
        "wording",
        "reasons",
        "assessor",
        "visit_on",
        "key_principles_met",
        "compass_up_to_date",
        "reaccreditation",
        "sections",
        "conversations",
        "strengths",
        "areas_for_development",
        "recommendations",
        "awarded_on",
        "expires_on",
    }
    assert set(report.stored()["provider"]) == {
        "name",
        "urn",
        "identifier_label",
        "la_name",
        "region",
        "postcode",
        "type",
    }
    assert set(report.stored()["sections"][0]) == {"number", "title", "benchmark", "judgment", "figures", "criteria"}
    assert len(report.sections) == 8
    assert sum(len(s.criteria) for s in report.sections) == 32
    # What the round issued is what snapshot_for writes.
    issued = accreditation.issued_documents.get(kind=DocumentKind.REPORT)
    assert issued.content == copy.deepcopy(issued.snapshot.stored())
    assert issued.content["sections"] == report.stored()["sections"]


# --- The demo's issued documents ----------------------------------------------------------------


@pytest.mark.usefixtures("edition")
def test_every_snapshot_the_demo_issues_loads_and_renders(client: Client, settings: Any) -> None:
    """`manage.py load_demo` issues commitments, reports and certificates at every stage; each loads
    through the schema and shows as a page and a PDF."""
    from qic.demo.build import build_demo
    from qic.organisations.models import Role, User

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    build_demo()
    documents = list(IssuedDocument.objects.select_related("accreditation__provider"))
    kinds = {d.kind for d in documents}
    assert kinds == {"commitment", "report", "certificate"}
    assert len([d for d in documents if d.kind == "report"]) >= 4  # 2a, 2b on both bodies' periods, Outcome 1
    for document in documents:
        admin = User.objects.filter(
            membership__role=Role.AWARDING_BODY_ADMIN,
            membership__awarding_body_id=document.accreditation.awarding_body_id,
        ).first()
        assert admin is not None
        client.force_login(admin)
        snapshot = load_snapshot(document.kind, document.content)
        assert snapshot.stored() == document.content, document
        page, pdf = _page_and_pdf(client, document)
        assert escape(snapshot.provider.name) in page
        drawn = shown_text(render_pdf(document.kind, snapshot, compress=False))
        assert squeeze(snapshot.provider.name) in drawn
        if isinstance(snapshot, ReportSnapshot):
            assert len(snapshot.sections) == 8
            for section in snapshot.sections:
                assert escape(f"Section {section.number}: {section.title}") in page
                assert squeeze(section.figures_line) in drawn
                if section.why_both:
                    assert escape(section.why_both) in page
                    assert squeeze(section.why_both) in drawn
        assert pdf == render_pdf(
            document.kind,
            snapshot,
            number=document.number,
            issued_at=document.issued_at,
            correction_reason=document.correction_reason,
        )
