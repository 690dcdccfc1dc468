"""Importing mail from the dashboard: "Import mail…" and "Import from IMAP…" in the palette, the
prompt filled from the settings, the preview, the summary (hostile subjects shown as text), one
undo, and the Mail tab of the settings (addresses, IMAP account, never a password)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Checkbox, Input

from rebound_tui.mail_service import (
    IMAP_SETTING,
    MY_EMAILS_SETTING,
    set_my_addresses,
    stored_addresses,
)
from rebound_tui.service import Service
from rebound_tui.ui.app import ReboundApp
from rebound_tui.ui.screens.importing import ImportResult
from rebound_tui.ui.screens.mail_import import MailImportPrompt
from tests.conftest import digest, require_tool
from tests.io.mail_fixtures import ME, maildir, mbox, message
from tests.ui.conftest import reopen, settle
from tests.ui.test_app import SIZE, type_text

DARLENE = "darlene@glenview.example"


@pytest.fixture(autouse=True)
def _zone(monkeypatch):
    monkeypatch.setenv("REBOUND_TZ", "America/Chicago")


@pytest.fixture
def mailbox(tmp_path: Path, service: Service) -> Path:
    service.edit_contact("Darlene Boss", email=DARLENE)
    set_my_addresses(service, [ME])
    service.save()
    return mbox(
        tmp_path / "Sent.mbox",
        [
            message(to=DARLENE, subject="[@click=app.quit]x [/] \x1b]0;pwned\x07"),
            message(sender=f"Darlene <{DARLENE}>", to=ME, subject="Re: coffee"),
            message(to="someone@else.example"),
        ],
    )


async def open_prompt(pilot, command: str) -> MailImportPrompt:
    await settle(pilot)
    await pilot.press("ctrl+p")
    assert isinstance(pilot.app.screen, CommandPalette)
    await type_text(pilot, command)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    prompt = pilot.app.screen
    assert isinstance(prompt, MailImportPrompt)
    return prompt


async def run(pilot) -> ImportResult:
    await pilot.press("ctrl+s")
    await settle(pilot)
    await settle(pilot)  # the save the import scheduled
    result = pilot.app.screen
    assert isinstance(result, ImportResult), result
    return result


def text_of(result: ImportResult) -> str:
    return str(result.query_one("#import-result-lines").render())


async def test_import_mail_previews_then_writes_then_undoes(
    app: ReboundApp, service: Service, data_path, mailbox
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = digest(data_path)
        prompt = await open_prompt(pilot, "Import mail")
        assert prompt.query_one("#mail-me", Input).value == ME  # from the settings
        assert prompt.query_one("#import-dry-run", Checkbox).value  # a preview first
        prompt.query_one("#mail-path", Input).value = str(mailbox)
        result = await run(pilot)
        text = text_of(result)
        assert "dry run: nothing was written" in text
        assert "read 3, matched 2, logged 2" in text
        assert digest(data_path) == before
        await pilot.press("escape")
        prompt = await open_prompt(pilot, "Import mail")
        prompt.query_one("#mail-path", Input).value = str(mailbox)
        prompt.query_one("#import-dry-run", Checkbox).value = False
        result = await run(pilot)
        assert "logged 2" in text_of(result)
        assert "u on the dashboard undoes the whole import" in text_of(result)
        emails = [i for i in service.interactions() if i.kind == "email"]
        assert sorted(i.direction for i in emails) == ["in", "out"]
        assert "[@click=app.quit]x [/] ]0;pwned" in {i.topic for i in emails}  # data, one line
        assert len([i for i in reopen(data_path).interactions() if i.kind == "email"]) == 2
        await pilot.press("escape")
        assert app.is_running
        await pilot.press("u")
        await settle(pilot)
        assert not [i for i in service.interactions() if i.kind == "email"]


async def test_the_prompt_asks_for_a_mailbox_and_your_addresses(
    app: ReboundApp, service: Service, tmp_path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        prompt = await open_prompt(pilot, "Import mail")
        prompt.query_one("#mail-path", Input).value = str(tmp_path / "nope.mbox")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is prompt
        assert "no such file" in str(prompt.query_one("#mail-path-message").render())
        prompt.query_one("#mail-path", Input).value = str(tmp_path)
        prompt.query_one("#mail-me", Input).value = "not-an-address"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is prompt
        assert "bad email" in str(prompt.query_one("#mail-me-message").render())
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0]


async def test_a_folder_without_mail_changes_nothing(
    app: ReboundApp, service: Service, data_path, tmp_path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = digest(data_path)
        prompt = await open_prompt(pilot, "Import mail")
        prompt.query_one("#mail-path", Input).value = str(empty)
        prompt.query_one("#mail-me", Input).value = ME
        prompt.query_one("#import-dry-run", Checkbox).value = False
        result = await run(pilot)
        assert result.query_one("#import-result-box").has_class("-error")
        assert "no mail in" in text_of(result) and "Nothing was changed." in text_of(result)
        assert digest(data_path) == before
        assert not app.importing


async def test_the_mail_settings_hold_addresses_and_the_imap_account(
    app: ReboundApp, service: Service
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        field = app.screen.query_one("#my-emails", Input)
        assert field.has_focus
        field.value = "Pat@Home.example; pat@work.example"
        await pilot.press("enter")
        await settle(pilot)
        assert stored_addresses(service) == ["pat@home.example", "pat@work.example"]
        assert app.screen.query_one("#imap-host", Input).has_focus
        app.screen.query_one("#imap-host", Input).value = "imap.example.com"
        app.screen.query_one("#imap-port", Input).value = "143"
        app.screen.query_one("#imap-user", Input).value = "pat@home.example"
        app.screen.query_one("#imap-password-command", Input).value = "pass show mail/pat"
        app.screen.query_one("#imap-password-command", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        stored = service.setting(IMAP_SETTING)
        assert stored == {
            "host": "imap.example.com",
            "port": 143,
            "user": "pat@home.example",
            "password_command": "pass show mail/pat",
        }
        app.screen.query_one("#imap-port", Input).value = "http"
        app.screen.query_one("#imap-port", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "port is a number" in str(app.screen.query_one("#mail-settings-message").render())
        assert service.setting(IMAP_SETTING)["port"] == 143
    saved = reopen(service.path)
    assert saved.setting(MY_EMAILS_SETTING) == ["pat@home.example", "pat@work.example"]


async def test_import_from_imap_through_the_dashboard(
    app: ReboundApp, service: Service, tmp_path, monkeypatch
) -> None:
    from tests.io.dovecot_server import PASSWORD, USER, server_root, start

    binary = require_tool("dovecot")
    service.edit_contact("Darlene Boss", email=DARLENE)
    service.save()
    root = server_root(tmp_path)
    maildir(root / "mail" / USER, [message(sender=DARLENE, to=ME, subject="hello")], sub="new")
    server = start(binary, root)
    monkeypatch.setenv("REBOUND_IMAP_PASSWORD", PASSWORD)
    try:
        async with app.run_test(size=SIZE) as pilot:
            prompt = await open_prompt(pilot, "Import from IMAP")
            prompt.query_one("#imap-host", Input).value = "127.0.0.1"
            prompt.query_one("#imap-port", Input).value = str(server.port)
            prompt.query_one("#imap-user", Input).value = USER
            prompt.query_one("#mail-me", Input).value = ME
            prompt.query_one("#import-dry-run", Checkbox).value = False
            result = await run(pilot)
            assert "logged 1" in text_of(result)
    finally:
        server.stop()
    assert [i.topic for i in service.interactions() if i.kind == "email"] == ["hello"]


async def test_an_imported_email_shows_in_the_timeline_as_text(tmp_path, monkeypatch) -> None:
    from rebound_tui.io.mail import read_messages, sources
    from rebound_tui.mail_service import import_mail
    from rebound_tui.ui.screens import ContactDetail
    from tests.ui.screen_fixtures import Harness, text_of

    service = Service.open(tmp_path / "data.json")
    service.add_contact("Bob Stone", email="bob@acme.example")
    box = mbox(
        tmp_path / "a",
        [
            message(to="bob@acme.example", subject="[@click=app.quit]x [/] \x1b]0;t\x07"),
            message(sender="bob@acme.example", to=ME, subject="Re: [b]coffee[/b]"),
        ],
    )
    import_mail(service, read_messages(sources([box])), me=[ME], source="a")
    app = Harness(lambda: ContactDetail(service, service.find_contact("Bob Stone").id))
    async with app.run_test(size=(120, 30)) as pilot:
        timeline = text_of(pilot, "#section-timeline")
        assert "sent: [@click=app.quit]x [/] ]0;t" in timeline
        assert "received: Re: [b]coffee[/b]" in timeline
        assert "\x1b" not in timeline
        assert app.is_running


async def test_a_hostile_file_name_is_shown_as_text(
    app: ReboundApp, service: Service, tmp_path
) -> None:
    service.edit_contact("Darlene Boss", email=DARLENE)
    service.save()
    box = mbox(tmp_path / "[@click=app.quit]x [b]\x1b]0;t\x07.mbox", [message(to=DARLENE)])
    async with app.run_test(size=SIZE) as pilot:
        prompt = await open_prompt(pilot, "Import mail")
        prompt.query_one("#mail-path", Input).value = str(box)
        prompt.query_one("#mail-me", Input).value = ME
        result = await run(pilot)
        assert app.is_running
        # The title is kept as markup, escaped: shown as the literal text.
        title = result.query_one("#import-result-box").border_title or ""
        assert "\\[@click=app.quit]x \\[b]]0;t.mbox" in title and "\x1b" not in title
        assert "mail import from [@click=app.quit]x [b]]0;t.mbox" in text_of(result)
        await pilot.press("escape")
        assert app.is_running
