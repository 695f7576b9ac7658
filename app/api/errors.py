"""One error shape for every refusal:
`{"detail": [{"loc": [...], "msg": ..., "type": ..., "code": ...}]}` — `code` is stable and machine
readable (the pages translate it), `msg` is an English explanation for API users and logs."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from app.api import pages
from app.services.errors import ServiceError


class ErrorDetail(BaseModel):
    loc: list[str | int]
    msg: str
    type: str
    code: str | None = None


class ErrorBody(BaseModel):
    detail: list[ErrorDetail]


def error_response(
    status: int,
    *,
    msg: str,
    loc: list[str | int],
    kind: str,
    code: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = {"detail": [{"loc": loc, "msg": msg, "type": kind, "code": code or kind}]}
    return JSONResponse(body, status_code=status, headers=headers)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": description}
    for status, description in {
        400: "Bad request",
        401: "Not logged in",
        403: "Not allowed",
        404: "Not found",
        409: "Conflict with the stored record",
        413: "Too large",
        415: "Unsupported media type",
        422: "Invalid input",
        429: "Too many requests",
    }.items()
}


def install(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _service_error(_request: Request, error: ServiceError) -> JSONResponse:
        loc: list[str | int] = [*error.field.split(".")] if error.field else []
        return error_response(
            error.status,
            msg=error.message,
            loc=loc,
            kind=type(error).__name__.lower(),
            code=error.code,
            headers=error.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        details = [
            {
                "loc": [str(p) if not isinstance(p, int) else p for p in e["loc"]],
                "msg": e["msg"],
                "type": e["type"],
                "code": f"invalid.{e['type']}",
            }
            for e in error.errors()
        ]
        return JSONResponse({"detail": details}, status_code=422)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> Response:
        if error.status_code == 404 and pages.wants_page(request):
            return pages.not_found_page()
        return error_response(
            error.status_code,
            msg=str(error.detail),
            loc=[],
            kind="http",
            code=f"http.{error.status_code}",
            headers=dict(error.headers) if error.headers else None,
        )
