"""The demo data: six months of a rebound job search on Chicago's North Shore, as of one day.

It is written only through `Service` (so every record is valid and stamped like real data) by a
script that walks forward day by day: each write happens on the day it is dated, with the clock
and "today" set to that day. The same anchor always gives the same records and field values; only
the random record ids and database id differ between builds.

The story (from the coach's article): a rejection after a third interview in Glenview, a Skokie
company that said no and came back months later with another role, a Highland Park comptroller
hire who left on day one, and Darlene's team in Northbrook with a problem employee, a star who
needs a promotion and someone who may move to Alaska.

`make_demo_copy` turns the packaged file into a throwaway copy whose days are moved so that it
looks alive on any day: what was due on the anchor is due today.

    python -m rebound_tui.demo [PATH]     # regenerate examples/demo.json (or PATH)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import uuid
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

from rebound_tui.domain.clock import HybridClock
from rebound_tui.domain.model import FollowUp
from rebound_tui.service import Service
from rebound_tui.store.database import Database
from rebound_tui.store.fileformat import META_ID, META_TABLE, decode, encode
from rebound_tui.store.files import FILE_MODE, atomic_write

ANCHOR = dt.date(2026, 11, 27)
"""The day the packaged demo file is "as of"."""

DAY_FIELDS = ("due", "day", "closed_on", "hired_started")
"""Fields holding a calendar day (YYYY-MM-DD): the ones `shift_days` moves."""

ANCHOR_KEY = "demo_anchor"
COPY_NAME = "rebound-demo.json"
PACKAGE_DIR = Path(__file__).resolve().parent
EXAMPLES_FILE = PACKAGE_DIR.parent / "examples" / "demo.json"
DEMO_REPLICA = "00000000"


# -- building ----------
class _Script:
    """Walks the story forward: `at(n)` moves "today" to n days before the anchor."""

    def __init__(self, path: Path, anchor: dt.date) -> None:
        self.anchor = anchor
        self.now = anchor
        self._ticks = 0
        clock = HybridClock(replica=DEMO_REPLICA, wall_ms=self._wall_ms)
        self.s = Service(Database(path, clock=clock), today=lambda: self.now)

    def _wall_ms(self) -> int:
        """Deterministic stamps: afternoon (UTC) of the current story day, one second per write."""
        self._ticks += 1
        noon = dt.datetime.combine(self.now, dt.time(15, 0), tzinfo=dt.UTC)
        return int(noon.timestamp() * 1000) + self._ticks * 1000

    def at(self, days_ago: int) -> None:
        self.now = self.ago(days_ago)

    def ago(self, days_ago: int) -> dt.date:
        """The day `days_ago` before the anchor (negative: after it)."""
        return self.anchor - dt.timedelta(days=days_ago)

    def log(self, kind: str, **kwargs: Any) -> None:
        self.s.log(kind, on=self.now, **kwargs)

    def todo(self, title: str, due_ago: int, **kwargs: Any) -> FollowUp:
        return self.s.add_follow_up(title, due=self.ago(due_ago), **kwargs)

    def done(self, follow_up: FollowUp, note: str | None = None, kind: str | None = None) -> None:
        self.s.complete(follow_up, note=note, on=self.now, kind=kind)

    def stage(self, company: str, stage: str, **changes: Any) -> None:
        self.s.edit_company(company, stage=stage, **changes)

    def contact_id(self, name: str) -> str:
        return self.s.find_contact(name).id


def _email(name: str, domain: str) -> str:
    return f"{name.lower().replace(' ', '.')}@{domain}"


def _linkedin(name: str) -> str:
    return f"https://www.linkedin.com/in/{name.lower().replace(' ', '-')}-demo"


# Invented companies; web and mail addresses use the reserved .example domain.
HARROW = "Harrow & Finch Packaging"
CALLOWAY = "Calloway Medical Supply"
BRIGHTWATER = "Brightwater Provisions"
KESTREL = "Kestrel Lane Distribution"
LINDENWOOD = "Lindenwood Analytics"
COBALT = "Cobalt Harbor Insurance"
SUMAC = "Sumac Point Manufacturing"
BLUESTEM = "Bluestem Ledger Partners"


def _write_story(x: _Script) -> None:  # noqa: PLR0915 - one story, told in order
    s = x.s

    # Half a year ago: the search starts with the user's old boss as a reference.
    x.at(182)
    s.add_contact(
        "Walt Simmons",
        title="Former manager (VP Finance, previous employer)",
        role="other",
        email=_email("Walt Simmons", "simmonsadvisory.example"),
        phone="(847) 555-0101",
        met_how="My boss for six years before the layoff",
        cadence="3m",
        notes="Main reference. Knows half the controllers on the North Shore.",
    )
    x.log("call", contact="Walt Simmons", note="Told Walt about the layoff; he will be a reference")
    walt_update = x.todo("Update Walt on the search", 100, contact="Walt Simmons", kind="check-in")

    # Skokie, first round: Calloway says no after a coin flip.
    x.at(175)
    s.add_company(
        CALLOWAY,
        stage="applied",
        priority=5,
        location="Skokie, IL",
        website="https://www.callowaymedical.example",
        why="Steady hospital book and a finance team that promotes from within. Gwen's team.",
    )
    s.add_contact(
        "Marcus Bell",
        company=CALLOWAY,
        title="Senior Recruiter",
        role="recruiter",
        department="Talent Acquisition",
        email=_email("Marcus Bell", "callowaymedical.example"),
        phone="(847) 555-0117",
        met_how="Application for Senior Financial Analyst",
    )
    x.log(
        "email", contact="Marcus Bell", note="Applied for Senior Financial Analyst; Marcus replied"
    )

    x.at(165)
    x.stage(CALLOWAY, "interviewing")
    s.add_contact(
        "Gwen Albrecht",
        company=CALLOWAY,
        title="Finance Director",
        role="boss",
        department="Finance",
        email=_email("Gwen Albrecht", "callowaymedical.example"),
        phone="(847) 555-0123",
        linkedin=_linkedin("Gwen Albrecht"),
        met_how="Hiring manager, Senior Financial Analyst interviews",
        cadence="6w",
    )
    x.log("interview", contact="Gwen Albrecht", round=1, note="First interview with Gwen, 45 min")

    x.at(158)
    x.log("interview", contact="Gwen Albrecht", round=2, note="Panel and a freight-accrual case")
    gwen_ty = x.todo(
        "Thank-you note to Gwen Albrecht (round 2)", 157, contact="Gwen Albrecht", kind="thank-you"
    )
    x.at(157)
    x.done(gwen_ty)

    x.at(150)
    x.stage(CALLOWAY, "rejected")
    x.log(
        "rejection",
        contact="Gwen Albrecht",
        note="They chose a candidate who knew their ERP. Gwen wrote that it was very close.",
    )
    gwen_no_ty = x.todo(
        "Thank Gwen for her time, even after the no", 149, contact="Gwen Albrecht", kind="thank-you"
    )
    gwen_ask = x.todo(
        "Ask Gwen for a 20-minute referral interview",
        143,
        contact="Gwen Albrecht",
        kind="referral-ask",
    )
    gwen_30 = x.todo(
        "Check in with Gwen (30 days after the no)", 120, contact="Gwen Albrecht", kind="check-in"
    )
    gwen_60 = x.todo(
        "Check in with Gwen (60 days after the no)", 90, contact="Gwen Albrecht", kind="check-in"
    )
    gwen_90 = x.todo(
        "Check in with Gwen (90 days after the no)", 60, contact="Gwen Albrecht", kind="check-in"
    )
    x.at(149)
    x.done(gwen_no_ty, note="Thanked Gwen; said I would still love to work with her team")
    x.at(143)
    x.done(gwen_ask, note="Asked Gwen for 20 minutes of advice; she said yes")

    x.at(136)
    x.stage(CALLOWAY, "re-engaging")
    x.log(
        "referral-interview",
        contact="Gwen Albrecht",
        note="It really was a coin flip. She suggested I meet Helen Vasquez in Supply Chain.",
    )
    s.add_contact(
        "Helen Vasquez",
        company=CALLOWAY,
        title="VP Supply Chain",
        role="executive",
        department="Supply Chain",
        email=_email("Helen Vasquez", "callowaymedical.example"),
        referred_by_name="Gwen Albrecht",
        met_how="Referral interview, introduced by Gwen",
        cadence="3m",
    )
    gwen_ri_ty = x.todo(
        "Thank Gwen for the referral interview", 135, contact="Gwen Albrecht", kind="thank-you"
    )
    x.at(135)
    x.done(gwen_ri_ty)

    # Lake Forest: an interview that goes nowhere.
    x.at(128)
    s.add_company(
        SUMAC,
        stage="interviewing",
        priority=2,
        location="Lake Forest, IL",
        why="Plant controller track, close to home.",
    )
    s.add_contact(
        "Greg Halvorsen",
        company=SUMAC,
        title="Corporate Controller",
        role="boss",
        department="Finance",
        email=_email("Greg Halvorsen", "sumacpoint.example"),
        met_how="Interview for Plant Controller",
    )
    x.log("interview", contact="Greg Halvorsen", round=1, note="Good talk; second round 'soon'")
    greg_ask = x.todo(
        "Ask Greg about the second round", 100, contact="Greg Halvorsen", kind="check-in"
    )

    x.at(126)
    x.log(
        "referral-interview",
        contact="Helen Vasquez",
        note="Supply-chain finance is short-staffed. She referred me to Owen Park in FP&A.",
    )
    s.add_contact(
        "Owen Park",
        company=CALLOWAY,
        title="FP&A Manager",
        role="referral",
        department="FP&A",
        email=_email("Owen Park", "callowaymedical.example"),
        linkedin=_linkedin("Owen Park"),
        referred_by_name="Helen Vasquez",
        met_how="Referral interview, introduced by Helen",
        cadence="2m",
    )

    x.at(120)
    x.done(gwen_30, note="Sent Gwen an article on hospital supply costs")

    x.at(115)
    x.log(
        "referral-interview",
        contact="Owen Park",
        note="FP&A grows once the acquisition closes. Introduced me to Nadia, and to Darlene "
        "Fitch at Kestrel Lane (his CPA study group).",
    )
    s.add_contact(
        "Nadia Qureshi",
        company=CALLOWAY,
        title="Senior Accountant",
        role="peer",
        department="Finance",
        email=_email("Nadia Qureshi", "callowaymedical.example"),
        referred_by_name="Owen Park",
        met_how="Owen's introduction",
    )
    s.add_company(
        KESTREL,
        stage="watching",
        priority=4,
        location="Northbrook, IL",
        website="https://www.kestrellane.example",
        why="Darlene runs a ten-person AP/AR team: zero openings today, two or three soon.",
        notes="Susan isn't cutting it (HR wants a paper trail first). Mark is too good for his "
        "job and needs a promotion, which needs a replacement. Mike may finally move to Alaska.",
    )
    s.add_contact(
        "Darlene Fitch",
        company=KESTREL,
        title="Accounting Manager",
        role="boss",
        department="Accounting",
        email=_email("Darlene Fitch", "kestrellane.example"),
        phone="(847) 555-0148",
        linkedin=_linkedin("Darlene Fitch"),
        referred_by_name="Owen Park",
        met_how="Owen Park's CPA study group",
        cadence="6w",
        notes="A smart boss who keeps a bullpen of people to call.",
    )
    darlene_hello = x.todo(
        "Introduce myself to Darlene (Owen's referral)",
        113,
        contact="Darlene Fitch",
        kind="outreach",
    )

    x.at(113)
    x.done(darlene_hello, note="Wrote Darlene with Owen's name in the subject line", kind="email")

    # Highland Park: the comptroller role.
    x.at(110)
    s.add_company(
        BRIGHTWATER,
        stage="applied",
        priority=4,
        location="Highland Park, IL",
        website="https://www.brightwaterprovisions.example",
        why="Family-owned specialty foods; the comptroller job is exactly my experience.",
    )
    s.add_contact(
        "Rosa Delgado",
        company=BRIGHTWATER,
        title="HR Manager",
        role="hr",
        department="Human Resources",
        email=_email("Rosa Delgado", "brightwaterprovisions.example"),
        phone="(847) 555-0156",
        met_how="Application for Comptroller",
    )
    x.log("email", contact="Rosa Delgado", note="Applied for Comptroller; Rosa set up interviews")

    x.at(106)
    x.log(
        "referral-interview",
        contact="Darlene Fitch",
        note="No openings today, but: Susan isn't cutting it, Mark needs a promotion before a "
        "competitor grabs him, and Mike keeps talking about Alaska.",
    )
    s.add_contact(
        "Mark Ostrowski",
        company=KESTREL,
        title="Senior AP Specialist",
        role="peer",
        department="Accounting",
        email=_email("Mark Ostrowski", "kestrellane.example"),
        referred_by_name="Darlene Fitch",
        met_how="Darlene suggested coffee with him",
        cadence="8w",
        notes="The star Darlene wants to promote once she has someone to take his place.",
    )
    darlene_ty = x.todo(
        "Thank Darlene for the referral interview", 105, contact="Darlene Fitch", kind="thank-you"
    )
    darlene_cadence = x.todo(
        "Check in with Darlene (every 6w)", 63, contact="Darlene Fitch", kind="check-in"
    )
    x.at(105)
    x.done(darlene_ty)

    x.at(101)
    x.stage(BRIGHTWATER, "interviewing")
    s.add_contact(
        "Elaine Moser",
        company=BRIGHTWATER,
        title="Chief Financial Officer",
        role="boss",
        department="Finance",
        email=_email("Elaine Moser", "brightwaterprovisions.example"),
        phone="(847) 555-0162",
        linkedin=_linkedin("Elaine Moser"),
        met_how="Hiring manager, Comptroller interviews",
    )
    x.log("interview", contact="Elaine Moser", round=1, note="Close calendar and audit readiness")

    x.at(100)
    x.done(walt_update, note="Two companies in play; Walt knows Lindenwood's controller")
    x.todo("Update Walt on the search", 9, contact="Walt Simmons", kind="check-in")

    x.at(97)
    x.log(
        "meeting",
        contact="Mark Ostrowski",
        note="Coffee. The team is stretched; Mike really did fly to Anchorage to look at houses.",
    )
    s.add_contact(
        "Mike Jorgensen",
        company=KESTREL,
        title="AR Analyst",
        role="peer",
        department="Accounting",
        linkedin=_linkedin("Mike Jorgensen"),
        referred_by_name="Mark Ostrowski",
        met_how="Mark connected us on LinkedIn",
        notes="Has talked about moving to Alaska for years. Maybe this is the year.",
    )

    x.at(95)
    x.stage(SUMAC, "dropped")
    x.log("news", company=SUMAC, note="Headquarters moving to Dallas next spring")
    s.drop(greg_ask, note="Not relocating to Dallas")

    x.at(88)
    s.add_contact(
        "Ben Hartley",
        company=BRIGHTWATER,
        title="Staff Accountant",
        role="peer",
        department="Finance",
        met_how="Second-round interview",
    )
    x.log(
        "interview",
        contact="Elaine Moser",
        round=2,
        with_ids=[x.contact_id("Ben Hartley")],
        note="With Elaine and Ben; walked through a month-end close",
    )
    elaine_ty = x.todo(
        "Thank-you note to Elaine Moser (round 2)", 87, contact="Elaine Moser", kind="thank-you"
    )
    x.at(87)
    x.done(elaine_ty)

    x.at(84)
    x.log(
        "news",
        company=CALLOWAY,
        note="Closed the purchase of a regional home-health supplier; integration team forming",
    )
    x.done(gwen_60, note="Congratulated Gwen on the acquisition")

    x.at(80)
    x.stage(
        BRIGHTWATER,
        "rejected",
        hired_name="Trevor Lindqvist",
        hired_started=x.ago(38).isoformat(),
    )
    x.log("rejection", contact="Rosa Delgado", note="They hired someone who starts in October")
    elaine_no_ty = x.todo(
        "Thank Elaine for her time, even after the no", 79, contact="Elaine Moser", kind="thank-you"
    )
    elaine_30 = x.todo(
        "Check in with Elaine (30 days after the no)", 50, contact="Elaine Moser", kind="check-in"
    )
    elaine_60 = x.todo(
        "Check in with Elaine (60 days after the no)", 20, contact="Elaine Moser", kind="check-in"
    )
    x.at(79)
    x.done(elaine_no_ty, note="Thanked Elaine; asked to stay in touch")

    # Winnetka: a bridge job while the search goes on.
    x.at(70)
    s.add_company(
        BLUESTEM,
        stage="offer",
        priority=2,
        location="Winnetka, IL",
        why="Interim controller contract through year-end: income and fresh references.",
    )
    s.add_contact(
        "Ruth Abernathy",
        company=BLUESTEM,
        title="Managing Partner",
        role="boss",
        department="Client Services",
        email=_email("Ruth Abernathy", "bluestemledger.example"),
        phone="(847) 555-0171",
        referred_by_name="Walt Simmons",
        met_how="Walt's introduction",
        cadence="1m",
    )
    x.log("meeting", contact="Ruth Abernathy", note="Offered a three-month interim contract")

    x.at(66)
    x.stage(BLUESTEM, "hired")
    s.add_contact(
        "Dev Kapoor",
        company=BLUESTEM,
        title="Senior Consultant",
        role="peer",
        department="Client Services",
        email=_email("Dev Kapoor", "bluestemledger.example"),
        met_how="Works beside me on the interim contract",
    )
    x.log("note", company=BLUESTEM, note="Started the interim contract, three days a week")

    # Evanston: a fresh application, through Walt's network.
    x.at(65)
    s.add_company(
        LINDENWOOD,
        stage="applied",
        priority=3,
        location="Evanston, IL",
        website="https://www.lindenwoodanalytics.example",
        why="Fast-growing healthcare analytics firm; needs finance people who know hospitals.",
    )
    s.add_contact(
        "Sam Whitaker",
        company=LINDENWOOD,
        title="Talent Partner",
        role="recruiter",
        department="People",
        email=_email("Sam Whitaker", "lindenwoodanalytics.example"),
        met_how="Application for Senior Financial Analyst",
    )
    s.add_contact(
        "Priya Raman",
        company=LINDENWOOD,
        title="Controller",
        role="boss",
        department="Finance",
        email=_email("Priya Raman", "lindenwoodanalytics.example"),
        linkedin=_linkedin("Priya Raman"),
        referred_by_name="Walt Simmons",
        met_how="Walt's former colleague",
    )
    x.log("email", contact="Sam Whitaker", note="Applied; mentioned that Walt knows Priya")

    x.at(63)
    x.done(darlene_cadence, note="Sent Darlene a note on the new lease-accounting rules")
    darlene_cadence = x.todo(
        "Check in with Darlene (every 6w)", 21, contact="Darlene Fitch", kind="check-in"
    )

    # The 90-day check-in was two days late when Gwen called first.
    x.at(58)
    x.stage(CALLOWAY, "interviewing")
    x.done(
        gwen_90,
        kind="call",
        note="Gwen called: a new FP&A Manager role after the acquisition. Would I interview?",
    )

    x.at(55)
    x.log("call", contact="Sam Whitaker", note="Phone screen with Sam; on to Priya")

    x.at(52)
    x.log(
        "interview",
        contact="Gwen Albrecht",
        round=1,
        with_ids=[x.contact_id("Owen Park")],
        note="FP&A Manager, round 1, with Gwen and Owen",
    )

    x.at(50)
    x.done(elaine_30, note="Checked in with Elaine; the new comptroller starts soon")

    x.at(45)
    x.log("message", contact="Mike Jorgensen", note="Mike on LinkedIn: 'This might be the year.'")

    x.at(40)
    x.log("interview", contact="Helen Vasquez", round=2, note="FP&A Manager, round 2, with Helen")

    # Glenview: the job the user really wanted.
    x.at(38)
    s.add_company(
        HARROW,
        stage="applied",
        priority=5,
        location="Glenview, IL",
        website="https://www.harrowfinch.example",
        why="Sustainable packaging, a lean ops-finance team, and plant managers who love numbers.",
    )
    s.add_contact(
        "Colleen Byrne",
        company=HARROW,
        title="HR Business Partner",
        role="hr",
        department="Human Resources",
        email=_email("Colleen Byrne", "harrowfinch.example"),
        phone="(847) 555-0184",
        met_how="Application for Operations Finance Manager",
    )
    x.log("email", contact="Colleen Byrne", note="Applied for Operations Finance Manager")

    x.at(33)
    x.stage(HARROW, "interviewing")
    s.add_contact(
        "Dana Whitfield",
        company=HARROW,
        title="Director of Operations Finance",
        role="boss",
        department="Finance",
        email=_email("Dana Whitfield", "harrowfinch.example"),
        phone="(847) 555-0190",
        linkedin=_linkedin("Dana Whitfield"),
        met_how="Hiring manager, three interviews",
        notes="Has ten direct reports: turnover alone means an opening every few months.",
    )
    x.log("interview", contact="Dana Whitfield", round=1, note="An hour with Dana; great rapport")
    dana_ty = x.todo(
        "Thank-you note to Dana Whitfield (round 1)", 32, contact="Dana Whitfield", kind="thank-you"
    )
    x.at(32)
    x.done(dana_ty)

    x.at(31)
    x.stage(LINDENWOOD, "interviewing")
    x.log("interview", contact="Priya Raman", round=1, note="Priya asked about hospital billing")
    priya_ty = x.todo(
        "Thank-you note to Priya Raman (round 1)", 30, contact="Priya Raman", kind="thank-you"
    )
    lindenwood_news = x.todo("Look at Lindenwood news", 1, company=LINDENWOOD, kind="news-check")
    x.at(30)
    x.done(priya_ty)

    x.at(26)
    x.log(
        "interview",
        contact="Gwen Albrecht",
        round=3,
        with_ids=[x.contact_id("Marcus Bell")],
        note="Final round: a case on folding in the home-health supplier's books",
    )

    x.at(24)
    s.add_contact(
        "Raj Menon",
        company=HARROW,
        title="Plant Controller",
        role="interviewer",
        department="Finance",
        email=_email("Raj Menon", "harrowfinch.example"),
        met_how="Second-round interview",
    )
    x.log("interview", contact="Raj Menon", round=2, note="Plant tour and variance analysis")
    raj_ty = x.todo(
        "Thank-you note to Raj Menon (round 2)", 23, contact="Raj Menon", kind="thank-you"
    )
    x.at(23)
    x.done(raj_ty)

    x.at(21)
    x.done(darlene_cadence, note="Asked how year-end is shaping up; still no openings")
    darlene_cadence = x.todo(
        "Check in with Darlene (every 6w)", -21, contact="Darlene Fitch", kind="check-in"
    )

    x.at(20)
    x.stage(BRIGHTWATER, "re-engaging", notes="The comptroller they hired walked out on day one.")
    x.done(
        elaine_60,
        kind="call",
        note="Trevor went to lunch on his first day and never came back. Elaine asked if I am "
        "still interested. Yes!",
    )
    x.todo(
        "Check in with Rosa on the comptroller timeline", 2, contact="Rosa Delgado", kind="check-in"
    )

    # Deerfield: an application through an agency recruiter.
    x.at(18)
    s.add_company(
        COBALT,
        stage="applied",
        priority=3,
        location="Deerfield, IL",
        why="Claims finance; Nadia's former team speaks well of it.",
    )
    s.add_contact(
        "Jordan Ellis",
        company=COBALT,
        title="Agency recruiter (North Shore Finance Search)",
        role="recruiter",
        email=_email("Jordan Ellis", "northshorefinancesearch.example"),
        phone="(224) 555-0107",
        met_how="Reached out on LinkedIn about the Claims Finance Analyst role",
    )
    x.log("email", contact="Jordan Ellis", note="Jordan submitted my resume for Claims Finance")
    x.todo(
        "Follow up with Jordan on the Cobalt Harbor application",
        1,
        contact="Jordan Ellis",
        kind="check-in",
    )

    x.at(16)
    s.add_contact(
        "Leah Brandt",
        company=COBALT,
        title="Claims Finance Manager",
        role="referral",
        department="Claims Finance",
        email=_email("Leah Brandt", "cobaltharbor.example"),
        referred_by_name="Nadia Qureshi",
        met_how="Referral interview, introduced by Nadia",
    )
    x.log(
        "referral-interview",
        contact="Leah Brandt",
        note="How claims finance works there; she will put in a word with the hiring manager",
    )

    x.at(15)
    s.add_contact(
        "Tom Kessler",
        company=HARROW,
        title="VP Operations",
        role="executive",
        department="Operations",
        met_how="Third-round interview",
    )
    x.log(
        "interview",
        contact="Dana Whitfield",
        round=3,
        with_ids=[x.contact_id("Tom Kessler")],
        note="Third round with Dana and Tom; down to two candidates",
    )
    dana_ty = x.todo(
        "Thank-you note to Dana Whitfield (round 3)", 14, contact="Dana Whitfield", kind="thank-you"
    )
    x.at(14)
    x.done(dana_ty)

    x.at(12)
    x.log(
        "news",
        company=COBALT,
        note="Two major clients threatened to leave over slow claims service",
    )
    x.todo("Look at Cobalt Harbor news", -18, company=COBALT, kind="news-check")

    # The no that starts the game plan.
    x.at(11)
    x.stage(HARROW, "rejected", hired_name="Gregory Salas", hired_started=x.ago(-10).isoformat())
    x.log(
        "rejection",
        contact="Colleen Byrne",
        note="Rejection email after the third interview: they chose the other finalist",
    )
    dana_no_ty = x.todo(
        "Thank Dana for her time, even after the no", 10, contact="Dana Whitfield", kind="thank-you"
    )
    x.todo(
        "Ask Dana Whitfield for a 20-minute referral interview",
        4,
        contact="Dana Whitfield",
        kind="referral-ask",
    )
    for days, after in ((-19, 30), (-49, 60), (-79, 90)):
        x.todo(
            f"Check in with Dana ({after} days after the no)",
            days,
            contact="Dana Whitfield",
            kind="check-in",
            note="The new hire may not work out; the first weeks tell.",
        )
    x.todo("Look at Harrow & Finch news", -19, company=HARROW, kind="news-check")
    x.at(10)
    x.done(dana_no_ty, note="Thanked Dana for three good conversations. Almost nobody does this.")

    x.at(9)
    x.log("news", company=KESTREL, note="Won the Midwest distribution contract")
    s.add_contact(
        "Phil Carrington",
        company=KESTREL,
        title="Chief Operating Officer",
        role="executive",
        department="Operations",
        referred_by_name="Darlene Fitch",
        met_how="Darlene named him as the one staffing up for the new contract",
    )
    x.todo(
        "Congratulate Darlene on the Midwest distribution contract",
        6,
        contact="Darlene Fitch",
        kind="outreach",
        priority=5,
        note="Talking point: they will need to staff up AP/AR fast.",
    )

    x.at(8)
    x.log(
        "meeting",
        contact="Elaine Moser",
        with_ids=[x.contact_id("Rosa Delgado")],
        note="On site with Elaine and Rosa; they want my plan for the first 90 days",
    )
    x.todo(
        "Send Elaine the first-90-days close plan",
        0,
        contact="Elaine Moser",
        kind="todo",
        priority=5,
    )
    x.todo("Look at Brightwater news", -12, company=BRIGHTWATER, kind="news-check")

    x.at(6)
    x.stage(CALLOWAY, "offer")
    x.log(
        "call", contact="Marcus Bell", note="Verbal offer: FP&A Manager. Written offer to follow."
    )
    x.todo(
        "Call Gwen with questions about the offer",
        0,
        contact="Gwen Albrecht",
        kind="outreach",
        note="Start date, team size, review cycle.",
    )
    x.todo("Decide on the Calloway offer", -3, company=CALLOWAY, kind="todo", priority=5)
    x.todo(
        "Thank Owen, Helen and Nadia: their referrals got me here",
        -4,
        contact="Owen Park",
        kind="thank-you",
    )

    x.at(5)
    x.log("news", company=HARROW, note="Announced a second plant in Kenosha")
    x.todo(
        "Reach Dana or Raj: the Kenosha plant will need a finance lead",
        0,
        contact="Dana Whitfield",
        kind="outreach",
        note="Talking point for the referral-interview ask.",
    )

    x.at(3)
    x.todo(
        "Ask Ruth for a LinkedIn recommendation before the contract ends",
        -14,
        contact="Ruth Abernathy",
        kind="todo",
    )
    x.todo(
        "Ask Mark whether the promotion came through",
        -30,
        contact="Mark Ostrowski",
        kind="check-in",
    )
    x.todo("Ask Mike if this is the Alaska year", -45, contact="Mike Jorgensen", kind="check-in")
    x.todo("Look at Kestrel Lane news", -23, company=KESTREL, kind="news-check")

    x.at(1)
    s.add_contact(
        "Alicia Grant",
        company=LINDENWOOD,
        title="Senior Financial Analyst",
        role="interviewer",
        department="Finance",
        met_how="Second-round interview",
    )
    x.log(
        "interview",
        contact="Priya Raman",
        round=2,
        with_ids=[x.contact_id("Alicia Grant")],
        note="Round 2 with Priya and Alicia; a round 3 with the CFO is likely",
    )
    for name in ("Priya Raman", "Alicia Grant"):
        x.todo(f"Thank-you note to {name} (round 2)", 0, contact=name, kind="thank-you")
    x.todo("Prepare for Lindenwood round 3", -5, company=LINDENWOOD, kind="todo")
    s.snooze(lindenwood_news, x.ago(-6))


def build_demo(path: Path, anchor: dt.date = ANCHOR) -> Path:
    """Write a new demo data file at `path`, as of `anchor`; never overwrites a file."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise FileExistsError(f"{path} exists already; the demo never overwrites a file")
    path.parent.mkdir(parents=True, exist_ok=True)
    script = _Script(path, anchor)
    # The story brings its own follow-ups (hand-timed to tell it); the playbook stays out.
    with script.s.playbook_paused():
        _write_story(script)
    script.now = anchor
    script.s.db.set_meta(**{ANCHOR_KEY: anchor.isoformat()})
    script.s.save()
    return path


# -- moving the days ----------
def _shift_day(value: Any, days: int) -> Any:
    if not isinstance(value, str):
        return value
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return value
    if len(value) != 10:  # fromisoformat accepts other shapes too; only YYYY-MM-DD is a day
        return value
    return (day + dt.timedelta(days=days)).isoformat()


def shift_days(data: dict[str, Any], days: int) -> dict[str, Any]:
    """A copy of a database with every calendar day moved by `days` (stamps stay as they were)."""
    out: dict[str, Any] = {}
    for table, records in data.items():
        if table == META_TABLE or not isinstance(records, dict):
            out[table] = _deep_copy(records)
            continue
        new_records: dict[str, Any] = {}
        for record_id, doc in records.items():
            doc = _deep_copy(doc)
            if isinstance(doc, dict):
                for name in DAY_FIELDS:
                    if name in doc:
                        doc[name] = _shift_day(doc[name], days)
            new_records[record_id] = doc
        out[table] = new_records
    meta_table = out.setdefault(META_TABLE, {})
    meta = meta_table.setdefault(META_ID, {})
    meta[ANCHOR_KEY] = (anchor_of(data) + dt.timedelta(days=days)).isoformat()
    return out


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value


def anchor_of(data: dict[str, Any]) -> dt.date:
    """The day a demo database is "as of" (the packaged anchor if the file does not say)."""
    value = data.get(META_TABLE, {}).get(META_ID, {}).get(ANCHOR_KEY)
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else ANCHOR
    except ValueError:
        return ANCHOR


# -- the packaged copy ----------
def demo_source() -> Path:
    """The demo data file shipped inside the package."""
    return Path(str(files("rebound_tui") / "data" / "demo.json"))


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def make_demo_copy(target_dir: Path, today: dt.date) -> Path:
    """A throwaway copy of the packaged demo whose anchor is `today`, so it looks alive.

    The copy gets its own database id, so it can never merge into the user's real data.
    """
    target_dir = Path(target_dir)
    for forbidden in (PACKAGE_DIR, EXAMPLES_FILE.parent):
        if _inside(target_dir, forbidden):
            raise ValueError(f"refusing to write a demo copy into {forbidden}")
    source = demo_source()
    raw = source.read_bytes()
    data = decode(raw, source)
    shifted = shift_days(data, (today - anchor_of(data)).days)
    shifted[META_TABLE][META_ID]["db_id"] = uuid.uuid4().hex
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / COPY_NAME
    atomic_write(target, encode(shifted), FILE_MODE)
    os.chmod(target, FILE_MODE)
    return target


# -- command line ----------
def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the demo file (examples/demo.json unless a path is given)."""
    parser = argparse.ArgumentParser(
        prog="python -m rebound_tui.demo", description="Regenerate the rebound-tui demo data file."
    )
    parser.add_argument("path", nargs="?", type=Path, default=None)
    parser.add_argument(
        "--anchor",
        type=dt.date.fromisoformat,
        default=ANCHOR,
        help=f"the day the demo is 'as of' (YYYY-MM-DD, default {ANCHOR.isoformat()})",
    )
    args = parser.parse_args(argv)
    target: Path = args.path or EXAMPLES_FILE
    if args.path is None and not EXAMPLES_FILE.parent.is_dir():
        parser.error("no examples/ folder here (an installed package): give a PATH")
    if target.is_symlink():
        target = target.resolve()
    tmp = target.with_name(f".{target.name}.building-{uuid.uuid4().hex[:8]}")
    try:
        build_demo(tmp, args.anchor)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    print(f"wrote {target} (as of {args.anchor.isoformat()})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
