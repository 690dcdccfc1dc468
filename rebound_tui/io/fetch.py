"""Read a job posting page from a saved file or from the web (http/https only).

A fetch has a timeout (for connecting and for each read) and a size cap: a page larger than
`MAX_PAGE_BYTES` is refused rather than read into memory. Only `http://` and `https://`
addresses are fetched (no `file:`, `ftp:` or `data:` through a URL); redirects are followed by
urllib and must stay on http/https. Errors are one-line `InputError`s (exit 2).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from rebound_tui import __version__
from rebound_tui.io import InputError, decode_text, read_input

TIMEOUT_SECONDS = 15.0
MAX_PAGE_BYTES = 5 * 1024 * 1024  # real posting pages are 50-800 KB
USER_AGENT = f"rebound-tui/{__version__} (job posting import)"
CHUNK = 64 * 1024


def is_url(text: str) -> bool:
    """An address rather than a file: it has a scheme (`https://...`, also `ftp://`, refused)."""
    return "://" in text or text.lower().startswith(("http:", "https:"))


class _SafeRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[override]
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise InputError(f"{req.full_url} redirects to {newurl!r}: only http(s) is fetched")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _charset(content_type: str | None) -> str:
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"' ")
    return "utf-8"


def fetch(url: str, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_PAGE_BYTES) -> str:
    """The page at `url` as text; InputError for a bad address, a failure, or a page too big."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(f"bad address {url!r}: give an http:// or https:// address, or a file")
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"}
    )
    opener = urllib.request.build_opener(_SafeRedirects())
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise InputError(
                    f"{url} is too large ({int(length):,} bytes; at most {max_bytes:,})"
                )
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise InputError(f"{url} is too large (over {max_bytes:,} bytes)")
                chunks.append(chunk)
            charset = _charset(response.headers.get("Content-Type"))
    except InputError:
        raise
    except urllib.error.HTTPError as exc:
        raise InputError(f"cannot fetch {url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            raise InputError(f"cannot fetch {url}: no answer within {timeout:g} s") from None
        raise InputError(f"cannot fetch {url}: {reason}") from None
    except TimeoutError:
        raise InputError(f"cannot fetch {url}: no answer within {timeout:g} s") from None
    except (OSError, ValueError) as exc:  # connection reset, bad status line, bad port...
        raise InputError(f"cannot fetch {url}: {exc}") from None
    raw = b"".join(chunks)
    try:
        return raw.decode(charset, errors="replace")
    except LookupError:
        return raw.decode("utf-8", errors="replace")


def read_page(source: str, **kwargs: float | int) -> tuple[str, str | None]:
    """(text, the URL it came from or None) for a file path or an http(s) address."""
    if is_url(source):
        return fetch(source, **kwargs), source  # type: ignore[arg-type]
    path = Path(source).expanduser()
    raw = read_input(path, "saved job posting page")
    if len(raw) > MAX_PAGE_BYTES:
        raise InputError(f"{path} is too large for a posting page ({len(raw):,} bytes)")
    return decode_text(raw, path, fallback="cp1252"), None
