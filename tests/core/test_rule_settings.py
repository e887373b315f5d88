"""Settings that change a rule are checked when the site starts, with a message naming the setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def check_with(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "qic.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("QIC_BM6_EXPERIENCES_BY_16", "0", "QIC_BM6_EXPERIENCES_BY_16 must be a whole number from 1 to 10"),
        ("QIC_BM6_EXPERIENCES_BY_16", "two", "QIC_BM6_EXPERIENCES_BY_16 must be a whole number from 1 to 10"),
        ("QIC_BM6_EXPERIENCES_BY_16", "²", "QIC_BM6_EXPERIENCES_BY_16 must be a whole number from 1 to 10"),
        ("QIC_WORK_EXPERIENCE_TARGET_HOURS", "fifty", "QIC_WORK_EXPERIENCE_TARGET_HOURS must be a number of hours"),
        ("QIC_WORK_EXPERIENCE_TARGET_HOURS", "0", "must be more than 0 and at most 500"),
    ],
)
def test_a_bad_rule_setting_stops_the_site_starting(name: str, value: str, message: str) -> None:
    result = check_with(**{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_sensible_rule_settings_start() -> None:
    result = check_with(QIC_BM6_EXPERIENCES_BY_16="3", QIC_WORK_EXPERIENCE_TARGET_HOURS="60")
    assert result.returncode == 0, result.stderr
