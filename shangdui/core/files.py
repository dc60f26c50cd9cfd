"""Serving stored media files: byte ranges, which phones' audio players need to seek."""

from __future__ import annotations

import os
import re

from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


def ranged_file_response(request: HttpRequest, path: str, content_type: str) -> HttpResponseBase:
    """The file, or the one byte range the request asks for (206), or 416 for a range outside it.

    Private and never cached: callers check access before calling.
    """
    size = os.path.getsize(path)
    match = _RANGE.match(request.headers.get("Range", ""))
    response: HttpResponseBase
    if match and (match.group(1) or match.group(2)):
        if match.group(1):
            start = int(match.group(1))
            end = min(int(match.group(2)) if match.group(2) else size - 1, size - 1)
        else:
            start, end = max(0, size - int(match.group(2))), size - 1
        if start > end or start >= size:
            refused = HttpResponse(status=416)
            refused["Content-Range"] = f"bytes */{size}"
            return refused
        with open(path, "rb") as handle:
            handle.seek(start)
            body = handle.read(end - start + 1)
        response = HttpResponse(body, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        response = FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=0"
    return response
