"""Importing destinations from a CSV file: upload, a preview of every row, then confirm.

The preview carries the file back to the confirm step in a hidden field, compressed and signed
(salted with the provider and the person, valid for an hour), as the employer directory's import
does (docs/decisions.md 67.F): nothing waits in the database between the two steps and what is
confirmed is exactly the file that was previewed. Confirming checks the file again in the
transaction that writes it, and saves nothing if what it would write is not what the preview
showed (someone recorded one of its destinations meanwhile): the new preview is shown instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from qic.core import audit, previewed_files
from qic.core.csv_export import csv_response
from qic.destinations import entry_actions as actions
from qic.destinations import imports
from qic.destinations.entry_forms import ImportForm
from qic.domain import destinations as rules
from qic.domain import destinations_import as words
from qic.organisations.access import AuthenticatedRequest, Capability, get_provider_for, require_role
from qic.organisations.models import Provider
from qic.organisations.primary_schools import Instead, not_for_primary_schools

PREVIEW_SECONDS = 60 * 60
# The preview lists this many of the destinations to add, to bring up to date and left out, and
# of the problems; the counts are always of all of them (a file of 10,000 bad rows would otherwise
# be a page of 50,000 table rows).
PREVIEW_ROWS = 200


def _salt(provider: Provider, request: AuthenticatedRequest) -> str:
    return f"qic.destinations.import:{provider.pk}:{request.user.pk}"


def _page_context(provider: Provider) -> dict[str, Any]:
    accepted = words.accepted_words()
    return {
        "provider": provider,
        "max_rows": imports.MAX_ROWS,
        "max_mb": imports.MAX_BYTES // (1024 * 1024),
        "vocabulary": [(label, accepted[category]) for category, label in rules.CATEGORY_LABELS.items()],
    }


@require_role()
@not_for_primary_schools(Capability.MANAGE_LEARNERS)
@require_http_methods(["GET", "POST"])
def destination_import(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """Upload a CSV (POST with a file): the preview; confirm (POST with the previewed file, signed):
    every destination is recorded, or none."""
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    context = _page_context(provider)
    today = timezone.localdate()
    if request.method == "POST" and "confirm" in request.POST:
        unpacked = previewed_files.unpack(
            request.POST.get("confirm", ""),
            salt=_salt(provider, request),
            max_age=PREVIEW_SECONDS,
            max_bytes=imports.MAX_BYTES,
        )
        if unpacked is None:
            form = ImportForm(data={}, files={})
            form.is_valid()  # bound, so the page shows the problem in its error summary
            form.errors["file"] = form.error_class(["The preview has expired or was changed: choose the file again"])
            return render(request, "destinations/import/upload.html", {**context, "form": form})
        file_name, data = unpacked
        try:
            plan = actions.import_destinations(
                provider=provider,
                data=data,
                file_name=file_name,
                expected=request.POST.get("expected", ""),
                today=today,
                actor=request.user,
            )
        except actions.StalePlan as exc:
            return _preview(request, provider, context, exc.plan, file_name, data, changed=True)
        except imports.DestinationFileError as exc:  # the file was read at the preview: only if a rule changed
            form = ImportForm(data={}, files={})
            form.is_valid()
            form.errors["file"] = form.error_class([str(exc)])
            return render(request, "destinations/import/upload.html", {**context, "form": form})
        added, updated = len(plan.new), len(plan.updates)
        messages.success(
            request,
            f"{added} destination{'s' if added != 1 else ''} recorded"
            + (f" and {updated} brought up to date" if updated else "")
            + f" from {file_name}.",
        )
        return redirect("destinations:home", urn=provider.urn)
    form = ImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            plan = imports.plan_import(provider, data, today=today)
        except imports.DestinationFileError as exc:
            form.add_error("file", str(exc))
        else:
            return _preview(request, provider, context, plan, upload.name or "destinations.csv", data)
    return render(request, "destinations/import/upload.html", {**context, "form": form})


def _preview(
    request: AuthenticatedRequest,
    provider: Provider,
    context: dict[str, Any],
    plan: imports.ImportPlan,
    file_name: str,
    data: bytes,
    *,
    changed: bool = False,
) -> HttpResponse:
    if plan.learner_ids:
        audit.record_read(
            actor=request.user,
            action="destinations.import_previewed",
            obj=provider,
            provider_id=provider.pk,
            learner_ids=plan.learner_ids,
            details={"file_name": file_name[:255]},
        )
    context.update(
        plan=plan,
        file_name=file_name,
        changed=changed,
        packed=previewed_files.pack(salt=_salt(provider, request), name=file_name, data=data)
        if plan.can_confirm
        else "",
        expected=plan.digest() if plan.can_confirm else "",
        new_shown=plan.new[:PREVIEW_ROWS],
        updates_shown=plan.updates[:PREVIEW_ROWS],
        updates_more=max(0, len(plan.updates) - PREVIEW_ROWS),
        problems_shown=plan.problems[:PREVIEW_ROWS],
        problems_more=max(0, len(plan.problems) - PREVIEW_ROWS),
        skipped_shown=plan.skipped[:PREVIEW_ROWS],
        skipped_more=max(0, len(plan.skipped) - PREVIEW_ROWS),
        preview_rows=PREVIEW_ROWS,
    )
    return render(request, "destinations/import/preview.html", context)


@require_role()
@not_for_primary_schools(Capability.MANAGE_LEARNERS, Instead.NOT_FOUND)
def import_template(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """An empty file with the columns the import reads, to fill in."""
    get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    return csv_response("destinations-template.csv", imports.TEMPLATE_HEADER, [])
