"""Importing learner files through the careers leader's import page.

The fixture files are in tests/fixtures/learners (see make_fixtures.py). Jobs run inline in
tests (the immediate task backend), so the import has finished by the time the upload redirects.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from qic.core.jobs import report_progress
from qic.core.models import AuditEvent
from qic.domain.academic import academic_year_of, age_on
from qic.domain.provider_types import ProviderType
from qic.learners.models import Learner, LearnerImport
from qic.organisations.models import Provider, Role
from tests.conftest import Cast
from tests.factories import AwardingBodyFactory, ProviderFactory, make_member

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "learners"
SCHOOL_CSV = (FIXTURES / "learners_school.csv").read_bytes()
SCHOOL_UPNS = [
    "X888900118001",
    "L888900118002",
    "R888900117014",
    "U888900216007",
    "Y888900216031",
    "B888900115020",
    "Q888900115021",
    "C888900314005",
    "R888900314006",
    "H888900413002",
    "W888900412009",
    "G888900412010",
]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def send(
    client: Client, provider: Provider, data: bytes, *, name: str = "learners.csv", full_import: bool = True
) -> Any:
    """POST the file to the import page, as the form does: it is checked, not imported."""
    post: dict[str, object] = {
        "file": SimpleUploadedFile(name, data, content_type="text/csv"),
        "full_import": "full" if full_import else "partial",
    }
    return client.post(f"/providers/{provider.urn}/learners/import/", post)


def confirm(client: Client, job: LearnerImport, digest: str | None = None) -> Any:
    """Press "Confirm and import" on the job's preview."""
    return client.post(
        f"/providers/{job.provider.urn}/learners/import/{job.pk}/confirm/",
        {"digest": job.plan_digest if digest is None else digest},
    )


def upload(
    client: Client, provider: Provider, data: bytes, *, name: str = "learners.csv", full_import: bool = True
) -> Any:
    """Send the file and, if the check passed, confirm the preview: the whole journey."""
    response = send(client, provider, data, name=name, full_import=full_import)
    job = LearnerImport.objects.filter(provider=provider).order_by("-pk").first()
    if response.status_code == 302 and job is not None and job.status == LearnerImport.Status.READY:
        return confirm(client, job)
    return response


def latest_job(provider: Provider) -> LearnerImport:
    job = LearnerImport.objects.filter(provider=provider).order_by("-pk").first()
    assert job is not None
    return job


def modified_school_csv() -> bytes:
    """The school file with Ada Fixturewell's surname changed and Lucan Specimen's row removed."""
    lines = SCHOOL_CSV.decode().split("\r\n")
    kept = [line for line in lines if "G888900412010" not in line]
    changed = [line.replace("X888900118001,Fixturewell,", "X888900118001,Fixturewell-Hart,") for line in kept]
    assert len(changed) == len(lines) - 1
    return "\r\n".join(changed).encode()


@pytest.fixture
def leader(client: Client, cast: Cast) -> Client:
    client.force_login(cast.p1_leader)
    return client


# --- The school CSV ----------------------------------------------------------------------------


def test_school_csv_imports_and_redirects_to_the_status_page(leader: Client, cast: Cast) -> None:
    response = upload(leader, cast.p1, SCHOOL_CSV, name="sims-export.csv")
    job = latest_job(cast.p1)
    assert response.status_code == 302
    assert response["Location"] == f"/providers/{cast.p1.urn}/learners/import/{job.pk}/"
    assert job.status == LearnerImport.Status.DONE
    assert job.kind == LearnerImport.Kind.CSV
    assert job.file_name == "sims-export.csv"
    assert (job.created_count, job.updated_count, job.unchanged_count, job.left_count) == (12, 0, 0, 0)
    assert job.created_by == cast.p1_leader
    assert bytes(job.data) == b""  # the file's personal data is not kept once imported

    page = leader.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<html" in html
    assert "Importing sims-export.csv" in html
    assert "Import complete" in html
    assert "12 new, 0 updated, 0 unchanged, 0 marked as left" in html


def test_imported_learners_have_the_files_fields_flags_and_year_groups(leader: Client, cast: Cast) -> None:
    upload(leader, cast.p1, SCHOOL_CSV)
    year = academic_year_of(timezone.localdate())
    learners = {learner.upn: learner for learner in Learner.objects.filter(provider=cast.p1)}
    assert sorted(learners) == sorted(SCHOOL_UPNS)
    assert {learner.year_group_recorded_in for learner in learners.values()} == {year}
    assert {learner.left_on for learner in learners.values()} == {None}
    assert {learner.joined_on for learner in learners.values()} == {None}

    ada = learners["X888900118001"]
    assert (ada.forename, ada.surname, ada.date_of_birth, ada.sex) == ("Ada", "Fixturewell", dt.date(2014, 2, 14), "F")
    assert (ada.year_group, ada.registration_group) == (7, "7FW")
    assert ada.support_labels == []
    assert ada.year_group_in(year) == 7
    assert ada.year_group_in(year + 1) == 8

    bertram = learners["L888900118002"]
    assert (bertram.sex, bertram.year_group, bertram.pupil_premium, bertram.free_school_meals) == ("M", 7, True, True)

    clementine = learners["R888900117014"]
    assert (clementine.date_of_birth, clementine.sex, clementine.year_group) == (dt.date(2013, 5, 30), "F", 8)
    assert (clementine.pupil_premium, clementine.free_school_meals, clementine.sen_support) == (True, True, False)

    dorian = learners["U888900216007"]  # SEN status K: SEN support
    assert (dorian.date_of_birth, dorian.year_group, dorian.sen_support, dorian.ehc_plan) == (
        dt.date(2011, 11, 21),
        9,
        True,
        False,
    )

    esme = learners["Y888900216031"]
    assert (esme.surname, esme.year_group, esme.registration_group, esme.eal) == ("Placeholder-Jones", 9, "9MR", True)

    fergus = learners["B888900115020"]  # SEN status E: an EHC plan
    assert (fergus.year_group, fergus.pupil_premium, fergus.sen_support, fergus.ehc_plan) == (10, True, False, True)

    gwendolyn = learners["Q888900115021"]
    assert (gwendolyn.pupil_premium, gwendolyn.free_school_meals, gwendolyn.looked_after) == (True, False, True)

    hamish = learners["C888900314005"]
    assert (hamish.year_group, hamish.young_carer, hamish.looked_after) == (11, True, False)

    imogen = learners["R888900314006"]
    assert (imogen.sex, imogen.free_school_meals, imogen.sen_support) == ("U", True, False)

    jasper = learners["H888900413002"]
    assert (jasper.year_group, jasper.considering_higher_education) == (12, True)

    kezia = learners["W888900412009"]
    assert (kezia.date_of_birth, kezia.year_group, kezia.eal, kezia.considering_higher_education) == (
        dt.date(2008, 2, 29),
        13,
        True,
        True,
    )

    lucan = learners["G888900412010"]
    assert (lucan.year_group, lucan.registration_group, lucan.considering_higher_education) == (13, "13B", False)

    created = AuditEvent.objects.filter(action="learner.created", provider_id_ref=cast.p1.pk)
    assert created.count() == 12
    imported = AuditEvent.objects.get(action="learners.imported")
    assert imported.after == {"created": 12, "updated": 0, "unchanged": 0, "left": 0}


def test_reimporting_the_same_file_changes_nothing(leader: Client, cast: Cast) -> None:
    upload(leader, cast.p1, SCHOOL_CSV)
    before = {learner.upn: (learner.pk, learner.updated_at) for learner in Learner.objects.filter(provider=cast.p1)}
    response = upload(leader, cast.p1, SCHOOL_CSV)
    job = latest_job(cast.p1)
    assert (job.created_count, job.updated_count, job.unchanged_count, job.left_count) == (0, 0, 12, 0)
    assert Learner.objects.filter(provider=cast.p1).count() == 12
    after = {learner.upn: (learner.pk, learner.updated_at) for learner in Learner.objects.filter(provider=cast.p1)}
    assert after == before
    assert AuditEvent.objects.filter(action="learner.updated").count() == 0
    assert "0 new, 0 updated, 12 unchanged, 0 marked as left" in leader.get(response["Location"]).content.decode()


def test_a_full_import_updates_changed_learners_and_marks_missing_ones_as_left(leader: Client, cast: Cast) -> None:
    upload(leader, cast.p1, SCHOOL_CSV)
    response = upload(leader, cast.p1, modified_school_csv(), full_import=True)
    job = latest_job(cast.p1)
    assert job.full_import is True
    assert (job.created_count, job.updated_count, job.unchanged_count, job.left_count) == (0, 1, 10, 1)
    assert "0 new, 1 updated, 10 unchanged, 1 marked as left" in leader.get(response["Location"]).content.decode()

    today = timezone.localdate()
    assert Learner.objects.filter(provider=cast.p1).count() == 12  # nobody is deleted
    ada = Learner.objects.get(provider=cast.p1, upn="X888900118001")
    assert ada.surname == "Fixturewell-Hart"
    assert ada.left_on is None
    lucan = Learner.objects.get(provider=cast.p1, upn="G888900412010")
    assert lucan.left_on == today
    assert list(Learner.objects.filter(provider=cast.p1, left_on__isnull=False)) == [lucan]

    updated = AuditEvent.objects.get(action="learner.updated")
    assert (updated.object_id, updated.before, updated.after) == (
        str(ada.pk),
        {"surname": "Fixturewell"},
        {"surname": "Fixturewell-Hart"},
    )
    assert updated.actor == cast.p1_leader
    left = AuditEvent.objects.get(action="learner.left")
    assert (left.object_id, left.before, left.after) == (
        str(lucan.pk),
        {"left_on": None},
        {"left_on": today.isoformat()},
    )
    assert left.provider_id_ref == cast.p1.pk

    # The roll shows Lucan under "Left", not "On roll".
    on_roll = leader.get(f"/providers/{cast.p1.urn}/learners/").content.decode()
    assert "11 learners." in on_roll
    assert "Specimen, Lucan" not in on_roll
    left_list = leader.get(f"/providers/{cast.p1.urn}/learners/?show=left").content.decode()
    assert "1 learner." in left_list
    assert "Specimen, Lucan" in left_list


def test_without_full_import_nobody_is_marked_as_left(leader: Client, cast: Cast) -> None:
    upload(leader, cast.p1, SCHOOL_CSV)
    upload(leader, cast.p1, modified_school_csv(), full_import=False)
    job = latest_job(cast.p1)
    assert job.full_import is False
    assert (job.created_count, job.updated_count, job.unchanged_count, job.left_count) == (0, 1, 10, 0)
    assert Learner.objects.get(provider=cast.p1, upn="G888900412010").left_on is None
    assert Learner.objects.filter(provider=cast.p1, left_on__isnull=False).count() == 0
    assert AuditEvent.objects.filter(action="learner.left").count() == 0


def test_a_learner_who_comes_back_in_a_later_file_is_back_on_roll(leader: Client, cast: Cast) -> None:
    upload(leader, cast.p1, SCHOOL_CSV)
    upload(leader, cast.p1, modified_school_csv())
    assert Learner.objects.get(provider=cast.p1, upn="G888900412010").left_on == timezone.localdate()

    upload(leader, cast.p1, SCHOOL_CSV)
    job = latest_job(cast.p1)
    assert (job.created_count, job.updated_count, job.unchanged_count, job.left_count) == (0, 2, 10, 0)
    lucan = Learner.objects.get(provider=cast.p1, upn="G888900412010")
    assert lucan.left_on is None
    assert Learner.objects.get(provider=cast.p1, upn="X888900118001").surname == "Fixturewell"
    assert Learner.objects.filter(provider=cast.p1).count() == 12
    back = AuditEvent.objects.filter(action="learner.updated", object_id=str(lucan.pk)).get()
    assert (back.before, back.after) == ({"left_on": timezone.localdate().isoformat()}, {"left_on": None})


# --- Files that are not imported ---------------------------------------------------------------


def test_bad_rows_import_nothing_and_every_problem_is_listed_with_its_line(leader: Client, cast: Cast) -> None:
    response = upload(leader, cast.p1, fixture("learners_bad_rows.csv"))
    job = latest_job(cast.p1)
    assert response.status_code == 302
    assert job.status == LearnerImport.Status.FAILED
    # Lines 2 and 15 are good, but one bad row stops the whole file.
    assert Learner.objects.count() == 0
    assert AuditEvent.objects.filter(action__startswith="learner").count() == 0
    age = age_on(dt.date(1990, 1, 1), timezone.localdate())
    expected = [
        (3, "bad UPN 'A888900517002': check letter should be K, not A"),
        (4, "unknown year group 'Y5'"),
        (5, "unparseable date '31.01.2012' in Date of birth"),
        (6, "UPN W888900517001 is a duplicate: it is already on line 2"),
        (7, "bad yes/no value 'maybe' in Pupil premium"),
        (8, "Sex is required"),
        (10, "Forename is required; Date of birth '01/01/2030' is in the future; unknown year group 'R'"),
        (11, "unparseable date '30/02/2012' in Date of birth"),
        (12, f"Date of birth '01/01/1990' gives an age of {age}: learners must be 3 to 25"),
        (13, "bad ULN '1234567890': check digit should be 9, not 0"),
        (14, "UPN is required"),
    ]
    assert [(e["line"], e["reason"]) for e in job.errors] == expected
    assert (job.created_count, job.updated_count, job.left_count) == (0, 0, 0)

    html = leader.get(response["Location"]).content.decode()
    assert "Nothing was imported: 11 problems to fix" in html
    assert "Import complete" not in html
    for line, reason in expected:
        assert (
            f'<td class="govuk-table__cell">{line}</td><td class="govuk-table__cell">{escape(reason)}</td>' in html
        ), line
    history = leader.get(f"/providers/{cast.p1.urn}/learners/import/").content.decode()
    assert "Not imported: 11 problems" in history


def test_a_missing_column_is_a_file_level_error_naming_it(leader: Client, cast: Cast) -> None:
    response = upload(leader, cast.p1, fixture("learners_missing_dob.csv"))
    job = latest_job(cast.p1)
    assert job.status == LearnerImport.Status.FAILED
    assert job.errors == [{"line": 0, "reason": "Missing required column: Date of birth (or DOB)"}]
    html = leader.get(response["Location"]).content.decode()
    assert "Nothing was imported: 1 problem to fix" in html
    assert (
        '<td class="govuk-table__cell">File</td>'
        '<td class="govuk-table__cell">Missing required column: Date of birth (or DOB)</td>'
    ) in html
    assert Learner.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x00\x01\x02\x03binary\x00", "File is binary, not CSV (it contains NUL bytes)"),
        (b"PK\x03\x04\x14\x00\x06\x00", "File is an Excel workbook (or a ZIP archive), not CSV: save the sheet as CSV"),
        (
            b"UPN,Forename,Surname,Date of birth,Sex,Year group\r\nX888900118001,A\x81da,F,14/02/2014,F,7\r\n",
            "File is neither UTF-8 nor Windows-1252: save it as CSV UTF-8 (byte 0x81 at offset 66, line 2)",
        ),
    ],
    ids=["binary", "excel", "undecodable"],
)
def test_a_file_in_the_wrong_encoding_or_binary_gets_a_clear_error(
    leader: Client, cast: Cast, data: bytes, reason: str
) -> None:
    response = upload(leader, cast.p1, data, name="learners.xlsx")
    job = latest_job(cast.p1)
    assert job.status == LearnerImport.Status.FAILED
    assert job.errors == [{"line": 0, "reason": reason}]
    assert escape(reason) in leader.get(response["Location"]).content.decode()
    assert Learner.objects.count() == 0


def test_windows_1252_names_are_read_correctly(leader: Client, cast: Cast) -> None:
    upload(leader, cast.p1, fixture("learners_windows_1252.csv"))
    assert latest_job(cast.p1).status == LearnerImport.Status.DONE
    names = sorted((learner.forename, learner.surname) for learner in Learner.objects.filter(provider=cast.p1))
    assert names == [("Rónán", "O’Testcombe"), ("Siân", "Samplesby"), ("Zoë", "Fixturewell")]


# --- CTF and colleges --------------------------------------------------------------------------


def test_a_ctf_file_is_recognised_from_its_content(leader: Client, cast: Cast) -> None:
    # The fixture is addressed to DfE number 888/9002, p1's number in GIAS.
    Provider.objects.filter(pk=cast.p1.pk).update(la_code="888", establishment_number="9002")
    # The name says CSV; the content is XML, and that decides.
    response = upload(leader, cast.p1, fixture("ctf_school.xml"), name="export.csv")
    job = latest_job(cast.p1)
    assert job.kind == LearnerImport.Kind.CTF
    assert job.status == LearnerImport.Status.DONE
    assert job.created_count == 8
    assert "8 new, 0 updated, 0 unchanged, 0 marked as left" in leader.get(response["Location"]).content.decode()
    learners = {learner.surname: learner for learner in Learner.objects.filter(provider=cast.p1)}
    assert sorted(learners) == [
        "Dummett",
        "Examplefield",
        "Fixturewell",
        "Mockridge",
        "Placeholder",
        "Samplesby",
        "Stubbington",
        "Testcombe",
    ]
    eli = learners["Samplesby"]
    assert (eli.forename, eli.date_of_birth, eli.year_group, eli.free_school_meals, eli.sen_support) == (
        "Eli",
        dt.date(2013, 10, 2),
        7,
        True,
        True,
    )
    gideon = learners["Mockridge"]
    assert (gideon.looked_after, gideon.ehc_plan, gideon.sen_support, gideon.year_group) == (True, True, False, 9)
    assert learners["Testcombe"].eal is True
    assert learners["Dummett"].eal is False
    assert learners["Examplefield"].year_group == 13


def test_a_college_imports_the_college_csv(client: Client, cast: Cast) -> None:
    college = ProviderFactory(
        name="Gamma FE College", provider_type=ProviderType.FE_COLLEGE.value, awarding_body=AwardingBodyFactory()
    )
    client.force_login(make_member(Role.CAREERS_LEADER, provider=college, email="leader.fe@example.org"))
    response = upload(client, college, fixture("learners_college.csv"))
    job = latest_job(college)
    assert job.status == LearnerImport.Status.DONE, job.errors
    assert job.created_count == 6
    assert "6 new, 0 updated, 0 unchanged, 0 marked as left" in client.get(response["Location"]).content.decode()
    by_name = {learner.forename: learner for learner in Learner.objects.filter(provider=college)}
    assert sorted(by_name) == ["Marnie", "Nico", "Orla", "Piers", "Quilla", "Rufus"]
    marnie = by_name["Marnie"]
    assert (marnie.uln, marnie.upn, marnie.study_programme, marnie.curriculum_area) == (
        "9000000016",
        "G888900413040",
        "Level 3 Extended Diploma in Engineering",
        "Engineering",
    )
    assert (marnie.programme_end, marnie.part_time_job, marnie.considering_higher_education, marnie.year_group) == (
        dt.date(2027, 6, 30),
        True,
        True,
        12,
    )
    nico = by_name["Nico"]
    assert (nico.uln, nico.upn, nico.curriculum_area, nico.programme_end, nico.year_group) == (
        "9000000024",
        "",
        "Health and Social Care",
        dt.date(2026, 6, 30),
        None,
    )
    assert nico.year_group_recorded_in is None  # no year group in the file, so none recorded
    orla = by_name["Orla"]
    assert (orla.uln, orla.programme_end, orla.part_time_job) == ("9000000032", None, True)
    piers = by_name["Piers"]
    assert (piers.uln, piers.upn, piers.curriculum_area, piers.ehc_plan) == ("", "W888900413041", "Digital", True)
    rufus = by_name["Rufus"]
    assert (rufus.sex, rufus.free_school_meals, rufus.study_programme) == ("U", True, "Level 1 Construction Skills")

    # Re-importing matches college learners by ULN (or UPN): no duplicates.
    upload(client, college, fixture("learners_college.csv"))
    assert (latest_job(college).created_count, latest_job(college).unchanged_count) == (0, 6)
    assert Learner.objects.filter(provider=college).count() == 6


def test_a_school_cannot_import_a_file_without_upns(leader: Client, cast: Cast) -> None:
    upload(leader, cast.p1, fixture("learners_college.csv"))
    job = latest_job(cast.p1)
    assert job.status == LearnerImport.Status.FAILED
    assert Learner.objects.count() == 0


# --- The form ----------------------------------------------------------------------------------


def test_an_empty_file_is_a_form_error(leader: Client, cast: Cast) -> None:
    response = upload(leader, cast.p1, b"")
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["The selected file is empty"]}
    assert "The selected file is empty" in response.content.decode()
    assert LearnerImport.objects.count() == 0


def test_no_file_is_a_form_error(leader: Client, cast: Cast) -> None:
    response = leader.post(f"/providers/{cast.p1.urn}/learners/import/", {"full_import": "partial"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["Select a file to import"]}
    assert "Select a file to import" in response.content.decode()
    assert LearnerImport.objects.count() == 0


def test_the_import_page_lists_the_columns_and_recent_imports(leader: Client, cast: Cast) -> None:
    upload(leader, cast.p1, SCHOOL_CSV, name="autumn.csv")
    html = leader.get(f"/providers/{cast.p1.urn}/learners/import/").content.decode()
    assert "Import learners" in html
    assert "Date of birth" in html
    assert "autumn.csv" in html
    assert "Imported: 12 new, 0 updated, 0 marked as left" in html


# --- Who may import ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "status"), [("p1_staff", 403), ("p1_governor", 403), ("p2_leader", 404)])
def test_only_the_providers_careers_leader_may_import(client: Client, cast: Cast, name: str, status: int) -> None:
    client.force_login(cast.user(name))
    assert client.get(f"/providers/{cast.p1.urn}/learners/import/").status_code == status
    response = upload(client, cast.p1, SCHOOL_CSV)
    assert response.status_code == status
    assert LearnerImport.objects.count() == 0
    assert Learner.objects.count() == 0


@pytest.mark.parametrize(("name", "status"), [("p1_staff", 403), ("p1_governor", 403), ("p2_leader", 404)])
def test_only_the_providers_careers_leader_may_see_an_import(
    client: Client, cast: Cast, name: str, status: int
) -> None:
    client.force_login(cast.p1_leader)
    upload(client, cast.p1, SCHOOL_CSV)
    job = latest_job(cast.p1)
    client.force_login(cast.user(name))
    assert client.get(f"/providers/{cast.p1.urn}/learners/import/{job.pk}/").status_code == status


# --- Progress ----------------------------------------------------------------------------------


def test_htmx_polling_gets_only_the_progress_partial(leader: Client, cast: Cast) -> None:
    upload(leader, cast.p1, SCHOOL_CSV)
    job = latest_job(cast.p1)
    response = leader.get(f"/providers/{cast.p1.urn}/learners/import/{job.pk}/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Importing" not in html  # the page's heading is not in the partial
    assert html.startswith('<div id="import-progress"')
    assert "Import complete" in html
    assert "12 new, 0 updated, 0 unchanged, 0 marked as left" in html
    assert "hx-get" not in html  # a finished job stops the polling


def test_an_unfinished_job_keeps_polling(leader: Client, cast: Cast) -> None:
    job = LearnerImport.objects.create(
        provider=cast.p1, kind=LearnerImport.Kind.CSV, file_name="big.csv", data=b"", total_rows=1000
    )
    LearnerImport.objects.filter(pk=job.pk).update(status=LearnerImport.Status.SAVING)
    report_progress(f"learner-import:{job.pk}", phase="saving", saved=250, total=1000)
    url = f"/providers/{cast.p1.urn}/learners/import/{job.pk}/"
    html = leader.get(url, headers={"HX-Request": "true"}).content.decode()
    assert f'hx-get="{url}"' in html
    assert 'hx-trigger="every 1s"' in html
    assert "Saved 250 of 1,000 learners" in html
    assert 'value="25"' in html


# --- Identifiers that point at different learners ----------------------------------------------

COLLEGE_HEADER = "UPN,ULN,Forename,Surname,Date of birth,Sex,Study programme,Curriculum area\r\n"


@pytest.fixture
def college(client: Client, cast: Cast) -> Provider:
    provider = ProviderFactory(name="Delta College", provider_type=ProviderType.FE_COLLEGE.value)
    client.force_login(make_member(Role.CAREERS_LEADER, provider=provider, email="leader.delta@example.org"))
    return provider


def test_a_row_whose_upn_and_uln_belong_to_two_learners_is_an_error_not_a_crash(
    client: Client, college: Provider
) -> None:
    """The same student was once imported with only a ULN and once with only a UPN; a file with
    both must not merge them half-way (it used to stop with an IntegrityError, leaving the job
    "Saving" for ever)."""
    by_uln = Learner.objects.create(
        provider=college, uln="9000000016", forename="Marnie", surname="Fixturewell", date_of_birth=dt.date(2009, 4, 4)
    )
    by_upn = Learner.objects.create(
        provider=college,
        upn="G888900413040",
        forename="Marnie",
        surname="Fixturewell",
        date_of_birth=dt.date(2009, 4, 4),
    )
    data = (
        COLLEGE_HEADER + "G888900413040,9000000016,Marnie,Fixturewell,04/04/2009,F,Engineering L3,Engineering\r\n"
    ).encode()
    response = upload(client, college, data)
    job = latest_job(college)
    assert job.status == LearnerImport.Status.FAILED
    assert job.errors == [
        {"line": 2, "reason": "UPN G888900413040 and ULN 9000000016 belong to two different learners on record"}
    ]
    assert "belong to two different learners on record" in client.get(response["Location"]).content.decode()
    by_uln.refresh_from_db()
    by_upn.refresh_from_db()
    assert (by_uln.upn, by_uln.curriculum_area, by_upn.uln, by_upn.curriculum_area) == ("", "", "", "")


def test_two_rows_for_the_same_learner_are_an_error(client: Client, college: Provider) -> None:
    Learner.objects.create(
        provider=college,
        upn="G888900413040",
        uln="9000000016",
        forename="Marnie",
        surname="Fixturewell",
        date_of_birth=dt.date(2009, 4, 4),
    )
    data = (
        COLLEGE_HEADER
        + "G888900413040,,Marnie,Fixturewell,04/04/2009,F,Engineering L3,Engineering\r\n"
        + ",9000000016,Marnie,Fixturewell-Hart,04/04/2009,F,Engineering L3,Engineering\r\n"
    ).encode()
    upload(client, college, data)
    job = latest_job(college)
    assert job.status == LearnerImport.Status.FAILED
    assert job.errors == [{"line": 3, "reason": "this is the same learner as on line 2"}]
    assert Learner.objects.get(provider=college).surname == "Fixturewell"
