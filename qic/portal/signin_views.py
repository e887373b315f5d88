"""A learner signs in to an activity with the code on the screen, then writes a reflection.

Both pages are behind `require_learner` and work on the signed-in learner's own record: the
activity in a reflection's URL must be one they attended, or the page is not found.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from qic.accounts.lockout import client_ip
from qic.domain import sign_in as rules
from qic.learners.access import own_learner, require_learner
from qic.programme import sign_in, sign_in_queries
from qic.programme.models import LearnerSignIn
from qic.programme.sign_in_forms import ReflectionForm, SignInCodeForm

THROTTLED = (
    "You have typed too many wrong codes. Wait {minutes} minutes, then try again. "
    "If the code on the screen does not work, ask the teacher."
)


@require_learner
@require_http_methods(["GET", "POST"])
def activity_sign_in(request: HttpRequest, code: str = "") -> HttpResponse:
    """Type the code (or arrive from the QR code with it filled in), then press the button."""
    learner = own_learner(request.user)
    how = LearnerSignIn.How.QR if code else LearnerSignIn.How.CODE
    form = SignInCodeForm(request.POST or None, initial={"code": code[:20], "how": how})
    if request.method == "POST" and form.is_valid():
        how = LearnerSignIn.How.QR if form.cleaned_data["how"] == LearnerSignIn.How.QR else LearnerSignIn.How.CODE
        try:
            window = sign_in.find_window(form.cleaned_data["code"], user=request.user, ip=client_ip(request))  # type: ignore[arg-type]
            signed = sign_in.sign_in(window=window, learner=learner, how=how, actor=request.user)  # type: ignore[arg-type]
        except sign_in.Throttled:
            return render(
                request,
                "portal/activity_sign_in_throttled.html",
                {"message": THROTTLED.format(minutes=rules.THROTTLE_MINUTES)},
                status=429,
            )
        except sign_in.SignInRefused as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(request, f"You are signed in to {signed.activity.title}.")
            return redirect("portal:reflection", activity_id=signed.activity_id)
    return render(request, "portal/activity_sign_in.html", {"form": form})


@require_learner
@require_http_methods(["GET", "POST"])
def reflection(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Write or change my reflection on an activity I took part in."""
    learner = own_learner(request.user)
    activity = sign_in_queries.attended_activity(learner, activity_id)
    if activity is None:
        raise Http404("You did not take part in this activity")
    current = sign_in_queries.own_reflection(activity, learner)
    initial = {"learnt": current.learnt, "next_step": current.next_step, "rating": current.rating} if current else {}
    form = ReflectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        sign_in.save_reflection(
            activity=activity,
            learner=learner,
            learnt=form.cleaned_data["learnt"],
            next_step=form.cleaned_data["next_step"],
            rating=form.cleaned_data["rating"],
            actor=request.user,  # type: ignore[arg-type]
        )
        messages.success(request, "Thank you. Your reflection is saved.")
        return redirect("portal:reflection", activity_id=activity.pk)
    return render(
        request,
        "portal/reflection.html",
        {
            "form": form,
            "activity": activity,
            "reflection": current,
            "needs_own_reflection": activity.needs_own_reflection,
        },
    )
