"""The settings screen: playbook rules, templates, your name, the theme; all through the service."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Input, OptionList, Select, TextArea

from rebound_tui.domain.dates import Span
from rebound_tui.domain.drafts import DEFAULT_TEMPLATES
from rebound_tui.domain.playbook import DEFAULT_RULES
from rebound_tui.service import Service
from rebound_tui.ui.app import ReboundApp
from rebound_tui.ui.screens.playbook_forms import RuleForm
from rebound_tui.ui.screens.prompts import ConfirmScreen
from rebound_tui.ui.screens.settings import SettingsScreen
from tests.ui.conftest import reopen, settle
from tests.ui.test_app import SIZE, type_text

MINE = "Subject: Hello\n\nHi {first_name}, how is {company}?"


def rule(service: Service, rule_id: str):
    return next(r for r in service.rules() if r.id == rule_id)


async def open_settings(pilot, tab: str | None = None) -> SettingsScreen:
    await settle(pilot)
    await pilot.press("S")
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    if tab:
        await pilot.press(tab)
    await pilot.pause()
    return screen


async def test_rules_are_listed_toggled_and_saved(
    app: ReboundApp, service: Service, data_path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")  # the palette's "Settings"; the other tests press S
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "Settings")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        assert len(screen.rules.table.rows) == len(DEFAULT_RULES)
        assert screen.rules.current.id == "interview-thank-you"
        await pilot.press("space")
        await settle(pilot)
        assert not rule(service, "interview-thank-you").enabled
        assert not service.rules_are_default()
        assert not rule(reopen(data_path), "interview-thank-you").enabled
        await pilot.press("j", "space")  # the second rule, and the first stays off
        await pilot.pause()
        assert not rule(service, "rejection-thank-you").enabled
        assert not rule(service, "interview-thank-you").enabled
        assert screen.rules.current.id == "rejection-thank-you"
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]
        await pilot.press("u")  # undo on the dashboard puts the rule back on
        await pilot.pause()
        assert rule(service, "rejection-thank-you").enabled


async def test_edit_a_rule_with_validation(app: ReboundApp, service: Service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        # The yearly turnover check-in: above the three opening rules, which come last.
        await pilot.press("G", "k", "k", "k", "enter")
        form = app.screen
        assert isinstance(form, RuleForm) and form.rule.id == "turnover-yearly"
        offset = form.query_one("#field-offset", Input)
        offset.value = "zz"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # refused, with the field's message
        assert "bad interval" in str(form.query_one("#message-offset").render())
        offset.value = ""  # a hired rule needs an offset: the domain's whole-rule check says so
        await pilot.pause()
        assert "offset is required" in str(form.query_one("#form-error").render())
        offset.value = "2y"
        title = form.query_one("#field-title", Input)
        title.value = "Thank {boss}"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "unknown placeholder {boss}" in str(form.query_one("#message-title").render())
        title.value = "Every other year: {who} at {company}"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
        changed = rule(service, "turnover-yearly")
        assert changed.offset == Span(2, "y")
        assert changed.title == "Every other year: {who} at {company}"


async def test_add_a_rule_then_delete_it(app: ReboundApp, service: Service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, RuleForm)
        form.query_one("#field-trigger", Select).value = "cadence"  # only for the contact
        await pilot.pause()
        whom = form.query_one("#field-whom", Select)
        assert whom.value == "contact"
        assert [value for _label, value in whom._options if value != Select.NULL] == ["contact"]
        form.query_one("#field-trigger", Select).value = "rejection"
        await pilot.pause()
        await type_text(pilot, "interview-thank-you")  # taken
        await pilot.pause()
        assert "exists already" in str(form.query_one("#message-id").render())
        form.query_one("#field-id", Input).value = "rejection-check-in-120"
        form.query_one("#field-whom", Select).value = "boss"
        form.query_one("#field-offset", Input).value = "120d"
        form.query_one("#field-title", Input).value = "Check in with {who} again"
        await pilot.press("ctrl+s")
        await settle(pilot)
        added = rule(service, "rejection-check-in-120")
        assert (added.trigger, added.whom, added.offset) == ("rejection", "boss", Span(120, "d"))
        assert screen.rules.current.id == "rejection-check-in-120"
        await pilot.press("D", "y")
        await settle(pilot)
        assert "rejection-check-in-120" not in {r.id for r in service.rules()}


async def test_reset_the_playbook_asks_first(app: ReboundApp, service: Service) -> None:
    service.set_rules([r for r in DEFAULT_RULES if r.id != "news-nudge"])
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await pilot.press("R")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert "news-nudge" not in {r.id for r in service.rules()}
        await pilot.press("R", "y")
        await settle(pilot)
        assert {r.id for r in service.rules()} == {r.id for r in DEFAULT_RULES}


# -- templates ---------------------------------------------------------------------------------
async def test_edit_save_and_reset_a_template(app: ReboundApp, service: Service, data_path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot, "2")
        listing = screen.query_one("#template-list", OptionList)
        assert listing.has_focus
        await pilot.press("down", "down", "down")  # check-in
        await pilot.pause()
        area = screen.query_one("#template-text", TextArea)
        assert screen.templates.key == "check-in"
        assert area.text == DEFAULT_TEMPLATES["check-in"]
        area.focus()
        area.load_text(MINE)
        area.post_message(TextArea.Changed(area))
        await pilot.pause()
        assert "check-in" in screen.templates.unsaved
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (
            service.templates()["check-in"]
            == "Subject: Hello\n\nHi {first_name}, how is {company}?"
        )
        assert service.customised_templates() == {"check-in"}
        assert reopen(data_path).customised_templates() == {"check-in"}
        assert not screen.templates.unsaved
        await pilot.press("ctrl+r", "y")
        await settle(pilot)
        assert service.customised_templates() == set()
        assert area.text == DEFAULT_TEMPLATES["check-in"]


async def test_a_broken_template_is_not_saved_and_leaving_asks(
    app: ReboundApp, service: Service
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot, "2")
        area = screen.query_one("#template-text", TextArea)
        area.focus()
        await pilot.press("{", "b", "o", "g", "u", "s", "}")
        await pilot.press("ctrl+s")
        await pilot.pause()
        message = str(screen.query_one("#template-message").render())
        assert message.startswith("Not saved:") and "{bogus}" in message
        assert service.customised_templates() == set()
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)  # unsaved changes: asks
        await pilot.press("n")
        assert app.screen is screen
        await pilot.press("escape", "y")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
    assert service.customised_templates() == set()


# -- general -----------------------------------------------------------------------------------
async def test_my_name_signs_the_drafts_and_the_theme_is_remembered(
    app: ReboundApp, service: Service, data_path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot, "3")
        assert screen.query_one("#my-name", Input).has_focus
        await type_text(pilot, "Pat Jones")
        await pilot.press("enter")
        await settle(pilot)
        assert service.setting("my_name") == "Pat Jones"
        draft = service.draft(service.find_follow_up("Thank Julia"))
        assert draft.body.endswith("Pat Jones")
        themes = screen.query_one("#theme-list", OptionList)
        assert themes.has_focus
        themes.highlighted = [o.id for o in themes._options].index("nord")
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "nord"
    assert reopen(data_path).setting("theme") == "nord"
    assert reopen(data_path).setting("my_name") == "Pat Jones"
