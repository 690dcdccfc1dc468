"""When a new role is one the company has already: the same posting address, whatever that
role's status, or the same title (case and spacing ignored) while it is still open. A closed
role that opens again is a new one (the playbook's point: roles come back)."""

from __future__ import annotations

from collections.abc import Iterable

from rebound_tui.domain.model import Opening


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


def same_role(
    openings: Iterable[Opening], title: str, url: str | None
) -> tuple[Opening, str] | None:
    """The company's role that a new one (`title`, `url`) repeats, and why; None if none."""
    wanted, address = _title_key(title), (url or "").strip()
    for o in openings:
        if address and o.url == address:
            return o, "the same posting address"
        if o.is_open and _title_key(o.title) == wanted:
            return o, "same title, open"
    return None
