"""The dashboard's actions, one mixin per concept; ReboundApp (app.py) combines them.

Each mixin's methods take `self: ReboundApp`: they call the service through the app's
`perform` / `open_form` / `write`, so a refusal is shown, a change is saved soon, and a
background write never interleaves with one made on the UI thread.
"""

from __future__ import annotations

from rebound_tui.ui.actions.drafts import DraftActions
from rebound_tui.ui.actions.due import DueActions
from rebound_tui.ui.actions.importing import ImportActions
from rebound_tui.ui.actions.records import RecordActions

__all__ = ["DraftActions", "DueActions", "ImportActions", "RecordActions"]
