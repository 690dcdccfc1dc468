"""Detail screens: everything known about one company or one person, on one scrollable page.

Each section is one Static holding rendered text (not a widget per row), so a company with
a thousand interactions opens at once. `refresh_data()` re-reads the service, for the app to
call when the file changes under it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from rebound_tui import display
from rebound_tui.domain import dates
from rebound_tui.domain.model import TOUCH_KINDS, Company, Contact, FollowUp, Interaction
from rebound_tui.service import Service
from rebound_tui.ui import text as ui_text
from rebound_tui.ui.widgets.columns import fit_cells

__all__ = ["CompanyDetail", "ContactDetail", "RecordDetail"]

MUTED = "$text-muted"
NAME_WIDTH = 20
KIND_WIDTH = 18
# Safety net for referral chains that loop (a data error a merge could create).
MAX_CHAIN = 50

Piece = str | tuple[str, str]


def _safe(piece: Piece) -> Piece:
    if isinstance(piece, str):
        return display.line(piece)
    return (display.line(piece[0]), piece[1])


def _line(*pieces: Piece) -> Content:
    """One line of literal text: user values are never markup, and hazards are escaped."""
    return Content.assemble(*(_safe(p) for p in pieces))


def _lines(lines: Iterable[Content], empty: str) -> Content:
    lines = list(lines)
    if not lines:
        return Content.styled(empty, MUTED)
    return Content("\n").join(lines)


def _one_line(text: str | None, limit: int = 300) -> str:
    """A note squeezed onto one line; only its start is looked at (a note may be 200 MB)."""
    head, rest = display.clip(text, limit, limit)
    return " ".join(head.split()) + (" …" if rest else "")


def _note_block(label: str, text: str) -> Content:
    """A long text on its own lines under its label, clipped with the size of the rest."""
    head, rest = display.clip(text)
    indent = " " * 16
    body = ui_text.note(head.rstrip("\n")).split("\n")  # Content.split: lines, no markup
    lines = [Content.assemble((f"{label:>14}  ", MUTED), body[0])]
    lines += [Content.assemble(indent, piece) for piece in body[1:]]
    if rest:
        lines.append(Content.assemble(indent, (display.more_text(rest), MUTED)))
    return Content("\n").join(lines)


# An email logged from mail (issue 17): sent or received, before its subject.
DIRECTION_MARK = {"out": "sent: ", "in": "received: "}


class RecordDetail(Screen[None]):
    """Shared layout: a title bar, named sections in a scroll view, the footer."""

    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("q", "close", "Close", show=False),
        Binding("j", "scroll('down')", "Down", show=False),
        Binding("k", "scroll('up')", "Up", show=False),
        Binding("g", "scroll('home')", "Top", show=False),
        Binding("G", "scroll('end')", "Bottom", show=False),
    ]
    SECTIONS: ClassVar[tuple[tuple[str, str], ...]] = ()

    def __init__(self, service: Service, record_id: str) -> None:
        super().__init__()
        self.service = service
        self.record_id = record_id

    def compose(self) -> ComposeResult:
        yield Label("", classes="detail-title", id="detail-title")
        with VerticalScroll(classes="detail-body", id="detail-body"):
            for key, heading in self.SECTIONS:
                yield Label(heading, classes="detail-heading", id=f"heading-{key}")
                yield Static("", classes="detail-section", id=f"section-{key}")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_data()
        self.query_one("#detail-body").focus()

    def refresh_data(self) -> None:
        """Re-read everything from the service and redraw."""
        title, sections = self.render_sections()
        self.query_one("#detail-title", Label).update(ui_text.line(title))
        for key, heading in self.SECTIONS:
            content, count = sections.get(key, (Content(""), None))
            label = f"{heading} ({count})" if count is not None else heading
            self.query_one(f"#heading-{key}", Label).update(Content(label))
            self.query_one(f"#section-{key}", Static).update(content)

    def render_sections(self) -> tuple[str, dict[str, tuple[Content, int | None]]]:
        raise NotImplementedError

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, where: str) -> None:
        body = self.query_one("#detail-body", VerticalScroll)
        {
            "down": body.scroll_down,
            "up": body.scroll_up,
            "home": body.scroll_home,
            "end": body.scroll_end,
        }[where](animate=False)

    # -- shared pieces ----------------------------------------------------------------------------
    def fields_block(self, rows: Iterable[tuple[str, str | None]]) -> Content:
        given = [(k, v) for k, v in rows if v]
        return _lines(
            (
                _note_block(k, v) if k == "Notes" else _line((f"{k:>14}  ", MUTED), _one_line(v))
                for k, v in given
            ),
            "nothing recorded",
        )

    def follow_up_block(self, items: list[FollowUp], *, show_contact: bool = True) -> Content:
        today = self.service.today()
        out = []
        for f in items:
            when = dates.describe_due(dates.parse_day_strict(f.due), today)
            style = "$error" if "overdue" in when else ("$warning" if when == "today" else MUTED)
            who = self.service.name_of("contacts", f.contact_id) if show_contact else None
            out.append(
                _line(
                    (f"{f.due}  ", MUTED),
                    (f"{when:<12}", style),
                    f.title,
                    (f"  [{f.kind}]", MUTED),
                    (f" · {who}", MUTED) if who else "",
                )
            )
        return _lines(out, "no open follow-ups")

    def timeline_block(self, items: list[Interaction], *, show_contact: bool) -> Content:
        out = []
        for i in sorted(items, key=lambda i: (i.day, i.id), reverse=True):
            style = "$primary" if i.kind in ("news", "note") else "$success"
            if i.kind == "rejection":
                style = "$error"
            who = ""
            if show_contact and i.contact_id:
                who = self.service.name_of("contacts", i.contact_id) or "?"
            elif not show_contact and i.company_id:
                who = self.service.name_of("companies", i.company_id) or "?"
            out.append(
                _line(
                    (f"{i.day}  ", MUTED),
                    (f"{i.kind:<{KIND_WIDTH}}", style),
                    (fit_cells(display.line(who), NAME_WIDTH, "left") + "  ", "bold")
                    if who
                    else " " * (NAME_WIDTH + 2),
                    (DIRECTION_MARK.get(i.direction or "", ""), MUTED),
                    _one_line(i.note or i.topic),
                )
            )
        return _lines(out, "nothing logged yet")

    def history_lines(self, opening_id: str, indent: str = "    ") -> list[Content]:
        """An opening's status steps, oldest first: day, status, the note."""
        return [
            _line(
                (f"{indent}{step.day}  ", MUTED),
                (f"{step.status:<13}", "$accent"),
                _one_line(step.note),
            )
            for step in self.service.opening_history(opening_id)
        ]

    def openings_block(self, company: Company) -> Content:
        """The company's openings (open ones first), each with its status history."""
        items = self.service.openings(include_closed=True, company=company)
        out: list[Content] = []
        for o in sorted(items, key=lambda o: not o.is_open):
            style = "$success" if o.status == "offer" else MUTED if not o.is_open else "$accent"
            out.append(
                _line(
                    (o.title, "bold"),
                    (f"  {o.status}", style),
                    (f" · {o.location}", MUTED) if o.location else "",
                    (f" · deadline {o.deadline}", "$warning") if o.deadline and o.is_open else "",
                )
            )
            out += self.history_lines(o.id)
        return _lines(out, "no openings here: press o on the company in the Bullpen to add one")

    def last_touch(self, items: Iterable[Interaction]) -> dict[str, str]:
        """Each contact's latest real exchange (a news item or a note is not a touch)."""
        latest: dict[str, str] = {}
        for i in items:
            if i.kind in TOUCH_KINDS and i.contact_id and i.day > latest.get(i.contact_id, ""):
                latest[i.contact_id] = i.day
        return latest


class CompanyDetail(RecordDetail):
    """A company: its fields, open follow-ups, people by department with referrals, timeline."""

    SECTIONS = (
        ("fields", "Company"),
        ("follow-ups", "Open follow-ups"),
        ("openings", "Openings"),
        ("people", "People"),
        ("timeline", "Timeline"),
    )

    def render_sections(self) -> tuple[str, dict[str, tuple[Content, int | None]]]:
        s = self.service
        company = s.company(self.record_id)
        if company is None:
            name = s.name_of("companies", self.record_id) or self.record_id[:8]
            return f"{name} (deleted)", {
                "fields": (Content.styled("this company was deleted", "$warning"), None)
            }
        people = s.contacts(company)
        ids = {p.id for p in people}
        history = [i for i in s.interactions() if i.company_id == company.id or i.contact_id in ids]
        open_items = [
            f for f in s.follow_ups() if f.company_id == company.id or f.contact_id in ids
        ]
        hired = company.hired_name
        if hired and company.hired_started:
            hired = f"{hired} (started {company.hired_started})"
        fields = self.fields_block(
            [
                ("Stage", company.stage),
                ("Priority", f"{company.priority} of 5"),
                ("Location", company.location),
                ("Website", company.website),
                ("Why", company.why),
                ("Hired instead", hired),
                ("Notes", company.notes),
            ]
        )
        title = f"{company.name} · {company.stage} · priority {company.priority}"
        return title, {
            "fields": (fields, None),
            "follow-ups": (self.follow_up_block(open_items), len(open_items)),
            "openings": (self.openings_block(company), len(s.openings(True, company))),
            "people": (self.people_block(people, history), len(people)),
            "timeline": (self.timeline_block(history, show_contact=True), len(history)),
        }

    def people_block(self, people: list[Contact], history: list[Interaction]) -> Content:
        s = self.service
        touched = self.last_touch(history)
        referred: dict[str, list[str]] = defaultdict(list)
        for p in s.contacts():
            if p.referred_by:
                referred[p.referred_by].append(p.name)
        groups: dict[str, list[Contact]] = defaultdict(list)
        for p in people:
            groups[p.department or ""].append(p)
        out: list[Content] = []
        for department in sorted(groups, key=lambda d: (d == "", d.lower())):
            out.append(Content.styled(department or "No department", "bold $primary"))
            for p in groups[department]:
                pieces: list[Piece] = [("  " + p.name, "bold")]
                if p.role:
                    pieces.append(f" ({p.role})")
                if p.title:
                    pieces.append((f" · {p.title}", MUTED))
                if p.referred_by:
                    by = s.name_of("contacts", p.referred_by) or "?"
                    pieces.append((f" ← referred by {by}", "$warning"))
                if referred.get(p.id):
                    pieces.append((f" → referred {', '.join(referred[p.id])}", "$success"))
                if p.id in touched:
                    pieces.append((f" · last touch {touched[p.id]}", MUTED))
                out.append(_line(*pieces))
        return _lines(out, "no people here yet: add one from the network pane")


class ContactDetail(RecordDetail):
    """A person: contact details, referral chain, open follow-ups, timeline."""

    SECTIONS = (
        ("fields", "Contact"),
        ("referrals", "Referrals"),
        ("follow-ups", "Open follow-ups"),
        ("timeline", "Timeline"),
    )

    def render_sections(self) -> tuple[str, dict[str, tuple[Content, int | None]]]:
        s = self.service
        person = s.contact(self.record_id)
        if person is None:
            name = s.name_of("contacts", self.record_id) or self.record_id[:8]
            return f"{name} (deleted)", {
                "fields": (Content.styled("this contact was deleted", "$warning"), None)
            }
        company = s.name_of("companies", person.company_id)
        if company and s.company(person.company_id) is None:
            company += " (deleted)"
        history = [i for i in s.interactions() if person.id in (i.contact_id, *i.with_ids)]
        open_items = [f for f in s.follow_ups() if f.contact_id == person.id]
        last = max((i.day for i in history if i.kind in TOUCH_KINDS), default=None)
        fields = self.fields_block(
            [
                ("Company", company),
                ("Job title", person.title),
                ("Role", person.role),
                ("Department", person.department),
                ("Email", person.email),
                ("Phone", person.phone),
                ("LinkedIn", person.linkedin),
                ("Met how", person.met_how),
                ("Keep in touch", f"every {person.cadence}" if person.cadence else None),
                ("Last touch", last),
                ("Notes", person.notes),
            ]
        )
        where = f" · {person.title or 'works'} at {company}" if company else ""
        return person.name + where, {
            "fields": (fields, None),
            "referrals": (self.referral_block(person), None),
            "follow-ups": (
                self.follow_up_block(open_items, show_contact=False),
                len(open_items),
            ),
            "timeline": (self.timeline_block(history, show_contact=False), len(history)),
        }

    def chain(self, person: Contact) -> list[str]:
        """Names from the first referrer down to `person`; a loop is marked ↻ where it closes."""
        names = [person.name]
        seen = {person.id}
        ref = person.referred_by
        while ref and len(names) < MAX_CHAIN:
            name = self.service.name_of("contacts", ref) or "?"
            if ref in seen:  # a loop: show where it closes, then stop
                names.insert(0, "↻ " + name)
                break
            seen.add(ref)
            names.insert(0, name)
            up = self.service.contact(ref)
            ref = up.referred_by if up else None
        return names

    def referral_block(self, person: Contact) -> Content:
        s = self.service
        out: list[Content] = []
        chain = self.chain(person)
        if len(chain) > 1:
            out.append(_line((f"{'referred by':>14}  ", MUTED), chain[-2]))
            out.append(_line((f"{'chain':>14}  ", MUTED), " → ".join(chain)))
        mine = [p for p in s.contacts() if p.referred_by == person.id]
        for p in mine:
            at = s.name_of("companies", p.company_id)
            out.append(
                _line(
                    (f"{'referred':>14}  ", MUTED),
                    (p.name, "bold"),
                    (f" at {at}", MUTED) if at else "",
                )
            )
        return _lines(out, "no referrals either way yet")
