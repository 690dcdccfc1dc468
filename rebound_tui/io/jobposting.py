"""A job posting page's schema.org `JobPosting` (JSON-LD): title, company, location, url, days.

Greenhouse, Lever, Workday, LinkedIn and Indeed pages embed one in a
`<script type="application/ld+json">` block, in several shapes: a bare object, an array, an
`@graph`, `@type` as a list, `hiringOrganization` as an object or a name, `jobLocation` as one
place or a list, `address` as an object or a string, remote jobs as `jobLocationType`. The page is
read with the standard library's HTML parser (`html.parser`, a tokenizer that follows the HTML
spec's script rules, no regular expressions over markup); the JSON with `json` (lenient about raw
newlines inside strings, which hand-written pages often have).

Everything read is hostile text: it is unescaped, stripped of markup and control characters and
made one line before it is kept (`cleaning.one_line`), and only as data.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from rebound_tui.io import InputError
from rebound_tui.io.cleaning import one_line, plain_text

MAX_DEPTH = 12  # how deep in the JSON-LD a JobPosting is looked for
MAX_LOCATIONS = 5


@dataclass(frozen=True)
class Posting:
    """What a page says about a job: each value cleaned, None when the page does not say."""

    title: str | None = None
    company: str | None = None
    location: str | None = None
    url: str | None = None
    posted_on: str | None = None
    deadline: str | None = None


class _Scripts(HTMLParser):
    """Collects the JSON-LD blocks, and the page's canonical URL for a posting without `url`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.canonical: str | None = None
        self._in_ld = False
        self._parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "script" and a.get("type", "").split(";")[0].strip().lower() == (
            "application/ld+json"
        ):
            self._in_ld, self._parts = True, []
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.canonical = self.canonical or a.get("href")
        elif tag == "meta" and a.get("property", "").lower() == "og:url":
            self.canonical = self.canonical or a.get("content")

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self._parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_ld:
            self.blocks.append("".join(self._parts))
            self._in_ld = False


def _is_posting(node: Any) -> bool:
    if not isinstance(node, dict):
        return False
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1] == "JobPosting" for k in kinds)


def find_posting(data: Any, depth: int = 0) -> dict[str, Any] | None:
    """The first JobPosting object in parsed JSON-LD (arrays, @graph and nesting searched)."""
    if depth > MAX_DEPTH:
        return None
    if _is_posting(data):
        return data
    children: list[Any] = []
    if isinstance(data, list):
        children = data
    elif isinstance(data, dict):
        children = [data[k] for k in ("@graph", "mainEntity", "mainEntityOfPage") if k in data]
        children += [v for k, v in data.items() if isinstance(v, dict | list) and k[:1] != "@"]
    for child in children:
        found = find_posting(child, depth + 1)
        if found is not None:
            return found
    return None


def _text(value: Any) -> str | None:
    """A JSON-LD value as clean one-line text (entities decoded, markup dropped)."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str | dict)), None)
        return _text(value)
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    return one_line(plain_text(html.unescape(str(value)))) or None


def _company(value: Any) -> str | None:
    if isinstance(value, list):
        return next((c for c in (_company(v) for v in value) if c), None)
    return _text(value)


def _address(value: Any) -> str | None:
    if isinstance(value, list):
        return next((a for a in (_address(v) for v in value) if a), None)
    if not isinstance(value, dict):
        return _text(value)
    parts = []
    for key in ("addressLocality", "addressRegion", "addressCountry"):
        part = _text(value.get(key))
        if part and part not in parts:
            parts.append(part)
    return ", ".join(parts) or _text(value.get("streetAddress")) or _text(value.get("name"))


def _place(value: Any) -> str | None:
    if isinstance(value, dict) and "address" in value:
        return _address(value["address"]) or _text(value.get("name"))
    return _address(value)


def _location(posting: dict[str, Any]) -> str | None:
    places = posting.get("jobLocation")
    places = places if isinstance(places, list) else [places] if places else []
    names: list[str] = []
    for place in places[:MAX_LOCATIONS]:
        name = _place(place)
        if name and name not in names:
            names.append(name)
    kind = posting.get("jobLocationType")
    kinds = kind if isinstance(kind, list) else [kind]
    if any(isinstance(k, str) and k.upper() == "TELECOMMUTE" for k in kinds):
        names.insert(0, "Remote")
    return one_line("; ".join(names)) or None


def _day(value: Any) -> str | None:
    """'2026-11-20', '2026-11-20T08:00:00-05:00' -> '2026-11-20'; anything else None."""
    import datetime as dt

    if not isinstance(value, str):
        return None
    head = value.strip()[:10]
    try:
        return dt.date.fromisoformat(head).isoformat()
    except ValueError:
        return None


def _url(value: Any) -> str | None:
    text = _text(value)
    if text and text.lower().startswith(("http://", "https://")) and " " not in text:
        return text
    return None


def posting_from(data: dict[str, Any], *page_urls: str | None) -> Posting:
    """The posting's fields; `page_urls`: where the page says it lives, or was fetched from."""
    return Posting(
        title=_text(data.get("title")) or _text(data.get("name")),
        company=_company(data.get("hiringOrganization")),
        location=_location(data),
        url=_url(data.get("url")) or next((u for u in map(_url, page_urls) if u), None),
        posted_on=_day(data.get("datePosted")),
        deadline=_day(data.get("validThrough")),
    )


def _load(block: str) -> Any:
    text = block.strip()
    if text.startswith("<!--"):  # old pages hide scripts from ancient browsers
        text = text[4:].rsplit("-->", 1)[0]
    try:
        return json.loads(text, strict=False)
    except ValueError:
        return None


def parse_page(text: str, where: str, page_url: str | None = None) -> Posting:
    """The JobPosting of an HTML page (or of a bare JSON-LD document); InputError without one."""
    stripped = text.lstrip("\ufeff \t\r\n")
    blocks: list[str]
    canonical = None
    if stripped.startswith(("{", "[")):
        blocks = [stripped]
    else:
        parser = _Scripts()
        parser.feed(text)
        parser.close()
        blocks, canonical = parser.blocks, parser.canonical
    for block in blocks:
        found = find_posting(_load(block))
        if found is not None:
            posting = posting_from(found, canonical, page_url)
            if not posting.title and not posting.company:
                continue
            return posting
    what = "no JSON-LD at all" if not blocks else f"{len(blocks)} JSON-LD block(s), none a posting"
    raise InputError(
        f"{where} has no job posting (schema.org JobPosting): {what}. Save the posting's own "
        "page (not a search results page), or give COMPANY and TITLE without --from"
    )
