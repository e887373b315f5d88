"""Importing providers from GIAS: the `import_gias` command and the Consortium's upload page,
against the fixture extracts in tests/fixtures/gias (see make_fixtures.py)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.html import escape

from qic.core.models import AuditEvent
from qic.organisations.models import GiasImport, Provider
from tests.conftest import Cast

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gias"
MAIN = FIXTURES / "edubasealldata20250101.csv"
ROW_ERRORS = FIXTURES / "edubasealldata_row_errors.csv"
MISSING_COLUMNS = FIXTURES / "edubasealldata_missing_columns.csv"
UNDEFINED_BYTE = FIXTURES / "edubasealldata_undefined_byte.csv"
UTF8_BOM = FIXTURES / "edubasealldata_utf8_bom.csv"

OPEN_URNS = [990001, 990002, 990003, 990004, 990005, 990006, 990007, 990009, 990010, 990011, 990012, 990013, 990014]
CLOSED_URN = 990008

# The row-errors fixture's problems, by physical line (see the comments in make_fixtures.py).
ROW_ERROR_LINES = [
    (3, "URN 'abc' is not a positive whole number"),
    (4, "URN '0' is not a positive whole number"),
    (5, "URN 990101 is a duplicate: it is already on line 2"),
    (8, "EstablishmentName is blank"),
    (9, "StatutoryLowAge 'four' is not a whole number"),
    (11, "URN is blank; EstablishmentName is blank; StatutoryHighAge '11.5' is not a whole number"),
    (
        12,
        "4 fields but the header has 12: a cell is missing or extra (or a comma in a cell is not in quotes), "
        "so none of this row was read rather than put under the wrong columns",
    ),
    (15, "URN '-7' is not a positive whole number"),
    (
        17,
        "13 fields but the header has 12: a cell is missing or extra (or a comma in a cell is not in quotes), "
        "so none of this row was read rather than put under the wrong columns",
    ),
]


def import_file(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_gias", str(path), "--wait", *args, stdout=out)
    return out.getvalue()


def provider_fields(provider: Provider) -> dict[str, Any]:
    return {
        "name": provider.name,
        "provider_type": provider.provider_type,
        "establishment_type": provider.establishment_type,
        "phase": provider.phase,
        "status": provider.status,
        "la_code": provider.la_code,
        "la_name": provider.la_name,
        "region": provider.region,
        "ukprn": provider.ukprn,
        "postcode": provider.postcode,
        "statutory_low_age": provider.statutory_low_age,
        "statutory_high_age": provider.statutory_high_age,
        "has_sixth_form": provider.has_sixth_form,
        "number_of_pupils": provider.number_of_pupils,
    }


# --- The command -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_creates_every_open_establishment() -> None:
    output = import_file(MAIN)

    assert output == "created 13, updated 0, skipped 1 (0 unchanged, 1 closed)\n"
    assert sorted(Provider.objects.values_list("urn", flat=True)) == OPEN_URNS
    assert not Provider.objects.filter(urn=CLOSED_URN).exists()
    # Nobody's client yet: GIAS does not say which Awarding Body a provider works with.
    assert not Provider.objects.filter(awarding_body__isnull=False).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("urn", "expected"),
    [
        (
            990001,
            {
                "name": "Brackenfield Academy",
                "provider_type": "secondary",
                "establishment_type": "Academy converter",
                "phase": "Secondary",
                "status": "Open",
                "la_code": "888",
                "la_name": "Lancashire",
                "region": "North West",
                "ukprn": "10099001",
                "postcode": "PR9 9QX",
                "statutory_low_age": 11,
                "statutory_high_age": 18,
                "has_sixth_form": True,
                "number_of_pupils": 1204,
            },
        ),
        (
            990002,
            {
                # Read as Windows-1252: the 0x92 byte is a curly apostrophe.
                "name": "St Thérèse’s Catholic Primary School",
                "provider_type": "primary",
                "establishment_type": "Voluntary aided school",
                "phase": "Primary",
                "status": "Open",
                "la_code": "330",
                "la_name": "Birmingham",
                "region": "West Midlands",
                "ukprn": "",
                "postcode": "B99 4TT",
                "statutory_low_age": 4,
                "statutory_high_age": 11,
                "has_sixth_form": False,
                "number_of_pupils": 210,
            },
        ),
        (
            990003,
            {
                "name": "Harrowden Pupil Referral Unit",
                "provider_type": "alternative_provision",
                "establishment_type": "Pupil referral unit",
                "phase": "Not applicable",
                "status": "Open",
                "la_code": "926",
                "la_name": "Norfolk",
                "region": "East of England",
                "ukprn": "",
                "postcode": "NR99 2HD",
                "statutory_low_age": 11,
                "statutory_high_age": 16,
                "has_sixth_form": False,
                "number_of_pupils": None,  # ".." in GIAS
            },
        ),
        (
            990005,
            {
                "name": "Kingsmere College",
                "provider_type": "fe_college",
                "establishment_type": "Further education",
                "phase": "16 plus",
                "status": "Open",
                "la_code": "213",
                "la_name": "Westminster",
                "region": "London",
                "ukprn": "10099005",
                "postcode": "W99 1KC",
                "statutory_low_age": None,
                "statutory_high_age": None,
                "has_sixth_form": False,
                "number_of_pupils": None,
            },
        ),
        (
            990006,
            {
                "name": "Aldergate Sixth Form College",
                "provider_type": "sixth_form_college",
                "establishment_type": "Further education",
                "phase": "16 plus",
                "status": "Open",
                "la_code": "888",
                "la_name": "Lancashire",
                "region": "North West",
                "ukprn": "10099006",
                "postcode": "PR99 6AG",
                "statutory_low_age": 16,
                "statutory_high_age": 19,
                "has_sixth_form": True,
                "number_of_pupils": 1650,
            },
        ),
        (
            990009,
            {
                "name": "Riverside Free School",
                "provider_type": "secondary",
                "establishment_type": "Free schools",
                "phase": "Secondary",
                "status": "Open, but proposed to close",
                "la_code": "213",
                "la_name": "Westminster",
                "region": "London",
                "ukprn": "10099009",
                "postcode": "SW99 9RF",
                "statutory_low_age": 11,
                "statutory_high_age": 16,
                "has_sixth_form": False,
                "number_of_pupils": 480,
            },
        ),
        (
            990013,
            {
                "name": "Ysgol Bryn Hâf",
                "provider_type": "other",
                "establishment_type": "Welsh establishment",
                "phase": "Not applicable",
                "status": "Open",
                "la_code": "",
                "la_name": "Wales",
                "region": "Wales (pseudo)",
                "ukprn": "",
                "postcode": "",
                "statutory_low_age": None,
                "statutory_high_age": None,
                "has_sixth_form": False,
                "number_of_pupils": None,
            },
        ),
    ],
    ids=lambda value: str(value) if isinstance(value, int) else "",
)
def test_command_stores_the_gias_fields(urn: int, expected: dict[str, Any]) -> None:
    import_file(MAIN)
    assert provider_fields(Provider.objects.get(urn=urn)) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("urn", "provider_type"),
    [
        (990004, "special"),
        (990007, "independent"),
        (990010, "primary"),
        (990011, "alternative_provision"),
        (990012, "secondary"),
        (990014, "secondary"),
    ],
)
def test_command_types_the_other_providers(urn: int, provider_type: str) -> None:
    import_file(MAIN)
    assert Provider.objects.get(urn=urn).provider_type == provider_type


@pytest.mark.django_db
def test_command_records_the_import_and_audits_it() -> None:
    import_file(MAIN)

    record = GiasImport.objects.get()
    assert record.file_name == "edubasealldata20250101.csv"
    assert (record.created_count, record.updated_count, record.unchanged_count, record.skipped_closed_count) == (
        13,
        0,
        0,
        1,
    )
    assert record.include_closed is False
    assert record.imported_by is None
    event = AuditEvent.objects.get()
    assert event.action == "providers.gias_imported"
    assert event.actor_label == "import_gias command"
    assert event.object_id == str(record.pk)
    assert event.after == {"created_urns": OPEN_URNS, "changed": {}}


@pytest.mark.django_db
def test_command_twice_is_idempotent() -> None:
    import_file(MAIN)
    before = {p.urn: (p.updated_at, provider_fields(p)) for p in Provider.objects.all()}

    output = import_file(MAIN)

    assert output == "created 0, updated 0, skipped 14 (13 unchanged, 1 closed)\n"
    after = {p.urn: (p.updated_at, provider_fields(p)) for p in Provider.objects.all()}
    assert after == before
    second = GiasImport.objects.first()
    assert second is not None
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 13)
    latest = AuditEvent.objects.first()
    assert latest is not None
    assert latest.after == {"created_urns": [], "changed": {}}


@pytest.mark.django_db
def test_command_include_closed_imports_the_closed_school() -> None:
    output = import_file(MAIN, "--include-closed")

    assert output == "created 14, updated 0, skipped 0 (0 unchanged, 0 closed)\n"
    closed = Provider.objects.get(urn=CLOSED_URN)
    assert closed.name == "Old Mill Junior School"
    assert closed.status == "Closed"
    assert closed.provider_type == "primary"
    assert GiasImport.objects.get().include_closed is True


@pytest.mark.django_db
def test_command_updates_a_changed_name_and_audits_old_and_new(tmp_path: Path) -> None:
    import_file(MAIN)
    untouched = {p.urn: p.updated_at for p in Provider.objects.exclude(urn=990001)}
    text = MAIN.read_bytes().decode("cp1252")
    assert text.count("Brackenfield Academy") == 1
    changed = tmp_path / "edubasealldata20250201.csv"
    changed.write_bytes(text.replace("Brackenfield Academy", "Brackenfield Community Academy").encode("cp1252"))

    output = import_file(changed)

    assert output == "created 0, updated 1, skipped 13 (12 unchanged, 1 closed)\n"
    assert Provider.objects.get(urn=990001).name == "Brackenfield Community Academy"
    assert {p.urn: p.updated_at for p in Provider.objects.exclude(urn=990001)} == untouched
    event = AuditEvent.objects.first()
    assert event is not None
    assert event.action == "providers.gias_imported"
    assert event.after == {
        "created_urns": [],
        "changed": {"990001": {"name": ["Brackenfield Academy", "Brackenfield Community Academy"]}},
    }
    assert GiasImport.objects.first().file_name == "edubasealldata20250201.csv"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_command_leaves_client_relationships_alone(cast: Cast, tmp_path: Path) -> None:
    # A provider already on record (a client of ab1) is updated by URN, keeping its body.
    header = "URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name)\r\n"
    path = tmp_path / "one.csv"
    path.write_bytes(f"{header}{cast.p1.urn},Alpha Academy Renamed,Academy converter,Open\r\n".encode("cp1252"))

    assert import_file(path) == "created 0, updated 1, skipped 0 (0 unchanged, 0 closed)\n"

    cast.p1.refresh_from_db()
    assert cast.p1.name == "Alpha Academy Renamed"
    assert cast.p1.awarding_body == cast.ab1


@pytest.mark.django_db
def test_command_row_errors_list_every_line_and_write_nothing() -> None:
    with pytest.raises(CommandError) as excinfo:
        import_file(ROW_ERRORS)

    assert str(excinfo.value) == "\n".join(
        [
            "Nothing was imported: 9 bad row(s) in edubasealldata_row_errors.csv:",
            *(f"  line {line}: {reason}" for line, reason in ROW_ERROR_LINES),
        ]
    )
    # All or nothing: the good rows (990101, 990102, 990106, 990108) are not written either.
    assert Provider.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    # The job is kept, failed, with every bad row; the file is discarded.
    job = GiasImport.objects.get()
    assert job.status == GiasImport.Status.FAILED
    assert [(e["line"], e["reason"]) for e in job.errors] == ROW_ERROR_LINES
    assert job.data is None


SMALL_HEADER = "URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),Postcode,GOR (name)"


@pytest.mark.django_db
def test_command_reports_a_row_with_more_fields_than_the_header_and_writes_nothing(tmp_path: Path) -> None:
    # An unquoted comma in the name: read by position, its status would be "Academy converter", its
    # postcode "Open" and its region the postcode. The row is reported with its line instead.
    extract = tmp_path / "edubasealldata20250401.csv"
    extract.write_text(
        f"{SMALL_HEADER}\r\n"
        "990501,Fine Academy,Academy converter,Open,PR9 9QX,North West\r\n"
        "990502,Smith, Jones Academy,Academy converter,Open,B99 4TT,West Midlands\r\n",
        encoding="cp1252",
    )
    with pytest.raises(CommandError) as excinfo:
        import_file(extract)
    assert str(excinfo.value) == (
        "Nothing was imported: 1 bad row(s) in edubasealldata20250401.csv:\n"
        "  line 3: 7 fields but the header has 6: a cell is missing or extra (or a comma in a cell is not in "
        "quotes), so none of this row was read rather than put under the wrong columns"
    )
    assert Provider.objects.count() == 0
    assert GiasImport.objects.get().status == GiasImport.Status.FAILED


@pytest.mark.django_db
def test_command_imports_a_row_whose_postcode_is_not_one_without_it_and_says_so(tmp_path: Path) -> None:
    extract = tmp_path / "edubasealldata20250402.csv"
    extract.write_text(
        f"{SMALL_HEADER}\r\n"
        "990511,Fine Academy,Academy converter,Open,pr9 9qx,North West\r\n"
        "990512,Overseas School,British schools overseas,Open,28109,\r\n",
        encoding="cp1252",
    )
    output = import_file(extract)
    assert output == (
        "created 2, updated 0, skipped 0 (0 unchanged, 0 closed)\n"
        "1 value(s) left blank:\n"
        "  line 3: Postcode '28109' is not a UK postcode, so it was left blank\n"
    )
    assert dict(Provider.objects.values_list("urn", "postcode")) == {990511: "PR9 9QX", 990512: ""}
    job = GiasImport.objects.get()
    assert job.status == GiasImport.Status.DONE
    assert job.notices == [{"line": 3, "reason": "Postcode '28109' is not a UK postcode, so it was left blank"}]


@pytest.mark.django_db
def test_command_missing_columns_are_named() -> None:
    with pytest.raises(CommandError) as excinfo:
        import_file(MISSING_COLUMNS)
    assert str(excinfo.value) == (
        "Nothing was imported: Missing required columns: URN, EstablishmentStatus (name). "
        "Is this the GIAS 'all establishment data' extract (edubasealldataYYYYMMDD.csv)?"
    )
    assert Provider.objects.count() == 0


@pytest.mark.django_db
def test_command_undefined_byte_is_an_encoding_error() -> None:
    with pytest.raises(CommandError) as excinfo:
        import_file(UNDEFINED_BYTE)
    assert str(excinfo.value) == (
        "Nothing was imported: File is neither UTF-8 nor Windows-1252: download the extract from GIAS again "
        "(byte 0x81 at offset 213, line 3)"
    )
    assert Provider.objects.count() == 0


@pytest.mark.django_db
def test_command_reads_a_utf8_file_with_a_bom() -> None:
    assert import_file(UTF8_BOM) == "created 2, updated 0, skipped 0 (0 unchanged, 0 closed)\n"
    assert dict(Provider.objects.values_list("urn", "name")) == {
        990201: "St Thérèse’s Catholic Primary School",
        990202: "Ysgol Bryn Hâf",
    }


@pytest.mark.django_db
def test_command_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as excinfo:
        import_file(tmp_path / "nowhere.csv")
    assert str(excinfo.value) == f"Cannot read {tmp_path / 'nowhere.csv'}: No such file or directory"


# --- The upload page -------------------------------------------------------------------------

UPLOAD_URL = "/consortium/gias/"


def upload(path: Path, *, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="text/csv")


def test_upload_page_shows_the_form(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    response = client.get(UPLOAD_URL)
    assert response.status_code == 200
    assert "Import providers from GIAS" in response.content.decode()
    assert 'type="file"' in response.content.decode()


def test_upload_imports_and_redirects_to_the_job(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)

    response = client.post(UPLOAD_URL, {"file": upload(MAIN)})

    record = GiasImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{UPLOAD_URL}{record.pk}/"
    assert sorted(Provider.objects.filter(urn__gte=990000).values_list("urn", flat=True)) == OPEN_URNS
    assert record.imported_by == cast.consortium
    assert record.file_name == "edubasealldata20250101.csv"
    assert record.status == GiasImport.Status.DONE
    assert record.data is None  # the upload is discarded when the job ends
    event = AuditEvent.objects.get(action="providers.gias_imported")
    assert event.actor == cast.consortium

    page = client.get(response["Location"]).content.decode()
    assert "Import complete" in page
    assert "13 created, 0 updated, 0 unchanged, 1 closed skipped" in page
    assert "hx-get" not in page  # finished: no more polling
    # The import is listed in the history, with who made it and a link to its page.
    history = client.get(UPLOAD_URL).content.decode()
    assert "Recent imports" in history
    assert str(cast.consortium) in history
    assert f'href="{UPLOAD_URL}{record.pk}/"' in history


def test_upload_page_lists_values_left_blank(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    data = f"{SMALL_HEADER}\r\n990521,Head Title Academy,Academy converter,Open,Principal,London\r\n".encode()
    response = client.post(
        UPLOAD_URL, {"file": SimpleUploadedFile("e.csv", data, content_type="text/csv")}, follow=True
    )
    page = response.content.decode()
    assert "Import complete" in page
    assert "1 value left blank" in page
    assert (
        '<td class="govuk-table__cell">2</td><td class="govuk-table__cell">'
        + escape("Postcode 'Principal' is not a UK postcode, so it was left blank")
        + "</td>"
    ) in page
    assert Provider.objects.get(urn=990521).postcode == ""


def test_a_clean_import_lists_no_values_left_blank(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    page = client.post(UPLOAD_URL, {"file": upload(MAIN)}, follow=True).content.decode()
    assert "Import complete" in page
    assert "left blank" not in page


def test_upload_include_closed(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    response = client.post(UPLOAD_URL, {"file": upload(MAIN), "include_closed": "on"}, follow=True)
    assert response.status_code == 200
    assert "14 created, 0 updated, 0 unchanged, 0 closed skipped" in response.content.decode()
    assert Provider.objects.filter(urn=CLOSED_URN).exists()


def test_upload_with_bad_rows_lists_them_and_writes_nothing(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    providers_before = Provider.objects.count()

    response = client.post(UPLOAD_URL, {"file": upload(ROW_ERRORS)}, follow=True)

    assert response.status_code == 200
    job = response.context["job"]
    assert job.status == GiasImport.Status.FAILED
    assert [(e["line"], e["reason"]) for e in job.errors] == ROW_ERROR_LINES
    page = response.content.decode()
    assert "Nothing was imported: 9 rows need fixing" in page
    assert "Rows that could not be imported" in page
    for line, reason in ROW_ERROR_LINES:
        assert f'<td class="govuk-table__cell">{line}</td><td class="govuk-table__cell">{escape(reason)}</td>' in page
    assert Provider.objects.count() == providers_before
    assert AuditEvent.objects.count() == 0
    assert GiasImport.objects.get().data is None


@pytest.mark.parametrize(
    ("fixture", "message"),
    [
        (
            MISSING_COLUMNS,
            "Missing required columns: URN, EstablishmentStatus (name). Is this the GIAS "
            "'all establishment data' extract (edubasealldataYYYYMMDD.csv)? Nothing was imported.",
        ),
        (
            UNDEFINED_BYTE,
            "File is neither UTF-8 nor Windows-1252: download the extract from GIAS again "
            "(byte 0x81 at offset 213, line 3) Nothing was imported.",
        ),
    ],
    ids=["missing-columns", "undefined-byte"],
)
def test_upload_of_an_unreadable_file_is_a_field_error(client: Client, cast: Cast, fixture: Path, message: str) -> None:
    client.force_login(cast.consortium)
    response = client.post(UPLOAD_URL, {"file": upload(fixture)})
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [message]}
    assert "There is a problem" in response.content.decode()
    assert escape(message) in response.content.decode()
    assert GiasImport.objects.count() == 0


def test_upload_of_an_empty_file_is_a_field_error(client: Client, cast: Cast) -> None:
    client.force_login(cast.consortium)
    response = client.post(UPLOAD_URL, {"file": SimpleUploadedFile("empty.csv", b"", content_type="text/csv")})
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["The selected file is empty"]}
    assert "There is a problem" in response.content.decode()
    assert GiasImport.objects.count() == 0


def test_upload_without_a_file_is_a_field_error(cast: Cast) -> None:
    # As a browser sends it: the CSRF token and no file part.
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.consortium)
    client.get(UPLOAD_URL)
    response = client.post(UPLOAD_URL, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["This field is required."]}
    assert "There is a problem" in response.content.decode()
    assert GiasImport.objects.count() == 0


def test_upload_over_the_size_limit_is_a_field_error(client: Client, cast: Cast, settings: Any) -> None:
    settings.GIAS_UPLOAD_MAX_BYTES = 1024 * 1024
    client.force_login(cast.consortium)
    big = SimpleUploadedFile("big.csv", b"x" * (1024 * 1024 + 1), content_type="text/csv")
    response = client.post(UPLOAD_URL, {"file": big})
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["The file must be smaller than 1 MB"]}


@pytest.mark.parametrize("name", ["ab1_admin", "assessor_assigned", "p1_leader", "p1_staff", "p1_governor"])
def test_upload_page_is_forbidden_to_other_roles(client: Client, cast: Cast, name: str) -> None:
    client.force_login(cast.user(name))
    assert client.get(UPLOAD_URL).status_code == 403
    assert client.post(UPLOAD_URL, {"file": upload(MAIN)}).status_code == 403
    assert not Provider.objects.filter(urn__in=OPEN_URNS).exists()


def test_upload_page_sends_anonymous_users_to_sign_in(client: Client, db: None) -> None:
    response = client.get(UPLOAD_URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={UPLOAD_URL}"


@pytest.mark.django_db
def test_command_stores_the_establishment_number_for_ctf_checks(tmp_path: Path) -> None:
    """Common Transfer Files address a school by LA code and establishment number."""
    text = MAIN.read_bytes().decode("cp1252")
    header, first, *_rest = text.split("\r\n") if "\r\n" in text else text.split("\n")
    extract = tmp_path / "edubasealldata20250301.csv"
    extract.write_text(f"{header},EstablishmentNumber\n{first},4001\n", encoding="cp1252")
    import_file(extract)
    provider = Provider.objects.get(urn=990001)
    assert (provider.la_code, provider.establishment_number) == ("888", "4001")
