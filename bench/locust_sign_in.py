"""The learners of the self sign-in burst in `bench.sign_in` (run by locust, never imported by the site).

Each simulated learner takes their own signed-in session, opens the sign-in page and posts the
code once (as from a phone), then waits out the run.
"""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

from locust import HttpUser, constant

CONFIG: dict[str, Any] = json.loads(open(os.environ["QIC_LOAD_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
SESSIONS = iter(CONFIG["sessions"])


class Learner(HttpUser):
    wait_time = constant(3600)  # once signed in, a learner does nothing more in this run

    def on_start(self) -> None:
        session = next(SESSIONS, None)
        if session is None:
            return
        self.client.cookies.set(CONFIG["session_cookie"], session)
        # An unmasked CSRF secret is accepted both as the cookie and as the posted token.
        csrf = secrets.token_hex(16)
        self.client.cookies.set("csrftoken", csrf)
        self.client.get("/my/sign-in/", name="sign-in page")
        with self.client.post(
            "/my/sign-in/",
            {"code": CONFIG["code"], "csrfmiddlewaretoken": csrf},
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302 and "/my/reflections/" in response.headers.get("Location", ""):
                response.success()
            else:
                response.failure(f"sign-in answered {response.status_code}")

    def noop(self) -> None:
        pass

    tasks = [noop]
