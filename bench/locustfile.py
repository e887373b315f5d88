"""The users of the load run in `bench.load` (run by locust, never imported by the site).

Reads its set-up from the JSON file named by QIC_LOAD_CONFIG: signed-in session cookies (one per
simulated person), the school's URN, past activities and the learners on roll by year group, and
the path of a learner file to import. Three kinds of people work at once:
- readers open the dashboard, the learner and activity lists and an activity's register;
- register keepers save registers: a whole year group present and a few named learners absent;
- one data manager uploads the learner file, waits for the worker's check, confirms, waits for the
  worker to save it, and starts again.
"""

# ruff: noqa: S311 - random choices of pages and learners to simulate people, not secrets

from __future__ import annotations

import itertools
import json
import os
import random
import re
import secrets
import time
from typing import Any

from locust import HttpUser, between, events, task

CONFIG: dict[str, Any] = json.loads(open(os.environ["QIC_LOAD_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
SESSIONS = itertools.cycle(CONFIG["sessions"])
# What is not an HTTP request is kept apart from locust's request figures, so that their p50/p95 are
# of requests only: whole imports timed by the data manager, and register saves refused as stale.
OUTSIDE: dict[str, Any] = {"imports_ms": [], "imports_failed": 0, "stale_refusals": 0}


@events.test_stop.add_listener  # type: ignore[untyped-decorator]
def _write_outside(**_kwargs: Any) -> None:
    with open(CONFIG["outside_path"], "w", encoding="utf-8") as handle:
        json.dump(OUTSIDE, handle)


DIGEST = re.compile(r'name="digest" value="([0-9a-f]+)"')


class Person(HttpUser):
    abstract = True
    wait_time = between(2.0, 6.0)  # a person reads a page before the next click

    def on_start(self) -> None:
        self.client.cookies.set(CONFIG["session_cookie"], next(SESSIONS))
        # An unmasked CSRF secret is accepted both as the cookie and as the posted token.
        self.csrf = secrets.token_hex(16)
        self.client.cookies.set("csrftoken", self.csrf)
        self.base = f"/providers/{CONFIG['urn']}"


class Reader(Person):
    weight = 3

    @task(3)
    def dashboard(self) -> None:
        self.client.get(f"{self.base}/benchmarks/", name="dashboard")

    @task(2)
    def learners(self) -> None:
        self.client.get(f"{self.base}/learners/", name="learner list")

    @task(2)
    def activities(self) -> None:
        self.client.get(f"{self.base}/activities/", name="activity list")

    @task(1)
    def register(self) -> None:
        self.client.get(f"{self.base}/activities/{random.choice(CONFIG['activities'])}/", name="register (read)")


class RegisterKeeper(Person):
    weight = 2

    @task
    def save_register(self) -> None:
        year_group = random.choice(list(CONFIG["learners_by_year_group"]))
        absent = random.sample(CONFIG["learners_by_year_group"][year_group], 5)
        activity = random.choice(CONFIG["activities"])
        with self.client.post(
            f"{self.base}/activities/{activity}/",
            data={
                "csrfmiddlewaretoken": self.csrf,
                "opened_at": f"{time.time():.6f}",
                "year_groups": [year_group],
                "absent": absent,
            },
            allow_redirects=False,
            name="register save",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and "Someone else changed this register" in response.text:
                response.success()  # refused as stale, as it should be: counted apart
                OUTSIDE["stale_refusals"] += 1
            elif response.status_code != 302:
                response.failure(f"register save answered {response.status_code}, not a redirect")


class DataManager(Person):
    fixed_count = 1
    wait_time = between(0.2, 0.5)

    rounds = 0

    @task
    def import_learners(self) -> None:
        # Two files that differ in every forename, in turn: each import changes every row.
        self.rounds += 1
        with open(CONFIG["import_files"][self.rounds % 2], "rb") as handle:
            upload = self.client.post(
                f"{self.base}/learners/import/",
                data={"csrfmiddlewaretoken": self.csrf, "full_import": "partial"},
                files={"file": ("roll.csv", handle, "text/csv")},
                allow_redirects=False,
                name="import upload",
            )
        status_path = upload.headers.get("Location", "")
        if upload.status_code != 302 or not status_path:
            return
        digest = self._wait(status_path, lambda page: DIGEST.search(page))
        if digest is None:
            return
        self.client.post(
            f"{status_path}confirm/",
            data={"csrfmiddlewaretoken": self.csrf, "digest": digest.group(1)},
            allow_redirects=False,
            name="import confirm",
        )
        started = time.perf_counter()
        outcome = self._wait(
            status_path, lambda page: ("Import complete" in page or "Nothing was imported" in page) and page
        )
        # The whole import (the worker's save), kept apart from the request figures; failed unless complete.
        if outcome and "Import complete" in outcome:
            OUTSIDE["imports_ms"].append((time.perf_counter() - started) * 1000)
        else:
            OUTSIDE["imports_failed"] += 1

    def _wait(self, path: str, done: Any) -> Any:
        for _ in range(240):
            page = self.client.get(path, name="import status").text
            if found := done(page):
                return found
            time.sleep(0.5)
        return None
