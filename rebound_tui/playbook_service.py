"""The playbook's part of the service: rules applied to events, cadences, drafts.

Mixed into `Service` (service.py). Hooks called by the core service methods:
`after_log(interaction)` when an interaction is logged, `after_complete(follow_up, day)` when a
follow-up is done, `before_delete_interaction(interaction)` before one is deleted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rebound_tui.domain.model import FollowUp, Interaction


class PlaybookMixin:
    def after_log(self, interaction: Interaction) -> list[FollowUp]:
        return []

    def after_complete(self, follow_up: FollowUp, day: str) -> list[FollowUp]:
        return []

    def before_delete_interaction(self, interaction: Interaction) -> None:
        return None
