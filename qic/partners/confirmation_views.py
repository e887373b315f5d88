"""Staff pages for employer confirmation and for all of a provider's links.

Asking an employer to confirm an activity; the activity page's panel (the confirmation state,
registered with `qic.programme.activity_panels`); the page of every link the provider has issued,
with resending and withdrawing.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from qic.core import audit
from qic.domain.partner_links import PURPOSE_LABELS, LinkPurpose, LinkState
from qic.organisations.access import AuthenticatedRequest, Capability, capabilities, get_provider_for, require_role
from qic.organisations.models import Provider
from qic.partners import confirmation, confirmation_queries, delivery, links
from qic.partners.confirmation_forms import AskEmployerForm
from qic.partners.models import PartnerLink
from qic.programme.models import Activity

LINKS_PER_PAGE = 50


@require_role()
@require_http_methods(["GET", "POST"])
def confirmation_request(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """Ask an employer contact (from the directory, or typed) to confirm the activity by link:
    mailed by the task queue, or shown once to copy."""
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    activity = get_object_or_404(Activity, provider=provider, pk=pk)
    form = AskEmployerForm(request.POST or None, contacts=confirmation_queries.contact_choices(activity))
    if request.method == "POST" and form.is_valid():
        name, email = form.recipient
        contact = form.cleaned_data.get("contact")
        try:
            link, token = confirmation.ask_employer(
                activity=activity,
                recipient_name=name,
                recipient_email=email,
                employer=contact.employer if contact else None,
                contact=contact,
                by_email=form.cleaned_data["how"] == "email",
                actor=request.user,
            )
        except links.LinkError as refused:
            form.add_error(None, str(refused))
        else:
            if token is None:
                messages.success(request, f"A link is on its way to {link.recipient_email}.")
                return redirect("programme:activity_detail", urn=provider.urn, pk=activity.pk)
            # Shown once: only its hash is kept.
            return render(
                request,
                "partners/confirmation_link_shown.html",
                {"provider": provider, "activity": activity, "link": link, "url": delivery.url_for(link, token)},
            )
    return render(
        request,
        "partners/confirmation_request.html",
        {
            "provider": provider,
            "activity": activity,
            "form": form,
            "employer_facing": confirmation_queries.is_employer_facing(activity),
        },
    )


def activity_panel(request: HttpRequest, activity: Activity, can_record: bool) -> str:
    """The activity page's "Confirmed by the employer" part: each link, its state and what the
    employer said (one query)."""
    rows = confirmation_queries.activity_links(activity)
    if not rows and not (can_record and confirmation_queries.is_employer_facing(activity)):
        return ""
    return render_to_string(
        "partners/_activity_confirmations.html",
        {
            "provider": activity.provider,
            "activity": activity,
            "rows": rows,
            "can_record": can_record,
        },
        request=request,
    )


# --- Every link the provider has issued ------------------------------------------------------------


@require_role()
@require_http_methods(["GET"])
def link_list(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """Every link the provider has issued, filtered by purpose, state and delivery; links that
    could not be delivered stand out. A learner is named only to those who may see learners."""
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    show_learners = Capability.VIEW_LEARNERS in capabilities(request.user)
    chosen = {key: request.GET.get(key, "") for key in ("purpose", "state", "delivery")}
    listing = confirmation_queries.provider_links(
        provider, purpose=chosen["purpose"], state=chosen["state"], delivery=chosen["delivery"]
    )
    page = Paginator(listing.links, LINKS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [confirmation_queries.LinkRow(link, delivery.state_of(link), None) for link in page.object_list]
    named = [
        learner_id
        for row in rows
        for learner_id in (row.link.learner_id, row.link.placement.learner_id if row.link.placement else None)
        if learner_id
    ]
    if show_learners and named:
        audit.record_read(
            actor=request.user,
            action="partner_link.list_viewed",
            obj=provider,
            provider_id=provider.pk,
            learner_ids=named,
        )
    return render(
        request,
        "partners/link_list.html",
        {
            "provider": provider,
            "page": page,
            "rows": rows,
            "listing": listing,
            "chosen": chosen,
            "show_learners": show_learners,
            "purposes": list(PURPOSE_LABELS.items()),
            "states": [(s.value, s.value.capitalize()) for s in LinkState],
            "deliveries": PartnerLink.Delivery.choices,
        },
    )


def _link_of(request: AuthenticatedRequest, urn: int, pk: int) -> tuple[Provider, PartnerLink]:
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    return provider, get_object_or_404(
        PartnerLink.objects.select_related("activity", "provider"), provider=provider, pk=pk
    )


def _back(request: HttpRequest, provider: Provider) -> str:
    """Where to go after resending or withdrawing: the page the form was on, if it is ours."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) and back.startswith("/"):
        return back
    return reverse("partners:link_list", kwargs={"urn": provider.urn})


@require_role()
@require_POST
def link_resend(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """Send the link's mail again with a fresh token (the old address stops working)."""
    provider, link = _link_of(request, urn, pk)
    try:
        links.resend(link, actor=request.user)
    except links.LinkError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"The link is on its way to {link.recipient_email} again.")
    return redirect(_back(request, provider))


@require_role()
@require_http_methods(["GET", "POST"])
def link_withdraw(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST withdraws the link (it stops working at once)."""
    provider, link = _link_of(request, urn, pk)
    if request.method == "POST":
        if links.revoke(link, actor=request.user):
            messages.success(request, f"The link for {link.recipient_name} no longer works.")
        return redirect(_back(request, provider))
    return render(
        request,
        "partners/link_withdraw.html",
        {
            "provider": provider,
            "link": link,
            "state": delivery.state_of(link),
            "purpose": LinkPurpose(link.purpose).label,
            "next": _back(request, provider),
        },
    )
