"""Dates are typed into the GOV.UK date input (day, month, year) and shown as "3 December 2026".

The errors follow the Design System: the message names what is missing or wrong, the box at
fault is marked, and the error summary links to it.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms
from django.template import Context, Template
from django.test import Client

from qic.core.forms import GovukDateField, GovukForm
from qic.learners.models import Learner
from qic.programme.models import Activity
from tests.conftest import Cast
from tests.factories import make_learner
from tests.programme.test_activities import activity_post


def boxes(date: dt.date | tuple[str, str, str], name: str = "date") -> dict[str, str]:
    day, month, year = (str(date.day), str(date.month), str(date.year)) if isinstance(date, dt.date) else date
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def post_activity(client: Client, cast: Cast, date: dt.date | tuple[str, str, str]) -> Client:
    data = activity_post(date=None)
    data.pop("date", None)
    return client.post(f"/providers/{cast.p1.urn}/activities/new/", {**data, **boxes(date)})


def box(page: str, part: str, name: str = "date") -> str:
    found = re.search(rf'<input type="text" name="{name}_{part}"[^>]*>', page)
    assert found, part
    return found.group(0)


def test_an_activity_date_goes_in_as_day_month_year_and_comes_back_the_same(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_staff)
    page = client.get(f"/providers/{cast.p1.urn}/activities/new/").content.decode()
    assert '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_date-hint">' in page
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date</legend>' in page
    assert '<div id="id_date-hint" class="govuk-hint">For example, 27 3 2026</div>' in page
    assert '<label class="govuk-label govuk-date-input__label" for="id_date_day">Day</label>' in page
    assert 'type="date"' not in page
    for part, width in (("day", 2), ("month", 2), ("year", 4)):
        assert f'class="govuk-input govuk-date-input__input govuk-input--width-{width}"' in box(page, part)
        assert 'inputmode="numeric"' in box(page, part)

    response = post_activity(client, cast, ("6", "1", "2026"))
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.date == dt.date(2026, 1, 6)

    page = client.get(f"/providers/{cast.p1.urn}/activities/{activity.pk}/edit/").content.decode()
    assert 'value="6"' in box(page, "day")
    assert 'value="1"' in box(page, "month")
    assert 'value="2026"' in box(page, "year")
    detail = client.get(f"/providers/{cast.p1.urn}/activities/{activity.pk}/").content.decode()
    assert "6 January 2026" in detail


def test_31_february_is_not_a_real_date_and_the_day_is_marked(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_staff)
    response = post_activity(client, cast, ("31", "2", "2026"))
    assert response.status_code == 200
    assert response.context["form"].errors == {"date": ["Date must be a real date"]}
    page = response.content.decode()
    assert '<li><a href="#id_date_day">Date must be a real date</a></li>' in page
    assert '<div class="govuk-form-group govuk-form-group--error">\n  <fieldset' in page
    assert 'aria-describedby="id_date-hint id_date-error"' in page
    assert (
        '<p id="id_date-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> '
        "Date must be a real date</p>" in page
    )
    assert "govuk-input--error" in box(page, "day")
    assert "govuk-input--error" not in box(page, "month")
    assert "govuk-input--error" not in box(page, "year")
    # What was typed stays in the boxes.
    assert 'value="31"' in box(page, "day")
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message", "marked"),
    [
        (("6", "", "2026"), "Date must include a month", {"month"}),
        (("", "", "2026"), "Date must include a day and month", {"day", "month"}),
        (("6", "13", "2026"), "Date must be a real date", {"month"}),
        (("six", "1", "2026"), "Date must be a real date", {"day"}),
        (("6", "1", "26"), "Year must include 4 numbers", {"year"}),
        # Found by the probe: these answered 500 (int("²") fails; a day past 2**31 overflows).
        (("²", "1", "2026"), "Date must be a real date", {"day"}),
        (("٢", "١", "2026"), "Date must be a real date", {"day", "month"}),
        (("6", "1", "²⁰²⁶"), "Date must be a real date", {"year"}),
        (("2147483648", "1", "2026"), "Date must be a real date", {"day"}),
        # A date that exists but makes no sense (qic.domain.dates) marks the whole date.
        (("5", "11", "1900"), "The date of the activity must be on or after 1 January 2000", {"day", "month", "year"}),
    ],
)
def test_each_mistake_is_named_and_its_box_marked(
    client: Client, cast: Cast, typed: tuple[str, str, str], message: str, marked: set[str]
) -> None:
    client.force_login(cast.p1_staff)
    response = post_activity(client, cast, typed)
    assert response.context["form"].errors == {"date": [message]}
    page = response.content.decode()
    first = next(part for part in ("day", "month", "year") if part in marked)
    assert f'<li><a href="#id_date_{first}">{message}</a></li>' in page
    assert {part for part in ("day", "month", "year") if "govuk-input--error" in box(page, part)} == marked


def test_a_month_may_be_typed_as_a_word(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_staff)
    assert post_activity(client, cast, (" 6 ", "Jan", "2026")).status_code == 302
    assert Activity.objects.get().date == dt.date(2026, 1, 6)


def test_all_boxes_empty_is_a_missing_date(client: Client, cast: Cast) -> None:
    client.force_login(cast.p1_staff)
    response = post_activity(client, cast, ("", "", ""))
    assert response.context["form"].errors == {"date": ["Enter the date of the activity"]}


def test_a_date_of_birth_is_filled_in_by_the_browser_and_shown_in_words(client: Client, cast: Cast) -> None:
    learner = make_learner(cast.p1)
    client.force_login(cast.p1_leader)
    page = client.get(f"/providers/{cast.p1.urn}/learners/{learner.pk}/edit/").content.decode()
    assert 'autocomplete="bday-day"' in box(page, "day", "date_of_birth")
    assert 'autocomplete="bday-year"' in box(page, "year", "date_of_birth")
    assert "For example, 27 3 2012" in page
    assert f'value="{learner.date_of_birth.day}"' in box(page, "day", "date_of_birth")
    detail = client.get(f"/providers/{cast.p1.urn}/learners/{learner.pk}/").content.decode()
    born = learner.date_of_birth
    assert f"{born.day} {born:%B} {born.year}" in detail
    assert Learner.objects.count() == 1


def test_a_whole_iso_date_is_still_read_when_no_box_is_sent(client: Client, cast: Cast) -> None:
    # Links and scripts that pass ?date_from=2026-01-06 keep working.
    client.force_login(cast.p1_staff)
    assert client.post(f"/providers/{cast.p1.urn}/activities/new/", activity_post(date="2026-01-06")).status_code == 302
    assert Activity.objects.get().date == dt.date(2026, 1, 6)


def test_a_form_with_a_plain_date_field_is_refused() -> None:
    class Old(GovukForm):
        when = forms.DateField()

    with pytest.raises(TypeError, match="GovukDateField"):
        Old()

    class New(GovukForm):
        when = GovukDateField(required=False)

    assert New().fields["when"].label == "When"


def test_dates_and_times_are_shown_one_way_in_uk_time(db: None) -> None:
    template = Template(
        "{{ day|govuk_date }} | {{ moment|govuk_datetime }} | {{ moment|govuk_date }} | {{ snap|govuk_date }}"
    )
    summer_night = dt.datetime(2026, 6, 30, 23, 30, tzinfo=dt.UTC)  # 00:30 BST on 1 July
    shown = template.render(Context({"day": dt.date(2026, 12, 3), "moment": summer_night, "snap": "2026-11-23"}))
    assert shown == "3 December 2026 | 1 July 2026, 12:30am | 1 July 2026 | 23 November 2026"
    assert Template("{{ none|govuk_date|default:'–' }}").render(Context({"none": None})) == "–"
