"""A checkbox whose state reads without colour.

Textual's Checkbox draws the same `▐X▌` ticked or not, only its colour changes: a user who does
not see the colour (or a theme that hides it) cannot tell. This one draws `[x]` or `[ ]`.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox

__all__ = ["TickBox"]


class TickBox(Checkbox):
    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble("[", ("x" if self.value else " ", style), "]")
