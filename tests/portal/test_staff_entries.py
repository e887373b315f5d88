"""Staff's side of learners' own entries (issue 14, items 5 and 7): the learner's page shows them,
tutors verify, only the careers leader hides (with a reason, after a confirmation), another
provider's staff get 404, reads are audited; and the portfolio shows aggregate figures for
criteria 3.2 and 3.3, never a name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from qic.accreditation.queries import system_evidence
from qic.core.models import AuditEvent
from qic.learners.models import Learner
from qic.portal import queries
from qic.portal.models import LearnerEntry
from tests.conftest import Cast
from tests.factories import make_learner, make_learner_account, make_learner_entry, make_round

TODAY = dt.date(2026, 12, 4)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    moment = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(12, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def amy(cast: Cast) -> Learner:
    return make_learner(cast.p1, forename="Amy", surname="Okafor", upn="A123456789012", registration_group="10A")


@pytest.fixture
def entry(amy: Learner) -> LearnerEntry:
    return make_learner_entry(amy, title="Duke of Edinburgh bronze", kind="award")


def as_user(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_learner_page_shows_entries_with_the_actions_each_role_may_take(
    cast: Cast, amy: Learner, entry: LearnerEntry
) -> None:
    make_learner_entry(amy, title="Removed by Amy", removed_at=timezone.now())
    url = f"/providers/{cast.p1.urn}/learners/{amy.pk}/"
    page = as_user(cast.p1_leader).get(url).content.decode()
    assert "Experiences and achievements the learner recorded" in page
    assert "Duke of Edinburgh bronze" in page
    assert "Removed by Amy" not in page
    assert f"/learner-entries/{entry.pk}/verify/" in page
    assert f"/learner-entries/{entry.pk}/hide/" in page
    page = as_user(cast.p1_staff).get(url).content.decode()
    assert f"/learner-entries/{entry.pk}/verify/" in page
    assert f"/learner-entries/{entry.pk}/hide/" not in page


def test_staff_verify_an_entry_after_seeing_it(cast: Cast, entry: LearnerEntry) -> None:
    url = f"/providers/{cast.p1.urn}/learner-entries/{entry.pk}/verify/"
    client = as_user(cast.p1_staff)
    page = client.get(url).content.decode()
    assert "Verify “Duke of Edinburgh bronze”" in page
    assert AuditEvent.objects.filter(action="learner_entry.viewed", learner_id_ref=entry.learner_id).exists()
    page = client.post(url, {"verify": "1"}, follow=True).content.decode()
    assert "is verified." in page
    entry.refresh_from_db()
    assert entry.verified_by == cast.p1_staff
    assert AuditEvent.objects.filter(action="learner_entry.verified").exists()


def test_only_the_leader_hides_with_a_reason_after_confirming(cast: Cast, entry: LearnerEntry) -> None:
    url = f"/providers/{cast.p1.urn}/learner-entries/{entry.pk}/hide/"
    assert as_user(cast.p1_staff).post(url, {"reason": "x", "hide": "1"}).status_code == 403
    client = as_user(cast.p1_leader)
    page = client.get(url).content.decode()
    assert "A hidden entry never goes into the learner's passport" in page
    client.post(url, {"cancel": "1"})
    page = client.post(url, {"reason": "", "hide": "1"}).content.decode()
    assert "Enter why you are hiding this entry" in page
    assert "There is a problem" in page
    entry.refresh_from_db()
    assert not entry.hidden
    client.post(url, {"reason": "Names another pupil", "hide": "1"})
    entry.refresh_from_db()
    assert entry.hidden_by == cast.p1_leader
    assert entry.hidden_reason == "Names another pupil"
    assert AuditEvent.objects.get(action="learner_entry.hidden").after == {"reason": "Names another pupil"}
    assert queries.passport_entries(entry.learner) == []


def test_another_providers_staff_get_404(cast: Cast, entry: LearnerEntry) -> None:
    client = as_user(cast.p2_leader)
    for action in ("verify", "hide"):
        assert client.get(f"/providers/{cast.p1.urn}/learner-entries/{entry.pk}/{action}/").status_code == 404
        assert client.get(f"/providers/{cast.p2.urn}/learner-entries/{entry.pk}/{action}/").status_code == 404
        assert (
            client.post(f"/providers/{cast.p2.urn}/learner-entries/{entry.pk}/{action}/", {action: "1"}).status_code
            == 404
        )
    entry.refresh_from_db()
    assert not entry.verified
    assert not entry.hidden
    assert "Duke of Edinburgh" not in client.get(f"/providers/{cast.p2.urn}/learner-entries/").content.decode()


def test_the_provider_list_filters_by_form_group_and_year_and_is_an_audited_read(
    cast: Cast, amy: Learner, entry: LearnerEntry
) -> None:
    ben = make_learner(
        cast.p1,
        forename="Ben",
        surname="Ashworth",
        upn="B123456789012",
        registration_group="11B",
        year_group=11,
        year_group_recorded_in=2026,
    )
    make_learner_entry(ben, title="Chess club captain", kind="club")
    make_learner_entry(ben, title="Already checked", verified_at=timezone.now())
    client = as_user(cast.p1_staff)
    url = f"/providers/{cast.p1.urn}/learner-entries/"
    page = client.get(url).content.decode()
    assert "Duke of Edinburgh bronze" in page
    assert "Chess club captain" in page
    assert "Already checked" not in page
    page = client.get(url, {"form_group": "11B"}).content.decode()
    assert "Chess club captain" in page
    assert "Duke of Edinburgh bronze" not in page
    page = client.get(url, {"year_group": "10"}).content.decode()  # Amy: Year 9 in 2025/26, so Year 10 now
    assert "Duke of Edinburgh bronze" in page
    assert "Chess club captain" not in page
    page = client.get(url, {"show": "all", "form_group": "nonsense", "year_group": "x"}).content.decode()
    assert "Already checked" in page
    event = AuditEvent.objects.filter(action="learner_entries.viewed").last()
    assert event is not None
    assert event.learner_data
    assert set(event.after["learner_ids"]) == {amy.pk, ben.pk}


def test_the_portfolio_shows_figures_for_3_2_and_3_3_without_names(
    cast: Cast, edition: object, amy: Learner, entry: LearnerEntry
) -> None:
    ben = make_learner(cast.p1, forename="Ben", surname="Ashworth", upn="B123456789012")
    make_learner(cast.p1, forename="Cleo", surname="Left", upn="C123456789012", left_on=dt.date(2026, 7, 20))
    make_learner_entry(ben, title="Chess", verified_at=timezone.now())
    make_learner_entry(ben, title="Removed", removed_at=timezone.now(), verified_at=timezone.now())
    make_learner_account(amy)
    accreditation = make_round(cast, "committed")
    found = system_evidence(accreditation, today=TODAY)
    assert found["3.3"].extra == [
        "2 of 2 learners on roll have recorded at least one experience or achievement; 1 entry verified by staff"
    ]
    assert found["3.2"].extra == ["1 of 2 learners on roll can sign in to see their guidance records"]
    client = as_user(cast.ab1_admin)
    page = client.get(f"/providers/{cast.p1.urn}/accreditation/{accreditation.pk}/criteria/3.3/").content.decode()
    assert "2 of 2 learners on roll have recorded at least one experience or achievement" in page
    assert "Okafor" not in page
    assert "Ashworth" not in page
    assert "Chess" not in page


def test_anonymising_a_learner_erases_what_they_wrote(cast: Cast, amy: Learner, entry: LearnerEntry) -> None:
    from qic.programme import data_protection

    make_learner_entry(amy, title="Removed one", description="Names me", removed_at=timezone.now())
    data_protection.anonymise_learner(learner=amy, reason="Erasure asked for", actor=cast.p1_leader)
    rows = list(LearnerEntry.all_objects.filter(learner=amy).values_list("title", "description"))
    assert rows == [("Removed when the record was anonymised", "")] * 2
    event = AuditEvent.objects.get(action="learner.anonymised")
    assert event.after["own_writing_removed"] == 2


def test_the_subject_access_rows_hold_every_entry_the_learner_wrote(
    cast: Cast, amy: Learner, entry: LearnerEntry
) -> None:
    make_learner_entry(amy, title="Removed one", removed_at=timezone.now(), learning_areas=["manage_career"])
    make_learner_entry(make_learner(cast.p1, forename="Ben", upn="B123456789012"), title="Ben's")
    rows = queries.subject_access_rows(amy)
    assert [(r["title"], r["kind"]) for r in rows] == [
        ("Duke of Edinburgh bronze", "Award or achievement"),
        ("Removed one", "Part-time work"),
    ]
    assert rows[1]["learning_areas"] == ["Manage career"]
    assert rows[1]["removed_at"] is not None


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_lists_take_the_same_number_of_queries_whatever_their_length(cast: Cast, amy: Learner) -> None:
    learner_client = Client()
    learner_client.force_login(make_learner_account(amy))
    staff = as_user(cast.p1_staff)
    staff_list = f"/providers/{cast.p1.urn}/learner-entries/"
    make_learner_entry(amy)
    before = (_queries(learner_client, "/my/experiences/"), _queries(staff, staff_list))
    for n in range(5):
        make_learner_entry(amy, title=f"Entry {n}", learning_areas=["manage_career"])
        other = make_learner(cast.p1, forename=f"Pupil{n}", upn=f"Z12345678901{n}")
        make_learner_entry(other, title=f"Other {n}")
    after = (_queries(learner_client, "/my/experiences/"), _queries(staff, staff_list))
    assert after == before
