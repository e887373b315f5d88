"""Editions are chosen by the date they apply to (issue 10, item 3; DOMAIN.md §2).

A second edition with a later effective date (1 September 2027; built from the 2024 data in
tests/fixtures/editions.py) is loaded on 3 December 2026. Nothing changes that day or any day
before 1 September 2027 — dashboards, the framework pages, a new accreditation round, the API,
the national aggregates — and everything measured from then on uses it, while a round started
before keeps the edition it started with. The clock is moved by patching Django's `timezone.now`
(which `timezone.localdate` reads).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from qic.accreditation import actions as accreditation_actions
from qic.accreditation.models import Accreditation
from qic.core.actors import SystemActor
from qic.core.models import AuditEvent
from qic.domain.accreditation import Stage
from qic.frameworks.editions import edition_for_year, edition_on, edition_to_show, editions_on
from qic.frameworks.models import Criterion, Edition
from qic.national.actions import compute_provider_figures
from qic.programme import actions as programme_actions
from tests.conftest import FRAMEWORK_FILE, Cast
from tests.factories import pdf_upload
from tests.fixtures.editions import LATER_CODE, LATER_TITLE, later_edition_data

TODAY = dt.date(2026, 12, 3)
EVE = dt.date(2027, 8, 31)
SWITCH = dt.date(2027, 9, 1)
EARLIER_TITLE = "Quality in Careers Standard national criteria (January 2024 edition)"

SetClock = Callable[[dt.date], None]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> SetClock:
    def set_day(day: dt.date) -> None:
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
        monkeypatch.setattr(timezone, "now", lambda: moment)
        assert timezone.localdate() == day

    set_day(TODAY)
    return set_day


@pytest.fixture
def data_folder(tmp_path: Path) -> Path:
    """A data folder like qic/frameworks/data with the later edition beside 2024."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "qic-2024.yaml").write_bytes(FRAMEWORK_FILE.read_bytes())
    (folder / "qic-2027-test.yaml").write_text(yaml.safe_dump(later_edition_data(), allow_unicode=True), "utf-8")
    return folder


def load_folder(folder: Path) -> str:
    out = io.StringIO()
    call_command("load_framework", str(folder), stdout=out)
    return out.getvalue()


def answer_bm1(cast: Cast, *years: int) -> None:
    """The first programme indicator of Benchmark 1 met in each year: BM1 reads "1 of 3" on the
    2024 edition and "1 of 2" on the later one (which has one school indicator fewer)."""
    for year in years:
        programme_actions.answer_programme_question(
            provider_id=cast.p1.pk,
            year=year,
            benchmark=1,
            indicator=0,
            achieved=True,
            evidence_url="https://alpha.example.org/careers",
            note="",
            actor=cast.p1_leader,
        )


def start_round(provider: Any, actor: Any) -> Accreditation:
    return accreditation_actions.request_commitment(
        provider=provider,
        commitment_url="https://example.org/careers-commitment",
        compass_tool="compass",
        compass_completed_on=timezone.localdate() - dt.timedelta(days=30),
        compass_report=pdf_upload("compass.pdf"),
        actor=actor,
    )


def signed_in(user: Any) -> Client:
    # Signed in afresh after each move of the clock, so the session has not expired.
    client = Client()
    client.force_login(user)
    return client


def bm1_line(dashboard: str) -> str:
    found = re.search(r"\d+ of \d+ indicators met", dashboard)
    assert found is not None, "the dashboard shows how many Benchmark 1 indicators are met"
    return found.group(0)


def what_users_see(cast: Cast, year: int | None = None) -> dict[str, Any]:
    """The edition each part of the product uses today, as its users see it."""
    leader = signed_in(cast.p1_leader)
    query = f"?year={year}" if year is not None else ""
    dashboard = leader.get(f"/providers/{cast.p1.urn}/benchmarks/{query}").content.decode()
    api_figures = leader.get(f"/api/v1/providers/{cast.p1.urn}/benchmarks{query}").json()
    bm1 = next(b for b in api_figures["benchmarks"] if b["number"] == 1)
    home = leader.get("/home/").content.decode()
    framework = Client().get("/framework/")
    editions = Client().get("/api/v1/frameworks").json()
    return {
        "dashboard": bm1_line(dashboard),
        "api bm1": round(bm1["percent"], 1),
        "home": EARLIER_TITLE if EARLIER_TITLE in home else (LATER_TITLE if LATER_TITLE in home else home),
        "framework page": framework["Location"],
        "api in force": [e["code"] for e in editions if e["in_force"]],
        "api statuses": {e["code"]: e["status"] for e in editions},
    }


ON_2024 = {
    "dashboard": "1 of 3 indicators met",
    "api bm1": 33.3,
    "home": EARLIER_TITLE,
    "framework page": "/framework/qic-2024/",
}


def test_loading_a_later_edition_changes_nothing_until_1_september_2027(
    cast: Cast, edition: Edition, clock: SetClock, data_folder: Path
) -> None:
    answer_bm1(cast, 2026, 2027)
    before = what_users_see(cast)
    assert before == {**ON_2024, "api in force": ["qic-2024"], "api statuses": {"qic-2024": "in_force"}}
    early_round = start_round(cast.p1, cast.p1_leader)

    # Loading the folder: 2024 is unchanged, the later edition is created beside it.
    output = load_folder(data_folder)
    assert "Edition qic-2024 " in output
    assert "): unchanged;" in output
    assert f"Edition {LATER_CODE} ({LATER_TITLE}, effective from 1 September 2027): created;" in output
    assert Edition.objects.count() == 2

    # The same day: nothing changes, except that the API lists the future edition as future.
    on_load = {**ON_2024, "api in force": ["qic-2024"], "api statuses": {LATER_CODE: "future", "qic-2024": "in_force"}}
    assert what_users_see(cast) == on_load
    assert compute_provider_figures(provider=cast.p1, year=2026, today=TODAY).bm1 == pytest.approx(100 / 3)
    p2_round = start_round(cast.p2, cast.p2_leader)
    assert p2_round.edition.code == "qic-2024"
    assert {r.criterion.edition_id for r in p2_round.criterion_records.select_related("criterion")} == {edition.pk}

    # The last day of 2026/27: still nothing.
    clock(EVE)
    assert what_users_see(cast) == on_load

    # 1 September 2027: 2027/28 begins, measured on the later edition; the framework pages and
    # the API say it is in force; the year 2026/27 is still shown on the edition it began under.
    clock(SWITCH)
    assert what_users_see(cast) == {
        "dashboard": "1 of 2 indicators met",
        "api bm1": 50.0,
        "home": LATER_TITLE,
        "framework page": f"/framework/{LATER_CODE}/",
        "api in force": [LATER_CODE],
        "api statuses": {LATER_CODE: "in_force", "qic-2024": "past"},
    }
    assert what_users_see(cast, year=2026) | {"api in force": None, "api statuses": None} == {
        **ON_2024,
        "home": LATER_TITLE,
        "framework page": f"/framework/{LATER_CODE}/",
        "api in force": None,
        "api statuses": None,
    }
    assert compute_provider_figures(provider=cast.p1, year=2027, today=SWITCH).bm1 == pytest.approx(50.0)
    assert compute_provider_figures(provider=cast.p1, year=2026, today=SWITCH).bm1 == pytest.approx(100 / 3)

    # Rounds started before keep their edition, and keep it as they move on.
    accreditation_actions.grant_commitment(accreditation=early_round, version=None, today=SWITCH, actor=cast.ab1_admin)
    early_round.refresh_from_db()
    assert early_round.stage == Stage.COMMITTED
    assert early_round.edition.code == "qic-2024"
    assert set(early_round.criterion_records.values_list("criterion__edition__code", flat=True)) == {"qic-2024"}
    p2_round.refresh_from_db()
    assert p2_round.edition.code == "qic-2024"


def test_a_round_started_on_or_after_the_date_takes_the_later_edition(
    cast: Cast, edition: Edition, clock: SetClock, data_folder: Path
) -> None:
    load_folder(data_folder)
    clock(EVE)
    on_the_eve = start_round(cast.p1, cast.p1_leader)
    clock(SWITCH)
    on_the_day = start_round(cast.p2, cast.p2_leader)
    assert (on_the_eve.edition.code, on_the_day.edition.code) == ("qic-2024", LATER_CODE)
    later = Edition.objects.get(code=LATER_CODE)
    assert on_the_day.criterion_records.count() == Criterion.objects.filter(edition=later).count() == 32
    assert set(on_the_day.criterion_records.values_list("criterion__edition_id", flat=True)) == {later.pk}
    event = AuditEvent.objects.filter(action="accreditation.commitment_requested").order_by("pk").last()
    assert event is not None
    assert event.after["edition"] == LATER_CODE


def test_reaccreditation_takes_the_edition_in_force_when_it_starts(
    cast: Cast, edition: Edition, clock: SetClock, data_folder: Path
) -> None:
    from tests.factories import make_round

    issued = make_round(cast, "issued", today=TODAY)
    assert issued.edition.code == "qic-2024"
    load_folder(data_folder)
    clock(SWITCH)
    again = accreditation_actions.start_reaccreditation(accreditation=issued, actor=cast.p1_leader)
    assert again.edition.code == LATER_CODE
    issued.refresh_from_db()
    assert issued.edition.code == "qic-2024"


def test_a_future_edition_page_is_viewable_but_labelled(client: Client, edition: Edition, clock: SetClock) -> None:
    from qic.frameworks.loading import load_edition

    load_edition(later_edition_data(), actor=SystemActor("tests"))
    future = client.get(f"/framework/{LATER_CODE}/").content.decode()
    assert "Not yet in force" in future
    assert "This edition is not yet in force: it applies from 1 September 2027." in future
    assert 'The edition in force today is <a class="govuk-link" href="/framework/qic-2024/">' in future
    section = client.get(f"/framework/{LATER_CODE}/sections/1/").content.decode()
    assert "This edition is not yet in force" in section
    current = client.get("/framework/qic-2024/").content.decode()
    assert "This edition is not yet in force" not in current
    assert "In force" in current
    assert "Not yet in force" in current
    assert "1 September 2027" in current
    assert "1 January 2024" in current
    clock(SWITCH)
    old = client.get("/framework/qic-2024/").content.decode()
    assert "This edition has been superseded." in old
    assert "Superseded" in old


def test_before_any_edition_takes_effect_the_framework_page_shows_the_first_labelled(
    client: Client, db: None, clock: SetClock
) -> None:
    from qic.frameworks.loading import load_edition

    load_edition(later_edition_data(), actor=SystemActor("tests"))
    response = client.get("/framework/")
    assert response["Location"] == f"/framework/{LATER_CODE}/"
    assert "not yet in force" in client.get(response["Location"]).content.decode()
    assert edition_on(TODAY) is None


def test_no_round_starts_while_no_edition_is_in_force(cast: Cast, db: None, clock: SetClock) -> None:
    from qic.frameworks.loading import load_edition

    load_edition(later_edition_data(), actor=SystemActor("tests"))
    with pytest.raises(accreditation_actions.StepRefused, match="No edition of the national criteria is in force"):
        start_round(cast.p1, cast.p1_leader)
    assert not Accreditation.objects.exists()


@pytest.mark.parametrize(
    ("day", "code"),
    [(dt.date(2023, 12, 31), None), (dt.date(2024, 1, 1), "qic-2024"), (EVE, "qic-2024"), (SWITCH, LATER_CODE)],
)
def test_edition_on(edition: Edition, day: dt.date, code: str | None) -> None:
    from qic.frameworks.loading import load_edition

    load_edition(later_edition_data(), actor=SystemActor("tests"))
    found = edition_on(day)
    assert (found.code if found else None) == code


@pytest.mark.parametrize(
    ("year", "code"), [(2022, "qic-2024"), (2024, "qic-2024"), (2026, "qic-2024"), (2027, LATER_CODE)]
)
def test_edition_for_year(edition: Edition, year: int, code: str) -> None:
    from qic.frameworks.loading import load_edition

    load_edition(later_edition_data(), actor=SystemActor("tests"))
    found = edition_for_year(year)
    assert found is not None
    assert found.code == code


def test_each_choice_is_one_query_however_many_editions(
    edition: Edition, django_assert_num_queries: Any, clock: SetClock
) -> None:
    from qic.frameworks.loading import load_edition

    for n in range(5):
        load_edition(
            later_edition_data(
                code=f"later-{n}", title=f"Later {n}", effective_from=SWITCH + dt.timedelta(days=365 * n)
            ),
            actor=SystemActor("tests"),
        )
    with django_assert_num_queries(1):
        edition_on(TODAY)
    with django_assert_num_queries(1):
        edition_for_year(2026)
    with django_assert_num_queries(1):
        edition_to_show(TODAY)
    with django_assert_num_queries(1):
        assert [d.status.value for d in editions_on(TODAY)].count("in_force") == 1
