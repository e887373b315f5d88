"""Staff's side of learners' own entries: the provider's list of entries waiting for a check,
and verifying or hiding one entry.

In portal, not programme, because portal sits above programme and owns the entries. Who may do
what (docs/decisions-i14-entries.md): staff who see named learners (VIEW_LEARNERS) see entries;
staff who record the programme (RECORD_PROGRAMME: careers leader and provider staff, the tutors
who know the learner) verify them; only the careers leader (MANAGE_LEARNERS) hides one, because
hiding is a safeguarding decision. Every read of the list is an audited read of named learner data.
"""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from qic.core import audit
from qic.domain.academic import academic_year_of
from qic.organisations.access import AuthenticatedRequest, Capability, capabilities, get_provider_for, require_role
from qic.organisations.models import Provider
from qic.portal import actions, queries
from qic.portal.forms import HideEntryForm
from qic.portal.models import LearnerEntry

YEAR_GROUPS = range(1, 15)


def _entry(request: AuthenticatedRequest, urn: int, pk: int, need: Capability) -> tuple[Provider, LearnerEntry]:
    """The entry of one of the provider's learners: another provider's is a 404."""
    provider = get_provider_for(request.user, urn, need)
    entry = get_object_or_404(
        LearnerEntry.objects.select_related("learner", "verified_by"), learner__provider=provider, pk=pk
    )
    return provider, entry


@require_role()
def learner_entries(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """Entries learners recorded, waiting for a check unless "all" is asked, by year or form group."""
    provider = get_provider_for(request.user, urn, Capability.VIEW_LEARNERS)
    year_text = request.GET.get("year_group", "")
    year_group = int(year_text) if year_text.isdigit() and int(year_text) in YEAR_GROUPS else None
    groups = queries.form_groups(provider)
    form_group = request.GET.get("form_group", "")
    form_group = form_group if form_group in groups else ""
    waiting_only = request.GET.get("show") != "all"
    entries = queries.provider_entries(
        provider, year_group=year_group, form_group=form_group, waiting_only=waiting_only
    )
    audit.record_read(
        actor=request.user,
        action="learner_entries.viewed",
        obj=provider,
        provider_id=provider.pk,
        learner_ids=[e.learner_id for e in entries],
        details={"year_group": year_group, "form_group": form_group, "waiting_only": waiting_only},
    )
    caps = capabilities(request.user)
    year = academic_year_of(timezone.localdate())
    return render(
        request,
        "portal/staff_entries.html",
        {
            "provider": provider,
            "entries": [(e, e.learner.year_group_in(year)) for e in entries],
            "year_groups": list(range(7, 14)),
            "year_group": year_group,
            "form_groups": groups,
            "form_group": form_group,
            "waiting_only": waiting_only,
            "can_verify": Capability.RECORD_PROGRAMME in caps,
            "can_hide": Capability.MANAGE_LEARNERS in caps,
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def learner_entry_verify(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """Show the entry and ask; verify it on POST."""
    provider, entry = _entry(request, urn, pk, Capability.RECORD_PROGRAMME)
    if request.method == "POST":
        if "verify" in request.POST and not entry.verified:
            actions.verify_entry(entry=entry, actor=request.user)
            messages.success(request, f"“{entry.title}” is verified.")
        return redirect("programme:learner_detail", urn=provider.urn, pk=entry.learner_id)
    audit.record_read(
        actor=request.user,
        action="learner_entry.viewed",
        obj=entry,
        provider_id=provider.pk,
        learner_id=entry.learner_id,
    )
    return render(request, "portal/staff_entry_verify.html", {"provider": provider, "entry": entry})


@require_role()
@require_http_methods(["GET", "POST"])
def learner_entry_hide(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """Hide the entry with a reason, after a confirmation page (the careers leader only)."""
    provider, entry = _entry(request, urn, pk, Capability.MANAGE_LEARNERS)
    back = redirect("programme:learner_detail", urn=provider.urn, pk=entry.learner_id)
    if request.method == "POST" and "cancel" in request.POST:
        return back
    form = HideEntryForm(request.POST or None)
    if request.method == "POST" and not entry.hidden and form.is_valid():
        with contextlib.suppress(actions.EntryAlreadyHidden):
            actions.hide_entry(entry=entry, reason=form.cleaned_data["reason"], actor=request.user)
        messages.success(request, f"“{entry.title}” is hidden. It will not appear in the learner's passport.")
        return back
    if request.method == "GET":
        audit.record_read(
            actor=request.user,
            action="learner_entry.viewed",
            obj=entry,
            provider_id=provider.pk,
            learner_id=entry.learner_id,
        )
    return render(request, "portal/staff_entry_hide.html", {"provider": provider, "entry": entry, "form": form})
