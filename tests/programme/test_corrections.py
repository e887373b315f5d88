"""Corrections: removing (and restoring) activities, interviews and advisers; editing interviews;
create forms that make one record however often they are posted; sane year menus; learner search
that ignores accents, case and name order."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qic.core.models import AuditEvent
from qic.domain.names import search_key, search_terms
from qic.frameworks.models import Edition
from qic.learners.actions import confirm_learner_import, start_learner_import
from qic.learners.models import Learner, LearnerImport
from qic.programme import actions, queries
from qic.programme.models import Activity, Adviser, Interview, LearnerTally, Participation
from qic.programme.tasks import purge_removed
from tests.conftest import Cast
from tests.factories import make_activity, make_learner
from tests.programme.test_activities import activity_post

TODAY = dt.date(2026, 8, 31)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def attended(cast: Cast) -> tuple[Activity, Learner]:
    learner = make_learner(cast.p1, forename="Aled", surname="Ahmed")
    activity = make_activity(cast.p1, title="Engineers talk")
    actions.record_participation(activity=activity, attended=[learner.pk], absent=[], actor=cast.p1_leader)
    return activity, learner


def bm5(cast: Cast, edition: Edition) -> float:
    return queries.figures_for(cast.p1, 2025, today=TODAY, edition=edition).benchmark(5).percent


# --- Removing and restoring an activity ----------------------------------------------------------


def test_removing_an_activity_takes_it_out_of_lists_and_figures_at_once_and_restoring_brings_it_back(
    cast: Cast, edition: Edition, attended: tuple[Activity, Learner]
) -> None:
    activity, learner = attended
    before = bm5(cast, edition)
    assert before > 0
    assert LearnerTally.objects.filter(learner=learner, category="employer").exists()
    leader = signed_in(cast.p1_leader)

    confirm = leader.get(f"/providers/{cast.p1.urn}/activities/{activity.pk}/remove/")
    page = text_of(confirm.content.decode())
    assert "Remove the activity “Engineers talk”?" in page
    assert "1 attended, 0 absent" in page
    assert "Yes, remove this activity" in page
    assert "No, keep it" in page
    assert Activity.objects.filter(pk=activity.pk).exists()  # GET changes nothing

    response = leader.post(f"/providers/{cast.p1.urn}/activities/{activity.pk}/remove/")
    assert response.status_code == 302
    listing = text_of(leader.get(response["Location"]).content.decode())
    assert "“Engineers talk” has been removed" in listing
    assert "Engineers talk (" not in listing
    assert "0 activities" in listing
    assert not LearnerTally.objects.filter(learner=learner, category="employer").exists()
    assert bm5(cast, edition) < before
    assert leader.get(f"/providers/{cast.p1.urn}/activities/{activity.pk}/").status_code == 404
    learner_page = leader.get(f"/providers/{cast.p1.urn}/learners/{learner.pk}/").content.decode()
    assert "Engineers talk" not in learner_page
    assert AuditEvent.objects.filter(action="activity.removed", object_id=str(activity.pk)).count() == 1

    removed = text_of(leader.get(f"/providers/{cast.p1.urn}/removed/").content.decode())
    assert "Engineers talk" in removed
    assert "Can be restored until" in removed
    restored = leader.post(f"/providers/{cast.p1.urn}/removed/activity/{activity.pk}/restore/", follow=True)
    assert "“Engineers talk” has been restored." in text_of(restored.content.decode())
    assert bm5(cast, edition) == before
    assert LearnerTally.objects.filter(learner=learner, category="employer").exists()
    assert "Engineers talk" in leader.get(f"/providers/{cast.p1.urn}/activities/?year=2025").content.decode()
    assert Participation.objects.filter(activity=activity).count() == 1  # the register came back with it
    assert AuditEvent.objects.filter(action="activity.restored", object_id=str(activity.pk)).count() == 1


def test_another_provider_cannot_see_or_restore_a_removed_activity_and_staff_cannot_restore(
    cast: Cast, attended: tuple[Activity, Learner]
) -> None:
    activity, _ = attended
    actions.remove_activity(activity=activity, actor=cast.p1_leader)
    other = signed_in(cast.p2_leader)
    assert other.get(f"/providers/{cast.p1.urn}/removed/").status_code == 404
    assert other.post(f"/providers/{cast.p1.urn}/removed/activity/{activity.pk}/restore/").status_code == 404
    # Under their own provider, p1's activity does not exist.
    assert other.post(f"/providers/{cast.p2.urn}/removed/activity/{activity.pk}/restore/").status_code == 404
    staff = signed_in(cast.p1_staff)
    assert staff.post(f"/providers/{cast.p1.urn}/removed/activity/{activity.pk}/restore/").status_code == 403
    leader = signed_in(cast.p1_leader)
    assert leader.post(f"/providers/{cast.p1.urn}/removed/nonsense/{activity.pk}/restore/").status_code == 404
    assert Activity.all_objects.get(pk=activity.pk).removed_at is not None


def test_past_the_restore_period_it_cannot_be_restored_and_the_nightly_purge_deletes_it(
    cast: Cast, attended: tuple[Activity, Learner], settings: Any
) -> None:
    activity, learner = attended
    actions.remove_activity(activity=activity, actor=cast.p1_leader)
    Activity.all_objects.filter(pk=activity.pk).update(removed_at=timezone.now() - dt.timedelta(days=31))
    leader = signed_in(cast.p1_leader)
    assert "Engineers talk" not in leader.get(f"/providers/{cast.p1.urn}/removed/").content.decode()
    assert leader.post(f"/providers/{cast.p1.urn}/removed/activity/{activity.pk}/restore/").status_code == 404
    recent = make_activity(cast.p1, title="Removed yesterday")
    actions.remove_activity(activity=recent, actor=cast.p1_leader)

    counts = purge_removed.call()
    assert counts["activities"] == 1
    assert not Activity.all_objects.filter(pk=activity.pk).exists()
    assert not Participation.all_objects.filter(learner=learner).exists()
    assert Activity.all_objects.filter(pk=recent.pk).exists()  # still within its 30 days
    assert AuditEvent.objects.filter(action="activity.purged", object_id=str(activity.pk)).count() == 1
    assert purge_removed.call()["activities"] == 0  # a second run finds nothing


# --- Interviews ------------------------------------------------------------------------------------


@pytest.fixture
def interview(cast: Cast) -> Interview:
    adviser = Adviser.objects.create(provider=cast.p1, name="Ada Adviser", qualification_level=6)
    learner = make_learner(cast.p1, forename="Zoë", surname="Quinn")
    return actions.save_interview(
        interview=Interview(
            provider=cast.p1,
            learner=learner,
            adviser=adviser,
            date=dt.date(2025, 10, 1),
            duration_minutes=30,
            summary="Talked about T Levels",
        ),
        actor=cast.p1_leader,
    )


def test_an_interview_can_be_corrected(cast: Cast, interview: Interview) -> None:
    staff = signed_in(cast.p1_staff)
    form = staff.get(f"/providers/{cast.p1.urn}/interviews/{interview.pk}/edit/").content.decode()
    assert "Change the interview with Zoë Quinn" in form
    assert 'value="30"' in form
    assert "Remove this interview" in form
    seen = re.search(r'name="seen" value="([^"]+)"', form)
    assert seen is not None
    response = staff.post(
        f"/providers/{cast.p1.urn}/interviews/{interview.pk}/edit/",
        {
            "seen": seen.group(1),
            "learner_reference": interview.learner.upn,
            "adviser": interview.adviser_id,
            "date": "2025-10-01",
            "duration_minutes": "50",
            "summary": "Talked about T Levels and apprenticeships",
            "agreed_actions": "",
        },
        follow=True,
    )
    assert "Interview with Zoë Quinn updated." in text_of(response.content.decode())
    interview.refresh_from_db()
    assert interview.duration_minutes == 50
    assert Interview.objects.filter(learner=interview.learner).count() == 1
    assert AuditEvent.objects.filter(action="interview.updated", object_id=str(interview.pk)).count() == 1
    # The same form posted again over the change is refused, not saved over it.
    stale = staff.post(
        f"/providers/{cast.p1.urn}/interviews/{interview.pk}/edit/",
        {
            "seen": seen.group(1),
            "learner_reference": interview.learner.upn,
            "adviser": interview.adviser_id,
            "date": "2025-10-01",
            "duration_minutes": "20",
            "summary": "x",
        },
    )
    assert "Someone else changed this interview" in stale.content.decode()
    interview.refresh_from_db()
    assert interview.duration_minutes == 50


def test_removing_an_interview_drops_the_bm8_tally_and_restoring_needs_its_adviser(
    cast: Cast, interview: Interview
) -> None:
    assert LearnerTally.objects.filter(learner=interview.learner, category="interview").exists()
    leader = signed_in(cast.p1_leader)
    confirm = text_of(leader.get(f"/providers/{cast.p1.urn}/interviews/{interview.pk}/remove/").content.decode())
    assert "Remove the interview with Zoë Quinn?" in confirm
    assert "1 October 2025" in confirm
    assert leader.post(f"/providers/{cast.p1.urn}/interviews/{interview.pk}/remove/").status_code == 302
    assert not LearnerTally.objects.filter(learner=interview.learner, category="interview").exists()
    assert (
        "Talked about T Levels"
        not in leader.get(f"/providers/{cast.p1.urn}/learners/{interview.learner_id}/").content.decode()
    )
    # With its interview removed, the adviser may be removed too; the interview then waits for them.
    assert leader.post(f"/providers/{cast.p1.urn}/advisers/{interview.adviser_id}/remove/").status_code == 302
    refused = leader.post(f"/providers/{cast.p1.urn}/removed/interview/{interview.pk}/restore/", follow=True)
    assert "Restore the adviser first" in text_of(refused.content.decode())
    leader.post(f"/providers/{cast.p1.urn}/removed/adviser/{interview.adviser_id}/restore/")
    leader.post(f"/providers/{cast.p1.urn}/removed/interview/{interview.pk}/restore/")
    assert LearnerTally.objects.filter(learner=interview.learner, category="interview").exists()


def test_an_adviser_with_interviews_is_not_removed(cast: Cast, interview: Interview) -> None:
    leader = signed_in(cast.p1_leader)
    response = leader.post(f"/providers/{cast.p1.urn}/advisers/{interview.adviser_id}/remove/")
    assert response.status_code == 409
    assert "Ada Adviser has 1 interview recorded" in text_of(response.content.decode())
    assert Adviser.objects.filter(pk=interview.adviser_id).exists()
    spare = Adviser.objects.create(provider=cast.p1, name="Spare Adviser")
    assert leader.post(f"/providers/{cast.p1.urn}/advisers/{spare.pk}/remove/").status_code == 302
    listing = leader.get(f"/providers/{cast.p1.urn}/advisers/").content.decode()
    assert "has been removed" in listing
    assert 'cell">Spare Adviser' not in listing
    assert 'cell">Ada Adviser' in listing
    form = leader.get(f"/providers/{cast.p1.urn}/interviews/new/").content.decode()
    assert "Spare Adviser" not in form


# --- A second post of a create form ----------------------------------------------------------------


def _once(client: Client, url: str) -> str:
    match = re.search(r'name="once" value="([^"]+)"', client.get(url).content.decode())
    assert match is not None
    return match.group(1)


def test_back_and_save_on_a_new_interview_makes_no_duplicate(cast: Cast, interview: Interview) -> None:
    staff = signed_in(cast.p1_staff)
    url = f"/providers/{cast.p1.urn}/interviews/new/"
    data = {
        "once": _once(staff, url),
        "learner_reference": interview.learner.upn,
        "adviser": interview.adviser_id,
        "date": "2025-11-01",
        "duration_minutes": "45",
        "summary": "Second interview",
    }
    first = staff.post(url, data)
    assert first.status_code == 302
    again = staff.post(url, data, follow=True)
    assert "This interview was already saved, so it was not saved again." in text_of(again.content.decode())
    assert again.redirect_chain[0][0] == first["Location"]
    assert Interview.objects.filter(summary="Second interview").count() == 1
    # Another person posting the same token makes their own (the token is per person).
    assert signed_in(cast.p1_leader).post(url, data).status_code == 302
    assert Interview.objects.filter(summary="Second interview").count() == 2


def test_back_and_save_on_a_new_activity_makes_no_duplicate(cast: Cast) -> None:
    leader = signed_in(cast.p1_leader)
    url = f"/providers/{cast.p1.urn}/activities/new/"
    data = activity_post(once=_once(leader, url), title="Careers fair")
    first = leader.post(url, data)
    assert first.status_code == 302, first.content.decode()[:3000]
    again = leader.post(url, data)
    assert again["Location"] == first["Location"]
    assert Activity.objects.filter(title="Careers fair").count() == 1


def test_back_redraws_the_form_with_a_new_token_and_the_same_content_is_still_no_duplicate(
    cast: Cast, interview: Interview
) -> None:
    # Found by the walk-through: the page is not stored, so Back draws it again with a new token
    # while the browser fills the boxes back in; Save again made a second interview.
    staff = signed_in(cast.p1_staff)
    url = f"/providers/{cast.p1.urn}/interviews/new/"
    data = {
        "learner_reference": interview.learner.upn,
        "adviser": interview.adviser_id,
        "date": "2025-11-01",
        "duration_minutes": "45",
        "summary": "After Back",
    }
    first = staff.post(url, {**data, "once": _once(staff, url)})
    assert first.status_code == 302
    again = staff.post(url, {**data, "once": _once(staff, url)}, follow=True)
    assert "This interview was already saved, so it was not saved again." in text_of(again.content.decode())
    assert Interview.objects.filter(summary="After Back").count() == 1
    # Something different is a new interview, even straight after.
    assert staff.post(url, {**data, "summary": "Another one", "once": _once(staff, url)}).status_code == 302
    assert Interview.objects.filter(summary="Another one").count() == 1
    leader = signed_in(cast.p1_leader)
    url = f"/providers/{cast.p1.urn}/activities/new/"
    made = leader.post(url, activity_post(once=_once(leader, url), title="Fair after Back"))
    assert (
        leader.post(url, activity_post(once=_once(leader, url), title="Fair after Back"))["Location"]
        == made["Location"]
    )
    assert Activity.objects.filter(title="Fair after Back").count() == 1


# --- Dates that make sense -------------------------------------------------------------------------


def test_an_activity_in_1900_is_refused_and_one_already_there_does_not_stretch_the_year_menus(cast: Cast) -> None:
    leader = signed_in(cast.p1_leader)
    response = leader.post(
        f"/providers/{cast.p1.urn}/activities/new/",
        activity_post(title="Typo", date="1900-11-05"),
    )
    assert response.status_code == 200
    assert "The date of the activity must be on or after 1 January 2000" in response.content.decode()
    assert not Activity.objects.filter(title="Typo").exists()
    # One written before the rule (or by a script) stays out of the menus.
    Activity.objects.create(
        provider=cast.p1,
        title="Old typo",
        activity_type="careers_information",
        date=dt.date(1900, 1, 1),
        academic_year=1899,
    )
    for page in ("activities", "interviews", "benchmarks"):
        html = leader.get(f"/providers/{cast.p1.urn}/{page}/").content.decode()
        assert "1899/00" not in html, page
        assert "1999/00" not in html, page


# --- Learner search --------------------------------------------------------------------------------


def test_search_keys_fold_accents_case_punctuation_and_order() -> None:
    assert search_key("Siobhán", "O'Brien") == "siobhan obrien"
    assert search_key("Zoë", "Smith-Jones") == "zoe smith jones"
    assert search_key("Søren", "Łukasz") == "soren lukasz"
    assert search_terms("O’Brien, Siobhán") == ["obrien", "siobhan"]
    assert search_terms("  ,, ") == []


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("zoe", {"Zoë Quinn"}),
        ("ZOË", {"Zoë Quinn"}),
        ("Siobhan", {"Siobhán O'Brien"}),
        ("O'Brien, Siobhán", {"Siobhán O'Brien"}),
        ("Siobhan O'Brien", {"Siobhán O'Brien"}),
        ("obrien", {"Siobhán O'Brien"}),
        ("brien siob", {"Siobhán O'Brien"}),
        ("Quinn, Zoe", {"Zoë Quinn"}),
        ("siobhan quinn", set()),
        ("''", set()),
    ],
)
def test_learner_search_ignores_accents_case_and_name_order(cast: Cast, typed: str, found: set[str]) -> None:
    make_learner(cast.p1, forename="Zoë", surname="Quinn", upn="A123456789012")
    make_learner(cast.p1, forename="Siobhán", surname="O'Brien", upn="B123456789012")
    make_learner(cast.p1, forename="Aled", surname="Ahmed", upn="C123456789012")
    html = signed_in(cast.p1_leader).get(f"/providers/{cast.p1.urn}/learners/", {"q": typed}).content.decode()
    shown = {name for name in ("Zoë Quinn", "Siobhán O'Brien", "Aled Ahmed") if _listed(html, name)}
    assert shown == found
    if not found:
        # Found by the walk-through: a search with no match told a school with learners to import them.
        assert "Check the spelling, or search by part of a name, a UPN or a form group." in html
        assert "Import your learners" not in html


def _listed(html: str, name: str) -> bool:
    forename, surname = name.split(" ", 1)
    return f"{surname.replace(chr(39), '&#x27;')}, {forename}" in html


def test_learner_search_takes_the_same_queries_for_few_or_many_learners(cast: Cast) -> None:
    leader = signed_in(cast.p1_leader)
    make_learner(cast.p1, forename="Zoë", surname="Quinn", upn="A123456789012")
    leader.get(f"/providers/{cast.p1.urn}/learners/", {"q": "zoe"})
    with CaptureQueriesContext(connection) as few:
        leader.get(f"/providers/{cast.p1.urn}/learners/", {"q": "zoe"})
    for n in range(20):
        make_learner(cast.p1, forename="Zoë", surname=f"Quinn{n}", upn=f"D{n:012d}")
    with CaptureQueriesContext(connection) as many:
        response = leader.get(f"/providers/{cast.p1.urn}/learners/", {"q": "zoe"})
    assert len(many) == len(few)
    assert "Quinn19, Zoë" in response.content.decode()


def test_an_import_fills_the_search_names_and_a_correction_keeps_them(cast: Cast) -> None:
    csv = "UPN,Forename,Surname,Date of birth,Sex,Year group\r\nR201100018042,Zoë,O’Hara,15/01/2012,F,9\r\n"
    job = start_learner_import(
        provider=cast.p1,
        kind="csv",
        file_name="roll.csv",
        data=csv.encode(),
        full_import=False,
        actor=cast.p1_leader,
        wait=True,
    )
    assert job.status == LearnerImport.Status.READY, job.errors
    assert confirm_learner_import(job=job, digest=job.plan_digest, actor=cast.p1_leader, wait=True)
    learner = Learner.objects.get(provider=cast.p1)
    assert learner.search_name == "zoe ohara"
    # Imported again with another spelling: the bulk update keeps the key in step.
    csv2 = csv.replace("Zoë", "Chloé")
    job = start_learner_import(
        provider=cast.p1,
        kind="csv",
        file_name="roll.csv",
        data=csv2.encode(),
        full_import=False,
        actor=cast.p1_leader,
        wait=True,
    )
    assert confirm_learner_import(job=job, digest=job.plan_digest, actor=cast.p1_leader, wait=True)
    learner.refresh_from_db()
    assert learner.search_name == "chloe ohara"
    learner.surname = "Ní Bhriain"
    learner.save(update_fields=["surname"])
    learner.refresh_from_db()
    assert learner.search_name == "chloe ni bhriain"
