"""Two people editing one record: the second save, drawn before the first, is refused, not lost.

Each test opens the edit page as one person, lets another person save a change, and then posts
the first person's form: it must be refused with the GOV.UK error, keep what the first person
typed, leave the other person's change in the database, and write no audit event; saving again
from the refused page (which now carries the new snapshot) goes through.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from qic.core import stale
from qic.core.actors import SystemActor
from qic.core.models import AuditEvent
from qic.learners.imports import LEARNER_AUDIT_FIELDS
from qic.learners.models import Learner
from qic.national.models import EndorsementAnswer, EndorsementCriterion, PrimaryAward
from qic.programme import actions
from qic.programme.models import Adviser, Participation, ProgrammeAnswer, ProviderAccessStatement
from tests.conftest import Cast
from tests.factories import make_activity, make_learner, make_primary_award, make_workbook

REFUSED = "Someone else changed"


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


def test_a_date_changed_by_someone_else_comes_back_in_the_boxes(leader: Client, other: Client, cast: Cast) -> None:
    activity = make_activity(cast.p1)  # 5 November 2025
    path = f"/providers/{cast.p1.urn}/activities/{activity.pk}/edit/"
    mine = posted(leader.get(path).context["form"], date=None)
    theirs = posted(other.get(path).context["form"], date=None)
    boxes = {"date_day": "5", "date_month": "11", "date_year": "2025"}
    moved = {"date_day": "6", "date_month": "1", "date_year": "2026"}
    assert other.post(path, {**theirs, **moved}).status_code == 302

    text = refused(leader.post(path, {**mine, **boxes, "title": "Engineering careers talk"}))

    assert "Date is now “6 January 2026”" in text
    assert '<input type="text" name="date_day" value="6"' in text
    assert '<input type="text" name="date_month" value="1"' in text
    activity.refresh_from_db()
    assert (activity.title, activity.date) == ("Employer talk", dt.date(2026, 1, 6))


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


def test_a_stale_adviser_edit_does_not_put_back_the_cpd_hours(leader: Client, other: Client, cast: Cast) -> None:
    adviser = Adviser.objects.create(provider=cast.p1, name="Pat Adviser", organisation="Careers Co")
    path = f"/providers/{cast.p1.urn}/advisers/{adviser.pk}/edit/"
    mine = leader.get(path).context["form"]
    assert other.post(path, posted(other.get(path).context["form"], cpd_hours="12.5")).status_code == 302
    before = AuditEvent.objects.filter(action="adviser.updated").count()

    response = leader.post(path, posted(mine, name="Pat Advisor"))

    text = refused(response)
    assert "CPD hours recorded this academic year is now “12.5”" in text
    assert 'value="Pat Advisor"' in text
    assert list(adviser.cpd.values_list("hours", flat=True)) == [Decimal("12.5")]
    assert AuditEvent.objects.filter(action="adviser.updated").count() == before
    assert leader.post(path, posted(response.context["form"])).status_code == 302
    adviser.refresh_from_db()
    assert adviser.name == "Pat Advisor"
    assert list(adviser.cpd.values_list("hours", flat=True)) == [Decimal("12.5")]


def test_a_register_save_does_not_undo_a_mark_made_since_it_was_opened(
    leader: Client, other: Client, cast: Cast
) -> None:
    activity = make_activity(cast.p1, date=dt.date(2025, 11, 5))
    ada = make_learner(cast.p1, forename="Ada", surname="Lovel")
    path = f"/providers/{cast.p1.urn}/activities/{activity.pk}/"
    actions.record_participation(activity=activity, attended=[ada.pk], absent=[], actor=SystemActor("tests"))
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
    # Found by the probe: a time out of range skipped the stale check, and a bad one showed an empty error box.
    for value in ("1e308", "nan", "-1e20", "abc", "1e12", "0"):
        response = leader.post(path, {"attended": [ada.pk], "opened_at": value})
        assert response.status_code == 200, value
        assert "This register page could not be read: open the register again and save it" in response.content.decode()
    assert not Participation.objects.filter(activity=activity).exists()


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


# --- Primary awards, endorsement answers, programme answers, the policy statement --------------


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def posted_page(page_forms: list[Any], seen_form: Any, **changes: Any) -> dict[str, Any]:
    """What a browser sends for a page of prefixed forms and its `seen`, with `changes` by field name."""
    data: dict[str, Any] = {}
    for form in [*page_forms, seen_form]:
        data.update(posted(form))
    return posted(seen_form) | {k: v for k, v in (data | changes).items() if v is not None}


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_a_stale_primary_award_edit_is_refused(cast: Cast) -> None:
    award = make_primary_award(cast.ab1, status="draft")
    mine, theirs = signed_in(cast.ab1_admin), signed_in(cast.ab1_admin)
    path = f"/primary/awards/{award.pk}/edit/"
    form = mine.get(path).context["form"]
    assert (
        theirs.post(path, posted(theirs.get(path).context["form"], description="For EYFS to KS2.")).status_code == 302
    )
    before = events("primary_award.changed")

    response = mine.post(path, posted(form, website="https://north.example.org/primary"))

    text = refused(response)
    assert "Someone else changed this award since you opened it" in text
    assert "Description is now “For EYFS to KS2.”" in text
    assert 'value="https://north.example.org/primary"' in text  # the person's own input is kept
    award.refresh_from_db()
    assert (award.description, award.website) == ("For EYFS to KS2.", "")
    assert events("primary_award.changed") == before
    again = mine.post(path, posted(response.context["form"]))
    assert again.status_code == 302
    award.refresh_from_db()
    assert (award.description, award.website) == ("For EYFS to KS2.", "https://north.example.org/primary")
    assert events("primary_award.changed") == before + 1


def test_a_primary_award_edit_does_not_undo_the_consortiums_decision(cast: Cast) -> None:
    award = make_primary_award(cast.ab1, status="seeking")
    admin = signed_in(cast.ab1_admin)
    path = f"/primary/awards/{award.pk}/edit/"
    form = admin.get(path).context["form"]
    PrimaryAward.objects.filter(pk=award.pk).update(status="endorsed")  # the Consortium decides meanwhile
    assert admin.post(path, posted(form, description="Now with KS1.")).status_code == 302
    award.refresh_from_db()
    assert (award.status, award.description) == ("endorsed", "Now with KS1.")


@pytest.mark.usefixtures("edition")
def test_a_stale_save_of_endorsement_answers_is_refused_naming_the_criteria(cast: Cast) -> None:
    award = make_primary_award(cast.ab1, status="draft")
    criteria = list(EndorsementCriterion.objects.all())
    first, second, third = criteria[:3]
    EndorsementAnswer.objects.create(award=award, criterion=third, answer="Assemblies each term.")
    mine, theirs = signed_in(cast.ab1_admin), signed_in(cast.ab1_admin)
    path = f"/primary/awards/{award.pk}/endorsement/"
    page = mine.get(path).context
    my_forms, my_seen = [f for _, f in page["forms"]], page["seen_form"]
    other = theirs.get(path).context
    their_post = posted_page(
        [f for _, f in other["forms"]],
        other["seen_form"],
        **{f"{second.code}-answer": "Visits to local employers.", f"{third.code}-answer": "Assemblies and trips."},
    )
    assert theirs.post(path, their_post).status_code == 302
    before = events("endorsement.answer")

    # I answer the first criterion and, not knowing, change the third as well; and ask to apply.
    mine_post = posted_page(
        my_forms,
        my_seen,
        **{
            f"{first.code}-answer": "Careers in every subject.",
            f"{third.code}-answer": "A careers fair.",
            "apply": "1",
        },
    )
    response = mine.post(path, mine_post)

    text = refused(response)
    assert "Someone else changed this award&#x27;s answers since you opened the page" in text
    assert f"Changed since then: {second}; {third}." in text
    assert f"{first}" not in text.split("Changed since then:")[1].split(".")[0]
    # The criterion only they changed shows their answer; mine are kept; the one we both changed
    # keeps mine and says what it is now.
    forms = {c.code: f for c, f in response.context["forms"]}
    assert forms[second.code]["answer"].value() == "Visits to local employers."
    assert forms[first.code]["answer"].value() == "Careers in every subject."
    assert forms[third.code]["answer"].value() == "A careers fair."
    assert "it is now “Assemblies and trips.”" in text
    saved = {a.criterion_id: a.answer for a in EndorsementAnswer.objects.filter(award=award)}
    assert saved == {second.pk: "Visits to local employers.", third.pk: "Assemblies and trips."}
    assert events("endorsement.answer") == before
    award.refresh_from_db()
    assert award.status == "draft"  # not applied either

    again = mine.post(path, posted_page([f for _, f in response.context["forms"]], response.context["seen_form"]))
    assert again.status_code == 302
    saved = {a.criterion_id: a.answer for a in EndorsementAnswer.objects.filter(award=award)}
    assert saved == {
        first.pk: "Careers in every subject.",
        second.pk: "Visits to local employers.",
        third.pk: "A careers fair.",
    }
    assert events("endorsement.answer") > before


@pytest.mark.usefixtures("edition")
def test_endorsement_answers_with_a_forged_snapshot_are_refused_without_details(cast: Cast) -> None:
    award = make_primary_award(cast.ab1, status="draft")
    admin = signed_in(cast.ab1_admin)
    path = f"/primary/awards/{award.pk}/endorsement/"
    page = admin.get(path).context
    code = page["forms"][0][0].code
    data = posted_page([f for _, f in page["forms"]], page["seen_form"], **{f"{code}-answer": "x", "seen": "forged"})
    text = refused(admin.post(path, data))
    assert "Changed since then" not in text
    assert not EndorsementAnswer.objects.filter(award=award).exists()


def test_a_stale_save_of_programme_answers_is_refused(cast: Cast, edition: Any) -> None:
    mine, theirs = signed_in(cast.p1_leader), signed_in(cast.p1_leader)
    path = f"/providers/{cast.p1.urn}/programme/?year=2025"
    page = mine.get(path).context
    my_forms, my_seen = [q.form for q in page["questions"]], page["seen_form"]
    other = theirs.get(path).context
    their_post = posted_page(
        [q.form for q in other["questions"]],
        other["seen_form"],
        **{"q-1-0-achieved": "on", "q-1-0-evidence_url": "https://alpha.example.org/careers"},
    )
    assert theirs.post(path, their_post).status_code == 302
    before = events("programme.answered")

    response = mine.post(path, posted_page(my_forms, my_seen, **{"q-3-1-note": "Records kept in Compass+"}))

    text = refused(response)
    assert "Someone else changed the answers for 2025/26 since you opened the page" in text
    assert "Changed since then: Benchmark 1, indicator 1." in text
    forms = {(q.section.number, q.index): q.form for q in response.context["questions"]}
    assert forms[(1, 0)]["achieved"].value() is True  # their answer, shown, so saving again keeps it
    assert forms[(3, 1)]["note"].value() == "Records kept in Compass+"
    answers = {(a.benchmark, a.indicator): (a.achieved, a.note) for a in ProgrammeAnswer.objects.all()}
    assert answers[(1, 0)] == (True, "")
    assert answers[(3, 1)] == (False, "")
    assert events("programme.answered") == before

    again = mine.post(path, posted_page(list(forms.values()), response.context["seen_form"]))
    assert again.status_code == 302
    answers = {(a.benchmark, a.indicator): (a.achieved, a.note) for a in ProgrammeAnswer.objects.all()}
    assert answers[(1, 0)] == (True, "")
    assert answers[(3, 1)] == (False, "Records kept in Compass+")
    assert events("programme.answered") == before + 1


def test_a_stale_policy_statement_address_is_refused(cast: Cast) -> None:
    mine, theirs = signed_in(cast.p1_leader), signed_in(cast.p1_leader)
    path = f"/providers/{cast.p1.urn}/provider-access/"
    form = mine.get(path).context["form"]
    ours = "https://www.alpha.sch.uk/careers/provider-access"
    assert theirs.post(path, posted(theirs.get(path).context["form"], url=ours)).status_code == 302
    before = events("provider_access_statement.recorded")

    response = mine.post(path, posted(form, url="https://www.alpha.sch.uk/provider-access-policy"))

    text = refused(response)
    assert "Someone else changed this policy statement&#x27;s address since you opened it" in text
    assert f"is now “{ours}”" in text
    assert 'value="https://www.alpha.sch.uk/provider-access-policy"' in text
    assert ProviderAccessStatement.objects.get(provider=cast.p1).url == ours
    assert events("provider_access_statement.recorded") == before
    again = mine.post(path, posted(response.context["form"]))
    assert again.status_code == 302
    assert (
        ProviderAccessStatement.objects.get(provider=cast.p1).url == "https://www.alpha.sch.uk/provider-access-policy"
    )
    assert events("provider_access_statement.recorded") == before + 1


def test_two_presses_of_mark_as_done_leave_the_action_done(cast: Cast) -> None:
    cast.p1.provider_type = "primary"
    cast.p1.save()
    book = make_workbook(cast.p1, make_primary_award(cast.ab1))
    item = book.actions.get()
    mine, theirs = signed_in(cast.p1_leader), signed_in(cast.p1_leader)
    path = f"/providers/{cast.p1.urn}/primary/actions/{item.pk}/toggle/"
    assert 'name="done" value="1"' in mine.get(f"/providers/{cast.p1.urn}/primary/").content.decode()
    theirs.post(path, {"done": "1"})
    before = events("workbook.action_done")

    page = mine.post(path, {"done": "1"}, follow=True).content.decode()

    assert "Someone else had already marked as done “Invite a parent nurse”: nothing was changed." in page
    item.refresh_from_db()
    assert item.done is True
    assert events("workbook.action_done") == before
    mine.post(path, {"done": "0"})
    item.refresh_from_db()
    assert item.done is False
