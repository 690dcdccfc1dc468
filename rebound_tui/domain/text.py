"""Which characters user text may hold: the one rule the CLI, the forms and the imports share.

A *hazard* is a character that can act on a terminal or disguise text instead of being read:
C0 controls (NUL..US, line breaks and tabs included), DEL, C1 controls (U+0080..U+009F), the
line and paragraph separators, bidirectional overrides and isolates (U+202A..U+202E,
U+2066..U+2069), invisible characters (zero-width space U+200B, word joiner U+2060, byte order
mark U+FEFF, tag characters U+E0000..U+E007F) and lone surrogates. The zero-width joiners
(U+200C, U+200D) are part of emoji sequences and of Persian, Arabic and Indic spelling: they are
a hazard only where they do not join two non-ASCII characters (`Ac\u200dme` disguises "Acme";
a family emoji does not).

On input, one-line fields (names, titles, emails...) refuse every hazard; notes accept line
breaks and tabs, and refuse the rest. On output, every face shows hazards as visible escapes
(`rebound_tui/display.py`). Plain Python: the domain, the CLI and the dashboard all import it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Everything that may be a hazard; joiners are decided by their neighbours (`_joins`).
_CANDIDATES = (
    "\x00-\x1f\x7f-\x9f"
    "\u200b-\u200d\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff"
    "\ud800-\udfff\U000e0000-\U000e007f"
)
HAZARD_RE = re.compile(f"[{_CANDIDATES}]")
"""Matches every possible hazard (joiners too: check them with `is_hazard_at`)."""
_NOTE_CANDIDATES = _CANDIDATES.replace("\x00-\x1f", "\x00-\x08\x0b-\x1f")
NOTE_HAZARD_RE = re.compile(f"[{_NOTE_CANDIDATES}]")
"""The same, without the line feed and the tab that notes may hold."""

JOINERS = frozenset("\u200c\u200d")

_C0_NAMES = [
    "NUL",
    "SOH",
    "STX",
    "ETX",
    "EOT",
    "ENQ",
    "ACK",
    "BEL",
    "BS",
    "HT",
    "LF",
    "VT",
    "FF",
    "CR",
    "SO",
    "SI",
    "DLE",
    "DC1",
    "DC2",
    "DC3",
    "DC4",
    "NAK",
    "SYN",
    "ETB",
    "CAN",
    "EM",
    "SUB",
    "ESC",
    "FS",
    "GS",
    "RS",
    "US",
]
_C1_NAMES = {0x84: "IND", 0x85: "NEL", 0x8D: "RI", 0x90: "DCS", 0x9B: "CSI", 0x9D: "OSC"}


def _joins(text: str, index: int) -> bool:
    """A joiner between two non-ASCII, non-space characters (an emoji, a Persian word)."""
    if index == 0 or index + 1 >= len(text):
        return False
    before, after = text[index - 1], text[index + 1]
    return (
        ord(before) > 0x7F
        and ord(after) > 0x7F
        and not before.isspace()
        and not after.isspace()
        and HAZARD_RE.match(before) is None
        and (after in JOINERS or HAZARD_RE.match(after) is None)
    )


def is_hazard_at(text: str, index: int) -> bool:
    """Whether `text[index]`, matched by HAZARD_RE, really is one (a joiner may not be)."""
    return text[index] not in JOINERS or not _joins(text, index)


def hazards(text: str, *, multiline: bool = False) -> Iterator[int]:
    """The indexes of the hazards in `text` (line feeds and tabs allowed when `multiline`)."""
    pattern = NOTE_HAZARD_RE if multiline else HAZARD_RE
    for match in pattern.finditer(text):
        if is_hazard_at(text, match.start()):
            yield match.start()


def char_name(char: str) -> str:
    """'U+001B ESC', 'U+202E RIGHT-TO-LEFT OVERRIDE': a character as a message names it."""
    code = ord(char)
    if code < 0x20:
        name = _C0_NAMES[code]
    elif code == 0x7F:
        name = "DEL"
    elif 0x80 <= code <= 0x9F:
        name = _C1_NAMES.get(code, "C1 control")
    elif 0xD800 <= code <= 0xDFFF:
        name = "lone surrogate"
    else:
        name = unicodedata.name(char, "")
    return f"U+{code:04X} {name}".rstrip()


def char_kind(char: str) -> str:
    """What sort of hazard it is, in words."""
    code = ord(char)
    if char in "\n\r\u2028\u2029\x85\x0b\x0c":
        return "a line break"
    if char == "\t":
        return "a tab"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return "a control character"
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        return "a bidirectional control"
    if 0xD800 <= code <= 0xDFFF:
        return "a lone surrogate (broken UTF-16)"
    return "an invisible character"


def first_hazard(text: str, *, multiline: bool = False) -> str | None:
    for index in hazards(text, multiline=multiline):
        return text[index]
    return None


def clean(text: str, *, multiline: bool = False) -> tuple[str, int]:
    """`text` without its hazards, and how many there were: for imports and generated text.

    Line breaks and tabs become one space in a one-line value (runs of spaces collapse there);
    a note keeps its line feeds and tabs (CR LF becomes LF). Every other hazard is removed.
    """
    if multiline:
        text = text.replace("\r\n", "\n")
    count = 0
    out: list[str] = []
    last = 0
    for index in hazards(text, multiline=multiline):
        count += 1
        out.append(text[last:index])
        if not multiline and text[index] in "\n\r\t\x0b\x0c\x85\u2028\u2029":
            out.append(" ")
        last = index + 1
    if not count:
        return text, 0
    out.append(text[last:])
    cleaned = "".join(out)
    if not multiline:
        cleaned = re.sub(" {2,}", " ", cleaned).strip()
    return cleaned, count


def clean_line(text: str) -> str:
    return clean(text)[0]
