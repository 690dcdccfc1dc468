"""User text as Textual `Content`: never markup, never a raw control character.

Every title, border title, toast, label, table cell and detail line that holds user data goes
through these helpers (or `rebound_tui.display` for plain strings): `Content(...)` is literal
text, so `[/]`, `[@click=app.quit]x` or `[link=a:b]Bob` are shown as typed, and the display
rule turns control characters, bidirectional overrides and invisible characters into visible
escapes.
"""

from __future__ import annotations

from typing import Any

from textual.content import Content

from rebound_tui import display

__all__ = ["LiteralText", "line", "note"]


def line(value: object, style: str = "") -> Content:
    """A name, a title, any value on one line, as literal Content."""
    return Content.styled(display.line(value), style) if style else Content(display.line(value))


def note(value: object, style: str = "") -> Content:
    """Text shown on several lines (a note, a draft body): line feeds kept, tabs expanded."""
    shown = display.text(value).expandtabs(4)
    return Content.styled(shown, style) if style else Content(shown)


class LiteralText:
    """Mixed into the app: every toast and the header are literal, safe text."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every toast (from the app, a screen or a widget) is literal text: a company named
        `[/]` or `[@click=app.quit]x` in a message is shown as typed, its control characters as
        escapes. `markup` is accepted for Textual's signature and ignored."""
        kwargs: dict[str, Any] = {} if timeout is None else {"timeout": timeout}
        super().notify(  # type: ignore[misc]
            display.text(message).expandtabs(4),
            title=display.line(title),
            severity=severity,
            markup=False,
            **kwargs,
        )

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header: the data file's name is shown safely too."""
        return super().format_title(  # type: ignore[misc]
            display.line(title), display.line(sub_title)
        )
