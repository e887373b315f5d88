"""Taking an uploaded register: storing the file as a job and queuing the task that imports it
(`start_register_import`).

The job's work (`actions.run_register_import`) saves the register with
`actions.record_participation`, so it stays in actions, below the task that runs it; what queues
the task sits above both: register_uploads → tasks → actions, with no way back.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from qic.core import audit, jobs
from qic.domain import dates
from qic.learners.parsing import LearnerFileError, check_attendance_header
from qic.organisations.models import User
from qic.programme import actions, tasks
from qic.programme.models import Activity, RegisterImport


def start_register_import(
    *, activity: Activity, file_name: str, data: bytes, actor: User, wait: bool = False
) -> RegisterImport:
    """Store a register upload as a job and queue the task that checks and saves it (in one
    transaction: the job and its task are both written, or neither); with `wait`, run it here.

    The two cheap whole-file checks come first and raise LearnerFileError, storing nothing: the
    activity has not happened yet, or the file is not a register (empty, not CSV, no UPN or ULN
    column). Writes the job and an `activity.register_import_started` audit event. Returns the
    job as stored (with `wait`, as it ended).
    """
    if problem := dates.attendance(activity.date, today=timezone.localdate()):
        raise LearnerFileError(problem + ".")
    check_attendance_header(data)
    with transaction.atomic():
        job = RegisterImport.objects.create(
            provider_id=activity.provider_id,
            activity=activity,
            file_name=file_name[:255],
            data=data,
            created_by=actor,
        )
        audit.record(
            actor=actor,
            action="activity.register_import_started",
            obj=job,
            after={"activity_id": activity.pk, "file_name": job.file_name},
            provider_id=activity.provider_id,
        )
        if not wait:
            tasks.import_register_task.enqueue(job_id=job.pk)
    if wait:
        with jobs.running_inline(job.progress_key):
            return actions.run_register_import(job.pk, actor=actor)
    return job
