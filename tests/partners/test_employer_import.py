"""Importing employers from a CSV file: a preview of what will be added, duplicates (in the file
and against the directory, the trust's shared employers included) left out, every bad row with
its line and reason, and all or nothing on confirming."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from qic.core.models import AuditEvent
from qic.organisations.models import Provider
from qic.partners import employer_imports
from qic.partners.models import Employer, EmployerContact
from tests.conftest import Cast
from tests.factories import ProviderFactory

pytestmark = pytest.mark.django_db

GOOD = (
    "Name, Sector ,SIZE,Self-employed,Town,Postcode,Website,"
    "Contact name,Contact email,Contact phone,Contact job title\r\n"
    "Acme Engineering Ltd,Engineering and manufacturing,1200,no,Preston,PR9 9QX,acme.example,Dana Park,"
    "dana@acme.example,01632 960001,HR lead\r\n"
    "Solo Designs,creative,micro,yes,Kendal,,,,,,\r\n"
    "Acme Engineering,engineering,large,no,Preston,pr99qx,,,,,\r\n"  # the same as line 2
    "Acme Engineering,engineering,large,no,Lancaster,LA1 1AA,,,,,\r\n"  # another branch: not a duplicate
)


def upload(client: Client, provider: Provider, content: bytes, name: str = "employers.csv") -> str:
    response = client.post(
        reverse("partners:employer_import", args=[provider.urn]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )
    assert response.status_code == 200
    return response.content.decode()


def confirm(client: Client, provider: Provider, page: str) -> object:
    packed = re.search(r'name="confirm" value="([^"]+)"', page)
    expected = re.search(r'name="expected" value="(\d+)"', page)
    assert packed is not None
    assert expected is not None
    return client.post(
        reverse("partners:employer_import", args=[provider.urn]),
        {"confirm": packed.group(1), "expected": expected.group(1)},
    )


@pytest.fixture
def client(cast: Cast) -> Client:
    c = Client()
    c.force_login(cast.p1_staff)
    return c


def test_a_good_file_is_previewed_then_added_whole_with_contacts(cast: Cast, client: Client) -> None:
    page = upload(client, cast.p1, GOOD.encode())
    assert "3 new employers, 1 duplicate left out" in page
    assert "line 2 of this file" in page
    assert not Employer.objects.exists()  # nothing saved by the preview
    response = confirm(client, cast.p1, page)
    assert response.status_code == 302  # type: ignore[attr-defined]
    saved = {
        (e.name, e.postcode, e.size_band, e.sector, e.self_employed) for e in Employer.objects.filter(provider=cast.p1)
    }
    assert saved == {
        ("Acme Engineering Ltd", "PR9 9QX", "large", "engineering", False),
        ("Solo Designs", "", "micro", "creative", True),
        ("Acme Engineering", "LA1 1AA", "large", "engineering", False),
    }
    acme = Employer.objects.get(name="Acme Engineering Ltd")
    assert acme.website == "https://acme.example"
    assert acme.created_by == cast.p1_staff
    contact = EmployerContact.objects.get()
    assert (contact.employer, contact.name, contact.email, contact.job_title) == (
        acme,
        "Dana Park",
        "dana@acme.example",
        "HR lead",
    )
    event = AuditEvent.objects.get(action="employers.imported")
    assert event.after == {"file_name": "employers.csv", "employers": 3, "contacts": 1}


def test_every_bad_row_is_reported_with_its_line_and_nothing_can_be_saved(cast: Cast, client: Client) -> None:
    bad = (
        "name,sector,size,self employed,postcode,website,contact name,contact email\r\n"
        "Good Firm,digital,small,no,,,,\r\n"  # 2: fine
        ",digital,small,no,,,,\r\n"  # 3: no name
        "Huge Co,wizardry,enormous,perhaps,Mr Smith,not a site,,nobody@\r\n"  # 4: everything wrong
        "Short,row\r\n"  # 5: too few fields
        "Mail Only,,,,,,,x@example.com\r\n"  # 6: contact details without a name
    )
    page = upload(client, cast.p1, bad.encode())
    assert "4 rows of employers.csv cannot be imported" in page
    assert "Line 3: name is blank" in page
    line4 = re.search(r"Line 4: ([^<]+)</a>", page)
    assert line4 is not None
    for reason in (
        "not one of the sectors",
        "is not a size",
        "is not yes or no",
        "is not a UK postcode",
        "is not a web address",
        "is not an email address",
    ):
        assert reason in line4.group(1)
    assert "Line 5: 2 fields but the header has 8" in page
    assert "Line 6: contact name is blank but the row has other contact details" in page
    assert 'name="confirm"' not in page
    plan = employer_imports.plan_import(cast.p1, bad.encode())
    assert [e.line for e in plan.errors] == [3, 4, 5, 6]
    assert not Employer.objects.exists()


def test_duplicates_of_the_directory_and_the_trusts_shared_employers_are_left_out(cast: Cast, client: Client) -> None:
    Provider.objects.filter(pk=cast.p1.pk).update(trust_code="TR1")
    cast.p1.refresh_from_db()
    gamma = ProviderFactory(name="Gamma Academy", trust_code="TR1")
    Employer.objects.create(provider=cast.p1, name="ACME Engineering", postcode="PR9 9QX")
    Employer.objects.create(provider=gamma, name="Solo Designs", shared_with_trust=True)
    Employer.objects.create(provider=cast.p2, name="Far Away Farm")  # another school's: not a duplicate
    data = b"name,postcode\r\nAcme Engineering Ltd,PR9 9QX\r\nSolo designs,KE1 1AA\r\nFar Away Farm,\r\n"
    page = upload(client, cast.p1, data)
    assert "1 new employer, 2 duplicates left out" in page
    assert "ACME Engineering already in the directory" in page
    assert "Solo Designs already in the directory, shared by Gamma Academy" in page
    assert "Far Away Farm" in page
    assert "Far Away Farm already" not in page
    confirm(client, cast.p1, page)
    assert set(Employer.objects.filter(provider=cast.p1).values_list("name", flat=True)) == {
        "ACME Engineering",
        "Far Away Farm",
    }


def test_a_confirmation_is_refused_if_the_directory_changed_or_the_file_was_tampered_with(
    cast: Cast, client: Client
) -> None:
    page = upload(client, cast.p1, GOOD.encode())
    Employer.objects.create(provider=cast.p1, name="Solo Designs")  # someone adds one meanwhile
    response = confirm(client, cast.p1, page)
    text = response.content.decode()  # type: ignore[attr-defined]
    assert "The directory changed since you checked the file, so nothing was saved" in text
    assert Employer.objects.count() == 1
    # A changed payload is refused, nothing saved.
    response = client.post(
        reverse("partners:employer_import", args=[cast.p1.urn]), {"confirm": "x" + "A" * 40, "expected": "3"}
    )
    assert "The preview has expired or was changed" in response.content.decode()
    assert Employer.objects.count() == 1
    # Another user (or school) cannot confirm someone else's preview.
    other = Client()
    other.force_login(cast.p1_leader)
    assert "The preview has expired" in confirm(other, cast.p1, page).content.decode()  # type: ignore[attr-defined]


def test_whole_file_problems_and_limits(cast: Cast, client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "Missing required column: name" in upload(client, cast.p1, b"town,postcode\r\nPreston,PR9 9QX\r\n")
    assert "File is empty" in upload(client, cast.p1, b"\r\n\r\n")
    assert "save the sheet as CSV" in upload(client, cast.p1, b"PK\x03\x04rest of a workbook")
    monkeypatch.setattr(employer_imports, "MAX_ROWS", 2)
    assert "more than 2 employers" in upload(client, cast.p1, b"name\r\nA\r\nB\r\nC\r\n")
    assert not Employer.objects.exists()


def test_the_import_is_for_the_schools_staff_only(cast: Cast) -> None:
    governor = Client()
    governor.force_login(cast.p1_governor)
    assert governor.get(reverse("partners:employer_import", args=[cast.p1.urn])).status_code == 403
    other = Client()
    other.force_login(cast.p2_leader)
    assert other.get(reverse("partners:employer_import", args=[cast.p1.urn])).status_code == 404
