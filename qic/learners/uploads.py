"""Refusing an upload over its limit before it is read: a learner file over
QIC_LEARNER_IMPORT_MAX_BYTES, a register over QIC_REGISTER_IMPORT_MAX_BYTES.

Django reads a multipart body, and every file in it, before a view (or the API's parameter
parsing) runs. For the API's learner and register imports this middleware answers 413 first:

- when the request says (Content-Length) that its body is over the limit plus room for the
  multipart headers: nothing of the body is read;
- otherwise the body is parsed with a handler in front of the others that counts the bytes of
  the file parts and stops reading as soon as they pass the limit (within one chunk), without
  reading the rest. A Content-Length that understates the body cannot get more in: Django
  never reads past it, and a body with no Content-Length is read as empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.html import escape

from qic.learners.imports import size_limit_problem

IMPORT_PATH = re.compile(r"^/api/v1/providers/[^/]+/learners/import/?$")
REGISTER_IMPORT_PATH = re.compile(r"^/api/v1/providers/[^/]+/activities/[^/]+/attendance/?$")
# The upload pages (learner import, register import, the Consortium's GIAS import): a body whose
# declared length is over the page's limit is refused before it is read, with a short page; a
# smaller lie is caught by the page's own form, which checks the file's size before parsing it.
PAGE_PATHS = (
    (re.compile(r"^/providers/[^/]+/learners/import/$"), "QIC_LEARNER_IMPORT_MAX_BYTES"),
    (re.compile(r"^/providers/[^/]+/activities/[^/]+/attendance/$"), "QIC_REGISTER_IMPORT_MAX_BYTES"),
    (re.compile(r"^/consortium/gias/$"), "GIAS_UPLOAD_MAX_BYTES"),
)
# The multipart framing around the file (boundaries, part headers, a file name) is far smaller.
MULTIPART_ROOM = 64 * 1024
# Small chunks, so that a body past the limit is stopped within a few kilobytes of it.
CHUNK_SIZE = 8 * 1024


class _OverLimit(FileUploadHandler):
    """Counts the bytes of every file part; past `limit`, stops reading the body."""

    chunk_size = CHUNK_SIZE

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.seen = 0
        self.refused = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.seen += len(raw_data)
        if self.seen > self.limit:
            self.refused = True
            # connection_reset: the parser does not read (exhaust) the rest of the body.
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def too_large(problem: str) -> JsonResponse:
    """The API's 413: the same shape as any answer about an import, with no job."""
    return JsonResponse(
        {
            "id": None,
            "status": "refused",
            "status_url": None,
            "full_import": False,
            "total_rows": 0,
            "progress": None,
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "left": 0,
            "roll": 0,
            "leaving": [],
            "error_count": 1,
            "errors": [{"line": 0, "reason": problem}],
        },
        status=413,
    )


def register_size_problem() -> str:
    """Why a register over QIC_REGISTER_IMPORT_MAX_BYTES is refused (the form says the same)."""
    megabytes = settings.QIC_REGISTER_IMPORT_MAX_BYTES // (1024 * 1024)
    return f"The file must be smaller than {megabytes} MB. Nothing was saved."


def register_too_large(problem: str) -> JsonResponse:
    """The API's 413 for a register: the shape of a register import job, with no job."""
    return JsonResponse(
        {
            "id": None,
            "status": "refused",
            "status_url": None,
            "total_rows": 0,
            "progress": None,
            "present": 0,
            "absent": 0,
            "added": 0,
            "changed": 0,
            "error_count": 0,
            "errors": [],
            "message": problem,
        },
        status=413,
    )


def _learner_answer(size: int) -> JsonResponse:
    return too_large(size_limit_problem(size) or "")


def _register_answer(size: int) -> JsonResponse:
    return register_too_large(register_size_problem())


class LearnerImportSizeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        if request.method == "POST" and IMPORT_PATH.match(request.path_info):
            refused = self.refuse(request)
            if refused is not None:
                return refused
        elif request.method == "POST" and REGISTER_IMPORT_PATH.match(request.path_info):
            refused = self.refuse(request, limit=settings.QIC_REGISTER_IMPORT_MAX_BYTES, answer=_register_answer)
            if refused is not None:
                return refused
        if request.method == "POST":
            for path, setting in PAGE_PATHS:
                if path.match(request.path_info):
                    refused_page = self.refuse_page(request, getattr(settings, setting))
                    if refused_page is not None:
                        return refused_page
        return self.get_response(request)

    @staticmethod
    def refuse_page(request: HttpRequest, limit: int) -> HttpResponse | None:
        """Without this, Django would read a body of any declared size to a temporary file
        before the page's form could say the file is too large."""
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared <= limit + MULTIPART_ROOM:
            return None
        megabytes = limit // (1024 * 1024)
        back = escape(request.path_info)
        return HttpResponse(
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>The file is too large</title></head><body>"
            "<h1>The file is too large</h1>"
            f"<p>The file must be smaller than {megabytes} MB. Nothing was imported.</p>"
            f'<p><a href="{back}">Go back and choose another file</a></p></body></html>',
            status=413,
            content_type="text/html; charset=utf-8",
        )

    @staticmethod
    def refuse(
        request: HttpRequest, *, limit: int | None = None, answer: Callable[[int], JsonResponse] = _learner_answer
    ) -> JsonResponse | None:
        """413 (`answer(size)`) for a body over `limit` (default: the learner file's), before
        reading it when its declared length says so, else as soon as its file parts pass it."""
        limit = settings.QIC_LEARNER_IMPORT_MAX_BYTES if limit is None else limit
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit + MULTIPART_ROOM:
            # Over the limit even allowing for the framing: refused before reading a byte.
            return answer(declared - MULTIPART_ROOM)
        counter = _OverLimit(request, limit)
        request.upload_handlers = [counter, *request.upload_handlers]
        if request.content_type == "multipart/form-data":
            try:
                request.FILES  # noqa: B018 - parse now, through the counter, before anything else reads the body
            except MultiPartParserError as exc:
                return JsonResponse(
                    {"detail": f"The upload could not be read as multipart form data: {exc}"}, status=400
                )
        if counter.refused:
            return answer(counter.seen)
        return None
