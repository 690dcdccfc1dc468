"""The live records as plain JSON, for scripts and other tools.

Unlike the data file, this has no merge bookkeeping (field stamps, created stamps), no
tombstones of deleted records and no metadata: just what the user sees, keyed by table.
Unset fields are written as null so every record of a table has the same keys.
"""

from __future__ import annotations

import json
from typing import Any

from rebound_tui.domain.model import Record
from rebound_tui.io import openings_out
from rebound_tui.service import Service

FORMAT = "rebound-tui export"
VERSION = 1


def _plain(rec: Record) -> dict[str, Any]:
    return {"id": rec.id, **rec.to_fields()}


def export_data(service: Service) -> dict[str, Any]:
    """{format, version, companies, contacts, interactions, follow_ups, openings}: live records."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "companies": [_plain(c) for c in service.companies()],
        "contacts": [_plain(c) for c in service.contacts()],
        "interactions": [_plain(i) for i in service.interactions()],
        "follow_ups": [_plain(f) for f in service.follow_ups(include_closed=True)],
        # Each opening with its company and referral names and its status history.
        "openings": openings_out.json_openings(service),
    }


def export_json(service: Service) -> bytes:
    """UTF-8 JSON, indented, in a stable order (re-exporting unchanged data gives equal bytes)."""
    text = json.dumps(export_data(service), indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")
