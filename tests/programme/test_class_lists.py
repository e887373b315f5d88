"""Class lists on the register (save a choice, choose it again, manage the lists) and a learner's
removal from a register that the careers leader can undo (issue 12)."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qic.core.actors import SystemActor
from qic.core.models import AuditEvent
from qic.learners.models import Learner
from qic.programme import actions
from qic.programme.models import ClassList, LearnerTally, Participation, RemovedParticipation
from qic.programme.tasks import purge_removed
from tests.conftest import Cast
from tests.factories import make_activity, make_learner
from tests.programme.test_register import listed, path, school, upn

__all__ = ["school"]  # the fixture, shared with the register's tests


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def lists_url(cast: Cast) -> str:
    return f"/providers/{cast.p1.urn}/class-lists/"


# --- Class lists ---------------------------------------------------------------------------------


def test_a_year_groups_choice_is_saved_as_a_class_list_and_chosen_again(cast: Cast, school: dict[str, Learner]) -> None:
    staff = signed_in(cast.p1_staff)
    activity = make_activity(cast.p1)
    page = staff.get(path(cast, activity), {"year_group": "10"}).content.decode()
    assert "Save these 4 learners as a class list" in page
    chosen = listed(page)
    response = staff.post(
        f"{lists_url(cast)}new/", {"name": "  10X   Geography ", "learners": chosen, "activity": activity.pk}
    )
    assert response.status_code == 302
    class_list = ClassList.objects.get()
    assert (class_list.name, class_list.provider, class_list.created_by) == ("10X Geography", cast.p1, cast.p1_staff)
    assert set(class_list.learners.values_list("pk", flat=True)) == set(chosen)
    assert response["Location"] == f"{path(cast, activity)}?class_list={class_list.pk}#take-register"
    event = AuditEvent.objects.get(action="class_list.created")
    assert event.after == {"name": "10X Geography", "learners": sorted(chosen)}

    page = staff.get(response["Location"]).content.decode()
    assert "Class list “10X Geography” saved with 4 learners." in page
    assert f'<option value="{class_list.pk}" selected>10X Geography (4 learners)</option>' in page
    assert "Class list “10X Geography”: 4 learners" in page
    assert listed(page) == chosen

    # Taking the register by the class list marks them as any other choice does.
    staff.post(
        path(cast, activity), {"chosen": chosen, "absent": [school["aled_b"].pk], "opened_at": f"{time.time():.6f}"}
    )
    marks = dict(Participation.objects.filter(activity=activity).values_list("learner_id", "attended"))
    assert marks == {pk: pk != school["aled_b"].pk for pk in chosen}


def test_a_learner_who_left_is_skipped_and_the_page_says_so(cast: Cast, school: dict[str, Learner]) -> None:
    leader = signed_in(cast.p1_leader)
    class_list = actions.create_class_list(
        provider=cast.p1, name="Club", learner_ids=[school["yr9"].pk, school["left"].pk], actor=cast.p1_leader
    )
    page = text_of(leader.get(path(cast, make_activity(cast.p1)), {"class_list": class_list.pk}).content.decode())
    assert "Club (1 learner)" in page
    assert "1 learner on this class list has left and is not listed." in page
    assert "Class list “Club”: 1 learner" in page
    assert "Jones, Nia" in page
    assert "Left, Lee" not in page


def test_a_class_list_narrows_with_the_other_choices(cast: Cast, school: dict[str, Learner]) -> None:
    leader = signed_in(cast.p1_leader)
    ids = [school[k].pk for k in ("aled_a", "aled_b", "siobhan")]
    class_list = actions.create_class_list(provider=cast.p1, name="Mixed", learner_ids=ids, actor=cast.p1_leader)
    page = leader.get(path(cast, make_activity(cast.p1)), {"class_list": class_list.pk, "form_group": "10A"})
    assert listed(page.content.decode()) == [school["aled_a"].pk]


def test_another_providers_class_list_is_never_offered_nor_chosen(cast: Cast, school: dict[str, Learner]) -> None:
    theirs = actions.create_class_list(
        provider=cast.p2, name="Their list", learner_ids=[make_learner(cast.p2).pk], actor=cast.p2_leader
    )
    leader = signed_in(cast.p1_leader)
    activity = make_activity(cast.p1)
    page = leader.get(path(cast, activity)).content.decode()
    assert "Their list" not in page
    assert "None saved yet" in page
    response = leader.get(path(cast, activity), {"class_list": theirs.pk})
    assert response.status_code == 200
    assert listed(response.content.decode()) == []
    assert "Select a valid choice" in response.content.decode()
    for url in (f"{lists_url(cast)}{theirs.pk}/rename/", f"{lists_url(cast)}{theirs.pk}/remove/"):
        assert leader.get(url).status_code == 404
        assert leader.post(url, {"name": "Mine now"}).status_code == 404
    assert ClassList.objects.get(pk=theirs.pk).name == "Their list"
    assert "Their list" not in leader.get(lists_url(cast)).content.decode()


def test_a_class_list_of_learners_not_on_this_roll_or_a_bad_name_is_refused(
    cast: Cast, school: dict[str, Learner]
) -> None:
    leader = signed_in(cast.p1_leader)
    actions.create_class_list(provider=cast.p1, name="Club", learner_ids=[school["yr9"].pk], actor=cast.p1_leader)
    other = make_learner(cast.p2)
    cases = [
        ({"name": "New", "learners": [other.pk]}, "Some of these learners are no longer on roll"),
        ({"name": "New", "learners": [school["left"].pk]}, "Some of these learners are no longer on roll"),
        ({"name": "New", "learners": ["x"]}, "Choose the learners again"),
        ({"name": "New"}, "Choose the learners first"),
        ({"name": "   ", "learners": [school["yr9"].pk]}, "Enter a name for the class list"),
        ({"name": "club", "learners": [school["yr9"].pk]}, "There is already a class list called “club”"),
        ({"name": "x" * 101, "learners": [school["yr9"].pk], "activity": "99999999999999"}, "100 characters"),
    ]
    for data, error in cases:
        response = leader.post(f"{lists_url(cast)}new/", data)
        assert response.status_code == 200, data
        assert error in response.content.decode(), data
    assert ClassList.objects.count() == 1


def test_class_lists_are_listed_renamed_and_removed_with_confirmation(cast: Cast, school: dict[str, Learner]) -> None:
    staff = signed_in(cast.p1_staff)
    club = actions.create_class_list(
        provider=cast.p1, name="Club", learner_ids=[school["yr9"].pk, school["left"].pk], actor=cast.p1_leader
    )
    actions.create_class_list(provider=cast.p1, name="Band", learner_ids=[school["yr9"].pk], actor=cast.p1_leader)
    page = text_of(staff.get(lists_url(cast)).content.decode())
    assert page.index("Band 1 learner on roll") < page.index("Club 1 learner on roll")
    assert "Club 1 learner on roll, 1 left" in page

    form = staff.get(f"{lists_url(cast)}{club.pk}/rename/").content.decode()
    assert 'value="Club"' in form
    refused = staff.post(f"{lists_url(cast)}{club.pk}/rename/", {"name": "band"})
    assert "There is already a class list called “band”" in refused.content.decode()
    response = staff.post(f"{lists_url(cast)}{club.pk}/rename/", {"name": "Chess club"}, follow=True)
    assert "Class list “Club” renamed to “Chess club”." in response.content.decode()
    event = AuditEvent.objects.get(action="class_list.renamed")
    assert (event.before, event.after) == ({"name": "Club"}, {"name": "Chess club"})

    confirm = text_of(staff.get(f"{lists_url(cast)}{club.pk}/remove/").content.decode())
    assert "Remove the class list “Chess club”?" in confirm
    assert "It has 2 learners." in confirm
    assert ClassList.objects.filter(pk=club.pk).exists()  # GET changes nothing
    response = staff.post(f"{lists_url(cast)}{club.pk}/remove/", follow=True)
    assert "Class list “Chess club” has been removed." in response.content.decode()
    assert not ClassList.objects.filter(pk=club.pk).exists()
    assert Learner.objects.filter(pk=school["yr9"].pk).exists()
    event = AuditEvent.objects.get(action="class_list.removed")
    assert event.before == {"name": "Chess club", "learners": sorted([school["yr9"].pk, school["left"].pk])}


@pytest.mark.parametrize(("name", "status"), [("p1_governor", 403), ("p2_leader", 404)])
def test_governors_and_other_providers_cannot_use_class_lists(
    cast: Cast, school: dict[str, Learner], name: str, status: int
) -> None:
    club = actions.create_class_list(
        provider=cast.p1, name="Club", learner_ids=[school["yr9"].pk], actor=cast.p1_leader
    )
    client = signed_in(getattr(cast, name))
    assert client.get(lists_url(cast)).status_code == status
    assert client.post(f"{lists_url(cast)}new/", {"name": "X", "learners": [school["yr9"].pk]}).status_code == status
    assert client.post(f"{lists_url(cast)}{club.pk}/remove/").status_code == status
    assert ClassList.objects.count() == 1


def test_choosing_a_class_list_keeps_the_register_pages_query_count(cast: Cast) -> None:
    leader = signed_in(cast.p1_leader)
    activity = make_activity(cast.p1)
    learners: list[Learner] = []

    def count(**query: Any) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert leader.get(path(cast, activity), query).status_code == 200
        return len(captured)

    def grow(n: int) -> ClassList:
        start = len(learners)
        learners.extend(make_learner(cast.p1, upn=upn(300 + start + i), surname=f"P{start + i:03d}") for i in range(n))
        return actions.create_class_list(
            provider=cast.p1, name=f"List {start}", learner_ids=[lr.pk for lr in learners], actor=cast.p1_leader
        )

    first = grow(3)
    leader.get(path(cast, activity))
    few = (count(), count(class_list=first.pk), count(lists="1"))
    grown = grow(40)
    for _ in range(5):
        grow(1)
    many = (count(), count(class_list=grown.pk), count(lists="1"))
    assert many == few
    with CaptureQueriesContext(connection) as captured:
        assert leader.get(lists_url(cast)).status_code == 200
    assert len([q for q in captured if "programme_classlist" in q["sql"]]) == 1


# --- Taking one learner off a register, and putting them back ----------------------------------


@pytest.fixture
def register(cast: Cast, school: dict[str, Learner]) -> Any:
    activity = make_activity(cast.p1, title="Engineers talk")
    actions.record_participation(
        activity=activity, attended=[school["aled_a"].pk], absent=[school["yr9"].pk], actor=cast.p1_leader
    )
    return activity


def remove_url(cast: Cast, activity: Any, learner: Learner) -> str:
    return f"{path(cast, activity)}register/{learner.pk}/remove/"


def test_a_learner_taken_off_is_restored_with_the_same_mark_and_tally(
    cast: Cast, school: dict[str, Learner], register: Any
) -> None:
    aled = school["aled_a"]
    assert LearnerTally.objects.filter(learner=aled, category="employer").exists()
    staff = signed_in(cast.p1_staff)
    staff.post(remove_url(cast, register, aled))
    assert not Participation.objects.filter(activity=register, learner=aled).exists()
    assert not LearnerTally.objects.filter(learner=aled, category="employer").exists()

    leader = signed_in(cast.p1_leader)
    page = text_of(leader.get(f"/providers/{cast.p1.urn}/removed/").content.decode())
    assert "Aled Ahmed taken off the register of Engineers talk" in page
    assert "Was marked present; activity on 5 November 2025" in page
    read = AuditEvent.objects.filter(action="removed.listed").last()
    assert read is not None
    assert read.after["register_entries"] == 1
    assert aled.pk in read.after["learner_ids"]
    entry = RemovedParticipation.objects.get()
    response = leader.post(f"/providers/{cast.p1.urn}/removed/register/{entry.pk}/restore/", follow=True)
    assert "Aled Ahmed is back on the register of “Engineers talk”, marked present." in response.content.decode()
    assert Participation.objects.get(activity=register, learner=aled).attended is True
    assert LearnerTally.objects.get(learner=aled, category="employer").count == 1
    assert not RemovedParticipation.objects.exists()
    event = AuditEvent.objects.get(action="activity.register_restored")
    assert (event.before, event.after) == ({str(aled.pk): None}, {str(aled.pk): True})
    assert "Aled Ahmed taken off" not in leader.get(f"/providers/{cast.p1.urn}/removed/").content.decode()


def test_an_absent_mark_comes_back_absent(cast: Cast, school: dict[str, Learner], register: Any) -> None:
    leader = signed_in(cast.p1_leader)
    response = leader.post(remove_url(cast, register, school["yr9"]), follow=True)
    assert "You can put them back from “Recently removed” for 30 days." in response.content.decode()
    entry = RemovedParticipation.objects.get()
    leader.post(f"/providers/{cast.p1.urn}/removed/register/{entry.pk}/restore/")
    assert Participation.objects.get(activity=register, learner=school["yr9"]).attended is False


def test_restoring_never_overwrites_a_newer_mark(cast: Cast, school: dict[str, Learner], register: Any) -> None:
    leader = signed_in(cast.p1_leader)
    leader.post(remove_url(cast, register, school["aled_a"]))
    actions.record_participation(
        activity=register, attended=[], absent=[school["aled_a"].pk], actor=SystemActor("tests")
    )
    entry = RemovedParticipation.objects.get()
    response = leader.post(f"/providers/{cast.p1.urn}/removed/register/{entry.pk}/restore/", follow=True)
    assert (
        "Aled Ahmed has been marked absent on the register of “Engineers talk” since they were taken off it, "
        "so that newer mark was kept and nothing was changed." in text_of(response.content.decode())
    )
    assert Participation.objects.get(activity=register, learner=school["aled_a"]).attended is False
    assert AuditEvent.objects.filter(action="activity.register_restore_skipped").count() == 1
    assert not RemovedParticipation.objects.exists()


def test_only_the_careers_leader_restores_and_only_their_own_in_time(
    cast: Cast, school: dict[str, Learner], register: Any
) -> None:
    actions.remove_from_register(activity=register, learner_id=school["aled_a"].pk, actor=cast.p1_staff)
    entry = RemovedParticipation.objects.get()
    url = f"/providers/{cast.p1.urn}/removed/register/{entry.pk}/restore/"
    assert signed_in(cast.p1_staff).post(url).status_code == 403
    assert signed_in(cast.p2_leader).post(url).status_code == 404
    assert (
        signed_in(cast.p2_leader).post(f"/providers/{cast.p2.urn}/removed/register/{entry.pk}/restore/").status_code
        == 404
    )
    # A learner taken off the register of an activity since removed comes back with the activity.
    actions.remove_activity(activity=register, actor=cast.p1_leader)
    leader = signed_in(cast.p1_leader)
    assert "Aled Ahmed taken off" not in leader.get(f"/providers/{cast.p1.urn}/removed/").content.decode()
    assert leader.post(url).status_code == 404
    actions.restore_activity(activity=register, actor=cast.p1_leader)
    RemovedParticipation.objects.update(removed_at=timezone.now() - dt.timedelta(days=31))
    assert leader.post(url).status_code == 404
    assert not Participation.objects.filter(activity=register, learner=school["aled_a"]).exists()


def test_the_nightly_purge_deletes_register_entries_past_their_period(
    cast: Cast, school: dict[str, Learner], register: Any
) -> None:
    actions.remove_from_register(activity=register, learner_id=school["aled_a"].pk, actor=cast.p1_leader)
    actions.remove_from_register(activity=register, learner_id=school["yr9"].pk, actor=cast.p1_leader)
    old = RemovedParticipation.objects.get(learner=school["aled_a"])
    RemovedParticipation.objects.filter(pk=old.pk).update(removed_at=timezone.now() - dt.timedelta(days=31))
    counts = purge_removed.call()
    assert counts["register_entries"] == 1
    assert list(RemovedParticipation.objects.values_list("learner_id", flat=True)) == [school["yr9"].pk]
    event = AuditEvent.objects.get(action="activity.register_entry_purged")
    assert event.learner_id_ref == school["aled_a"].pk
    assert purge_removed.call()["register_entries"] == 0


def test_recently_removed_keeps_its_query_count_with_many_register_entries(
    cast: Cast, school: dict[str, Learner], register: Any
) -> None:
    leader = signed_in(cast.p1_leader)
    url = f"/providers/{cast.p1.urn}/removed/"
    actions.remove_from_register(activity=register, learner_id=school["aled_a"].pk, actor=cast.p1_leader)
    leader.get(url)
    with CaptureQueriesContext(connection) as few:
        leader.get(url)
    more = [make_learner(cast.p1, upn=upn(400 + i)) for i in range(6)]
    actions.record_participation(
        activity=register, attended=[lr.pk for lr in more], absent=[], actor=SystemActor("tests")
    )
    for learner in more:
        actions.remove_from_register(activity=register, learner_id=learner.pk, actor=cast.p1_leader)
    with CaptureQueriesContext(connection) as many:
        page = leader.get(url).content.decode()
    assert page.count('<dt class="govuk-summary-list__key">') == 7
    assert len(many) == len(few)
