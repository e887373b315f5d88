"""The Consortium's pages for the DfE destination measures: the releases loaded, what is held, an
upload (the file and its stage) and each release's report. Public statistics only: no learner,
no provider's data."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from qic.destinations import dfe_load
from qic.destinations.dfe_forms import DfeUploadForm
from qic.destinations.dfe_queries import releases_summary
from qic.destinations.models import DfeRelease
from qic.domain.academic import KeyStage
from qic.organisations.access import AuthenticatedRequest, require_role
from qic.organisations.models import Role


@require_role(Role.CONSORTIUM_ADMIN)
@require_http_methods(["GET", "POST"])
def dfe_releases(request: AuthenticatedRequest) -> HttpResponse:
    """The releases and what is held; a POST loads a file, all or nothing. A loaded file goes to
    its release's report; a refused one comes back here with every problem by line."""
    form = DfeUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = dfe_load.load_dfe_file(
            data=upload.read(),
            file_name=upload.name,
            stage=KeyStage(form.cleaned_data["stage"]),
            actor=request.user,
        )
        if result.release is not None:
            messages.success(request, f"{upload.name} loaded: {dfe_load.outcome_sentence(result.release)}")
            return redirect("destinations:dfe_release", pk=result.release.pk)
        if result.refused:
            form.add_error("file", f"{result.refused} Nothing was loaded.")
    problems = result.problems if result is not None else []
    context = {
        "form": form,
        "result": result,
        "problems": problems[: dfe_load.PROBLEMS_SHOWN],
        "problems_more": max(0, len(problems) - dfe_load.PROBLEMS_SHOWN),
        "summary": releases_summary(),
    }
    return render(request, "destinations/dfe/releases.html", context)


@require_role(Role.CONSORTIUM_ADMIN)
@require_http_methods(["GET"])
def dfe_release(request: HttpRequest, pk: int) -> HttpResponse:
    """One release's report: its file, years, counts and notes (skipped rows, unknown columns)."""
    release = get_object_or_404(DfeRelease.objects.select_related("loaded_by"), pk=pk)
    context = {
        "release": release,
        "outcome": dfe_load.outcome_sentence(release),
        "periods": [(tp, dfe_load.period_label(tp)) for tp in release.time_periods],
    }
    return render(request, "destinations/dfe/release.html", context)
