"""Data-protection duties: the subject-access export, anonymisation on request, and retention.

Who may use the pages is also walked in tests/test_url_access.py; here each duty is checked for
what it shows and what it changes.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import models
from django.test import Client, RequestFactory
from django.utils import timezone

from qic.core.actors import SystemActor
from qic.core.management.commands.verify_audit import first_break
from qic.core.models import AuditEvent
from qic.demo.careers import build_careers_programme
from qic.domain.provider_types import ProviderType
from qic.learners import actions, codes
from qic.learners.invitations import issue_code
from qic.learners.models import Learner, LearnerAccount, LearnerImport, LearnerSignInCode, RetentionRun
from qic.organisations.models import Provider
from qic.partners import parent_actions
from qic.partners.models import ParentAttendance, ParentContact
from qic.programme import actions as programme_actions
from qic.programme import data_protection, queries, sign_in, subject_access, tallies
from qic.programme.data_protection import AlreadyAnonymised, anonymise_learner
from qic.programme.models import (
    Adviser,
    ClassList,
    Interview,
    LearnerSignIn,
    Participation,
    Reflection,
    RemovedParticipation,
    SignInWindow,
)
from qic.programme.subject_access_pdf import render_subject_access_pdf
from tests.accreditation.test_pdf import assert_shows, shown_text
from tests.conftest import Cast
from tests.factories import (
    AwardingBodyFactory,
    ProviderFactory,
    leader_of,
    make_activity,
    make_learner,
    make_learner_account,
    make_learner_entry,
)

OTHER_UPN = "A123456789012"


def url(learner: Learner, page: str = "data/") -> str:
    return f"/providers/{learner.provider.urn}/learners/{learner.pk}/{page}"


@pytest.fixture
def leader(client: Client, cast: Cast) -> Client:
    client.force_login(cast.p1_leader)
    return client


def record_interview(learner: Learner, adviser: Adviser, day: dt.date, summary: str, actions_text: str = "") -> None:
    programme_actions.save_interview(
        interview=Interview(
            provider=learner.provider,
            learner=learner,
            adviser=adviser,
            date=day,
            duration_minutes=50,
            summary=summary,
            agreed_actions=actions_text,
        ),
        actor=leader_of(learner.provider),
    )


@pytest.fixture
def ada(cast: Cast) -> Learner:
    """A Year 9 pupil at p1 with two activities (one attended, one missed) and an interview;
    Ben, on the same roll, has an activity and an interview of his own."""
    ada = make_learner(
        cast.p1, forename="Ada", surname="Lovelace", registration_group="9LX", pupil_premium=True, young_carer=True
    )
    ben = make_learner(cast.p1, upn=OTHER_UPN, forename="Ben", surname="Otherpupil")
    talk = make_activity(cast.p1, title="Engineering employer talk", partner="Acme Bridges")
    fair = make_activity(
        cast.p1,
        title="Careers lesson",
        activity_type="careers_information",
        subtype="lmi_lesson",
        date=dt.date(2026, 1, 20),
    )
    visit = make_activity(cast.p1, title="Ben's hospital visit", date=dt.date(2025, 12, 2))
    programme_actions.record_participation(activity=talk, attended=[ada.pk], absent=[], actor=SystemActor("tests"))
    programme_actions.record_participation(activity=fair, attended=[], absent=[ada.pk], actor=SystemActor("tests"))
    programme_actions.record_participation(activity=visit, attended=[ben.pk], absent=[], actor=SystemActor("tests"))
    adviser = Adviser.objects.create(provider=cast.p1, name="Grace Hopper", organisation="Futures Careers Ltd")
    record_interview(ada, adviser, dt.date(2025, 12, 3), "Wants to be a civil engineer.", "Look up apprenticeships")
    record_interview(ben, adviser, dt.date(2025, 12, 4), "Ben talked about nursing.")
    geography = ClassList.objects.create(provider=cast.p1, name="9X Geography")
    geography.learners.add(ada)
    mock = make_activity(cast.p1, title="Mock interviews", date=dt.date(2026, 2, 3))
    RemovedParticipation.objects.create(activity=mock, learner=ada, attended=True, removed_at=timezone.now())
    written = sign_in.save_reflection(
        activity=talk,
        learner=ada,
        learnt="Bridges need maths",
        next_step="Ask about physics",
        rating=5,
        actor=cast.p1_leader,
    )
    now = timezone.now()
    window = SignInWindow.objects.create(
        activity=talk, code_hash="0" * 64, opened_at=now, closes_at=now + dt.timedelta(minutes=10)
    )
    LearnerSignIn.objects.create(window=window, activity=talk, learner=ada, how="code")
    assert written.pk
    # Her account: a printed code, stopped when a second was given, which she used.
    make_learner_account(ada, sign_in_name="ada.k7q2")
    account = LearnerAccount.objects.get(learner=ada)
    issue_code(account, kind=LearnerSignInCode.Kind.SHEET, days=7, actor=cast.p1_leader)
    code, _ = issue_code(account, kind=LearnerSignInCode.Kind.SHEET, days=7, actor=cast.p1_leader)
    used, problem = codes.check_code(code)
    assert used is not None, problem
    assert codes.redeem(code=used, password="a-new-password-for-ada")
    # Her parent's contact, the careers link sent to them and a parents' event they came to (issue 15).
    parent = ParentContact.objects.create(learner=ada, name="Augusta Byron", email="augusta@example.com")
    parent_actions.send_link(contact=parent, by_email=False, actor=cast.p1_leader)
    evening = make_activity(cast.p1, title="Options evening", activity_type="parent_engagement", subtype="")
    ParentAttendance.objects.create(activity=evening, learner=ada)
    make_learner_entry(
        ada,
        title="Saturday job at the bakery",
        description="Serving customers on the till",
        started_on=dt.date(2025, 6, 1),
        learning_areas=["create_opportunities"],
    )
    # A work-experience placement (issue 15, placements).
    from qic.partners.models import Employer, Placement

    Placement.objects.create(
        provider=cast.p1,
        learner=ada,
        employer=Employer.objects.create(provider=cast.p1, name="Acme Bridges"),
        start_date=dt.date(2026, 6, 1),
        end_date=dt.date(2026, 6, 5),
        hours=30,
        consent_name="Augusta Byron",
    )
    # An intended destination (issue 16): anonymising keeps the category and blanks where.
    from qic.destinations.models import Destination

    Destination.objects.create(
        provider=cast.p1,
        learner=ada,
        kind="intended",
        category="appren",
        recorded_on=dt.date(2025, 6, 2),
        detail="Civil engineering apprenticeship at Acme Bridges",
    )
    return ada


# --- Subject access: who ------------------------------------------------------------------------

PAGES = ["data/", "data.pdf", "data.json", "anonymise/"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["p1_staff", "p1_governor", "ab1_admin", "assessor_assigned", "consortium"])
def test_other_roles_are_refused(client: Client, cast: Cast, ada: Learner, page: str, who: str) -> None:
    client.force_login(cast.user(who))
    before = AuditEvent.objects.count()
    response = client.get(url(ada, page))
    assert response.status_code == 403
    assert "Lovelace" not in response.content.decode(errors="replace")
    assert AuditEvent.objects.count() == before  # a refusal is not an export


@pytest.mark.parametrize("page", PAGES)
def test_another_providers_learner_is_not_found(client: Client, cast: Cast, ada: Learner, page: str) -> None:
    client.force_login(cast.p2_leader)
    assert client.get(url(ada, page)).status_code == 404
    # p2's leader cannot reach p1's learner through p2's own URN either.
    assert client.get(f"/providers/{cast.p2.urn}/learners/{ada.pk}/{page}").status_code == 404


def test_another_providers_leader_cannot_anonymise(client: Client, cast: Cast, ada: Learner) -> None:
    client.force_login(cast.p2_leader)
    response = client.post(url(ada, "anonymise/"), {"reason": "Asked", "confirm": "on", "anonymise": "1"})
    assert response.status_code == 404
    ada.refresh_from_db()
    assert (ada.forename, ada.anonymised_at) == ("Ada", None)


# --- Subject access: what -----------------------------------------------------------------------


def test_the_page_shows_everything_about_the_learner_and_nothing_about_anyone_else(
    leader: Client, cast: Cast, ada: Learner
) -> None:
    response = leader.get(url(ada))
    assert response.status_code == 200
    page = response.content.decode()
    for text in [
        "Ada Lovelace",
        ada.upn,
        "15 January 2011",  # date of birth, in words
        "9LX",
        "Pupil premium",
        "Young carer",
        "Engineering employer talk",
        "Acme Bridges",
        "5 November 2025",
        "Careers lesson",
        "20 January 2026",
        "Absent",
        "Alpha Academy",  # the activity's provider
        "Grace Hopper",
        "Futures Careers Ltd",
        "3 December 2025",
        "Wants to be a civil engineer.",
        "Look up apprenticeships",
        "BM5 employer encounter",  # the tally
        "2025/26",
        "interview.recorded",  # an audit event about the interview
    ]:
        assert text in page, text
    for text in ["Otherpupil", OTHER_UPN, "hospital visit", "nursing", "4 December 2025"]:
        assert text not in page, text
    assert f'href="/providers/{cast.p1.urn}/learners/{ada.pk}/data.pdf"' in page
    assert "no-store" in response["Cache-Control"]


def test_every_view_and_download_is_audited_with_its_format(leader: Client, ada: Learner) -> None:
    for page in ("data/", "data.pdf", "data.json"):
        assert leader.get(url(ada, page)).status_code == 200
    events = AuditEvent.objects.filter(action="learner.subject_access_exported", object_id=str(ada.pk))
    assert [e.after for e in events.order_by("id")] == [{"format": "html"}, {"format": "pdf"}, {"format": "json"}]
    assert {e.object_type for e in events} == {"learners.Learner"}
    assert {e.provider_id_ref for e in events} == {ada.provider_id}
    # The earlier viewings are themselves in the next export.
    record = json.loads(leader.get(url(ada, "data.json")).content)
    assert [e["after"] for e in record["audit_events"] if e["action"] == "learner.subject_access_exported"][:3] == [
        {"format": "html"},
        {"format": "pdf"},
        {"format": "json"},
    ]


def test_the_json_download_has_the_documented_structure(leader: Client, ada: Learner) -> None:
    response = leader.get(url(ada, "data.json"))
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="subject-access-learner-{ada.pk}.json"'
    record = json.loads(response.content)
    # The structure is a published interface (docs/subject-access-export.md): changing it is a new schema.
    assert record["schema"] == "qic-subject-access/4"
    assert list(record) == [
        "schema",
        "generated_at",
        "provider",
        "learner",
        "account",
        "activities",
        "interviews",
        "tallies",
        "class_lists",
        "taken_off_registers",
        "reflections",
        "sign_ins",
        # Issue 15 (parents): registered by partners, which is installed before the portal.
        "parent_contacts",
        "parent_links",
        "parent_attendance",
        "placements",
        # Issue 16: registered by destinations, installed after partners and before the portal.
        "destinations",
        "entries",
        "benchmarks",
        "import_history",
        "audit_events",
    ]
    assert record["provider"] == {"urn": ada.provider.urn, "name": "Alpha Academy"}
    assert list(record["learner"]) == ["name", "anonymised", "groups", "fields"]
    fields = {f["field"]: f for f in record["learner"]["fields"]}
    stored = {f.name for f in Learner._meta.concrete_fields} - {"provider"}
    assert set(fields) == stored  # every stored field, flags included
    assert fields["surname"]["value"] == "Lovelace"
    assert fields["date_of_birth"] == {
        "field": "date_of_birth",
        "label": "Date of birth",
        "value": "2011-01-15",
        "display": "15 January 2011",
    }
    assert fields["young_carer"]["value"] is True
    assert fields["eal"]["display"] == "No"
    assert fields["sex"]["display"] == "Female"
    assert next(list(a) for a in record["activities"]) == [
        "activity_id",
        "name",
        "date",
        "type",
        "type_code",
        "provider",
        "partner",
        "attended",
        "counts_towards",
        "recorded_at",
    ]
    assert [(a["name"], a["date"], a["attended"]) for a in record["activities"]] == [
        ("Engineering employer talk", "2025-11-05", True),
        ("Careers lesson", "2026-01-20", False),
    ]
    assert record["interviews"] == [
        {
            "interview_id": Interview.objects.get(learner=ada).pk,
            "date": "2025-12-03",
            "adviser": "Grace Hopper",
            "adviser_organisation": "Futures Careers Ltd",
            "duration_minutes": 50,
            "notes": "Wants to be a civil engineer.",
            "agreed_actions": "Look up apprenticeships",
            "recorded_at": record["interviews"][0]["recorded_at"],
        }
    ]
    assert {(t["year_label"], t["category"], t["count"]) for t in record["tallies"]} == {
        ("2025/26", "employer", 1),
        ("2025/26", "interview", 1),
    }
    years = {y["academic_year"]: y for y in record["benchmarks"]}
    assert list(years[2025]) == ["academic_year", "year_label", "year_group", "on_roll_at_measure_date", "measures"]
    assert years[2025]["year_group"] == 9
    bm5 = next(m for m in years[2025]["measures"] if m["code"] == "BM5")
    assert bm5 == {
        "code": "BM5",
        "benchmark": 5,
        "title": "A meaningful employer encounter this year",
        "met": True,
        "required": True,
    }
    assert record["import_history"] == []
    assert {e["action"] for e in record["audit_events"]} >= {"interview.recorded"}
    assert "Otherpupil" not in response.content.decode()


def test_import_lines_that_quote_the_learner_are_in_the_export(leader: Client, cast: Cast, ada: Learner) -> None:
    LearnerImport.objects.create(
        provider=cast.p1,
        kind="csv",
        file_name="roll.csv",
        data=b"",
        status=LearnerImport.Status.FAILED,
        errors=[
            {"line": 4, "reason": f"UPN {ada.upn} and ULN 1234567890 belong to two different learners on record"},
            {"line": 5, "reason": f"this is the same learner as on line 2 (UPN {OTHER_UPN})"},
        ],
    )
    record = json.loads(leader.get(url(ada, "data.json")).content)
    assert [(line["line"], line["file_name"]) for line in record["import_history"]] == [(4, "roll.csv")]
    assert ada.upn in record["import_history"][0]["reason"]


def test_every_model_that_points_at_a_learner_is_in_the_export(leader: Client, ada: Learner) -> None:
    """A model added later with a foreign key to Learner fails here until the export covers it."""
    pointing = {
        model
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if (field.many_to_one or field.one_to_one or field.many_to_many)
        and field.concrete
        and field.related_model is Learner
    }
    assert pointing == set(subject_access.SECTIONS), "add the new model to subject_access.SECTIONS"
    record = subject_access.subject_access_record(ada)
    for model, section in subject_access.SECTIONS.items():
        lookup = subject_access.LEARNER_LOOKUP.get(model, "learner")
        # Every row held, removed ones too (a default manager may leave those out).
        rows = model._base_manager.filter(**{lookup: ada})
        assert rows.exists(), f"the fixture should give Ada some {model.__name__} rows"
        shown = record[section]
        # A one-to-one (the account) is one object, not a list.
        assert (1 if isinstance(shown, dict) else len(shown)) == rows.count(), section


def test_the_pdf_is_a_pdf_with_the_learners_record(leader: Client, cast: Cast, ada: Learner) -> None:
    response = leader.get(url(ada, "data.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    pdf = render_subject_access_pdf(subject_access.subject_access_record(ada), compress=False)
    assert_shows(
        pdf,
        "Ada Lovelace",
        "Alpha Academy",
        "15 January 2011",
        "Engineering employer talk",
        "Grace Hopper",
        "Wants to be a civil engineer.",
        "BM5: A meaningful employer encounter this year",
    )
    assert "Otherpupil" not in shown_text(pdf)


def test_a_name_outside_the_pdf_fonts_still_renders(cast: Cast) -> None:
    learner = make_learner(cast.p1, forename="Łucja", surname="Nguyễn")
    pdf = render_subject_access_pdf(subject_access.subject_access_record(learner), compress=False)
    assert pdf.startswith(b"%PDF-")
    assert_shows(pdf, "Lucja Nguyen")


# --- Anonymisation: the confirmation page -------------------------------------------------------


def test_the_confirmation_page_says_what_will_happen_and_the_safe_button_comes_first(
    leader: Client, ada: Learner
) -> None:
    page = leader.get(url(ada, "anonymise/")).content.decode()
    assert "Anonymise Ada Lovelace's record" in page
    assert "govuk-warning-text" in page
    assert "This cannot be undone." in page
    assert f"Anonymised learner #{ada.pk}" in page
    assert "the notes and agreed actions of their 1 guidance interview" in page
    assert 'type="checkbox"' in page
    assert 'name="reason"' in page
    cancel, anonymise = page.index('name="cancel"'), page.index('name="anonymise"')
    assert cancel < anonymise  # Enter presses the first submit button: the safe one
    assert "govuk-button--warning" in page[anonymise - 200 : anonymise + 100]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "", "confirm": "on"}, "Enter why the record is being anonymised"),
        ({"reason": "   ", "confirm": "on"}, "Enter why the record is being anonymised"),
        ({"reason": "Parent asked"}, "Confirm that you understand the record cannot be restored"),
        ({"reason": "x" * 501, "confirm": "on"}, "Ensure this value has at most 500 characters"),
    ],
)
def test_without_a_reason_and_confirmation_nothing_is_written(
    leader: Client, ada: Learner, data: dict[str, str], message: str
) -> None:
    events = AuditEvent.objects.count()
    response = leader.post(url(ada, "anonymise/"), data | {"anonymise": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert "<title>Error: " in page
    ada.refresh_from_db()
    assert (ada.surname, ada.anonymised_at) == ("Lovelace", None)
    assert AuditEvent.objects.count() == events


def test_cancel_changes_nothing(leader: Client, ada: Learner) -> None:
    response = leader.post(url(ada, "anonymise/"), {"reason": "Asked", "confirm": "on", "cancel": "1"})
    assert response.status_code == 302
    assert response["Location"] == url(ada, "")
    ada.refresh_from_db()
    assert ada.anonymised_at is None


# --- Anonymisation: what it does ----------------------------------------------------------------


def test_anonymising_removes_identity_keeps_what_figures_need_and_audits_the_reason(
    leader: Client, cast: Cast, ada: Learner
) -> None:
    upn = ada.upn
    job = LearnerImport.objects.create(
        provider=cast.p1,
        kind="csv",
        file_name="roll.csv",
        data=b"",
        status=LearnerImport.Status.FAILED,
        errors=[{"line": 4, "reason": f"UPN {ada.upn} and ULN 1234567890 belong to two different learners"}],
    )
    response = leader.post(
        url(ada, "anonymise/"), {"reason": "Erasure asked for by the parent", "confirm": "on", "anonymise": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == url(ada, "")
    ada.refresh_from_db()
    assert ada.anonymised_at is not None
    assert (ada.forename, ada.surname, ada.upn, ada.uln, ada.registration_group) == ("", "", "", "", "")
    assert ada.date_of_birth == dt.date(2010, 9, 1)  # born 15 January 2011: the 2010/11 cohort
    assert ada.name == str(ada) == f"Anonymised learner #{ada.pk}"
    # Kept for the figures: year group, sex, groups; joined/left dates (marked left today).
    assert (ada.year_group, ada.year_group_recorded_in, ada.sex) == (9, 2025, "F")
    assert ada.pupil_premium
    assert ada.young_carer
    assert not ada.free_school_meals
    assert ada.left_on == timezone.localdate()
    interview = Interview.objects.get(learner=ada)
    assert (interview.summary, interview.agreed_actions) == (data_protection.INTERVIEW_NOTES_REMOVED, "")
    assert interview.adviser.name == "Grace Hopper"
    assert interview.date == dt.date(2025, 12, 3)
    assert Participation.objects.filter(learner=ada).count() == 2
    job.refresh_from_db()
    assert job.errors == [{"line": 4, "reason": "UPN [removed] and ULN 1234567890 belong to two different learners"}]
    event = AuditEvent.objects.get(action="learner.anonymised")
    assert event.after == {
        "reason": "Erasure asked for by the parent",
        "interview_notes_removed": 1,
        "reflections_removed": 1,
        "import_lines_cleaned": 1,
        "own_writing_removed": 3,  # her entry, her placement and where her destination was
        "account_closed": True,
        "audit_events_redacted": event.after["audit_events_redacted"],
        "marked_left_on": timezone.localdate().isoformat(),
    }
    assert event.object_repr == f"Anonymised learner #{ada.pk}"
    assert "Lovelace" not in json.dumps([event.before, event.after, event.object_repr])
    # Her destination keeps what the cohort's figures read and loses where she went.
    from qic.destinations.models import Destination

    assert list(Destination.objects.filter(learner=ada).values_list("kind", "category", "detail")) == [
        ("intended", "appren", "")
    ]
    assert event.actor == cast.p1_leader
    assert event.provider_id_ref == cast.p1.pk
    # The audit trail's earlier copies of her identity are redacted too, and the chain still holds.
    assert event.after["audit_events_redacted"] >= 1
    trail = json.dumps(
        [[e.object_repr, e.before, e.after] for e in AuditEvent.objects.filter(learner_id_ref=ada.pk)], default=str
    )
    assert "Lovelace" not in trail
    assert upn not in trail
    _checked, broken, reason = first_break()
    assert broken is None, reason


def test_an_anonymised_learner_is_shown_as_anonymised_everywhere(leader: Client, cast: Cast, ada: Learner) -> None:
    anonymise_learner(learner=ada, reason="Asked", actor=cast.p1_leader)
    label = f"Anonymised learner #{ada.pk}"
    detail = leader.get(url(ada, "")).content.decode()
    assert label in detail
    assert "Lovelace" not in detail
    assert "was anonymised on" in detail
    assert "Edit record" not in detail
    assert "Erase" not in detail
    assert label in leader.get(f"/providers/{cast.p1.urn}/learners/?show=left").content.decode()
    talk = Participation.objects.get(learner=ada, attended=True).activity
    register = leader.get(f"/providers/{cast.p1.urn}/activities/{talk.pk}/").content.decode()
    assert label in register
    assert "Lovelace" not in register
    interviews = leader.get(f"/providers/{cast.p1.urn}/interviews/?year=2025").content.decode()
    assert label in interviews
    assert "civil engineer" not in interviews
    export = leader.get(url(ada)).content.decode()
    assert label in export
    assert "Lovelace" not in export
    assert "Removed when the learner" in export
    # It cannot be edited back into a person, nor anonymised twice.
    edit = leader.post(url(ada, "edit/"), {"forename": "Ada"})
    assert edit.status_code == 302
    ada.refresh_from_db()
    assert ada.forename == ""
    assert "There is nothing more to remove" in leader.get(url(ada, "anonymise/")).content.decode()
    with pytest.raises(AlreadyAnonymised):
        anonymise_learner(learner=ada, reason="Again", actor=cast.p1_leader)
    assert AuditEvent.objects.filter(action="learner.anonymised").count() == 1


def test_a_later_import_of_the_same_upn_creates_a_new_learner(cast: Cast, ada: Learner) -> None:
    upn = ada.upn
    anonymise_learner(learner=ada, reason="Asked", actor=cast.p1_leader)
    csv = (f"UPN,Forename,Surname,Date of birth,Sex,Year group\r\n{upn},Ada,Lovelace,15/01/2011,F,9\r\n").encode()
    job = actions.start_learner_import(
        provider=cast.p1, kind="csv", file_name="roll.csv", data=csv, full_import=False, actor=cast.p1_leader, wait=True
    )
    assert job.status == LearnerImport.Status.READY, job.errors
    assert actions.confirm_learner_import(job=job, digest=job.plan_digest, actor=cast.p1_leader, wait=True)
    job.refresh_from_db()
    assert (job.created_count, job.updated_count) == (1, 0)
    new = Learner.objects.get(provider=cast.p1, upn=upn)
    assert new.pk != ada.pk
    assert not new.participations.exists()
    assert not new.interviews.exists()
    ada.refresh_from_db()
    assert ada.forename == ""
    assert ada.anonymised_at is not None


# --- Anonymisation keeps every past figure ------------------------------------------------------


def figures_by_year(provider: Provider, years: list[int], today: dt.date) -> dict[tuple[int, str, str], Any]:
    """The dashboard's figures (queries.figures_for) for each year, flattened so that a failure
    names the year, measure and part that changed: every percentage, count and breakdown, and
    who has not met each measure (as a set: the figures list them in the database's order)."""
    flat: dict[tuple[int, str, str], Any] = {}
    for year in years:
        figures = queries.figures_for(provider, year, today=today, edition=None)
        flat[(year, "all", "fully achieved")] = figures.fully_achieved_count
        for benchmark in figures.benchmarks:
            flat[(year, f"BM{benchmark.benchmark}", "percent")] = benchmark.percent
            for result in benchmark.measures:
                code = result.measure.code
                flat[(year, code, "total")] = result.total
                flat[(year, code, "by year group")] = result.by_year_group
                flat[(year, code, "by key stage")] = result.by_key_stage
                flat[(year, code, "by group")] = result.by_group
                flat[(year, code, "not met")] = frozenset(result.not_met)
    return flat


@pytest.mark.parametrize("college", [False, True])
def test_anonymising_keeps_every_figure_for_past_years(db: None, college: bool) -> None:
    today = dt.date(2026, 3, 2)
    years = [2021, 2022, 2023, 2024, 2025]
    provider = ProviderFactory(
        provider_type=(ProviderType.FE_COLLEGE if college else ProviderType.SECONDARY).value,
        awarding_body=AwardingBodyFactory(),
    )
    build_careers_programme(provider, years=years, cohort_size=10, today=today, seed=7, college=college)
    before = figures_by_year(provider, years, today)
    # Leavers and learners on roll, with every kind of group flag between them.
    chosen = list(Learner.objects.filter(provider=provider).order_by("?")[:25])
    assert any(learner.left_on for learner in chosen)
    assert any(not learner.left_on for learner in chosen)
    assert any(learner.pupil_premium or learner.free_school_meals for learner in chosen)
    for learner in chosen:
        anonymise_learner(learner=learner, reason="test", actor=SystemActor("tests"), today=today)
    call_command("rebuild_tallies", str(provider.urn), stdout=StringIO())
    after = figures_by_year(provider, years, today)
    changed = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    assert changed == {}
    assert len(before) > 5 * 20  # every year's measures were compared, breakdowns included
    assert Learner.objects.filter(provider=provider, anonymised_at__isnull=False).count() == 25
    tallies.refresh_provider(provider.pk)  # the live path gives the same
    assert figures_by_year(provider, years, today) == before


# --- Retention ----------------------------------------------------------------------------------


def run_retention(today: str, *extra: str) -> str:
    out = StringIO()
    call_command("apply_retention", "--today", today, *extra, stdout=out)
    return out.getvalue()


def test_leavers_are_anonymised_on_the_anniversary_not_the_day_before(cast: Cast, settings: Any) -> None:
    settings.QIC_RETAIN_LEAVERS_YEARS = 6
    leaver = make_learner(cast.p1, forename="Lena", surname="Leaver", left_on=dt.date(2019, 7, 19))
    later = make_learner(cast.p1, upn=OTHER_UPN, forename="Liam", surname="Later", left_on=dt.date(2019, 7, 20))
    on_roll = make_learner(cast.p2, upn="B123456789012", forename="Olu", surname="Onroll")

    out = run_retention("2025-07-18")
    assert "Anonymised 0 learner(s)" in out
    assert not Learner.objects.filter(anonymised_at__isnull=False).exists()
    assert not RetentionRun.objects.exists()
    assert not AuditEvent.objects.filter(action="retention.applied").exists()

    out = run_retention("2025-07-19")
    assert "Anonymised 1 learner(s) who left 6 or more years before 19 July 2025" in out
    assert "Lena" not in out
    assert "Leaver" not in out
    leaver.refresh_from_db(), later.refresh_from_db(), on_roll.refresh_from_db()
    assert leaver.anonymised_at is not None
    assert leaver.left_on == dt.date(2019, 7, 19)
    assert later.anonymised_at is None
    assert on_roll.anonymised_at is None
    run = AuditEvent.objects.get(action="retention.applied")
    assert run.after is not None
    assert run.after["learners_anonymised"] == 1
    assert run.after["today"] == "2025-07-19"
    assert run.actor_label == "retention (manage.py apply_retention)"
    per_learner = AuditEvent.objects.get(action="learner.anonymised")
    assert per_learner.after is not None
    assert per_learner.after["reason"] == "Retention: identity kept for 6 years after leaving"

    # Idempotent: the same day again finds nothing and writes nothing.
    assert "Anonymised 0 learner(s)" in run_retention("2025-07-19")
    assert AuditEvent.objects.filter(action="retention.applied").count() == 1
    assert RetentionRun.objects.count() == 1

    assert "Anonymised 1 learner(s)" in run_retention("2025-07-20")
    later.refresh_from_db()
    assert later.anonymised_at is not None


def test_the_period_comes_from_the_setting(cast: Cast, settings: Any) -> None:
    settings.QIC_RETAIN_LEAVERS_YEARS = 2
    make_learner(cast.p1, left_on=dt.date(2023, 7, 19))
    assert "Anonymised 1 learner(s) who left 2 or more years" in run_retention("2025-07-19")


def test_a_dry_run_counts_and_changes_nothing(cast: Cast) -> None:
    learner = make_learner(cast.p1, left_on=dt.date(2010, 7, 19))
    LearnerImport.objects.create(provider=cast.p1, kind="csv", file_name="a.csv", data=b"UPN\r\n")
    events = AuditEvent.objects.count()
    out = run_retention("2030-01-01", "--dry-run")
    assert "Would anonymise 1 learner(s)" in out
    assert "would remove 1 uploaded learner file(s)" in out
    learner.refresh_from_db()
    assert learner.anonymised_at is None
    assert learner.forename == "Test"
    assert LearnerImport.objects.get().data == b"UPN\r\n"
    assert AuditEvent.objects.count() == events
    assert not RetentionRun.objects.exists()


def test_import_files_are_removed_after_the_set_number_of_days(cast: Cast, settings: Any) -> None:
    settings.QIC_RETAIN_IMPORT_FILES_DAYS = 30
    finished_at = dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC)
    done = LearnerImport.objects.create(
        provider=cast.p1, kind="csv", file_name="done.csv", data=b"UPN,Forename\r\n", status="done"
    )
    LearnerImport.objects.filter(pk=done.pk).update(finished_at=finished_at)
    abandoned = LearnerImport.objects.create(provider=cast.p1, kind="csv", file_name="left.csv", data=b"UPN\r\n")
    LearnerImport.objects.filter(pk=abandoned.pk).update(created_at=finished_at)

    assert "removed 0 uploaded learner file(s)" in run_retention("2026-12-02")
    assert LearnerImport.objects.exclude(data=b"").count() == 2

    out = run_retention("2026-12-03")
    assert "removed 2 uploaded learner file(s) kept 30 or more days" in out
    done.refresh_from_db(), abandoned.refresh_from_db()
    assert bytes(done.data) == b""
    assert done.status == "done"
    assert bytes(abandoned.data) == b""
    assert abandoned.status == "failed"
    assert abandoned.errors == [{"line": 0, "reason": "Not finished in time; the uploaded file has been removed."}]
    event = AuditEvent.objects.get(action="retention.applied")
    assert event.after is not None
    assert event.after["import_files_removed"] == 2
    assert "removed 0 uploaded learner file(s)" in run_retention("2026-12-04")


def test_no_learner_field_is_left_out_of_the_anonymisation_decision() -> None:
    """Every field of Learner is either removed or kept on purpose (docs/decisions.md)."""
    kept = {
        "id",
        "provider",
        "date_of_birth",  # replaced by the cohort's first day
        "sex",
        "year_group",
        "year_group_recorded_in",
        "pupil_premium",
        "free_school_meals",
        "sen_support",
        "ehc_plan",
        "looked_after",
        "young_carer",
        "considering_higher_education",
        "curriculum_area",
        "programme_end",
        "joined_on",
        "left_on",
        "anonymised_at",
        "created_at",
        "updated_at",
    }
    fields = {f.name for f in Learner._meta.concrete_fields if isinstance(f, models.Field)}
    assert fields == kept | set(data_protection.ANONYMISED_VALUES)


def test_the_learners_page_offers_both_actions_to_the_careers_leader_only(
    client: Client, cast: Cast, ada: Learner
) -> None:
    client.force_login(cast.p1_leader)
    page = client.get(url(ada, "")).content.decode()
    assert '<h2 class="govuk-heading-m">Data protection</h2>' in page
    assert f'href="{url(ada)}"' in page
    assert f'href="{url(ada, "anonymise/")}"' in page
    client.force_login(cast.p1_staff)
    page = client.get(url(ada, "")).content.decode()
    assert "Data protection" not in page
    assert url(ada) not in page


def test_a_careers_leader_cannot_reach_another_providers_learner(client: Client, cast: Cast) -> None:
    theirs = make_learner(cast.p2, forename="Zed", surname="Elsewhere")
    client.force_login(cast.p1_leader)
    for page in PAGES:
        assert client.get(url(theirs, page)).status_code == 404
        assert client.get(f"/providers/{cast.p1.urn}/learners/{theirs.pk}/{page}").status_code == 404
    response = client.post(url(theirs, "anonymise/"), {"reason": "Asked", "confirm": "on", "anonymise": "1"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.anonymised_at is None


def test_staff_cannot_anonymise_by_posting(client: Client, cast: Cast, ada: Learner) -> None:
    client.force_login(cast.p1_staff)
    response = client.post(url(ada, "anonymise/"), {"reason": "Asked", "confirm": "on", "anonymise": "1"})
    assert response.status_code == 403
    ada.refresh_from_db()
    assert ada.anonymised_at is None
    assert not AuditEvent.objects.filter(action="learner.anonymised").exists()


def test_a_preview_never_confirmed_loses_its_file_and_leavers_list_and_cannot_be_confirmed(
    cast: Cast, settings: Any
) -> None:
    settings.QIC_RETAIN_IMPORT_FILES_DAYS = 30
    make_learner(cast.p1, surname="Stayer")
    csv = (
        b"UPN,Forename,Surname,Date of birth,Sex,Year group\r\n" + OTHER_UPN.encode() + b",New,Pupil,15/01/2012,F,8\r\n"
    )
    job = actions.start_learner_import(
        provider=cast.p1, kind="csv", file_name="roll.csv", data=csv, full_import=True, actor=cast.p1_leader, wait=True
    )
    assert job.status == LearnerImport.Status.READY
    assert len(job.leaving_ids) == 1
    LearnerImport.objects.filter(pk=job.pk).update(created_at=dt.datetime(2026, 11, 3, 10, 0, tzinfo=dt.UTC))

    assert "removed 1 uploaded learner file(s)" in run_retention("2026-12-03")
    job.refresh_from_db()
    assert (bytes(job.data), job.leaving_ids, job.status) == (b"", [], LearnerImport.Status.FAILED)
    assert not actions.confirm_learner_import(job=job, digest=job.plan_digest, actor=cast.p1_leader, wait=True)
    assert Learner.objects.get(surname="Stayer").left_on is None


def test_anonymising_removes_what_the_learner_wrote_in_reflections(cast: Cast, ada: Learner) -> None:
    anonymise_learner(learner=ada, reason="Asked to be forgotten", actor=cast.p1_leader)
    reflection = Reflection.objects.get(learner=ada)
    assert reflection.learnt == data_protection.REFLECTION_REMOVED
    assert reflection.next_step == ""
    assert "Bridges need maths" not in json.dumps(subject_access.subject_access_record(ada))


# --- The learner's account and their own entries in the export ---------------------------------


def test_the_export_gives_the_account_and_its_codes_but_never_a_code_or_hash(leader: Client, ada: Learner) -> None:
    record = json.loads(leader.get(url(ada, "data.json")).content)
    account = record["account"]
    assert list(account) == [
        "sign_in_name",
        "school_email",
        "active",
        "made_at",
        "password_set_at",
        "last_sign_in",
        "codes",
    ]
    assert account["sign_in_name"] == "ada.k7q2"
    assert account["school_email"] is None  # ada.k7q2@learners.qic.invalid is not an email she has
    assert account["active"] is True
    assert account["password_set_at"] is not None
    assert [(c["kind"], c["kind_label"], bool(c["used_at"]), bool(c["revoked_at"])) for c in account["codes"]] == [
        ("sheet", "Printed sheet", False, True),
        ("sheet", "Printed sheet", True, False),
    ]
    keys = ["kind", "kind_label", "issued_at", "expires_at", "used_at", "revoked_at"]
    assert all(list(c) == keys for c in account["codes"])
    text = leader.get(url(ada, "data.json")).content.decode()
    for code in LearnerSignInCode.objects.filter(account__learner=ada):
        assert code.code_hash not in text
    assert "learners.qic.invalid" not in text
    page = leader.get(url(ada)).content.decode()
    for shown in ["The learner's account", "ada.k7q2", "Printed sheet", "Used ", "Stopped ", "Can sign in"]:
        assert shown in page, shown
    pdf = render_subject_access_pdf(subject_access.subject_access_record(ada), compress=False)
    assert_shows(pdf, "The learner's account", "ada.k7q2", "Printed sheet", "One-time sign-in codes")


def test_a_school_email_is_shown_and_no_account_is_said_plainly(leader: Client, cast: Cast, ada: Learner) -> None:
    from qic.organisations.models import User

    User.objects.filter(learner_account__learner=ada).update(email="ada.lovelace@school.example.org")
    assert subject_access.subject_access_record(ada)["account"]["school_email"] == "ada.lovelace@school.example.org"
    nobody = make_learner(cast.p1, upn="C123456789012", forename="Noor", surname="Noaccount")
    assert subject_access.subject_access_record(nobody)["account"] is None
    page = leader.get(url(nobody)).content.decode()
    assert "The learner has no account: they cannot sign in." in page


def test_the_learners_own_entries_are_in_the_export_removed_and_hidden_ones_too(
    leader: Client, cast: Cast, ada: Learner
) -> None:
    make_learner_entry(ada, kind="award", title="Bronze award", removed_at=timezone.now())
    record = json.loads(leader.get(url(ada, "data.json")).content)
    assert [(e["kind"], e["title"], bool(e["removed_at"])) for e in record["entries"]] == [
        ("Part-time work", "Saturday job at the bakery", False),
        ("Award or achievement", "Bronze award", True),
    ]
    page = leader.get(url(ada)).content.decode()
    for shown in [
        "Experiences and achievements the learner recorded",
        "Serving customers on the till",
        "1 June 2025",
        "Create opportunities",
        "removed by the learner",
    ]:
        assert shown in page, shown
    pdf = render_subject_access_pdf(subject_access.subject_access_record(ada), compress=False)
    assert_shows(pdf, "Experiences and achievements the learner recorded", "Saturday job at the bakery", "Bronze award")


def test_a_section_cannot_take_a_key_the_export_already_uses() -> None:
    from django.core.exceptions import ImproperlyConfigured

    def rows(learner: Learner) -> list[dict[str, Any]]:
        return []

    for key in ["reflections", "audit_events", "entries"]:
        with pytest.raises(ImproperlyConfigured):
            subject_access.register_section(
                Adviser, key, rows, title="x", headers=["A"], cells=lambda row: [row], widths=[1.0]
            )
    with pytest.raises(ImproperlyConfigured):
        subject_access.register_section(
            Adviser, "advisers", rows, title="x", headers=["A", "B"], cells=lambda row: [row], widths=[1.0]
        )
    assert Adviser not in subject_access.SECTIONS


# --- Anonymisation closes the account ------------------------------------------------------------


def test_anonymising_closes_the_account_so_nobody_can_sign_in_as_the_record(cast: Cast, ada: Learner) -> None:
    from qic.organisations.models import User

    account = LearnerAccount.objects.get(learner=ada)
    open_code, _ = issue_code(account, kind=LearnerSignInCode.Kind.EMAIL, days=7, actor=cast.p1_leader)
    signed_in = Client()
    signed_in.force_login(account.user)
    assert signed_in.get("/my/").status_code == 200

    anonymise_learner(learner=ada, reason="Asked to be forgotten", actor=cast.p1_leader)

    account.refresh_from_db()
    user = User.objects.get(pk=account.user_id)
    assert account.sign_in_name == ""
    assert not user.is_active
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("", "")
    assert user.email == f"closed-account-{account.pk}@learners.qic.invalid"
    assert "ada" not in user.email
    assert not LearnerSignInCode.objects.filter(account=account, used_at=None, revoked_at=None).exists()
    # Neither the old password, the sign-in name, the open code nor the old session gets in.
    for typed in ["ada.k7q2@learners.qic.invalid", user.email]:
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=typed, password="a-new-password-for-ada") is None
    assert codes.check_code(open_code)[0] is None
    assert signed_in.get("/my/").status_code == 302  # signed out: back to the sign-in page
    event = AuditEvent.objects.get(action="learner_access.account_closed")
    assert event.after == {
        "reason": "Asked to be forgotten",
        "codes_stopped": 1,
        "sign_in_name_removed": True,
        "school_email_removed": False,
    }
    assert (event.learner_id_ref, event.provider_id_ref, event.actor) == (ada.pk, cast.p1.pk, cast.p1_leader)
    assert AuditEvent.objects.get(action="learner.anonymised").after["account_closed"] is True
    # Nothing in the trail or the export names her any more, not even as the one who acted.
    trail = json.dumps(
        [[e.actor_label, e.object_repr, e.before, e.after] for e in AuditEvent.objects.filter(learner_id_ref=ada.pk)],
        default=str,
    )
    assert "Lovelace" not in trail
    assert "ada.k7q2" not in trail
    ada.refresh_from_db()
    export = json.dumps(subject_access.subject_access_record(ada))
    assert "ada.k7q2" not in export
    assert "Lovelace" not in export
    assert ("Can sign in", "No: the account is closed") in subject_access.account_rows(json.loads(export)["account"])
    _checked, broken, reason = first_break()
    assert broken is None, reason


def test_a_learner_acting_is_named_in_the_trail_by_account_number_only(cast: Cast, ada: Learner) -> None:
    used = AuditEvent.objects.get(action="learner_access.code_used")
    account = LearnerAccount.objects.get(learner=ada)
    assert used.actor_id == account.user_id
    assert used.actor_label == f"Learner (account #{account.user_id})"
