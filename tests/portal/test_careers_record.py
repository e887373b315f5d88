"""A learner reads their own careers record: their interviews with the agreed actions, what they
took part in by year, and where they stand this year, in plain words; never anyone else's record,
never an activity they missed or anything removed; in a fixed number of queries. Staff see the
same page as a preview, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qic.core.models import AuditEvent
from qic.learners.models import Learner
from qic.organisations.models import Provider, User
from qic.programme.actions import record_participation, remove_activity, remove_interview, save_interview
from qic.programme.models import Adviser, Interview
from tests.conftest import Cast
from tests.factories import make_activity, make_learner, make_learner_account

TODAY = dt.date(2026, 3, 10)  # 2025/26: the refreshed benchmarks


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def year_11(provider: Provider, forename: str, surname: str, upn: str) -> Learner:
    return make_learner(
        provider,
        forename=forename,
        surname=surname,
        upn=upn,
        date_of_birth=dt.date(2010, 1, 15),
        year_group=11,
        year_group_recorded_in=2025,
    )


def interview(learner: Learner, actor: User, *, summary: str, actions: str, on: dt.date = TODAY) -> Interview:
    adviser, _ = Adviser.objects.get_or_create(provider=learner.provider, name=f"Adviser of {learner.provider.name}")
    return save_interview(
        interview=Interview(
            provider=learner.provider,
            learner=learner,
            adviser=adviser,
            date=on,
            duration_minutes=45,
            summary=summary,
            agreed_actions=actions,
        ),
        actor=actor,
    )


def took_part(learner: Learner, actor: User, title: str, **fields: object) -> None:
    activity = make_activity(learner.provider, title=title, **fields)
    record_participation(activity=activity, attended=[learner.pk], absent=[], actor=actor)


def signed_in(learner: Learner) -> Client:
    client = Client()
    client.force_login(make_learner_account(learner))
    return client


@pytest.fixture
def school(cast: Cast) -> dict[str, Learner]:
    amy = year_11(cast.p1, "Amy", "Okafor", "A201100018042")
    ben = year_11(cast.p1, "Ben", "Quist", "B201100018042")
    cara = year_11(cast.p2, "Cara", "Lindqvist", "C201100018042")
    interview(
        amy, cast.p1_leader, summary="Amy wants to work with animals.", actions="Amy will ask the vet about a visit."
    )
    interview(
        ben, cast.p1_leader, summary="Ben likes building things.", actions="Ben will email the engineering college."
    )
    interview(cara, cast.p2_leader, summary="Cara enjoys drama.", actions="Cara will join the theatre club.")
    took_part(amy, cast.p1_leader, "Vets at work talk", date=dt.date(2026, 2, 3), partner="Greenfield Vets")
    took_part(amy, cast.p1_leader, "Last year's careers fair", date=dt.date(2024, 11, 5), subtype="careers_fair")
    took_part(ben, cast.p1_leader, "Engineering open day", date=dt.date(2026, 1, 20))
    took_part(cara, cast.p2_leader, "Theatre backstage tour", date=dt.date(2026, 1, 21))
    # Amy was absent from one, and one she attended was removed: neither is hers to see.
    missed = make_activity(cast.p1, title="Bank talk that was missed", date=dt.date(2026, 1, 5))
    record_participation(activity=missed, attended=[ben.pk], absent=[amy.pk], actor=cast.p1_leader)
    removed = make_activity(cast.p1, title="Removed mock interviews", date=dt.date(2026, 1, 6))
    record_participation(activity=removed, attended=[amy.pk], absent=[], actor=cast.p1_leader)
    remove_activity(activity=removed, actor=cast.p1_leader)
    gone = interview(amy, cast.p1_leader, summary="A removed interview note.", actions="A removed action.")
    remove_interview(interview=gone, actor=cast.p1_leader)
    return {"amy": amy, "ben": ben, "cara": cara}


SECRETS = {
    "amy": ["Amy", "Okafor", "Amy wants to work with animals.", "Amy will ask the vet about a visit."],
    "ben": ["Ben Quist", "Quist", "Ben likes building things.", "Ben will email the engineering college."],
    "cara": ["Cara", "Lindqvist", "Cara enjoys drama.", "Cara will join the theatre club.", "Theatre backstage"],
}


def test_a_learner_reads_their_interviews_activities_and_where_they_stand(
    cast: Cast, school: dict[str, Learner]
) -> None:
    page = signed_in(school["amy"]).get("/my/").content.decode()
    assert "Hello Amy." in page
    assert "Careers interview on 10 March 2026" in page
    assert f"Adviser of {cast.p1.name}" in page
    assert "Amy wants to work with animals." in page
    assert "What you agreed to do next" in page
    assert "Amy will ask the vet about a visit." in page
    # What she took part in, by year, newest first, in plain words.
    assert page.index("2025/26") < page.index("Vets at work talk") < page.index("2024/25")
    assert page.index("2024/25") < page.index("Last year&#x27;s careers fair")
    assert "3 February 2026. Meeting an employer, with Greenfield Vets." in page
    # Where she stands on the refreshed measures for a pupil finishing Year 11: what is still to do first.
    assert page.index("Still to do") < page.index("You still need more workplace experiences") < page.index("Done")
    assert page.index("Done") < page.index("You have met employers this year.")
    assert "You have met employers this year." in page
    assert "You still need more workplace experiences by the end of Year 11." in page
    assert "You have had a careers interview." in page
    # Never what she missed, anything removed, or the staff words for the measures.
    for hidden in [
        "Bank talk that was missed",
        "Removed mock interviews",
        "A removed interview note.",
        "A removed action.",
    ]:
        assert hidden not in page
    assert "BM5" not in page


@pytest.mark.parametrize("who", ["amy", "ben", "cara"])
def test_no_learner_sees_another_learners_name_interview_or_actions(
    cast: Cast, school: dict[str, Learner], who: str
) -> None:
    page = signed_in(school[who]).get("/my/").content.decode()
    for own in SECRETS[who][2:4]:
        assert own in page
    for other, secrets in SECRETS.items():
        if other != who:
            for secret in secrets:
                assert secret not in page, f"{who} sees {other}'s {secret!r}"


def test_a_learner_with_nothing_recorded_is_told_so_in_plain_words(cast: Cast) -> None:
    page = signed_in(year_11(cast.p1, "Dev", "Patel", "D201100018042")).get("/my/").content.decode()
    assert "You have not had a careers interview yet." in page
    assert "You have not taken part in any careers activities yet." in page
    assert "You still need to meet an employer this year." in page


def test_a_recent_leaver_still_reads_their_record_and_has_nothing_left_to_do(
    cast: Cast, school: dict[str, Learner]
) -> None:
    amy = school["amy"]
    client = signed_in(amy)
    Learner.objects.filter(pk=amy.pk).update(left_on=TODAY - dt.timedelta(days=3))
    page = client.get("/my/").content.decode()
    assert "You have left your school or college, so there is nothing more to do here." in page
    assert "Amy will ask the vet about a visit." in page
    assert "You still need" not in page


def test_what_staff_wrote_is_shown_as_text_never_as_markup(cast: Cast) -> None:
    dev = year_11(cast.p1, "Dev", "Patel", "D201100018042")
    interview(dev, cast.p1_leader, summary="<script>alert(1)</script>", actions="<b>Line one</b>\nLine two")
    page = signed_in(dev).get("/my/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Line one&lt;/b&gt;<br>Line two" in page


def record_of_size(cast: Cast, size: int, upn: str) -> Learner:
    learner = year_11(cast.p1, "Size", f"Of{size}", upn)
    adviser = Adviser.objects.create(provider=cast.p1, name=f"Adviser {size}")
    for n in range(size):
        Interview.objects.create(
            provider=cast.p1,
            learner=learner,
            adviser=adviser,
            date=dt.date(2025 - n % 3, 10, 1 + n % 28),
            academic_year=2025 - n % 3,
            duration_minutes=45,
            summary=f"Interview {n}",
        )
        took_part(learner, cast.p1_leader, f"Activity {n}", date=dt.date(2025 - n % 3, 10, 1 + n % 28))
    return learner


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_size_of_the_record(cast: Cast) -> None:
    counts = {}
    for size, upn in [(1, "E201100018042"), (50, "F201100018042")]:
        client = signed_in(record_of_size(cast, size, upn))
        client.get("/my/")  # the session and anything cached on first use
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/my/")
        assert response.status_code == 200
        assert f"Activity {size - 1}" in response.content.decode()
        counts[size] = len(queries)
    assert counts[1] == counts[50], counts


def test_the_staff_page_and_the_learners_page_read_the_same_standing(cast: Cast, school: dict[str, Learner]) -> None:
    amy = school["amy"]
    staff = Client()
    staff.force_login(cast.p1_leader)
    on_staff_page = {
        m.code: met for m, met in staff.get(f"/providers/{cast.p1.urn}/learners/{amy.pk}/").context["statuses"]
    }
    record = signed_in(amy).get("/my/").context["record"]
    on_learners_page = {s.measure.code: s.met for s in record.standing.statuses}
    assert on_staff_page == on_learners_page
    assert on_staff_page["BM5"] is True
    assert on_staff_page["BM6-16"] is False


# --- Staff: what the learner sees -----------------------------------------------------------------


def test_the_staff_learner_page_says_whether_the_learner_has_signed_in_and_links_to_what_they_see(
    cast: Cast, school: dict[str, Learner]
) -> None:
    amy = school["amy"]
    client = Client()
    client.force_login(cast.p1_leader)
    page = client.get(f"/providers/{cast.p1.urn}/learners/{amy.pk}/").content.decode()
    assert "No account: Amy Okafor cannot sign in yet" in page
    user = make_learner_account(amy, sign_in_name="amy.k7q2")
    User.objects.filter(pk=user.pk).update(last_login=timezone.now().replace(year=2026, month=3, day=9, hour=12))
    page = client.get(f"/providers/{cast.p1.urn}/learners/{amy.pk}/").content.decode()
    assert "What Amy Okafor sees" in page
    assert "Sign-in name amy.k7q2; no password set yet" in page
    assert "9 March 2026" in page
    assert f"/providers/{cast.p1.urn}/learners/{amy.pk}/learner-view/" in page


def test_staff_preview_the_learners_own_page_and_the_read_is_audited(cast: Cast, school: dict[str, Learner]) -> None:
    amy = school["amy"]
    client = Client()
    client.force_login(cast.p1_staff)
    response = client.get(f"/providers/{cast.p1.urn}/learners/{amy.pk}/learner-view/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "This is what Amy Okafor sees when they sign in." in page
    assert "My careers record" in page
    assert "Amy will ask the vet about a visit." in page
    assert "You have met employers this year." in page
    assert "Ben likes building things." not in page
    event = AuditEvent.objects.filter(action="learner.viewed_as_learner").get()
    assert event.actor_id == cast.p1_staff.pk
    assert event.learner_id_ref == amy.pk


def test_staff_preview_is_refused_to_other_providers_and_to_governors(cast: Cast, school: dict[str, Learner]) -> None:
    url = f"/providers/{cast.p1.urn}/learners/{school['amy'].pk}/learner-view/"
    client = Client()
    client.force_login(cast.p2_leader)
    assert client.get(url).status_code == 404
    client.force_login(cast.p1_governor)
    assert client.get(url).status_code == 403
    client.force_login(cast.p1_leader)
    assert client.get(f"/providers/{cast.p1.urn}/learners/{school['cara'].pk}/learner-view/").status_code == 404
