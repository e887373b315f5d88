"""Self sign-in to an activity and learners' reflections: the changes, each in one transaction,
each audited. Views on both sides (staff in `qic.programme.sign_in_views`, learners in
`qic.portal.signin_views`) call these; the rules are in `qic.domain.sign_in`.

The code: only its SHA-256 is stored (`SignInWindow.code_hash`). `open_window` returns the
plain code once, to the member of staff opening the window; their view keeps it in their
(server-side, signed) session so the "show in the room" page can show it again while the window
is open. A code shown on a screen is no secret from the room, but a stored code must never let
anyone with a copy of the database sign learners in, and after the window closes it matches
nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from qic.core import audit
from qic.core.actors import SystemActor
from qic.domain import sign_in as rules
from qic.learners.models import Learner
from qic.organisations.models import User
from qic.programme import actions, tallies
from qic.programme.models import (
    Activity,
    ActivityCategory,
    LearnerSignIn,
    Participation,
    Reflection,
    ReflectionSetting,
    SignInFailure,
    SignInWindow,
)


class SignInRefused(ValueError):
    """Why a learner cannot sign in, in words for them."""


class Throttled(Exception):
    """Too many wrong codes from this account or address lately."""


# --- Staff: the window -------------------------------------------------------------------------


def open_window_of(activity: Activity, now: dt.datetime | None = None) -> SignInWindow | None:
    now = now or timezone.now()
    return (
        SignInWindow.objects.filter(activity=activity, closed_at=None, opened_at__lte=now, closes_at__gt=now)
        .order_by("-opened_at")
        .first()
    )


@transaction.atomic
def open_window(*, activity: Activity, minutes: int, actor: User) -> tuple[SignInWindow, str]:
    """Open a sign-in window (closing any still open); returns it and its plain code, once."""
    now = timezone.now()
    refusal = rules.open_refusal(activity.date, today=timezone.localdate(now))
    if refusal:
        raise ValueError(refusal)
    for earlier in SignInWindow.objects.filter(activity=activity, closed_at=None, closes_at__gt=now):
        _close(earlier, actor, now)
    code = rules.new_code()
    window = SignInWindow.objects.create(
        activity=activity,
        code_hash=rules.hash_code(code),
        opened_at=now,
        closes_at=rules.closes_at(now, minutes),
        opened_by=actor,
    )
    audit.record(
        actor=actor,
        action="activity.sign_in_opened",
        obj=window,
        after={"activity": activity.pk, "closes_at": window.closes_at.isoformat()},
        provider_id=activity.provider_id,
    )
    return window, code


def _close(window: SignInWindow, actor: User, now: dt.datetime) -> None:
    window.closed_at = now
    window.closed_by = actor
    window.save(update_fields=["closed_at", "closed_by"])
    audit.record(
        actor=actor,
        action="activity.sign_in_closed",
        obj=window,
        after={"activity": window.activity_id, "signed_in": window.sign_ins.count()},
        provider_id=window.activity.provider_id,
    )


@transaction.atomic
def close_window(*, window: SignInWindow, actor: User) -> None:
    if window.closed_at is None:
        _close(window, actor, timezone.now())


# --- Learners: signing in ----------------------------------------------------------------------


def _client_ip(ip: str | None) -> str | None:
    return ip or None


def is_throttled(*, user: User, ip: str | None, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    since = now - dt.timedelta(minutes=rules.THROTTLE_MINUTES)
    by_account = SignInFailure.objects.filter(user=user, at__gt=since).count()
    by_address = SignInFailure.objects.filter(ip=ip, at__gt=since).count() if ip else 0
    return rules.throttled(by_account, by_address)


def on_register_list(activity: Activity, learner: Learner) -> bool:
    """Eligible to sign in: a learner of the activity's provider, on roll, who is already on its
    register (marked either way) or in one of its year groups in the activity's academic year."""
    if learner.provider_id != activity.provider_id or learner.left_on is not None or learner.anonymised:
        return False
    if Participation.objects.filter(activity=activity, learner=learner).exists():
        return True
    year_groups = {int(y) for y in activity.year_groups or []}
    return learner.year_group_in(activity.academic_year) in year_groups


def find_window(code: str, *, user: User, ip: str | None) -> SignInWindow:
    """The open window this code belongs to. A wrong, closed or expired code is a failure
    counted against the account and the address; Throttled once there are too many."""
    ip = _client_ip(ip)
    if is_throttled(user=user, ip=ip):
        raise Throttled
    now = timezone.now()
    window = (
        SignInWindow.objects.select_related("activity")
        .filter(
            code_hash=rules.hash_code(code),
            closed_at=None,
            opened_at__lte=now,
            closes_at__gt=now,
            activity__removed_at=None,
        )
        .first()
    )
    if window is None or len(rules.normalise_code(code)) != rules.CODE_LENGTH:
        SignInFailure.objects.create(user=user, ip=ip, at=now)
        raise SignInRefused("That code is not right, or signing in has closed. Check the code on the screen.")
    return window


@transaction.atomic
def sign_in(*, window: SignInWindow, learner: Learner, how: str, actor: User) -> LearnerSignIn:
    """Sign the learner in and mark them present on the register (the register's own action,
    so the figures change at once). Once each; only while open; only if on the register list."""
    activity = window.activity
    already = LearnerSignIn.objects.filter(activity=activity, learner=learner).exists()
    refusal = rules.sign_in_refusal(
        window_open=window.is_open(timezone.now()) and activity.removed_at is None,
        on_register_list=on_register_list(activity, learner),
        already_signed_in=already,
    )
    if refusal:
        raise SignInRefused(refusal)
    try:
        with transaction.atomic():
            signed = LearnerSignIn.objects.create(window=window, activity=activity, learner=learner, how=how)
    except IntegrityError:  # a second tap arriving at the same moment
        raise SignInRefused("You have already signed in to this activity.") from None
    try:
        actions.record_participation(activity=activity, attended=[learner.pk], absent=[], actor=actor)
    except actions.AttendanceRefused as exc:
        raise SignInRefused(str(exc)) from None
    audit.record(
        actor=actor,
        action="activity.self_signed_in",
        obj=signed,
        after={"activity": activity.pk, "how": how},
        provider_id=activity.provider_id,
        learner_id=learner.pk,
    )
    return signed


@transaction.atomic
def override_sign_in(*, signed: LearnerSignIn, actor: User) -> None:
    """Staff: the learner signed in but was not there. The register marks them absent."""
    if signed.overridden_at is not None:
        return
    actions.record_participation(activity=signed.activity, attended=[], absent=[signed.learner_id], actor=actor)
    signed.overridden_at = timezone.now()
    signed.overridden_by = actor
    signed.save(update_fields=["overridden_at", "overridden_by"])
    audit.record(
        actor=actor,
        action="activity.sign_in_overridden",
        obj=signed,
        after={"activity": signed.activity_id, "attended": False},
        provider_id=signed.activity.provider_id,
        learner_id=signed.learner_id,
    )


# --- Reflections -------------------------------------------------------------------------------

REFLECTION_FIELDS = ("learnt", "next_step", "rating", "hidden_at", "hidden_reason")


def attended(activity: Activity, learner: Learner) -> bool:
    return Participation.objects.filter(activity=activity, learner=learner, attended=True).exists()


def _refresh_for(activity: Activity, learner_ids: list[int]) -> None:
    if activity.needs_own_reflection:
        categories = list(ActivityCategory.objects.filter(activity=activity).values_list("category", flat=True))
        tallies.refresh(learner_ids, year=activity.academic_year, categories=categories)


@transaction.atomic
def save_reflection(
    *, activity: Activity, learner: Learner, learnt: str, next_step: str, rating: int, actor: User
) -> Reflection:
    """Write or change the learner's reflection on an activity they attended; audited; their
    tallies follow when the activity needs their own reflection."""
    if not attended(activity, learner):
        raise ValueError("Only a learner who took part can reflect on an activity")
    current = Reflection.objects.select_for_update().filter(activity=activity, learner=learner).first()
    before = audit.snapshot(current, REFLECTION_FIELDS) if current else None
    reflection = current or Reflection(activity=activity, learner=learner)
    reflection.learnt, reflection.next_step, reflection.rating = learnt, next_step, rating
    reflection.full_clean(exclude=["activity", "learner", "hidden_by"])
    reflection.save()
    _refresh_for(activity, [learner.pk])
    audit.record(
        actor=actor,
        action="reflection.updated" if before else "reflection.written",
        obj=reflection,
        before=before,
        after=audit.snapshot(reflection, REFLECTION_FIELDS),
        provider_id=activity.provider_id,
        learner_id=learner.pk,
    )
    return reflection


def hide_reflection(*, reflection: Reflection, reason: str, actor: User | SystemActor) -> None:
    """A careers leader hides a reflection (safeguarding): it no longer counts or shows."""
    _set_hidden(reflection, hidden=True, reason=reason, actor=actor)


def unhide_reflection(*, reflection: Reflection, actor: User | SystemActor) -> None:
    _set_hidden(reflection, hidden=False, reason="", actor=actor)


@transaction.atomic
def _set_hidden(reflection: Reflection, *, hidden: bool, reason: str, actor: User | SystemActor) -> None:
    """Hide or show again; the learner's tallies follow, and the change is audited."""
    before = audit.snapshot(reflection, REFLECTION_FIELDS)
    reflection.hidden_at = timezone.now() if hidden else None
    reflection.hidden_by = actor if hidden and isinstance(actor, User) else None
    reflection.hidden_reason = reason
    reflection.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _refresh_for(reflection.activity, [reflection.learner_id])
    audit.record(
        actor=actor,
        action="reflection.hidden" if hidden else "reflection.unhidden",
        obj=reflection,
        before=before,
        after=audit.snapshot(reflection, REFLECTION_FIELDS),
        provider_id=reflection.activity.provider_id,
        learner_id=reflection.learner_id,
    )


@transaction.atomic
def set_reflection_default(*, provider_id: int, needs_own_reflection: bool, actor: User) -> ReflectionSetting:
    """The careers leader's default for new activities; audited. Existing activities keep theirs."""
    setting, _ = ReflectionSetting.objects.select_for_update().get_or_create(provider_id=provider_id)
    before = audit.snapshot(setting, ("needs_own_reflection",))
    setting.needs_own_reflection = needs_own_reflection
    setting.changed_by = actor
    setting.save()
    audit.record(
        actor=actor,
        action="programme.reflection_default_changed",
        obj=setting,
        before=before,
        after=audit.snapshot(setting, ("needs_own_reflection",)),
        provider_id=provider_id,
    )
    return setting
