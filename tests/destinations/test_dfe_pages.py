"""The Consortium's DfE destination measures pages: only a Consortium admin reaches them (the URL
access table: everyone else 403, anonymous visitors to the sign-in page); a file loads through the
page and its report says what happened; a bad file is shown by line and loads nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qic.core.actors import SystemActor
from qic.destinations.dfe_load import load_dfe_file
from qic.destinations.models import DfeFigure, DfeRelease
from qic.domain.academic import KeyStage
from tests.conftest import Cast

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "dfe"
KS4_FILE = FIXTURES / "ks4_dm_national_la.csv"
KS5_FILE = FIXTURES / "1618_dm_national_la.csv"
BAD_FILE = FIXTURES / "ks4_dm_bad_values.csv"

RELEASES = reverse("destinations:dfe_releases")

NOT_CONSORTIUM = ["ab1_admin", "assessor_assigned", "assessor_unassigned", "p1_leader", "p1_staff", "p1_governor"]


def upload(client: Client, path: Path, stage: str = "KS4", data: bytes | None = None) -> object:
    file = SimpleUploadedFile(path.name, data if data is not None else path.read_bytes(), content_type="text/csv")
    return client.post(RELEASES, {"file": file, "stage": stage})


def release_url(release: DfeRelease) -> str:
    return reverse("destinations:dfe_release", kwargs={"pk": release.pk})


def test_the_consortium_sees_the_page_with_nothing_loaded(cast: Cast, client: Client) -> None:
    client.force_login(cast.consortium)
    page = client.get(RELEASES).content.decode()
    assert "DfE destination measures" in page
    assert "Key stage 4:</strong> no figures loaded yet" in page
    assert "No file loaded yet." in page
    assert 'name="stage"' in page
    assert 'type="file"' in page


def test_the_consortium_loads_a_file_through_the_page(cast: Cast, client: Client) -> None:
    client.force_login(cast.consortium)
    response = upload(client, KS4_FILE)
    release = DfeRelease.objects.get()
    assert response.status_code == 302
    assert response["Location"] == release_url(release)
    assert release.loaded_by == cast.consortium
    assert DfeFigure.objects.count() == 36
    page = client.get(response["Location"]).content.decode()
    assert "ks4_dm_national_la.csv loaded: 36 figures created, 0 changed, 0 unchanged." in page
    assert "2 rows skipped: Geographic level: Regional (first lines: 20, 39)" in page
    assert "Columns not read (not in the DfE&#x27;s guidance): source_note" in page
    assert "202324: destinations in 2023/24 (the cohort that finished in 2022/23)" in page
    listing = client.get(RELEASES).content.decode()
    assert release_url(release) in listing
    assert "2022/23, 2023/24" in listing
    assert "16–18:</strong> no figures loaded yet" in listing


def test_loading_the_same_file_again_says_nothing_changed(cast: Cast, client: Client) -> None:
    client.force_login(cast.consortium)
    first = upload(client, KS4_FILE)
    second = upload(client, KS4_FILE)
    assert second["Location"] != first["Location"]
    page = client.get(second["Location"]).content.decode()
    assert "Nothing changed: all 36 figures in the file were already held, exactly as they are in it." in page
    assert "The same file (the same SHA-256) was loaded before" in page
    assert DfeFigure.objects.count() == 36


def test_a_16_to_18_file_loads_as_16_to_18(cast: Cast, client: Client) -> None:
    client.force_login(cast.consortium)
    response = upload(client, KS5_FILE, "16-18")
    assert response.status_code == 302
    assert set(DfeFigure.objects.values_list("stage", flat=True)) == {"16-18"}


def test_a_bad_file_loads_nothing_and_shows_every_problem_by_line(cast: Cast, client: Client) -> None:
    client.force_login(cast.consortium)
    response = upload(client, BAD_FILE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was loaded: 6 problems in ks4_dm_bad_values.csv" in page
    for line, column in [(3, "overall"), (4, "all_work"), (5, "geographic_level"), (6, "time_period"), (8, "fe")]:
        assert f'<td class="govuk-table__cell">{line}</td><td class="govuk-table__cell">{column}</td>' in page
    assert "“ninety” is not a number" in page
    assert DfeRelease.objects.count() == 0
    assert DfeFigure.objects.count() == 0


def test_the_wrong_stage_is_refused_with_the_reason(cast: Cast, client: Client) -> None:
    client.force_login(cast.consortium)
    response = upload(client, KS5_FILE, "KS4")
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "cohort_level_group" in page
    assert "Nothing was loaded." in page
    assert DfeRelease.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "stage", "message"),
    [
        (b"", "KS4", "The selected file is empty"),
        (b"time_period,geographic_level,overall\r\n202324,National,90\r\n", "", "Select the stage of the measures"),
        (b"time_period,geographic_level,overall\r\n202324,National,90\r\n", "KS3", "Select a valid choice"),
        (b"PK\x03\x04", "KS4", "Excel workbook"),
        (b"\xff\xfe\x00\x00garbage", "KS4", "Nothing was loaded."),
    ],
)
def test_a_form_that_cannot_be_loaded_says_why(
    cast: Cast, client: Client, data: bytes, stage: str, message: str
) -> None:
    client.force_login(cast.consortium)
    response = upload(client, KS4_FILE, stage, data=data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert DfeRelease.objects.count() == 0


def test_no_file_at_all_is_asked_for(cast: Cast, client: Client) -> None:
    client.force_login(cast.consortium)
    response = client.post(RELEASES, {"stage": "KS4"})
    assert "Select a CSV file" in response.content.decode()


# --- Who may --------------------------------------------------------------------------------------


@pytest.fixture
def loaded() -> DfeRelease:
    result = load_dfe_file(
        data=KS4_FILE.read_bytes(), file_name=KS4_FILE.name, stage=KeyStage.KS4, actor=SystemActor("tests")
    )
    assert result.release is not None
    return result.release


@pytest.mark.parametrize("who", NOT_CONSORTIUM)
def test_nobody_but_the_consortium_reads_or_loads(who: str, cast: Cast, client: Client, loaded: DfeRelease) -> None:
    client.force_login(cast.user(who))
    for url in (RELEASES, release_url(loaded)):
        response = client.get(url)
        assert response.status_code == 403
        assert KS4_FILE.name not in response.content.decode()
    response = upload(client, KS4_FILE)
    assert response.status_code == 403
    assert DfeRelease.objects.count() == 1


def test_a_learner_is_refused_and_a_visitor_sent_to_sign_in(
    walk_cast: Cast, client: Client, loaded: DfeRelease
) -> None:
    client.force_login(walk_cast.p1_learner)
    assert client.get(RELEASES).status_code == 403
    client.logout()
    response = client.get(release_url(loaded))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert upload(client, KS4_FILE).status_code == 302
    assert DfeRelease.objects.count() == 1


def test_a_release_that_does_not_exist_is_not_found(cast: Cast, client: Client) -> None:
    client.force_login(cast.consortium)
    assert client.get(reverse("destinations:dfe_release", kwargs={"pk": 999_999})).status_code == 404


def test_the_consortium_navigation_and_home_link_to_the_page(cast: Cast, client: Client) -> None:
    client.force_login(cast.consortium)
    home = client.get(reverse("dashboards:home")).content.decode()
    assert home.count(f'href="{RELEASES}"') == 2  # the service navigation and the card
    client.force_login(cast.p1_leader)
    assert RELEASES not in client.get(reverse("dashboards:home")).content.decode()


def test_the_page_shows_what_is_held_in_a_fixed_number_of_queries(cast: Cast, client: Client) -> None:
    client.force_login(cast.consortium)

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            page = client.get(RELEASES).content.decode()
        return len(captured), page

    actor = SystemActor("tests")
    load_dfe_file(data=KS4_FILE.read_bytes(), file_name="one.csv", stage=KeyStage.KS4, actor=actor)
    small, _ = count()
    load_dfe_file(data=KS5_FILE.read_bytes(), file_name="two.csv", stage=KeyStage.KS5, actor=actor)
    for n in range(4):
        load_dfe_file(data=KS4_FILE.read_bytes(), file_name=f"again-{n}.csv", stage=KeyStage.KS4, actor=cast.consortium)
    large, page = count()
    assert large == small
    assert "6 files, newest first" in page
    # KS4: 2023/24 and 2022/23, each with 6 national figures and 12 from 2 local authorities.
    assert page.count('<td class="govuk-table__cell govuk-table__cell--numeric">6</td>') >= 2


def test_a_file_over_the_pages_limit_is_sent_to_the_command(
    cast: Cast, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qic.destinations import dfe_forms

    monkeypatch.setattr(dfe_forms, "MAX_BYTES", 1024)
    client.force_login(cast.consortium)
    page = upload(client, KS4_FILE).content.decode()
    assert "The file must be smaller than" in page
    assert "manage.py load_dfe_destinations" in page
    assert DfeRelease.objects.count() == 0
