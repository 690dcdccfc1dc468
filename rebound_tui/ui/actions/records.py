"""Bullpen and Network actions: add, edit, delete, log, follow up, open, and record a rejection.

Logging an outreach asks first when the cool-off guard has something to say (a second touch to
the same person within a few days, a fourth person at one company in a week): the user can go
ahead anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rebound_tui.display import line as shown
from rebound_tui.ui.actions.words import cooloff_question, long_day, planned_text
from rebound_tui.ui.widgets import Pane

if TYPE_CHECKING:
    from rebound_tui.domain.model import Company, Contact, FollowUp, Interaction
    from rebound_tui.ui.app import ReboundApp


class RecordActions:
    """Mixed into ReboundApp: the keys of the Bullpen and Network panes."""

    def _company(self: ReboundApp) -> Company | None:
        row = self.bullpen.current
        company = self.service.company(row.id) if row is not None else None
        if company is None:
            self.notify("No company selected: press a to add one", severity="warning")
        return company

    def _contact(self: ReboundApp) -> Contact | None:
        row = self.network.current
        contact = self.service.contact(row.id) if row is not None else None
        if contact is None:
            self.notify("No person selected: press a to add one", severity="warning")
        return contact

    # -- bullpen ----------------------------------------------------------------------------------
    def action_add_company(self: ReboundApp) -> None:
        from rebound_tui.ui.screens.forms import CompanyForm

        def added(c: Company) -> None:
            self._select(self.bullpen, c.id, f"Added {shown(c.name)}")
            self._hint_reject(c)

        self.open_form(
            CompanyForm,
            (None,),
            lambda d: self.service.add_company(**d),
            added,
            confirm=lambda d: self._near_duplicate(d, "company"),
        )

    def action_edit_company(self: ReboundApp) -> None:
        from rebound_tui.ui.screens.forms import CompanyForm

        company = self._company()
        if company is not None:
            self.open_form(
                CompanyForm,
                (company,),
                lambda d: self.service.edit_company(company, **d),
                lambda c: (self.notify(f"Saved {shown(c.name)}", timeout=3), self._hint_reject(c)),
            )

    def _hint_reject(self: ReboundApp, company: Company) -> None:
        """Stage "rejected" set by hand, with no rejection logged: point at R, which starts the
        plan (the form alone does not know who said no, nor when)."""
        if company.stage != "rejected" or any(
            i.kind == "rejection" and i.company_id == company.id
            for i in self.service.interactions()
        ):
            return
        self.notify(
            f"{shown(company.name)} is marked rejected: press R on it to record the no and "
            "start the plan (thank-you, referral ask, check-ins)",
            title="Start the plan?",
            timeout=10,
            markup=False,
        )

    def _near_duplicate(self: ReboundApp, values: dict[str, Any], noun: str) -> str | None:
        """Asked before adding: the names close to this one (a near-duplicate, or another?)."""
        name = values.get("name") or ""
        close = (
            self.service.similar_companies(name)
            if noun == "company"
            else self.service.similar_contacts(name)
        )
        if not close:
            return None
        names = ", ".join(shown(r.label) for r in close)
        return (
            f"A {noun} with a close name exists: {names}.\n\n"
            f"Add {shown(name)} as a different {noun} anyway?"
        )

    def action_delete_company(self: ReboundApp) -> None:
        company = self._company()
        if company is not None:
            self._confirm_delete(company.name, lambda: self.service.delete_company(company))

    def action_log_company(self: ReboundApp) -> None:
        company = self._company()
        if company is not None:
            self._open_log_form(company, None)

    def action_follow_up_company(self: ReboundApp) -> None:
        company = self._company()
        if company is not None:
            self._add_follow_up(company, None)

    def action_company_detail(self: ReboundApp) -> None:
        from rebound_tui.ui.screens.detail import CompanyDetail

        company = self._company()
        if company is not None:
            self.push_screen(
                CompanyDetail(self.service, company.id), lambda _: self.refresh_panes()
            )

    def action_reject_company(self: ReboundApp) -> None:
        """R: the company said no. The stage, the rejection and the plan in one undoable step."""
        from rebound_tui.ui.screens.playbook_forms import RejectForm

        company = self._company()
        if company is None:
            return

        def done(result: tuple[Interaction, list[FollowUp]]) -> None:
            rejection, created = result
            if not created and self.service.created_by(rejection.id):
                self.notify(
                    f"Already recorded: {shown(company.name)} said no on "
                    f"{long_day(rejection.day)}; nothing changed",
                    timeout=6,
                    markup=False,
                )
                return
            self.notify(
                f"Rejection by {shown(company.name)} recorded: "
                f"{planned_text(result[1])} · u undoes",
                title="The plan starts",
                timeout=8,
            )

        self.open_form(
            RejectForm,
            (company,),
            lambda d: self.service.reject(company, **d),
            done,
        )

    # -- network ----------------------------------------------------------------------------------
    def action_add_contact(self: ReboundApp) -> None:
        from rebound_tui.ui.screens.forms import ContactForm

        company = self.service.company(self.network.company_id)
        self.open_form(
            ContactForm,
            (None, company),
            lambda d: self.service.add_contact(**d),
            lambda p: self._select(self.network, p.id, f"Added {shown(p.name)}"),
            confirm=lambda d: self._near_duplicate(d, "contact"),
        )

    def action_edit_contact(self: ReboundApp) -> None:
        from rebound_tui.ui.screens.forms import ContactForm

        contact = self._contact()
        if contact is not None:
            self.open_form(
                ContactForm,
                (contact, self.service.company(contact.company_id)),
                lambda d: self.service.edit_contact(contact, **d),
                lambda p: self.notify(f"Saved {shown(p.name)}", timeout=3),
            )

    def action_delete_contact(self: ReboundApp) -> None:
        contact = self._contact()
        if contact is not None:
            self._confirm_delete(contact.name, lambda: self.service.delete_contact(contact))

    def action_log_contact(self: ReboundApp) -> None:
        contact = self._contact()
        if contact is not None:
            self._open_log_form(self.service.company(contact.company_id), contact)

    def action_follow_up_contact(self: ReboundApp) -> None:
        contact = self._contact()
        if contact is not None:
            self._add_follow_up(self.service.company(contact.company_id), contact)

    def action_contact_detail(self: ReboundApp) -> None:
        from rebound_tui.ui.screens.detail import ContactDetail

        contact = self._contact()
        if contact is not None:
            self.push_screen(
                ContactDetail(self.service, contact.id), lambda _: self.refresh_panes()
            )

    # -- shared by both ---------------------------------------------------------------------------
    def _select(self: ReboundApp, pane: Pane[Any], record_id: str, message: str) -> None:
        pane.table.move_to_id(record_id)
        self.notify(message, timeout=3)

    def _open_log_form(self: ReboundApp, company: Company | None, contact: Contact | None) -> None:
        from rebound_tui.ui.screens.forms import LogForm

        self.open_form(
            LogForm,
            (company, contact),
            lambda d: self.service.log(**d),
            lambda i: self.notify(f"Logged {i.kind} on {long_day(i.day)}", timeout=3),
            confirm=self._log_cooloff,
        )

    def _log_cooloff(self: ReboundApp, values: dict[str, Any]) -> str | None:
        """Asked before logging: the guard's warnings for this person, day and kind."""
        from rebound_tui.service import ServiceError

        if not values.get("contact"):
            return None
        try:
            lines = self.service.cooloff_warnings(
                contact=values["contact"],
                company=values.get("company"),
                on=values.get("on"),
                kind=values.get("kind"),
            )
        except ServiceError:
            return None  # a name the service does not know: logging says so
        return cooloff_question(lines)

    def _add_follow_up(self: ReboundApp, company: Company | None, contact: Contact | None) -> None:
        from rebound_tui.ui.screens.forms import FollowUpForm

        self.open_form(
            FollowUpForm,
            (company, contact),
            lambda d: self.service.add_follow_up(**d),
            lambda f: self.notify(f"Follow-up “{shown(f.title)}” due {long_day(f.due)}", timeout=3),
        )

    def _confirm_delete(self: ReboundApp, name: str, call: Callable[[], Any]) -> None:
        from rebound_tui.ui.screens.prompts import ConfirmScreen

        question = f"Delete {shown(name)}? Their history stays in the file; u undoes it."

        def answered(yes: bool | None) -> None:
            if yes:
                self.perform(call, f"Deleted {shown(name)} · u undoes")

        self.push_screen(ConfirmScreen(question), answered)
