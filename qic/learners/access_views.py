"""The careers leader's learner-access pages: which year groups may sign in, printed code sheets
per form group, and invitations to a learner's school email. Writes are in `qic.learners.codes`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qic.core import audit
from qic.domain.academic import academic_year_of
from qic.domain.learner_access import access_ends_on
from qic.learners import codes
from qic.learners.access import policy_for, refusal_for
from qic.learners.forms import CodeSheetForm, LearnerAccessForm, LearnerInviteForm
from qic.learners.models import Learner, LearnerAccessPolicy, LearnerAccount
from qic.organisations.access import AuthenticatedRequest, Capability, get_provider_for, require_role
from qic.organisations.models import Provider

YEAR_GROUPS = list(range(7, 15))


def _counts(provider: Provider, policy: LearnerAccessPolicy) -> dict[str, int]:
    """Learners who may sign in today, accounts made, and passwords set (signed in at least once)."""
    learners = Learner.objects.filter(provider=provider, anonymised_at__isnull=True).only(
        "pk", "provider_id", "year_group", "year_group_recorded_in", "left_on", "anonymised_at"
    )
    with_access = sum(1 for learner in learners if not refusal_for(learner, policy))
    accounts = LearnerAccount.objects.filter(learner__provider=provider)
    return {
        "with_access": with_access,
        "accounts": accounts.count(),
        "passwords_set": accounts.filter(password_set_at__isnull=False).count(),
    }


@require_role()
@require_http_methods(["GET", "POST"])
def learner_access(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """Choose the year groups that may sign in and the leavers' grace period; start a sheet."""
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    policy = policy_for(provider)
    form = LearnerAccessForm(
        request.POST or None,
        year_groups=YEAR_GROUPS,
        initial={"year_groups": [int(y) for y in policy.year_groups], "leaver_grace_days": policy.leaver_grace_days},
    )
    if request.method == "POST" and form.is_valid():
        codes.save_policy(
            provider=provider,
            year_groups=form.cleaned_data["year_groups"],
            leaver_grace_days=form.cleaned_data["leaver_grace_days"],
            actor=request.user,
        )
        messages.success(request, "Learner access has been saved.")
        return redirect("learners:learner_access", urn=provider.urn)
    groups = codes.form_groups(provider)
    return render(
        request,
        "learners/learner_access.html",
        {
            "provider": provider,
            "policy": policy,
            "form": form,
            "sheet_form": CodeSheetForm(groups=groups),
            "groups": groups,
            "counts": _counts(provider, policy),
        },
    )


@require_role()
@never_cache
@require_http_methods(["GET", "POST"])
def learner_access_sheet(request: AuthenticatedRequest, urn: int) -> HttpResponse:
    """A form group's sheet of codes: first a confirmation (new codes stop the old ones working),
    then, once, the printable sheet."""
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    groups = codes.form_groups(provider)
    form = CodeSheetForm(request.POST if request.method == "POST" else request.GET, groups=groups)
    if not form.is_valid():
        policy = policy_for(provider)
        return render(
            request,
            "learners/learner_access.html",
            {
                "provider": provider,
                "policy": policy,
                "form": LearnerAccessForm(
                    year_groups=YEAR_GROUPS,
                    initial={
                        "year_groups": [int(y) for y in policy.year_groups],
                        "leaver_grace_days": policy.leaver_grace_days,
                    },
                ),
                "sheet_form": form,
                "groups": groups,
                "counts": _counts(provider, policy),
            },
        )
    group, days = form.cleaned_data["group"], form.cleaned_data["days"]
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        sheet = codes.issue_sheet(provider=provider, group=group, days=days, actor=request.user)
        return render(
            request,
            "learners/code_sheet.html",
            {"provider": provider, "sheet": sheet, "start_url": request.build_absolute_uri("/learner/start/")},
        )
    policy = policy_for(provider)
    learners = codes.learners_in_group(provider, group)
    checked = [(learner, refusal_for(learner, policy)) for learner in learners]
    with_codes = LearnerAccount.objects.filter(
        learner__in=learners, codes__used_at=None, codes__revoked_at=None, codes__expires_at__gt=timezone.now()
    ).distinct()
    audit.record_read(
        actor=request.user,
        action="learners.listed",
        obj=provider,
        provider_id=provider.pk,
        learner_ids=[learner.pk for learner in learners],
        details={"page": "code sheet confirmation", "group": group},
    )
    return render(
        request,
        "learners/code_sheet_confirm.html",
        {
            "provider": provider,
            "group": group,
            "days": days,
            "allowed": [learner for learner, reason in checked if not reason],
            "refused": [(learner, reason) for learner, reason in checked if reason],
            "open_codes": with_codes.count(),
        },
    )


@require_role()
@require_http_methods(["GET", "POST"])
def learner_invite(request: AuthenticatedRequest, urn: int, pk: int) -> HttpResponse:
    """A learner's access: whether they may sign in (and until when, for a leaver), and an
    invitation to their school email."""
    provider = get_provider_for(request.user, urn, Capability.MANAGE_LEARNERS)
    learner = get_object_or_404(Learner, provider=provider, pk=pk, anonymised_at__isnull=True)
    policy = policy_for(provider)
    account = LearnerAccount.objects.select_related("user").filter(learner=learner).first()
    form = LearnerInviteForm(
        request.POST or None, initial={"email": "" if account is None or account.sign_in_name else account.user.email}
    )
    refusal = refusal_for(learner, policy)
    if request.method == "POST" and form.is_valid():
        try:
            codes.invite_by_email(learner=learner, email=form.cleaned_data["email"], actor=request.user)
        except codes.CodeError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, f"{learner.name} has been sent an email with a link to choose a password.")
            return redirect("learners:learner_invite", urn=provider.urn, pk=learner.pk)
    audit.record_read(
        actor=request.user,
        action="learner.viewed",
        obj=learner,
        provider_id=provider.pk,
        learner_id=learner.pk,
        details={"page": "learner access"},
    )
    context: dict[str, Any] = {
        "provider": provider,
        "learner": learner,
        "account": account,
        "form": form,
        "refusal": refusal,
        "year_group": learner.year_group_in(academic_year_of(timezone.localdate())),
        "access_ends_on": access_ends_on(learner.left_on, policy.leaver_grace_days),
    }
    return render(request, "learners/learner_invite.html", context)
