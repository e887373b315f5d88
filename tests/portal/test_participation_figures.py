"""Learners taking part, in figures (issue 14, item 7): access, self sign-in and reflections on
meaningful encounters, made through the real actions; shown on the provider's home page and as
portfolio evidence for criterion 3.2 and Benchmarks 5 to 7, in a fixed number of queries and with
no learner's name for a governor or an assessor."""

from __future__ import annotations

import html as html_module
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qic.accreditation.queries import system_evidence
from qic.core.actors import SystemActor
from qic.domain.academic import academic_year_of
from qic.domain.upn import upn_check_letter
from qic.frameworks.models import Edition
from qic.learners.models import Learner
from qic.portal.participation_queries import participation_figures
from qic.programme import actions, sign_in
from qic.programme.models import Activity, Adviser, Interview
from tests.conftest import Cast
from tests.factories import make_activity, make_learner, make_learner_account, make_round

PASSWORD = "a-learner-password-1"
YEAR = academic_year_of(timezone.localdate())


def upn(n: int) -> str:
    body = f"8889031{n:05d}"
    return upn_check_letter(body) + body


def pupil(cast: Cast, n: int, forename: str = "", surname: str = "") -> Learner:
    return make_learner(cast.p1, upn=upn(n), forename=forename or f"Pupil{n}", surname=surname or f"Number{n:03d}")


def signed_in_learner(learner: Learner, name: str) -> None:
    """A learner who has set up their account and signed in once, through the sign-in page."""
    make_learner_account(learner, sign_in_name=name)
    response = Client().post("/learner/sign-in/", {"username": name, "password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def school(cast: Cast) -> dict[str, object]:
    """Amy (signed in, took part by self sign-in, wrote a reflection rated 4, had an interview),
    Ben (an account never used, on the register by staff, interviewed), Cara (no account, on the
    register) at an employer talk today that needs each learner's own reflection; a university
    visit where nobody reflected but none is needed."""
    amy = pupil(cast, 1, "Amy", "Okafor")
    ben = pupil(cast, 2, "Ben", "Baker")
    cara = pupil(cast, 3, "Cara", "Dunmore")
    signed_in_learner(amy, "amy.t1")
    make_learner_account(ben, sign_in_name="ben.t2")
    today = timezone.localdate()
    talk = make_activity(
        cast.p1,
        title="Engineers' talk",
        date=today,
        needs_own_reflection=True,
        year_groups=[amy.year_group_in(YEAR)],
    )
    window, _code = sign_in.open_window(activity=talk, minutes=15, actor=cast.p1_leader)
    sign_in.sign_in(window=window, learner=amy, how="code", actor=amy.account.user)
    actions.record_participation(activity=talk, attended=[ben.pk, cara.pk], absent=[], actor=cast.p1_leader)
    sign_in.save_reflection(
        activity=talk,
        learner=amy,
        learnt="How bridges are tested",
        next_step="Ask about T levels",
        rating=4,
        actor=amy.account.user,
    )
    visit = make_activity(
        cast.p1, title="University visit", activity_type="provider_encounter", subtype="university", date=today
    )
    actions.record_participation(activity=visit, attended=[amy.pk, ben.pk], absent=[], actor=cast.p1_leader)
    adviser = Adviser.objects.create(provider=cast.p1, name="Jo Adviser", qualification_level=6)
    for learner in (amy, ben):
        actions.save_interview(
            interview=Interview(
                provider=cast.p1,
                learner=learner,
                adviser=adviser,
                date=today,
                academic_year=YEAR,
                duration_minutes=30,
                summary="Talked about college",
            ),
            actor=cast.p1_leader,
        )
    return {"amy": amy, "ben": ben, "cara": cara, "talk": talk, "visit": visit}


def test_the_figures_come_from_what_learners_and_staff_did(cast: Cast, school: dict[str, object]) -> None:
    figures = participation_figures(cast.p1, YEAR, today=timezone.localdate())
    assert (figures.on_roll, figures.with_access, figures.accounts, figures.signed_in) == (3, 2, 2, 1)
    assert (figures.with_interview, figures.interview_signed_in) == (2, 1)
    assert (figures.sign_in_activities, figures.sign_in_places, figures.self_signed) == (1, 3, 1)
    reflections = figures.reflections
    assert (reflections.places, reflections.reflected, reflections.collecting, reflections.missing) == (5, 1, 1, 2)
    assert reflections.average_rating == 4.0
    # The talk is Benchmark 5; only its places need a reflection, so only they are missing.
    assert (figures.by_benchmark[5].places, figures.by_benchmark[5].reflected) == (3, 1)
    assert figures.by_benchmark[6].places == 0
    assert (figures.by_benchmark[7].places, figures.by_benchmark[7].missing) == (2, 0)
    assert [(a.title, a.missing) for a in figures.concerned] == [("Engineers' talk", 2)]
    # A hidden reflection no longer stands: it is not counted.
    amy = school["amy"]
    assert isinstance(amy, Learner)
    reflection = amy.reflections.get()
    sign_in.hide_reflection(reflection=reflection, reason="Names another pupil", actor=cast.p1_leader)
    again = participation_figures(cast.p1, YEAR, today=timezone.localdate())
    assert (again.reflections.reflected, again.reflections.missing, again.reflections.average_rating) == (0, 3, None)
    # Staff taking a learner off after all: no longer self-signed, and not attended.
    signed = amy.sign_ins.get()
    sign_in.override_sign_in(signed=signed, actor=cast.p1_leader)
    again = participation_figures(cast.p1, YEAR, today=timezone.localdate())
    assert (again.sign_in_places, again.self_signed) == (2, 0)


def panel(html: str) -> str:
    found = re.search(r'id="learners-taking-part">(.*?)</dl>', html, re.S)
    assert found is not None
    return html_module.unescape(" ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()))


NAMES = ("Amy", "Okafor", "Ben", "Baker", "Cara", "Dunmore", "bridges")


def test_the_home_page_shows_learners_taking_part_with_links_for_staff(
    client: Client, cast: Cast, school: dict[str, object]
) -> None:
    client.force_login(cast.p1_leader)
    html = client.get("/home/").content.decode()
    text = panel(html)
    assert "2 of 3 learners on roll can sign in; 2 have an account, 1 has signed in at least once" in text
    assert "1 activity used self sign-in; learners signed themselves in to 1 of 3 attended places (33%)" in text
    assert "1 of 5 attended places has the learner's own reflection (20%); average rating 4.0 out of 5" in text
    assert "2 attended places do not count yet: the activity needs the learner's own reflection" in text
    talk = school["talk"]
    assert isinstance(talk, Activity)
    assert f'href="/providers/{cast.p1.urn}/activities/{talk.pk}/"' in html.split('id="learners-taking-part"')[1]


def test_a_governor_sees_the_figures_but_no_names_and_no_links(
    client: Client, cast: Cast, school: dict[str, object]
) -> None:
    client.force_login(cast.p1_governor)
    html = client.get("/home/").content.decode()
    text = panel(html)
    assert "1 of 5 attended places has the learner's own reflection" in text
    assert "2 attended places do not count yet: the activity needs the learner's own reflection (1 activity)" in text
    assert "/activities/" not in html.split('id="learners-taking-part"')[1].split("</dl>")[0]
    for name in NAMES:
        assert not re.search(rf"\b{name}\b", html)


def test_the_portfolio_quotes_the_figures_for_3_2_and_benchmarks_5_to_7_without_names(
    client: Client, cast: Cast, edition: Edition, school: dict[str, object]
) -> None:
    accreditation = make_round(cast, "assigned")
    found = system_evidence(accreditation, today=timezone.localdate())
    label = f"{YEAR}/{str(YEAR + 1)[2:]}"
    assert "1 of 2 learners on roll with a guidance interview on record has signed in at least once to read it" in (
        found["3.2"].extra
    )
    assert (
        f"1 of 3 attended places on meaningful encounters in {label} has the learner's own reflection; "
        "1 activity collected reflections; average rating 4.0 out of 5; 2 places do not count yet for want of one"
    ) in found["5.1"].extra
    assert (
        f"0 of 0 attended places on meaningful encounters in {label} have the learner's own reflection; "
        "0 activities collected reflections"
    ) in found["6.1"].extra
    assert any(line.startswith("0 of 2 attended places") for line in found["7.1"].extra)
    assert not any("reflection" in line for line in found["8.1"].extra + found["2.1"].extra)

    client.force_login(cast.assessor_assigned)
    for code in ("3.2", "5.1"):
        response = client.get(f"/providers/{cast.p1.urn}/accreditation/{accreditation.pk}/criteria/{code}/")
        assert response.status_code == 200
        page = html_module.unescape(response.content.decode())
        assert "signed in at least once to read it" in page or "the learner's own reflection" in page
        for name in NAMES:
            assert not re.search(rf"\b{name}\b", page)


def count_queries(cast: Cast) -> int:
    with CaptureQueriesContext(connection) as captured:
        participation_figures(cast.p1, YEAR, today=timezone.localdate())
    return len(captured)


def test_the_figures_take_the_same_number_of_queries_for_few_or_many_learners(
    cast: Cast, school: dict[str, object]
) -> None:
    few = count_queries(cast)
    talk, visit = school["talk"], school["visit"]
    assert isinstance(talk, Activity)
    assert isinstance(visit, Activity)
    more = [pupil(cast, n) for n in range(10, 40)]
    for n, learner in enumerate(more[:10]):
        make_learner_account(learner, sign_in_name=f"p.t{n}")
    actions.record_participation(activity=talk, attended=[x.pk for x in more], absent=[], actor=SystemActor("tests"))
    actions.record_participation(activity=visit, attended=[x.pk for x in more], absent=[], actor=SystemActor("tests"))
    make_activity(cast.p1, title="Workplace visit", activity_type="workplace_experience", date=timezone.localdate())
    assert count_queries(cast) == few
    assert participation_figures(cast.p1, YEAR, today=timezone.localdate()).reflections.places == 65
