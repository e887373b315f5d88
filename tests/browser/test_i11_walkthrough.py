"""Issue 11 walk-through: a careers leader's learner import and the Consortium's GIAS import as
real queued jobs (database backend, the worker command run between steps), watched in a browser:
the waiting page polls, the worker's result appears without a reload, polling stops when the job
ends, the pages pass axe and fit a 390 px phone. Screenshots go to QIC_SHOTS if it is set."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from qic.learners.models import Learner, LearnerImport
from qic.organisations.models import GiasImport
from qic.programme.models import Participation, RegisterImport
from tests.browser.test_data_safety import check_page
from tests.browser.test_roles import sign_in
from tests.browser.test_workspace import CSV_HEADER, Workspace, born_for, upload_learners, upn, workspace  # noqa: F401
from tests.conftest import Cast
from tests.core.test_mail_tasks import DATABASE_BACKEND, run_worker

GIAS_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "gias" / "edubasealldata20250101.csv"


def shot(page: Any, name: str) -> None:
    folder = os.environ.get("QIC_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def polling(page: Any, selector: str) -> bool:
    return page.locator(f"{selector}[hx-trigger]").count() > 0


def test_a_queued_learner_import_waits_then_previews_then_saves(
    cast: Cast,
    workspace: Workspace,  # noqa: F811
    page: Any,
    settings: Any,
) -> None:
    settings.TASKS = {"default": DATABASE_BACKEND}
    sign_in(page, workspace.site, cast.p1_leader.email)
    born = born_for(9).strftime("%d/%m/%Y")
    upload_learners(
        page, workspace, "learnerexportfromthemis20261203.csv", CSV_HEADER + f"{upn(10)},Dev,Patel,{born},M,9\r\n"
    )
    job = LearnerImport.objects.get()
    assert job.status == LearnerImport.Status.PENDING
    assert polling(page, "#import-progress")
    assert "Waiting to start checking" in page.locator("#import-progress").inner_text()
    shot(page, "1-learner-import-waiting")
    check_page(page)

    run_worker()  # the check
    page.get_by_text("Check what this import will do").wait_for(timeout=10_000)
    assert not polling(page, "#import-progress")
    shot(page, "2-learner-import-preview")
    check_page(page)

    page.get_by_role("button", name="Confirm and import").click()
    page.wait_for_url(re.compile(r"/learners/import/\d+/$"))
    assert polling(page, "#import-progress")
    shot(page, "3-learner-import-saving")
    check_page(page)

    run_worker()  # the save
    page.get_by_text("Import complete").wait_for(timeout=10_000)
    assert not polling(page, "#import-progress")
    shot(page, "4-learner-import-done")
    check_page(page)
    assert Learner.objects.filter(provider=cast.p1, surname="Patel").exists()


def test_a_queued_gias_import_waits_then_shows_its_result(
    cast: Cast, live_server: Any, page: Any, settings: Any
) -> None:
    settings.TASKS = {"default": DATABASE_BACKEND}
    sign_in(page, live_server.url, cast.consortium.email)
    page.goto(f"{live_server.url}/consortium/gias/")
    check_page(page)
    shot(page, "5-gias-upload")
    page.locator("input[type=file]").set_input_files(str(GIAS_FILE))
    page.locator("form button.govuk-button").first.click()
    page.wait_for_url(re.compile(r"/consortium/gias/\d+/$"))
    assert GiasImport.objects.get().status == GiasImport.Status.PENDING
    assert polling(page, "#gias-import-progress")
    shot(page, "6-gias-waiting")
    check_page(page)

    run_worker()
    page.wait_for_function("() => !document.querySelector('#gias-import-progress[hx-trigger]')", timeout=10_000)
    assert GiasImport.objects.get().status == GiasImport.Status.DONE
    shot(page, "7-gias-done")
    check_page(page)


def upload_register(page: Any, ws: Workspace, csv_text: str) -> None:
    page.goto(f"{ws.base}/activities/{ws.activity.pk}/attendance/")
    page.get_by_label("Attendance register (CSV)").set_input_files(
        files=[{"name": "careers-fair-register.csv", "mimeType": "text/csv", "buffer": csv_text.encode()}]
    )
    page.get_by_role("button", name="Import register").click()
    page.wait_for_url(re.compile(r"/attendance/import/\d+/$"))


def test_a_queued_register_import_waits_then_shows_its_rows_to_fix_then_saves(
    cast: Cast,
    workspace: Workspace,  # noqa: F811
    page: Any,
    settings: Any,
) -> None:
    settings.TASKS = {"default": DATABASE_BACKEND}
    sign_in(page, workspace.site, cast.p1_leader.email)
    amara, bartek = workspace.learners[:2]
    upload_register(page, workspace, f"UPN,Attended\r\n{amara.upn},Y\r\n{upn(99)},Y\r\n")
    assert RegisterImport.objects.get().status == RegisterImport.Status.QUEUED
    assert polling(page, "#import-progress")
    assert "Waiting to start checking" in page.locator("#import-progress").inner_text()
    # The page is not reloaded while it waits: a mark set on this window is still there after.
    page.evaluate("window.qicNotReloaded = true")
    check_page(page)
    shot(page, "8-register-waiting")

    run_worker()
    page.get_by_text("Nothing was saved: 1 row to fix").wait_for(timeout=10_000)
    assert not polling(page, "#import-progress")
    assert page.evaluate("window.qicNotReloaded === true")
    assert f"Line 3: no learner on your roll has {upn(99)}" in page.locator(".govuk-error-summary").inner_text()
    assert not Participation.objects.exists()
    check_page(page)
    shot(page, "9-register-rows-to-fix")

    # Upload a corrected file from the same page.
    page.get_by_label("Attendance register (CSV)").set_input_files(
        files=[
            {
                "name": "careers-fair-register.csv",
                "mimeType": "text/csv",
                "buffer": f"UPN,Attended\r\n{amara.upn},Y\r\n{bartek.upn},N\r\n".encode(),
            }
        ]
    )
    page.get_by_role("button", name="Import register").click()
    page.wait_for_url(re.compile(r"/attendance/import/\d+/$"))
    assert polling(page, "#import-progress")
    run_worker()
    page.get_by_text("Register imported").wait_for(timeout=10_000)
    assert not polling(page, "#import-progress")
    assert "1 present, 1 absent (2 added, 0 changed)" in page.locator("#import-progress").inner_text()
    check_page(page)
    shot(page, "10-register-saved")
    page.get_by_role("link", name="See the register").click()
    page.wait_for_url(re.compile(r"/activities/\d+/$"))
    register = page.get_by_role("table", name="Register").inner_text()
    assert "Okafor, Amara" in register
    assert "Nowak, Bartek" in register
