"""Importing destinations from a CSV (issue 16, item 1): a preview of every row (what is added, per
category; what is already recorded; every bad row with its line, column and reason), then all or
nothing on confirming, audited; the same file twice adds nothing; no file makes a 500."""

from __future__ import annotations

import codecs
import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from qic.core import audit
from qic.core.models import AuditEvent
from qic.destinations import entry_actions, imports
from qic.destinations.models import Destination
from qic.learners.models import Learner
from qic.organisations.models import Provider
from tests.conftest import Cast
from tests.destinations.entry_factories import current_year, destination, known_cohort, leaver, today, upn

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.p1_leader)
    return client


def _url(provider: Provider) -> str:
    return reverse("destinations:import", args=[provider.urn])


def upload(client: Client, provider: Provider, content: bytes, name: str = "destinations.csv") -> str:
    response = client.post(_url(provider), {"file": SimpleUploadedFile(name, content, content_type="text/csv")})
    assert response.status_code == 200
    return response.content.decode()


def confirm(client: Client, provider: Provider, page: str) -> Any:
    packed = re.search(r'name="confirm" value="([^"]+)"', page)
    expected = re.search(r'name="expected" value="([^"]+)"', page)
    assert packed is not None, "the preview offers no confirmation"
    assert expected is not None
    return client.post(_url(provider), {"confirm": packed.group(1), "expected": expected.group(1)})


def _learners(cast: Cast) -> tuple[Learner, Learner, Learner]:
    year = known_cohort()
    return (
        leaver(cast.p1, 1, year=year, forename="Asha", surname="Khan"),
        leaver(cast.p1, 2, year=year, forename="Ben", surname="Lowe", uln="9276308686", upn=""),
        leaver(cast.p1, 3, year=current_year(), forename="Cal", surname="Moss"),
    )


def _good_file() -> bytes:
    year = known_cohort()
    return (
        "\ufeffUPN,ULN,Kind,Destination,Date,Sustained,Where\r\n"
        f"{upn(1)},,actual,FE,01/09/{year + 1},yes,Preston College\r\n"
        f"{upn(1)},,Intended,Sixth form,{year}-11-20,,\r\n"
        f",9276308686,,Apprenticeship,2/9/{year + 1},,Acme Engineering\r\n"
        f"{upn(3)},,intended,University,{today():%d/%m/%Y},,\r\n"
    ).encode()


def test_a_good_file_is_previewed_then_recorded_all_together_and_audited(cast: Cast, leader: Client) -> None:
    asha, ben, cal = _learners(cast)
    page = upload(leader, cast.p1, _good_file())
    assert "Check the destinations to import" in page
    assert re.search(r"To be added</dt><dd[^>]*>4<", page)
    # Per category: intended and actual.
    assert re.search(r"Further education college</th><td[^>]*>0</td><td[^>]*>1<", page)
    assert re.search(r"School sixth form</th><td[^>]*>1</td><td[^>]*>0<", page)
    assert "Khan, Asha" in page
    assert "Lowe, Ben" in page
    assert not Destination.objects.exists()
    preview = AuditEvent.objects.get(action="destinations.import_previewed")
    assert preview.after["learner_ids"] == sorted([asha.pk, ben.pk, cal.pk])

    response = confirm(leader, cast.p1, page)
    assert response.status_code == 302
    saved = {(d.learner_id, d.kind, d.category): d for d in Destination.objects.all()}
    assert len(saved) == 4
    fe = saved[(asha.pk, "actual", "fe")]
    assert (fe.sustained, fe.detail, fe.source, fe.created_by) == (True, "Preston College", "import", cast.p1_leader)
    assert saved[(ben.pk, "actual", "appren")].sustained is None
    assert saved[(cal.pk, "intended", "he")].recorded_on == today()
    created = AuditEvent.objects.filter(action="destination.created")
    assert sorted(e.learner_id_ref for e in created) == sorted([asha.pk, asha.pk, ben.pk, cal.pk])
    summary = AuditEvent.objects.get(action="destinations.imported")
    assert summary.after["added"] == 4
    assert summary.after["file_name"] == "destinations.csv"
    assert summary.after["added_by_category"]["actual:fe"] == 1


def test_importing_the_same_file_again_adds_nothing(cast: Cast, leader: Client) -> None:
    _learners(cast)
    confirm(leader, cast.p1, upload(leader, cast.p1, _good_file()))
    again = upload(leader, cast.p1, _good_file())
    assert "There is nothing new to record" in again
    assert re.search(r"Already recorded, left out</dt><dd[^>]*>4<", again)
    assert 'name="confirm"' not in again
    assert Destination.objects.count() == 4


def test_a_row_saying_more_brings_the_record_up_to_date(cast: Cast, leader: Client) -> None:
    asha, _, _ = _learners(cast)
    year = known_cohort()
    recorded = destination(asha, category="fe", on=dt.date(year + 1, 9, 1), sustained=None)
    content = f"UPN,destination,date,sustained,where\r\n{upn(1)},FE,01/09/{year + 1},yes,Preston College\r\n"
    page = upload(leader, cast.p1, content.encode())
    assert "Already recorded, to be brought up to date" in page
    assert confirm(leader, cast.p1, page).status_code == 302
    recorded.refresh_from_db()
    assert (recorded.sustained, recorded.detail) == (True, "Preston College")
    assert Destination.objects.count() == 1
    event = AuditEvent.objects.get(action="destination.updated")
    assert event.before == {"sustained": None, "detail": ""}
    assert event.learner_id_ref == asha.pk


def test_every_bad_row_is_reported_with_its_line_and_column_and_nothing_can_be_saved(
    cast: Cast, leader: Client
) -> None:
    _learners(cast)
    year = known_cohort()
    future = today() + dt.timedelta(days=3)
    content = (
        "UPN,ULN,kind,destination,date,sustained,where\r\n"
        f"{upn(1)},,actual,FE,01/09/{year + 1},yes,\r\n"  # 2: good
        f"{upn(1)},,actual,Gap year,01/09/{year + 1},,\r\n"  # 3: unknown destination
        f"{upn(1)},,actual,FE,{future:%d/%m/%Y},,\r\n"  # 4: in the future
        f"{upn(1)},,actual,FE,01/03/{year + 1},,\r\n"  # 5: before leaving
        f"{upn(1)},,intended,Not known,01/03/{year + 1},,\r\n"  # 6: an intended unknown
        f"{upn(1)},,intended,FE,01/03/{year + 1},yes,\r\n"  # 7: an intended sustained
        f"{upn(1)},,perhaps,FE,32/01/{year + 1},maybe,\r\n"  # 8: three problems
        f",,actual,FE,01/09/{year + 1},,\r\n"  # 9: no learner
        f"A123,,actual,FE,01/09/{year + 1},,\r\n"  # 10: not a UPN
        f"{upn(99)},,actual,FE,01/09/{year + 1},,\r\n"  # 11: nobody of ours
        f"{upn(1)},,actual,FE,01/09/{year + 1}\r\n"  # 12: ragged
        f"{upn(1)},,actual,FE,01/09/{year + 1},no,\r\n"  # 13: disagrees with line 2
        f"{upn(1)},,actual,HE,01/09/{year + 1},,{'x' * 201}\r\n"  # 14: where too long
    )
    page = upload(leader, cast.p1, content.encode())
    assert "12 rows of destinations.csv cannot be imported" in page
    assert 'name="confirm"' not in page
    problems = page[page.index('id="problems"') : page.index("</table>", page.index('id="problems"'))]
    cell = r'<td class="govuk-table__cell">([^<]*)</td>'
    rows = re.findall(
        r'<tr class="govuk-table__row"><td class="govuk-table__cell">(\d+)</td>' + cell + cell,
        problems,
    )
    found = {(int(line), column): reason for line, column, reason in rows}
    assert "not a destination we know" in found[(3, "destination")]
    assert "today or in the past" in found[(4, "date")]
    assert "after the learner left" in found[(5, "date")]
    assert "cannot be “unknown”" in found[(6, "destination")]
    assert "only an actual destination can be sustained" in found[(7, "sustained")]
    assert {column for line, column in found if line == 8} == {"kind", "date", "sustained"}
    assert "no UPN or ULN" in found[(9, "UPN")]
    assert "is not a UPN" in found[(10, "UPN")]
    assert found[(11, "UPN")] == f"none of your learners has UPN {upn(99)}"
    assert "but the header has 7" in found[(12, "The whole row")]
    assert "disagree" in found[(13, "sustained")]
    assert "longer than 200" in found[(14, "where")]
    assert not any(line == 2 for line, _ in found)
    assert not Destination.objects.exists()


def test_a_forged_confirmation_of_a_file_with_a_bad_row_saves_nothing(cast: Cast) -> None:
    _learners(cast)
    year = known_cohort()
    content = f"UPN,destination,date\r\n{upn(1)},FE,01/09/{year + 1}\r\n{upn(1)},Abroad,01/09/{year + 1}\r\n".encode()
    plan = imports.plan_import(cast.p1, content, today=today())
    assert not plan.can_confirm
    with pytest.raises(entry_actions.StalePlan):
        entry_actions.import_destinations(
            provider=cast.p1,
            data=content,
            file_name="x.csv",
            expected=plan.digest(),
            today=today(),
            actor=cast.p1_leader,
        )
    assert not Destination.objects.exists()


def test_a_failure_while_writing_leaves_nothing_written(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    _learners(cast)
    plan = imports.plan_import(cast.p1, _good_file(), today=today())

    def fail(**kwargs: Any) -> None:
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(audit, "record", fail)
    with pytest.raises(RuntimeError):
        entry_actions.import_destinations(
            provider=cast.p1,
            data=_good_file(),
            file_name="x.csv",
            expected=plan.digest(),
            today=today(),
            actor=cast.p1_leader,
        )
    assert not Destination.objects.exists()
    assert not AuditEvent.objects.filter(action="destination.created").exists()


def test_a_destination_recorded_between_preview_and_confirm_stops_the_import(cast: Cast, leader: Client) -> None:
    asha, _, _ = _learners(cast)
    page = upload(leader, cast.p1, _good_file())
    destination(asha, category="fe", on=dt.date(known_cohort() + 1, 9, 1), sustained=True, detail="Preston College")
    again = confirm(leader, cast.p1, page)
    assert again.status_code == 200
    body = again.content.decode()
    assert "changed since you checked the file" in body
    assert Destination.objects.count() == 1
    assert re.search(r"To be added</dt><dd[^>]*>3<", body)
    assert confirm(leader, cast.p1, body).status_code == 302
    assert Destination.objects.count() == 4


def test_the_same_row_twice_in_a_file_is_recorded_once(cast: Cast, leader: Client) -> None:
    _learners(cast)
    year = known_cohort()
    row = f"{upn(1)},Employed,01/09/{year + 1},yes\r\n"
    page = upload(leader, cast.p1, ("UPN,destination,date,sustained\r\n" + row + row).encode())
    assert "the same as line 2" in page
    confirm(leader, cast.p1, page)
    assert Destination.objects.count() == 1


def test_a_tampered_or_expired_preview_is_refused(cast: Cast, leader: Client) -> None:
    _learners(cast)
    page = upload(leader, cast.p1, _good_file())
    packed = re.search(r'name="confirm" value="([^"]+)"', page)
    assert packed is not None
    response = leader.post(_url(cast.p1), {"confirm": packed.group(1)[:-2] + "xx", "expected": "0"})
    assert response.status_code == 200
    assert "The preview has expired or was changed" in response.content.decode()
    assert not Destination.objects.exists()
    # Someone else's preview (another person's signature) is refused the same way.
    other = Client()
    other.force_login(cast.p2_leader)
    response = other.post(
        reverse("destinations:import", args=[cast.p2.urn]), {"confirm": packed.group(1), "expected": "0"}
    )
    assert "The preview has expired or was changed" in response.content.decode()
    assert not Destination.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The selected file is empty"),
        (b"   \r\n  ", "File is empty"),
        (b"PK\x03\x04binary workbook", "Excel workbook"),
        (b"\x00\x01\x02\x03", "binary"),
        (b"UPN,ULN\r\nX,Y\r\n", "Missing required columns: destination, date"),
        (b"Name,destination,date\r\n", "Missing required column: UPN or ULN"),
        (b'UPN,destination,date\r\n"broken,FE,01/09/2025\r\n', "not valid CSV"),
        (codecs.BOM_UTF8 + b"UPN,destination,date\r\n\xff\xfe,x,y\r\n", "not valid UTF-8"),
        (b"\x81\x8d\x8f\x90\x9d,a\r\n", "neither UTF-8 nor Windows-1252"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(cast: Cast, leader: Client, content: bytes, message: str) -> None:
    page = upload(leader, cast.p1, content)
    assert "There is a problem" in page
    assert message in page
    assert not Destination.objects.exists()


def test_windows_and_utf16_files_are_read(cast: Cast, leader: Client) -> None:
    _learners(cast)
    year = known_cohort()
    text = f"UPN\tdestination\tdate\twhere\r\n{upn(1)}\tFE\t01/09/{year + 1}\tCollège Saint-Étienne\r\n"
    for data in (text.replace("\t", ",").encode("cp1252"), codecs.BOM_UTF16_LE + text.encode("utf-16-le")):
        page = upload(leader, cast.p1, data)
        assert "Collège Saint-Étienne" in page
        assert re.search(r"To be added</dt><dd[^>]*>1<", page)


def test_files_too_large_or_too_long_are_refused(cast: Cast, leader: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    big = b"UPN,destination,date\r\n" + b"x" * (imports.MAX_BYTES + 1)
    assert "must be smaller than 2 MB" in upload(leader, cast.p1, big)
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    rows = "".join(f"{upn(n)},FE,01/09/2025\r\n" for n in range(1, 6))
    page = upload(leader, cast.p1, ("UPN,destination,date\r\n" + rows).encode())
    assert "more than 3 rows" in page


def test_a_learner_is_found_by_uln_and_a_upn_and_uln_of_two_learners_are_refused(cast: Cast, leader: Client) -> None:
    _learners(cast)
    year = known_cohort()
    content = (
        f"UPN,ULN,destination,date\r\n,9276308686,FE,01/09/{year + 1}\r\n{upn(1)},9276308686,FE,01/09/{year + 1}\r\n"
        f",1234567890,FE,01/09/{year + 1}\r\n"
    )
    page = upload(leader, cast.p1, content.encode())
    assert f"UPN {upn(1)} and ULN 9276308686 are two different learners" in page
    assert "is not a ULN" in page
    assert re.search(r"To be added</dt><dd[^>]*>1<", page)


def test_the_template_lists_the_columns(cast: Cast, leader: Client) -> None:
    response = leader.get(reverse("destinations:import_template", args=[cast.p1.urn]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").strip() == "UPN,ULN,kind,destination,date,sustained,where"


def test_the_import_page_documents_the_columns_and_words(cast: Cast, leader: Client) -> None:
    page = leader.get(_url(cast.p1)).content.decode()
    assert "Import destinations from a CSV file" in page
    assert "employment with training" in page
    assert reverse("destinations:import_template", args=[cast.p1.urn]) in page


def test_staff_cannot_import(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.p1_staff)
    assert client.get(_url(cast.p1)).status_code == 403
    response = client.post(_url(cast.p1), {"file": SimpleUploadedFile("d.csv", _good_file())})
    assert response.status_code == 403
