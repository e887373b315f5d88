"""Destinations in the portfolio (issue 16, item 4): criterion 3.4 shows the last three leaving
cohorts' destinations to the school, the Awarding Body and the assessor alike (figures, no names);
destinations recorded here count as the required "destinations data"; and a CSV file is accepted
as evidence for destinations data only. The day is fixed at 3 December 2026 (2026/27): the last
three cohorts are those that finished in 2025/26, 2024/25 and 2023/24."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qic.accreditation import actions, queries
from qic.accreditation.models import Accreditation, EvidenceDocument
from qic.destinations.models import Destination
from qic.domain.upn import upn_check_letter
from qic.learners.models import Learner
from qic.organisations.models import Provider
from tests.conftest import Cast
from tests.factories import make_learner, make_round, pdf_upload

TODAY = dt.date(2026, 12, 3)
CSV_BYTES = "\ufeffUPN,Surname,Destination,Date\r\nA1,Smith,FE college,01/10/2025\r\n".encode()


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(12, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def leaver(provider: Provider, n: int, cohort: int, *, disadvantaged: bool = False) -> Learner:
    """A pupil in Year 11 in `cohort` who left at the end of it (not into the school's sixth form)."""
    body = f"7770{cohort % 100:02d}{n:06d}"
    return make_learner(
        provider,
        upn=upn_check_letter(body) + body,
        forename=f"Leaver{n}",
        surname=f"Secretname{cohort}x{n:03d}",
        year_group=11,
        year_group_recorded_in=cohort,
        date_of_birth=dt.date(cohort - 15, 1, 15),
        left_on=dt.date(cohort + 1, 7, 20),
        pupil_premium=disadvantaged,
    )


def went(learner: Learner, category: str, on: dt.date, sustained: bool | None = True, kind: str = "actual") -> None:
    Destination.objects.create(
        provider=learner.provider,
        learner=learner,
        kind=kind,
        category=category,
        recorded_on=on,
        sustained=sustained,
        detail="Somewhere (where)",
    )


@pytest.fixture
def leavers(cast: Cast) -> list[Learner]:
    """Cohort 2024 (left in the summer of 2025): ten leavers, four disadvantaged. Six sustained in
    FE (two of them disadvantaged), one apprenticeship not sustained, one NEET, two with nothing
    recorded. Cohort 2023: three leavers, one sustained in employment, one with only an intention."""
    autumn = dt.date(2025, 10, 1)
    made = [leaver(cast.p1, n, 2024, disadvantaged=n < 4) for n in range(10)]
    for n in (0, 1, 4, 5, 6, 7):
        went(made[n], "fe", autumn)
    went(made[2], "appren", autumn, sustained=False)
    went(made[8], "neet", autumn, sustained=None)
    older = [leaver(cast.p1, 20 + n, 2023) for n in range(3)]
    went(older[0], "work", dt.date(2024, 10, 1))
    went(older[1], "appren", dt.date(2024, 2, 1), sustained=None, kind="intended")
    return made + older


def text_of(html: str) -> str:
    return html_module.unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))


def row_text(html: str, label: str) -> str:
    for row in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html, flags=re.S):
        text = text_of(row)
        if text.startswith(label):
            return text
    raise AssertionError(f"No row {label!r}")


def criterion_url(accreditation: Accreditation, code: str) -> str:
    return f"/providers/{accreditation.provider.urn}/accreditation/{accreditation.pk}/criteria/{code}/"


def round_url(accreditation: Accreditation) -> str:
    return f"/providers/{accreditation.provider.urn}/accreditation/{accreditation.pk}/"


def test_criterion_3_4_shows_the_three_cohorts_to_the_school_the_body_and_the_assessor(
    client: Client, cast: Cast, edition: Any, leavers: list[Learner]
) -> None:
    accreditation = make_round(cast, "assigned", today=TODAY)
    pages = []
    for user in (cast.p1_leader, cast.ab1_admin, cast.assessor_assigned):
        client.force_login(user)
        response = client.get(criterion_url(accreditation, "3.4"))
        assert response.status_code == 200
        pages.append(response.content.decode())
    tables = [page.split('id="destinations-evidence"')[1].split("No learner is named.")[0] for page in pages]
    assert tables[0] == tables[1] == tables[2]  # the same summary for everyone
    html = pages[0]
    assert "Key stage 4 leavers" in html
    assert "16–18 leavers" not in html  # no Year 13 leavers here
    # 2024/25: six sustained of ten (60%), two not sustained or NEET, two unknown; disadvantaged
    # 2 of 4 sustained beside 4 of 6 others: a side under six would single them out, so withheld.
    assert row_text(html, "2024/25") == "2024/25 10 60% (6) 20% (2) 20% (2) 0% (0) Withheld (fewer than 6)"
    # 2023/24: three leavers: how many left, and nothing about where they went.
    assert row_text(html, "2023/24") == "2023/24 3" + " Withheld (fewer than 6)" * 5
    assert row_text(html, "2025/26") == "2025/26 0 – – – – –"
    assert "a cohort of fewer than 6 leavers shows no figures" in html
    for page in pages:
        for learner in leavers:
            assert learner.surname not in page
        assert "Somewhere (where)" not in page
    # The school's careers leader (figures) is offered the full analysis page.
    assert f'href="/providers/{cast.p1.urn}/destinations/analysis/"' in html


def test_only_the_destinations_criterion_shows_them(
    client: Client, cast: Cast, edition: Any, leavers: list[Learner]
) -> None:
    accreditation = make_round(cast, "committed", today=TODAY)
    client.force_login(cast.p1_leader)
    html = client.get(criterion_url(accreditation, "3.3")).content.decode()
    assert "Destinations of the last three leaving cohorts" not in html
    evidence = queries.system_evidence(accreditation, today=TODAY)
    assert evidence["3.4"].destinations is not None
    assert all(found.destinations is None for code, found in evidence.items() if code != "3.4")


def test_the_assessor_reads_it_while_judging_section_3(
    client: Client, cast: Cast, edition: Any, leavers: list[Learner]
) -> None:
    accreditation = make_round(cast, "scheduled", today=TODAY)
    client.force_login(cast.assessor_assigned)
    html = client.get(round_url(accreditation) + "assess/3/").content.decode()
    assert row_text(html, "2024/25").startswith("2024/25 10 60% (6)")
    assert "Secretname" not in html


def test_the_criterion_page_reads_a_fixed_number_of_queries(client: Client, cast: Cast, edition: Any) -> None:
    accreditation = make_round(cast, "committed", today=TODAY)
    client.force_login(cast.p1_leader)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(criterion_url(accreditation, "3.4")).status_code == 200
        return len(captured)

    def add(start: int, n: int) -> None:
        for i in range(start, start + n):
            for cohort in (2023, 2024, 2025):
                learner = leaver(cast.p1, i, cohort, disadvantaged=i % 3 == 0)
                went(learner, ["fe", "sfc", "appren", "neet"][i % 4], dt.date(cohort + 1, 10, 1), i % 5 != 0)

    add(0, 2)
    count()  # the first request of a session reads a little more
    few = count()
    add(2, 30)
    assert count() == few


def test_recorded_destinations_count_as_the_destinations_evidence(
    client: Client, cast: Cast, edition: Any, leavers: list[Learner]
) -> None:
    accreditation = make_round(cast, "committed", today=TODAY)
    assert "destinations" not in [kind.code for kind in queries.missing_evidence(accreditation)]
    assert queries.evidence_held_here(accreditation, today=TODAY) == {"destinations": "Held here: 2 cohorts recorded"}
    client.force_login(cast.p1_leader)
    html = client.get(round_url(accreditation)).content.decode()
    row = text_of(html.split("Destinations data for the last three years</dt>")[1].split("</div>")[0])
    assert row.startswith("Provided Held here: 2 cohorts recorded.")
    # The school submits without uploading destinations data.
    for kind in ("inspection", "ceiag_policy", "provider_access"):
        actions.upload_evidence(
            accreditation=accreditation, upload=pdf_upload(), kind=kind, title="", criterion=None, actor=cast.p1_leader
        )
    actions.submit_portfolio(accreditation=accreditation, version=None, actor=cast.p1_leader)
    accreditation.refresh_from_db()
    assert accreditation.stage == "submitted"


def test_without_recorded_destinations_the_file_is_still_required(client: Client, cast: Cast, edition: Any) -> None:
    # A leaver with only an intention, and one whose destination is "unknown": nothing found out.
    learner = leaver(cast.p1, 1, 2024)
    went(learner, "fe", dt.date(2025, 2, 1), sustained=None, kind="intended")
    went(leaver(cast.p1, 2, 2024), "unknown", dt.date(2025, 10, 1), sustained=None)
    # A destination recorded for a cohort older than the last three does not count either.
    went(leaver(cast.p1, 3, 2021), "fe", dt.date(2022, 10, 1))
    accreditation = make_round(cast, "committed", today=TODAY)
    assert "destinations" in [kind.code for kind in queries.missing_evidence(accreditation)]
    client.force_login(cast.p1_leader)
    html = client.get(round_url(accreditation)).content.decode()
    row = text_of(html.split("Destinations data for the last three years</dt>")[1].split("</div>")[0])
    assert row.startswith("Missing")
    with pytest.raises(actions.StepRefused, match="Destinations data for the last three years"):
        actions.submit_portfolio(accreditation=accreditation, version=None, actor=cast.p1_leader)
    # Uploading a file still works.
    actions.upload_evidence(
        accreditation=accreditation, upload=pdf_upload(), kind="destinations", title="", criterion=None,
        actor=cast.p1_leader,
    )  # fmt: skip
    assert "destinations" not in [kind.code for kind in queries.missing_evidence(accreditation)]


# --- A CSV file as destinations data -------------------------------------------------------------


def upload(client: Client, accreditation: Accreditation, kind: str, data: bytes, name: str) -> Any:
    return client.post(
        round_url(accreditation) + "documents/new/",
        {"kind": kind, "title": "", "criterion": "", "file": SimpleUploadedFile(name, data, "text/csv")},
    )


def test_a_csv_is_accepted_as_destinations_data_and_downloaded_as_csv(client: Client, cast: Cast, edition: Any) -> None:
    accreditation = make_round(cast, "committed", today=TODAY)
    client.force_login(cast.p1_leader)
    response = upload(client, accreditation, "destinations", CSV_BYTES, "destinations 2025.csv")
    assert response.status_code == 302
    document = EvidenceDocument.objects.get(accreditation=accreditation, kind="destinations")
    assert (document.file_type, document.size) == ("csv", len(CSV_BYTES))
    assert document.file.name.endswith(".csv")
    assert "(CSV," in client.get(round_url(accreditation)).content.decode()
    for user in (cast.p1_leader, cast.ab1_admin):
        client.force_login(user)
        download = client.get(round_url(accreditation) + f"documents/{document.pk}/")
        assert download.status_code == 200
        assert download["Content-Type"] == "text/csv"
        assert download["Content-Disposition"].startswith("attachment;")
        assert ".csv" in download["Content-Disposition"]
        assert download["X-Content-Type-Options"] == "nosniff"
        assert b"".join(download.streaming_content) == CSV_BYTES  # type: ignore[attr-defined]


def test_a_csv_for_any_other_kind_is_refused_with_a_reason(client: Client, cast: Cast, edition: Any) -> None:
    accreditation = make_round(cast, "committed", today=TODAY)
    client.force_login(cast.p1_leader)
    response = upload(client, accreditation, "inspection", CSV_BYTES, "inspection.csv")
    assert response.status_code == 200
    page = text_of(response.content.decode())
    assert "A CSV file can only be added as “Destinations data for the last three years”" in page
    assert "There is a problem" in page
    # Binary junk named .csv is refused for destinations too, saying why.
    response = upload(client, accreditation, "destinations", b"\x00\x01\x02junk,\xff" * 50, "destinations.csv")
    assert "The file cannot be read as a CSV file: it is not a text file" in text_of(response.content.decode())
    assert not EvidenceDocument.objects.filter(accreditation=accreditation, kind__in=["inspection", "destinations"])
    # The action refuses it too, whatever the form said.
    from qic.core.uploads import check_upload

    checked = check_upload(CSV_BYTES, "x.csv", allow_csv=True)
    with pytest.raises(actions.StepRefused, match="A CSV file can only be added as"):
        actions.upload_evidence(
            accreditation=accreditation, upload=checked, kind="ceiag_policy", title="", criterion=None,
            actor=cast.p1_leader,
        )  # fmt: skip


def test_the_destinations_criterion_of_each_edition_is_about_destinations(edition: Any) -> None:
    from qic.domain.destinations_evidence import DESTINATIONS_CRITERION
    from qic.frameworks.models import Criterion

    assert edition.code in DESTINATIONS_CRITERION
    for code, criterion_code in DESTINATIONS_CRITERION.items():
        if code == edition.code:
            text = Criterion.objects.get(edition=edition, code=criterion_code).text
            assert "destinations data for Key Stage 4 & Key Stage 5" in text
