"""Self sign-in to an activity and reflections: the rules (window open or closed, eligibility,
once each, throttle, no code reuse), how a reflection counts, and what each person sees."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from qic.core.models import AuditEvent
from qic.domain import benchmarks as bm
from qic.domain import sign_in as rules
from qic.domain.academic import academic_year_of
from qic.domain.upn import upn_check_letter
from qic.learners.models import Learner
from qic.programme import actions, queries, sign_in
from qic.programme.models import Activity, LearnerSignIn, LearnerTally, Participation, Reflection, SignInWindow
from tests.conftest import Cast
from tests.factories import make_activity, make_learner, make_learner_account

PASSWORD = "a-learner-password-1"
TODAY_YEAR = academic_year_of(timezone.localdate())


def upn(n: int) -> str:
    body = f"8889017{n:05d}"
    return upn_check_letter(body) + body


def learner_client(learner: Learner, name: str) -> Client:
    make_learner_account(learner, sign_in_name=name)
    client = Client()
    response = client.post("/learner/sign-in/", {"username": name, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def amy(cast: Cast) -> Learner:
    return make_learner(cast.p1, upn=upn(1), forename="Amy", surname="Okafor")


@pytest.fixture
def ben(cast: Cast) -> Learner:
    return make_learner(cast.p1, upn=upn(2), forename="Ben", surname="Baker")


@pytest.fixture
def talk(cast: Cast, amy: Learner) -> Activity:
    """An employer talk today, planned for Amy's (and Ben's) year group."""
    return make_activity(
        cast.p1, title="Engineers' talk", date=timezone.localdate(), year_groups=[amy.year_group_in(TODAY_YEAR)]
    )


def open_window(talk: Activity, cast: Cast, minutes: int = 15) -> str:
    _window, code = sign_in.open_window(activity=talk, minutes=minutes, actor=cast.p1_leader)
    return code


def post_code(client: Client, code: str, **extra: str) -> object:
    return client.post("/my/sign-in/", {"code": code, **extra})


def employer_tallies(learner: Learner) -> int:
    return sum(
        LearnerTally.objects.filter(learner=learner, category=bm.Category.EMPLOYER.value).values_list(
            "count", flat=True
        )
    )


# --- The rules ---------------------------------------------------------------------------------


def test_codes_are_random_unambiguous_and_stored_hashed(cast: Cast, talk: Activity) -> None:
    codes = {rules.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 6 and set(c) <= set(rules.CODE_ALPHABET) for c in codes)
    assert not set("015SBZOIL28") & set(rules.CODE_ALPHABET)
    code = open_window(talk, cast)
    window = SignInWindow.objects.get(activity=talk)
    assert code not in window.code_hash
    assert window.code_hash == rules.hash_code(code) == rules.hash_code(f" {code[:3].lower()}-{code[3:]} ")


def test_a_learner_signs_in_by_code_once_and_the_register_and_figures_follow(
    cast: Cast, talk: Activity, amy: Learner
) -> None:
    code = open_window(talk, cast)
    client = learner_client(amy, "amy.k7q2")
    response = post_code(client, code.lower())
    assert response.status_code == 302
    assert response["Location"] == f"/my/reflections/{talk.pk}/"
    assert Participation.objects.get(activity=talk, learner=amy).attended
    assert employer_tallies(amy) == 1  # the figures are live
    signed = LearnerSignIn.objects.get(activity=talk, learner=amy)
    assert signed.how == "code"
    assert AuditEvent.objects.filter(action="activity.self_signed_in", learner_id_ref=amy.pk).exists()
    assert AuditEvent.objects.filter(action="activity.register_updated").exists()
    page = client.get(response["Location"]).content.decode()
    assert "You are signed in to Engineers&#x27; talk" in page
    assert "What did you learn?" in page
    again = post_code(client, code).content.decode()
    assert "You have already signed in to this activity." in again
    assert "There is a problem" in again
    assert LearnerSignIn.objects.filter(activity=talk).count() == 1


def test_the_qr_link_fills_in_the_code_and_records_how(cast: Cast, talk: Activity, amy: Learner) -> None:
    code = open_window(talk, cast)
    client = learner_client(amy, "amy.k7q2")
    page = client.get(f"/my/sign-in/{code}/").content.decode()
    assert f'value="{code}"' in page
    assert 'value="qr"' in page
    assert not LearnerSignIn.objects.exists()  # a GET signs nobody in
    assert post_code(client, code, how="qr").status_code == 302
    assert LearnerSignIn.objects.get().how == "qr"


def test_only_while_the_window_is_open_and_no_code_reuse(cast: Cast, talk: Activity, amy: Learner) -> None:
    client = learner_client(amy, "amy.k7q2")
    code = open_window(talk, cast)
    window = SignInWindow.objects.get(activity=talk)
    sign_in.close_window(window=window, actor=cast.p1_leader)
    page = post_code(client, code).content.decode()
    assert "That code is not right, or signing in has closed" in page
    # Opened again: a new code; the old one still matches nothing.
    new_code = open_window(talk, cast)
    assert new_code != code
    assert "signing in has closed" in post_code(client, code).content.decode()
    # An expired window is closed too.
    SignInWindow.objects.filter(activity=talk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    assert "signing in has closed" in post_code(client, new_code).content.decode()
    assert not Participation.objects.filter(activity=talk).exists()


def test_a_window_opens_only_on_the_day_and_for_a_set_time(cast: Cast) -> None:
    later = make_activity(cast.p1, date=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(ValueError, match="only on the day"):
        sign_in.open_window(activity=later, minutes=15, actor=cast.p1_leader)
    today = make_activity(cast.p1, date=timezone.localdate())
    with pytest.raises(ValueError, match="minutes"):
        sign_in.open_window(activity=today, minutes=600, actor=cast.p1_leader)


def test_only_learners_on_the_register_list_can_sign_in(cast: Cast, talk: Activity, amy: Learner) -> None:
    code = open_window(talk, cast)
    other_year = make_learner(cast.p1, upn=upn(3), forename="Cal", year_group=7)
    client = learner_client(other_year, "cal.x")
    page = post_code(client, code).content.decode()
    assert "This activity is not for your year group or class" in page
    # Once on the register (say, added by the teacher), they can.
    actions.record_participation(activity=talk, attended=[], absent=[other_year.pk], actor=cast.p1_leader)
    assert post_code(client, code).status_code == 302
    assert Participation.objects.get(activity=talk, learner=other_year).attended
    # A learner of another school, with the right code, cannot.
    elsewhere = make_learner(cast.p2, upn=upn(4), forename="Dee")
    page = post_code(learner_client(elsewhere, "dee.y"), code).content.decode()
    assert "not for your year group or class" in page
    assert not Participation.objects.filter(learner=elsewhere).exists()


def test_wrong_codes_are_throttled_per_account_and_per_address(cast: Cast, talk: Activity, amy: Learner) -> None:
    code = open_window(talk, cast)
    client = learner_client(amy, "amy.k7q2")
    wrong = "AAAAAA" if code != "AAAAAA" else "CCCCCC"
    for _ in range(rules.THROTTLE_FAILURES):
        assert post_code(client, wrong).status_code == 200
    response = post_code(client, code)  # even the right code, now
    assert response.status_code == 429
    assert "You have typed too many wrong codes" in response.content.decode()
    assert not Participation.objects.filter(activity=talk).exists()
    # Per address: many accounts at one address.
    sign_in.SignInFailure.objects.all().delete()
    sign_in.SignInFailure.objects.bulk_create(
        [
            sign_in.SignInFailure(user=None, ip="127.0.0.1", at=timezone.now())
            for _ in range(rules.THROTTLE_ADDRESS_FAILURES)
        ]
    )
    assert post_code(client, code).status_code == 429
    # Failures older than the throttle period no longer count.
    sign_in.SignInFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=rules.THROTTLE_MINUTES + 1))
    assert post_code(client, code).status_code == 302


def test_a_badly_typed_code_is_reported_in_the_error_summary(cast: Cast, amy: Learner) -> None:
    client = learner_client(amy, "amy.k7q2")
    for typed, message in (("", "Enter the code from the screen"), ("AB", "The code has 6 letters and numbers")):
        page = post_code(client, typed).content.decode()
        assert "There is a problem" in page
        assert message in page
        assert '<a href="#id_code">' in page


# --- Reflections -------------------------------------------------------------------------------


def test_a_reflection_only_for_an_activity_i_attended(cast: Cast, talk: Activity, amy: Learner) -> None:
    client = learner_client(amy, "amy.k7q2")
    assert client.get(f"/my/reflections/{talk.pk}/").status_code == 404  # not attended (yet)
    actions.record_participation(activity=talk, attended=[], absent=[amy.pk], actor=cast.p1_leader)
    assert client.get(f"/my/reflections/{talk.pk}/").status_code == 404  # absent
    elsewhere = make_activity(cast.p2)
    assert client.get(f"/my/reflections/{elsewhere.pk}/").status_code == 404
    assert client.get("/my/reflections/999999/").status_code == 404


def test_writing_a_reflection_checks_each_field_and_is_audited(cast: Cast, talk: Activity, amy: Learner) -> None:
    actions.record_participation(activity=talk, attended=[amy.pk], absent=[], actor=cast.p1_leader)
    client = learner_client(amy, "amy.k7q2")
    url = f"/my/reflections/{talk.pk}/"
    page = client.post(url, {"learnt": "", "next_step": "x" * 1001, "rating": "9"}).content.decode()
    assert "There is a problem" in page
    for message in ("Write what you learnt", "Write 1000 characters or fewer", "Select a valid choice"):
        assert message in page
    assert not Reflection.objects.exists()
    response = client.post(
        url, {"learnt": "<script>alert(1)</script> Bridges", "next_step": "Look at courses", "rating": "4"}
    )
    assert response.status_code == 302
    reflection = Reflection.objects.get()
    assert (reflection.learner, reflection.rating) == (amy, 4)
    page = client.get(url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Bridges" in page
    assert "<script>alert(1)" not in page
    client.post(url, {"learnt": "Bridges", "next_step": "Apply", "rating": "5"})
    actions_written = list(
        AuditEvent.objects.filter(action__startswith="reflection.", learner_id_ref=amy.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions_written == ["reflection.written", "reflection.updated"]


def test_no_learner_sees_another_learners_reflection(cast: Cast, talk: Activity, amy: Learner, ben: Learner) -> None:
    actions.record_participation(activity=talk, attended=[amy.pk, ben.pk], absent=[], actor=cast.p1_leader)
    sign_in.save_reflection(
        activity=talk,
        learner=amy,
        learnt="Amy's secret thought",
        next_step="Amy's plan",
        rating=5,
        actor=cast.p1_leader,
    )
    ben_client = learner_client(ben, "ben.b1")
    page = ben_client.get(f"/my/reflections/{talk.pk}/").content.decode()
    assert "Write a reflection" in page
    assert "Amy" not in page
    assert "secret thought" not in page
    # No staff page is open to a learner.
    assert ben_client.get(f"/providers/{cast.p1.urn}/activities/{talk.pk}/reflections/").status_code in (403, 404)


# --- How a reflection counts -------------------------------------------------------------------


def evidence(cast: Cast, learner: Learner) -> int:
    found = queries.evidence_up_to(cast.p1, TODAY_YEAR, learner_id=learner.pk).get(learner.pk, {})
    return sum(t.count for (c, _), t in found.items() if c == bm.Category.EMPLOYER)


def test_when_an_activity_needs_a_learners_own_reflection_it_counts_once_they_write_one(
    cast: Cast, talk: Activity, amy: Learner, ben: Learner
) -> None:
    actions.record_participation(activity=talk, attended=[amy.pk, ben.pk], absent=[], actor=cast.p1_leader)
    assert (evidence(cast, amy), evidence(cast, ben)) == (1, 1)
    talk.needs_own_reflection = True
    actions.save_activity(activity=talk, criteria=None, actor=cast.p1_leader)  # the whole register is refreshed
    assert (evidence(cast, amy), evidence(cast, ben)) == (0, 0)
    assert (employer_tallies(amy), employer_tallies(ben)) == (0, 0)
    written = sign_in.save_reflection(
        activity=talk, learner=amy, learnt="Bridges", next_step="Apply", rating=4, actor=cast.p1_leader
    )
    assert (evidence(cast, amy), evidence(cast, ben)) == (1, 0)
    # The pure definition agrees.
    dated = [
        bm.Participation(who.pk, talk.date, frozenset({bm.Category.EMPLOYER}), needs_own_reflection=True, reflected=r)
        for who, r in ((amy, True), (ben, False))
    ]
    summarised = bm.summarise(dated, [])
    assert {who: sum(t.count for t in tallies.values()) for who, tallies in summarised.items()} == {amy.pk: 1}
    sign_in.hide_reflection(reflection=written, reason="Safeguarding", actor=cast.p1_leader)
    assert evidence(cast, amy) == 0
    sign_in.unhide_reflection(reflection=written, actor=cast.p1_leader)
    assert evidence(cast, amy) == 1
    talk.needs_own_reflection = False
    actions.save_activity(activity=talk, criteria=None, actor=cast.p1_leader)
    assert (evidence(cast, amy), evidence(cast, ben)) == (1, 1)


# --- The staff side ----------------------------------------------------------------------------


def staff(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.p1_leader)
    return client


def test_staff_open_sign_in_show_it_in_the_room_and_close_it(cast: Cast, talk: Activity, amy: Learner) -> None:
    client = staff(cast)
    base = f"/providers/{cast.p1.urn}/activities/{talk.pk}/sign-in/"
    assert "Open sign-in and show the code" in client.get(base).content.decode()
    page = client.post(base, {"minutes": "abc"}).content.decode()
    assert "There is a problem" in page
    response = client.post(base, {"minutes": "20"})
    assert response["Location"] == f"{base}room/"
    room = client.get(f"{base}room/").content.decode()
    code = re.search(r"The code is ([A-Z0-9 ]+)\"", room)
    assert code is not None
    plain = code.group(1).replace(" ", "")
    assert SignInWindow.objects.get().code_hash == rules.hash_code(plain)
    assert 'src="data:image/svg+xml;base64,' in room
    assert "0</strong> signed in" in room
    # Another member of staff sees that it is open, but not the code.
    other = Client()
    other.force_login(cast.p1_staff)
    theirs = other.get(f"{base}room/").content.decode()
    assert "shown to the person who opened it" in theirs
    assert "The code is" not in theirs
    assert "data:image/svg+xml" not in theirs
    # A learner signs in: the count and the list show it.
    post_code(learner_client(amy, "amy.k7q2"), plain)
    assert "1</strong> signed in" in client.get(f"{base}room/").content.decode()
    listing = client.get(base).content.decode()
    assert "Okafor" in listing
    assert AuditEvent.objects.filter(action="activity.sign_ins_viewed").exists()
    client.post(base, {"action": "close"})
    assert SignInWindow.objects.get().closed_at is not None
    assert "Sign-in is closed" in client.get(f"{base}room/").content.decode()


def test_staff_mark_someone_who_signed_in_absent(cast: Cast, talk: Activity, amy: Learner) -> None:
    code = open_window(talk, cast)
    post_code(learner_client(amy, "amy.k7q2"), code)
    signed = LearnerSignIn.objects.get()
    client = staff(cast)
    url = f"/providers/{cast.p1.urn}/activities/{talk.pk}/sign-in/{signed.pk}/not-there/"
    assert "Yes, mark absent" in client.get(url).content.decode()
    assert Participation.objects.get(learner=amy).attended  # a GET changes nothing
    client.post(url)
    assert not Participation.objects.get(learner=amy).attended
    assert employer_tallies(amy) == 0
    assert AuditEvent.objects.filter(action="activity.sign_in_overridden", learner_id_ref=amy.pk).exists()
    assert (
        "Marked absent: not there"
        in client.get(f"/providers/{cast.p1.urn}/activities/{talk.pk}/sign-in/").content.decode()
    )


def test_reflection_rates_reading_and_hiding(cast: Cast, talk: Activity, amy: Learner, ben: Learner) -> None:
    actions.record_participation(activity=talk, attended=[amy.pk, ben.pk], absent=[], actor=cast.p1_leader)
    sign_in.save_reflection(
        activity=talk, learner=amy, learnt="<b>Bridges</b>", next_step="Apply", rating=4, actor=cast.p1_leader
    )
    client = staff(cast)
    detail = client.get(f"/providers/{cast.p1.urn}/activities/{talk.pk}/").content.decode()
    assert "1 of 2 learners reflected; average rating 4.0" in detail
    listing = client.get(f"/providers/{cast.p1.urn}/activities/?year={TODAY_YEAR}").content.decode()
    assert "1 of 2" in listing
    assert "average rating 4.0" in listing
    reads = AuditEvent.objects.filter(action="activity.reflections_viewed").count()
    page = client.get(f"/providers/{cast.p1.urn}/activities/{talk.pk}/reflections/").content.decode()
    assert "&lt;b&gt;Bridges&lt;/b&gt;" in page
    assert "Okafor" in page
    assert AuditEvent.objects.filter(action="activity.reflections_viewed").count() == reads + 1
    reflection = Reflection.objects.get()
    hide = f"/providers/{cast.p1.urn}/activities/{talk.pk}/reflections/{reflection.pk}/hide/"
    assert "Yes, hide it" in client.get(hide).content.decode()
    page = client.post(hide, {"reason": ""}).content.decode()
    assert "Enter why you are hiding this reflection" in page
    client.post(hide, {"reason": "Names another pupil"})
    reflection.refresh_from_db()
    assert reflection.hidden
    assert reflection.hidden_reason == "Names another pupil"
    assert "0 of 2 learners reflected" in client.get(f"/providers/{cast.p1.urn}/activities/{talk.pk}/").content.decode()
    mine = learner_client(amy, "amy.k7q2").get(f"/my/reflections/{talk.pk}/").content.decode()
    assert "Your careers leader has hidden this reflection" in mine
    assert "Names another pupil" not in mine
    client.post(hide)  # shown again (the page asks first)
    reflection.refresh_from_db()
    assert not reflection.hidden
    assert list(
        AuditEvent.objects.filter(action__in=["reflection.hidden", "reflection.unhidden"])
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["reflection.hidden", "reflection.unhidden"]
    # Staff who only record cannot hide.
    other = Client()
    other.force_login(cast.p1_staff)
    assert other.post(hide, {"reason": "x"}).status_code == 403


def test_the_careers_leaders_default_starts_each_new_activity(cast: Cast) -> None:
    client = staff(cast)
    url = f"/providers/{cast.p1.urn}/activities/reflections/"
    assert "New activities need a learner&#x27;s own reflection" in client.get(url).content.decode()
    new = f"/providers/{cast.p1.urn}/activities/new/"
    assert 'name="needs_own_reflection"' in client.get(new).content.decode()
    assert not re.search(r'name="needs_own_reflection"[^>]*checked', client.get(new).content.decode())
    client.post(url, {"needs_own_reflection": "on"})
    assert re.search(r'name="needs_own_reflection"[^>]*checked', client.get(new).content.decode())
    assert AuditEvent.objects.filter(action="programme.reflection_default_changed").exists()
    other = Client()
    other.force_login(cast.p1_staff)
    assert other.post(url, {"needs_own_reflection": ""}).status_code == 403
