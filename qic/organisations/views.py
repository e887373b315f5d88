"""Pages for organisations and people: home pages, Awarding Bodies, providers, invitations."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from qic.core.models import AuditEvent
from qic.frameworks.models import Edition
from qic.organisations import actions, queries
from qic.organisations.access import (
    assessors_of,
    can_manage_awarding_body,
    can_manage_provider,
    get_awarding_body,
    get_provider,
    membership_of,
    require_role,
    roles_user_may_invite,
    visible_awarding_bodies,
    visible_providers,
)
from qic.organisations.forms import (
    AcceptInvitationForm,
    AddClientForm,
    AssignAssessorForm,
    AwardingBodyForm,
    GiasUploadForm,
    InvitationForm,
    ProviderSearchForm,
)
from qic.organisations.gias import GiasFileError
from qic.organisations.models import AssessorAssignment, AwardingBody, Invitation, Provider, Role, User


def landing(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and membership_of(request.user):
        return redirect("home")
    edition = Edition.objects.first()
    return render(request, "organisations/landing.html", {"edition": edition})


@require_role()
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands here and sees what it can do."""
    membership = membership_of(request.user)
    assert membership is not None
    context: dict[str, object] = {"membership": membership, "edition": Edition.objects.first()}
    role = membership.role
    if role == Role.CONSORTIUM_ADMIN:
        context["bodies"] = queries.awarding_bodies_with_counts(AwardingBody.objects.all())
        context["provider_count"] = visible_providers(request.user).count()
        context["last_import"] = queries.last_gias_import()
    elif role in (Role.AWARDING_BODY_ADMIN, Role.ASSESSOR):
        body = membership.awarding_body
        assert body is not None
        context["body"] = body
        # The table shows each provider's Awarding Body: one join, not a query per row.
        context["providers"] = visible_providers(request.user).select_related("awarding_body").order_by("name")[:50]
        context["assessor_count"] = assessors_of(body).filter(is_active=True).count()
    else:
        context["provider"] = membership.provider
        context["people"] = queries.people_of_provider(membership.provider)
    return render(request, f"organisations/home_{role}.html", context)


# --- Awarding Bodies -------------------------------------------------------------------------


@require_role(Role.CONSORTIUM_ADMIN)
def awarding_body_list(request: HttpRequest) -> HttpResponse:
    bodies = queries.awarding_bodies_with_counts(visible_awarding_bodies(request.user))
    return render(request, "organisations/awarding_body_list.html", {"bodies": bodies})


@require_role(Role.CONSORTIUM_ADMIN)
@require_http_methods(["GET", "POST"])
def awarding_body_create(request: HttpRequest) -> HttpResponse:
    form = AwardingBodyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        body = actions.save_awarding_body(body=form.save(commit=False), actor=request.user)
        messages.success(request, f"{body.name} has been added.")
        return redirect("awarding_body_detail", pk=body.pk)
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
        },
    )


@require_role(Role.CONSORTIUM_ADMIN)
@require_http_methods(["GET", "POST"])
def awarding_body_edit(request: HttpRequest, pk: int) -> HttpResponse:
    body = get_awarding_body(request.user, pk, manage=True)
    form = AwardingBodyForm(request.POST or None, instance=body)
    if request.method == "POST" and form.is_valid():
        actions.save_awarding_body(body=form.save(commit=False), actor=request.user)
        messages.success(request, f"{body.name} has been updated.")
        return redirect("awarding_body_detail", pk=body.pk)
    return render(request, "organisations/awarding_body_form.html", {"form": form, "body": body})


@require_role(Role.CONSORTIUM_ADMIN, Role.AWARDING_BODY_ADMIN)
@require_http_methods(["GET", "POST"])
def awarding_body_add_client(request: HttpRequest, pk: int) -> HttpResponse:
    body = get_awarding_body(request.user, pk, manage=True)
    form = AddClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        provider = form.cleaned_data["urn"]
        if provider.awarding_body_id == body.pk:
            form.add_error("urn", f"{provider.name} is already a client of {body.name}")
        elif provider.awarding_body_id is not None:
            # Moving a client between bodies is the Consortium's call, not a rival body's.
            form.add_error("urn", f"{provider.name} is a client of another Awarding Body")
        else:
            actions.add_client(body=body, provider=provider, actor=request.user)
            messages.success(request, f"{provider.name} is now a client of {body.name}.")
            return redirect("provider_detail", urn=provider.urn)
    return render(request, "organisations/add_client.html", {"form": form, "body": body})


# --- Providers -------------------------------------------------------------------------------


@require_role(Role.CONSORTIUM_ADMIN, Role.AWARDING_BODY_ADMIN, Role.ASSESSOR)
def provider_list(request: HttpRequest) -> HttpResponse:
    form = ProviderSearchForm(request.GET or None)
    providers = visible_providers(request.user).select_related("awarding_body")
    query = form.data.get("q", "").strip() if form.is_bound else ""
    if query:
        condition = Q(name__icontains=query) | Q(la_name__icontains=query) | Q(postcode__icontains=query)
        if query.isdigit():
            condition |= Q(urn=int(query))
        providers = providers.filter(condition)
    page = Paginator(providers.order_by("name"), 50).get_page(request.GET.get("page"))
    return render(request, "organisations/provider_list.html", {"page": page, "query": query, "form": form})


@require_role()
def provider_detail(request: HttpRequest, urn: int) -> HttpResponse:
    provider = get_provider(request.user, urn)
    manage = can_manage_provider(request.user, provider)
    membership = membership_of(request.user)
    assert membership is not None
    assignments = provider.assignments.filter(ended_at=None).select_related("assessor")
    body_admin = membership.role == Role.AWARDING_BODY_ADMIN and manage
    return render(
        request,
        "organisations/provider_detail.html",
        {
            "provider": provider,
            "manage": manage,
            "people": queries.people_of_provider(provider),
            "invitations": provider.invitations.filter(accepted_at=None, revoked_at=None) if manage else [],
            "assignments": assignments,
            "can_assign": body_admin,
            "can_invite": bool(roles_user_may_invite(request.user, provider=provider)),
        },
    )


@require_role(Role.AWARDING_BODY_ADMIN)
@require_http_methods(["GET", "POST"])
def provider_assign_assessor(request: HttpRequest, urn: int) -> HttpResponse:
    provider = get_provider(request.user, urn, manage=True)
    assert provider.awarding_body is not None
    form = AssignAssessorForm(
        request.POST or None, assessors=assessors_of(provider.awarding_body).filter(is_active=True)
    )
    if request.method == "POST" and form.is_valid():
        assessor = form.cleaned_data["assessor"]
        actions.assign_assessor(provider=provider, assessor=assessor, actor=request.user)
        messages.success(request, f"{assessor} is assigned to {provider.name}.")
        return redirect("provider_detail", urn=provider.urn)
    return render(request, "organisations/assign_assessor.html", {"form": form, "provider": provider})


@require_role(Role.AWARDING_BODY_ADMIN)
@require_POST
def assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        AssessorAssignment.objects.select_related("provider"),
        pk=pk,
        ended_at=None,
        provider__in=visible_providers(request.user),
    )
    actions.end_assignment(assignment=assignment, actor=request.user)
    messages.success(request, f"{assignment.assessor} is no longer assigned to {assignment.provider.name}.")
    return redirect("provider_detail", urn=assignment.provider.urn)


# --- Invitations and people ------------------------------------------------------------------


def _invite(
    request: HttpRequest,
    *,
    back: str,
    organisation_name: str,
    awarding_body: AwardingBody | None = None,
    provider: Provider | None = None,
) -> HttpResponse:
    roles = roles_user_may_invite(request.user, awarding_body=awarding_body, provider=provider)
    if not roles:
        raise PermissionDenied("You cannot invite people here.")
    form = InvitationForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invitation, _link = actions.invite_user(
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=Role(data["role"]),
            actor=request.user,
            awarding_body=awarding_body,
            provider=provider,
        )
        messages.success(request, f"An invitation has been emailed to {invitation.email}.")
        return redirect(back)
    return render(
        request, "organisations/invite.html", {"form": form, "organisation_name": organisation_name, "back": back}
    )


@require_role(Role.CONSORTIUM_ADMIN, Role.AWARDING_BODY_ADMIN)
@require_http_methods(["GET", "POST"])
def awarding_body_invite(request: HttpRequest, pk: int) -> HttpResponse:
    body = get_awarding_body(request.user, pk, manage=True)
    return _invite(
        request, awarding_body=body, back=reverse("awarding_body_detail", args=[body.pk]), organisation_name=body.name
    )


@require_role(Role.CAREERS_LEADER, Role.AWARDING_BODY_ADMIN)
@require_http_methods(["GET", "POST"])
def provider_invite(request: HttpRequest, urn: int) -> HttpResponse:
    provider = get_provider(request.user, urn, manage=True)
    return _invite(
        request,
        provider=provider,
        back=reverse("provider_detail", args=[provider.urn]),
        organisation_name=provider.name,
    )


@require_role(Role.CONSORTIUM_ADMIN)
@require_http_methods(["GET", "POST"])
def consortium_invite(request: HttpRequest) -> HttpResponse:
    return _invite(request, back=reverse("home"), organisation_name="the Quality in Careers Consortium")


def _safe_next(request: HttpRequest) -> str:
    """The same-site page to return to after a POST, or the home page."""
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else reverse("home")


def _manageable_invitation(request: HttpRequest, pk: int) -> Invitation:
    invitation = get_object_or_404(
        Invitation.objects.select_related("awarding_body", "provider"), pk=pk, accepted_at=None, revoked_at=None
    )
    allowed = roles_user_may_invite(request.user, awarding_body=invitation.awarding_body, provider=invitation.provider)
    if invitation.role not in allowed:
        raise Http404("No such invitation")
    return invitation


@require_role(Role.CONSORTIUM_ADMIN, Role.AWARDING_BODY_ADMIN, Role.CAREERS_LEADER)
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _manageable_invitation(request, pk)
    actions.revoke_invitation(invitation=invitation, actor=request.user)
    messages.success(request, f"The invitation to {invitation.email} has been withdrawn.")
    return redirect(_safe_next(request))


@require_role(Role.CONSORTIUM_ADMIN, Role.AWARDING_BODY_ADMIN, Role.CAREERS_LEADER)
@require_POST
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User.objects.select_related("membership"), pk=pk, is_active=True)
    membership = getattr(person, "membership", None)
    if membership is None or person.pk == request.user.pk:
        raise Http404("No such person")
    body = membership.awarding_body
    provider = membership.provider
    if body is None and provider is None:
        allowed = roles_user_may_invite(request.user)
    else:
        allowed = roles_user_may_invite(request.user, awarding_body=body, provider=provider)
    if membership.role not in allowed:
        raise Http404("No such person")
    actions.deactivate_user(user=person, actor=request.user)
    messages.success(request, f"{person} can no longer sign in.")
    return redirect(_safe_next(request))


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
            return redirect("mfa_setup")
    return render(request, "organisations/invitation_accept.html", {"form": form, "invitation": invitation})


# --- GIAS ------------------------------------------------------------------------------------


@require_role(Role.CONSORTIUM_ADMIN)
@require_http_methods(["GET", "POST"])
def gias_import(request: HttpRequest) -> HttpResponse:
    form = GiasUploadForm(request.POST or None, request.FILES or None, max_bytes=settings.GIAS_UPLOAD_MAX_BYTES)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = actions.import_gias(
                data=upload.read(),
                file_name=upload.name,
                include_closed=form.cleaned_data["include_closed"],
                actor=request.user,
            )
        except GiasFileError as exc:
            form.add_error("file", f"{exc} Nothing was imported.")
        else:
            if report.ok:
                messages.success(
                    request,
                    f"GIAS import finished: {report.created} created, {report.updated} updated, "
                    f"{report.unchanged} unchanged, {report.skipped_closed} closed skipped.",
                )
                return redirect("gias_import")
    imports = queries.recent_gias_imports()
    return render(request, "organisations/gias_import.html", {"form": form, "report": report, "imports": imports})


# --- Audit -----------------------------------------------------------------------------------


@require_role(Role.CONSORTIUM_ADMIN, Role.AWARDING_BODY_ADMIN, Role.CAREERS_LEADER)
def audit_log(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    assert membership is not None
    events = AuditEvent.objects.all()
    if membership.role == Role.AWARDING_BODY_ADMIN:
        events = events.filter(awarding_body_id_ref=membership.awarding_body_id)
    elif membership.role == Role.CAREERS_LEADER:
        events = events.filter(provider_id_ref=membership.provider_id)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page})
