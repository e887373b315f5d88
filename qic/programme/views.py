"""Careers programme pages: activities and registers, interviews, advisers, benchmark figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qic.core import audit, once, stale
from qic.core.csv_export import csv_response
from qic.core.jobs import read_progress
from qic.domain import benchmarks as bm
from qic.domain import dates, work_experience
from qic.domain.academic import academic_year_of, year_label
from qic.domain.activities import SUBTYPES, ActivityType
from qic.domain.provider_types import ProviderType
from qic.frameworks.editions import edition_for_year, edition_on
from qic.frameworks.models import Criterion, Section
from qic.learners.models import Learner
from qic.learners.parsing import LearnerFileError
from qic.organisations.access import AuthenticatedRequest, Capability, capabilities, get_provider_for, require_role
from qic.organisations.models import Provider
from qic.organisations.primary_schools import Instead, not_for_primary_schools
from qic.programme import actions, activity_panels, queries, register_uploads, reports, sign_in, sign_in_queries
from qic.programme.forms import (
    MEANING_FIELDS,
    ActivityForm,
    AdviserForm,
    ApiTokenForm,
    AttendanceImportForm,
    ClassListForm,
    InterviewForm,
    NewClassListForm,
    ProgrammeAnswerForm,
    RegisterChoiceForm,
    RegisterForm,
)
from qic.programme.models import (
    Activity,
    Adviser,
    AdviserCpd,
    ApiToken,
    ClassList,
    Interview,
    Participation,
    ProgrammeAnswer,
    RegisterImport,
    RemovedParticipation,
)
from qic.programme.years import year_asked, year_menu

# Where a new token's secret waits, for one page view, between creating it and showing it.
NEW_TOKEN_SESSION_KEY = "qic_new_api_token"  # noqa: S105 (a session key name, not a secret)


# --- Activities ------------------------------------------------------------------------------


@require_role()
def activity_list(request: HttpRequest, urn: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.VIEW_LEARNERS)
    year = year_asked(request)
    activities = (
        Activity.objects.filter(provider=provider, academic_year=year)
        .annotate(
            attended_count=Count("participations", filter=Q(participations__attended=True)),
            absent_count=Count("participations", filter=Q(participations__attended=False)),
        )
        .order_by("-date", "title")
    )
    kind = request.GET.get("type", "")
    if kind in {t.value for t in ActivityType}:
        activities = activities.filter(activity_type=kind)
    page = Paginator(activities, 50).get_page(request.GET.get("page"))
    rates = sign_in_queries.reflection_rates([a.pk for a in page.object_list])
    for a in page.object_list:
        a.reflection_rate = rates[a.pk]
    return render(
        request,
        "programme/activity_list.html",
        {
            "provider": provider,
            "page": page,
            "year": year,
            "year_label": year_label(year),
            "years": year_menu(provider),
            "types": list(ActivityType),
            "kind": kind,
            "can_record": Capability.RECORD_PROGRAMME in capabilities(request.user),
            "for_register": request.GET.get("for") == "register",  # from home's "Take a register"
        },
    )


def _criteria_choices() -> Iterable[Criterion]:
    edition = edition_on(timezone.localdate())
    return Criterion.objects.filter(edition=edition).order_by("position")


@require_role()
@require_http_methods(["GET", "POST"])
def activity_form(request: AuthenticatedRequest, urn: int, pk: int | None = None) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    activity = get_object_or_404(Activity, provider=provider, pk=pk) if pk else Activity(provider=provider)
    if not pk:
        activity.needs_own_reflection = sign_in_queries.reflection_default(provider.pk)
    initial: dict[str, Any] = {"seen": stale.seen_value(activity, actions.ACTIVITY_AUDIT_FIELDS)} if pk else {}
    if not pk:
        initial["once"] = once.new_token()
    copied_from = _copy_source(request, provider) if pk is None else None
    if copied_from:
        initial["criteria"] = list(copied_from.criteria.all())
    form = ActivityForm(
        request.POST or None,
        instance=_copy_of(copied_from) if copied_from else activity,
        criteria=_criteria_choices(),
        initial=initial,
    )
    saved = None
    if request.method == "POST" and form.is_valid():
        digest = once.fingerprint(form)
        if not pk and (made := once.same_as_just_saved(request, f"activity:{provider.pk}", digest)):
            return _already_saved(request, once.AlreadySubmitted(made), "activity", made)
        saved = form.save(commit=False)
        if saved.pk is None:
            saved.created_by = request.user
        try:
            with transaction.atomic():
                claimed = None if pk else once.claim(request.user, form.cleaned_data["once"])
                saved = actions.save_activity(
                    activity=saved,
                    criteria=form.cleaned_data["criteria"],
                    actor=request.user,
                    seen=form.cleaned_data["seen"],
                )
                url = reverse("programme:activity_detail", args=[provider.urn, saved.pk])
                once.record_url(claimed, url)
            if not pk:
                once.remember(request, f"activity:{provider.pk}", digest, url)
        except stale.StaleEdit as exc:
            stale.refuse(form, exc, "activity")
            saved = None
        except once.AlreadySubmitted as exc:
            return _already_saved(request, exc, "activity", reverse("programme:activity_list", args=[provider.urn]))
    if saved is not None:
        why_not = saved.why_not_counting
        note = f" {why_not}" if why_not else ""
        if saved.provider_access and saved.provider_access_problems:
            note += " It does not count as a provider-access encounter yet: see why below."
        messages.success(request, f"“{saved.title}” has been saved.{note}")
        return redirect("programme:activity_detail", urn=provider.urn, pk=saved.pk)
    return render(
        request,
        "programme/activity_form.html",
        {
            "provider": provider,
            "form": form,
            "activity": activity if pk else None,
            "copied_from": copied_from,
            "subtypes": SUBTYPES,
            "meaning": form.meaning_section(),
            "meaning_fields": MEANING_FIELDS,
        },
    )


def _copy_source(request: HttpRequest, provider: Provider) -> Activity | None:
    """The activity a new one is copied from (`?copy=<id>` on the new-activity form, when first
    drawn), of this provider only: another provider's, or no such activity, is a 404."""
    raw = request.GET.get("copy", "")
    if request.method != "GET" or not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise Http404("No such activity")
    source: Activity = get_object_or_404(Activity.objects.prefetch_related("criteria"), provider=provider, pk=int(raw))
    return source


def _copy_of(source: Activity) -> Activity:
    """An unsaved activity with the source's fields, for the new-activity form to start from; the
    date is left for the person to enter, so that Save straight away cannot make a silent twin."""
    copy = Activity(
        **{
            field.attname: getattr(source, field.attname)
            for field in Activity._meta.concrete_fields
            if not field.primary_key and field.attname not in ("removed_at", "removed_by_id", "created_by_id")
        }
    )
    copy.date = None  # type: ignore[assignment]
    return copy


@require_role()
@require_GET
def activity_meaning(request: HttpRequest, urn: int) -> HttpResponse:
    """The activity form's "What made it meaningful" part for the values sent so far (htmx).

    Reads the form's fields from the query string and writes nothing: it only says which
    elements the chosen type needs and whether the activity would count.
    """
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    form = ActivityForm(request.GET, instance=Activity(provider=provider), criteria=Criterion.objects.none())
    section = form.meaning_section()
    response = render(request, "programme/_activity_meaning.html", {"provider": provider, "section": section})
    if request.GET.get("meaning_drawn_for") == section["drawn_for"]:
        # The form already lists these elements (the date moved within the same checklist):
        # redraw only the status, so boxes ticked meanwhile are not redrawn unticked.
        response["HX-Retarget"] = "#activity-meaning-status"
        response["HX-Reselect"] = "#activity-meaning-status"
    return response


# How many of a register's learners the activity page lists at a time.
REGISTER_PAGE_SIZE = 50


@require_role()
@require_http_methods(["GET", "POST"])
def activity_detail(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """The activity and its register; those who record choose learners (a year group, a form
    group, a name) and tick the absent among them; POST marks who took part.

    The page never lists the whole roll: a register of a whole school was ~1,800 checkboxes."""
    # Taking the register is recording the programme: a role that may only look is refused (403).
    need = Capability.RECORD_PROGRAMME if request.method == "POST" else Capability.VIEW_LEARNERS
    provider = get_provider_for(request.user, urn, need)
    activity = get_object_or_404(Activity.objects.prefetch_related("criteria"), provider=provider, pk=pk)
    can_record = Capability.RECORD_PROGRAMME in capabilities(request.user)
    on_roll = Learner.objects.filter(provider=provider, left_on=None)
    form = RegisterForm(
        request.POST or None,
        learners=on_roll,
        activity_on=activity.date,
        initial={"opened_at": timezone.now().timestamp()},
    )
    if request.method == "POST" and form.is_valid():
        absent_ids = {learner.pk for learner in form.cleaned_data["absent"]}
        attended_ids = {learner.pk for learner in form.cleaned_data["attended"]}
        # Everyone the page listed is present, but those ticked absent.
        attended_ids |= {learner.pk for learner in form.cleaned_data["chosen"]} - absent_ids
        year_groups = form.cleaned_data["year_groups"]
        group = form.cleaned_data["registration_group"].strip()
        if year_groups or group:
            for learner in on_roll:
                in_year = learner.year_group_in(activity.academic_year) in year_groups
                in_group = bool(group) and learner.registration_group.casefold() == group.casefold()
                if (in_year or in_group) and learner.pk not in absent_ids:
                    attended_ids.add(learner.pk)
        opened = form.cleaned_data["opened_at"]
        try:
            result = actions.record_participation(
                activity=activity,
                attended=attended_ids,
                absent=absent_ids,
                actor=request.user,
                opened_at=dt.datetime.fromtimestamp(opened, tz=dt.UTC) if opened is not None else None,
            )
        except actions.RegisterChanged as exc:
            now = "; ".join(
                f"{name} is now marked {'present' if present else 'absent'}" for name, present in exc.now.items()
            )
            stale.set_posted(form, "opened_at", str(timezone.now().timestamp()))
            form.add_error(
                None,
                f"Someone else changed this register since you opened it, so your changes were not saved: {now}. "
                "Your choices are kept below: check them against the register and save again.",
            )
        else:
            messages.success(
                request,
                f"Register saved: {result['added']} added, {result['changed']} changed. Benchmark figures are updated.",
            )
            return redirect("programme:activity_detail", urn=provider.urn, pk=activity.pk)
    recorded = Participation.objects.filter(activity=activity)
    totals = recorded.aggregate(
        present=Count("pk", filter=Q(attended=True)), absent=Count("pk", filter=Q(attended=False))
    )
    # The absent first: after a register is taken, the few marked absent are there to check.
    register = Paginator(
        recorded.select_related("learner").order_by("attended", "learner__surname", "learner__forename", "pk"),
        REGISTER_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    # A register is taken once the activity has happened (dates.attendance refuses one before).
    held = activity.date <= timezone.localdate()
    taking = _register_taking(request, activity, on_roll, form) if can_record and held else None
    shown = [p.learner_id for p in register.object_list]
    audit.record_read(
        actor=request.user,
        action="activity.register_viewed",
        obj=activity,
        provider_id=provider.pk,
        learner_ids=shown + [row["learner"].pk for row in (taking or {}).get("rows", [])],
        # Those who may record also see the learners they chose, to tick the absent.
        details={"roll_shown": bool(taking and taking["rows"]), "page": register.number},
    )
    return render(
        request,
        "programme/activity_detail.html",
        {
            "provider": provider,
            "activity": activity,
            "register": register,
            "totals": totals,
            "form": form if can_record else None,
            "taking": taking,
            "held": held,
            "can_record": can_record,
            "missing": activity.missing_meaning,
            "why_not": activity.why_not_counting,
            "reflection_rate": sign_in_queries.reflection_rates([activity.pk])[activity.pk],
            "sign_in_window": sign_in.open_window_of(activity),
            "panels": activity_panels.render_panels(request, activity, can_record),
        },
    )


def _register_taking(request: HttpRequest, activity: Activity, on_roll: Any, form: RegisterForm) -> dict[str, Any]:
    """The "Take the register" part of the activity page: the form that chooses learners and,
    once chosen, each of them with their form group, date of birth, mark so far and whether
    the box "absent" is ticked (as posted, else as recorded). A fixed number of queries."""
    year = activity.academic_year
    counts = queries.year_group_counts(on_roll, year)
    planned = [y for y in activity.year_groups if y in counts]
    asked = any(key in request.GET for key in ("year_group", "form_group", "class_list", "name"))
    class_lists = queries.class_list_choices(activity.provider)
    choose = RegisterChoiceForm(
        request.GET if asked else None,
        initial={"year_group": planned[0]} if len(planned) == 1 and not asked else {},
        year_groups=counts,
        form_groups=queries.form_groups(on_roll),
        class_lists=class_lists,
    )
    choice = choose.choice()
    taking: dict[str, Any] = {
        "choose": choose,
        "choice": choice,
        "rows": [],
        "too_many": False,
        "limit": queries.REGISTER_CHOICE_LIMIT,
        "save_as": NewClassListForm(provider_id=activity.provider_id, learners=on_roll.none(), auto_id="class_list_%s"),
    }
    if choice is None:
        return taking
    learners = queries.register_choice(on_roll, year=year, **choice)
    if len(learners) > queries.REGISTER_CHOICE_LIMIT:
        taking["too_many"] = True
        return taking
    marks = dict(
        Participation.objects.filter(
            activity=activity, learner_id__in=[learner.pk for learner in learners]
        ).values_list("learner_id", "attended")
    )
    if form.is_bound:
        ticked = set(request.POST.getlist("absent"))
    else:
        ticked = {str(pk) for pk, present in marks.items() if not present}
    rows: list[dict[str, Any]] = []
    letters: list[str] = []
    for learner in learners:
        letter = (learner.surname[:1] or "?").upper()
        first = len(learners) > 30 and letter.isalpha() and letter not in letters
        if first:
            letters.append(letter)
        rows.append(
            {
                "learner": learner,
                "absent": str(learner.pk) in ticked,
                "mark": marks.get(learner.pk),
                "anchor": f"absent-{letter}" if first else "",
            }
        )
    described = [f"Year {choice['year_group']}"] if choice["year_group"] is not None else []
    if choice["form_group"]:
        described.append(f"form group {choice['form_group']}")
    chosen_list = next((c for c in class_lists if c.pk == choice["class_list"]), None)
    if chosen_list is not None:
        described.append(f"class list “{chosen_list.name}”")
        taking["left"] = chosen_list.left
    if choice["name"]:
        described.append(f"names with “{choice['name']}”")
    taking.update(
        rows=rows,
        letters=letters,
        described=_first_upper(", ".join(described)),
        already=len(marks),
        ticked=sum(1 for row in rows if row["absent"]),
        unticked=sum(1 for row in rows if not row["absent"]),
    )
    return taking


def _first_upper(text: str) -> str:
    """ "class list “10X”, names with …" as the start of a heading: "Class list “10X”, …"."""
    return text[:1].upper() + text[1:]


# --- Class lists ---------------------------------------------------------------------------------


@require_role()
@require_POST
def class_list_create(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """Save the learners a register page listed (hidden ids, on roll) as a class list, then go
    back to that register with the new list chosen. A bad name shows this form again."""
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    on_roll = Learner.objects.filter(provider=provider, left_on=None)
    form = NewClassListForm(request.POST, provider_id=provider.pk, learners=on_roll)
    raw_activity = request.POST.get("activity", "")
    activity = (
        Activity.objects.filter(provider=provider, pk=int(raw_activity)).first()
        if raw_activity.isascii() and raw_activity.isdigit() and len(raw_activity) < 10
        else None
    )
    if form.is_valid():
        class_list = actions.create_class_list(
            provider=provider,
            name=form.cleaned_data["name"],
            learner_ids=[learner.pk for learner in form.cleaned_data["learners"]],
            actor=request.user,
        )
        n = class_list.learners.count()
        messages.success(request, f"Class list “{class_list.name}” saved with {n} learner{'s' if n != 1 else ''}.")
        if activity is None:
            return redirect("programme:class_lists", urn=provider.urn)
        return redirect(
            reverse("programme:activity_detail", args=[provider.urn, activity.pk])
            + "?"
            + urlencode({"class_list": class_list.pk})
            + "#take-register"
        )
    return render(
        request,
        "programme/class_list_new.html",
        {
            "provider": provider,
            "form": form,
            "activity": activity,
            "learner_ids": [v for v in request.POST.getlist("learners") if v.isascii() and v.isdigit()],
        },
    )


@require_role()
@require_GET
def class_lists(request: HttpRequest, urn: int) -> HttpResponse:
    """The provider's class lists with how many of each are on roll (no names: one query)."""
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    lists = queries.class_list_choices(provider)
    return render(request, "programme/class_lists.html", {"provider": provider, "lists": lists})


@require_role()
@require_http_methods(["GET", "POST"])
def class_list_rename(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    class_list = get_object_or_404(ClassList, provider=provider, pk=pk)
    form = ClassListForm(
        request.POST or None, provider_id=provider.pk, exclude_pk=class_list.pk, initial={"name": class_list.name}
    )
    if request.method == "POST" and form.is_valid():
        old = class_list.name
        actions.rename_class_list(class_list=class_list, name=form.cleaned_data["name"], actor=request.user)
        messages.success(request, f"Class list “{old}” renamed to “{class_list.name}”.")
        return redirect("programme:class_lists", urn=provider.urn)
    return render(
        request, "programme/class_list_rename.html", {"provider": provider, "form": form, "class_list": class_list}
    )


@require_role()
@require_http_methods(["GET", "POST"])
def class_list_remove(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes the list (its learners and registers stay)."""
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    class_list = get_object_or_404(ClassList.objects.annotate(size=Count("learners")), provider=provider, pk=pk)
    if request.method == "POST":
        actions.remove_class_list(class_list=class_list, actor=request.user)
        messages.success(request, f"Class list “{class_list.name}” has been removed.")
        return redirect("programme:class_lists", urn=provider.urn)
    return render(request, "programme/class_list_remove.html", {"provider": provider, "class_list": class_list})


@require_role()
@require_POST
def participation_remove(request: AuthenticatedRequest, urn: int, pk: int, learner_pk: int) -> HttpResponse:
    """Take one learner off the register; the careers leader can put them back from "Recently
    removed" for QIC_RESTORE_REMOVED_DAYS."""
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    activity = get_object_or_404(Activity, provider=provider, pk=pk)
    try:
        removed = actions.remove_from_register(activity=activity, learner_id=learner_pk, actor=request.user)
    except Participation.DoesNotExist:
        raise Http404("Not on the register") from None
    learner = Learner.objects.get(pk=removed.learner_id)
    days = settings.QIC_RESTORE_REMOVED_DAYS
    if Capability.MANAGE_LEARNERS in capabilities(request.user):
        back = f"You can put them back from “Recently removed” for {days} days."
    else:
        back = f"Your careers leader can put them back for {days} days."
    messages.success(request, f"{learner.name} has been taken off the register. {back}")
    return redirect("programme:activity_detail", urn=provider.urn, pk=activity.pk)


@require_role()
@require_http_methods(["GET", "POST"])
def attendance_import(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """Upload a register (CSV). A whole-file problem is said at once; otherwise the file is
    checked and saved in the background (all rows match learners on roll, or nothing is saved)
    and the person is sent to the job's page to follow it."""
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    activity = get_object_or_404(Activity, provider=provider, pk=pk)
    form = AttendanceImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = register_uploads.start_register_import(
                activity=activity, file_name=upload.name or "register.csv", data=upload.read(), actor=request.user
            )
        except LearnerFileError as exc:
            form.add_error("file", f"{exc} Nothing was saved.")
        else:
            return redirect("programme:attendance_import_status", urn=provider.urn, pk=activity.pk, job_id=job.pk)
    return render(
        request,
        "programme/attendance_import.html",
        {"provider": provider, "activity": activity, "form": form},
    )


@require_role()
@require_GET
def attendance_import_status(request: HttpRequest, urn: int, pk: int, job_id: int) -> HttpResponse:
    """The job's page: its progress (htmx polls the partial until the job ends; without
    JavaScript a refresh shows the same), then the counts, or every bad row and its line."""
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    activity = get_object_or_404(Activity, provider=provider, pk=pk)
    job = get_object_or_404(RegisterImport.objects.defer("data"), provider=provider, activity=activity, pk=job_id)
    template = (
        "programme/_attendance_import_progress.html"
        if request.headers.get("HX-Request")
        else "programme/attendance_import_status.html"
    )
    context = {
        "provider": provider,
        "activity": activity,
        "job": job,
        "progress": register_import_progress(job),
        "form": AttendanceImportForm() if job.status == RegisterImport.Status.FAILED else None,
    }
    return render(request, template, context)


def register_import_progress(job: RegisterImport) -> dict[str, Any]:
    """How far a running job has got, from what its task publishes (not from the database):
    {"text": "Checked 40 of 300 rows", "percent": 13}; a job not started yet says so, and one
    that has ended has no figures."""
    if job.finished:
        return {"text": "", "percent": 100}
    values = read_progress(job.progress_key)
    total = int(values.get("total") or 0)
    if job.status == RegisterImport.Status.SAVING:
        text = "Saving the register: nothing is kept until every learner is written"
        done = int(values.get("saved") or 0) if values.get("phase") == "saving" else 0
    elif values.get("phase") == "checking":
        done = min(int(values.get("checked") or 0), total)
        text = f"Checked {done:,} of {total:,} row{'' if total == 1 else 's'}"
    else:
        return {"text": "Waiting to start checking", "percent": 0}
    return {"text": text, "percent": min(100, 100 * done // total) if total else 0}


# --- Interviews and advisers -----------------------------------------------------------------


@require_role()
def interview_list(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.VIEW_LEARNERS)
    year = year_asked(request)
    interviews = Interview.objects.filter(provider=provider, academic_year=year).select_related("learner", "adviser")
    page = Paginator(interviews, 50).get_page(request.GET.get("page"))
    audit.record_read(
        actor=request.user,
        action="interviews.listed",
        obj=provider,
        provider_id=provider.pk,
        learner_ids=[interview.learner_id for interview in page.object_list],
        details={"year": year, "page": page.number},
    )
    return render(
        request,
        "programme/interview_list.html",
        {
            "provider": provider,
            "page": page,
            "year": year,
            "year_label": year_label(year),
            "years": year_menu(provider),
            "can_record": Capability.RECORD_PROGRAMME in capabilities(request.user),
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def interview_form(request: AuthenticatedRequest, urn: int, pk: int | None = None) -> HttpResponse:
    """Record an interview, or (with `pk`) correct one."""
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    initial: dict[str, Any] = {}
    if pk:
        interview = get_object_or_404(Interview.objects.select_related("learner"), provider=provider, pk=pk)
        if interview.learner.anonymised:
            raise Http404("The learner's record has been anonymised: their interviews cannot be changed")
        initial = {
            "learner_reference": interview.learner.reference,
            "seen": stale.seen_value(interview, actions.INTERVIEW_FIELDS),
        }
    else:
        interview = Interview(provider=provider)
        initial["once"] = once.new_token()
        learner_pk = request.GET.get("learner", "")
        if learner_pk.isascii() and learner_pk.isdigit():
            learner = Learner.objects.filter(provider=provider, pk=int(learner_pk)).first()
            if learner:
                initial["learner_reference"] = learner.reference
    form = InterviewForm(request.POST or None, instance=interview, provider=provider, initial=initial)
    if request.method == "POST" and form.is_valid():
        interview = form.save(commit=False)
        interview.provider = provider
        interview.learner = form.cleaned_data["learner_reference"]
        if not pk:
            interview.created_by = request.user
        digest = once.fingerprint(form)
        if not pk and (made := once.same_as_just_saved(request, f"interview:{provider.pk}", digest)):
            return _already_saved(request, once.AlreadySubmitted(made), "interview", made)
        try:
            with transaction.atomic():
                claimed = None if pk else once.claim(request.user, form.cleaned_data["once"])
                actions.save_interview(interview=interview, actor=request.user, seen=form.cleaned_data["seen"])
                url = reverse("programme:learner_detail", args=[provider.urn, interview.learner.pk])
                once.record_url(claimed, url)
            if not pk:
                once.remember(request, f"interview:{provider.pk}", digest, url)
        except stale.StaleEdit as exc:
            stale.refuse(form, exc, "interview")
        except once.AlreadySubmitted as exc:
            return _already_saved(request, exc, "interview", reverse("programme:interview_list", args=[provider.urn]))
        else:
            warnings = []
            if interview.short:
                warnings.append("it was shorter than the 45 minutes the CDI recommends")
            if interview.adviser.below_level_6:
                warnings.append("the adviser is not recorded as qualified to Level 6")
            text = f"Interview with {interview.learner.name} {'updated' if pk else 'recorded'}."
            if warnings:
                text += " Note: " + " and ".join(warnings) + "."
            messages.success(request, text)
            return redirect("programme:learner_detail", urn=provider.urn, pk=interview.learner.pk)
    return render(
        request,
        "programme/interview_form.html",
        {"provider": provider, "form": form, "interview": interview if pk else None},
    )


def _already_saved(request: HttpRequest, exc: once.AlreadySubmitted, what: str, fallback: str) -> HttpResponse:
    """A second post of a create form: no duplicate, go to what the first post made."""
    messages.info(request, f"This {what} was already saved, so it was not saved again.")
    return redirect(exc.url or fallback)


@require_role()
def adviser_list(request: HttpRequest, urn: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.VIEW_LEARNERS)
    year = academic_year_of(timezone.localdate())
    advisers = Adviser.objects.filter(provider=provider).annotate(
        interview_count=Count("interviews", filter=Q(interviews__academic_year=year))
    )
    cpd = {c.adviser_id: c.hours for c in AdviserCpd.objects.filter(adviser__provider=provider, academic_year=year)}
    rows = [(adviser, cpd.get(adviser.pk)) for adviser in advisers]
    return render(
        request,
        "programme/adviser_list.html",
        {
            "provider": provider,
            "rows": rows,
            "year_label": year_label(year),
            "can_record": Capability.RECORD_PROGRAMME in capabilities(request.user),
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def adviser_form(request: AuthenticatedRequest, urn: int, pk: int | None = None) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    year = academic_year_of(timezone.localdate())
    adviser = get_object_or_404(Adviser, provider=provider, pk=pk) if pk else Adviser(provider=provider)
    existing_cpd = AdviserCpd.objects.filter(adviser_id=adviser.pk, academic_year=year).first() if pk else None
    initial: dict[str, Any] = {"cpd_hours": existing_cpd.hours if existing_cpd else None}
    if pk:
        initial["seen"] = stale.sign(actions.adviser_snapshot(adviser, year))
    form = AdviserForm(request.POST or None, instance=adviser, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_adviser(
                adviser=form.save(commit=False),
                cpd_year=year,
                cpd_hours=form.cleaned_data["cpd_hours"],
                actor=request.user,
                seen=form.cleaned_data["seen"],
            )
        except stale.StaleEdit as exc:
            stale.refuse(form, exc, "adviser")
        else:
            messages.success(request, f"{saved.name} has been saved.")
            return redirect("programme:adviser_list", urn=provider.urn)
    return render(request, "programme/adviser_form.html", {"provider": provider, "form": form, "adviser": adviser})


# --- Removal and restore ------------------------------------------------------------------------


def _removed_page_link(request: HttpRequest) -> str:
    days = settings.QIC_RESTORE_REMOVED_DAYS
    if Capability.MANAGE_LEARNERS in capabilities(request.user):
        return f" You can restore it from “Recently removed” for {days} days."
    return f" Your careers leader can restore it for {days} days."


@require_role()
@require_http_methods(["GET", "POST"])
def activity_remove(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST removes the activity (and hides its register)."""
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    activity = get_object_or_404(
        Activity.objects.annotate(
            attended_count=Count("participations", filter=Q(participations__attended=True)),
            absent_count=Count("participations", filter=Q(participations__attended=False)),
        ),
        provider=provider,
        pk=pk,
    )
    if request.method == "POST":
        actions.remove_activity(activity=activity, actor=request.user)
        messages.success(
            request,
            f"“{activity.title}” has been removed and no longer counts in the benchmark figures."
            + _removed_page_link(request),
        )
        return redirect(f"{reverse('programme:activity_list', args=[provider.urn])}?year={activity.academic_year}")
    return render(
        request,
        "programme/remove_confirm.html",
        {
            "provider": provider,
            "what": "activity",
            "days": settings.QIC_RESTORE_REMOVED_DAYS,
            "title": f"Remove the activity “{activity.title}”?",
            "rows": [
                ("Date", dates.long_date(activity.date)),
                ("Type", activity.get_activity_type_display()),
                ("Register", f"{activity.attended_count} attended, {activity.absent_count} absent"),
                ("Counts towards", activity.evidence_summary),
            ],
            "warning": "The activity and its register will be taken out of every list and benchmark figure at once.",
            "back": reverse("programme:activity_detail", args=[provider.urn, activity.pk]),
            "keep": "No, keep it",
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def interview_remove(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    interview = get_object_or_404(Interview.objects.select_related("learner", "adviser"), provider=provider, pk=pk)
    if request.method == "POST":
        actions.remove_interview(interview=interview, actor=request.user)
        messages.success(
            request,
            f"The interview with {interview.learner.name} on {dates.long_date(interview.date)} has been removed."
            + _removed_page_link(request),
        )
        return redirect(f"{reverse('programme:interview_list', args=[provider.urn])}?year={interview.academic_year}")
    audit.record_read(
        actor=request.user,
        action="interview.viewed",
        obj=interview,
        provider_id=provider.pk,
        learner_ids=[interview.learner_id],
        details={"to_remove": True},
    )
    return render(
        request,
        "programme/remove_confirm.html",
        {
            "provider": provider,
            "what": "interview",
            "days": settings.QIC_RESTORE_REMOVED_DAYS,
            "title": f"Remove the interview with {interview.learner.name}?",
            "rows": [
                ("Date", dates.long_date(interview.date)),
                ("Adviser", interview.adviser.name),
                ("Length", f"{interview.duration_minutes} minutes"),
            ],
            "warning": "The interview will be taken out of the learner's record and the Benchmark 8 figures at once.",
            "back": reverse("programme:interview_list", args=[provider.urn]),
            "keep": "No, keep it",
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def adviser_remove(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    adviser = get_object_or_404(Adviser, provider=provider, pk=pk)
    refused = ""
    if request.method == "POST":
        try:
            actions.remove_adviser(adviser=adviser, actor=request.user)
        except actions.RemovalRefused as exc:
            refused = str(exc)
        else:
            messages.success(request, f"{adviser.name} has been removed." + _removed_page_link(request))
            return redirect("programme:adviser_list", urn=provider.urn)
    return render(
        request,
        "programme/remove_confirm.html",
        {
            "provider": provider,
            "what": "adviser",
            "days": settings.QIC_RESTORE_REMOVED_DAYS,
            "title": f"Remove the adviser {adviser.name}?",
            "rows": [("Organisation", adviser.organisation or "Employed by the school or college")],
            "warning": "The adviser will no longer be listed or offered when an interview is recorded.",
            "refused": refused,
            "back": reverse("programme:adviser_list", args=[provider.urn]),
            "keep": "No, keep them",
        },
        status=409 if refused else 200,
    )


@dataclass(frozen=True)
class RemovedRow:
    kind: str  # "activity", "interview", "adviser" or "register"
    pk: int
    label: str
    detail: str
    removed_at: dt.datetime
    removed_by: str
    until: dt.datetime


def _removed_rows(provider: Provider) -> list[RemovedRow]:
    """What the provider removed that can still be restored, latest first (four queries)."""
    since = timezone.now() - dt.timedelta(days=settings.QIC_RESTORE_REMOVED_DAYS)
    rows: list[RemovedRow] = []

    def who(record: Activity | Interview | Adviser | RemovedParticipation) -> str:
        user = record.removed_by
        return "" if user is None else (user.get_full_name() or user.email)

    for a in Activity.all_objects.filter(provider=provider, removed_at__gte=since).select_related("removed_by"):
        assert a.removed_at is not None
        detail = f"Activity on {dates.long_date(a.date)}"
        rows.append(
            RemovedRow("activity", a.pk, a.title, detail, a.removed_at, who(a), actions.restore_deadline(a.removed_at))
        )
    interviews = Interview.all_objects.filter(provider=provider, removed_at__gte=since).select_related(
        "learner", "adviser", "removed_by"
    )
    for i in interviews:
        assert i.removed_at is not None
        rows.append(
            RemovedRow(
                "interview",
                i.pk,
                f"Interview with {i.learner.name}",
                f"On {dates.long_date(i.date)} with {i.adviser.name}",
                i.removed_at,
                who(i),
                actions.restore_deadline(i.removed_at),
            )
        )
    for adv in Adviser.all_objects.filter(provider=provider, removed_at__gte=since).select_related("removed_by"):
        assert adv.removed_at is not None
        rows.append(
            RemovedRow(
                "adviser",
                adv.pk,
                adv.name,
                "Adviser",
                adv.removed_at,
                who(adv),
                actions.restore_deadline(adv.removed_at),
            )
        )
    # Learners taken off a register; not those of a removed activity (it comes back whole).
    entries = RemovedParticipation.objects.filter(
        activity__provider=provider, activity__removed_at=None, removed_at__gte=since
    ).select_related("activity", "learner", "removed_by")
    for entry in entries:
        rows.append(
            RemovedRow(
                "register",
                entry.pk,
                f"{entry.learner.name} taken off the register of {entry.activity.title}",
                f"Was marked {'present' if entry.attended else 'absent'}; "
                f"activity on {dates.long_date(entry.activity.date)}",
                entry.removed_at,
                who(entry),
                actions.restore_deadline(entry.removed_at),
            )
        )
    return sorted(rows, key=lambda row: row.removed_at, reverse=True)


@require_role()
def removed_list(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """Recently removed: what the careers leader may still restore."""
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    rows = _removed_rows(provider)
    named = [int(row.pk) for row in rows if row.kind == "interview"]
    entries = [int(row.pk) for row in rows if row.kind == "register"]
    if named or entries:
        learner_ids = list(Interview.all_objects.filter(pk__in=named).values_list("learner_id", flat=True))
        learner_ids += list(RemovedParticipation.objects.filter(pk__in=entries).values_list("learner_id", flat=True))
        audit.record_read(
            actor=request.user,
            action="removed.listed",
            obj=provider,
            provider_id=provider.pk,
            learner_ids=learner_ids,
            details={"interviews": len(named), "register_entries": len(entries)},
        )
    return render(
        request,
        "programme/removed_list.html",
        {"provider": provider, "rows": rows, "days": settings.QIC_RESTORE_REMOVED_DAYS},
    )


RESTORERS: dict[str, tuple[type[Activity] | type[Interview] | type[Adviser], Any]] = {
    "activity": (Activity, actions.restore_activity),
    "interview": (Interview, actions.restore_interview),
    "adviser": (Adviser, actions.restore_adviser),
}


@require_role()
@require_POST
def removed_restore(request: AuthenticatedRequest, urn: int, kind: str, pk: int) -> HttpResponse:
    """Restore one removed record of this provider (404 for another provider's, or one past its time)."""
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    if kind == "register":
        return _restore_register_entry(request, provider, pk)
    if kind not in RESTORERS:
        raise Http404("Nothing of that kind can be restored")
    model, restore = RESTORERS[kind]
    since = timezone.now() - dt.timedelta(days=settings.QIC_RESTORE_REMOVED_DAYS)
    record = get_object_or_404(model.all_objects, provider=provider, pk=pk, removed_at__gte=since)
    try:
        restore(**{kind: record, "actor": request.user})
    except actions.RemovalRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"“{_restored_label(record)}” has been restored.")
    return redirect("programme:removed_list", urn=provider.urn)


def _restore_register_entry(request: AuthenticatedRequest, provider: Provider, pk: int) -> HttpResponse:
    """Put a learner back on a register with the mark they had; if they were marked again since,
    the newer mark stays and the page says so."""
    since = timezone.now() - dt.timedelta(days=settings.QIC_RESTORE_REMOVED_DAYS)
    entry = get_object_or_404(
        RemovedParticipation.objects.select_related("activity", "learner"),
        activity__provider=provider,
        activity__removed_at=None,
        pk=pk,
        removed_at__gte=since,
    )
    name, title = entry.learner.name, entry.activity.title
    try:
        outcome = actions.restore_to_register(removed=entry, actor=request.user)
    except actions.RemovalRefused as exc:
        messages.error(request, str(exc))
    else:
        if outcome == "restored":
            mark = "present" if entry.attended else "absent"
            messages.success(request, f"{name} is back on the register of “{title}”, marked {mark}.")
        else:
            now = Participation.objects.filter(activity_id=entry.activity_id, learner_id=entry.learner_id).first()
            mark = "present" if now is None or now.attended else "absent"
            messages.warning(
                request,
                f"{name} has been marked {mark} on the register of “{title}” since they were taken off it, "
                "so that newer mark was kept and nothing was changed.",
            )
    return redirect("programme:removed_list", urn=provider.urn)


def _restored_label(record: Activity | Interview | Adviser) -> str:
    if isinstance(record, Activity):
        return record.title
    if isinstance(record, Interview):
        return f"Interview with {record.learner.name} on {dates.long_date(record.date)}"
    return record.name


# --- Benchmark figures -----------------------------------------------------------------------


@require_role()
@not_for_primary_schools(Capability.VIEW_FIGURES)
def measure_detail(request: AuthenticatedRequest, urn: int, code: str) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.VIEW_FIGURES)
    year = year_asked(request)
    figures = queries.figures_for(provider, year, today=timezone.localdate(), edition=edition_for_year(year))
    try:
        result = figures.measure(code)
    except StopIteration:
        raise Http404("No such measure") from None
    show_names = Capability.VIEW_LEARNERS in capabilities(request.user)
    tables = reports.measure_tables(result)
    college = figures.phase == bm.Phase.COLLEGE
    missing = list(Learner.objects.filter(pk__in=result.not_met).order_by("surname", "forename")) if show_names else []
    if missing:
        audit.record_read(
            actor=request.user,
            action="measure.missing_viewed",
            obj=provider,
            provider_id=provider.pk,
            learner_ids=[learner.pk for learner in missing],
            details={"measure": code, "year": year},
        )
    return render(
        request,
        "programme/measure_detail.html",
        {
            "provider": provider,
            "year": year,
            "year_label": year_label(year),
            "result": result,
            "tables": tables,
            "rule_set": figures.rule_set,
            "rule_set_first_label": year_label(figures.rule_set.first_year),
            "college": college,
            "college_tables": [
                ("By curriculum area", "Curriculum area", tables["curriculum_areas"]),
                ("By study programme", "Study programme", tables["study_programmes"]),
            ],
            "equity_min_group": reports.min_group_size(),
            "missing": [(learner, learner.year_group_in(year)) for learner in missing],
            "show_names": show_names,
        },
    )


@require_role()
@not_for_primary_schools(Capability.VIEW_FIGURES, Instead.NOT_FOUND)
def benchmark_export(request: AuthenticatedRequest, urn: int, table: str) -> HttpResponse:
    """CSV of one dashboard table. Named lists only for roles that may see learners."""
    provider = get_provider_for(request.user, urn, Capability.VIEW_FIGURES)
    year = year_asked(request)
    figures, previous = queries.dashboard_figures(
        provider,
        year,
        today=timezone.localdate(),
        edition=edition_for_year(year),
        previous_edition=edition_for_year(year - 1),
    )
    learners = None
    if table.startswith("missing-"):
        if Capability.VIEW_LEARNERS not in capabilities(request.user):
            raise Http404("No such table")
        learners = {learner.pk: learner for learner in queries.learners_for_year(provider, year)}
    rows = reports.export_rows(table, figures, previous, learners, year)
    if rows is None:
        raise Http404("No such table")
    if learners is not None:
        audit.record_read(
            actor=request.user,
            action="benchmark.missing_exported",
            obj=provider,
            provider_id=provider.pk,
            learner_ids=figures.measure(table.removeprefix("missing-")).not_met,
            details={"table": table, "year": year},
        )
    return csv_response(f"{provider.urn}-{year}-{table}.csv", rows[0], rows[1:])


@dataclass(frozen=True)
class Question:
    section: Section
    index: int
    text: str
    answer: ProgrammeAnswer | None
    form: ProgrammeAnswerForm


@require_role()
@require_http_methods(["GET", "POST"])
@not_for_primary_schools(Capability.VIEW_FIGURES)
def programme_answers(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """The programme-level indicators of Benchmarks 1 and 3, answered with links to evidence."""
    # Governors, staff and the Awarding Body read the answers; only the careers leader sends them (403).
    need = Capability.MANAGE_LEARNERS if request.method == "POST" else Capability.VIEW_FIGURES
    provider = get_provider_for(request.user, urn, need)
    year = year_asked(request)
    can_answer = Capability.MANAGE_LEARNERS in capabilities(request.user)
    edition = edition_for_year(year)
    college = provider.is_college
    sections = list(Section.objects.filter(edition=edition, number__in=queries.PROGRAMME_BENCHMARKS))
    answers = {
        (a.benchmark, a.indicator): a for a in ProgrammeAnswer.objects.filter(provider=provider, academic_year=year)
    }
    bound = request.POST if request.method == "POST" else None
    questions: list[Question] = []
    for section in sections:
        for index, text in enumerate(section.college_indicators if college else section.school_indicators):
            answer = answers.get((section.number, index))
            form = ProgrammeAnswerForm(
                bound,
                prefix=actions.programme_prefix(section.number, index),
                initial={"achieved": answer.achieved, "evidence_url": answer.evidence_url, "note": answer.note}
                if answer
                else None,
            )
            questions.append(Question(section, index, text, answer, form))
    snapshot = actions.programme_snapshot([(q.section.number, q.index) for q in questions], answers)
    seen_form = stale.SeenForm(bound, initial={"seen": stale.sign(snapshot)})
    refusal = ""
    if request.method == "POST" and all(q.form.is_valid() for q in questions):
        # A snapshot too long to be ours is treated as one we did not sign: refused, without details.
        seen = seen_form.cleaned_data["seen"] if seen_form.is_valid() else "not ours"
        try:
            actions.save_programme_answers(
                provider_id=provider.pk,
                year=year,
                answers=[
                    actions.ProgrammeAnswerInput(
                        benchmark=q.section.number,
                        indicator=q.index,
                        achieved=q.form.cleaned_data["achieved"],
                        evidence_url=q.form.cleaned_data["evidence_url"],
                        note=q.form.cleaned_data["note"],
                    )
                    for q in questions
                ],
                seen=seen,
                actor=request.user,
            )
        except stale.StaleEdit as exc:
            changed = stale.refuse_page([q.form for q in questions], exc)
            stale.set_posted(seen_form, "seen", exc.seen)
            refusal = stale.page_refusal(
                f"the answers for {year_label(year)}",
                [f"Benchmark {q.section.number}, indicator {q.index + 1}" for q in questions if q.form in changed],
            )
        else:
            messages.success(request, "Your answers have been saved. Benchmarks 1 and 3 are updated.")
            return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "programme/programme_answers.html",
        {
            "provider": provider,
            "year": year,
            "year_label": year_label(year),
            "years": year_menu(provider),
            "questions": questions,
            "seen_form": seen_form,
            "can_answer": can_answer,
            "refusal": refusal,
            "has_errors": bool(refusal) or any(q.form.errors for q in questions),
        },
    )


# --- API tokens ------------------------------------------------------------------------------


@require_role()
@require_http_methods(["GET", "POST"])
@never_cache  # the page shows a new token's secret once: no browser or proxy may keep a copy
def api_tokens(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _token, secret = actions.create_api_token(
            provider_id=provider.pk,
            name=data["name"],
            scope=data["scope"],
            valid_days=data["valid_days"],
            actor=request.user,
        )
        # Post/Redirect/Get: the secret travels in the session to the next page view only, so
        # refreshing the page neither makes another token nor shows this one again.
        request.session[NEW_TOKEN_SESSION_KEY] = {"provider": provider.pk, "plain": secret}
        return redirect("programme:api_tokens", urn=provider.urn)
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None) if request.method == "GET" else None
    plain: str | None = new_token["plain"] if new_token and new_token.get("provider") == provider.pk else None
    tokens = list(ApiToken.objects.filter(provider=provider).select_related("created_by"))
    return render(
        request,
        "programme/api_tokens.html",
        {
            "provider": provider,
            "form": form,
            "plain": plain,
            "now": timezone.now(),
            "tokens": [t for t in tokens if t.revoked_at is None],
            "revoked": [t for t in tokens if t.revoked_at is not None],
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def api_token_revoke(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST revokes."""
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    token = get_object_or_404(ApiToken.objects.select_related("created_by"), provider=provider, pk=pk, revoked_at=None)
    if request.method == "POST":
        actions.revoke_api_token(token=token, actor=request.user)
        messages.success(request, f"The token “{token.name}” no longer works.")
        return redirect("programme:api_tokens", urn=provider.urn)
    return render(request, "programme/api_token_revoke.html", {"provider": provider, "token": token})


# --- The work-experience guarantee -------------------------------------------------------------


def _guarantee_applies(provider: Provider) -> bool:
    """The guarantee covers Key Stages 3 and 4: not colleges (16–19) nor primary schools."""
    return not provider.is_college and provider.provider_type != ProviderType.PRIMARY.value


@dataclass(frozen=True)
class GuaranteeRow:
    standing: work_experience.Standing
    learner: Learner | None  # only for roles that may see names
    groups: str

    @property
    def hours_text(self) -> list[str]:
        """KS3, KS4, expected and gap as the page writes them: built here, not by a template filter
        per cell, because a large school lists hundreds of pupils."""
        s = self.standing
        return [_hours_text(h) for h in (s.ks3_hours, s.ks4_hours, s.expected, s.gap)]


def _hours_text(hours: Decimal) -> str:
    """8.3 -> "8.3", 25.0 -> "25"."""
    return f"{work_experience.round_hours(hours)}".removesuffix(".0")


def _guarantee(request: HttpRequest, provider: Provider) -> dict[str, Any]:
    """The tally, the filters asked for and the rows of pupils behind (a fixed number of queries)."""
    today = timezone.localdate()
    year = academic_year_of(today)
    target = work_experience.target_from(settings.QIC_WORK_EXPERIENCE_TARGET_HOURS)
    result = work_experience.tally(
        queries.domain_learners_on_roll(provider, year, today),
        queries.work_experience_hours(provider, today),
        measure_date=today,
        target=target,
    )
    # Compared as text: "²" is a digit to str.isdigit but not to int().
    years = {str(g): g for g in work_experience.GUARANTEE_YEARS}
    year_group = years.get(request.GET.get("year_group", ""))
    show_names = Capability.VIEW_LEARNERS in capabilities(request.user)
    # Filtering pupils' rows by a group (looked after, SEND…) would point at the few pupils in it:
    # only those who may see names anyway may do it.
    groups = (
        {g.value: g for g in work_experience.SummaryGroup if g != work_experience.SummaryGroup.ALL}
        if show_names
        else {}
    )
    group = groups.get(request.GET.get("group", ""))
    behind = [
        s
        for s in result.behind
        if (year_group is None or s.year_group == year_group) and (group is None or group.includes(s.groups))
    ]
    learners: dict[int, Learner] = {}
    if show_names and behind:
        learners = Learner.objects.filter(provider=provider).in_bulk([s.learner_id for s in behind])
    rows = [
        GuaranteeRow(
            s,
            learners.get(s.learner_id),
            ", ".join(g.label for g in work_experience.SummaryGroup if g.value in groups and g.includes(s.groups)),
        )
        for s in behind
    ]
    return {
        "provider": provider,
        "today": today,
        "year_label": year_label(year),
        "target": target,
        "stage_shares": [(g, target.share_of_year(g), target.expected_by(g)) for g in work_experience.GUARANTEE_YEARS],
        "by_year_group": result.by_year_group(),
        "by_group": [
            # A group smaller than the equity threshold is marked; to those who may not see names its
            # figures are not given at all (with so few pupils they would describe individuals).
            (g, summary, small, small and not show_names)
            for g, summary in result.by_group()
            for small in [
                g != work_experience.SummaryGroup.ALL and 0 < summary.learners < settings.QIC_EQUITY_MIN_GROUP_SIZE
            ]
        ],
        "min_group": settings.QIC_EQUITY_MIN_GROUP_SIZE,
        "behind_count": len(result.behind),
        "rows": rows,
        "show_names": show_names,
        "learner_pages": reverse("learners:learner_list", args=[provider.urn]),  # + pk + "/" is a learner's page
        "year_group": year_group,
        "group": group,
        "year_groups": work_experience.GUARANTEE_YEARS,
        "groups": list(groups.values()),
        "query": urlencode({k: v for k, v in (("year_group", year_group), ("group", group and group.value)) if v}),
    }


def _record_guarantee_read(
    request: AuthenticatedRequest, provider: Provider, context: dict[str, Any], action: str
) -> None:
    named = [row.standing.learner_id for row in context["rows"] if row.learner is not None]
    if named:
        audit.record_read(
            actor=request.user,
            action=action,
            obj=provider,
            provider_id=provider.pk,
            learner_ids=named,
            details={"year_group": context["year_group"], "group": context["group"] and context["group"].value},
        )


@require_role()
def work_experience_page(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """The work-experience guarantee: the target, totals by year group and group, who is behind."""
    provider = get_provider_for(request.user, urn, Capability.VIEW_FIGURES)
    if not _guarantee_applies(provider):
        return render(request, "programme/work_experience.html", {"provider": provider, "applies": False})
    context = _guarantee(request, provider)
    _record_guarantee_read(request, provider, context, "work_experience.behind_viewed")
    return render(request, "programme/work_experience.html", {**context, "applies": True})


@require_role()
def work_experience_export(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """CSV of the pupils behind (with the page's filters); names only for roles that may see them."""
    provider = get_provider_for(request.user, urn, Capability.VIEW_FIGURES)
    if not _guarantee_applies(provider):
        raise Http404("The work-experience guarantee covers Key Stages 3 and 4")
    context = _guarantee(request, provider)
    rows: list[GuaranteeRow] = context["rows"]
    named = context["show_names"]
    header = ["Learner", "UPN"] if named else []
    header += ["Year group"] + (["Groups"] if named else [])
    header += ["KS3 hours", "KS4 hours", "Total hours", "Expected by now", "Gap (hours)", "Hours to the target"]
    body = []
    for row in rows:
        s, learner = row.standing, row.learner
        cells: list[object] = []
        if named:
            cells += ["" if learner is None else learner.list_name, "" if learner is None else learner.upn]
        cells.append(s.year_group)
        if named:
            cells.append(row.groups)
        hours = (s.ks3_hours, s.ks4_hours, s.total, s.expected, s.gap, s.to_target(context["target"]))
        cells += [work_experience.round_hours(h) for h in hours]  # always one decimal place
        body.append(cells)
    _record_guarantee_read(request, provider, context, "work_experience.behind_exported")
    return csv_response(f"{provider.urn}-work-experience-below-target.csv", header, body)
