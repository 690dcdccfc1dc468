"""What the CLI writes: user text is shown by the display rule, never raw (docs/SECURITY.md).

`say(line)` prints one item on one line (a line break in a name is shown as `\\n`);
`safe_streams()` puts a last line of defence on stdout and stderr for everything else (import
summaries, messages that echo a name): control characters, bidirectional overrides and
invisible characters become visible escapes, line feeds and tabs stay. `json_text()` is exact
JSON that is also safe on a terminal: those characters are written as `\\uXXXX` escapes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from rebound_tui import display
from rebound_tui.domain.text import NOTE_HAZARD_RE

__all__ = ["SafeStream", "json_text", "safe_streams", "say"]


def say(line: object) -> None:
    """One item, on one line."""
    print(display.line(line, limit=None))


def _json_escape(char: str) -> str:
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a UTF-16 surrogate pair, as JSON spells characters beyond the BMP
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_text(value: Any) -> str:
    """`value` as indented, key-sorted JSON; every hazard inside a string is a `\\u` escape
    (outside strings JSON is ASCII; json escapes line feeds and tabs itself), so the text
    reads back to exactly `value`."""
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
    return NOTE_HAZARD_RE.sub(lambda m: _json_escape(m.group()), text)


class SafeStream:
    """A text stream that shows hazards as escapes; everything else passes through."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(display.text(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:  # flush, buffer, isatty, encoding...
        return getattr(self._stream, name)


@contextmanager
def safe_streams() -> Iterator[None]:
    """stdout and stderr guarded for the length of a command."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
