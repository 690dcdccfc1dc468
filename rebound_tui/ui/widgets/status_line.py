"""The status line under the panes: the selected row whole, its words named.

A table cell cuts a long title ("Update Walt on the sea…"); the status line shows the row the
cursor is on in full, on as many lines as it takes (up to three): each pane says what its row
is (`Pane.status_of`), the line shows it. User text is literal Content (ui/text.py), never
markup.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.content import Content
from textual.events import Resize
from textual.widgets import Static

__all__ = ["StatusLine"]


class StatusLine(Static):
    """Three lines (one to three on a narrow terminal): what the selected row is, or a notice
    about a key. A fixed height on a wide terminal keeps the panes still as the cursor moves."""

    DEFAULT_CSS = """
    StatusLine {
        height: auto;
        max-height: 3;
        padding: 0 1;
        color: $text;
        background: $panel;
    }
    """

    def __init__(
        self, *, id: str | None = "status", on_height: Callable[[], None] | None = None
    ) -> None:
        """`on_height`: called when the line grows or shrinks (the panes above refit)."""
        super().__init__(Content(""), id=id, markup=False)
        self.text = Content("")
        self.on_height = on_height
        self._height = 0

    def on_resize(self, event: Resize) -> None:
        if event.size.height != self._height:
            self._height = event.size.height
            if self.on_height is not None:
                self.call_after_refresh(self.on_height)

    def show(self, text: Content) -> None:
        """Show `text` (already literal Content): the selected row, whole."""
        if text != self.text:
            self.text = text
            self.update(text)


def fields(*parts: tuple[str, object] | None) -> Content:
    """`label value · label value`: labels muted, values literal (a name `[/]` is shown as
    typed, control characters as escapes); empty values and None parts are left out."""
    from rebound_tui.ui import text as ui_text

    shown: list[Content] = []
    for part in parts:
        if part is None:
            continue
        label, value = part
        if value is None or value == "":
            continue
        piece = value if isinstance(value, Content) else ui_text.line(value)
        shown.append(Content.assemble((label + " ", "$text-muted"), piece) if label else piece)
    return Content(" · ").join(shown)


def plan_text(dashboard: object, company_id: str | None, *, after: str | None = None) -> str:
    """The company's plan as a timeline (`✓ thanks → referral ask (4d late) → 30d · 60d`);
    with `after` (a follow-up's id), only the step that comes after that one. Empty while the
    data loads, or without a plan."""
    if not company_id or not getattr(dashboard, "loaded", False):
        return ""
    from rebound_tui.domain.plan_timeline import next_step, render

    steps = dashboard.service.plan_of(company_id)  # type: ignore[attr-defined]
    if after is None:
        return render(steps)
    step = next_step(steps, after=after)
    return "" if step is None else step.next_text()
