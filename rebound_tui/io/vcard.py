"""vCard files (.vcf) as Google Contacts and Apple Contacts export them, read with `vobject`.

vCard 3.0 and 4.0, many cards per file, folded lines, escaped commas, non-ASCII names: the parsing
is the library's; this module only picks the fields we keep (name, organisation and department,
title, the preferred email and phone, a LinkedIn profile, the note).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import vobject
from vobject.base import VObjectError

from rebound_tui.io import InputError, Row, clean, decode_text, read_input


def read_vcard(path: Path | str) -> list[Row]:
    """The people in a .vcf file (UTF-8; cp1252 accepted for older Windows exports)."""
    path = Path(path)
    text = decode_text(read_input(path, "vCard file"), path, fallback="cp1252")
    return parse_vcard(text, str(path))


# Properties we never use that can be huge (a photo is megabytes of base64): dropped unread.
_SKIPPED = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
# The longest property we keep (a long NOTE); longer ones are refused, not parsed.
MAX_PROPERTY_CHARS = 256 * 1024
_NAME_END = re.compile(r"[;:]")
_SKIPPED_RE = re.compile(
    r"^(?:[\w-]+\.)?(?:PHOTO|LOGO|SOUND|KEY)[;:][^\n]*+\n?(?:[ \t][^\n]*+\n?)*+",
    re.IGNORECASE | re.MULTILINE,
)


def _each_line(text: str) -> Iterator[str]:
    """The lines of `text` with their ends, one at a time (no list, no 4-bytes-a-char buffer)."""
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def _plain_cards(text: str, source: str) -> str:
    """The cards without the properties we skip, one pass over the lines (no recursion, no copy
    of a photo). Cards inside cards (vCard 2.1 AGENT) are refused: we cannot tell whose fields
    are whose, and the parser would recurse once per level."""
    text = _SKIPPED_RE.sub("", text)  # one pass in C over a photo's million lines
    out: list[str] = []
    depth = 0
    skipping = False
    length = 0
    for number, line in enumerate(_each_line(text), start=1):
        if line[:1] in (" ", "\t"):  # a folded continuation of the line before
            if skipping:
                continue
            length += len(line)
            if length > MAX_PROPERTY_CHARS:
                raise InputError(
                    f"{source}: a field ending at line {number} is over "
                    f"{MAX_PROPERTY_CHARS // 1024} KB; shorten it (photos are skipped)"
                )
            out.append(line)
            continue
        head = _NAME_END.split(line, maxsplit=1)[0].strip()
        name = head.rsplit(".", 1)[-1].upper()  # (a group prefix: item1.EMAIL)
        value = line[len(head) + 1 :].strip().upper() if len(line) > len(head) else ""
        if name == "BEGIN" and value == "VCARD":
            depth += 1
            if depth > 1:
                raise InputError(
                    f"{source}: a card inside a card at line {number}; nested cards are not "
                    "supported (export the contacts again as vCard 3.0 or 4.0)"
                )
        elif name == "END" and value == "VCARD":
            depth = max(0, depth - 1)
        skipping = name in _SKIPPED
        length = len(line)
        if skipping:
            continue
        if length > MAX_PROPERTY_CHARS:
            raise InputError(
                f"{source}: the field at line {number} is over {MAX_PROPERTY_CHARS // 1024} KB; "
                "shorten it (photos are skipped)"
            )
        out.append(line)
    return "".join(out)


def parse_vcard(text: str, source: str = "vCard") -> list[Row]:
    rows: list[Row] = []
    text = _plain_cards(text, source)
    try:
        for number, card in enumerate(vobject.readComponents(text), start=1):
            if card.name.upper() != "VCARD":
                raise InputError(f"{source} holds a {card.name}, not contact cards (vCard)")
            rows.append(card_row(card, f"card {number}"))
    except VObjectError as exc:
        where = f" at line {exc.lineNumber}" if getattr(exc, "lineNumber", None) else ""
        msg = str(getattr(exc, "msg", None) or exc)
        msg = msg if len(msg) <= 100 else msg[:97] + "..."
        raise InputError(f"{source}: not a readable vCard file{where}: {msg}") from None
    except RecursionError:
        raise InputError(f"{source}: not a readable vCard file (nested too deep)") from None
    except (ValueError, TypeError, AttributeError) as exc:  # the library on malformed values
        raise InputError(f"{source}: not a readable vCard file: {exc}") from None
    if not rows:
        raise InputError(f"{source} has no contact cards (no BEGIN:VCARD)")
    return rows


def _lines(card: Any, name: str) -> list[Any]:
    return list(card.contents.get(name, []))


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return clean(" ".join(clean(v) for v in value if clean(v)))
    return clean(value)


def _preferred(lines: list[Any]) -> Any | None:
    """The line marked preferred (3.0: TYPE=pref; 4.0: PREF=1), else the first one."""

    def rank(line: Any) -> int:
        params = {k.upper(): [str(v).lower() for v in vs] for k, vs in line.params.items()}
        if "pref" in params.get("TYPE", []):
            return 1
        pref = params.get("PREF", [])
        return int(pref[0]) if pref and pref[0].isdigit() else 101

    usable = [line for line in lines if _text(line.value)]
    return min(usable, key=rank) if usable else None


def _name(card: Any) -> str:
    fn = _preferred(_lines(card, "fn"))
    if fn is not None:
        return _text(fn.value)
    n = _preferred(_lines(card, "n"))
    if n is None:
        return ""
    value = n.value
    parts = [getattr(value, k, "") for k in ("prefix", "given", "additional", "family", "suffix")]
    return " ".join(_text(p) for p in parts if _text(p))


def _linkedin(card: Any) -> str:
    for key in ("url", "x-socialprofile"):
        for line in _lines(card, key):
            value = _text(line.value)
            if "linkedin.com/" in value.lower():
                if not value.lower().startswith(("http://", "https://")):
                    value = "https://" + value.split("://", 1)[-1]
                return value
    return ""


def _is_company_card(card: Any) -> bool:
    """Apple marks them X-ABShowAs:COMPANY; others leave the person's name (N) empty."""
    show_as = _preferred(_lines(card, "x-abshowas"))
    if show_as is not None and _text(show_as.value).upper() == "COMPANY":
        return True
    kind = _preferred(_lines(card, "kind"))  # vCard 4.0
    return kind is not None and _text(kind.value).lower() == "org"


def card_row(card: Any, where: str) -> Row:
    fields: dict[str, str] = {}
    if name := _name(card):
        fields["name"] = name
    org = _preferred(_lines(card, "org"))
    if org is not None:
        parts = org.value if isinstance(org.value, list) else [org.value]
        parts = [clean(p) for p in parts if clean(p)]
        if parts:
            fields["company"] = parts[0]
        if len(parts) > 1:
            fields["department"] = parts[1]
    title = _preferred(_lines(card, "title"))
    if title is not None:
        fields["title"] = _text(title.value)
    email = _preferred(_lines(card, "email"))
    if email is not None:
        fields["email"] = _text(email.value).removeprefix("mailto:")
    tel = _preferred(_lines(card, "tel"))
    if tel is not None:
        fields["phone"] = _text(tel.value).removeprefix("tel:")
    if linkedin := _linkedin(card):
        fields["linkedin"] = linkedin
    note = _preferred(_lines(card, "note"))
    if note is not None:
        fields["notes"] = _text(note.value)
    fields = {k: v for k, v in fields.items() if v}
    problem = None if name else "no name on the card"
    if _is_company_card(card):
        problem = "a company's card, not a person's"
    return Row(where, fields, problem)
