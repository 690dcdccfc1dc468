"""The dashboard's footer: the keys of the pane in use, with `?` Help always in sight.

Textual's footer lists the keys left to right and cuts what does not fit; on a narrow terminal
(60x15) the last one, `?` Help, went first. Here the help key is docked on the right, like the
command palette's key in Textual's own footer, so it shows at every size.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["DashboardFooter"]

HELP_ACTION = "help"


class DashboardFooter(Footer):
    DEFAULT_CSS = """
    DashboardFooter FooterKey.-help {
        dock: right;
        padding-left: 1;
        background: $footer-background;
    }
    DashboardFooter.-compact FooterKey.-help {
        margin-right: 0;  /* the compact footer's margin would let a cut key show through */
    }
    """

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.action.removeprefix("app.") == HELP_ACTION:
                widget.add_class("-help")
            yield widget
