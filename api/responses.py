"""Turning an engine Result into an HTTP response, the same way for every route."""

from __future__ import annotations

from fastapi.responses import Response
from plankg.api.engine import Result

TEXT_TYPES = ("text/", "application/n-triples")
TRUNCATED = "X-Plankg-Truncated"
ROWS = "X-Plankg-Rows"
ROW_CAP = "X-Plankg-Row-Cap"


def media_type_header(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith(TEXT_TYPES) else media_type


def limit_headers(result: Result, row_cap: int) -> dict[str, str]:
    headers = {
        TRUNCATED: "true" if result.truncated else "false",
        ROW_CAP: str(row_cap),
        "Server-Timing": f"query;dur={result.elapsed * 1000:.1f}",
    }
    if result.rows is not None:
        headers[ROWS] = str(result.rows)
    return headers


def result_response(result: Result, row_cap: int, *, vary: bool = True, filename: str | None = None) -> Response:
    headers = limit_headers(result, row_cap)
    if vary:
        headers["Vary"] = "Accept"
    if filename:
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return Response(content=result.data, media_type=media_type_header(result.media_type), headers=headers)
