"""User text as Textual `Content`: never markup, never a raw control character.

Every title, border title, toast, label, table cell and detail line that holds user data goes
through these helpers (or `rebound_tui.display` for plain strings): `Content(...)` is literal
text, so `[/]`, `[@click=app.quit]x` or `[link=a:b]Bob` are shown as typed, and the display
rule turns control characters, bidirectional overrides and invisible characters into visible
escapes.
"""

from __future__ import annotations

from textual.content import Content

from rebound_tui import display

__all__ = ["line", "note"]


def line(value: object, style: str = "") -> Content:
    """A name, a title, any value on one line, as literal Content."""
    return Content.styled(display.line(value), style) if style else Content(display.line(value))


def note(value: object, style: str = "") -> Content:
    """Text shown on several lines (a note, a draft body): line feeds kept, tabs expanded."""
    shown = display.text(value).expandtabs(4)
    return Content.styled(shown, style) if style else Content(shown)
