"""Learner pages: the roll, edits and imports.

A learner's record page and the data-protection pages show programme data too, so they are in
`qic.programme.learner_views`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Q, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from qic.core import audit, stale
from qic.core.jobs import read_progress
from qic.domain.academic import academic_year_of
from qic.learners import actions, imports
from qic.learners.forms import ConfirmImportForm, LearnerForm, LearnerImportForm
from qic.learners.models import Learner, LearnerImport, named
from qic.learners.parsing import LEARNER_CSV_COLUMNS
from qic.organisations.access import AuthenticatedRequest, Capability, capabilities, get_provider_for, require_role
from qic.organisations.models import Provider


def current_year() -> int:
    return academic_year_of(timezone.localdate())


@require_role()
def learner_list(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.VIEW_LEARNERS)
    year = current_year()
    show = "left" if request.GET.get("show") == "left" else "on_roll"
    learners = Learner.objects.filter(provider=provider, left_on__isnull=show == "on_roll")
    query = request.GET.get("q", "").strip()
    if query:
        # Every word typed, folded as the stored names are, in any order: "O'Brien, Siobhán",
        # "siobhan obrien" and "Siobhan" all find Siobhán O'Brien.
        learners = learners.filter(
            named(query) | Q(upn__iexact=query) | Q(uln=query) | Q(registration_group__iexact=query)
        )
    year_group = request.GET.get("year_group", "")
    if year_group.isascii() and year_group.isdigit():
        # Year groups are stored with the year they were recorded in and rolled forward on read.
        learners = learners.annotate(
            current_year_group=F("year_group") + (Value(year) - F("year_group_recorded_in"))
        ).filter(current_year_group=int(year_group))
    page = Paginator(learners.order_by("surname", "forename", "pk"), 100).get_page(request.GET.get("page"))
    shown = list(page.object_list)  # evaluated once: the page renders the same list
    audit.record_read(
        actor=request.user,
        action="learners.listed",
        obj=provider,
        provider_id=provider.pk,
        learner_ids=[learner.pk for learner in shown],
        # Whether a search was made, never its words: a typed name or UPN would outlive the
        # learner's anonymisation in the trail. Which learners were shown is in `learner_ids`.
        details={"searched": bool(query), "year_group": year_group, "show": show, "page": page.number},
    )
    return render(
        request,
        "learners/learner_list.html",
        {
            "provider": provider,
            "page": page,
            "query": query,
            "show": show,
            "year": year,
            "year_group": year_group,
            "year_groups": range(7, 15),
            "can_manage": Capability.MANAGE_LEARNERS in capabilities(request.user),
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def learner_edit(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    learner = get_object_or_404(Learner, provider=provider, pk=pk)
    if learner.anonymised:
        # Editing could put identity back into a record that was anonymised on request.
        messages.error(request, "An anonymised record cannot be edited.")
        return redirect("programme:learner_detail", urn=provider.urn, pk=learner.pk)
    form = LearnerForm(
        request.POST or None,
        instance=Learner.objects.get(pk=learner.pk),
        initial={"seen": stale.seen_value(learner, imports.LEARNER_AUDIT_FIELDS)},
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name != "seen"}
        try:
            actions.update_learner(learner=learner, changes=changes, actor=request.user, seen=form.cleaned_data["seen"])
        except stale.StaleEdit as exc:
            stale.refuse(form, exc, "learner's record")
        else:
            messages.success(request, f"{learner.name}'s record has been updated.")
            return redirect("programme:learner_detail", urn=provider.urn, pk=learner.pk)
    audit.record_read(
        actor=request.user,
        action="learner.viewed",
        obj=learner,
        provider_id=provider.pk,
        learner_id=learner.pk,
        details={"page": "edit"},
    )
    return render(request, "learners/learner_form.html", {"provider": provider, "learner": learner, "form": form})


@require_role()
@require_http_methods(["GET", "POST"])
def learner_import(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """Upload a file; it is checked and previewed, and nothing is written until confirmed."""
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    form = LearnerImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = actions.start_learner_import(
            provider=provider,
            kind=imports.file_kind(form.data_bytes),
            file_name=upload.name,
            data=form.data_bytes,
            full_import=form.cleaned_data["full_import"],
            actor=request.user,
        )
        return redirect("learners:learner_import_status", urn=provider.urn, pk=job.pk)
    recent_imports = LearnerImport.objects.filter(provider=provider).defer("data")[:10]
    return render(
        request,
        "learners/learner_import.html",
        {"provider": provider, "form": form, "imports": recent_imports, "columns": LEARNER_CSV_COLUMNS},
    )


@require_role()
def learner_import_status(request: HttpRequest, urn: int, pk: int) -> HttpResponse:
    """The job's page: progress (htmx polls the partial), then the preview to confirm or cancel,
    then the result."""
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    job = get_object_or_404(LearnerImport.objects.defer("data"), provider=provider, pk=pk)
    template = "learners/_import_progress.html" if request.headers.get("HX-Request") else "learners/import_status.html"
    return render(request, template, _status_context(provider, job))


def _status_context(provider: Provider, job: LearnerImport, form: ConfirmImportForm | None = None) -> dict[str, Any]:
    year = current_year()
    leaving = []
    if job.status == LearnerImport.Status.READY and job.leaving_ids:
        leaving = [
            (learner, learner.year_group_in(year))
            for learner in Learner.objects.filter(provider=provider, pk__in=job.leaving_ids).order_by(
                "surname", "forename", "pk"
            )
        ]
    return {
        "provider": provider,
        "job": job,
        "leaving": leaving,
        "warn_left": job.full_import and job.left_percent > settings.QIC_LEARNER_IMPORT_WARN_LEFT_PERCENT,
        "confirm_form": form or ConfirmImportForm(initial={"digest": job.plan_digest}),
        "progress": import_progress(job),
    }


def import_progress(job: LearnerImport) -> dict[str, Any]:
    """How far a running job has got, from what its task publishes (not from the database):
    {"text": "Checked 4,000 of 10,000 rows", "percent": 40}; a job not started yet, or one
    that has ended, says so without figures."""
    if job.finished:
        return {"text": "", "percent": 100}
    values = read_progress(imports.progress_key(job.pk))
    total = int(values.get("total") or 0)
    if job.status == LearnerImport.Status.SAVING:
        if values.get("phase") != "saving":
            return {"text": "Waiting to start saving", "percent": 0}
        done = min(int(values.get("saved") or 0), total)
        noun = "learner" if total == 1 else "learners"
        text = f"Saved {done:,} of {total:,} {noun}"
    elif values.get("phase") == "checking":
        done = min(int(values.get("checked") or 0), total)
        text = f"Checked {done:,} of {total:,} row{'' if total == 1 else 's'}"
    else:
        return {"text": "Waiting to start checking", "percent": 0}
    return {"text": text, "percent": 100 * done // total if total else 0}


@require_role()
@require_POST
def learner_import_confirm(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """Write exactly what was previewed, or say why not."""
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    job = get_object_or_404(LearnerImport.objects.defer("data"), provider=provider, pk=pk)
    form = ConfirmImportForm(request.POST)
    if form.is_valid() and actions.confirm_learner_import(
        job=job, digest=form.cleaned_data["digest"], actor=request.user
    ):
        return redirect("learners:learner_import_status", urn=provider.urn, pk=job.pk)
    messages.error(
        request,
        "This check is no longer waiting to be confirmed (it was confirmed, cancelled or replaced by a newer "
        "file). Nothing more was imported.",
    )
    return redirect("learners:learner_import_status", urn=provider.urn, pk=job.pk)


@require_role()
@require_POST
def learner_import_cancel(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """Discard a previewed file without importing anything."""
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    job = get_object_or_404(LearnerImport.objects.defer("data"), provider=provider, pk=pk)
    if imports.cancel_learner_import(job=job, actor=request.user):
        messages.success(
            request, f"Import of {job.file_name} cancelled: nothing was imported and the file was discarded."
        )
        return redirect("learners:learner_import", urn=provider.urn)
    messages.error(request, "This import is no longer waiting to be confirmed, so it cannot be cancelled.")
    return redirect("learners:learner_import_status", urn=provider.urn, pk=job.pk)
