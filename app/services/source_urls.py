"""Which venue source URLs the server may open, and how they are shown.

The sampler opens what an admin typed: without a limit that is a way to make the server fetch
internal addresses. A network source must use a scheme of `source_allowed_schemes` and name a
host of `source_allowed_hosts` (host names, or addresses and networks such as 10.20.0.0/16);
a `file://` source must lie under `source_file_folder`. Nothing is allowed unless configured.
Credentials in a URL are never shown: every response, audit entry and log line carries
`rtsp://***@host/...`, and an admin who sends the masked form back keeps the stored password.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from app.services.errors import Invalid
from app.settings import Settings
from frame_checks.sources import redacted_url

MASK = "***"

__all__ = ["MASK", "check_source_url", "masked", "source_url_problem", "with_stored_credentials"]


def masked(url: str | None) -> str | None:
    return None if url is None else redacted_url(url)


def _host_allowed(host: str, allowed: list[str]) -> bool:
    host = host.lower().rstrip(".")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for entry in allowed:
        entry = entry.strip().lower().rstrip(".")
        if not entry:
            continue
        if address is None:
            if host == entry:
                return True
            continue
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue  # a host name entry never matches an address
    return False


def source_url_problem(url: str, *, settings: Settings) -> str | None:
    """Why the server may not open the URL, or None when it may."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 — raises on a port that is not a number
    except ValueError:
        return "the source URL cannot be read"
    scheme = parts.scheme.lower()
    if scheme == "file":
        folder = settings.source_file_folder
        if folder is None:
            return "file sources are not allowed (no VCWATCH_SOURCE_FILE_FOLDER is set)"
        if host not in ("", "localhost"):
            return "a file source names no host"
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(folder.resolve()):
            return f"file sources must lie under {folder}"
        return None
    if scheme not in {s.lower() for s in settings.source_allowed_schemes}:
        return f"the scheme {scheme!r} is not allowed for sources"
    if not host:
        return "the source URL names no host"
    if not _host_allowed(host, settings.source_allowed_hosts):
        return f"the host {host!r} is not on the sources' allow-list (VCWATCH_SOURCE_ALLOWED_HOSTS)"
    return None


def check_source_url(url: str, *, settings: Settings) -> None:
    problem = source_url_problem(url, settings=settings)
    if problem is not None:
        raise Invalid(problem, field="url", code="venue.source_not_allowed")


def with_stored_credentials(url: str, *, stored: str | None) -> str:
    """The URL sent back with its credentials masked (`***@`) takes the stored ones again."""
    parts = urlsplit(url)
    if "@" not in parts.netloc or parts.netloc.rsplit("@", 1)[0] != MASK:
        return url
    stored_parts = urlsplit(stored) if stored else None
    if stored_parts is None or "@" not in stored_parts.netloc:
        raise Invalid(
            "the URL's credentials are masked but none are stored; type them in full",
            field="url",
            code="venue.credentials_missing",
        )
    credentials = stored_parts.netloc.rsplit("@", 1)[0]
    netloc = f"{credentials}@{parts.netloc.rsplit('@', 1)[1]}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
