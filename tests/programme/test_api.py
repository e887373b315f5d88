"""The JSON API for MIS integrations: provider tokens, benchmark figures, imports and activities."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from qic.core.actors import SystemActor
from qic.domain.academic import academic_year_of
from qic.domain.upn import upn_check_letter
from qic.frameworks.models import Edition
from qic.learners.models import Learner, LearnerImport
from qic.organisations.actions import deactivate_user
from qic.organisations.models import Provider
from qic.programme import actions, queries
from qic.programme.models import Activity, ApiToken, Participation, RegisterImport
from tests.conftest import Cast
from tests.factories import ProviderFactory, make_activity, make_learner

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "learners"


def upn(n: int) -> str:
    body = f"8889010{n:05d}"
    return upn_check_letter(body) + body


def bearer(plain: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def token(cast: Cast) -> tuple[ApiToken, str]:
    return actions.create_api_token(provider_id=cast.p1.pk, name="SIMS", scope="read_write", actor=cast.p1_leader)


@pytest.fixture
def api() -> Client:
    """A client with no session: only the token authenticates."""
    return Client()


def attend(activity: Activity, *learners: Learner) -> None:
    actions.record_participation(
        activity=activity, attended=[x.pk for x in learners], absent=[], actor=SystemActor("tests")
    )


@pytest.fixture
def school(cast: Cast, edition: Edition) -> list[Learner]:
    """Year 9s and Year 11s in 2025/26 with some evidence, and a programme answer."""
    year9 = [
        make_learner(cast.p1, upn=upn(n), forename=f"Nine{n}", surname="Pupil", date_of_birth=dt.date(2012, 1, n))
        for n in range(1, 4)
    ]
    year11 = [
        make_learner(
            cast.p1,
            upn=upn(10 + n),
            forename=f"Eleven{n}",
            surname="Pupil",
            date_of_birth=dt.date(2010, 2, n),
            year_group=11,
        )
        for n in range(1, 3)
    ]
    attend(make_activity(cast.p1, title="Talk"), year9[0], year11[0])
    attend(make_activity(cast.p1, title="LMI", activity_type="careers_information", subtype="lmi_lesson"), *year9[:2])
    attend(
        make_activity(
            cast.p1,
            title="Work experience",
            activity_type="workplace_experience",
            subtype="work_experience",
            hours=Decimal(25),
            employer_feedback=True,
        ),
        *year11,
    )
    actions.answer_programme_question(
        provider_id=cast.p1.pk,
        year=2025,
        benchmark=1,
        indicator=0,
        achieved=True,
        evidence_url="https://alpha.example.org/careers",
        note="",
        actor=cast.p1_leader,
    )
    return year9 + year11


# --- Benchmark figures -------------------------------------------------------------------------


def test_the_benchmarks_endpoint_gives_the_same_numbers_as_the_dashboard(
    api: Client, cast: Cast, token: tuple[ApiToken, str], school: list[Learner], edition: Edition
) -> None:
    response = api.get(f"/api/v1/providers/{cast.p1.urn}/benchmarks?year=2025", headers=bearer(token[1]))
    assert response.status_code == 200
    body = response.json()
    figures = queries.figures_for(cast.p1, 2025, today=timezone.localdate(), edition=edition)
    assert (body["urn"], body["year"], body["phase"]) == (cast.p1.urn, 2025, "school")
    assert body["measure_date"] == figures.measure_date.isoformat() == "2026-08-31"
    assert body["fully_achieved"] == figures.fully_achieved_count
    assert [b["number"] for b in body["benchmarks"]] == [1, 2, 3, 4, 5, 6, 7, 8]
    for got, expected in zip(body["benchmarks"], figures.benchmarks, strict=True):
        assert got["percent"] == expected.percent
        assert got["fully_achieved"] == expected.fully_achieved
        assert [m["code"] for m in got["measures"]] == [m.measure.code for m in expected.measures]
        for measure, result in zip(got["measures"], expected.measures, strict=True):
            assert (measure["eligible"], measure["met"], measure["percent"]) == (
                result.total.eligible,
                result.total.met,
                result.total.percent,
            )
            assert measure["required"] == result.measure.required
            assert measure["definition"] == result.measure.definition != ""
            assert measure["criterion"] == result.measure.criterion
            assert {row["year_group"]: (row["eligible"], row["met"]) for row in measure["by_year_group"]} == {
                year: (count.eligible, count.met) for year, count in result.by_year_group.items()
            }
    # And the numbers themselves, worked out by hand.
    measures = {m["code"]: m for b in body["benchmarks"] for m in b["measures"]}
    # 2025/26 is on the refreshed benchmarks: information used in each key stage (the Year 9s
    # finish KS3), and "multiple" workplace experiences by 16 (one week is one experience).
    assert body["rule_set"] == {
        "code": "gatsby-2025",
        "title": "Refreshed Gatsby Benchmarks (from 2025/26)",
        "first_year": 2025,
    }
    assert (measures["BM2-KS3"]["eligible"], measures["BM2-KS3"]["met"]) == (3, 2)
    assert (measures["BM8-KS3"]["required"], measures["BM8-KS3"]["criterion"]) == (False, "8.2")
    assert (measures["BM5"]["eligible"], measures["BM5"]["met"]) == (5, 2)
    assert [(r["year_group"], r["eligible"], r["met"]) for r in measures["BM5"]["by_year_group"]] == [
        (9, 3, 1),
        (11, 2, 1),
    ]
    assert (measures["BM6-16"]["eligible"], measures["BM6-16"]["met"]) == (2, 0)
    assert body["benchmarks"][5]["percent"] == 0.0
    assert body["benchmarks"][0]["percent"] == pytest.approx(100 / 3)
    token[0].refresh_from_db()
    assert token[0].last_used_at is not None


def test_a_year_on_the_2018_definitions_names_them(
    api: Client, cast: Cast, token: tuple[ApiToken, str], school: list[Learner]
) -> None:
    body = api.get(f"/api/v1/providers/{cast.p1.urn}/benchmarks?year=2024", headers=bearer(token[1])).json()
    assert body["rule_set"]["code"] == "gatsby-2018"
    assert body["rule_set"]["first_year"] <= 2024
    codes = {m["code"]: m for b in body["benchmarks"] for m in b["measures"]}
    assert "BM2" in codes
    assert "BM2-KS3" not in codes
    assert codes["BM2"]["definition"] == "school:clmi-by-14"


def test_the_api_schema_documents_the_rule_set(api: Client) -> None:
    schema = api.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert set(schema["RuleSetOut"]["properties"]) == {"code", "title", "first_year"}
    assert "rule_set" in schema["BenchmarkFiguresOut"]["required"]
    assert {"definition", "criterion"} <= set(schema["MeasureOut"]["properties"])


def test_without_a_year_the_current_one_is_given(
    api: Client, cast: Cast, token: tuple[ApiToken, str], school: list[Learner]
) -> None:
    body = api.get(f"/api/v1/providers/{cast.p1.urn}/benchmarks", headers=bearer(token[1])).json()
    assert body["year"] == academic_year_of(timezone.localdate())


@pytest.mark.parametrize(("query", "status"), [("?year=1999", 404), ("?year=3000", 404), ("?year=abc", 422)])
def test_a_bad_year_is_refused(api: Client, cast: Cast, token: tuple[ApiToken, str], query: str, status: int) -> None:
    response = api.get(f"/api/v1/providers/{cast.p1.urn}/benchmarks{query}", headers=bearer(token[1]))
    assert response.status_code == status


def test_a_token_reaches_only_its_own_provider(api: Client, cast: Cast, token: tuple[ApiToken, str]) -> None:
    response = api.get(f"/api/v1/providers/{cast.p2.urn}/benchmarks?year=2025", headers=bearer(token[1]))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    assert api.get(f"/api/v1/providers/{cast.p2.urn}/activities", headers=bearer(token[1])).status_code == 404
    assert api.get("/api/v1/providers/999999/benchmarks", headers=bearer(token[1])).status_code == 404


def test_a_token_reaches_only_its_own_provider_even_when_its_creator_sees_more(
    client: Client, api: Client, cast: Cast
) -> None:
    """An Awarding Body admin sees every client's figures; a token made for one client does not."""
    other_client = ProviderFactory(name="Gamma School", awarding_body=cast.ab1)
    _token, plain = actions.create_api_token(provider_id=cast.p1.pk, name="Figures", scope="read", actor=cast.ab1_admin)
    client.force_login(cast.ab1_admin)
    assert client.get(f"/api/v1/providers/{other_client.urn}/benchmarks?year=2025").status_code == 200
    assert api.get(f"/api/v1/providers/{cast.p1.urn}/benchmarks?year=2025", headers=bearer(plain)).status_code == 200
    response = api.get(f"/api/v1/providers/{other_client.urn}/benchmarks?year=2025", headers=bearer(plain))
    assert response.status_code == 404


def test_a_revoked_token_is_401(api: Client, cast: Cast, token: tuple[ApiToken, str]) -> None:
    url = f"/api/v1/providers/{cast.p1.urn}/benchmarks?year=2025"
    assert api.get(url, headers=bearer(token[1])).status_code == 200
    actions.revoke_api_token(token=token[0], actor=cast.p1_leader)
    response = api.get(url, headers=bearer(token[1]))
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_token_whose_creator_was_deactivated_is_401(api: Client, cast: Cast, token: tuple[ApiToken, str]) -> None:
    url = f"/api/v1/providers/{cast.p1.urn}/benchmarks?year=2025"
    assert api.get(url, headers=bearer(token[1])).status_code == 200
    deactivate_user(user=cast.p1_leader, actor=cast.ab1_admin)
    assert api.get(url, headers=bearer(token[1])).status_code == 401


@pytest.mark.parametrize("header", [{}, {"Authorization": "Bearer qic_not-a-real-token"}, {"Authorization": "Basic x"}])
def test_no_or_a_wrong_token_is_401(api: Client, cast: Cast, header: dict[str, str]) -> None:
    assert api.get(f"/api/v1/providers/{cast.p1.urn}/benchmarks", headers=header).status_code == 401


def test_a_token_acts_with_its_creators_role(api: Client, cast: Cast) -> None:
    """A token made by a governor reads figures but cannot import learners or read the register."""
    _token, plain = actions.create_api_token(
        provider_id=cast.p1.pk, name="Governor", scope="read_write", actor=cast.p1_governor
    )
    assert api.get(f"/api/v1/providers/{cast.p1.urn}/benchmarks", headers=bearer(plain)).status_code == 200
    assert api.get(f"/api/v1/providers/{cast.p1.urn}/activities", headers=bearer(plain)).status_code == 403
    response = api.post(
        f"/api/v1/providers/{cast.p1.urn}/learners/import",
        {"file": SimpleUploadedFile("l.csv", (FIXTURES / "learners_school.csv").read_bytes())},
        headers=bearer(plain),
    )
    assert response.status_code == 403
    assert Learner.objects.count() == 0


# --- Session authentication --------------------------------------------------------------------


def test_a_signed_in_session_works_too(client: Client, cast: Cast, school: list[Learner], edition: Edition) -> None:
    client.force_login(cast.p1_leader)
    response = client.get(f"/api/v1/providers/{cast.p1.urn}/benchmarks?year=2025")
    assert response.status_code == 200
    figures = queries.figures_for(cast.p1, 2025, today=timezone.localdate(), edition=edition)
    assert [b["percent"] for b in response.json()["benchmarks"]] == [b.percent for b in figures.benchmarks]
    assert client.get(f"/api/v1/providers/{cast.p2.urn}/benchmarks?year=2025").status_code == 404


@pytest.mark.parametrize(("name", "status"), [("p1_governor", 200), ("consortium", 403), ("p2_leader", 404)])
def test_session_access_follows_the_access_layer(client: Client, cast: Cast, name: str, status: int) -> None:
    client.force_login(cast.user(name))
    assert client.get(f"/api/v1/providers/{cast.p1.urn}/benchmarks").status_code == status


def test_a_session_post_needs_the_csrf_token(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.p1_leader)
    response = client.post(
        f"/api/v1/providers/{cast.p1.urn}/learners/import",
        {"file": SimpleUploadedFile("l.csv", (FIXTURES / "learners_school.csv").read_bytes())},
    )
    assert response.status_code == 403
    assert Learner.objects.count() == 0


def test_a_token_post_needs_no_csrf_token(cast: Cast, token: tuple[ApiToken, str]) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/api/v1/providers/{cast.p1.urn}/learners/import",
        {"file": SimpleUploadedFile("l.csv", (FIXTURES / "learners_school.csv").read_bytes())},
        headers=bearer(token[1]),
    )
    assert response.status_code == 202
    assert Learner.objects.count() == 12


# --- Learner imports ---------------------------------------------------------------------------


def import_learners(client: Client, provider: Provider, data: bytes, plain: str, query: str = "") -> Any:
    return client.post(
        f"/api/v1/providers/{provider.urn}/learners/import{query}",
        {"file": SimpleUploadedFile("learners.csv", data, content_type="text/csv")},
        headers=bearer(plain),
    )


def done(job: LearnerImport | None = None, **figures: Any) -> dict[str, Any]:
    """The answer about an import job that was written (the latest job unless given)."""
    job = job or LearnerImport.objects.order_by("-pk").first()
    assert job is not None
    base: dict[str, Any] = {
        "id": job.pk,
        "status": "done",
        "status_url": f"http://testserver/api/v1/providers/{job.provider.urn}/learner-imports/{job.pk}",
        "full_import": False,
        "total_rows": job.total_rows,
        "progress": None,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
    }
    return {**base, "left": 0, "roll": 0, "leaving": [], "error_count": 0, "errors": [], **figures}


def test_importing_learners(api: Client, cast: Cast, token: tuple[ApiToken, str]) -> None:
    school_csv = (FIXTURES / "learners_school.csv").read_bytes()
    response = import_learners(api, cast.p1, school_csv, token[1])
    # A job: 202 with where to follow it (the tests' tasks run at once, so it is already done).
    assert response.status_code == 202
    assert response.json() == done(created=12)
    status = api.get(response.json()["status_url"], headers=bearer(token[1]))
    assert (status.status_code, status.json()) == (200, done(created=12))
    assert Learner.objects.filter(provider=cast.p1).count() == 12
    job = LearnerImport.objects.get()
    assert (job.created_by, job.kind, job.full_import, job.status) == (cast.p1_leader, "csv", False, "done")

    # Without full_import (the default), a partial file leaves the others on roll.
    first_three = b"\r\n".join(school_csv.split(b"\r\n")[:4]) + b"\r\n"
    partial = import_learners(api, cast.p1, first_three, token[1])
    assert partial.json() == done(unchanged=3, roll=12)
    # A full import says how many it expects to mark as left; then the nine missing are.
    full = import_learners(api, cast.p1, first_three, token[1], "?full_import=true&expect_left=9")
    assert full.status_code == 202
    assert full.json() == done(full_import=True, unchanged=3, left=9, roll=12)
    assert Learner.objects.filter(provider=cast.p1, left_on=timezone.localdate()).count() == 9


def test_importing_a_ctf_by_api(api: Client, cast: Cast, token: tuple[ApiToken, str]) -> None:
    Provider.objects.filter(pk=cast.p1.pk).update(la_code="888", establishment_number="9002")
    response = import_learners(api, cast.p1, (FIXTURES / "ctf_school.xml").read_bytes(), token[1])
    assert response.status_code == 202
    assert (response.json()["status"], response.json()["created"]) == ("done", 8)
    assert LearnerImport.objects.get().kind == "ctf"


def test_importing_bad_rows_fails_the_job_and_writes_nothing(
    api: Client, cast: Cast, token: tuple[ApiToken, str]
) -> None:
    response = import_learners(api, cast.p1, (FIXTURES / "learners_bad_rows.csv").read_bytes(), token[1])
    assert response.status_code == 202
    body = api.get(response.json()["status_url"], headers=bearer(token[1])).json()
    assert (body["status"], body["created"], body["updated"], body["left"]) == ("failed", 0, 0, 0)
    assert [e["line"] for e in body["errors"]] == [3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14]
    assert body["errors"][0] == {"line": 3, "reason": "bad UPN 'A888900517002': check letter should be K, not A"}
    assert body["errors"][-1] == {"line": 14, "reason": "UPN is required"}
    assert Learner.objects.count() == 0


def test_a_file_level_problem_fails_the_job_with_line_0(api: Client, cast: Cast, token: tuple[ApiToken, str]) -> None:
    response = import_learners(api, cast.p1, (FIXTURES / "learners_missing_dob.csv").read_bytes(), token[1])
    assert (response.status_code, response.json()["status"]) == (202, "failed")
    assert response.json()["errors"] == [{"line": 0, "reason": "Missing required column: Date of birth (or DOB)"}]
    assert Learner.objects.count() == 0


def test_an_import_without_a_file_is_422(api: Client, cast: Cast, token: tuple[ApiToken, str]) -> None:
    response = api.post(f"/api/v1/providers/{cast.p1.urn}/learners/import", {}, headers=bearer(token[1]))
    assert response.status_code == 422
    assert LearnerImport.objects.count() == 0


def test_a_token_cannot_import_into_another_provider(api: Client, cast: Cast, token: tuple[ApiToken, str]) -> None:
    response = import_learners(api, cast.p2, (FIXTURES / "learners_school.csv").read_bytes(), token[1])
    assert response.status_code == 404
    assert Learner.objects.count() == 0


# --- Attendance --------------------------------------------------------------------------------

ATTENDANCE_UPNS = [f"{letter}8889001181{n:02d}" for n, letter in enumerate("VJYMBQEUH")]


@pytest.fixture
def register_roll(cast: Cast) -> list[Learner]:
    learners = [
        make_learner(cast.p1, upn=value, forename=f"Pupil{n}", surname="Register")
        for n, value in enumerate(ATTENDANCE_UPNS)
    ]
    learners.append(make_learner(cast.p1, upn="", uln="9000000067", forename="Jasper", surname="Fauxley"))
    return learners


def import_attendance(client: Client, cast: Cast, activity: Activity, data: bytes, plain: str, urn: int = 0) -> Any:
    return client.post(
        f"/api/v1/providers/{urn or cast.p1.urn}/activities/{activity.pk}/attendance",
        {"file": SimpleUploadedFile("register.csv", data, content_type="text/csv")},
        headers=bearer(plain),
    )


def status_of(api: Client, body: dict[str, Any], plain: str) -> dict[str, Any]:
    """Follow the job's status URL (the tests' task backend has already run it)."""
    response = api.get(body["status_url"], headers=bearer(plain))
    assert response.status_code == 200, response.content
    return dict(response.json())


def test_importing_attendance(
    api: Client, cast: Cast, token: tuple[ApiToken, str], register_roll: list[Learner]
) -> None:
    activity = make_activity(cast.p1)
    good = (FIXTURES / "attendance_good.csv").read_bytes()
    response = import_attendance(api, cast, activity, good, token[1])
    assert response.status_code == 202
    body = response.json()
    job = RegisterImport.objects.get()
    assert body["id"] == job.pk
    assert body["status_url"] == (
        f"http://testserver/api/v1/providers/{cast.p1.urn}/activities/{activity.pk}/attendance-imports/{job.pk}"
    )
    final = status_of(api, body, token[1])
    assert final == {
        "id": job.pk,
        "status": "done",
        "status_url": body["status_url"],
        "total_rows": 10,
        "progress": None,
        "present": 6,
        "absent": 4,
        "added": 10,
        "changed": 0,
        "error_count": 0,
        "errors": [],
        "message": "",
    }
    recorded = dict(Participation.objects.filter(activity=activity).values_list("learner__upn", "attended"))
    assert recorded[ATTENDANCE_UPNS[0]] is True
    assert recorded[ATTENDANCE_UPNS[1]] is False
    again = status_of(api, import_attendance(api, cast, activity, good, token[1]).json(), token[1])
    assert (again["present"], again["absent"], again["added"], again["changed"]) == (6, 4, 0, 0)


def test_importing_bad_attendance_fails_its_job_and_saves_nothing(
    api: Client, cast: Cast, token: tuple[ApiToken, str], register_roll: list[Learner]
) -> None:
    activity = make_activity(cast.p1)
    response = import_attendance(api, cast, activity, (FIXTURES / "attendance_bad.csv").read_bytes(), token[1])
    assert response.status_code == 202
    body = status_of(api, response.json(), token[1])
    assert body["status"] == "failed"
    assert (body["present"], body["absent"], body["added"]) == (0, 0, 0)
    assert [e["line"] for e in body["errors"]] == [3, 4, 5, 6, 7]
    assert body["error_count"] == 5
    assert body["errors"][2] == {"line": 5, "reason": "unknown attendance value 'L' in Attended: use Y or N"}
    assert Participation.objects.count() == 0


def test_attendance_for_someone_not_on_roll_fails_its_job(
    api: Client, cast: Cast, token: tuple[ApiToken, str], register_roll: list[Learner]
) -> None:
    activity = make_activity(cast.p1)
    data = b"UPN,Attended\r\n" + ATTENDANCE_UPNS[0].encode() + b",Y\r\n" + upn(77).encode() + b",Y\r\n"
    body = status_of(api, import_attendance(api, cast, activity, data, token[1]).json(), token[1])
    assert body["status"] == "failed"
    assert body["errors"] == [{"line": 3, "reason": f"no learner on your roll has {upn(77)}"}]
    assert Participation.objects.count() == 0


def test_an_attendance_file_without_identifiers_is_422_and_makes_no_job(
    api: Client, cast: Cast, token: tuple[ApiToken, str], register_roll: list[Learner]
) -> None:
    activity = make_activity(cast.p1)
    response = import_attendance(api, cast, activity, b"Name,Attended\r\nAda,Y\r\n", token[1])
    assert response.status_code == 422
    body = response.json()
    assert (body["id"], body["status"], body["status_url"]) == (None, "refused", None)
    assert body["message"] == "Missing required column: UPN or ULN Nothing was saved."
    assert not RegisterImport.objects.exists()


def test_attendance_for_another_providers_activity_is_404(
    api: Client, cast: Cast, token: tuple[ApiToken, str], register_roll: list[Learner]
) -> None:
    theirs = make_activity(cast.p2)
    good = (FIXTURES / "attendance_good.csv").read_bytes()
    assert import_attendance(api, cast, theirs, good, token[1]).status_code == 404  # under our URN
    assert import_attendance(api, cast, theirs, good, token[1], urn=cast.p2.urn).status_code == 404
    assert Participation.objects.count() == 0
    assert not RegisterImport.objects.exists()


def test_another_providers_attendance_import_job_is_404(
    api: Client, cast: Cast, token: tuple[ApiToken, str], register_roll: list[Learner]
) -> None:
    theirs = make_activity(cast.p2, title="Their careers fair")
    job = RegisterImport.objects.create(provider=cast.p2, activity=theirs, file_name="theirs.csv", data=b"x")
    ours = make_activity(cast.p1)
    for urn, activity_id in ((cast.p1.urn, theirs.pk), (cast.p2.urn, theirs.pk), (cast.p1.urn, ours.pk)):
        url = f"/api/v1/providers/{urn}/activities/{activity_id}/attendance-imports/{job.pk}"
        response = api.get(url, headers=bearer(token[1]))
        assert response.status_code == 404
        assert "theirs.csv" not in response.content.decode()
    missing = f"/api/v1/providers/{cast.p1.urn}/activities/{ours.pk}/attendance-imports/999999"
    assert api.get(missing, headers=bearer(token[1])).status_code == 404


def test_a_register_job_of_our_activity_under_another_activity_is_404(
    api: Client, cast: Cast, token: tuple[ApiToken, str], register_roll: list[Learner]
) -> None:
    activity, other = make_activity(cast.p1), make_activity(cast.p1)
    body = import_attendance(api, cast, activity, (FIXTURES / "attendance_good.csv").read_bytes(), token[1]).json()
    url = f"/api/v1/providers/{cast.p1.urn}/activities/{other.pk}/attendance-imports/{body['id']}"
    assert api.get(url, headers=bearer(token[1])).status_code == 404


def test_the_openapi_schema_documents_the_register_job_contract(api: Client) -> None:
    schema = api.get("/api/v1/openapi.json").json()
    post = schema["paths"]["/api/v1/providers/{urn}/activities/{activity_id}/attendance"]["post"]
    assert {"202", "404", "413", "422"} <= set(post["responses"])
    assert "200" not in post["responses"]  # never saved in the request
    assert "status_url" in post["description"]
    job = schema["paths"]["/api/v1/providers/{urn}/activities/{activity_id}/attendance-imports/{job_id}"]["get"]
    assert {"200", "404"} <= set(job["responses"])
    assert job["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RegisterImportJobOut"
    }


# --- Activities --------------------------------------------------------------------------------


def test_listing_activities(api: Client, cast: Cast, token: tuple[ApiToken, str]) -> None:
    talk = make_activity(cast.p1, title="Employer talk", date=dt.date(2025, 11, 5))
    lmi = make_activity(
        cast.p1, title="LMI", activity_type="careers_information", subtype="lmi_lesson", date=dt.date(2025, 10, 1)
    )
    visit = make_activity(
        cast.p1,
        title="Visit",
        activity_type="workplace_experience",
        subtype="visit",
        date=dt.date(2025, 12, 1),
        hours=Decimal("2.5"),
        employer_feedback=True,
    )
    make_activity(cast.p1, title="Last year", date=dt.date(2025, 3, 1))
    make_activity(cast.p2, title="Theirs", date=dt.date(2025, 11, 5))
    unprepared = make_activity(cast.p1, title="Unprepared visit", date=dt.date(2025, 12, 1), preparation=False)
    nothing = dict.fromkeys(
        [
            "shared_purpose",
            "preparation",
            "two_way",
            "extensive_interaction",
            "range_of_people",
            "employer_task",
            "employer_feedback",
            "reflection",
        ],
        False,
    )
    encounter = {"shared_purpose": True, "preparation": True, "two_way": True, "reflection": True}
    response = api.get(f"/api/v1/providers/{cast.p1.urn}/activities?year=2025", headers=bearer(token[1]))
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": lmi.pk,
            "title": "LMI",
            "date": "2025-10-01",
            "activity_type": "careers_information",
            "subtype": "lmi_lesson",
            "categories": ["clmi"],
            "meaning": nothing,
            "missing": [],
            "hours": None,
        },
        {
            "id": talk.pk,
            "title": "Employer talk",
            "date": "2025-11-05",
            "activity_type": "employer_encounter",
            "subtype": "talk",
            "categories": ["employer"],
            "meaning": nothing | encounter,
            "missing": [],
            "hours": None,
        },
        {
            "id": visit.pk,
            "title": "Visit",
            "date": "2025-12-01",
            "activity_type": "workplace_experience",
            "subtype": "visit",
            "categories": ["workplace"],
            "meaning": dict.fromkeys(nothing, True),
            "missing": [],
            "hours": 2.5,
        },
        {
            "id": unprepared.pk,
            "title": "Unprepared visit",
            "date": "2025-12-01",
            "activity_type": "employer_encounter",
            "subtype": "talk",
            "categories": [],
            "meaning": nothing | encounter | {"preparation": False},
            "missing": ["preparation"],
            "hours": None,
        },
    ]
    previous = api.get(f"/api/v1/providers/{cast.p1.urn}/activities?year=2024", headers=bearer(token[1])).json()
    assert [a["title"] for a in previous] == ["Last year"]
    # 2024/25 is judged by the 2018 definition: no preparation, and nothing missing.
    assert previous[0]["meaning"] == nothing | encounter | {"preparation": False}
    assert (previous[0]["categories"], previous[0]["missing"]) == (["employer"], [])


# --- The schema --------------------------------------------------------------------------------


def test_the_openapi_schema_documents_the_benchmarks_endpoint(api: Client, db: None) -> None:
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"]["/api/v1/providers/{urn}/benchmarks"]["get"]
    assert operation["summary"] == "A provider's Gatsby Benchmark figures for an academic year"
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["year"]["in"] == "query"
    assert parameters["year"]["required"] is False
    assert parameters["urn"]["in"] == "path"
    assert set(operation["responses"]) == {"200", "401", "403", "404", "429"}
    assert operation["responses"]["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    assert len(operation["security"]) == 2  # a provider token or a session
    assert "/api/v1/providers/{urn}/learners/import" in schema["paths"]
    assert "/api/v1/providers/{urn}/activities/{activity_id}/attendance" in schema["paths"]
