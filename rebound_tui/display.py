"""How user text is shown: the one door every face (CLI, dashboard, exports) passes it through.

Whatever a data file, an import or a keyboard holds, what reaches a terminal is safe: every
hazard (`domain/text.py`: control characters, bidirectional overrides, invisible characters)
is shown as a visible escape such as `\\x1b` or `\\u202e`, never raw. Names and titles are
always shown on one line (a line break in one is shown as `\\n`); notes keep their line feeds
and tabs where several lines are shown. Long text is clipped with the size of the rest.

Markup is not this module's concern: the dashboard never hands user text to a markup parser
(`ui/text.py` makes `Content` from these strings). Plain Python, no Textual.
"""

from __future__ import annotations

from rebound_tui.domain.text import HAZARD_RE, NOTE_HAZARD_RE, is_hazard_at

__all__ = ["clip", "escape_char", "line", "more_text", "text"]

_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

CLIP_CHARS = 2000
"""Characters of a long note the detail and draft screens show before "… N more"."""
CLIP_LINES = 40
LINE_MAX = 2000
"""A one-line value longer than this is cut with "…" (a 200 MB name stays instant to show)."""


def escape_char(char: str) -> str:
    """A hazard as a visible escape: \\n, \\x1b, \\u202e, \\U000e0041."""
    short = _SHORT.get(char)
    if short:
        return short
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _escape(value: str, multiline: bool) -> str:
    pattern = NOTE_HAZARD_RE if multiline else HAZARD_RE
    if pattern.search(value) is None:  # the usual case: nothing to do, no copy
        return value

    def sub(match) -> str:
        index = match.start()
        if is_hazard_at(value, index):
            return escape_char(match.group())
        return match.group()

    return pattern.sub(sub, value)


def line(value: object, limit: int | None = LINE_MAX) -> str:
    """A name, a title, any value shown on one line: hazards (line breaks too) escaped, cut
    with "…" after `limit` characters (None: never, e.g. a value to edit)."""
    if value is None:
        return ""
    value = value if isinstance(value, str) else str(value)
    if limit is not None and len(value) > limit:
        return _escape(value[:limit], False) + "…"
    return _escape(value, False)


def text(value: object) -> str:
    """A note shown on several lines: line feeds and tabs kept, CR LF read as LF, the rest
    escaped."""
    if value is None:
        return ""
    value = value if isinstance(value, str) else str(value)
    if "\r\n" in value:
        value = value.replace("\r\n", "\n")
    return _escape(value, True)


def more_text(count: int) -> str:
    """'… 1,234 more characters': what a clipped text says about the rest."""
    word = "character" if count == 1 else "characters"
    if count >= 1_000_000:
        return f"… {count:,} more {word} ({count / 1_000_000:,.1f} million; not shown)"
    return f"… {count:,} more {word}"


def clip(value: str | None, chars: int = CLIP_CHARS, lines: int = CLIP_LINES) -> tuple[str, int]:
    """The start of a long text (at most `chars` characters and `lines` lines), and how many
    characters are left out. Cheap for any size: only the start is looked at."""
    if not value:
        return "", 0
    head = value[:chars]
    cut = -1
    for _ in range(lines):
        cut = head.find("\n", cut + 1)
        if cut < 0:
            break
    if cut >= 0:
        head = head[:cut]
    return head, len(value) - len(head)
