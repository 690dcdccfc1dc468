"""Interactions as dated touches, and how the record index files them: every person in a touch
and its company ("co:" + id) get it; check-ins are filed by the contact they keep warm.

Plain functions of one record each, shared by the records core (which keeps the indexes), the
playbook, the cadences, the cool-off guard, drafts and openings; and the facts of every
interaction the rows need (`interaction_facts_of`: what a first start's helper keeps).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from rebound_tui.domain import cadence as cadence_mod
from rebound_tui.domain import dates, record
from rebound_tui.domain.cadence import Touch
from rebound_tui.domain.model import FollowUp, Interaction

COMPANY_KEY = "co:"  # the touch index files each touch under its company too (ids are hex)


def day_of(text: str | None) -> dt.date | None:
    """A stored day, or None when the file holds something that is not one."""
    try:
        return dates.parse_day_strict(text or "")
    except dates.DateError:
        return None


def people_of(i: Interaction) -> tuple[str, ...]:
    """The interaction's contact and the others there, each once."""
    return tuple(dict.fromkeys(p for p in (i.contact_id, *(i.with_ids or ())) if p))


def touch_of(i: Interaction) -> Touch | None:
    day = day_of(i.day)
    return Touch(day, i.kind, people_of(i), i.company_id, i.id) if day else None


def touch_entries(i: Interaction) -> list[tuple[str, Touch]]:
    """One touch, filed under each person in it and under its company ("co:" + id)."""
    touch = touch_of(i)
    if touch is None:
        return []
    entries = [(cid, touch) for cid in touch.contact_ids]
    if i.company_id:
        entries.append((COMPANY_KEY + i.company_id, touch))
    return entries


def touch_may_file(doc: dict, key: str) -> bool:
    """Could the stored interaction `doc` be filed under `key` (`touch_entries`)? Cheap: no
    record is built for the documents it says no to."""
    if key.startswith(COMPANY_KEY):
        return doc.get("company_id") == key[len(COMPANY_KEY) :]
    if doc.get("contact_id") == key:
        return True
    others = doc.get("with_ids")
    return type(others) is list and key in others


def touch_values(keys: Iterable[str]) -> list[str]:
    """The ids a stored interaction filed under one of `keys` holds as a field's value (a
    person's, or a company's): what a scan may search the stored bytes for."""
    return [k[len(COMPANY_KEY) :] if k.startswith(COMPANY_KEY) else k for k in keys]


def touch_sieve(
    docs: Iterable[tuple[str, dict[str, Any] | None]], keys: tuple[str, ...]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The stored interactions that may be filed under any of `keys` (`touch_may_file` says
    which exactly), in one pass with no call per document: a command's cool-off check scans
    20,000 of them for a person and their company. (The ids are strings or None and
    `with_ids` a list of strings: every stored document passed its check, domain/schema.py.)"""
    people = frozenset(k for k in keys if not k.startswith(COMPANY_KEY))
    companies = frozenset(k[len(COMPANY_KEY) :] for k in keys if k.startswith(COMPANY_KEY))
    for record_id, doc in docs:
        if doc is None:
            continue
        get = doc.get
        others = get("with_ids")
        if (
            get("contact_id") in people
            or get("company_id") in companies
            or (others and not people.isdisjoint(others))
        ):
            yield record_id, doc


def check_in_may_file(doc: dict, key: str) -> bool:
    """Could the stored follow-up `doc` be filed under `key` (`check_in_entries`)?"""
    origin = doc.get("origin")
    return doc.get("contact_id") == key or (type(origin) is str and key in origin)


def check_in_entries(f: FollowUp) -> list[tuple[str, FollowUp]]:
    """A check-in filed under its contact: a cadence's (by its origin), or one added by hand."""
    cid = cadence_mod.contact_of(f.origin)
    if cid is None and f.kind == "check-in":
        cid = f.contact_id
    return [(cid, f)] if cid else []


def interaction_facts_of(
    table: Mapping[str, dict[str, Any]],
) -> list[tuple[str, str, str, str | None, str | None, Any]]:
    """(day, id, kind, company_id, contact_id, with_ids) of each live interaction of the
    stored records `table`, in its order (`RecordsCore.interaction_facts` sorts them)."""
    live = record.is_live
    return [
        (
            d.get("day", ""),
            i,
            d.get("kind", "note"),
            d.get("company_id"),
            d.get("contact_id"),
            d.get("with_ids") or (),
        )
        for i, d in table.items()
        if live(d)
    ]


# What a reader that needs only those facts asks a load to keep of the interactions (a
# summary, not the records: `Database`'s `summaries`; views_helper.py).
INTERACTION_FACTS = {Interaction.TABLE: interaction_facts_of}
