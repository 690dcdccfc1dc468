"""Text from outside (an imported file, a web page) made safe to store as a name or a title.

A name or a title is one line: no control characters (escape sequences, NUL, bidi overrides
are dropped), no line or paragraph separators, runs of white space made one space, and a length
cap. It stays data: markup such as `[/]` or `<b>` is kept as literal characters by `one_line`;
`plain_text` drops HTML tags from values that are known to carry HTML (a posting's fields).
"""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser

MAX_LINE = 200


def one_line(text: str | None, limit: int = MAX_LINE) -> str:
    """One clean line of at most `limit` characters ('' for None)."""
    if not text:
        return ""
    kept = []
    for ch in str(text):
        category = unicodedata.category(ch)
        if category in ("Zl", "Zp") or ch in "\t\n\r\x0b\x0c\x85":
            kept.append(" ")
        elif category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue  # control, format (bidi overrides), surrogates, private, unassigned
        else:
            kept.append(ch)
    line = " ".join("".join(kept).split())
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("br", "p", "div", "li"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def plain_text(text: str) -> str:
    """The text of an HTML fragment: tags dropped, entities decoded (a text without '<' as is)."""
    if "<" not in text:
        return text
    parser = _Text()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)
