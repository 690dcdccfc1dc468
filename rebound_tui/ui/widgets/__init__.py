"""Reusable widgets of the dashboard: the line-API record table and the pane around it."""

from __future__ import annotations

from rebound_tui.ui.widgets.pane import Pane
from rebound_tui.ui.widgets.record_table import Column, RecordTable
from rebound_tui.ui.widgets.status_line import StatusLine

__all__ = ["Column", "Pane", "RecordTable", "StatusLine"]
