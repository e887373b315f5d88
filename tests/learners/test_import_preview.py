"""Safe learner imports: no full import by default, a preview before anything is written,
CTF destination and academic-year checks, limits checked before parsing, capped errors.

Jobs run inline in tests (the immediate task backend), so a check has finished by the time the upload
redirects to the job's page.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.html import escape

from qic.core.models import AuditEvent
from qic.domain.academic import academic_year_of
from qic.domain.upn import upn_check_letter
from qic.learners import actions, imports
from qic.learners.models import Learner, LearnerImport
from qic.learners.parsing import LearnerFileError, count_records, ctf_academic_year_problem, parse_ctf
from qic.organisations.models import Provider
from qic.programme.actions import create_api_token
from tests.conftest import Cast
from tests.factories import ProviderFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "learners"
CTF = (FIXTURES / "ctf_school.xml").read_bytes()
HEADER = "UPN,Forename,Surname,Date of birth,Sex,Year group\r\n"


def upn(serial: int) -> str:
    body = f"88890011{serial:04d}"
    return upn_check_letter(body) + body


def make_roll(provider: Provider, size: int) -> list[Learner]:
    """`size` Year 9 pupils on roll, their year group recorded this academic year."""
    year = academic_year_of(timezone.localdate())
    return [
        Learner.objects.create(
            provider=provider,
            upn=upn(n),
            forename=f"Pupil{n:03d}",
            surname=f"Rollcall{n:03d}",
            date_of_birth=dt.date(year - 13, 1, 15),
            sex="F",
            year_group=9,
            year_group_recorded_in=year,
        )
        for n in range(1, size + 1)
    ]


def csv_of(learners: list[Learner]) -> bytes:
    rows = [f"{x.upn},{x.forename},{x.surname},{x.date_of_birth:%d/%m/%Y},{x.sex},{x.year_group}\r\n" for x in learners]
    return (HEADER + "".join(rows)).encode()


def send(client: Client, provider: Provider, data: bytes, *, full: bool | None, name: str = "roll.csv") -> Any:
    post: dict[str, object] = {"file": SimpleUploadedFile(name, data, content_type="text/csv")}
    if full is not None:
        post["full_import"] = "full" if full else "partial"
    return client.post(f"/providers/{provider.urn}/learners/import/", post)


def job_of(provider: Provider) -> LearnerImport:
    job = LearnerImport.objects.filter(provider=provider).order_by("-pk").first()
    assert job is not None
    return job


def text(html: str) -> str:
    """The page's text with tags dropped and white space squashed, for reading sentences."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


@pytest.fixture
def leader(client: Client, cast: Cast) -> Client:
    client.force_login(cast.p1_leader)
    return client


# --- 1. A full import is a deliberate choice ------------------------------------------------------


def test_the_import_page_asks_about_a_full_import_with_no_answer_chosen(leader: Client, cast: Cast) -> None:
    html = leader.get(f"/providers/{cast.p1.urn}/learners/import/").content.decode()
    radios = re.findall(r'<input type="radio" name="full_import"[^>]*>', html)
    assert len(radios) == 2
    assert not [radio for radio in radios if "checked" in radio]
    assert 'value="full"' in radios[1]
    assert "Yes: it is the whole roll, so mark learners who are not in it as left" in html
    assert "you see who they are before anything is saved" in html
    assert "Upload and check" in html


def test_not_choosing_is_an_error_and_nothing_is_stored(leader: Client, cast: Cast) -> None:
    roll = make_roll(cast.p1, 10)
    response = send(leader, cast.p1, csv_of(roll[:4]), full=None)
    assert response.status_code == 200
    assert response.context["form"].errors == {"full_import": ["Select whether the file lists every learner on roll"]}
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert 'href="#id_full_import_0">Select whether the file lists every learner on roll</a>' in html
    assert LearnerImport.objects.count() == 0
    assert Learner.objects.filter(left_on__isnull=False).count() == 0


# --- 2. Preview, then confirm or cancel --------------------------------------------------------------


def test_a_four_row_full_file_shows_who_would_leave_and_writes_nothing_until_confirmed(
    leader: Client, cast: Cast
) -> None:
    roll = make_roll(cast.p1, 40)
    response = send(leader, cast.p1, csv_of(roll[:4]), full=True)
    job = job_of(cast.p1)
    assert response.status_code == 302
    assert response["Location"] == f"/providers/{cast.p1.urn}/learners/import/{job.pk}/"
    assert job.status == LearnerImport.Status.READY
    assert (job.created_count, job.updated_count, job.unchanged_count, job.left_count, job.roll_count) == (
        0,
        0,
        4,
        36,
        40,
    )
    # Nothing written: nobody has left, no audit event about learners.
    assert Learner.objects.filter(provider=cast.p1, left_on__isnull=False).count() == 0
    assert not AuditEvent.objects.filter(action__startswith="learner").exists()

    html = leader.get(response["Location"]).content.decode()
    page = text(html)
    assert "Check what this import will do" in page
    assert "Nothing has been saved yet" in page
    assert "36 learners will be marked as left (of 40 on roll)" in page
    assert "This will mark 36 of the 40 learners on roll (90%) as left" in page
    assert 'class="govuk-warning-text"' in html
    assert 'class="govuk-summary-list"' in html
    # Every leaver by name, with UPN and year group, in a keyboard-reachable scrolling region.
    assert 'class="qic-scroll" role="region" aria-labelledby="leaving-caption" tabindex="0"' in html
    for learner in roll[4:]:
        assert (
            f'<td class="govuk-table__cell">{learner.surname}, {learner.forename}</td>'
            f'<td class="govuk-table__cell">{learner.upn}</td>'
            '<td class="govuk-table__cell">Year 9</td>'
        ) in html
    for learner in roll[:4]:
        assert learner.surname not in html
    assert "Confirm and import" in html
    assert "Cancel import" in html
    assert "hx-get" not in html  # waiting for the leader: no polling

    done = leader.post(f"/providers/{cast.p1.urn}/learners/import/{job.pk}/confirm/", {"digest": job.plan_digest})
    assert done.status_code == 302
    job.refresh_from_db()
    assert job.status == LearnerImport.Status.DONE
    assert (job.unchanged_count, job.left_count) == (4, 36)
    assert bytes(job.data) == b""
    assert job.leaving_ids == []
    left = set(Learner.objects.filter(provider=cast.p1, left_on=timezone.localdate()).values_list("pk", flat=True))
    assert left == {learner.pk for learner in roll[4:]}
    assert AuditEvent.objects.filter(action="learner.left").count() == 36
    assert AuditEvent.objects.get(action="learners.imported").after == {
        "created": 0,
        "updated": 0,
        "unchanged": 4,
        "left": 36,
    }
    assert "4 unchanged, 36 marked as left" in leader.get(done["Location"]).content.decode()


def test_a_small_share_leaving_gets_no_warning(leader: Client, cast: Cast) -> None:
    roll = make_roll(cast.p1, 20)
    send(leader, cast.p1, csv_of(roll[:18]), full=True)  # 2 of 20 = 10%: not more than 10%
    job = job_of(cast.p1)
    html = leader.get(f"/providers/{cast.p1.urn}/learners/import/{job.pk}/").content.decode()
    assert "2 learners will be marked as left (of 20 on roll)" in text(html)
    assert "govuk-warning-text" not in html


def test_a_partial_import_marks_nobody_as_left_even_against_a_big_roll(leader: Client, cast: Cast) -> None:
    roll = make_roll(cast.p1, 30)
    send(leader, cast.p1, csv_of(roll[:4]), full=False)
    job = job_of(cast.p1)
    assert (job.status, job.full_import, job.left_count, job.leaving_ids) == ("ready", False, 0, [])
    html = leader.get(f"/providers/{cast.p1.urn}/learners/import/{job.pk}/").content.decode()
    assert "0 learners will be marked as left" in text(html)
    assert "Only the learners in the file: nobody is marked as left" in text(html)
    assert "govuk-warning-text" not in html


def test_cancelling_discards_the_file_and_writes_nothing(leader: Client, cast: Cast) -> None:
    roll = make_roll(cast.p1, 10)
    send(leader, cast.p1, csv_of(roll[:4]), full=True)
    job = job_of(cast.p1)
    response = leader.post(f"/providers/{cast.p1.urn}/learners/import/{job.pk}/cancel/")
    assert response.status_code == 302
    assert response["Location"] == f"/providers/{cast.p1.urn}/learners/import/"
    job.refresh_from_db()
    assert (job.status, bytes(job.data), job.leaving_ids) == ("cancelled", b"", [])
    assert "nothing was imported and the file was discarded" in leader.get(response["Location"]).content.decode()
    assert Learner.objects.filter(left_on__isnull=False).count() == 0
    event = AuditEvent.objects.get(action="learners.import_cancelled")
    assert (event.actor, event.provider_id_ref) == (cast.p1_leader, cast.p1.pk)

    # A cancelled preview cannot be confirmed afterwards.
    late = leader.post(f"/providers/{cast.p1.urn}/learners/import/{job.pk}/confirm/", {"digest": job.plan_digest})
    assert "no longer waiting to be confirmed" in leader.get(late["Location"]).content.decode()
    assert Learner.objects.filter(left_on__isnull=False).count() == 0
    assert not AuditEvent.objects.filter(action__in=["learner.left", "learners.imported"]).exists()


def test_if_the_roll_changed_after_the_preview_nothing_is_written(leader: Client, cast: Cast) -> None:
    roll = make_roll(cast.p1, 10)
    send(leader, cast.p1, csv_of(roll[:4]), full=True)
    job = job_of(cast.p1)
    assert job.left_count == 6
    # Someone else marks one of the six as left before the leader confirms.
    actions.update_learner(learner=roll[9], changes={"left_on": dt.date(2026, 1, 5)}, actor=cast.p1_leader)

    response = leader.post(f"/providers/{cast.p1.urn}/learners/import/{job.pk}/confirm/", {"digest": job.plan_digest})
    job.refresh_from_db()
    assert (job.status, bytes(job.data)) == ("stale", b"")
    assert Learner.objects.filter(provider=cast.p1, left_on=timezone.localdate()).count() == 0
    assert not AuditEvent.objects.filter(action__in=["learner.left", "learners.imported"]).exists()
    page = text(leader.get(response["Location"]).content.decode())
    assert "Nothing was imported: your learners changed after this file was checked" in page
    assert "upload it again" in page


def test_a_confirmation_for_another_preview_is_refused(leader: Client, cast: Cast) -> None:
    roll = make_roll(cast.p1, 10)
    send(leader, cast.p1, csv_of(roll[:4]), full=True)
    job = job_of(cast.p1)
    response = leader.post(f"/providers/{cast.p1.urn}/learners/import/{job.pk}/confirm/", {"digest": "0" * 64})
    assert "no longer waiting to be confirmed" in leader.get(response["Location"]).content.decode()
    job.refresh_from_db()
    assert job.status == LearnerImport.Status.READY
    assert Learner.objects.filter(left_on__isnull=False).count() == 0


def test_confirming_twice_imports_once(leader: Client, cast: Cast) -> None:
    roll = make_roll(cast.p1, 10)
    send(leader, cast.p1, csv_of(roll[:4]), full=True)
    job = job_of(cast.p1)
    url = f"/providers/{cast.p1.urn}/learners/import/{job.pk}/confirm/"
    leader.post(url, {"digest": job.plan_digest})
    leader.post(url, {"digest": job.plan_digest})
    assert AuditEvent.objects.filter(action="learners.imported").count() == 1
    assert AuditEvent.objects.filter(action="learner.left").count() == 6


def test_a_new_upload_replaces_a_preview_that_was_never_confirmed(leader: Client, cast: Cast) -> None:
    roll = make_roll(cast.p1, 10)
    send(leader, cast.p1, csv_of(roll[:4]), full=True)
    first = job_of(cast.p1)
    send(leader, cast.p1, csv_of(roll), full=True)
    first.refresh_from_db()
    assert (first.status, bytes(first.data)) == ("cancelled", b"")
    assert job_of(cast.p1).status == LearnerImport.Status.READY


@pytest.mark.parametrize(("name", "status"), [("p1_staff", 403), ("p1_governor", 403), ("p2_leader", 404)])
def test_only_the_providers_careers_leader_may_confirm_or_cancel(
    client: Client, cast: Cast, name: str, status: int
) -> None:
    roll = make_roll(cast.p1, 10)
    client.force_login(cast.p1_leader)
    send(client, cast.p1, csv_of(roll[:4]), full=True)
    job = job_of(cast.p1)
    client.force_login(cast.user(name))
    base = f"/providers/{cast.p1.urn}/learners/import/{job.pk}"
    assert client.post(f"{base}/confirm/", {"digest": job.plan_digest}).status_code == status
    assert client.post(f"{base}/cancel/").status_code == status
    job.refresh_from_db()
    assert job.status == LearnerImport.Status.READY
    assert Learner.objects.filter(left_on__isnull=False).count() == 0


# --- 3. Common Transfer Files ----------------------------------------------------------------------


def test_a_ctf_addressed_to_another_school_we_know_is_refused_naming_both(leader: Client, cast: Cast) -> None:
    other = ProviderFactory(name="Brackenfield Academy", la_code="888", establishment_number="9002")
    response = send(leader, cast.p1, CTF, full=False, name="transfer.xml")
    job = job_of(cast.p1)
    reason = (
        f"This Common Transfer File is addressed to Brackenfield Academy (URN {other.urn}, DfE number 888/9002), "
        f"not to {cast.p1.name} (URN {cast.p1.urn}). Nothing was imported."
    )
    assert (job.status, job.errors) == ("failed", [{"line": 0, "reason": reason}])
    assert escape(reason) in leader.get(response["Location"]).content.decode()
    assert Learner.objects.count() == 0


def test_a_ctf_addressed_to_another_urn_is_refused(leader: Client, cast: Cast) -> None:
    data = CTF.replace(b"<Estab>9002</Estab>", b"<Estab>9002</Estab>\n    <URN>123456</URN>")
    send(leader, cast.p1, data, full=False)
    job = job_of(cast.p1)
    assert job.errors == [
        {
            "line": 0,
            "reason": f"This Common Transfer File is addressed to URN 123456, not to {cast.p1.name} "
            f"(URN {cast.p1.urn}). Nothing was imported.",
        }
    ]
    assert Learner.objects.count() == 0


def test_a_ctf_for_another_dfe_number_is_refused_naming_ours(leader: Client, cast: Cast) -> None:
    Provider.objects.filter(pk=cast.p1.pk).update(la_code="888", establishment_number="4001")
    send(leader, cast.p1, CTF, full=False)
    assert job_of(cast.p1).errors == [
        {
            "line": 0,
            "reason": f"This Common Transfer File is addressed to DfE number 888/9002, not to {cast.p1.name} "
            f"(URN {cast.p1.urn}, DfE number 888/4001). Nothing was imported.",
        }
    ]


def test_a_ctf_for_this_school_by_urn_is_previewed_with_its_year(leader: Client, cast: Cast) -> None:
    data = CTF.replace(b"<Estab>9002</Estab>", f"<Estab>9002</Estab><URN>{cast.p1.urn}</URN>".encode())
    response = send(leader, cast.p1, data, full=False)
    job = job_of(cast.p1)
    assert (job.status, job.created_count) == ("ready", 8)
    page = text(leader.get(response["Location"]).content.decode())
    assert f"Addressed to URN {cast.p1.urn}: this school." in page
    assert "The file's year groups are for 2025/26." in page
    leader.post(f"/providers/{cast.p1.urn}/learners/import/{job.pk}/confirm/", {"digest": job.plan_digest})
    # Year groups are recorded in the file's year and roll forward from there.
    assert set(Learner.objects.filter(provider=cast.p1).values_list("year_group_recorded_in", flat=True)) == {2025}


def test_a_ctf_whose_academic_year_does_not_fit_its_pupils_is_refused(leader: Client, cast: Cast) -> None:
    Provider.objects.filter(pk=cast.p1.pk).update(la_code="888", establishment_number="9002")
    data = CTF.replace(b"<AcademicYear>2025</AcademicYear>", b"<AcademicYear>2023</AcademicYear>")
    send(leader, cast.p1, data, full=False)
    reason = (
        "The CTF header says academic year 2023/24, but the year groups of 8 of 8 pupils fit their dates of "
        "birth in 2025/26, and only 0 fit 2023/24. Export a current file from your MIS, or check its academic year."
    )
    assert job_of(cast.p1).errors == [{"line": 0, "reason": reason}]
    assert Learner.objects.count() == 0


def test_the_ctf_header_is_read() -> None:
    header = parse_ctf(CTF, today=dt.date(2025, 10, 1)).header
    assert header is not None
    assert (header.source.urn, header.source.dfe_number, header.source.name) == (
        "990001",
        "888/9001",
        "Fixturewell Academy",
    )
    assert (header.destination.dfe_number, header.destination.urn, header.academic_year) == ("888/9002", "", 2025)


def test_an_older_ctf_with_destination_directly_under_the_header() -> None:
    data = re.sub(rb"<DestSchool>.*?</DestSchool>", b"<DestLA>888</DestLA><DestEstab>9002</DestEstab>", CTF, flags=re.S)
    header = parse_ctf(data, today=dt.date(2025, 10, 1)).header
    assert header is not None
    assert header.destination.dfe_number == "888/9002"


def test_one_pupil_out_of_their_year_group_is_fine_but_most_is_not() -> None:
    rows = parse_ctf(CTF, today=dt.date(2025, 10, 1)).rows
    assert ctf_academic_year_problem(2025, rows) is None
    assert ctf_academic_year_problem(None, rows) is None
    # Held back a year: one pupil of eight does not make the file's year wrong.
    assert (
        ctf_academic_year_problem(2025, [*rows[1:], rows[0].__class__(**{**rows[0].__dict__, "year_group": 6})]) is None
    )
    assert ctf_academic_year_problem(2024, rows) is not None
    with pytest.raises(LearnerFileError, match="academic year 'last year' is not a year"):
        parse_ctf(CTF.replace(b"<AcademicYear>2025</AcademicYear>", b"<AcademicYear>last year</AcademicYear>"))


# --- 4. Limits, before parsing -----------------------------------------------------------------------


@override_settings(QIC_LEARNER_IMPORT_MAX_BYTES=1000)
def test_an_oversize_file_is_refused_before_it_is_parsed(leader: Client, cast: Cast) -> None:
    # Not CSV at all: parsing would say so; the size check answers first.
    response = send(leader, cast.p1, b"\x00" * 1001, full=False)
    assert response.status_code == 200
    message = "The file is 1,001 bytes: the largest learner file you can import is 1,000 bytes."
    assert response.context["form"].errors["file"][0].startswith(message)
    assert message in response.content.decode()
    assert LearnerImport.objects.count() == 0


def test_the_default_size_limit_is_20_mb(leader: Client, cast: Cast) -> None:
    response = send(leader, cast.p1, b"x" * (20 * 1024 * 1024 + 1), full=False)
    assert response.context["form"].errors["file"] == [
        "The file is 20.1 MB: the largest learner file you can import is 20 MB. "
        "Export fewer columns, or split the file by year group."
    ]
    assert LearnerImport.objects.count() == 0


@override_settings(QIC_LEARNER_IMPORT_MAX_ROWS=5)
def test_too_many_rows_are_refused_before_parsing(leader: Client, cast: Cast) -> None:
    data = (HEADER + "garbage\r\n" * 6).encode()
    response = send(leader, cast.p1, data, full=False)
    assert response.context["form"].errors == {
        "file": [
            "The file has 6 rows: the most one import can take is 5. Split it into smaller files "
            "(each then imported without marking anyone as left)."
        ]
    }
    assert LearnerImport.objects.count() == 0
    # Five rows pass the limit and reach the parser.
    send(leader, cast.p1, (HEADER + "garbage\r\n" * 5).encode(), full=False)
    assert job_of(cast.p1).status == LearnerImport.Status.FAILED


def test_rows_are_counted_without_parsing() -> None:
    assert count_records(b"UPN\r\nA\r\nB\r\n", "csv") == 2
    assert count_records(b"UPN\r\nA\r\nB", "csv") == 2
    assert count_records(b"UPN", "csv") == 0
    assert count_records(CTF, "ctf") == 8
    assert count_records(b"<c:CTfile><c:Pupil><c:UPN/></c:Pupil><c:Pupil/></c:CTfile>", "ctf") == 2


# --- 5. Errors: every bad row by line, the list capped ----------------------------------------------


def test_the_error_list_is_capped_at_100_with_the_rest_counted(leader: Client, cast: Cast) -> None:
    rows = "".join(f"{upn(n)},Ann,Rollcall,15/01/2012,,8\r\n" for n in range(1, 151))
    response = send(leader, cast.p1, (HEADER + rows).encode(), full=True)
    job = job_of(cast.p1)
    assert job.status == LearnerImport.Status.FAILED
    assert (len(job.errors), job.error_count) == (100, 150)
    assert job.errors[0] == {"line": 2, "reason": "Sex is required"}
    assert job.errors[-1] == {"line": 101, "reason": "Sex is required"}
    page = text(leader.get(response["Location"]).content.decode())
    assert "Nothing was imported: 150 problems to fix" in page
    assert "The first 100 are listed below." in page
    assert "and 50 more problems not listed" in page
    assert Learner.objects.count() == 0
    history = text(leader.get(f"/providers/{cast.p1.urn}/learners/import/").content.decode())
    assert "Not imported: 150 problems" in history


# --- The API -----------------------------------------------------------------------------------------


@pytest.fixture
def mis(cast: Cast) -> dict[str, str]:
    _token, plain = create_api_token(provider_id=cast.p1.pk, name="MIS", scope="read_write", actor=cast.p1_leader)
    return {"Authorization": f"Bearer {plain}"}


def api_import(cast: Cast, headers: dict[str, str], data: bytes, query: str = "") -> Any:
    return Client().post(
        f"/api/v1/providers/{cast.p1.urn}/learners/import{query}",
        {"file": SimpleUploadedFile("roll.csv", data, content_type="text/csv")},
        headers=headers,
    )


def test_the_api_does_not_do_a_full_import_unless_asked(cast: Cast, mis: dict[str, str]) -> None:
    roll = make_roll(cast.p1, 12)
    response = api_import(cast, mis, csv_of(roll[:4]))
    assert response.status_code == 202
    assert Learner.objects.filter(left_on__isnull=False).count() == 0
    body = response.json()
    assert (body["status"], body["full_import"], body["unchanged"], body["left"]) == ("done", False, 4, 0)


def test_an_api_dry_run_answers_the_preview_and_writes_nothing(cast: Cast, mis: dict[str, str]) -> None:
    roll = make_roll(cast.p1, 12)
    response = api_import(cast, mis, csv_of(roll[:10]), "?full_import=true&dry_run=true")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["full_import"], body["unchanged"], body["left"], body["roll"]) == (
        "preview",
        True,
        10,
        2,
        12,
    )
    assert body["leaving"] == [
        {"upn": x.upn, "uln": "", "forename": x.forename, "surname": x.surname, "year_group": 9} for x in roll[10:]
    ]
    assert LearnerImport.objects.count() == 0
    assert Learner.objects.filter(left_on__isnull=False).count() == 0
    assert not AuditEvent.objects.filter(action__startswith="learner").exists()


def test_an_api_full_import_must_expect_the_right_number_leaving(cast: Cast, mis: dict[str, str]) -> None:
    roll = make_roll(cast.p1, 12)
    missing = api_import(cast, mis, csv_of(roll[:4]), "?full_import=true")
    assert missing.status_code == 422
    assert "expect_left" in missing.json()["errors"][0]["reason"]
    assert LearnerImport.objects.count() == 0

    # The check runs as a job: a full import expecting another number is cancelled, with the reason.
    wrong = api_import(cast, mis, csv_of(roll[:4]), "?full_import=true&expect_left=2")
    assert wrong.status_code == 202
    body = Client().get(wrong.json()["status_url"], headers=mis).json()
    assert (body["status"], body["left"], body["leaving"]) == ("cancelled", 8, [])
    assert body["errors"] == [
        {"line": 0, "reason": "This file would mark 8 learners as left, not 2 (expect_left). Nothing was imported."}
    ]
    job = LearnerImport.objects.get()
    assert (job.status, bytes(job.data)) == ("cancelled", b"")
    assert Learner.objects.filter(left_on__isnull=False).count() == 0
    assert AuditEvent.objects.filter(action="learners.import_cancelled").count() == 1

    right = api_import(cast, mis, csv_of(roll[:4]), "?full_import=true&expect_left=8")
    assert right.status_code == 202
    assert (right.json()["status"], right.json()["left"]) == ("done", 8)
    assert Learner.objects.filter(left_on__isnull=False).count() == 8


@override_settings(QIC_LEARNER_IMPORT_MAX_BYTES=1000)
def test_the_api_refuses_an_oversize_file_with_413(cast: Cast, mis: dict[str, str]) -> None:
    response = api_import(cast, mis, b"x" * 1001)
    assert response.status_code == 413
    assert response.json()["errors"][0]["reason"].startswith(
        "The file is 1,001 bytes: the largest learner file you can import is 1,000 bytes."
    )
    assert LearnerImport.objects.count() == 0


@override_settings(QIC_LEARNER_IMPORT_MAX_ROWS=3)
def test_the_api_refuses_too_many_rows_with_413(cast: Cast, mis: dict[str, str]) -> None:
    response = api_import(cast, mis, csv_of(make_roll(cast.p1, 4)))
    assert response.status_code == 413
    assert response.json()["errors"][0]["reason"].startswith("The file has 4 rows: the most one import can take is 3.")


def test_the_api_caps_the_error_list(cast: Cast, mis: dict[str, str]) -> None:
    rows = "".join(f"{upn(n)},Ann,Rollcall,15/01/2012,,8\r\n" for n in range(1, 121))
    response = api_import(cast, mis, (HEADER + rows).encode())
    assert response.status_code == 202
    body = Client().get(response.json()["status_url"], headers=mis).json()
    assert (body["status"], len(body["errors"]), body["error_count"]) == ("failed", 100, 120)


def test_a_file_replaced_before_its_check_started_is_not_checked(cast: Cast) -> None:
    roll = make_roll(cast.p1, 5)
    waiting = LearnerImport.objects.create(
        provider=cast.p1, kind="csv", file_name="old.csv", data=csv_of(roll), full_import=True
    )
    actions.start_learner_import(
        provider=cast.p1, kind="csv", file_name="new.csv", data=csv_of(roll), full_import=False, actor=cast.p1_leader
    )
    # The thread for the first file starts late: it finds the job cancelled and leaves it so.
    assert imports.check_learner_import(waiting.pk).status == LearnerImport.Status.CANCELLED
    waiting.refresh_from_db()
    assert (waiting.status, bytes(waiting.data)) == ("cancelled", b"")
