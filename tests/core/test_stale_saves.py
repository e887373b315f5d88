"""Two people editing one record: the second save, drawn before the first, is refused, not lost.

Each test opens the edit page as one person, lets another person save a change, and then posts
the first person's form: it must be refused with the GOV.UK error, keep what the first person
typed, leave the other person's change in the database, and write no audit event; saving again
from the refused page (which now carries the new snapshot) goes through.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from qic.core import stale
from qic.core.models import AuditEvent
from qic.learners.actions import LEARNER_AUDIT_FIELDS
from qic.learners.models import Learner
from qic.programme import actions
from qic.programme.models import Adviser, Participation
from tests.conftest import Cast
from tests.factories import make_activity, make_learner

REFUSED = "Someone else changed this"


def posted(form: Any, **changes: Any) -> dict[str, Any]:
    """What a browser sends for `form` as drawn, with `changes`: unticked boxes are not sent."""
    data: dict[str, Any] = {}
    for field in form:
        value = field.value()
        if isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
        elif value is None:
            data[field.html_name] = ""
        elif isinstance(value, dt.date):
            data[field.html_name] = value.isoformat()
        elif isinstance(value, list):
            data[field.html_name] = [str(v) for v in value]
        else:
            data[field.html_name] = str(value)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


@pytest.fixture
def leader(client: Client, cast: Cast) -> Client:
    client.force_login(cast.p1_leader)
    return client


@pytest.fixture
def other(cast: Cast) -> Client:
    second = Client()
    second.force_login(cast.p1_leader)
    return second


def refused(response: Any) -> str:
    assert response.status_code == 200
    text = response.content.decode()
    assert REFUSED in text
    assert "govuk-error-summary" in text
    return text


def test_a_stale_learner_edit_is_refused_and_the_other_change_kept(leader: Client, other: Client, cast: Cast) -> None:
    learner = make_learner(cast.p1, surname="Smyth", registration_group="9A")
    path = f"/providers/{cast.p1.urn}/learners/{learner.pk}/edit/"
    mine = leader.get(path).context["form"]
    theirs = other.get(path).context["form"]
    assert other.post(path, posted(theirs, surname="Smith")).status_code == 302
    events = AuditEvent.objects.filter(action="learner.updated").count()

    response = leader.post(path, posted(mine, registration_group="9B"))

    text = refused(response)
    assert "Surname is now “Smith”" in text
    assert 'value="9B"' in text  # the person's own input is kept
    learner.refresh_from_db()
    assert (learner.surname, learner.registration_group) == ("Smith", "9A")
    assert AuditEvent.objects.filter(action="learner.updated").count() == events
    # Saving again from the refused page, which now knows the record as it is, goes through.
    again = leader.post(path, posted(response.context["form"]))
    assert again.status_code == 302
    learner.refresh_from_db()
    assert (learner.surname, learner.registration_group) == ("Smith", "9B")


def test_a_learner_edit_with_no_one_else_in_between_saves(leader: Client, cast: Cast) -> None:
    learner = make_learner(cast.p1, registration_group="9A")
    path = f"/providers/{cast.p1.urn}/learners/{learner.pk}/edit/"
    form = leader.get(path).context["form"]
    assert leader.post(path, posted(form, registration_group="9C")).status_code == 302
    learner.refresh_from_db()
    assert learner.registration_group == "9C"


def test_a_learner_changed_by_an_import_refuses_the_stale_edit(leader: Client, cast: Cast) -> None:
    learner = make_learner(cast.p1, forename="Ann")
    path = f"/providers/{cast.p1.urn}/learners/{learner.pk}/edit/"
    form = leader.get(path).context["form"]
    Learner.objects.filter(pk=learner.pk).update(forename="Anne")  # as an import writes it
    text = refused(leader.post(path, posted(form, registration_group="7Z")))
    assert "Forename is now “Anne”" in text
    learner.refresh_from_db()
    assert (learner.forename, learner.registration_group) == ("Anne", "")


def test_a_forged_snapshot_is_refused_without_details(leader: Client, cast: Cast) -> None:
    learner = make_learner(cast.p1)
    path = f"/providers/{cast.p1.urn}/learners/{learner.pk}/edit/"
    form = leader.get(path).context["form"]
    refused(leader.post(path, posted(form, seen="not-a-snapshot", registration_group="7Z")))
    learner.refresh_from_db()
    assert learner.registration_group == ""


def test_the_check_compares_only_the_fields_given() -> None:
    learner = Learner(forename="A", surname="B", date_of_birth=dt.date(2011, 1, 1))
    seen = stale.seen_value(learner, LEARNER_AUDIT_FIELDS)
    learner.pk = 5  # not a field the form shows
    stale.check(learner, LEARNER_AUDIT_FIELDS, seen)
    learner.surname = "C"
    with pytest.raises(stale.StaleEdit) as caught:
        stale.check(learner, LEARNER_AUDIT_FIELDS, seen)
    assert caught.value.changes == {"surname": ("B", "C")}


def test_a_stale_activity_edit_is_refused(leader: Client, other: Client, cast: Cast) -> None:
    activity = make_activity(cast.p1, partner="Acme")
    path = f"/providers/{cast.p1.urn}/activities/{activity.pk}/edit/"
    mine = leader.get(path).context["form"]
    theirs = other.get(path).context["form"]
    assert other.post(path, posted(theirs, partner="Acme Engineering Ltd")).status_code == 302
    events = AuditEvent.objects.filter(action="activity.updated").count()

    text = refused(leader.post(path, posted(mine, title="Engineering careers talk")))

    assert "Acme Engineering Ltd" in text
    assert 'value="Engineering careers talk"' in text
    activity.refresh_from_db()
    assert (activity.title, activity.partner) == ("Employer talk", "Acme Engineering Ltd")
    assert AuditEvent.objects.filter(action="activity.updated").count() == events


def test_a_stale_adviser_edit_is_refused(leader: Client, other: Client, cast: Cast) -> None:
    adviser = Adviser.objects.create(provider=cast.p1, name="Pat Adviser", organisation="Careers Co")
    path = f"/providers/{cast.p1.urn}/advisers/{adviser.pk}/edit/"
    mine = leader.get(path).context["form"]
    theirs = other.get(path).context["form"]
    assert other.post(path, posted(theirs, organisation="Guidance Ltd")).status_code == 302

    text = refused(leader.post(path, posted(mine, name="Pat Advisor")))

    assert "Guidance Ltd" in text
    adviser.refresh_from_db()
    assert (adviser.name, adviser.organisation) == ("Pat Adviser", "Guidance Ltd")


def test_a_register_save_does_not_undo_a_mark_made_since_it_was_opened(
    leader: Client, other: Client, cast: Cast
) -> None:
    activity = make_activity(cast.p1, date=dt.date(2025, 11, 5))
    ada = make_learner(cast.p1, forename="Ada", surname="Lovel")
    path = f"/providers/{cast.p1.urn}/activities/{activity.pk}/"
    actions.record_participation(activity=activity, attended=[ada.pk], absent=[], actor="tests")
    chosen = f"{path}?name=Ada"  # the learners chosen by name, to mark the absent among them
    opened = leader.get(chosen).context["form"]["opened_at"].value()
    # Someone else marks Ada absent after the page was opened...
    assert other.post(path, {"absent": [ada.pk], "opened_at": other.get(path).context["form"]["opened_at"].value()})
    assert Participation.objects.get(activity=activity, learner=ada).attended is False
    events = AuditEvent.objects.filter(action="activity.register_updated").count()

    # ...and the first person's page still shows her present (unticked): saving that is refused.
    text = refused(leader.post(chosen, {"chosen": [ada.pk], "opened_at": opened}))

    assert "Ada Lovel is now marked absent" in text
    # The choice is kept on the page drawn again: Ada listed, her box still unticked, her mark now shown.
    assert f'<input type="hidden" name="chosen" value="{ada.pk}">' in text
    assert re.search(rf'name="absent" type="checkbox" value="{ada.pk}"[^>]*>', text)
    assert text.count(" checked") == 0
    assert "Lovel, Ada</label>" in text
    assert "marked absent</div>" in text
    assert Participation.objects.get(activity=activity, learner=ada).attended is False
    assert AuditEvent.objects.filter(action="activity.register_updated").count() == events


def test_a_register_save_of_learners_no_one_else_touched_goes_through(leader: Client, cast: Cast) -> None:
    activity = make_activity(cast.p1, date=dt.date(2025, 11, 5))
    ada = make_learner(cast.p1)
    path = f"/providers/{cast.p1.urn}/activities/{activity.pk}/"
    opened = leader.get(path).context["form"]["opened_at"].value()
    response = leader.post(path, {"attended": [ada.pk], "opened_at": opened})
    assert response.status_code == 302
    assert Participation.objects.get(activity=activity, learner=ada).attended is True


def test_a_nonsense_opened_time_answers_a_form_not_a_500(leader: Client, cast: Cast) -> None:
    activity = make_activity(cast.p1, date=dt.date(2025, 11, 5))
    ada = make_learner(cast.p1)
    path = f"/providers/{cast.p1.urn}/activities/{activity.pk}/"
    for value in ("1e308", "nan", "-1e20", "abc"):
        response = leader.post(path, {"attended": [ada.pk], "opened_at": value})
        assert response.status_code in (200, 302), value


def test_a_stale_awarding_body_edit_is_refused(cast: Cast) -> None:
    first, second = Client(), Client()
    first.force_login(cast.consortium)
    second.force_login(cast.consortium)
    path = f"/awarding-bodies/{cast.ab1.pk}/edit/"
    mine = first.get(path).context["form"]
    theirs = second.get(path).context["form"]
    assert second.post(path, posted(theirs, name="North Careers Awards")).status_code == 302

    text = refused(first.post(path, posted(mine, website="https://north.example.org")))

    assert "North Careers Awards" in text
    cast.ab1.refresh_from_db()
    assert (cast.ab1.name, cast.ab1.website) == ("North Careers Awards", "")
