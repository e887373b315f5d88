"""Pages for organisations and people: the landing page, Awarding Bodies, providers, invitations.

Each role's home page gathers from every app, so it is in `qic.dashboards`."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from qic.core import audit_display, stale
from qic.core.jobs import read_progress
from qic.domain.dates import UK_TIME
from qic.frameworks.editions import edition_on
from qic.organisations import actions, queries
from qic.organisations.access import (
    AuthenticatedRequest,
    assessors_of,
    can_manage_awarding_body,
    can_manage_provider,
    client_requests_of_body,
    client_requests_to_answer,
    deactivation_refusal,
    get_awarding_body,
    get_client_request_to_answer,
    get_provider,
    is_client_body_admin,
    may_change_person,
    may_withdraw_invitation,
    membership_of,
    open_invitations,
    reason_required,
    require_role,
    roles_user_may_invite,
    visible_audit_events,
    visible_awarding_bodies,
    visible_providers,
)
from qic.organisations.forms import (
    AcceptInvitationForm,
    AddClientForm,
    AssignAssessorForm,
    AuditFilterForm,
    AwardingBodyForm,
    ClientRequestAnswerForm,
    GiasUploadForm,
    IndependentTrainingProviderForm,
    InvitationForm,
    PersonChangeForm,
    ProviderSearchForm,
)
from qic.organisations.gias import GiasFileError, check_gias_file
from qic.organisations.models import AssessorAssignment, AwardingBody, Invitation, Provider, Role, User


def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and membership_of(request.user):
        return redirect("dashboards:home")
    edition = edition_on(timezone.localdate())
    return render(request, "organisations/landing.html", {"edition": edition})


# --- Awarding Bodies -------------------------------------------------------------------------


@require_role(Role.CONSORTIUM_ADMIN)
def awarding_body_list(request: HttpRequest) -> HttpResponse:
    bodies = queries.awarding_bodies_with_counts(visible_awarding_bodies(request.user))
    return render(request, "organisations/awarding_body_list.html", {"bodies": bodies})


@require_role(Role.CONSORTIUM_ADMIN)
@require_http_methods(["GET", "POST"])
def awarding_body_create(request: AuthenticatedRequest) -> HttpResponse:
    form = AwardingBodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        body = actions.save_awarding_body(body=form.save(commit=False), actor=request.user)
        messages.success(request, f"{body.name} has been added.")
        return redirect("organisations:awarding_body_detail", pk=body.pk)
    return render(request, "organisations/awarding_body_form.html", {"form": form, "body": None})


@require_role(Role.CONSORTIUM_ADMIN, Role.AWARDING_BODY_ADMIN, Role.ASSESSOR)
def awarding_body_detail(request: HttpRequest, pk: int) -> HttpResponse:
    body = get_awarding_body(request.user, pk)
    manage = can_manage_awarding_body(request.user, body)
    people = (
        User.objects.filter(membership__awarding_body=body)
        .select_related("membership")
        .annotate(open_assignments=Count("assignments", filter=Q(assignments__ended_at__isnull=True)))
        .order_by("membership__role", "last_name")
    )
    invitations = body.invitations.filter(accepted_at=None, revoked_at=None) if manage else Invitation.objects.none()
    clients = body.clients.annotate(
        assessor_count=Count("assignments", filter=Q(assignments__ended_at__isnull=True))
    ).order_by("name")
    membership = membership_of(request.user)
    assert membership is not None
    if membership.role == Role.ASSESSOR:
        clients = clients.filter(pk__in=visible_providers(request.user))
    return render(
        request,
        "organisations/awarding_body_detail.html",
        {
            "body": body,
            "manage": manage,
            "people": people,
            "invitations": invitations,
            "clients": clients,
            "can_edit_licence": membership.role == Role.CONSORTIUM_ADMIN,
            "client_requests": client_requests_of_body(request.user).filter(awarding_body=body)[:50],
            "withdraw_all": True,
        },
    )


@require_role(Role.CONSORTIUM_ADMIN)
@require_http_methods(["GET", "POST"])
def awarding_body_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    body = get_awarding_body(request.user, pk, manage=True)
    form = AwardingBodyForm(
        request.POST or None,
        instance=body,
        initial={"seen": stale.seen_value(body, actions.AWARDING_BODY_FIELDS)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_awarding_body(body=form.save(commit=False), actor=request.user, seen=form.cleaned_data["seen"])
        except stale.StaleEdit as exc:
            stale.refuse(form, exc, "awarding body")
        else:
            messages.success(request, f"{body.name} has been updated.")
            return redirect("organisations:awarding_body_detail", pk=body.pk)
    return render(request, "organisations/awarding_body_form.html", {"form": form, "body": body})


@require_role(Role.CONSORTIUM_ADMIN, Role.AWARDING_BODY_ADMIN)
@require_http_methods(["GET", "POST"])
def awarding_body_add_client(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Asks a provider to become the body's client; it is attached only when the provider (or,
    for one without a careers leader, the Consortium) accepts."""
    body = get_awarding_body(request.user, pk, manage=True)
    form = AddClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        provider = form.cleaned_data["urn"]
        try:
            actions.request_client(body=body, provider=provider, actor=request.user)
        except actions.ClientRequestError as exc:
            form.add_error("urn", str(exc))
        else:
            messages.success(
                request,
                f"We have asked {provider.name} to accept {body.name} as its Awarding Body. "
                "It becomes your client when it accepts.",
            )
            return redirect("organisations:awarding_body_detail", pk=body.pk)
    return render(request, "organisations/add_client.html", {"form": form, "body": body})


@require_role(Role.CONSORTIUM_ADMIN, Role.AWARDING_BODY_ADMIN)
@require_http_methods(["GET", "POST"])
def awarding_body_add_itp(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """An Awarding Body registers an independent training provider, which becomes its client."""
    body = get_awarding_body(request.user, pk, manage=True)
    return _add_itp(request, body=body, back=reverse("organisations:awarding_body_detail", args=[body.pk]))


@require_role(Role.CONSORTIUM_ADMIN)
@require_http_methods(["GET", "POST"])
def itp_create(request: AuthenticatedRequest) -> HttpResponse:
    """The Consortium registers an independent training provider, with no Awarding Body yet."""
    return _add_itp(request, body=None, back=reverse("organisations:provider_list"))


def _add_itp(request: AuthenticatedRequest, *, body: AwardingBody | None, back: str) -> HttpResponse:
    form = IndependentTrainingProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            provider = actions.add_independent_training_provider(
                name=data["name"],
                ukprn=data["ukprn"],
                postcode=data["postcode"],
                region=data["region"],
                awarding_body=body,
                actor=request.user,
            )
        except actions.DuplicateProvider as exc:
            form.add_error("ukprn", str(exc))
        else:
            messages.success(
                request,
                f"{provider.name} (UKPRN {provider.urn}) has been added"
                + (f" as a client of {body.name}." if body else "."),
            )
            return redirect("organisations:provider_detail", urn=provider.urn)
    return render(request, "organisations/itp_form.html", {"form": form, "body": body, "back": back})


# --- Client requests -------------------------------------------------------------------------


@require_role(Role.CONSORTIUM_ADMIN)
def client_request_list(request: HttpRequest) -> HttpResponse:
    """Requests to providers that have no careers leader yet: the Consortium answers them."""
    return render(
        request,
        "organisations/client_request_list.html",
        {"client_requests": client_requests_to_answer(request.user).order_by("requested_at")},
    )


@require_role(Role.CONSORTIUM_ADMIN, Role.CAREERS_LEADER)
@require_http_methods(["GET", "POST"])
def client_request_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    client_request = get_client_request_to_answer(request.user, pk)
    form = ClientRequestAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "accept":
                actions.accept_client_request(request=client_request, actor=request.user)
                messages.success(
                    request,
                    f"{client_request.provider.name} is now a client of {client_request.awarding_body.name}.",
                )
            else:
                actions.decline_client_request(
                    request=client_request, reason=form.cleaned_data["reason"], actor=request.user
                )
                messages.success(request, f"You have declined {client_request.awarding_body.name}'s request.")
        except actions.ClientRequestError as exc:
            form.add_error(None, str(exc))
        else:
            if role_is(request, Role.CONSORTIUM_ADMIN):
                return redirect("organisations:client_request_list")
            return redirect("organisations:provider_detail", urn=client_request.provider.urn)
    return render(request, "organisations/client_request_answer.html", {"form": form, "req": client_request})


def role_is(request: HttpRequest, role: Role) -> bool:
    membership = membership_of(request.user)
    return membership is not None and membership.role == role


# --- Providers -------------------------------------------------------------------------------


@require_role(Role.CONSORTIUM_ADMIN, Role.AWARDING_BODY_ADMIN, Role.ASSESSOR)
def provider_list(request: HttpRequest) -> HttpResponse:
    form = ProviderSearchForm(request.GET or None)
    providers = visible_providers(request.user).select_related("awarding_body")
    query = form.data.get("q", "").strip() if form.is_bound else ""
    if query:
        condition = Q(name__icontains=query) | Q(la_name__icontains=query) | Q(postcode__icontains=query)
        if query.isascii() and query.isdigit():
            condition |= Q(urn=int(query))
        providers = providers.filter(condition)
    page = Paginator(providers.order_by("name"), 50).get_page(request.GET.get("page"))
    membership = membership_of(request.user)
    assert membership is not None
    # Who may add an independent training provider: the Consortium, and a body's admins (as a client).
    add_itp_url = ""
    if membership.role == Role.CONSORTIUM_ADMIN:
        add_itp_url = reverse("organisations:itp_create")
    elif membership.role == Role.AWARDING_BODY_ADMIN and membership.awarding_body_id:
        add_itp_url = reverse("organisations:awarding_body_add_itp", args=[membership.awarding_body_id])
    return render(
        request,
        "organisations/provider_list.html",
        {"page": page, "query": query, "form": form, "add_itp_url": add_itp_url},
    )


@require_role()
def provider_detail(request: HttpRequest, urn: int) -> HttpResponse:
    provider = get_provider(request.user, urn)
    manage = can_manage_provider(request.user, provider)
    body_admin = is_client_body_admin(request.user, provider)
    assignments = provider.assignments.filter(ended_at=None).select_related("assessor")
    # Who has been invited is for the people who manage the provider's people, and for its
    # Awarding Body (which may have invited the first careers leader).
    show_invitations = manage or body_admin
    invitations = list(open_invitations(provider).select_related("invited_by__membership")) if show_invitations else []
    for invitation in invitations:
        invitation.can_withdraw = may_withdraw_invitation(request.user, invitation)  # type: ignore[attr-defined]
    return render(
        request,
        "organisations/provider_detail.html",
        {
            "provider": provider,
            "manage": manage,
            "people": queries.people_of_provider(provider),
            "invitations": invitations,
            "assignments": assignments,
            "can_assign": body_admin,
            "can_invite": bool(roles_user_may_invite(request.user, provider=provider)),
            "client_requests": client_requests_to_answer(request.user).filter(provider=provider),
            "show_invited_by": True,
        },
    )


@require_role(Role.AWARDING_BODY_ADMIN)
@require_http_methods(["GET", "POST"])
def provider_assign_assessor(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    provider = get_provider(request.user, urn)
    if not is_client_body_admin(request.user, provider):
        raise PermissionDenied("Only the provider's Awarding Body assigns its assessors.")
    assert provider.awarding_body is not None
    form = AssignAssessorForm(
        request.POST or None, assessors=assessors_of(provider.awarding_body).filter(is_active=True)
    )
    if request.method == "POST" and form.is_valid():
        assessor = form.cleaned_data["assessor"]
        actions.assign_assessor(provider=provider, assessor=assessor, actor=request.user)
        messages.success(request, f"{assessor} is assigned to {provider.name}.")
        return redirect("organisations:provider_detail", urn=provider.urn)
    return render(request, "organisations/assign_assessor.html", {"form": form, "provider": provider})


@require_role(Role.AWARDING_BODY_ADMIN)
@require_POST
def assignment_end(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        AssessorAssignment.objects.select_related("provider"),
        pk=pk,
        ended_at=None,
        provider__in=visible_providers(request.user),
    )
    actions.end_assignment(assignment=assignment, actor=request.user)
    messages.success(request, f"{assignment.assessor} is no longer assigned to {assignment.provider.name}.")
    return redirect("organisations:provider_detail", urn=assignment.provider.urn)


# --- Invitations and people ------------------------------------------------------------------


def _invite(
    request: AuthenticatedRequest,
    *,
    back: str,
    organisation_name: str,
    awarding_body: AwardingBody | None = None,
    provider: Provider | None = None,
) -> HttpResponse:
    roles = roles_user_may_invite(request.user, awarding_body=awarding_body, provider=provider)
    if not roles:
        raise PermissionDenied("You cannot invite people here.")
    form = InvitationForm(request.POST or None, roles=roles, reason_required=reason_required(request.user, provider))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invitation = actions.invite_user(
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=Role(data["role"]),
            actor=request.user,
            awarding_body=awarding_body,
            provider=provider,
            reason=data.get("reason", ""),
        )
        messages.success(request, f"An invitation has been emailed to {invitation.email}.")
        return redirect(back)
    return render(
        request, "organisations/invite.html", {"form": form, "organisation_name": organisation_name, "back": back}
    )


@require_role(Role.CONSORTIUM_ADMIN, Role.AWARDING_BODY_ADMIN)
@require_http_methods(["GET", "POST"])
def awarding_body_invite(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    body = get_awarding_body(request.user, pk, manage=True)
    return _invite(
        request,
        awarding_body=body,
        back=reverse("organisations:awarding_body_detail", args=[body.pk]),
        organisation_name=body.name,
    )


@require_role(Role.CAREERS_LEADER, Role.AWARDING_BODY_ADMIN, Role.CONSORTIUM_ADMIN)
@require_http_methods(["GET", "POST"])
def provider_invite(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """The careers leader invites the provider's people; the Consortium too, with a reason; the
    Awarding Body only the first careers leader of a client that has none (`_invite` says 403)."""
    provider = get_provider(request.user, urn)
    return _invite(
        request,
        provider=provider,
        back=reverse("organisations:provider_detail", args=[provider.urn]),
        organisation_name=provider.name,
    )


@require_role(Role.CONSORTIUM_ADMIN)
@require_http_methods(["GET", "POST"])
def consortium_invite(request: AuthenticatedRequest) -> HttpResponse:
    return _invite(request, back=reverse("dashboards:home"), organisation_name="the Quality in Careers Consortium")


def _safe_next(request: HttpRequest) -> str:
    """The same-site page to return to after a POST, or the home page."""
    return _same_site(request, request.POST.get("next", ""))


def _same_site(request: HttpRequest, target: str) -> str:
    """`target` if it is a path on this site, else the home page. Django's own check: it also
    refuses the forms browsers read as another host, such as `/\\evil.test` and `///evil.test`."""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("dashboards:home")


def _manageable_invitation(request: HttpRequest, pk: int) -> Invitation:
    invitation = get_object_or_404(
        Invitation.objects.select_related("awarding_body", "provider", "invited_by__membership"),
        pk=pk,
        accepted_at=None,
        revoked_at=None,
    )
    if not may_withdraw_invitation(request.user, invitation):
        raise Http404("No such invitation")
    return invitation


@require_role(Role.CONSORTIUM_ADMIN, Role.AWARDING_BODY_ADMIN, Role.CAREERS_LEADER)
@require_POST
def invitation_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    invitation = _manageable_invitation(request, pk)
    actions.revoke_invitation(invitation=invitation, actor=request.user)
    messages.success(request, f"The invitation to {invitation.email} has been withdrawn.")
    return redirect(_safe_next(request))


def _next_page(request: HttpRequest) -> str:
    """The same-site page to go back to (from the form or the link), or the home page."""
    return _same_site(request, request.POST.get("next") or request.GET.get("next", ""))


def _change_person(request: AuthenticatedRequest, pk: int, *, active: bool) -> HttpResponse:
    """Confirmation page, then the change: deactivate (`active=False`) or reactivate a person."""
    person = get_object_or_404(
        User.objects.select_related("membership__provider", "membership__awarding_body"), pk=pk, is_active=not active
    )
    if not may_change_person(request.user, person):
        raise Http404("No such person")
    provider = person.membership.provider
    consortium = role_is(request, Role.CONSORTIUM_ADMIN)
    refusal = "" if active else deactivation_refusal(request.user, person)
    # A confirmation without a reason posts no fields, so the form is bound by the method, not the data.
    data = request.POST if request.method == "POST" else None
    form = PersonChangeForm(data, reason_required=reason_required(request.user, provider))
    back = _next_page(request)
    if request.method == "POST" and not refusal and form.is_valid():
        reason = form.cleaned_data.get("reason", "")
        try:
            if active:
                actions.reactivate_user(user=person, actor=request.user, reason=reason)
            else:
                actions.deactivate_user(
                    user=person, actor=request.user, reason=reason, protect_last_leader=not consortium
                )
        except actions.PersonChangeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{person} can sign in again." if active else f"{person} can no longer sign in.")
            return redirect(back)
    return render(
        request,
        "organisations/person_change.html",
        {"form": form, "person": person, "active": active, "refusal": refusal, "back": back},
    )


@require_role(Role.CONSORTIUM_ADMIN, Role.AWARDING_BODY_ADMIN, Role.CAREERS_LEADER)
@require_http_methods(["GET", "POST"])
def person_deactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _change_person(request, pk, active=False)


@require_role(Role.CONSORTIUM_ADMIN, Role.AWARDING_BODY_ADMIN, Role.CAREERS_LEADER)
@require_http_methods(["GET", "POST"])
def person_reactivate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _change_person(request, pk, active=True)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = actions.find_open_invitation(token)
    if invitation is None:
        return render(request, "organisations/invitation_invalid.html", status=404)
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.accept_invitation(invitation=invitation, password=form.cleaned_data["password"])
        except actions.InvitationError as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome to QiC Platform. Your account is ready.")
            # Every role needs the second factor before it sees any data.
            return redirect("accounts:mfa_setup")
    return render(request, "organisations/invitation_accept.html", {"form": form, "invitation": invitation})


# --- GIAS ------------------------------------------------------------------------------------


@require_role(Role.CONSORTIUM_ADMIN)
@require_http_methods(["GET", "POST"])
def gias_import(request: AuthenticatedRequest) -> HttpResponse:
    """Upload an extract: a whole-file problem is said at once; otherwise the import is queued
    and the person is sent to the job's page to follow it."""
    form = GiasUploadForm(request.POST or None, request.FILES or None, max_bytes=settings.GIAS_UPLOAD_MAX_BYTES)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            check_gias_file(data)
        except GiasFileError as exc:
            form.add_error("file", f"{exc} Nothing was imported.")
        else:
            job = actions.start_gias_import(
                data=data,
                file_name=upload.name,
                include_closed=form.cleaned_data["include_closed"],
                actor=request.user,
            )
            return redirect("organisations:gias_import_status", pk=job.pk)
    imports = queries.recent_gias_imports()
    return render(request, "organisations/gias_import.html", {"form": form, "imports": imports})


@require_role(Role.CONSORTIUM_ADMIN)
@require_http_methods(["GET"])
def gias_import_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's page: its status and progress (htmx polls the partial until it ends; without
    JavaScript the page says to refresh), then its result."""
    job = get_object_or_404(queries.gias_imports(), pk=pk)
    progress = read_progress(job.progress_key) if not job.finished else {}
    saved, total = int(progress.get("saved") or 0), int(progress.get("total") or 0)
    context = {
        "job": job,
        "read": int(progress.get("read") or 0),
        "saved": saved,
        "total": total,
        "percent": min(100, saved * 100 // total) if total else 0,
    }
    template = (
        "organisations/_gias_import_progress.html"
        if request.headers.get("HX-Request")
        else "organisations/gias_import_status.html"
    )
    return render(request, template, context)


# --- Audit -----------------------------------------------------------------------------------


@require_role(Role.CONSORTIUM_ADMIN, Role.AWARDING_BODY_ADMIN, Role.CAREERS_LEADER)
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit trail this user may read, in words, with filters that only narrow it."""
    events = visible_audit_events(request.user)
    actions_seen = events.order_by("action").values_list("action", flat=True).distinct()
    types_seen = events.order_by("object_type").values_list("object_type", flat=True).distinct()
    form = AuditFilterForm(
        request.GET or None,
        actions=sorted(((a, audit_display.sentence(a)) for a in actions_seen), key=lambda c: c[1]),
        object_types=sorted(((t, audit_display.object_type_label(t)) for t in types_seen), key=lambda c: c[1]),
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["who"]:
            events = events.filter(actor_label__icontains=data["who"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"])
        # The log is shown in UK time, so the days are UK days (a BST day starts at 23:00 UTC).
        if data["date_from"]:
            events = events.filter(at__gte=dt.datetime.combine(data["date_from"], dt.time(), UK_TIME))
        if data["date_to"]:
            # The last moment of that day (no "next day", which 31 December 9999 does not have).
            events = events.filter(at__lte=dt.datetime.combine(data["date_to"], dt.time.max, UK_TIME))
    page = Paginator(events.order_by("-at", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "rows": audit_display.rows(page.object_list), "form": form, "filtered": form.is_bound},
    )
