"""The employer directory's pages: the list, an employer and its contacts and history, the CSV
import, and choosing the employers of an activity.

Who: the provider's careers leader and staff (named learners appear in an employer's placements,
and changes are recording the programme). Governors and the Awarding Body read the variety of
employers met, as figures, on the benchmark dashboard. An employer another school of the trust
shares is read-only here, and its contacts' email addresses and telephone numbers are not shown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from qic.core import audit, previewed_files
from qic.domain import employers as rules
from qic.domain.academic import academic_year_of
from qic.organisations.access import AuthenticatedRequest, Capability, capabilities, get_provider_for, require_role
from qic.organisations.models import Provider
from qic.partners import directory_actions as actions
from qic.partners import directory_queries as queries
from qic.partners.directory_forms import ActivityEmployersForm, ContactForm, EmployerForm, EmployerImportForm
from qic.partners.employer_imports import MAX_BYTES, MAX_ROWS, EmployerFileError, ImportPlan, plan_import
from qic.partners.models import Employer, EmployerContact
from qic.programme.models import Activity

PAGE_SIZE = 50
# How long a previewed file may wait for its confirmation.
IMPORT_PREVIEW_SECONDS = 60 * 60


def _can_record(request: HttpRequest) -> bool:
    return Capability.RECORD_PROGRAMME in capabilities(request.user)


SIZE_FILTERS = [*((band.value, label) for band, label in rules.SIZE_LABELS.items()), ("self_employed", "Self-employed")]


@require_role()
def employer_list(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.VIEW_LEARNERS)
    query = request.GET.get("q", "").strip()[:100]
    sector = request.GET.get("sector", "")
    size = request.GET.get("size", "")
    rows = queries.directory(provider, query=query, sector=sector, size=size)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    year = academic_year_of(timezone.localdate())
    since = timezone.now() - dt.timedelta(days=settings.QIC_RESTORE_REMOVED_DAYS)
    removed = Employer.all_objects.filter(provider=provider, removed_at__gte=since).order_by("-removed_at")
    return render(
        request,
        "partners/employer_list.html",
        {
            "provider": provider,
            "page": page,
            "query": query,
            "sector": sector,
            "size": size,
            "sectors": list(rules.SECTORS.items()),
            "sizes": SIZE_FILTERS,
            "can_record": _can_record(request),
            "removed": list(removed[:20]) if _can_record(request) else [],
            "variety": queries.variety_panel(provider, year, link=False),
            "days": settings.QIC_RESTORE_REMOVED_DAYS,
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def employer_form(request: AuthenticatedRequest, urn: int, pk: int | None = None) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    employer = queries.get_own_employer(provider, pk) if pk else Employer(provider=provider)
    form = EmployerForm(request.POST or None, instance=employer, in_trust=bool(provider.trust_code))
    if request.method == "POST" and form.is_valid():
        saved = actions.save_employer(employer=form.save(commit=False), actor=request.user)
        messages.success(request, f"{saved.name} has been saved.")
        return redirect("partners:employer_detail", urn=provider.urn, pk=saved.pk)
    return render(request, "partners/employer_form.html", {"provider": provider, "form": form, "employer": employer})


@require_role()
def employer_detail(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.VIEW_LEARNERS)
    employer = queries.get_visible_employer(provider, pk)
    own = employer.provider_id == provider.pk
    past = queries.history(provider, employer)
    if past.placements:
        audit.record_read(
            actor=request.user,
            action="employer.placements_viewed",
            obj=employer,
            provider_id=provider.pk,
            learner_ids=[placement.learner_id for placement in past.placements],
        )
    return render(
        request,
        "partners/employer_detail.html",
        {
            "provider": provider,
            "employer": employer,
            "own": own,
            "contacts": queries.contacts_of(employer),
            "history": past,
            "can_change": own and _can_record(request),
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def employer_remove(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST removes the employer from the directory."""
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    employer = queries.get_own_employer(provider, pk)
    if request.method == "POST":
        actions.remove_employer(employer=employer, actor=request.user)
        messages.success(
            request,
            f"{employer.name} has been removed from the directory. You can restore it from this page for "
            f"{settings.QIC_RESTORE_REMOVED_DAYS} days.",
        )
        return redirect("partners:employer_list", urn=provider.urn)
    past = queries.history(provider, employer)
    return render(
        request,
        "partners/employer_remove.html",
        {
            "provider": provider,
            "employer": employer,
            "encounters": len(past.encounters),
            "placements": len(past.placements),
            "days": settings.QIC_RESTORE_REMOVED_DAYS,
        },
    )


@require_role()
@require_POST
def employer_restore(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    employer = get_object_or_404(Employer.all_objects, provider=provider, pk=pk, removed_at__isnull=False)
    try:
        actions.restore_employer(employer=employer, actor=request.user)
    except actions.RestoreRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{employer.name} has been restored to the directory.")
    return redirect("partners:employer_list", urn=provider.urn)


# --- Contacts --------------------------------------------------------------------------------


@require_role()
@require_http_methods(["GET", "POST"])
def contact_form(request: AuthenticatedRequest, urn: int, pk: int, contact_pk: int | None = None) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    employer = queries.get_own_employer(provider, pk)
    contact = (
        get_object_or_404(EmployerContact, employer=employer, pk=contact_pk)
        if contact_pk
        else EmployerContact(employer=employer)
    )
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        saved = actions.save_contact(contact=form.save(commit=False), actor=request.user)
        messages.success(request, f"{saved.name} has been saved as a contact at {employer.name}.")
        return redirect("partners:employer_detail", urn=provider.urn, pk=employer.pk)
    return render(
        request,
        "partners/contact_form.html",
        {"provider": provider, "employer": employer, "contact": contact, "form": form},
    )


@require_role()
@require_http_methods(["GET", "POST"])
def contact_remove(request: AuthenticatedRequest, urn: int, pk: int, contact_pk: int) -> HttpResponse:
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    employer = queries.get_own_employer(provider, pk)
    contact = get_object_or_404(EmployerContact, employer=employer, pk=contact_pk)
    if request.method == "POST":
        actions.remove_contact(contact=contact, actor=request.user)
        messages.success(request, f"{contact.name} is no longer a contact at {employer.name}.")
        return redirect("partners:employer_detail", urn=provider.urn, pk=employer.pk)
    return render(
        request, "partners/contact_remove.html", {"provider": provider, "employer": employer, "contact": contact}
    )


# --- Import ----------------------------------------------------------------------------------


def _salt(provider: Provider, request: AuthenticatedRequest) -> str:
    return f"qic.partners.employer_import:{provider.pk}:{request.user.pk}"


@require_role()
@require_http_methods(["GET", "POST"])
def employer_import(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """Upload a CSV (POST with a file): the preview; confirm (POST with the previewed file, signed):
    every new employer is added, or none."""
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    context: dict[str, Any] = {"provider": provider, "max_rows": MAX_ROWS}
    if request.method == "POST" and "confirm" in request.POST:
        unpacked = previewed_files.unpack(
            request.POST.get("confirm", ""),
            salt=_salt(provider, request),
            max_age=IMPORT_PREVIEW_SECONDS,
            max_bytes=MAX_BYTES,
        )
        if unpacked is None:
            form = EmployerImportForm(data={}, files={})
            form.is_valid()  # bound, so the page shows the problem in its error summary
            form.errors["file"] = form.error_class(["The preview has expired or was changed: choose the file again"])
            return render(request, "partners/employer_import.html", {**context, "form": form})
        file_name, data = unpacked
        plan = plan_import(provider, data)
        expected = request.POST.get("expected", "")
        if plan.can_confirm and expected == str(len(plan.employers)):
            saved = actions.import_employers(
                provider=provider,
                employers=[employer for _, employer, _ in plan.employers],
                contacts=[contact for _, _, contact in plan.employers],
                actor=request.user,
                file_name=file_name,
            )
            messages.success(request, f"{len(saved)} employer{'s' if len(saved) != 1 else ''} added to the directory.")
            return redirect("partners:employer_list", urn=provider.urn)
        # The directory changed since the preview (or the plan did): show the file as it stands now.
        context["changed"] = True
        return _preview(request, provider, context, plan, file_name, data)
    form = EmployerImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            plan = plan_import(provider, data)
        except EmployerFileError as exc:
            form.add_error("file", str(exc))
        else:
            return _preview(request, provider, context, plan, upload.name or "employers.csv", data)
    return render(request, "partners/employer_import.html", {**context, "form": form})


def _preview(
    request: AuthenticatedRequest,
    provider: Provider,
    context: dict[str, Any],
    plan: ImportPlan,
    file_name: str,
    data: bytes,
) -> HttpResponse:
    context.update(
        plan=plan,
        file_name=file_name,
        packed=previewed_files.pack(salt=_salt(provider, request), name=file_name, data=data)
        if plan.can_confirm
        else "",
        sector_labels=rules.SECTORS,
        size_labels={band.value: label for band, label in rules.SIZE_LABELS.items()},
    )
    return render(request, "partners/employer_import_preview.html", context)


# --- An activity's employers ---------------------------------------------------------------------


@require_role()
@require_http_methods(["GET", "POST"])
def activity_employers(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """Choose the directory employers that took part in an activity, or add a new one by name."""
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    activity = get_object_or_404(Activity, provider=provider, pk=pk)
    linked = queries.employers_of_activity(activity)
    choices = queries.visible_employers(provider).order_by("name", "pk")
    offered = set(choices.values_list("pk", flat=True))
    suggested = [] if linked else queries.suggested_for(provider, activity)
    initial = {"employers": [e.pk for e in linked] or [e.pk for e in suggested]}
    form = ActivityEmployersForm(request.POST or None, choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["employers"])
        note = ""
        if new_name := form.cleaned_data["new_name"]:
            same = next((e for e in choices if rules.same_employer(e.name, e.postcode, new_name, "")), None)
            if same is not None:
                chosen.append(same)
                note = f" {same.name} was already in the directory, so it was linked rather than added again."
            else:
                chosen.append(
                    actions.save_employer(employer=Employer(provider=provider, name=new_name), actor=request.user)
                )
                note = f" {new_name} has been added to the directory: add its size, sector and contacts there."
        actions.set_activity_employers(
            activity=activity,
            employers=chosen,
            keep=[e.pk for e in linked if e.pk not in offered],
            actor=request.user,
        )
        messages.success(request, f"The employers of “{activity.title}” have been saved.{note}")
        return redirect("programme:activity_detail", urn=provider.urn, pk=activity.pk)
    return render(
        request,
        "partners/activity_employers.html",
        {
            "provider": provider,
            "activity": activity,
            "form": form,
            "suggested": suggested,
            "hidden_linked": [e for e in linked if e.pk not in offered],
            "has_choices": bool(offered),
        },
    )
