"""An Input that never draws a control character: a pasted ESC shows as a placeholder.

Textual's Input draws its value as it is, so a value holding ESC, BEL or a bidi override (pasted,
or loaded from a file) would reach the terminal raw. This one draws each such character as one
visible placeholder of the same length, so the cursor stays where it is: C0 controls and DEL
as their Unicode control pictures (␛, ␇, ␡), every other hazard as U+FFFD (�). The value itself
is untouched: the form's save refuses it with a message naming the character.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Input

from rebound_tui.domain.text import HAZARD_RE, is_hazard_at

__all__ = ["SafeInput", "placeholders"]


def _picture(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


def placeholders(value: str) -> str:
    """`value` with each hazard replaced by one placeholder character (same length)."""
    if HAZARD_RE.search(value) is None:
        return value
    return HAZARD_RE.sub(
        lambda m: _picture(m.group()) if is_hazard_at(value, m.start()) else m.group(), value
    )


class SafeInput(Input):
    @property
    def _value(self) -> Text:
        text = super()._value
        if not self.password:
            safe = placeholders(text.plain)
            if safe != text.plain:
                text = Text(safe, style=text.style, no_wrap=True, overflow="ignore", end="")
                if self.highlighter is not None:
                    text = self.highlighter(text)
        return text
