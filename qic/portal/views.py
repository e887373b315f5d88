"""A learner's own pages: their careers record, in plain words for ages 11 to 18.

Every view here is behind `require_learner` and reads the learner from `own_learner(request.user)`:
no URL names a learner, so no learner can ask for another's record.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qic.accounts.lockout import client_ip
from qic.learners import codes
from qic.learners.access import own_learner, require_learner
from qic.portal.forms import ChoosePasswordForm, StartCodeForm
from qic.programme.learner_record import learner_record


@require_learner
def home(request: HttpRequest) -> HttpResponse:
    """My careers record: interviews, what they took part in and where they stand this year."""
    learner = own_learner(request.user)
    record = learner_record(learner, timezone.localdate())
    return render(request, "portal/home.html", {"learner": learner, "record": record})


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/start_throttled.html", {"message": codes.THROTTLED}, status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, code: str = "") -> HttpResponse:
    """First time in: the learner types the code from their slip or email, then chooses a password
    and is signed in. Wrong codes are counted per address and refused after too many."""
    ip = client_ip(request)
    # A code typed into the form wins; otherwise the one in the address (the email's link).
    typed = request.POST.get("code", "") or code
    if not typed:
        return render(request, "portal/start.html", {"form": StartCodeForm()})
    if codes.throttled(ip):
        return _too_many(request)
    sign_in_code, problem = codes.check_code(typed)
    if sign_in_code is None:
        if problem == codes.WRONG:
            codes.record_failure(ip)
            if codes.throttled(ip):
                return _too_many(request)
        form = StartCodeForm({"code": typed})
        form.is_valid()
        form.add_error("code", problem)
        return render(request, "portal/start.html", {"form": form}, status=400 if request.POST.get("code") else 404)
    account = sign_in_code.account
    password_form = ChoosePasswordForm(
        request.POST if "password" in request.POST else None, user=account.user, initial={"code": typed}
    )
    if "password" in request.POST and password_form.is_valid():
        user = codes.redeem(code=sign_in_code, password=password_form.cleaned_data["password"])
        if user is None:
            form = StartCodeForm({"code": typed})
            form.is_valid()
            form.add_error("code", codes.EXPIRED)
            return render(request, "portal/start.html", {"form": form}, status=400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your password is set. You are signed in.")
        return redirect("portal:home")
    return render(
        request,
        "portal/start_password.html",
        {"form": password_form, "account": account, "learner": account.learner},
    )
