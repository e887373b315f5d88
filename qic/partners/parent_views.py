"""Staff pages about learners' parents and carers: their contacts and careers links (per learner and
by year or form group), their attendance at parents' careers events, what their page says, and
the engagement figures for criterion 2.2."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from qic.core import audit
from qic.domain import dates
from qic.domain.academic import academic_year_of, year_label
from qic.domain.activities import ActivityType
from qic.domain.partner_links import LinkPurpose
from qic.learners.models import Learner
from qic.organisations.access import AuthenticatedRequest, Capability, capabilities, get_provider_for, require_role
from qic.organisations.models import Provider
from qic.partners import links, parent_actions, parent_queries
from qic.partners.delivery import state_of, url_for
from qic.partners.models import ParentAttendance, ParentContact, ParentPageSetting, PartnerLink
from qic.partners.parent_forms import (
    GroupForm,
    ParentAttendanceForm,
    ParentContactForm,
    ParentPageSettingForm,
    SendLinkForm,
)
from qic.portal.queries import learners_on_roll
from qic.programme.models import Activity, Participation
from qic.programme.queries import REGISTER_CHOICE_LIMIT, form_groups, year_group_in

# The most learners the parents' attendance page lists (a year group of the biggest schools).
ATTENDANCE_LIMIT = REGISTER_CHOICE_LIMIT


def _provider(request: HttpRequest, urn: int) -> Provider:
    """The provider, for those who see named learners and record the programme (careers leader,
    staff); another tenant's is a 404, another role a 403."""
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    if Capability.VIEW_LEARNERS not in capabilities(request.user):
        raise PermissionDenied("Your role does not give access to learners' parents and carers.")
    return provider


def _learner(request: HttpRequest, urn: int, pk: int) -> Learner:
    provider = _provider(request, urn)
    learner = get_object_or_404(Learner.objects.select_related("provider"), provider=provider, pk=pk)
    if learner.anonymised:
        raise Http404("This learner's record is anonymised")
    return learner


def _parents_url(learner: Learner) -> str:
    return reverse("partners:learner_parents", args=[learner.provider.urn, learner.pk])


def _link_rows(learner: Learner) -> list[dict[str, Any]]:
    rows = []
    now = timezone.now()
    for link in PartnerLink.objects.filter(learner=learner, purpose=LinkPurpose.PARENT.value).order_by("-created_at"):
        rows.append({"link": link, "state": state_of(link, now).value})
    return rows


# --- One learner's parents and carers ------------------------------------------------------------------


@require_role()
@require_http_methods(["GET", "POST"])
def learner_parents(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """The learner's parents and carers and the careers links sent to them; POST adds a contact."""
    learner = _learner(request, urn, pk)
    form = ParentContactForm(
        request.POST if request.method == "POST" else None, instance=ParentContact(learner=learner)
    )
    if request.method == "POST" and form.is_valid():
        contact = parent_actions.save_contact(contact=form.save(commit=False), actor=request.user)
        messages.success(request, f"{contact.name} has been added.")
        return redirect(_parents_url(learner))
    audit.record_read(
        actor=request.user,
        action="parent_contacts.viewed",
        obj=learner,
        provider_id=learner.provider_id,
        learner_id=learner.pk,
    )
    return render(
        request,
        "partners/learner_parents.html",
        {
            "provider": learner.provider,
            "learner": learner,
            "contacts": list(ParentContact.objects.filter(learner=learner)),
            "link_rows": _link_rows(learner),
            "form": form,
        },
    )


def _contact(request: HttpRequest, urn: int, pk: int, contact_pk: int) -> ParentContact:
    learner = _learner(request, urn, pk)
    contact = get_object_or_404(ParentContact, learner=learner, pk=contact_pk)
    contact.learner = learner
    return contact


@require_role()
@require_http_methods(["GET", "POST"])
def parent_contact_edit(request: AuthenticatedRequest, urn: int, pk: int, contact_pk: int) -> HttpResponse:
    contact = _contact(request, urn, pk, contact_pk)
    form = ParentContactForm(request.POST if request.method == "POST" else None, instance=contact)
    if request.method == "POST" and form.is_valid():
        parent_actions.save_contact(contact=form.save(commit=False), actor=request.user)
        messages.success(request, f"{contact.name} has been saved.")
        return redirect(_parents_url(contact.learner))
    return render(
        request,
        "partners/parent_contact_form.html",
        {"provider": contact.learner.provider, "learner": contact.learner, "contact": contact, "form": form},
    )


@require_role()
@require_http_methods(["GET", "POST"])
def parent_contact_remove(request: AuthenticatedRequest, urn: int, pk: int, contact_pk: int) -> HttpResponse:
    """GET asks for confirmation; POST removes the contact and withdraws the links sent to them."""
    contact = _contact(request, urn, pk, contact_pk)
    if request.method == "POST":
        withdrawn = parent_actions.remove_contact(contact=contact, actor=request.user)
        extra = f" {withdrawn} link{'s' if withdrawn != 1 else ''} sent to them no longer work." if withdrawn else ""
        messages.success(request, f"{contact.name} has been removed.{extra}")
        return redirect(_parents_url(contact.learner))
    return render(
        request,
        "partners/parent_confirm.html",
        {
            "provider": contact.learner.provider,
            "learner": contact.learner,
            "title": f"Remove {contact.name}?",
            "rows": [("Relationship", contact.get_relationship_display()), ("Email", contact.email or "None")],
            "warning": "They will no longer get the careers link, and links already sent to them stop working.",
            "button": "Yes, remove this contact",
            "keep": "No, keep them",
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def parent_link_send(request: AuthenticatedRequest, urn: int, pk: int, contact_pk: int) -> HttpResponse:
    """Send the careers link to one contact: by email (queued) or as a link to copy, shown once."""
    contact = _contact(request, urn, pk, contact_pk)
    learner = contact.learner
    form = SendLinkForm(request.POST if request.method == "POST" else None, email=contact.email)
    if request.method == "POST" and form.is_valid():
        by_email = form.cleaned_data["how"] == "email"
        try:
            link, token = parent_actions.send_link(contact=contact, by_email=by_email, actor=request.user)
        except links.LinkError as error:
            form.add_error("how", str(error))
        else:
            if token is None:
                messages.success(request, f"The careers link is being sent to {contact.email}.")
                return redirect(_parents_url(learner))
            # Shown once: only its hash is kept.
            return render(
                request,
                "partners/parent_link_copy.html",
                {"provider": learner.provider, "learner": learner, "contact": contact, "url": url_for(link, token)},
            )
    return render(
        request,
        "partners/parent_link_send.html",
        {"provider": learner.provider, "learner": learner, "contact": contact, "form": form},
    )


def _link(request: HttpRequest, urn: int, pk: int, link_pk: int) -> PartnerLink:
    learner = _learner(request, urn, pk)
    link = get_object_or_404(PartnerLink, learner=learner, purpose=LinkPurpose.PARENT.value, pk=link_pk)
    link.learner = learner
    return link


@require_role()
@require_http_methods(["GET", "POST"])
def parent_link_resend(request: AuthenticatedRequest, urn: int, pk: int, link_pk: int) -> HttpResponse:
    """GET asks for confirmation; POST mails the link again with a fresh address."""
    link = _link(request, urn, pk, link_pk)
    learner = link.learner
    assert learner is not None
    refused = ""
    if request.method == "POST":
        try:
            links.resend(link, actor=request.user)
        except links.LinkError as error:
            refused = str(error)
        else:
            messages.success(request, f"The careers link is being sent again to {link.recipient_email}.")
            return redirect(_parents_url(learner))
    return render(
        request,
        "partners/parent_confirm.html",
        {
            "provider": learner.provider,
            "learner": learner,
            "title": f"Send the careers link to {link.recipient_name} again?",
            "rows": [("Email", link.recipient_email or "None"), ("State", link.get_delivery_display())],
            "warning": "The link in the earlier email stops working: the new email has a new link.",
            "button": "Yes, send it again",
            "keep": "No, go back",
            "refused": refused,
            "secondary": True,
        },
        status=409 if refused else 200,
    )


@require_role()
@require_http_methods(["GET", "POST"])
def parent_link_withdraw(request: AuthenticatedRequest, urn: int, pk: int, link_pk: int) -> HttpResponse:
    """GET asks for confirmation; POST withdraws the link (it stops working at once)."""
    link = _link(request, urn, pk, link_pk)
    learner = link.learner
    assert learner is not None
    if request.method == "POST":
        if links.revoke(link, actor=request.user):
            messages.success(request, f"The link sent to {link.recipient_name} no longer works.")
        return redirect(_parents_url(learner))
    return render(
        request,
        "partners/parent_confirm.html",
        {
            "provider": learner.provider,
            "learner": learner,
            "title": f"Withdraw the careers link sent to {link.recipient_name}?",
            "rows": [("Email", link.recipient_email or "Copied by the school"), ("Made", link.created_at)],
            "warning": "The link stops working at once. You can send a new one later.",
            "button": "Yes, withdraw the link",
            "keep": "No, keep it",
        },
    )


# --- All parents and carers: figures and sending to a group ---------------------------------------------


def _group_form(request: HttpRequest, provider: Provider, data: Any) -> GroupForm:
    today = timezone.localdate()
    on_roll = learners_on_roll(provider, today)
    year = academic_year_of(today)
    years = sorted(
        {
            int(y)
            for y in on_roll.annotate(yg=year_group_in(year))
            .exclude(yg=None)
            .order_by()
            .values_list("yg", flat=True)
            .distinct()
        }
    )
    return GroupForm(data, year_groups=years, form_groups=sorted(form_groups(on_roll)))


@require_role()
def parent_overview(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """Parents' engagement in figures (this year and last), and sending the link to a group."""
    provider = _provider(request, urn)
    today = timezone.localdate()
    year = academic_year_of(today)
    chosen = request.GET.get("year")
    if chosen == str(year - 1):
        year -= 1
    engagement = parent_queries.parent_engagement(provider, year, today=today)
    return render(
        request,
        "partners/parent_overview.html",
        {
            "provider": provider,
            "engagement": engagement,
            "year": year,
            "year_label": year_label(year),
            "this_year": academic_year_of(today),
            "other_year": year - 1 if year == academic_year_of(today) else year + 1,
            "other_year_label": year_label(year - 1 if year == academic_year_of(today) else year + 1),
            "group_form": _group_form(request, provider, None),
            "setting": ParentPageSetting.objects.filter(provider=provider).first(),
            "can_edit_page": Capability.MANAGE_LEARNERS in capabilities(request.user),
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def parent_group_send(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """GET (the group chosen) says how many would get the link; POST, confirmed, queues them."""
    provider = _provider(request, urn)
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = _group_form(request, provider, data)
    counts = None
    if form.is_valid():
        learners = parent_queries.group_learners(
            provider,
            timezone.localdate(),
            year_group=form.cleaned_data["year_group"],
            form_group=form.cleaned_data["form_group"],
        )
        if request.method == "POST":
            result = parent_actions.send_to_group(provider=provider, learners=learners, actor=request.user)
            messages.success(
                request,
                f"{result.links_sent} link{'s are' if result.links_sent != 1 else ' is'} being sent to the parents and "
                f"carers of {result.learners_reached} learner{'s' if result.learners_reached != 1 else ''}. "
                f"{result.learners_without_email} learner{'s' if result.learners_without_email != 1 else ''} "
                "in the group have no parent or carer email address.",
            )
            return redirect("partners:parent_overview", urn=provider.urn)
        counts = parent_queries.group_counts(learners)
    return render(
        request,
        "partners/parent_group_send.html",
        {"provider": provider, "form": form, "counts": counts},
    )


@require_role()
@require_http_methods(["GET", "POST"])
def parent_settings(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """What the parents' page says about the programme and booking a guidance meeting (the careers leader)."""
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    setting = ParentPageSetting.objects.filter(provider=provider).first() or ParentPageSetting(provider=provider)
    form = ParentPageSettingForm(request.POST if request.method == "POST" else None, instance=setting)
    if request.method == "POST" and form.is_valid():
        parent_actions.save_page_setting(setting=form.save(commit=False), actor=request.user)
        messages.success(request, "The parents' page has been saved.")
        return redirect("partners:parent_overview", urn=provider.urn)
    return render(request, "partners/parent_settings.html", {"provider": provider, "form": form})


# --- Parents' careers events -------------------------------------------------------------------------


@require_role()
@require_http_methods(["GET", "POST"])
def parent_attendance(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """Tick the learners whose parents or carers came to a parents' careers event: the learners on its
    register, in the year groups it was planned for, or already ticked."""
    provider = _provider(request, urn)
    activity = get_object_or_404(Activity, provider=provider, pk=pk, activity_type=ActivityType.PARENT_ENGAGEMENT.value)
    candidates = _attendance_candidates(activity)
    too_many = len(candidates) > ATTENDANCE_LIMIT
    recorded = set(ParentAttendance.objects.filter(activity=activity).values_list("learner_id", flat=True))
    choices = [(learner.pk, learner.list_name) for learner in candidates[:ATTENDANCE_LIMIT]]
    form = ParentAttendanceForm(
        request.POST if request.method == "POST" else None, choices=choices, initial={"attended": sorted(recorded)}
    )
    today = timezone.localdate()
    not_yet = dates.attendance(activity.date, today=today)
    if request.method == "POST" and form.is_valid():
        if not_yet:
            form.add_error("attended", not_yet)
        else:
            shown = {pk for pk, _ in choices}
            kept = recorded - shown  # ticked earlier, not listed now: left as they are
            added, gone = parent_actions.set_parent_attendance(
                activity=activity, learner_ids=set(form.cleaned_data["attended"]) | kept, actor=request.user
            )
            messages.success(request, f"Parents' attendance saved: {added} added, {gone} taken off.")
            return redirect("partners:parent_attendance", urn=provider.urn, pk=activity.pk)
    audit.record_read(
        actor=request.user,
        action="parent_attendance.viewed",
        obj=activity,
        provider_id=provider.pk,
        learner_ids=[pk for pk, _ in choices],
    )
    return render(
        request,
        "partners/parent_attendance.html",
        {
            "provider": provider,
            "activity": activity,
            "form": form,
            "count": len(recorded),
            "too_many": too_many,
            "limit": ATTENDANCE_LIMIT,
            "not_yet": not_yet,
        },
    )


def _attendance_candidates(activity: Activity) -> list[Learner]:
    on_register = Participation.objects.filter(activity=activity).values("learner_id")
    recorded = ParentAttendance.objects.filter(activity=activity).values("learner_id")
    learners = Learner.objects.filter(provider_id=activity.provider_id, anonymised_at=None)
    chosen = learners.filter(pk__in=on_register) | learners.filter(pk__in=recorded)
    if activity.year_groups:
        in_year = (
            learners_on_roll(activity.provider, activity.date)
            .annotate(yg=year_group_in(activity.academic_year))
            .filter(yg__in=activity.year_groups)
            .values("pk")
        )
        chosen = chosen | learners.filter(pk__in=in_year)
    return list(chosen.distinct().order_by("surname", "forename", "pk")[: ATTENDANCE_LIMIT + 1])
