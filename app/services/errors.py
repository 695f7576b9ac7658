"""Errors of the use cases, each carrying its HTTP status, a stable machine code and the field it
concerns. The pages translate the code (never the English message) into the user's language."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400
    headers: dict[str, str] | None = None

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or type(self).__name__.lower()


class Invalid(ServiceError):
    status = 422


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class Forbidden(ServiceError):
    status = 403
