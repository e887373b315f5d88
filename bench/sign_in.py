"""`make bench`: a self sign-in burst. SIGN_IN_LEARNERS learners, each with their own signed-in
session, sign in to one activity with the code on the screen, all within SIGN_IN_SECONDS, against
gunicorn on loopback (as the load run in `bench.load`). Prints p95 and failures of the sign-in
POST, and checks that every learner is on the register as present, once.

Alone: `DATABASE_URL=sqlite:////tmp/b.sqlite3 QIC_ENV=test python -m bench.sign_in` (an empty
database; it is migrated first).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from bench.load import GUNICORN_WORKERS, row_text, run_load

SIGN_IN_LEARNERS = int(os.environ.get("SIGN_IN_LEARNERS", "200"))
SIGN_IN_SECONDS = int(os.environ.get("SIGN_IN_SECONDS", "60"))
TARGET_P95_MS = 300


def figures(label: str) -> None:
    import datetime as dt
    import logging

    from django.conf import settings
    from django.db import connections
    from django.test import Client
    from django.utils import timezone

    from qic.domain.academic import academic_year_of
    from qic.learners.models import Learner, LearnerAccessPolicy, LearnerAccount
    from qic.organisations.models import Membership, Provider, Role, User, sign_in_address
    from qic.programme import actions, sign_in
    from qic.programme.models import Activity, LearnerSignIn, Participation

    logging.getLogger("axes").setLevel(logging.WARNING)
    today = timezone.localdate()
    year = academic_year_of(today)
    provider = Provider.objects.create(urn=999803, name="Sign-in Academy", provider_type="secondary")
    leader = User.objects.create_user("signin.bench@example.org", "bench-password-123")
    Membership.objects.create(user=leader, role=Role.CAREERS_LEADER, provider=provider)
    LearnerAccessPolicy.objects.create(provider=provider, year_groups=[10])
    learners = Learner.objects.bulk_create(
        [
            Learner(
                provider=provider,
                upn=f"B{n:012d}",
                forename=f"Pupil{n}",
                surname="Bench",
                date_of_birth=dt.date(year - 15, 1, 15),
                sex="F",
                year_group=10,
                year_group_recorded_in=year,
            )
            for n in range(SIGN_IN_LEARNERS)
        ]
    )
    sessions = []
    for learner in Learner.objects.filter(provider=provider).order_by("pk"):
        name = f"pupil{learner.pk}.bench"
        user = User.objects.create_user(sign_in_address(name), "bench-password-123")
        Membership.objects.create(user=user, role=Role.LEARNER, provider=provider)
        LearnerAccount.objects.create(user=user, learner=learner, sign_in_name=name)
        client = Client()
        client.force_login(user)
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    activity = actions.save_activity(
        activity=Activity(
            provider=provider,
            title="Careers fair",
            activity_type="employer_encounter",
            subtype="talk",
            date=today,
            year_groups=[10],
            shared_purpose=True,
            preparation=True,
            two_way=True,
            extensive_interaction=True,
            range_of_people=True,
            reflection=True,
        ),
        criteria=None,
        actor=leader,
    )
    _window, code = sign_in.open_window(activity=activity, minutes=120, actor=leader)
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "sign_in.json"
        config.write_text(
            json.dumps({"session_cookie": settings.SESSION_COOKIE_NAME, "sessions": sessions, "code": code})
        )
        connections.close_all()
        # Everyone has started (and signed in) well within SIGN_IN_SECONDS; the run lasts a little
        # longer so that the last of them finish.
        result = run_load(
            Path(tmp),
            config,
            locustfile="locust_sign_in.py",
            users=len(learners),
            spawn_rate=len(learners) / (SIGN_IN_SECONDS * 0.8),
            seconds=SIGN_IN_SECONDS + 5,
        )
    signed = LearnerSignIn.objects.filter(activity=activity).count()
    present = Participation.objects.filter(activity=activity, attended=True).count()
    row = result["rows"].get("POST sign in")
    print(
        f"[{label}] self sign-in burst: {len(learners)} learners signing in to one activity within "
        f"{SIGN_IN_SECONDS} s against gunicorn ({GUNICORN_WORKERS} workers) on loopback"
    )
    if row is not None:
        print(f"[{label}]   {'sign-in POST':<28} {row_text(row)} (target: p95 under {TARGET_P95_MS} ms, 0 failures)")
    total = result["rows"].get("Aggregated")
    if total is not None:
        print(f"[{label}]   {'all requests':<28} {row_text(total)}")
    print(
        f"[{label}]   signed in {signed} of {len(learners)}, present on the register {present}; server log: "
        f"{result['server_errors']} server errors, {result['locked']} 'database is locked'"
    )


if __name__ == "__main__":
    import io

    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qic.settings")
    django.setup()
    call_command("migrate", verbosity=0)
    call_command(
        "load_framework", str(Path(__file__).resolve().parent.parent / "qic/frameworks/data"), stdout=io.StringIO()
    )
    figures(sys.argv[1] if len(sys.argv) > 1 else "sign-in")
