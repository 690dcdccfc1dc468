# Over 400 lines because: the record types and the one set of validation rules they share
# (docs/FORMAT.md lists them together).
"""The nouns of the rebound strategy: Company, Contact, Interaction, FollowUp, Opening.

Plain dataclasses built from, and turned back into, the user fields of a versioned record
(`record.py`). Validation lives here so the CLI, the dashboard and importers share one set of rules.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from rebound_tui.domain import text as text_rule
from rebound_tui.domain.days import FIRST_YEAR, LAST_YEAR, is_day

STAGES: tuple[str, ...] = (
    "watching",
    "applied",
    "interviewing",
    "rejected",
    "re-engaging",
    "offer",
    "hired",
    "dropped",
)
ROLES: tuple[str, ...] = (
    "boss",
    "interviewer",
    "hr",
    "recruiter",
    "peer",
    "executive",
    "referral",
    "other",
)
INTERACTION_KINDS: tuple[str, ...] = (
    "interview",
    "rejection",
    "thank-you",
    "email",
    "call",
    "meeting",
    "referral-interview",
    "message",
    "news",
    "note",
)
FOLLOW_UP_KINDS: tuple[str, ...] = (
    "thank-you",
    "referral-ask",
    "check-in",
    "news-check",
    "outreach",
    "todo",
)
INTERACTION_DIRECTIONS: tuple[str, ...] = ("in", "out")
STATUSES: tuple[str, ...] = ("open", "done", "dropped")
# Kinds that count as a real exchange with a person (warmth, cadence re-timing).
TOUCH_KINDS: frozenset[str] = frozenset(
    {"interview", "thank-you", "email", "call", "meeting", "referral-interview", "message"}
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_SPAN = re.compile(r"^[1-9]\d*[dwmy]$")


class ValidationError(ValueError):
    """A record that breaks a rule; the message names the field and says what is accepted."""


def check_choice(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValidationError(f"bad {name} {value!r}: use one of {', '.join(choices)}")


def check_email(value: str) -> None:
    if not _EMAIL.match(value):
        raise ValidationError(f"bad email {value!r}: expected something like name@example.com")


def check_url(value: str) -> None:
    if not _URL.match(value):
        raise ValidationError(f"bad URL {value!r}: expected an address starting with https://")


def check_priority(value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
        raise ValidationError(
            f"bad priority {value!r}: use a whole number from 1 (low) to 5 (high)"
        )


def check_day(name: str, value: str) -> None:
    if not is_day(value):  # what the file may hold (schema.py): no day is taken that it refuses
        raise ValidationError(
            f"bad {name} {value!r}: expected a day that exists, YYYY-MM-DD "
            f"(years {FIRST_YEAR} to {LAST_YEAR})"
        )


def check_line(label: str, value: Any, rule: str = "it is one line of text") -> None:
    """The input rule for names, titles and other one-line fields (domain/text.py)."""
    if isinstance(value, str):
        char = text_rule.first_hazard(value)
        if char is not None:
            raise ValidationError(
                f"the {label} contains {text_rule.char_kind(char)} "
                f"({text_rule.char_name(char)}); {rule}"
            )


def check_note(label: str, value: Any) -> None:
    """The input rule for notes: line feeds and tabs, no other control character."""
    if isinstance(value, str):
        char = text_rule.first_hazard(value, multiline=True)
        if char is not None:
            raise ValidationError(
                f"the {label} contains {text_rule.char_kind(char)} "
                f"({text_rule.char_name(char)}); notes may hold line breaks and tabs, "
                "but no other control character"
            )


def check_required(name: str, value: Any) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(f"{name} is required")


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    """A record class's stored fields, in declaration order (computed once per class)."""
    return tuple(f.name for f in fields(cls) if f.name != "id")


@dataclass
class Record:
    """Common behaviour: a record has an id and converts to and from its stored fields."""

    TABLE: ClassVar[str] = ""
    # Free-text fields by rule: one line (field -> (label, rule)), or a note (field -> label).
    LINES: ClassVar[dict[str, tuple[str, str]]] = {}
    NOTES: ClassVar[dict[str, str]] = {}
    id: str = ""

    @classmethod
    def from_fields(cls, record_id: str, data: dict[str, Any]) -> Record:
        names = _field_names(cls)  # fields unknown to this version are ignored (kept on disk)
        return cls(id=record_id, **{k: v for k, v in data.items() if k in names})

    @classmethod
    def from_doc(cls, record_id: str, doc: Mapping[str, Any]) -> Record:
        """`from_fields` of a stored document, bookkeeping and all: only the class's own fields
        are read (a record class has a dozen; loops over the document's keys cost twice as much
        on a 30,000-record file, where this builds every record at start-up)."""
        return cls(id=record_id, **{k: doc[k] for k in _field_names(cls) if k in doc})

    def to_fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _field_names(type(self))}

    def validate(self) -> None:  # pragma: no cover - overridden
        pass

    def check_text(self, names: Iterable[str] | None = None) -> None:
        """The input rule for text (all text fields, or those `names`): what is typed, given
        on the command line or saved from a form. Text a file already holds is shown safely
        instead (rebound_tui/display.py), so an edit checks only the fields it changes."""
        wanted = None if names is None else set(names)
        for name, (label, rule) in self.LINES.items():
            if wanted is None or name in wanted:
                check_line(label, getattr(self, name), rule)
        for name, label in self.NOTES.items():
            if wanted is None or name in wanted:
                check_note(label, getattr(self, name))

    @property
    def label(self) -> str:
        return self.id[:8]


@dataclass
class Company(Record):
    """A place the user wants to work: one row of the bullpen."""

    TABLE: ClassVar[str] = "companies"
    LINES: ClassVar[dict[str, tuple[str, str]]] = {
        "name": ("company name", "names are one line of text"),
        "location": ("location", "it is one line of text"),
        "why": ("why", "it is one line of text"),
        "website": ("website", "it is one line of text"),
        "hired_name": ("name of who was hired", "names are one line of text"),
    }
    NOTES: ClassVar[dict[str, str]] = {"notes": "notes"}
    name: str = ""
    stage: str = "watching"
    priority: int = 3
    location: str | None = None
    why: str | None = None
    website: str | None = None
    notes: str | None = None
    # Who got the job instead, and when they started: the turnover watch counts from there.
    hired_name: str | None = None
    hired_started: str | None = None

    def validate(self) -> None:
        check_required("company name", self.name)
        check_choice("stage", self.stage, STAGES)
        check_priority(self.priority)
        if self.website:
            check_url(self.website)
        if self.hired_started:
            check_day("start date", self.hired_started)

    @property
    def label(self) -> str:
        return self.name


@dataclass
class Contact(Record):
    """A person in the network, usually at a bullpen company."""

    TABLE: ClassVar[str] = "contacts"
    LINES: ClassVar[dict[str, tuple[str, str]]] = {
        "name": ("contact name", "names are one line of text"),
        **{
            field: (label, "it is one line of text")
            for field, label in (
                ("title", "job title"),
                ("department", "department"),
                ("email", "email"),
                ("phone", "phone"),
                ("linkedin", "LinkedIn address"),
                ("met_how", "met how"),
                ("cadence", "cadence"),
            )
        },
    }
    NOTES: ClassVar[dict[str, str]] = {"notes": "notes"}
    name: str = ""
    company_id: str | None = None
    title: str | None = None
    role: str | None = None
    department: str | None = None
    email: str | None = None
    phone: str | None = None
    linkedin: str | None = None
    referred_by: str | None = None
    met_how: str | None = None
    cadence: str | None = None
    notes: str | None = None
    # The day you met them (a cadence counts from it before any exchange; default: when added).
    met_on: str | None = None

    def validate(self) -> None:
        check_required("contact name", self.name)
        if self.met_on:
            check_day("day you met", self.met_on)
        if self.role:
            check_choice("role", self.role, ROLES)
        if self.email:
            check_email(self.email)
        if self.linkedin:
            check_url(self.linkedin)
        if self.cadence and not _SPAN.match(self.cadence):
            raise ValidationError(f"bad cadence {self.cadence!r}: use e.g. 30d, 6w, 3m")
        if self.referred_by and self.referred_by == self.id:
            raise ValidationError("a contact cannot be referred by themselves")

    @property
    def label(self) -> str:
        return self.name


@dataclass
class Interaction(Record):
    """Something that happened on a day: an interview, a rejection, a note sent..."""

    TABLE: ClassVar[str] = "interactions"
    NOTES: ClassVar[dict[str, str]] = {"note": "note"}
    kind: str = "note"
    day: str = ""
    company_id: str | None = None
    contact_id: str | None = None
    note: str | None = None
    follow_up_id: str | None = None
    round: int | None = None
    with_ids: list[str] = field(default_factory=list)
    # What a later message may mention ("Last time we spoke about ..."); the note stays private.
    topic: str | None = None
    # Mail that logged itself (issue 17): `in` received, `out` sent, None for anything else.
    direction: str | None = None
    message_id: str | None = None

    def validate(self) -> None:
        check_choice("kind", self.kind, INTERACTION_KINDS)
        check_day("day", self.day)
        if self.direction is not None:
            check_choice("direction", self.direction, INTERACTION_DIRECTIONS)
        if self.message_id is not None and not (
            isinstance(self.message_id, str) and self.message_id.strip()
        ):
            raise ValidationError("bad message id: expected the text of a Message-ID header")
        if self.company_id is None and self.contact_id is None:
            raise ValidationError("an interaction needs a company or a contact")

    @property
    def label(self) -> str:
        return f"{self.day} {self.kind}"


@dataclass
class FollowUp(Record):
    """Something to do on or after a day: the due list is made of these."""

    TABLE: ClassVar[str] = "followups"
    LINES: ClassVar[dict[str, tuple[str, str]]] = {
        "title": ("follow-up title", "titles are one line of text")
    }
    NOTES: ClassVar[dict[str, str]] = {"note": "note"}
    title: str = ""
    due: str = ""
    kind: str = "todo"
    company_id: str | None = None
    contact_id: str | None = None
    status: str = "open"
    priority: int | None = None
    note: str | None = None
    closed_on: str | None = None
    snoozes: int = 0
    # What created it ("rule:<rule>:<event>:<person>"): applying a rule twice never duplicates.
    origin: str | None = None

    def __post_init__(self) -> None:
        if self.priority == "":  # (how a file may say "none" for an optional number: schema.py)
            self.priority = None

    def validate(self) -> None:
        check_required("follow-up title", self.title)
        check_day("due date", self.due)
        check_choice("follow-up kind", self.kind, FOLLOW_UP_KINDS)
        check_choice("status", self.status, STATUSES)
        if self.priority is not None:
            check_priority(self.priority)

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def importance(self, company: Company | None) -> int:
        """How important the due list takes it: its own priority, else its company's (3)."""
        if self.priority is not None:
            return self.priority
        return company.priority if company is not None else 3

    @property
    def label(self) -> str:
        return self.title


# -- openings: the roles at bullpen companies ------------------------------------------------
OPENING_STATUSES: tuple[str, ...] = (
    "spotted",
    "applied",
    "screening",
    "interviewing",
    "offer",
    "accepted",
    "rejected",
    "withdrawn",
    "closed",
)
# An opening in one of these is over: `list openings` leaves it out unless --all.
FINAL_OPENING_STATUSES: frozenset[str] = frozenset({"accepted", "rejected", "withdrawn", "closed"})
OPENING_SOURCES: tuple[str, ...] = (
    "referral",
    "linkedin",
    "company-site",
    "recruiter",
    "job-board",
    "other",
)
MAX_TITLE_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def check_short_line(name: str, value: Any, limit: int = MAX_TITLE_LENGTH) -> None:
    """A name or title: one line of text, no control characters, at most `limit` characters."""
    if not isinstance(value, str):
        raise ValidationError(f"bad {name} {value!r}: expected text")
    if _CONTROL.search(value) or len(value) > limit:
        raise ValidationError(
            f"bad {name}: it must be one line of at most {limit} characters, "
            "without control characters"
        )


@dataclass
class Opening(Record):
    """A role at a bullpen company, from a spotted posting to an offer.

    The history of its status lives in `StatusChange` records (one per change, so changes made
    on two machines both survive a merge); `status` is the current one.
    """

    TABLE: ClassVar[str] = "openings"
    company_id: str = ""
    title: str = ""
    status: str = "spotted"
    url: str | None = None
    location: str | None = None
    source: str | None = None
    referral_id: str | None = None  # the contact who refers you
    spotted_on: str | None = None
    applied_on: str | None = None
    posted_on: str | None = None
    deadline: str | None = None
    notes: str | None = None

    def validate(self) -> None:
        check_required("opening title", self.title)
        check_short_line("opening title", self.title)
        if not isinstance(self.company_id, str) or not self.company_id:
            raise ValidationError("an opening belongs to a company: give the company")
        check_choice("status", self.status, OPENING_STATUSES)
        if self.source is not None:
            check_choice("source", self.source, OPENING_SOURCES)
        if self.url:
            check_url(self.url)
        if self.location is not None:
            check_short_line("location", self.location)
        for name in ("spotted_on", "applied_on", "posted_on", "deadline"):
            value = getattr(self, name)
            if value is not None:
                check_day(name.replace("_", " "), value)

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_OPENING_STATUSES

    @property
    def label(self) -> str:
        return self.title


@dataclass
class StatusChange(Record):
    """One step of an opening's history: it moved to `status` on `day`."""

    TABLE: ClassVar[str] = "status_changes"
    opening_id: str = ""
    status: str = ""
    day: str = ""
    note: str | None = None

    def validate(self) -> None:
        if not isinstance(self.opening_id, str) or not self.opening_id:
            raise ValidationError("a status change belongs to an opening")
        check_choice("status", self.status, OPENING_STATUSES)
        check_day("day", self.day)
        if self.note is not None and not isinstance(self.note, str):
            raise ValidationError(f"bad note {self.note!r}: expected text")

    @property
    def label(self) -> str:
        return f"{self.day} {self.status}"


RECORD_TYPES: dict[str, type[Record]] = {
    cls.TABLE: cls for cls in (Company, Contact, Interaction, FollowUp, Opening, StatusChange)
}
