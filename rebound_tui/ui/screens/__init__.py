"""Modal screens: record forms, small prompts, detail pages and the help screen."""

from __future__ import annotations

from rebound_tui.ui.screens.detail import CompanyDetail, ContactDetail
from rebound_tui.ui.screens.forms import CompanyForm, ContactForm, FollowUpForm, LogForm
from rebound_tui.ui.screens.help import HelpScreen, sections_from_bindings
from rebound_tui.ui.screens.prompts import ConfirmScreen, DatePrompt, NotePrompt, SnoozeChooser

__all__ = [
    "CompanyDetail",
    "CompanyForm",
    "ConfirmScreen",
    "ContactDetail",
    "ContactForm",
    "DatePrompt",
    "FollowUpForm",
    "HelpScreen",
    "LogForm",
    "NotePrompt",
    "SnoozeChooser",
    "sections_from_bindings",
]
