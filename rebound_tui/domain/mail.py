"""Mail as touches: the rules that turn a message's headers into an `email` interaction.

Plain Python: readers (io/mail.py, io/imap.py) hand over `MailMessage`s, the mail service
(mail_service.py) matches and writes them. What lives here:

- the identity of a message (`message_key`) and the record id derived from it (`interaction_id`):
  the same message imported twice, or on two machines that then sync, is ONE record, because both
  imports give it the same id and the merge unifies records by id;
- one-line text for subjects (control characters and line breaks out: a subject is data);
- which addresses and domains match (`email_key`, `domain_of`, `website_domain`);
- which open follow-ups an outgoing email completes (`match_follow_ups`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Follow-up kinds that a sent email does (a news check or a to-do is not a message).
MESSAGE_KINDS: frozenset[str] = frozenset({"thank-you", "referral-ask", "check-in", "outreach"})
DIRECTIONS: tuple[str, ...] = ("in", "out")
# A subject longer than this is cut (with an ellipsis): it is a talking point, not a body.
MAX_SUBJECT = 300
ID_NAMESPACE = "rebound-tui mail\0"

_SPACE = re.compile(r"\s+")
_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


@dataclass(frozen=True)
class MailMessage:
    """The headers of one message that matter here (bodies are never read into this)."""

    when: dt.datetime  # aware
    sender: str  # the From address, lowercased ('' when there is none)
    recipients: tuple[str, ...]  # To, Cc and Bcc addresses, lowercased, in header order
    subject: str  # one line (see one_line)
    message_id: str | None = None
    # Display names by address, for reporting people who are not contacts yet.
    names: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        return message_key(self.message_id, self.when, self.sender, self.subject)


@dataclass(frozen=True)
class Broken:
    """A message that cannot be used, and why (the summary counts the reasons)."""

    reason: str
    where: str = ""


def one_line(text: str | None, limit: int = MAX_SUBJECT) -> str:
    """Text as one line: control and format characters out, every run of space one space.

    A subject like "\\x1b]0;x\\x07" or "[@click=app.quit]" stays as data: the escape is dropped
    here, and the display escapes markup wherever it shows text.
    """
    if not text:
        return ""
    if text.isprintable():  # the usual case: no control characters, ASCII spaces only
        line = " ".join(text.split())
        return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    kept = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Zl", "Zp") or ch in "\t\r\n\v\f\x85":
            kept.append(" ")
        elif cat[0] == "C":  # Cc control, Cf format (bidi overrides), Cs surrogate, Co, Cn
            continue
        else:
            kept.append(ch)
    line = _SPACE.sub(" ", "".join(kept)).strip()
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line


def normalize_message_id(raw: str | None) -> str | None:
    """A Message-ID without angle brackets or spaces; None when there is nothing usable."""
    if not raw:
        return None
    text = "".join(one_line(raw, limit=10_000).split())
    if text.startswith("<") and ">" in text:
        text = text[1 : text.index(">")]
    text = text.strip("<>")
    return text[:998] or None


def email_key(address: str | None) -> str:
    """An address as compared: trimmed and lowercased (the local part too, as every mail
    provider people use treats it so)."""
    return (address or "").strip().strip("<>").lower()


def message_key(message_id: str | None, when: dt.datetime, sender: str, subject: str) -> str:
    """What makes two copies the same message: its Message-ID, else date + sender + subject."""
    if message_id:
        return f"mid:{message_id}"
    instant = when.astimezone(dt.UTC).replace(microsecond=0).isoformat()
    digest = hashlib.sha256(f"{instant}\n{email_key(sender)}\n{subject}".encode()).hexdigest()
    return f"hash:{digest}"


def interaction_id(key: str) -> str:
    """The record id of the interaction for a message: 32 hex digits like every record id, and
    the same on every machine, so two imports of one message merge into one record."""
    return hashlib.sha256((ID_NAMESPACE + key).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def domain_of(address: str) -> str:
    """The domain of an address, lowercased ('' when it has none)."""
    _, at, domain = email_key(address).rpartition("@")
    return domain.rstrip(".") if at else ""


def website_domain(url: str | None) -> str:
    """A company website's domain, without scheme, port, path or a leading 'www.'."""
    if not url:
        return ""
    text = url.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = re.split(r"[/?#]", text, maxsplit=1)[0]
    text = text.rsplit("@", 1)[-1].split(":", 1)[0].rstrip(".")
    if text.startswith("www."):
        text = text[4:]
    return text if _DOMAIN.match(text) else ""


def same_organisation(address_domain: str, site_domain: str) -> bool:
    """An address at the site's domain or one of its subdomains (mail.acme.com for acme.com)."""
    if not address_domain or not site_domain:
        return False
    return address_domain == site_domain or address_domain.endswith("." + site_domain)


# -- which follow-ups an outgoing email completes ------------------------------------------------
@dataclass(frozen=True)
class OpenFollowUp:
    """An open follow-up of a message kind, for one person, and the day from which an email to
    that person does it (the day of the event that planned it, or the day it was added)."""

    id: str
    contact_id: str
    start: dt.date
    due: dt.date


@dataclass(frozen=True)
class SentEmail:
    """An outgoing email: its interaction id, its day and the contacts it went to."""

    id: str
    day: dt.date
    contact_ids: tuple[str, ...]


def match_follow_ups(
    follow_ups: Iterable[OpenFollowUp],
    sent: Iterable[SentEmail],
    used: Iterable[tuple[str, str]] = (),
) -> list[tuple[OpenFollowUp, SentEmail]]:
    """Pair open follow-ups with the outgoing emails that did them.

    Each follow-up is done by the earliest email to its person sent on or after its start day;
    one email does one follow-up per person (a thank-you email does not also do the referral ask
    planned by the same rejection). A person's follow-ups take emails in the order they are due.
    `used` lists (email id, contact id) pairs already linked to a follow-up.
    """
    taken = set(used)
    by_person: dict[str, list[SentEmail]] = {}
    for email in sent:
        for person in dict.fromkeys(email.contact_ids):
            by_person.setdefault(person, []).append(email)
    for emails in by_person.values():
        emails.sort(key=lambda e: (e.day, e.id))
    pairs: list[tuple[OpenFollowUp, SentEmail]] = []
    for f in sorted(follow_ups, key=lambda f: (f.due, f.start, f.id)):
        for email in by_person.get(f.contact_id, ()):
            if email.day >= f.start and (email.id, f.contact_id) not in taken:
                taken.add((email.id, f.contact_id))
                pairs.append((f, email))
                break
    return pairs
