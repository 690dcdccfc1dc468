"""Realistic rebound data files at three sizes, for the benchmarks (issue 7).

    python benchmarks/generate.py [--sizes typical,heavy,extreme] [--seed 7] [--out DIR]

Records are written straight into the file format (`record.new_doc` + `fileformat.encode`), not
through thousands of service calls: the heavy file takes about a second, not minutes. The same
seed always gives the same bytes (record ids, the database id and every stamp come from the seed).

What a file holds, as a persistent job seeker's three years would:

* companies with stages, priorities, towns, reasons, notes, and (for some rejections) who got the
  job and when they started;
* contacts with realistic names, most at a company, titles by role, e-mail, phone and LinkedIn
  (most came from a LinkedIn import), some with a keep-in-touch cadence, some referred by another
  contact (referral chains several people long);
* interactions spread over three years (more of them recently), notes of varied length, interview
  rounds, other attendees, and the logs of completed follow-ups (`follow_up_id`);
* follow-ups: most done or dropped long ago, some open (overdue, today, and ahead), rule origins
  (`rule:...`), one open cadence check-in per contact with a cadence (`cadence:...`), snoozes;
* a few tombstones in every table, and fields edited after creation (their own stamps).

Stamps are valid hybrid-clock stamps from two replicas (a laptop and a desktop), dated on the
day of the change, so the files merge and load like real ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rebound_tui.domain import record
from rebound_tui.domain.clock import make_stamp
from rebound_tui.domain.dates import parse_span
from rebound_tui.domain.model import TOUCH_KINDS
from rebound_tui.store.fileformat import FORMAT_NAME, META_ID, META_TABLE, SCHEMA_VERSION, encode

GENERATOR_VERSION = 1
"""Bump when the generated content changes, so stale files in benchmarks/data/ are rebuilt."""

ANCHOR = dt.date(2026, 11, 27)
"""The day the files are "as of": the benchmarks run the app with this as today."""

YEARS = 3
DEFAULT_SEED = 7
DATA_DIR = Path(__file__).resolve().parent / "data"
REPLICAS = ("a1c3e5f7", "b2d4f6a8")  # a laptop and a desktop


@dataclass(frozen=True)
class Size:
    """How many records of each kind a file holds (tombstones included)."""

    name: str
    companies: int
    contacts: int
    interactions: int
    follow_ups: int


SIZES: dict[str, Size] = {
    "tiny": Size("tiny", 8, 30, 100, 24),
    "typical": Size("typical", 40, 300, 1_000, 200),
    "heavy": Size("heavy", 500, 5_000, 20_000, 5_000),
    # The issue gives no follow-up count for extreme: the heavy ratio (one per contact).
    "extreme": Size("extreme", 2_000, 20_000, 100_000, 20_000),
}

# Share of each table that is deleted (a tombstone).
TOMBSTONES = {"companies": 0.015, "contacts": 0.02, "interactions": 0.01, "followups": 0.03}
OPEN_SHARE = 0.15  # follow-ups still open; the rest are done (most) or dropped
CADENCE_SHARE = 0.05  # contacts with a keep-in-touch cadence
REFERRED_SHARE = 0.12  # contacts referred by another contact


def _words(text: str, sep: str = " ") -> list[str]:
    """A word list written as one block of text (easier to read than a long list literal)."""
    return [
        w.strip() for w in text.replace("\n", " " if sep == " " else "").split(sep) if w.strip()
    ]


# -- word lists -----------------------------------------------------------------------------------
FIRST = _words(
    """Aaliyah Abdul Ada Adrian Aiko Alan Alejandro Alice Amara Amir Ana Andre Angela Anika Anthony
Arjun Ava Barbara Ben Bianca Brandon Brianna Carlos Carmen Chen Chidi Chloe Chris Claire
Daniel Darlene Dana David Deepa Diego Dmitri Elena Eli Emeka Emily Eric Esther Fatima Felix
Fiona Gabriel Gloria Grace Gwen Hana Hank Hassan Helen Hiro Ian Imani Isabel Ivan Jack Jamal
James Jana Javier Jen Jessica Jin John Jordan Jorge Joseph Julia Kai Karen Kate Keisha Kenji
Kevin Kim Lars Laura Leila Leo Liam Linda Lucia Luis Mai Malik Marcus Maria Mark Marta Maya
Mei Michael Mike Miguel Min Nadia Naomi Nathan Nia Nikhil Noah Olga Omar Owen Pablo Paul
Priya Rachel Rafael Raj Ramon Rebecca Rosa Ruth Ryan Sam Sara Sean Shira Simone Sofia Sophie
Stefan Susan Tariq Teresa Thomas Tom Uma Valeria Victor Walt Wei Will Xavier Yara Yusuf Zara
Zoe"""
)
LAST = _words(
    """Abbott Adeyemi Albrecht Alvarez Anderson Bailey Baker Banerjee Barnes Becker Bell Bennett
Brooks Brown Bryant Campbell Castillo Chen Cho Clark Cohen Collins Cooper Cruz Das Davis
Delgado Diaz Dubois Edwards Ellis Evans Fernandez Fischer Fisher Flores Foster Garcia Gomez
Gonzalez Gordon Graham Green Gupta Hall Hansen Harris Hayes Hernandez Hill Hoffman Howard
Hughes Ibrahim Iyer Jackson James Jensen Johnson Jones Kang Kaur Kelly Khan Kim King Klein
Kowalski Kumar Larsen Lee Lewis Lin Lopez Martin Martinez Mehta Meyer Miller Mitchell Moore
Morales Morgan Murphy Nakamura Nguyen Novak Nwosu Okafor Olsen Ortiz Owens Park Patel Perez
Peters Petrov Phillips Price Quinn Ramirez Reed Reyes Richardson Rivera Roberts Robinson
Rodriguez Rogers Ross Russell Sanchez Sato Schmidt Scott Shah Silva Simmons Singh Smith
Sokolov Stewart Sullivan Suzuki Tanaka Taylor Thomas Thompson Torres Turner Walker Wang Ward
Watson White Whitfield Williams Wilson Wong Wright Wu Yamamoto Young Zhang"""
)
CO_WORDS = _words(
    """Acorn Alder Amber Apex Arbor Ashford Aspen Atlas Beacon Birch Blue Bluestem Brightwater
Brook Calloway Canyon Cardinal Cedar Cobalt Copper Crescent Crest Delta Eagle Elm Ember
Evergreen Falcon Fern Fox Gable Garnet Glacier Granite Harbor Harrow Hawthorn Heron Hickory
Horizon Iron Juniper Kestrel Lakeshore Lantern Larch Laurel Lindenwood Linden Maple Meadow
Mesa Millstone North Oak Orchard Osprey Pine Prairie Quarry Raven Redwood Ridge River Rowan
Sable Sage Silver Slate Spruce Stone Summit Sumac Thistle Timber Union Vale Willow Wren"""
)
CO_KINDS = _words(
    """Packaging;Medical Supply;Provisions;Distribution;Analytics;Insurance;Manufacturing;
Ledger Partners;Logistics;Foods;Systems;Health;Capital;Software;Robotics;Energy;Freight;Labs;
Retail Group;Consulting;Bank;Credit Union;Hospitality;Pharmaceuticals;Media;Construction;
Architects;Engineering;Biotech;Outfitters""",
    ";",
)
TOWNS = _words(
    """Chicago, IL;Evanston, IL;Skokie, IL;Glenview, IL;Northbrook, IL;Highland Park, IL;
Deerfield, IL;Wilmette, IL;Schaumburg, IL;Oak Brook, IL;Naperville, IL;Milwaukee, WI;Remote;
Madison, WI;Minneapolis, MN;Detroit, MI;Indianapolis, IN;St. Louis, MO""",
    ";",
)
STAGES_W = {
    "watching": 30,
    "applied": 20,
    "interviewing": 10,
    "rejected": 22,
    "re-engaging": 8,
    "offer": 2,
    "hired": 3,
    "dropped": 5,
}
ROLES_W = {
    "recruiter": 18,
    "hr": 8,
    "boss": 10,
    "interviewer": 12,
    "peer": 30,
    "executive": 5,
    "referral": 7,
    "other": 10,
}
TITLES = {
    "recruiter": ["Senior Recruiter", "Talent Partner", "Technical Recruiter", "Agency recruiter"],
    "hr": ["HR Manager", "HR Business Partner", "People Operations Lead"],
    "boss": ["Finance Director", "Controller", "Engineering Manager", "Head of Operations"],
    "interviewer": ["Senior Analyst", "Staff Engineer", "Team Lead", "Product Manager"],
    "peer": ["Financial Analyst", "Accountant", "Software Engineer", "Operations Analyst"],
    "executive": ["CFO", "VP Finance", "COO", "VP Engineering"],
    "referral": ["Former colleague", "Alumni network", "Friend of a friend"],
    "other": ["Consultant", "Mentor", "Former manager", "Board member"],
}
DEPARTMENTS = [
    "Finance",
    "Accounting",
    "Operations",
    "Engineering",
    "Human Resources",
    "Talent Acquisition",
    "Sales",
    "Product",
    "Legal",
    "IT",
]
CADENCES = ["30d", "6w", "2m", "3m", "6m"]
KINDS_W = {
    "email": 25,
    "message": 20,
    "call": 12,
    "meeting": 8,
    "interview": 8,
    "thank-you": 10,
    "note": 8,
    "news": 4,
    "rejection": 3,
    "referral-interview": 2,
}
FOLLOW_KINDS_W = {
    "thank-you": 20,
    "check-in": 30,
    "referral-ask": 10,
    "news-check": 10,
    "outreach": 15,
    "todo": 15,
}
DONE_LOGS_AS = {  # what completing a follow-up of each kind logs (service.DONE_LOGS_AS)
    "thank-you": "thank-you",
    "referral-ask": "email",
    "check-in": "message",
    "news-check": "note",
    "outreach": "message",
    "todo": "note",
}
RULE_OF_KIND = {
    "thank-you": "interview-thank-you",
    "check-in": "rejection-check-in-30",
    "referral-ask": "rejection-referral-ask",
    "news-check": "rejection-news-check",
    "outreach": "referral-outreach",
}
SENTENCES = """Asked about the team's month-end close and how they use the ERP.
She said the role may reopen after the reorganisation in the spring.
Sent a thank-you note the same evening, mentioning the freight-accrual case.
He knows half the controllers on the North Shore and offered two introductions.
They chose a candidate who already knew their system; it was very close.
Follow up after the quarterly results are out.
Great conversation about process automation and the new reporting stack.
Mentioned a contract win in the local paper: they will need people.
Recruiter says the hiring manager is travelling until the end of the month.
Panel of four, forty-five minutes, a case study and questions about leadership.
Referred me to a former colleague in Treasury who is hiring.
Coffee near the office; talked about the merger and who might leave.
The new hire did not work out, and the team is short-handed again.
Asked for a 20-minute referral interview: advice, and who else to meet.
Left a voicemail; will try again next week.
Shared the article about their expansion into Wisconsin.
Salary band discussed: in range, bonus unclear.
Their star analyst may be promoted, which would open a seat.
Agreed to stay in touch every couple of months.
No news yet; the requisition is on hold until budgets are approved.
Introduced me on LinkedIn to the VP of Finance.
Second round moved to a video call because of the snow.
Wants a writing sample and two references by Friday.
Mentioned they are moving to a new building next year.
Said to check back after the holidays.""".splitlines()
TODOS = [
    "Update the resume for {company}",
    "Research {company}'s annual report",
    "Prepare questions for {company}",
    "Send the writing sample to {who}",
    "Find the hiring manager at {company}",
    "Ask {who} for two introductions",
]
TITLE_OF_KIND = {
    "thank-you": ["Thank-you note to {who} (round {n})", "Thank {who} for the interviews"],
    "check-in": ["Check in with {who} ({n}0 days after the no)", "Keep in touch with {who}"],
    "referral-ask": ["Ask {who} for a referral interview"],
    "news-check": ["Look at {company}'s news: contracts, incidents, people leaving"],
    "outreach": ["Reach out to {who}, referred by {ref}", "Reach out to {company} about the news"],
}


# -- helpers ---------------------------------------------------------------------------------------
class _Gen:
    """All randomness and stamping for one file, from one seed."""

    def __init__(self, seed: int, anchor: dt.date) -> None:
        self.rng = random.Random(seed)
        self.anchor = anchor
        self.start = anchor - dt.timedelta(days=365 * YEARS)
        self.span_days = (anchor - self.start).days
        self._counter = 0

    def new_id(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def day_in_history(self, recent_bias: float = 1.6) -> dt.date:
        """A day in the last three years; more activity lately (`recent_bias` > 1)."""
        x = self.rng.random() ** (1 / recent_bias)
        return self.start + dt.timedelta(days=min(self.span_days, int(x * self.span_days)))

    def stamp(self, day: dt.date) -> str:
        """A stamp during `day` (UTC office hours) from one of the replicas."""
        self._counter = (self._counter + 1) & 0xFFFF
        midnight = dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)
        ms = int(midnight.timestamp() * 1000) + self.rng.randrange(13 * 3_600_000, 23 * 3_600_000)
        return make_stamp(ms, self._counter, self.rng.choice(REPLICAS))

    def note(self, share: float) -> str | None:
        """None, or a note of varied length: usually a sentence or two, now and then a page."""
        if self.rng.random() >= share:
            return None
        count = min(40, max(1, int(self.rng.lognormvariate(0.4, 0.9))))
        return " ".join(self.rng.choice(SENTENCES) for _ in range(count))

    def doc(self, fields: dict[str, Any], day: dt.date) -> dict[str, Any]:
        """A stored record created on `day` (None fields left out, as the service does)."""
        return record.new_doc({k: v for k, v in fields.items() if v is not None}, self.stamp(day))

    def edit(self, doc: dict[str, Any], changes: dict[str, Any], day: dt.date) -> dict[str, Any]:
        """`doc` with `changes` made on `day` (their own, later stamps)."""
        created = doc[record.CREATED]
        stamp = max(self.stamp(day), created)
        return record.with_changes(doc, changes, stamp)

    def tombstone(self, table: dict[str, dict[str, Any]], share: float) -> None:
        """Delete `share` of a table's records some days after their last change."""
        ids = sorted(table)
        for record_id in self.rng.sample(ids, max(1, round(len(ids) * share))):
            doc = table[record_id]
            last = record.last_change(doc) or doc[record.CREATED]
            last_day = dt.date.fromisoformat(last[:10])
            day = min(self.anchor, last_day + dt.timedelta(days=self.rng.randrange(1, 60)))
            stamp = max(self.stamp(day), _after(last))
            table[record_id] = record.tombstoned(doc, stamp)


def _after(stamp: str) -> str:
    """A stamp just after `stamp` (same instant, next counter)."""
    counter = int(stamp[25:29], 16)
    return stamp[:25] + f"{min(counter + 1, 0xFFFF):04x}" + stamp[29:]


def _slug(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _day(d: dt.date) -> str:
    return d.isoformat()


# -- building --------------------------------------------------------------------------------------
def _companies(g: _Gen, n: int) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    names: set[str] = set()
    while len(out) < n:
        name = f"{g.rng.choice(CO_WORDS)} {g.rng.choice(CO_WORDS)} {g.rng.choice(CO_KINDS)}"
        if g.rng.random() < 0.3:
            name = f"{g.rng.choice(CO_WORDS)} {g.rng.choice(CO_KINDS)}"
        if name in names:
            continue
        names.add(name)
        stage = g.pick(STAGES_W)
        created = g.day_in_history(1.2)
        fields: dict[str, Any] = {
            "name": name,
            "stage": "watching",
            "priority": g.rng.choice([1, 2, 3, 3, 3, 4, 4, 5]),
            "location": g.rng.choice(TOWNS) if g.rng.random() < 0.8 else None,
            "website": f"https://www.{_slug(name)}.example" if g.rng.random() < 0.7 else None,
            "why": g.note(0.5),
            "notes": g.note(0.4),
        }
        doc = g.doc(fields, created)
        if stage != "watching":  # the stage moved on later: its own stamp
            later = created + dt.timedelta(days=g.rng.randrange(1, 120))
            changes: dict[str, Any] = {"stage": stage}
            if stage == "rejected" and g.rng.random() < 0.3:
                changes["hired_name"] = f"{g.rng.choice(FIRST)} {g.rng.choice(LAST)}"
                changes["hired_started"] = _day(min(g.anchor, later + dt.timedelta(days=30)))
            doc = g.edit(doc, changes, min(g.anchor, later))
        out[g.new_id()] = doc
    return out


def _contacts(
    g: _Gen, n: int, companies: dict[str, dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Contacts, and the ids of those with a cadence."""
    out: dict[str, dict[str, Any]] = {}
    names: set[str] = set()
    company_ids = sorted(companies)
    order: list[str] = []  # creation order, for referral chains
    cadenced: list[str] = []
    while len(out) < n:
        first, last = g.rng.choice(FIRST), g.rng.choice(LAST)
        name = f"{first} {last}"
        if name in names:
            name = f"{first} {chr(65 + g.rng.randrange(26))}. {last}"
        if name in names:
            continue
        names.add(name)
        role = g.pick(ROLES_W)
        company_id = g.rng.choice(company_ids) if g.rng.random() < 0.92 else None
        company = companies[company_id] if company_id else None
        domain = _slug(company["name"]) + ".example" if company else "gmail.example"
        referred_by = None
        if order and g.rng.random() < REFERRED_SHARE:
            # Recent people refer on: chains several people long.
            referred_by = order[max(0, len(order) - 1 - int(g.rng.expovariate(1 / 20)))]
        cadence = g.rng.choice(CADENCES) if g.rng.random() < CADENCE_SHARE else None
        slug = f"{first}-{last}".lower().replace(".", "").replace(" ", "-")
        fields = {
            "name": name,
            "company_id": company_id,
            "title": g.rng.choice(TITLES[role]) if g.rng.random() < 0.85 else None,
            "role": role,
            "department": g.rng.choice(DEPARTMENTS) if g.rng.random() < 0.6 else None,
            "email": f"{first}.{last}@{domain}".lower() if g.rng.random() < 0.7 else None,
            "phone": f"(847) 555-{g.rng.randrange(10_000):04d}" if g.rng.random() < 0.4 else None,
            "linkedin": (
                f"https://www.linkedin.com/in/{slug}-{g.rng.randrange(10**6):06d}"
                if g.rng.random() < 0.8
                else None
            ),
            "referred_by": referred_by,
            "met_how": g.rng.choice(SENTENCES) if g.rng.random() < 0.5 else None,
            "cadence": cadence,
            "notes": g.note(0.45),
        }
        record_id = g.new_id()
        created = g.day_in_history(1.3)
        doc = g.doc(fields, created)
        if g.rng.random() < 0.1:  # a new job title later on
            later = min(g.anchor, created + dt.timedelta(days=g.rng.randrange(1, 400)))
            doc = g.edit(doc, {"title": g.rng.choice(TITLES[role])}, later)
        out[record_id] = doc
        order.append(record_id)
        if cadence:
            cadenced.append(record_id)
    return out, cadenced


def _who(contacts: dict[str, dict[str, Any]], contact_id: str | None) -> str:
    return contacts[contact_id]["name"] if contact_id else "the team"


def _title(g: _Gen, kind: str, who: str, company: str, ref: str) -> str:
    pattern = g.rng.choice(TODOS if kind == "todo" else TITLE_OF_KIND[kind])
    return pattern.format(who=who, company=company, ref=ref, n=g.rng.randrange(1, 4))


def build(size: Size | str, seed: int = DEFAULT_SEED, anchor: dt.date = ANCHOR) -> dict[str, Any]:
    """The whole database for one size, as the file format's dict (see docs/FORMAT.md)."""
    size = SIZES[size] if isinstance(size, str) else size
    g = _Gen(seed, anchor)
    companies = _companies(g, size.companies)
    contacts, cadenced = _contacts(g, size.contacts, companies)
    contact_ids = sorted(contacts)
    company_ids = sorted(companies)
    interaction_ids = [g.new_id() for _ in range(size.interactions)]

    def company_name(company_id: str | None) -> str:
        return companies[company_id]["name"] if company_id else "the company"

    # Follow-ups other than the cadence check-ins (those come last: they depend on the touches).
    n_open = round(size.follow_ups * OPEN_SHARE)
    n_cadence = min(len(cadenced), n_open // 2)
    n_other = size.follow_ups - n_cadence
    follow_ups: dict[str, dict[str, Any]] = {}
    done_logs: list[tuple[str, dict[str, Any], dt.date]] = []
    for index in range(n_other):
        kind = g.pick(FOLLOW_KINDS_W)
        contact_id = g.rng.choice(contact_ids) if g.rng.random() < 0.85 else None
        company_id = contacts[contact_id].get("company_id") if contact_id else None
        if company_id is None and (contact_id is None or g.rng.random() < 0.3):
            company_id = g.rng.choice(company_ids)
        is_open = index < n_open - n_cadence
        if is_open:
            # Open: a few weeks overdue to three months ahead, most of them ahead.
            due = anchor + dt.timedelta(days=int(g.rng.triangular(-45, 90, 20)))
            created = min(anchor, due - dt.timedelta(days=g.rng.randrange(1, 30)))
        else:
            due = g.day_in_history()
            created = due - dt.timedelta(days=g.rng.randrange(0, 30))
        created = max(g.start, created)
        ref = _who(contacts, contacts[contact_id].get("referred_by")) if contact_id else "a friend"
        fields: dict[str, Any] = {
            "title": _title(g, kind, _who(contacts, contact_id), company_name(company_id), ref),
            "due": _day(due),
            "kind": kind,
            "company_id": company_id,
            "contact_id": contact_id,
            "status": "open",
            "priority": g.rng.randint(1, 5) if g.rng.random() < 0.2 else None,
            "note": g.note(0.3),
            "snoozes": 0,
            "origin": None,
        }
        rule = RULE_OF_KIND.get(kind)
        if rule and g.rng.random() < 0.4:
            target = contact_id or company_id or "company"
            fields["origin"] = f"rule:{rule}:{g.rng.choice(interaction_ids)}:{target}:0"
        record_id = g.new_id()
        doc = g.doc(fields, created)
        if g.rng.random() < 0.1:  # snoozed a few times before anything else happened
            snoozes = g.rng.randint(1, 3)
            doc = g.edit(doc, {"snoozes": snoozes}, min(anchor, max(created, due)))
        if not is_open:
            closed = min(anchor, due + dt.timedelta(days=int(g.rng.expovariate(1 / 3))))
            status = "done" if g.rng.random() < 0.9 else "dropped"
            doc = g.edit(doc, {"status": status, "closed_on": _day(closed)}, closed)
            if status == "done" and (contact_id or company_id):
                done_logs.append((record_id, doc, closed))
        follow_ups[record_id] = doc

    # Interactions: first the logs of done follow-ups (at most half), then everything else.
    interactions: dict[str, dict[str, Any]] = {}
    logs = done_logs[: size.interactions // 2]
    for record_id, (follow_up_id, f, closed) in zip(interaction_ids, logs, strict=False):
        fields = {
            "kind": DONE_LOGS_AS[f["kind"]],
            "day": _day(closed),
            "company_id": f.get("company_id"),
            "contact_id": f.get("contact_id"),
            "note": f["title"] if g.rng.random() < 0.6 else g.note(1.0),
            "follow_up_id": follow_up_id,
            "with_ids": [],
        }
        interactions[record_id] = g.doc(fields, closed)
    for record_id in interaction_ids[len(logs) :]:
        kind = g.pick(KINDS_W)
        day = g.day_in_history()
        contact_id = g.rng.choice(contact_ids) if g.rng.random() < 0.85 else None
        company_id = contacts[contact_id].get("company_id") if contact_id else None
        if contact_id is None:
            company_id = g.rng.choice(company_ids)
        with_ids: list[str] = []
        if kind in ("interview", "meeting") and g.rng.random() < 0.15:
            with_ids = g.rng.sample(contact_ids, min(len(contact_ids), g.rng.randint(1, 3)))
            with_ids = [p for p in with_ids if p != contact_id]
        fields = {
            "kind": kind,
            "day": _day(day),
            "company_id": company_id,
            "contact_id": contact_id,
            "note": g.note(0.75),
            "round": g.rng.randint(1, 4) if kind == "interview" else None,
            "with_ids": with_ids,
        }
        interactions[record_id] = g.doc(fields, day)

    # One open cadence check-in per contact with a cadence, timed from their last real touch.
    last_touch: dict[str, str] = {}
    for doc in interactions.values():
        if doc["kind"] in TOUCH_KINDS:
            for person in (doc.get("contact_id"), *doc.get("with_ids", ())):
                if person and doc["day"] > last_touch.get(person, ""):
                    last_touch[person] = doc["day"]
    for contact_id in cadenced[:n_cadence]:
        person = contacts[contact_id]
        span = parse_span(person["cadence"])
        last = last_touch.get(contact_id)
        due = span.add_to(dt.date.fromisoformat(last)) if last else anchor
        snoozes = 0
        if due < anchor - dt.timedelta(days=30):  # long overdue: the user snoozed it since
            due, snoozes = anchor - dt.timedelta(days=g.rng.randrange(0, 30)), g.rng.randint(1, 4)
        fields = {
            "title": f"Keep in touch: check in with {person['name']}",
            "due": _day(due),
            "kind": "check-in",
            "company_id": person.get("company_id"),
            "contact_id": contact_id,
            "status": "open",
            "snoozes": snoozes,
            "origin": f"cadence:{contact_id}:{last or 'never'}+{span}",
        }
        created = min(anchor, dt.date.fromisoformat(last)) if last else g.day_in_history()
        follow_ups[g.new_id()] = g.doc(fields, created)

    tables = {
        "companies": companies,
        "contacts": contacts,
        "interactions": interactions,
        "followups": follow_ups,
    }
    for name, table in tables.items():
        g.tombstone(table, TOMBSTONES[name])
    meta = {
        "format": FORMAT_NAME,
        "schema": SCHEMA_VERSION,
        "db_id": f"{random.Random(seed * 7919 + 1).getrandbits(128):032x}",
        "bench_anchor": _day(anchor),
        "bench_size": size.name,
        "bench_seed": seed,
        "bench_generator": GENERATOR_VERSION,
    }
    return {META_TABLE: {META_ID: meta}, **tables}


def write(path: Path | str, size: Size | str, seed: int = DEFAULT_SEED) -> Path:
    """Build and write one file (atomically: an interrupted run leaves no half file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = encode(build(size, seed))
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(raw)
    os.replace(tmp, path)
    return path


def path_for(size: str, seed: int = DEFAULT_SEED, folder: Path = DATA_DIR) -> Path:
    """Where a size's file lives; the name changes with the seed and the generator version."""
    return folder / f"{size}-s{seed}-v{GENERATOR_VERSION}.json"


def ensure(size: str, seed: int = DEFAULT_SEED, folder: Path = DATA_DIR) -> Path:
    """The file for `size`, generated first if it is missing."""
    path = path_for(size, seed, folder)
    if not path.exists():
        write(path, size, seed)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="typical,heavy,extreme", help="comma-separated")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="folder for the files")
    parser.add_argument("--force", action="store_true", help="rewrite files that exist")
    args = parser.parse_args(argv)
    import time

    for name in args.sizes.split(","):
        if name not in SIZES:
            parser.error(f"unknown size {name!r}: use {', '.join(SIZES)}")
        path = path_for(name, args.seed, args.out)
        started = time.perf_counter()
        if args.force or not path.exists():
            write(path, name, args.seed)
        took = time.perf_counter() - started
        mb = path.stat().st_size / 1e6
        print(f"{name:8} {path} {mb:7.1f} MB  {took:5.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
