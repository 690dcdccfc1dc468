"""The first run's five steps, and which of them the data shows done.

Plain code over the records: the dashboard's first-run guide (ui/widgets/first_run.py) shows
the steps with a tick each, and leads until the first three are done.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rebound_tui.domain.model import Company, Contact, Interaction

__all__ = ["STEPS", "FirstRunSteps", "first_run_steps"]

# (key in the guide, what to do): in order.
STEPS: tuple[tuple[str, str], ...] = (
    ("a", "Add the company that said no"),
    ("b", "Add the boss who said no"),
    ("R", "Record the rejection: the plan appears"),
    ("l", "Import your LinkedIn connections"),
    ("p", "Put your file in a synced folder"),
)


@dataclass(frozen=True)
class FirstRunSteps:
    """One flag per step, and a name to show beside the first two (empty: none yet)."""

    company: bool = False
    boss: bool = False
    rejection: bool = False
    linkedin: bool = False
    synced: bool = False
    company_name: str = ""
    boss_name: str = ""

    @property
    def done(self) -> tuple[bool, bool, bool, bool, bool]:
        return (self.company, self.boss, self.rejection, self.linkedin, self.synced)

    @property
    def started(self) -> bool:
        """Steps 1-3 done: a company, its boss, the rejection and its plan. The guide has led
        far enough and goes away by itself."""
        return self.company and self.boss and self.rejection


def first_run_steps(
    companies: Iterable[Company],
    contacts: Iterable[Contact],
    interactions: Iterable[Interaction],
    *,
    own_place: bool,
) -> FirstRunSteps:
    """Which steps the data shows done.

    1. a company is in the bullpen; 2. someone has the role boss, or a rejection names who
    said no; 3. a rejection is logged; 4. someone has a LinkedIn address (what the LinkedIn
    import brings); 5. `own_place`: the data file is not in the default folder (`--db`,
    `$REBOUND_DB` or a symlink point elsewhere, as the sync instructions say to do).
    The names shown are the first in alphabetical order, so the guide is the same every time.
    """
    company_names = sorted((c.name for c in companies), key=_alphabetical)
    people = list(contacts)
    rejections = [i for i in interactions if i.kind == "rejection"]
    said_no = {i.contact_id for i in rejections if i.contact_id}
    bosses = sorted(
        (p.name for p in people if p.role == "boss" or p.id in said_no), key=_alphabetical
    )
    return FirstRunSteps(
        company=bool(company_names),
        boss=bool(bosses),
        rejection=bool(rejections),
        linkedin=any(p.linkedin for p in people),
        synced=own_place,
        company_name=company_names[0] if company_names else "",
        boss_name=bosses[0] if bosses else "",
    )


def _alphabetical(name: str) -> tuple[str, str]:
    """Case aside first, then as written: "A" and "a" always come in the same order."""
    return name.lower(), name
