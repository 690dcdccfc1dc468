# Over 400 lines because: one import's two phases, planning and writing, share the matching keys and
# the planner's state.
"""Bring people from a file into the network without duplicating anyone.

Two phases. `plan` reads nothing but the service and writes nothing: it matches every row to an
existing contact (LinkedIn profile URL, then email, then name plus company, ignoring case and
spacing), decides what to add, update or skip and why, and notices who moved company and who is a
new connection at a bullpen company. `apply` then writes the plan as ONE undoable service action,
so a failure half-way rolls everything back and the caller saves once. A dry run stops after
`plan`.

Matching rules worth knowing:
- an imported value fills or replaces a field; an empty cell never clears one (LinkedIn leaves
  most emails empty: that must not wipe the ones the user typed);
- the name of an existing contact is never changed; title, company and LinkedIn URL follow the
  file (they are what changes when people move); email, phone and the rest only fill blanks;
- a company is linked to a bullpen company whose name matches after normalising case,
  punctuation, accents and suffixes like Inc or LLC; others are created only with
  `add_companies`, otherwise the contact is kept without a company;
- contact names are unique (the service's rule; an import also counts 'Bo  CHAN' as 'Bo Chan'):
  a different person with a taken name is skipped with a reason, never merged into the wrong
  record.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rebound_tui.domain.model import Company, Contact, ValidationError
from rebound_tui.domain.references import NameIndex
from rebound_tui.domain.text import clean
from rebound_tui.io import ROW_FIELDS, InputError, Row
from rebound_tui.plural import counted
from rebound_tui.service import Service, action

Progress = Callable[[int, int], None]

SOURCES = {"linkedin": "LinkedIn", "vcard": "vCard", "csv": "CSV"}
# Company, title and LinkedIn URL follow the file when it has a value; these only fill blanks.
FILLED = ("email", "phone", "department", "role", "met_how", "notes")
# Legal-form words dropped when comparing company names ("Acme, Inc." is "ACME").
# fmt: off
COMPANY_SUFFIXES = frozenset((
    "inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "corp", "corporation", "co",
    "company", "plc", "gmbh", "ag", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "oy", "ab",
    "aps", "kk", "pty",
))
# fmt: on
_NEW = "new:"  # company_id placeholder for a company this import creates
_PUNCT = re.compile(r"[^\w\s]+")
_JOINED = re.compile(r"(?<=\w)[.'\u2019](?=\w)")
PROGRESS_STEPS = 200


# -- normalising keys ----------------------------------------------------------------------------
def _fold(text: str) -> str:
    """Lowercase, accents off, one space between words: 'Zoë  DOE' -> 'zoe doe'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def company_key(name: str | None) -> str:
    """What makes two company names the same: case, punctuation, accents, legal suffixes."""
    text = _fold(name or "").replace("&", " and ")
    words = _PUNCT.sub(" ", _JOINED.sub("", text)).split()  # "S.A." is "sa", "O'Neil" "oneil"
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    while len(words) > 1 and words[-1] in COMPANY_SUFFIXES:
        words.pop()
    return " ".join(words)


def name_key(name: str | None) -> str:
    return _fold(name or "")


def linkedin_key(url: str | None) -> str:
    """A profile URL without scheme, www, query or trailing slash, lowercased."""
    if not url:
        return ""
    text = url.strip().lower().split("?", 1)[0].split("#", 1)[0]
    text = re.sub(r"^[a-z]+://", "", text)
    text = re.sub(r"^(www|[a-z]{2})\.linkedin\.com", "linkedin.com", text)
    return text.rstrip("/")


def email_key(email: str | None) -> str:
    return (email or "").strip().lower()


# -- the summary ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Skipped:
    where: str
    name: str
    reason: str

    def __str__(self) -> str:
        who = f" ({self.name})" if self.name else ""
        return f"{self.where}{who}: {self.reason}"


@dataclass
class ImportSummary:
    """What an import did (or, in a dry run, would do): the lines the user reads afterwards."""

    source: str
    dry_run: bool = False
    added: list[str] = field(default_factory=list)
    updated: list[tuple[str, list[str]]] = field(default_factory=list)  # name, fields changed
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # "Jane Doe moved from Acme to Globex"
    flagged: list[str] = field(default_factory=list)  # openings: people at bullpen companies
    companies_added: list[str] = field(default_factory=list)
    # Added next to a close name (never merged on a guess): "Dana Whitfeld (row 3) ... ".
    close: list[str] = field(default_factory=list)
    not_in_bullpen: Counter[str] = field(default_factory=Counter)  # company -> people there
    cleaned: int = 0  # values that held control or invisible characters, cleaned on the way in

    @property
    def counts(self) -> str:
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}, skipped {len(self.skipped)}"
        )

    @property
    def describe(self) -> str:
        """The undo list's name for this import."""
        return f"import from {self.source}: {len(self.added)} added, {len(self.updated)} updated"

    def lines(self, verbose: bool = False, limit: int = 20) -> list[str]:
        def capped(items: list[str]) -> list[str]:
            if verbose or len(items) <= limit:
                return items
            return [*items[:limit], f"  ... and {len(items) - limit} more (--verbose lists all)"]

        head = f"{self.source} import"
        head += " (dry run: nothing was written)" if self.dry_run else ""
        out = [f"{head}: {self.counts}"]
        out += [f"moved: {m}" for m in self.moved]
        out += [f"opening: {f}" for f in self.flagged]
        out += [f"close: {c}" for c in self.close]
        if self.companies_added:
            out.append(
                f"new companies in the bullpen ({len(self.companies_added)}): "
                + ", ".join(self.companies_added[: None if verbose else limit])
                + ("" if verbose or len(self.companies_added) <= limit else ", ...")
            )
        out += capped([f"added: {n}" for n in self.added])
        out += capped([f"updated: {n} ({', '.join(f)})" for n, f in self.updated])
        out += [f"skipped {s}" for s in self.skipped]
        if self.cleaned:
            out.append(
                f"cleaned {self.cleaned} value(s): control, bidirectional or invisible "
                "characters removed (names are one line of text; notes keep line breaks and tabs)"
            )
        if self.not_in_bullpen:
            people = sum(self.not_in_bullpen.values())
            out.append(
                f"{counted(people, 'contact')} at {counted(len(self.not_in_bullpen), 'company')} "
                f"not in your bullpen {'was' if people == 1 else 'were'} kept "
                "without a company (--add-companies adds those companies)"
            )
        return out


# -- planning ------------------------------------------------------------------------------------
@dataclass
class _Plan:
    summary: ImportSummary
    new_companies: dict[str, str] = field(default_factory=dict)  # key -> display name
    new_contacts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # contact id, changes


class _Planner:
    """Lookup tables built once, then one pass over the rows (5,000 rows in well under a second)."""

    def __init__(self, service: Service, source: str, add_companies: bool) -> None:
        self.service = service
        self.add_companies = add_companies
        self.today = service.day(None)
        self.plan = _Plan(ImportSummary(source))
        self.companies: dict[str, Company] = {}
        for company in service.companies():
            self.companies.setdefault(company_key(company.name), company)
        contacts = service.contacts()
        self.by_url = {linkedin_key(c.linkedin): c for c in contacts if c.linkedin}
        self.by_email = {email_key(c.email): c for c in contacts if c.email}
        self.by_name_company: dict[tuple[str, str], Contact] = {}
        self.by_name: dict[str, list[Contact]] = {}
        for c in contacts:
            key = name_key(c.name)
            self.by_name_company.setdefault((key, self._company_of(c.company_id)), c)
            self.by_name.setdefault(key, []).append(c)
        # Names are unique (the service's rule, which ignores case); an import is stricter and
        # also treats 'Bo  CHAN' as 'Bo Chan', so it never adds a near-duplicate of a name.
        self.taken: dict[str, Contact] = {}
        for c in contacts:
            self.taken.setdefault(name_key(c.name), c)
        # Close names are reported, not merged: the user decides whether they are one person.
        self.contact_names = NameIndex(c.name for c in contacts)
        self.company_names = NameIndex(c.name for c in service.companies())
        self.planned_names: dict[str, str] = {}  # name_key -> where, for new contacts
        # Who earlier rows of this file were: (kind, key) -> (where, their LinkedIn key).
        self.claimed: dict[tuple[str, str], tuple[str, str]] = {}
        self.matched: dict[str, str] = {}  # existing contact id -> where
        self.planned_url: dict[str, str] = {}  # existing contact id -> the URL an update gives

    def _company_of(self, company_id: str | None) -> str:
        """The matching key of a contact's company ('' for none), even for a deleted company."""
        return company_key(self.service.name_of("companies", company_id)) if company_id else ""

    def _company_name(self, company_id: str | None) -> str | None:
        if company_id and company_id.startswith(_NEW):
            return self.plan.new_companies[company_id[len(_NEW) :]]
        return self.service.name_of("companies", company_id)

    def resolve_company(self, name: str) -> tuple[str | None, str]:
        """(company_id or a new-company placeholder or None, key) for a company name."""
        key = company_key(name)
        if not key:
            return None, ""
        if key in self.companies:
            return self.companies[key].id, key
        if self.add_companies:
            if key not in self.plan.new_companies and (near := self.company_names.close(name)):
                self.plan.summary.close.append(
                    f"new company {name} is close to {', '.join(near)}: check it is not the same"
                )
            self.plan.new_companies.setdefault(key, name)
            return _NEW + key, key
        self.plan.summary.not_in_bullpen[name] += 1
        return None, key

    def company_match_key(self, name: str) -> str:
        """The company a row will be linked to, as a key: '' when it stays without one.

        Matching by name + company must compare what is stored, and a company outside the
        bullpen is not stored (without add_companies): such a row matches a contact with none.
        """
        key = company_key(name)
        return key if key in self.companies or self.add_companies else ""

    def find(self, fields: dict[str, Any], ckey: str | None) -> Contact | None:
        """The existing contact this row is: by profile URL, then email, then name + company."""
        url = linkedin_key(fields.get("linkedin"))
        if url and url in self.by_url:
            return self.by_url[url]
        email = email_key(fields.get("email"))
        if email and email in self.by_email:
            return self.by_email[email]
        nkey = name_key(fields["name"])
        if ckey is None:  # the file says nothing about a company: the name alone, if unique
            same = self.by_name.get(nkey, [])
            candidate = same[0] if len(same) == 1 else None
        else:
            candidate = self.by_name_company.get((nkey, ckey))
        if candidate is None:
            return None
        other_url = self.planned_url.get(candidate.id) or linkedin_key(candidate.linkedin)
        if url and other_url and url != other_url:
            return None  # a namesake: a different LinkedIn profile
        return candidate

    def _earlier(self, keys: list[tuple[str, str]], url: str) -> str | None:
        """Where an earlier row of this file claimed the same person, if one did."""
        for key in keys:
            claim = self.claimed.get(key)
            if claim is None:
                continue
            where, their_url = claim
            if key[0] == "name" and url and their_url and url != their_url:
                continue  # same name, different LinkedIn profiles: namesakes
            return where
        return None

    def _clean(self, fields: dict[str, Any]) -> None:
        """The input rule, applied as cleaning (an import never fails on a stray character):
        one-line fields lose their control and invisible characters, notes keep line breaks
        and tabs. Each value that changed is counted in the summary."""
        for name, value in fields.items():
            if not isinstance(value, str):
                continue
            cleaned, count = clean(value, multiline=name in Contact.NOTES)
            if count:
                fields[name] = cleaned
                self.plan.summary.cleaned += 1

    def row(self, row: Row) -> None:
        summary = self.plan.summary
        if row.problem:
            summary.skipped.append(Skipped(row.where, row.name, row.problem))
            return
        fields: dict[str, Any] = {k: v for k, v in row.fields.items() if v and k in ROW_FIELDS}
        self._clean(fields)
        name = fields["name"]
        if not name:
            summary.skipped.append(Skipped(row.where, row.name, "no name left once cleaned"))
            return
        company_text = fields.pop("company", "")
        try:
            Contact(**fields).validate()
        except ValidationError as exc:
            summary.skipped.append(Skipped(row.where, name, str(exc)))
            return
        ckey = self.company_match_key(company_text) if company_text else None
        url = linkedin_key(fields.get("linkedin"))
        keys = [("name", f"{name_key(name)}|{ckey or ''}")]
        keys += [("url", url)] if url else []
        keys += [("email", e)] if (e := email_key(fields.get("email"))) else []
        earlier = self._earlier(keys, url)
        # Every row claims who it is, even one skipped below: a later row naming the same person
        # is then a duplicate the same way on every import of the file.
        for key in keys:
            self.claimed.setdefault(key, (row.where, url))
        if earlier:
            summary.skipped.append(Skipped(row.where, name, f"same person as {earlier}"))
            return
        existing = self.find(fields, ckey)
        if existing is not None and existing.id in self.matched:
            summary.skipped.append(
                Skipped(row.where, name, f"same person as {self.matched[existing.id]}")
            )
            return
        if existing is None and (reason := self._name_taken(name)):
            summary.skipped.append(Skipped(row.where, name, reason))
            return
        company_id = self.resolve_company(company_text)[0] if company_text else None
        if existing is None:
            self._add(row, name, fields, company_id)
        else:
            self.matched[existing.id] = row.where
            self._update(existing, fields, company_id, company_text)

    def _name_taken(self, name: str) -> str | None:
        """Why a new contact cannot have this name (the service keeps names unique)."""
        key = name_key(name)
        if key in self.planned_names:
            return f"another person of the same name is on {self.planned_names[key]}"
        clash = self.taken.get(key)
        if clash is None:
            return None
        at = self._company_name(clash.company_id)
        return (
            f"a different contact named {clash.name!r}"
            + (f" (at {at})" if at else "")
            + " exists already: if it is the same person, give it this row's company, email or "
            "LinkedIn URL and import again; else rename one"
        )

    def _add(self, row: Row, name: str, fields: dict[str, Any], company_id: str | None) -> None:
        summary = self.plan.summary
        new = {k: v for k, v in fields.items() if v}
        if company_id:
            new["company_id"] = company_id
        self.plan.new_contacts.append(new)
        self.planned_names[name_key(name)] = row.where
        summary.added.append(name)
        if near := self.contact_names.close(name):
            summary.close.append(
                f"{name} ({row.where}) was added next to {', '.join(near)}: "
                "check it is not the same person"
            )
        if company_id and not company_id.startswith(_NEW):
            company = self.service.company(company_id)
            what = f", {fields['title']}" if fields.get("title") else ""
            summary.flagged.append(
                f"new connection at {company.name if company else '?'}: {name}{what}"
            )

    def _update(
        self, existing: Contact, fields: dict[str, Any], company_id: str | None, company_text: str
    ) -> None:
        summary = self.plan.summary
        changes: dict[str, Any] = {}
        if (
            company_text
            and company_id != existing.company_id
            and company_key(company_text) != self._company_of(existing.company_id)
        ):
            changes["company_id"] = company_id
            old = self._company_name(existing.company_id)
            if old:
                line = f"{existing.name} moved from {old} to {company_text}"
                summary.moved.append(line)
                note = f"Moved from {old} to {company_text} (seen in a {summary.source} import "
                note += f"on {self.today})."
                changes["notes"] = f"{existing.notes}\n{note}" if existing.notes else note
            if company_id and not company_id.startswith(_NEW):
                line = f"{existing.name} is now at {company_text} (in your bullpen)"
                summary.flagged.append(line)
        if fields.get("title") and fields["title"] != existing.title:
            changes["title"] = fields["title"]
        if fields.get("linkedin") and linkedin_key(fields["linkedin"]) != linkedin_key(
            existing.linkedin
        ):
            changes["linkedin"] = fields["linkedin"]
        for key in FILLED:
            if fields.get(key) and not getattr(existing, key) and key not in changes:
                changes[key] = fields[key]
        if changes:
            self._reindex(existing, changes)
            self.plan.updates.append((existing.id, changes))
            summary.updated.append((existing.name, sorted(_shown(k) for k in changes)))
        else:
            summary.unchanged.append(existing.name)

    def _reindex(self, existing: Contact, changes: dict[str, Any]) -> None:
        """Look the contact up as it will be once updated, so later rows see this row's changes
        exactly as the next import of the same file will."""
        if "linkedin" in changes:
            old = linkedin_key(existing.linkedin)
            if old and self.by_url.get(old) is existing:
                del self.by_url[old]
            self.by_url[linkedin_key(changes["linkedin"])] = existing
            self.planned_url[existing.id] = linkedin_key(changes["linkedin"])
        if "email" in changes:
            self.by_email.setdefault(email_key(changes["email"]), existing)
        if "company_id" in changes:
            nkey = name_key(existing.name)
            old_key = (nkey, self._company_of(existing.company_id))
            if self.by_name_company.get(old_key) is existing:
                del self.by_name_company[old_key]
            new_id = changes["company_id"]
            new_key = new_id[len(_NEW) :] if new_id and new_id.startswith(_NEW) else None
            self.by_name_company.setdefault((nkey, new_key or self._company_of(new_id)), existing)


def _shown(key: str) -> str:
    return "company" if key == "company_id" else key


def plan_import(
    service: Service,
    rows: Iterable[Row],
    *,
    source: str = "CSV",
    add_companies: bool = False,
    progress: Progress | None = None,
) -> _Plan:
    rows = list(rows)
    planner = _Planner(service, source, add_companies)
    total = len(rows)
    step = max(1, -(-total // PROGRESS_STEPS))  # rounded up: at most PROGRESS_STEPS calls
    for done, row in enumerate(rows, start=1):
        planner.row(row)
        if progress and (done % step == 0 or done == total):
            progress(done, total)
    return planner.plan


# -- writing -------------------------------------------------------------------------------------
@action(lambda summary: summary.describe)
def _apply(service: Service, plan: _Plan) -> ImportSummary:
    """Write the plan: bulk inserts for the new records, stamped updates for the rest."""
    db = service.db
    company_ids: dict[str, str] = {}
    if plan.new_companies:
        docs = []
        for name in plan.new_companies.values():
            company = Company(name=name)
            company.validate()
            docs.append({k: v for k, v in company.to_fields().items() if v is not None})
        ids = db.create_many(Company.TABLE, docs)
        company_ids = {_NEW + key: i for key, i in zip(plan.new_companies, ids, strict=True)}
        plan.summary.companies_added = list(plan.new_companies.values())
    if plan.new_contacts:
        docs = []
        for fields in plan.new_contacts:
            doc = dict(fields)
            if doc.get("company_id", "").startswith(_NEW):
                doc["company_id"] = company_ids[doc["company_id"]]
            docs.append(doc)
        db.create_many(Contact.TABLE, docs)  # journaled: rolled back if a later write fails
    updates: dict[str, dict] = {}
    for contact_id, changes in plan.updates:
        if str(changes.get("company_id") or "").startswith(_NEW):
            changes = {**changes, "company_id": company_ids[changes["company_id"]]}
        updates.setdefault(contact_id, {}).update(changes)
    db.update_many(Contact.TABLE, updates)  # one pass over the table, journaled like the rest
    return plan.summary


def import_rows(
    service: Service,
    rows: Iterable[Row],
    *,
    source: str = "CSV",
    dry_run: bool = False,
    add_companies: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Match and write rows as one undoable action (nothing written on error); the caller saves.

    With `dry_run` nothing is written and the summary says what would happen.
    `progress(done, total)` is called as rows are matched (up to ~200 times, from this thread).
    """
    plan = plan_import(service, rows, source=source, add_companies=add_companies, progress=progress)
    if dry_run:
        plan.summary.dry_run = True
        if add_companies:
            plan.summary.companies_added = list(plan.new_companies.values())
        return plan.summary
    if not (plan.new_companies or plan.new_contacts or plan.updates):
        return plan.summary
    return _apply(service, plan)


def read_rows(
    kind: str, path: Path | str, mapping: dict[str, str] | str | None = None
) -> list[Row]:
    """Parse a file of `kind` ('linkedin', 'vcard' or 'csv'); InputError if it cannot be read."""
    if kind == "linkedin":
        from rebound_tui.io.linkedin import read_linkedin

        return read_linkedin(path)
    if kind == "vcard":
        from rebound_tui.io.vcard import read_vcard

        return read_vcard(path)
    if kind == "csv":
        from rebound_tui.io.csvmap import read_csv

        return read_csv(path, mapping)
    raise InputError(f"unknown import kind {kind!r}: use one of {', '.join(SOURCES)}")


def import_file(
    service: Service,
    kind: str,
    path: Path | str,
    *,
    mapping: dict[str, str] | str | None = None,
    dry_run: bool = False,
    add_companies: bool = False,
    progress: Progress | None = None,
) -> ImportSummary:
    """Read and import a file in one go (the dashboard's entry point); the caller saves."""
    if mapping is not None and kind != "csv":
        raise InputError("--map is for 'import csv' only")
    rows = read_rows(kind, path, mapping)
    return import_rows(
        service,
        rows,
        source=SOURCES.get(kind, kind),
        dry_run=dry_run,
        add_companies=add_companies,
        progress=progress,
    )
