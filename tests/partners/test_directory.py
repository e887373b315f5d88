"""The employer directory: employers and contacts changed by the school's staff (audited), one
school's employers never seen by another, employers shared within a trust read-only and without
contact details or the other school's history, activities linked to employers, and the variety
of employers learners met (refreshed Benchmark 5) on the dashboard and in the portfolio."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qic.core.models import AuditEvent
from qic.organisations.models import Provider, Role
from qic.partners import directory_queries
from qic.partners.directory_queries import employer_variety, visible_employers
from qic.partners.models import ActivityEmployer, Employer, EmployerContact, Placement
from qic.programme.models import Activity, Participation
from tests.conftest import Cast
from tests.factories import ProviderFactory, make_activity, make_learner, make_member

pytestmark = pytest.mark.django_db

YEAR = 2025  # the academic year 2025/26 of make_activity's default date


def employer(provider: Provider, name: str, **fields: Any) -> Employer:
    return Employer.objects.create(provider=provider, name=name, **fields)


def attended(activity: Activity, *learners: Any) -> None:
    for learner in learners:
        Participation.objects.create(activity=activity, learner=learner, attended=True)


def link(activity: Activity, *employers: Employer) -> None:
    for e in employers:
        ActivityEmployer.objects.create(activity=activity, employer=e)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, provider: Provider, *args: int) -> str:
    return reverse(f"partners:{name}", args=[provider.urn, *args])


# --- Adding, changing and removing ------------------------------------------------------------


def test_staff_add_change_remove_and_restore_an_employer_each_audited(cast: Cast) -> None:
    client = signed_in(cast.p1_staff)
    response = client.post(
        url("employer_create", cast.p1),
        {"name": "  Brackenfield   Bakery ", "sector": "hospitality", "size_band": "micro", "postcode": "pr9 9qx"},
    )
    made = Employer.objects.get(provider=cast.p1)
    assert response.status_code == 302
    assert response["Location"] == url("employer_detail", cast.p1, made.pk)
    assert (made.name, made.postcode, made.created_by) == ("Brackenfield Bakery", "PR9 9QX", cast.p1_staff)
    client.post(url("employer_edit", cast.p1, made.pk), {"name": "Brackenfield Bakery", "size_band": "small"})
    made.refresh_from_db()
    assert (made.size_band, made.sector) == ("small", "")
    # Removal asks first, and its button is the warning one, never the default.
    page = client.get(url("employer_remove", cast.p1, made.pk)).content.decode()
    assert "Yes, remove this employer" in page
    assert "govuk-button--warning" in page
    client.post(url("employer_remove", cast.p1, made.pk))
    assert not Employer.objects.filter(pk=made.pk).exists()
    listing = client.get(url("employer_list", cast.p1)).content.decode()
    assert "Recently removed" in listing
    client.post(url("employer_restore", cast.p1, made.pk))
    assert Employer.objects.filter(pk=made.pk).exists()
    actions = list(
        AuditEvent.objects.filter(object_id=str(made.pk), object_type="partners.Employer")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["employer.created", "employer.updated", "employer.removed", "employer.restored"]


def test_a_form_with_problems_says_what_and_saves_nothing(cast: Cast) -> None:
    response = signed_in(cast.p1_leader).post(
        url("employer_create", cast.p1), {"name": "", "postcode": "Mr Smith", "website": "not a site"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter the employer&#x27;s name" in page
    assert "Enter a real postcode" in page
    assert not Employer.all_objects.exists()


def test_contacts_are_added_changed_and_removed_on_the_employer_page(cast: Cast) -> None:
    acme = employer(cast.p1, "Acme")
    client = signed_in(cast.p1_leader)
    client.post(
        url("contact_create", cast.p1, acme.pk),
        {"name": "Dana Park", "job_title": "HR lead", "email": "dana@example.com", "phone": "01632 960001"},
    )
    contact = EmployerContact.objects.get(employer=acme)
    page = client.get(url("employer_detail", cast.p1, acme.pk)).content.decode()
    assert "Dana Park" in page
    assert "dana@example.com" in page
    assert "HR lead" in page
    bad = client.post(
        url("contact_edit", cast.p1, acme.pk, contact.pk), {"name": "Dana Park", "email": "dana@", "phone": "call me"}
    )
    assert "Enter an email address in the right form" in bad.content.decode()
    assert "Enter a telephone number" in bad.content.decode()
    client.post(url("contact_remove", cast.p1, acme.pk, contact.pk))
    assert not EmployerContact.objects.filter(pk=contact.pk).exists()
    client.get(url("employer_list", cast.p1))  # shows (and so clears) the "no longer a contact" message
    assert "Dana Park" not in client.get(url("employer_detail", cast.p1, acme.pk)).content.decode()
    assert list(
        AuditEvent.objects.filter(action__startswith="employer.contact").order_by("pk").values_list("action", flat=True)
    ) == [
        "employer.contact_added",
        "employer.contact_removed",
    ]


# --- Who sees what ----------------------------------------------------------------------------


def test_another_schools_employer_is_not_found_and_not_listed(cast: Cast) -> None:
    theirs = employer(cast.p2, "Zenith Secret Works")
    contact = EmployerContact.objects.create(employer=theirs, name="Quentin Hidden", email="q@zenith.example")
    client = signed_in(cast.p1_leader)
    assert "Zenith Secret Works" not in client.get(url("employer_list", cast.p1) + "?q=Zenith").content.decode()
    for name, args in [
        ("employer_detail", [theirs.pk]),
        ("employer_edit", [theirs.pk]),
        ("employer_remove", [theirs.pk]),
        ("contact_create", [theirs.pk]),
        ("contact_edit", [theirs.pk, contact.pk]),
        ("contact_remove", [theirs.pk, contact.pk]),
    ]:
        response = client.get(url(name, cast.p1, *args))
        assert response.status_code == 404, name
        assert "Zenith" not in response.content.decode()
        assert "Quentin" not in response.content.decode()
    assert client.post(url("employer_remove", cast.p1, theirs.pk)).status_code == 404
    assert Employer.objects.filter(pk=theirs.pk).exists()
    # Another school's activity cannot be linked either.
    activity = make_activity(cast.p2)
    assert client.get(reverse("partners:activity_employers", args=[cast.p1.urn, activity.pk])).status_code == 404


def test_governors_read_the_variety_not_the_directory(cast: Cast) -> None:
    client = signed_in(cast.p1_governor)
    assert client.get(url("employer_list", cast.p1)).status_code == 403
    page = client.get(reverse("dashboards:benchmark_dashboard", args=[cast.p1.urn])).content.decode()
    assert "Employers pupils met in 2" in page
    assert reverse("partners:employer_list", args=[cast.p1.urn]) not in page


def trust_pair(cast: Cast) -> Provider:
    """p1 and a third school in one trust; p2 is in none."""
    Provider.objects.filter(pk=cast.p1.pk).update(trust_code="TR1", trust_name="Fells Trust")
    cast.p1.refresh_from_db()
    return ProviderFactory(name="Gamma Academy", trust_code="TR1", trust_name="Fells Trust")


def test_the_trust_sees_only_shared_employers_read_only_without_contact_details_or_history(cast: Cast) -> None:
    gamma = trust_pair(cast)
    shared = employer(gamma, "Shared Dairy", shared_with_trust=True, town="Kendal")
    employer(gamma, "Private Forge")
    employer(cast.p2, "Beta Shared Mill", shared_with_trust=True)  # p2 is in no trust
    EmployerContact.objects.create(employer=shared, name="Sam Farmer", email="sam@dairy.example", phone="01632 960002")
    # Gamma's placement and activity with the dairy: its learners are never shown to p1.
    gamma_pupil = make_learner(gamma, forename="Gwendolyn", surname="Gammaonly", upn="G100000000001")
    gamma_activity = make_activity(gamma, title="Gamma dairy visit")
    link(gamma_activity, shared)
    attended(gamma_activity, gamma_pupil)
    Placement.objects.create(
        provider=gamma,
        learner=gamma_pupil,
        employer=shared,
        start_date=dt.date(2025, 7, 1),
        end_date=dt.date(2025, 7, 5),
        hours=30,
    )
    assert set(visible_employers(cast.p1).values_list("name", flat=True)) == {"Shared Dairy"}
    assert set(visible_employers(cast.p2).values_list("name", flat=True)) == {"Beta Shared Mill"}
    client = signed_in(cast.p1_staff)
    listing = client.get(url("employer_list", cast.p1)).content.decode()
    assert "Shared Dairy" in listing
    assert "Shared by Gamma Academy" in listing
    assert "Private Forge" not in listing
    assert "Beta Shared Mill" not in listing
    page = client.get(url("employer_detail", cast.p1, shared.pk)).content.decode()
    assert "Shared by Gamma Academy" in page
    assert "Sam Farmer" in page
    for secret in ("sam@dairy.example", "01632 960002", "Gwendolyn", "Gammaonly", "Gamma dairy visit"):
        assert secret not in page
    assert url("employer_edit", cast.p1, shared.pk) not in page
    # Read-only: changing it is not found, as for any employer that is not the school's own.
    for name in ("employer_edit", "employer_remove", "contact_create"):
        assert client.get(url(name, cast.p1, shared.pk)).status_code == 404
    # Unshared, it is gone from p1 at once.
    Employer.objects.filter(pk=shared.pk).update(shared_with_trust=False)
    assert client.get(url("employer_detail", cast.p1, shared.pk)).status_code == 404


# --- Activities and employers -------------------------------------------------------------------


def test_linking_employers_to_an_activity_with_the_named_partner_suggested(cast: Cast) -> None:
    acme = employer(cast.p1, "Acme Engineering")
    other = employer(cast.p1, "Zenith Foods")
    activity = make_activity(cast.p1, partner="  acme engineering ")
    client = signed_in(cast.p1_staff)
    page = client.get(reverse("partners:activity_employers", args=[cast.p1.urn, activity.pk])).content.decode()
    assert "Ticked for you: Acme Engineering" in page
    ticked = set(re.findall(r'<input[^>]*value="(\d+)"[^>]*checked', page))
    assert ticked == {str(acme.pk)}
    assert f'value="{other.pk}"' in page
    response = client.post(
        reverse("partners:activity_employers", args=[cast.p1.urn, activity.pk]),
        {"employers": [acme.pk, other.pk], "new_name": "Brand New Bakery"},
    )
    assert response.status_code == 302
    names = set(ActivityEmployer.objects.filter(activity=activity).values_list("employer__name", flat=True))
    assert names == {"Acme Engineering", "Zenith Foods", "Brand New Bakery"}
    detail = client.get(reverse("programme:activity_detail", args=[cast.p1.urn, activity.pk])).content.decode()
    assert "Brand New Bakery" in detail
    assert reverse("partners:activity_employers", args=[cast.p1.urn, activity.pk]) in detail
    # Typing the name of one already in the directory links it, not a twin.
    client.post(
        reverse("partners:activity_employers", args=[cast.p1.urn, activity.pk]),
        {"employers": [acme.pk], "new_name": "ZENITH FOODS LTD"},
    )
    assert Employer.objects.filter(provider=cast.p1, name__icontains="zenith").count() == 1
    assert set(ActivityEmployer.objects.filter(activity=activity).values_list("employer__name", flat=True)) == {
        "Acme Engineering",
        "Zenith Foods",
    }
    events = AuditEvent.objects.filter(action="activity.employers_changed", object_id=str(activity.pk))
    assert events.count() == 2


def test_the_history_shows_the_schools_activities_and_placements(cast: Cast) -> None:
    acme = employer(cast.p1, "Acme")
    pupils = [make_learner(cast.p1, upn=f"H10000000000{i}", forename=f"Pupil{i}", surname="Histor") for i in range(3)]
    talk = make_activity(cast.p1, title="Acme careers talk")
    link(talk, acme)
    attended(talk, *pupils)
    Participation.objects.create(activity=make_activity(cast.p1, title="Unlinked"), learner=pupils[0])
    Placement.objects.create(
        provider=cast.p1,
        learner=pupils[1],
        employer=acme,
        start_date=dt.date(2025, 7, 1),
        end_date=dt.date(2025, 7, 5),
        hours=30,
    )
    client = signed_in(cast.p1_leader)
    page = client.get(url("employer_detail", cast.p1, acme.pk)).content.decode()
    assert "Acme careers talk" in page
    assert "Unlinked" not in page
    assert "Pupil1" in page
    assert "Pupil0" not in page
    assert "Pupil2" not in page
    assert [row.present for row in directory_queries.history(cast.p1, acme).encounters] == [3]
    listed = directory_queries.directory(cast.p1).get(pk=acme.pk)
    assert (listed.encounter_count, listed.placement_count) == (1, 1)
    read = AuditEvent.objects.get(action="employer.placements_viewed")
    assert read.provider_id_ref == cast.p1.pk


# --- Variety -----------------------------------------------------------------------------------


def test_variety_counts_distinct_employers_met_by_learners_present(cast: Cast) -> None:
    pupil = make_learner(cast.p1)
    micro = employer(cast.p1, "Solo Designs", size_band="micro", sector="creative", self_employed=True)
    large = employer(cast.p1, "BigCo", size_band="large", sector="digital")
    unmet = employer(cast.p1, "Nobody Came", size_band="medium", sector="health")
    placed = employer(cast.p1, "Placement Garage", size_band="small", sector="engineering")
    first, second = make_activity(cast.p1, title="Fair"), make_activity(cast.p1, title="Talk")
    link(first, micro, large)
    link(second, large)  # BigCo twice: counted once
    attended(first, pupil)
    attended(second, pupil)
    empty = make_activity(cast.p1, title="Nobody attended")
    link(empty, unmet)
    Participation.objects.create(activity=empty, learner=pupil, attended=False)
    last_year = make_activity(cast.p1, title="Old", date=dt.date(2024, 10, 1))
    link(last_year, unmet)
    attended(last_year, pupil)
    Placement.objects.create(
        provider=cast.p1,
        learner=pupil,
        employer=placed,
        start_date=dt.date(2026, 6, 1),
        end_date=dt.date(2026, 6, 5),
        hours=30,
        status="completed",
    )
    Placement.objects.create(
        provider=cast.p1,
        learner=pupil,
        employer=unmet,
        start_date=dt.date(2026, 6, 8),
        end_date=dt.date(2026, 6, 12),
        hours=30,
        status="approved",
    )
    figures = employer_variety(cast.p1, YEAR)
    assert figures.employers == 3
    assert figures.sizes == {"micro": 1, "small": 1, "medium": 0, "large": 1}
    assert (figures.self_employed, figures.sectors_met) == (1, 3)
    assert employer_variety(cast.p1, YEAR - 1).employers == 1
    assert employer_variety(cast.p2, YEAR).employers == 0
    page = signed_in(cast.p1_leader).get(
        reverse("dashboards:benchmark_dashboard", args=[cast.p1.urn]) + f"?year={YEAR}"
    )
    text = page.content.decode()
    assert "Learners met 3 employers in 2025/26: 3 of 4 size bands, 3 sectors, 1 self-employed" in text


def test_the_portfolio_gives_the_variety_for_benchmark_5(cast: Cast, edition: Any) -> None:
    from qic.accreditation.queries import system_evidence
    from tests.factories import make_round

    accreditation = make_round(cast, "committed", today=dt.date(2026, 3, 1))
    pupil = make_learner(cast.p1)
    talk = make_activity(cast.p1)
    link(talk, employer(cast.p1, "Solo", size_band="micro", sector="creative", self_employed=True))
    attended(talk, pupil)
    evidence = system_evidence(accreditation, today=dt.date(2026, 3, 1))
    line = "Learners met 1 employer in 2025/26: 1 of 4 size bands, 1 sector, 1 self-employed"
    with_line = {code for code, found in evidence.items() if line in found.extra}
    sections = dict(accreditation.criterion_records.values_list("criterion__code", "criterion__section__number"))
    assert with_line
    assert with_line == {code for code, number in sections.items() if number == 5}


# --- Query counts --------------------------------------------------------------------------------


def _queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_directory_pages_take_a_fixed_number_of_queries(cast: Cast) -> None:
    gamma = trust_pair(cast)
    client = signed_in(cast.p1_leader)
    pupil = make_learner(cast.p1)

    def add(n: int) -> Employer:
        e = employer(cast.p1, f"Firm {n}", size_band="small", sector="digital")
        employer(gamma, f"Shared {n}", shared_with_trust=True)
        a = make_activity(cast.p1, title=f"Visit {n}")
        link(a, e)
        attended(a, pupil)
        EmployerContact.objects.create(employer=e, name=f"Contact {n}")
        return e

    first = add(0)
    paths = [
        url("employer_list", cast.p1),
        url("employer_detail", cast.p1, first.pk),
        reverse("dashboards:benchmark_dashboard", args=[cast.p1.urn]) + f"?year={YEAR}",
    ]
    before = [_queries(client, p) for p in paths]
    for n in range(1, 6):
        e = add(n)
        link(make_activity(cast.p1, title=f"Also {n}"), first)
        del e
    assert [_queries(client, p) for p in paths] == before
    with CaptureQueriesContext(connection) as captured:
        directory_queries.employer_variety(cast.p1, YEAR)
    assert len(captured) == 1


def test_a_second_staff_member_of_the_same_school_sees_the_same_directory(cast: Cast) -> None:
    employer(cast.p1, "Acme")
    colleague = make_member(Role.PROVIDER_STAFF, provider=cast.p1, email="colleague@example.org")
    assert "Acme" in signed_in(colleague).get(url("employer_list", cast.p1)).content.decode()


def test_the_demo_directory_fills_the_panel_once(cast: Cast) -> None:
    from qic.core.actors import DEMO_DATASET
    from qic.demo.employers import build_employer_directory

    pupil = make_learner(cast.p1)
    for title in ("Enterprise day", "Employer mentoring session 3", "Careers fair"):
        attended(make_activity(cast.p1, title=title), pupil)
    build_employer_directory(cast.p1, years=[YEAR], actor=DEMO_DATASET)
    build_employer_directory(cast.p1, years=[YEAR], actor=DEMO_DATASET)  # a second load adds nothing
    assert Employer.objects.filter(provider=cast.p1).count() == 7
    figures = employer_variety(cast.p1, YEAR)
    assert figures.employers == 3
    assert figures.sizes == {"micro": 1, "small": 1, "medium": 0, "large": 1}
    assert figures.self_employed == 1
