"""The accreditation through the pages, as its users take it: the careers leader, the Awarding
Body's admin and the assigned assessor, from the commitment request to the issued outcome."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from qic.accreditation import queries
from qic.accreditation.actions import StaleVersion
from qic.accreditation.models import Accreditation, Award, DocumentKind, EvidenceDocument, IssuedDocument
from qic.core.models import AuditEvent
from qic.domain.accreditation import (
    AUTHORISED_WORDING,
    CITATIONS,
    COMMITMENT_WORDING,
    Judgment,
    Outcome,
    Stage,
    anniversary,
)
from tests.conftest import Cast
from tests.factories import PDF_BYTES, make_round

pytestmark = pytest.mark.usefixtures("edition")


def signed_in(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def round_url(accreditation: Accreditation) -> str:
    return f"/providers/{accreditation.provider.urn}/accreditation/{accreditation.pk}/"


def text(response: Any) -> str:
    return response.content.decode()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_the_whole_journey_through_the_pages(
    cast: Cast, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    leader = signed_in(Client(), cast.p1_leader)
    admin = signed_in(Client(), cast.ab1_admin)
    assessor = signed_in(Client(), cast.assessor_assigned)
    urn = cast.p1.urn

    # 1. The careers leader asks for the certificate of commitment.
    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(
            f"/providers/{urn}/accreditation/commitment/",
            {
                "commitment_url": "https://alpha.example.org/careers",
                "compass_tool": "compass_plus",
                "compass_completed_on": (today - dt.timedelta(days=20)).isoformat(),
                "compass_report": SimpleUploadedFile("compass.pdf", PDF_BYTES),
            },
        )
    accreditation = Accreditation.objects.get(provider=cast.p1)
    assert response.status_code == 302
    assert response["Location"] == round_url(accreditation)
    assert accreditation.stage == Stage.COMMITMENT_REQUESTED
    assert accreditation.edition.code == "qic-2024"  # the edition is recorded on the round
    assert accreditation.criterion_records.count() == 32
    assert [m.to for m in mail.outbox] == [["admin1@example.org"]]

    # 2. The Awarding Body grants it; the provider sees the wording and the certificate.
    admin.post(round_url(accreditation) + "steps/grant_commitment/", {"version": accreditation.version})
    accreditation.refresh_from_db()
    assert accreditation.stage == Stage.COMMITTED
    overview = text(leader.get(f"/providers/{urn}/accreditation/"))
    assert COMMITMENT_WORDING in overview
    certificate = accreditation.issued_documents.get(kind=DocumentKind.COMMITMENT_CERTIFICATE)
    pdf = leader.get(round_url(accreditation) + f"issued/{certificate.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    # 3. Submitting with evidence missing is refused with what is missing.
    response = leader.post(
        round_url(accreditation) + "steps/submit_portfolio/", {"version": accreditation.version}, follow=True
    )
    assert "Add the missing evidence first" in text(response)
    assert "Latest Ofsted or ISI inspection report" in text(response)
    accreditation.refresh_from_db()
    assert accreditation.stage == Stage.COMMITTED

    # The portfolio: documents (checked by content) and a commentary per criterion.
    for kind, name, data in [
        ("inspection", "ofsted.pdf", PDF_BYTES),
        ("destinations", "destinations.docx", docx_bytes()),
        ("ceiag_policy", "policy.pdf", PDF_BYTES),
        ("provider_access", "access.pdf", PDF_BYTES),
    ]:
        response = leader.post(
            round_url(accreditation) + "documents/new/",
            {"kind": kind, "title": "", "criterion": "", "file": SimpleUploadedFile(name, data)},
        )
        assert response.status_code == 302, text(response)
    assert EvidenceDocument.objects.get(kind="destinations").file_type == "docx"
    accreditation.refresh_from_db()
    response = leader.post(
        round_url(accreditation) + "criteria/5.1/",
        {"commentary": "Every pupil meets employers each year.", "version": accreditation.version},
    )
    assert response.status_code == 302
    criterion_page = text(leader.get(round_url(accreditation) + "criteria/5.1/"))
    assert "Every pupil meets employers each year." in criterion_page
    assert "Evidence already in QiC Platform" in criterion_page
    accreditation.refresh_from_db()
    leader.post(round_url(accreditation) + "steps/submit_portfolio/", {"version": accreditation.version})
    accreditation.refresh_from_db()
    assert accreditation.stage == Stage.SUBMITTED

    # 4. The admin assigns the assessor and schedules the visit.
    admin.post(
        round_url(accreditation) + "steps/assign_assessor/",
        {"version": accreditation.version, "assessor": cast.assessor_assigned.pk},
    )
    accreditation.refresh_from_db()
    admin.post(
        round_url(accreditation) + "steps/schedule_visit/",
        {"version": accreditation.version, "visit_on": today.isoformat()},
    )
    accreditation.refresh_from_db()
    assert (accreditation.stage, accreditation.assessor, accreditation.visit_on) == (
        Stage.VISIT_SCHEDULED,
        cast.assessor_assigned,
        today,
    )

    # 5. The assessor judges every section, records learner voice and writes the summary.
    for number in range(1, 9):
        page = assessor.get(round_url(accreditation) + f"assess/{number}/")
        records = list(accreditation.criterion_records.filter(criterion__section__number=number))
        data: dict[str, Any] = {"version": page.context["version_form"].initial["version"]}
        for record in records:
            data[f"c{record.pk}-judgment"] = Judgment.FULLY_MEETING.value if number != 3 else "good_progress"
            data[f"c{record.pk}-comment"] = f"Seen in the evidence for {record.criterion.code}."
        response = assessor.post(round_url(accreditation) + f"assess/{number}/", data)
        assert response.status_code == 302, text(response)
        accreditation.refresh_from_db()
    response = assessor.post(
        round_url(accreditation) + "conversations/",
        {
            "kind": "learner_voice",
            "held_on": today.isoformat(),
            "participants": "Eight Year 10 pupils",
            "notes": "They could name three employers they had met.",
            "criteria": ["5.1"],
        },
    )
    assert response.status_code == 302
    accreditation.refresh_from_db()
    assessor.post(
        round_url(accreditation) + "assess/summary/",
        {
            "version": accreditation.version,
            "key_principles_met": "yes",
            "strengths": "Employer links & reflection.",
            "areas_for_development": "Equality of access in section 3.",
            "recommendations": "Analyse the gap for pupils with SEN support.",
        },
    )
    accreditation.refresh_from_db()
    assessor.post(round_url(accreditation) + "steps/submit_judgments/", {"version": accreditation.version})
    accreditation.refresh_from_db()
    assert (accreditation.stage, accreditation.recommended_outcome) == (Stage.JUDGED, "2a")

    # 6. The admin issues: report with the exact citation, certificate, award and reviews.
    admin.post(round_url(accreditation) + "steps/issue_outcome/", {"version": accreditation.version})
    accreditation.refresh_from_db()
    assert (accreditation.stage, accreditation.outcome) == (Stage.ISSUED, "2a")
    award = Award.objects.get(provider=cast.p1)
    assert award.awarded_on == today
    assert award.expires_on == anniversary(today, 3) - dt.timedelta(days=1)
    assert accreditation.reviews.count() == 2
    report = accreditation.issued_documents.get(kind=DocumentKind.REPORT)
    report_page = text(leader.get(round_url(accreditation) + f"issued/{report.pk}/"))
    assert CITATIONS[Outcome.GOOD_PROGRESS] in report_page
    assert "Seen in the evidence for 3.1." in report_page
    assert "Employer links &amp; reflection." in report_page
    assert "Making good progress" in report_page
    assert accreditation.issued_documents.filter(kind=DocumentKind.CERTIFICATE).count() == 1
    overview = text(leader.get(f"/providers/{urn}/accreditation/"))
    assert AUTHORISED_WORDING[Outcome.GOOD_PROGRESS] in overview
    assert "Valid until" in overview
    for document in accreditation.issued_documents.all():
        pdf = leader.get(round_url(accreditation) + f"issued/{document.pk}/pdf/")
        assert pdf.content.startswith(b"%PDF")
    # Every judgment and the outcome left an audit event.
    actions = list(AuditEvent.objects.filter(provider_id_ref=cast.p1.pk).values_list("action", flat=True))
    assert actions.count("assessment.judgment") == 32
    assert {"outcome.issued", "award.made", "document.issued.report", "document.issued.certificate"} <= set(actions)


def test_the_citation_is_printed_exactly(cast: Cast, client: Client) -> None:
    accreditation = make_round(cast, "issued", judgment=Judgment.FULLY_MEETING)
    report = accreditation.issued_documents.get(kind=DocumentKind.REPORT)
    assert report.content["citation"] == CITATIONS[Outcome.FULLY_MEETING]
    assert report.content["outcome"] == "2b"
    assert [s["judgment"] for s in report.content["sections"]] == ["Fully meeting"] * 8
    certificate = accreditation.issued_documents.get(kind=DocumentKind.CERTIFICATE)
    assert certificate.content["words"] == (
        "Congratulations on achieving the Quality in Careers Standard which fully incorporates the Gatsby Benchmarks."
    )


def test_outcome_1_gives_a_report_with_areas_for_development_and_no_certificate(cast: Cast, client: Client) -> None:
    accreditation = make_round(cast, "judged", judgment=Judgment.FULLY_MEETING)
    # Send it back, mark one criterion insufficient, and resubmit.
    from qic.accreditation import actions

    actions.return_to_assessor(
        accreditation=accreditation, reason="Look at 6.2 again", version=None, actor=cast.ab1_admin
    )
    record = accreditation.criterion_records.get(criterion__code="6.2")
    actions.save_judgments(
        accreditation=accreditation,
        judgments={record.pk: ("insufficient", "No workplace experience for Year 12.")},
        version=None,
        actor=cast.assessor_assigned,
    )
    actions.submit_judgments(accreditation=accreditation, version=None, actor=cast.assessor_assigned)
    award = actions.issue_outcome(
        accreditation=accreditation, version=None, today=timezone.localdate(), actor=cast.ab1_admin
    )
    assert award is None
    accreditation.refresh_from_db()
    assert accreditation.outcome == "1"
    assert not accreditation.issued_documents.filter(kind=DocumentKind.CERTIFICATE).exists()
    report = accreditation.issued_documents.get(kind=DocumentKind.REPORT)
    page = text(signed_in(client, cast.p1_leader).get(round_url(accreditation) + f"issued/{report.pk}/"))
    assert "no certificate is issued" in page
    assert "Section 6 making insufficient progress" in page
    assert "More employer encounters in Year 8." in page
    assert report.content["citation"] == ""


def test_an_out_of_date_compass_report_prevents_an_award(cast: Cast) -> None:
    accreditation = make_round(cast, "scheduled")
    Accreditation.objects.filter(pk=accreditation.pk).update(
        compass_completed_on=timezone.localdate() - dt.timedelta(days=400)
    )
    accreditation.refresh_from_db()
    from qic.accreditation import actions

    actions.save_judgments(
        accreditation=accreditation,
        judgments={r.pk: ("fully_meeting", "Fine.") for r in accreditation.criterion_records.all()},
        version=None,
        actor=cast.assessor_assigned,
    )
    accreditation.key_principles_met = True
    decision = queries.decision_for(accreditation)
    assert decision is not None
    assert decision.outcome is Outcome.NOT_AWARDED
    assert decision.reasons == ("There is no up-to-date Compass or Compass+ report",)


def test_a_second_editor_is_told_to_reload_and_loses_nothing(cast: Cast) -> None:
    accreditation = make_round(cast, "scheduled")
    first, second = signed_in(Client(), cast.assessor_assigned), signed_in(Client(), cast.assessor_assigned)
    url = round_url(accreditation) + "assess/5/"
    version = first.get(url).context["version_form"].initial["version"]
    assert second.get(url).context["version_form"].initial["version"] == version
    record = accreditation.criterion_records.get(criterion__code="5.1")
    others = accreditation.criterion_records.filter(criterion__section__number=5).exclude(pk=record.pk)

    def data(judgment: str, comment: str) -> dict[str, Any]:
        values = {"version": version, f"c{record.pk}-judgment": judgment, f"c{record.pk}-comment": comment}
        for other in others:
            values[f"c{other.pk}-judgment"] = ""
            values[f"c{other.pk}-comment"] = ""
        return values

    assert first.post(url, data("fully_meeting", "First view.")).status_code == 302
    response = second.post(url, data("insufficient", "Second view."))
    assert response.status_code == 409
    assert StaleVersion.message in text(response)
    record.refresh_from_db()
    assert (record.judgment, record.comment) == ("fully_meeting", "First view.")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("policy.pdf", b"MZ\x90\x00 this is really a program", "must be a PDF, Word"),
        ("notes.docx", b"PK\x03\x04 not really a zip", "damaged"),
        ("empty.pdf", b"", "empty"),
        ("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "smaller than 10 MB"),
    ],
)
def test_bad_uploads_get_a_clear_message_and_store_nothing(
    cast: Cast, client: Client, name: str, data: bytes, message: str
) -> None:
    accreditation = make_round(cast, "committed")
    before = EvidenceDocument.objects.count()
    response = signed_in(client, cast.p1_leader).post(
        round_url(accreditation) + "documents/new/",
        {"kind": "inspection", "title": "", "criterion": "", "file": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 200
    assert message in text(response)
    assert "There is a problem" in text(response)
    assert EvidenceDocument.objects.count() == before


def test_uploaded_evidence_is_stored_outside_the_web_root_and_served_as_a_download(
    cast: Cast, client: Client, settings: Any
) -> None:
    accreditation = make_round(cast, "committed")
    document = accreditation.documents.get(kind="compass")
    path = document.file.path
    assert path.startswith(str(settings.MEDIA_ROOT))
    assert "compass" not in path.rsplit("/", 1)[-1]  # never the uploaded name on disk
    response = signed_in(client, cast.p1_governor).get(round_url(accreditation) + f"documents/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]


def test_issued_documents_never_change_and_a_correction_says_what_it_replaces(cast: Cast, client: Client) -> None:
    accreditation = make_round(cast, "issued")
    report = accreditation.issued_documents.get(kind=DocumentKind.REPORT)
    original = dict(report.content)
    report.correction_reason = "tampering"
    with pytest.raises(ValueError, match="never change"):
        report.save()
    with pytest.raises(ValueError, match="kept"):
        report.delete()
    admin = signed_in(client, cast.ab1_admin)
    response = admin.post(
        round_url(accreditation) + f"issued/{report.pk}/correct/",
        {
            "reason": "The action points named the wrong year group.",
            "strengths": original["strengths"],
            "areas_for_development": original["areas_for_development"],
            "recommendations": "Plan encounters for Year 9.",
        },
    )
    corrected = IssuedDocument.objects.get(accreditation=accreditation, kind=DocumentKind.REPORT, number=2)
    assert response["Location"].endswith(f"issued/{corrected.pk}/")
    assert corrected.replaces == report
    assert corrected.content["recommendations"] == "Plan encounters for Year 9."
    report.refresh_from_db()
    assert report.content == original
    page = text(admin.get(round_url(accreditation) + f"issued/{report.pk}/"))
    assert "This version has been replaced by" in page
    page = text(admin.get(round_url(accreditation) + f"issued/{corrected.pk}/"))
    assert "The action points named the wrong year group." in page
    # Only the latest version can be corrected.
    response = admin.post(
        round_url(accreditation) + f"issued/{report.pk}/correct/",
        {"reason": "Again", "strengths": "", "areas_for_development": "", "recommendations": ""},
    )
    assert "already been replaced" in text(response)


def test_a_refused_move_says_why(cast: Cast, client: Client) -> None:
    accreditation = make_round(cast, "committed")
    response = signed_in(client, cast.ab1_admin).post(
        round_url(accreditation) + "steps/issue_outcome/", {"version": accreditation.version}, follow=True
    )
    assert "Every criterion must be judged" in text(response)
    response = client.post(
        round_url(accreditation) + "steps/assign_assessor/",
        {"version": accreditation.version, "assessor": cast.assessor_assigned.pk},
        follow=True,
    )
    assert "You cannot assign assessor at the “committed” stage" in text(response)
    accreditation.refresh_from_db()
    assert accreditation.stage == Stage.COMMITTED


def test_the_provider_does_not_see_judgments_before_the_outcome_is_issued(cast: Cast, client: Client) -> None:
    accreditation = make_round(cast, "judged")
    leader_page = text(signed_in(client, cast.p1_leader).get(round_url(accreditation)))
    assert "Making good progress" not in leader_page
    admin_page = text(signed_in(Client(), cast.ab1_admin).get(round_url(accreditation)))
    assert "Making good progress" in admin_page
    assert "Issue Outcome 2a" in admin_page
