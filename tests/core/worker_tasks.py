"""Tasks that only the tests of the real worker (tests/core/test_worker.py) enqueue.

They live outside the test module so that a worker process imports them without importing
pytest's test code; each writes a line to a file named by the test so the test can see that
(and how many times) it started.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task

from qic.core.jobs import retry_if_lost


def _started(marker: str) -> None:
    with Path(marker).open("a") as out:
        out.write(f"{os.getpid()}\n")


@task()
def explode(message: str) -> None:
    raise RuntimeError(message)


@task()
def nap(seconds: float, marker: str) -> str:
    _started(marker)
    time.sleep(seconds)
    return "rested"


@retry_if_lost
@task()
def repeatable_nap(seconds: float, marker: str) -> str:
    """Safe to run again: declared retry_if_lost."""
    _started(marker)
    time.sleep(seconds)
    return "rested"
