"""Staff pages for self sign-in and reflections on an activity.

Opening a window shows its code once and keeps it in the opener's session, so the "show in the
room" page can show it again (the database has only its hash; see `qic.programme.sign_in`).
Every page that names learners writes an audited read; every change is an audited action.
"""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from qic.core import audit
from qic.organisations.access import AuthenticatedRequest, Capability, capabilities, get_provider_for, require_role
from qic.programme import sign_in, sign_in_queries
from qic.programme.models import Activity, LearnerSignIn, Reflection, SignInWindow
from qic.programme.sign_in_forms import HideReflectionForm, OpenWindowForm, ReflectionDefaultForm


def _session_key(window: SignInWindow) -> str:
    return f"sign_in_code:{window.pk}"


def qr_data_uri(text: str) -> str:
    """An SVG QR code of `text`, as a data: URI (as the authenticator set-up page draws one)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@require_role()
@require_http_methods(["GET", "POST"])
def activity_sign_in(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """Open or close the activity's sign-in window; who signed in, with "not there" for each."""
    need = Capability.RECORD_PROGRAMME if request.method == "POST" else Capability.VIEW_LEARNERS
    provider = get_provider_for(request.user, urn, need)
    activity = get_object_or_404(Activity, provider=provider, pk=pk)
    window = sign_in.open_window_of(activity)
    form = OpenWindowForm(request.POST if request.method == "POST" and "minutes" in request.POST else None)
    if request.method == "POST":
        if request.POST.get("action") == "close":
            if window is not None:
                sign_in.close_window(window=window, actor=request.user)
                request.session.pop(_session_key(window), None)
                messages.success(request, "Sign-in is closed. The code no longer works.")
            return redirect("programme:activity_sign_in", urn=provider.urn, pk=activity.pk)
        form = OpenWindowForm(request.POST)
        if form.is_valid():
            try:
                window, code = sign_in.open_window(
                    activity=activity, minutes=form.cleaned_data["minutes"], actor=request.user
                )
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                request.session[_session_key(window)] = code
                return redirect("programme:activity_sign_in_room", urn=provider.urn, pk=activity.pk)
    signed = list(sign_in_queries.sign_ins_of(activity))
    if signed:
        audit.record_read(
            actor=request.user,
            action="activity.sign_ins_viewed",
            obj=activity,
            provider_id=provider.pk,
            learner_ids=[s.learner_id for s in signed],
        )
    can_record = Capability.RECORD_PROGRAMME in capabilities(request.user)
    return render(
        request,
        "programme/activity_sign_in.html",
        {
            "provider": provider,
            "activity": activity,
            "window": window,
            "form": form,
            "signed": signed,
            "can_record": can_record,
            "today": timezone.localdate(),
            "shows_code": window is not None and _session_key(window) in request.session,
        },
    )


@require_role()
@require_GET
@never_cache
def activity_sign_in_room(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """Full screen for the room: the code, its QR code and how many have signed in (polled)."""
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    activity = get_object_or_404(Activity, provider=provider, pk=pk)
    window = sign_in.open_window_of(activity)
    code = request.session.get(_session_key(window)) if window is not None else None
    link = request.build_absolute_uri(reverse("portal:activity_sign_in_code", kwargs={"code": code})) if code else ""
    return render(
        request,
        "programme/activity_sign_in_room.html",
        {
            "provider": provider,
            "activity": activity,
            "window": window,
            "code": code,
            "spaced": " ".join([code[:3], code[3:]]) if code else "",
            "qr": qr_data_uri(link) if link else "",
            "count": LearnerSignIn.objects.filter(activity=activity, overridden_at=None).count(),
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def activity_sign_in_override(request: AuthenticatedRequest, urn: int, pk: int, sign_in_pk: int) -> HttpResponse:
    """Confirm, then mark absent a learner who signed in but was not in the room."""
    provider = get_provider_for(request.user, urn, Capability.RECORD_PROGRAMME)
    activity = get_object_or_404(Activity, provider=provider, pk=pk)
    signed = get_object_or_404(LearnerSignIn.objects.select_related("learner"), activity=activity, pk=sign_in_pk)
    if request.method == "POST":
        sign_in.override_sign_in(signed=signed, actor=request.user)
        messages.success(request, f"{signed.learner.name} is marked absent. Benchmark figures are updated.")
        return redirect("programme:activity_sign_in", urn=provider.urn, pk=activity.pk)
    audit.record_read(
        actor=request.user,
        action="activity.sign_ins_viewed",
        obj=activity,
        provider_id=provider.pk,
        learner_id=signed.learner_id,
    )
    return render(
        request,
        "programme/activity_sign_in_override.html",
        {"provider": provider, "activity": activity, "signed": signed},
    )


@require_role()
@require_GET
def activity_reflections(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """Every learner's reflection on the activity, hidden ones marked; an audited read."""
    provider = get_provider_for(request.user, urn, Capability.VIEW_LEARNERS)
    activity = get_object_or_404(Activity, provider=provider, pk=pk)
    reflections = list(sign_in_queries.reflections_of(activity))
    if reflections:
        audit.record_read(
            actor=request.user,
            action="activity.reflections_viewed",
            obj=activity,
            provider_id=provider.pk,
            learner_ids=[r.learner_id for r in reflections],
        )
    return render(
        request,
        "programme/activity_reflections.html",
        {
            "provider": provider,
            "activity": activity,
            "reflections": reflections,
            "rate": sign_in_queries.reflection_rates([activity.pk])[activity.pk],
            "can_hide": Capability.MANAGE_LEARNERS in capabilities(request.user),
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def reflection_hide(request: AuthenticatedRequest, urn: int, pk: int, reflection_pk: int) -> HttpResponse:
    """The careers leader hides a reflection with a reason (or shows a hidden one again), after
    confirming. A hidden reflection does not count as the learner's own reflection."""
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    activity = get_object_or_404(Activity, provider=provider, pk=pk)
    reflection = get_object_or_404(Reflection.objects.select_related("learner"), activity=activity, pk=reflection_pk)
    form = HideReflectionForm(request.POST or None) if not reflection.hidden else None
    if request.method == "POST":
        if reflection.hidden:
            sign_in.unhide_reflection(reflection=reflection, actor=request.user)
            messages.success(request, f"{reflection.learner.name}'s reflection is shown again.")
            return redirect("programme:activity_reflections", urn=provider.urn, pk=activity.pk)
        assert form is not None
        if form.is_valid():
            sign_in.hide_reflection(reflection=reflection, reason=form.cleaned_data["reason"], actor=request.user)
            messages.success(request, f"{reflection.learner.name}'s reflection is hidden.")
            return redirect("programme:activity_reflections", urn=provider.urn, pk=activity.pk)
    else:
        audit.record_read(
            actor=request.user,
            action="activity.reflections_viewed",
            obj=activity,
            provider_id=provider.pk,
            learner_id=reflection.learner_id,
        )
    return render(
        request,
        "programme/reflection_hide.html",
        {"provider": provider, "activity": activity, "reflection": reflection, "form": form},
    )


@require_role()
@require_http_methods(["GET", "POST"])
def reflection_setting(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """The careers leader's default for new activities: does a learner's own reflection count?"""
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    form = ReflectionDefaultForm(
        request.POST or None, initial={"needs_own_reflection": sign_in_queries.reflection_default(provider.pk)}
    )
    if request.method == "POST" and form.is_valid():
        sign_in.set_reflection_default(
            provider_id=provider.pk, needs_own_reflection=form.cleaned_data["needs_own_reflection"], actor=request.user
        )
        messages.success(request, "Saved. New activities start with this setting.")
        return redirect("programme:activity_list", urn=provider.urn)
    return render(request, "programme/reflection_setting.html", {"provider": provider, "form": form})
