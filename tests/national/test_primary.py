"""Primary awards: National Endorsement, and a primary school's workbook."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from qic.core.models import AuditEvent
from qic.domain import national as rules
from qic.national.models import EndorsementCriterion, PrimaryAward, PrimaryWorkbook
from tests.conftest import Cast
from tests.factories import make_primary_award

pytestmark = pytest.mark.usefixtures("edition")


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_criteria_are_held_as_data_aligned_to_benchmarks_4_5_and_6(db: None) -> None:
    criteria = list(EndorsementCriterion.objects.all())
    assert len(criteria) == 9
    assert {c.benchmark for c in criteria} == {4, 5, 6}


def test_a_body_registers_an_award_answers_the_criteria_and_the_consortium_decides(cast: Cast) -> None:
    admin = signed_in(cast.ab1_admin)
    response = admin.post(
        "/primary/awards/new/",
        {"name": "North Primary Careers Award", "description": "For EYFS to KS2.", "website": "https://example.org/p"},
    )
    award = PrimaryAward.objects.get(name="North Primary Careers Award")
    assert response["Location"] == f"/primary/awards/{award.pk}/"
    assert award.awarding_body == cast.ab1
    assert award.status == "draft"
    criteria = list(EndorsementCriterion.objects.all())

    # Applying with criteria unanswered is refused and says which.
    data = {f"{c.code}-answer": "" for c in criteria} | {"E1-answer": "Careers in every subject.", "apply": "1"}
    page = admin.post(f"/primary/awards/{award.pk}/endorsement/", data).content.decode()
    assert "Answer every criterion first: E2, E3" in page
    award.refresh_from_db()
    assert award.status == "draft"
    assert "Your answers have been saved, but you cannot apply yet." in page
    assert award.answers.get().answer == "Careers in every subject."  # saving and applying are separate steps
    data = {f"{c.code}-answer": f"How we meet {c.code}." for c in criteria} | {"apply": "1"}
    admin.post(f"/primary/awards/{award.pk}/endorsement/", data)
    award.refresh_from_db()
    assert award.status == "seeking"
    # It appears publicly as seeking endorsement.
    public = Client().get("/primary-awards/").content.decode()
    assert "North Primary Careers Award" in public
    assert "Seeking National Endorsement" in public

    consortium = signed_in(cast.consortium)
    page = consortium.post(
        f"/consortium/endorsement/{award.pk}/", {"decision": "return", "reasons": ""}
    ).content.decode()
    assert "Give the reasons for returning the application" in page
    consortium.post(
        f"/consortium/endorsement/{award.pk}/", {"decision": "return", "reasons": "Say how parents are involved."}
    )
    award.refresh_from_db()
    assert (award.status, award.returned_reasons) == ("returned", "Say how parents are involved.")
    assert "Say how parents are involved." in admin.get(f"/primary/awards/{award.pk}/").content.decode()
    admin.post(f"/primary/awards/{award.pk}/endorsement/", data)
    consortium.post(f"/consortium/endorsement/{award.pk}/", {"decision": "endorse", "reasons": ""})
    award.refresh_from_db()
    assert award.status == "endorsed"
    assert "Secured National Endorsement" in Client().get("/primary-awards/").content.decode()
    actions = set(AuditEvent.objects.filter(awarding_body_id_ref=cast.ab1.pk).values_list("action", flat=True))
    assert {"endorsement.applied", "endorsement.returned", "endorsement.endorsed", "endorsement.answer"} <= actions


def test_drafts_are_not_public_and_another_body_cannot_see_an_award(cast: Cast) -> None:
    award = make_primary_award(cast.ab1, status="draft")
    assert award.name not in Client().get("/primary-awards/").content.decode()
    assert signed_in(cast.ab2_admin).get(f"/primary/awards/{award.pk}/").status_code == 404


def test_endorsement_moves_follow_the_table() -> None:
    assert rules.endorsement_move(rules.EndorsementStatus.DRAFT, "apply") is rules.EndorsementStatus.SEEKING
    assert rules.endorsement_move(rules.EndorsementStatus.RETURNED, "apply") is rules.EndorsementStatus.SEEKING
    with pytest.raises(rules.EndorsementRefused, match="cannot endorse"):
        rules.endorsement_move(rules.EndorsementStatus.DRAFT, "endorse")
    with pytest.raises(rules.EndorsementRefused):
        rules.endorsement_move(rules.EndorsementStatus.ENDORSED, "return")


def make_primary(cast: Cast) -> None:
    cast.p1.provider_type = "primary"
    cast.p1.save()


def test_a_primary_school_maps_activities_sees_gaps_and_plans_and_its_body_sees_progress(cast: Cast) -> None:
    make_primary(cast)
    award = make_primary_award(cast.ab1, tasks=4)
    leader = signed_in(cast.p1_leader)
    page = leader.get(f"/providers/{cast.p1.urn}/primary/").content.decode()
    assert award.name in page
    leader.post(f"/providers/{cast.p1.urn}/primary/", {"award": award.pk})
    workbook = PrimaryWorkbook.objects.get(provider=cast.p1)
    tasks = list(award.tasks.all())
    response = leader.post(
        f"/providers/{cast.p1.urn}/primary/",
        {"map-task": tasks[0].pk, "map-activity": "Nursery role-play shop", "map-evidence_url": ""},
    )
    assert response.status_code == 302
    page = leader.get(f"/providers/{cast.p1.urn}/primary/").content.decode()
    assert "Nursery role-play shop" in page
    assert page.count(">Gap<") == 3
    assert "3 tasks with no activity yet: T2, T3, T4." in page
    response = leader.post(
        f"/providers/{cast.p1.urn}/primary/",
        {
            "act-task": tasks[1].pk,
            "act-action": "Invite a nurse parent",
            "act-owner": "Mr Ali",
            "act-due_on": "2027-02-01",
        },
    )
    assert response.status_code == 302
    item = workbook.actions.get()
    leader.post(f"/providers/{cast.p1.urn}/primary/actions/{item.pk}/toggle/")
    item.refresh_from_db()
    assert item.done
    # The Awarding Body sees its schools' progress; the governor can read but not change it.
    body_page = signed_in(cast.ab1_admin).get(f"/primary/awards/{award.pk}/").content.decode()
    assert cast.p1.name in body_page
    assert "Early Years: 1 of 2" in body_page
    governor = signed_in(cast.p1_governor)
    assert governor.get(f"/providers/{cast.p1.urn}/primary/").status_code == 200
    assert (
        governor.post(f"/providers/{cast.p1.urn}/primary/", {"map-task": tasks[1].pk, "map-activity": "x"}).status_code
        == 403
    )


def test_bad_workbook_input_gets_a_clear_message(cast: Cast) -> None:
    make_primary(cast)
    award = make_primary_award(cast.ab1)
    leader = signed_in(cast.p1_leader)
    leader.post(f"/providers/{cast.p1.urn}/primary/", {"award": award.pk})
    page = leader.post(
        f"/providers/{cast.p1.urn}/primary/", {"act-action": "Plan", "act-owner": "", "act-due_on": "31/02/2027"}
    ).content.decode()
    assert "There is a problem" in page
    assert "must be a real date" in page
    assert PrimaryWorkbook.objects.get(provider=cast.p1).actions.count() == 0


def test_the_workbook_is_for_primary_schools(cast: Cast) -> None:
    award = make_primary_award(cast.ab1)
    leader = signed_in(cast.p1_leader)
    page = leader.post(f"/providers/{cast.p1.urn}/primary/", {"award": award.pk}).content.decode()
    assert "The primary award workbook is for primary schools." in page
    assert not PrimaryWorkbook.objects.exists()


def test_answers_cannot_be_reopened_while_the_consortium_decides(cast: Cast) -> None:
    award = make_primary_award(cast.ab1, status="seeking")
    response = signed_in(cast.ab1_admin).get(f"/primary/awards/{award.pk}/endorsement/", follow=True)
    assert "its answers cannot change now" in response.content.decode()


def test_saving_no_answers_says_nothing_was_saved(cast: Cast) -> None:
    award = make_primary_award(cast.ab1, status="draft")
    data = {f"{c.code}-answer": "" for c in EndorsementCriterion.objects.all()}
    response = signed_in(cast.ab1_admin).post(f"/primary/awards/{award.pk}/endorsement/", data, follow=True)
    assert "Nothing was saved: no criterion has an answer yet." in response.content.decode()
    assert not award.answers.exists()
