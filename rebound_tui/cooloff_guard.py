"""The cool-off guard: warnings before reaching out to someone (or a company) touched too
recently. The limits are a synced setting; the rule itself is domain/cooloff.py.
"""

from __future__ import annotations

import datetime as dt

from rebound_tui.domain import cooloff, dates
from rebound_tui.domain.model import Company, Contact
from rebound_tui.errors import ServiceError
from rebound_tui.record_index import KeyScan
from rebound_tui.records_core import RecordsCore
from rebound_tui.touches import COMPANY_KEY

COOLOFF_SETTING = "cooloff"


class CoolOffGuard:
    """Reads the touch index of the records core; writes nothing."""

    def __init__(self, core: RecordsCore) -> None:
        self.core = core

    def cooloff_limits(self) -> cooloff.CoolOff:
        return cooloff.CoolOff.from_dict(self.core.setting(COOLOFF_SETTING))

    def cooloff_warnings(
        self,
        contact: str | Contact | None = None,
        company: str | Company | None = None,
        on: str | dt.date | None = None,
        *,
        kind: str | None = None,
        exclude: str | None = None,
    ) -> list[str]:
        """Warnings to show before reaching out (empty: go ahead). Call it BEFORE logging the
        touch, or pass the new interaction's id as `exclude`; `kind` None means outreach."""
        core = self.core
        co = (
            company
            if isinstance(company, Company) or company is None
            else core.find_company(company)
        )
        if isinstance(contact, Contact) or contact is None:
            person = contact
        else:
            person = core.find_contact(contact, co) if co else core.find_contact(contact)
        if co is None and person is not None:
            co = core.company(person.company_id)
        if person is None:
            return []
        # A weekday is the latest one, as `log` reads it (a later day may be asked about too).
        try:
            day = (
                dates.parse_day(on, core.today(), past=True)
                if isinstance(on, str) and on
                else dates.parse_day_strict(core.day(on) or "")
            )
        except dates.DateError as exc:
            raise ServiceError(str(exc)) from None
        # Only this person's and this company's touches near the day can warn.
        limits = self.cooloff_limits()
        window = max(limits.person_days, limits.company_days) + 1
        index = core.touch_groups()
        keys = [person.id, COMPANY_KEY + co.id] if co else [person.id]
        if isinstance(index, KeyScan):
            index.prefetch(keys)  # (a command's: one pass over the interactions for both)
        mine = {**index.get(person.id, {}), **(index.get(COMPANY_KEY + co.id, {}) if co else {})}
        touches = [
            t for t in mine.values() if t.id != exclude and abs((t.day - day).days) <= window
        ]
        names = {p: c.name for t in touches for p in t.contact_ids if (c := core.contact(p))}
        names[person.id] = person.name
        if co is not None:
            names[co.id] = co.name
        return cooloff.warnings(
            touches,
            day=day,
            contact_id=person.id,
            company_id=co.id if co else None,
            names=names,
            limits=limits,
            kind=kind,
        )
