"""Text is data on every screen: hostile names, titles and notes from a synced file are shown
literally (never markup, never raw control characters) and crash nothing.

The data file already holds them (another machine, an older version, a hand edit): they are
written through the store, under the input rule. Every pane row, search, the detail, draft, form,
prompt, help and palette screens and the toasts are drawn and read back from the compositor: the
literal text must be on screen, and no ESC, BEL, C1 or bidi control may be in what is drawn.
"""

from __future__ import annotations

import re
import time

import pytest
from rebound_test_helpers import HOSTILE
from textual.pilot import Pilot
from textual.widgets import Input

from rebound_tui.service import Service
from rebound_tui.ui.app import make_app

try:
    from .conftest import TODAY, settle
except ImportError:  # pragma: no cover
    from conftest import TODAY, settle

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")

# What must never reach the terminal: C0 other than the line feed between screen lines, DEL, C1,
# bidi overrides and isolates.
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """How the display rule shows a hostile string (the escapes are plain text)."""
    from rebound_tui import display

    return display.line(text)


def screen_text(pilot: Pilot) -> str:
    """Everything drawn on the screen, as the terminal would receive it (minus styles)."""
    strips = pilot.app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def check_screen(pilot: Pilot, where: str) -> str:
    assert pilot.app.is_running, f"the app quit at {where}"
    text = screen_text(pilot)
    raw = RAW.search(text)
    assert raw is None, f"raw {raw.group()!r} drawn at {where}"
    return text


def _hostile_service(path) -> Service:
    """Companies, contacts and follow-ups named with every hostile string, written as a synced
    file would hold them (through the store, not the input rule)."""
    svc = Service.open(path, today=lambda: TODAY)
    db = svc.db
    with svc.playbook_paused():
        for i, text in enumerate(HOSTILE):
            company = db.create(
                "companies",
                {"name": f"{text} co{i}", "stage": "rejected", "priority": 3, "notes": text},
            )
            contact = db.create(
                "contacts",
                {"name": f"{text} p{i}", "company_id": company, "title": text, "notes": text},
            )
            db.create(
                "followups",
                {
                    "title": f"{text} t{i}",
                    "due": "2026-11-27" if i % 2 else "2026-11-20",
                    "kind": "thank-you",
                    "status": "open",
                    "snoozes": 0,
                    "contact_id": contact,
                    "company_id": company,
                    "note": text,
                },
            )
            db.create(
                "interactions",
                {"kind": "note", "day": "2026-11-01", "company_id": company, "note": text},
            )
    svc.save()
    return svc


@pytest.fixture
def hostile(tmp_path) -> Service:
    return _hostile_service(tmp_path / "rebound.json")


async def _walk(pilot: Pilot, key: str, rows: int, where: str) -> str:
    await pilot.press(key)
    seen = []
    for step in range(rows + 1):
        seen.append(check_screen(pilot, f"{where} row {step}"))
        await pilot.press("j")
    return "\n".join(seen)


async def test_every_pane_row_is_drawn_literally_and_safely(hostile: Service) -> None:
    app = make_app(hostile, poll_seconds=0, save_delay=0)
    async with app.run_test(size=(200, 60), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        seen = await _walk(pilot, "1", len(HOSTILE), "bullpen")
        seen += await _walk(pilot, "2", len(HOSTILE), "network")
        seen += await _walk(pilot, "3", len(HOSTILE), "due")
        for text in HOSTILE:
            assert shown(text) in seen, f"{text!r} not shown literally"
        assert "[urgent]" in seen and "[reverse]x[/reverse]" in seen
        assert "\\x1b]0;x\\x07" in seen and "a\\u202eb" in seen and "two\\nlines" in seen
        assert "family 👨\u200d👩\u200d👧" in seen  # an emoji sequence is kept
        assert app.is_running


async def test_search_for_markup_and_the_company_filter_title(hostile: Service) -> None:
    app = make_app(hostile, poll_seconds=0, save_delay=0)
    async with app.run_test(size=(200, 60), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        await pilot.press("1", "slash", *"[/]")
        await settle(pilot)
        text = check_screen(pilot, "search [/]")
        assert "/[/]" in text  # the pane title shows the search literally
        assert app.bullpen.table.rows and app.bullpen.table.rows[0].company.startswith("[/]")
        await pilot.press("enter")
        # The bullpen cursor on "[/]" filters the network: its title names the company.
        text = check_screen(pilot, "network filtered by [/]")
        assert "[/] co0" in text


async def test_detail_screens_of_hostile_records(hostile: Service) -> None:
    app = make_app(hostile, poll_seconds=0, save_delay=0)
    async with app.run_test(size=(200, 60), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        await pilot.press("1")
        names = set()
        for i in range(len(HOSTILE)):
            name = app.bullpen.current.company
            names.add(name)
            await pilot.press("enter")
            await settle(pilot)
            screen = check_screen(pilot, f"company detail {i}")
            assert shown(name) in screen
            await pilot.press("escape", "j")
        assert names == {f"{text} co{i}" for i, text in enumerate(HOSTILE)}
        await pilot.press("2")
        for i in range(len(HOSTILE)):
            name = app.network.current.contact
            await pilot.press("enter")
            await settle(pilot)
            screen = check_screen(pilot, f"contact detail {i}")
            assert shown(name) in screen
            await pilot.press("escape", "j")
        assert app.is_running


async def test_edit_form_title_shows_an_action_link_as_text(hostile: Service) -> None:
    app = make_app(hostile, poll_seconds=0, save_delay=0)
    async with app.run_test(size=(200, 60), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        await pilot.press("1")
        target = "[@click=app.screenshot('x.txt','/tmp')]ClickMe[/] co2"
        while app.bullpen.current.company != target:
            await pilot.press("j")
        await pilot.press("e")
        await settle(pilot)
        text = check_screen(pilot, "edit form")
        assert "Edit company · [@click=app.screenshot('x.txt','/tmp')]ClickMe[/] co2" in text
        await pilot.click("#form-box", offset=(10, 0))  # a click on the title runs nothing
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running


async def test_due_prompts_and_draft_on_every_hostile_title(hostile: Service) -> None:
    """done, snooze, reschedule, the draft and the edit form, opened on every hostile title."""
    app = make_app(hostile, poll_seconds=0, save_delay=0)
    async with app.run_test(size=(200, 60), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        await pilot.press("3")
        for i in range(len(HOSTILE)):
            row = app.due.current
            for key in ("d", "s", "r", "m", "e"):
                await pilot.press(key)
                await settle(pilot)
                screen = check_screen(pilot, f"{key} on due row {i}")
                if key in "drme":  # the prompt, the draft or the form names the follow-up
                    assert shown(row.title)[:30] in screen, (key, row.title)
                await pilot.press("escape")
                await settle(pilot)
                assert app.screen is app.screen_stack[0], f"{key} left a screen open"
            await pilot.press("j")
        await pilot.press("g")
        for i in range(4):  # a drop needs no answer: its toast names what was dropped
            row = app.due.current
            await pilot.press("x")
            await settle(pilot)
            screen = check_screen(pilot, f"drop {i}")
            assert "Dropped:" in screen and shown(row.title)[:12] in screen  # a toast wraps
        assert app.is_running


async def test_done_drop_and_undo_toasts_show_titles_literally(hostile: Service) -> None:
    app = make_app(hostile, poll_seconds=0, save_delay=0)
    async with app.run_test(size=(200, 60), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        await pilot.press("3")
        for _ in range(4):  # done, with a note: each toast says what was done
            title = app.due.current.title
            await pilot.press("d")
            await settle(pilot)
            if app.screen.query("#confirm-question"):  # the cool-off guard asks first
                await pilot.press("y")
                await settle(pilot)
            await pilot.press(*"[/] x", "enter")
            await settle(pilot)
            text = check_screen(pilot, "after done")
            assert "Done: " + shown(title)[:30] in text
        await pilot.press("u")
        await settle(pilot)
        text = check_screen(pilot, "undo toast")
        assert "Undone" in text
        assert app.is_running


async def test_help_palette_and_toasts_with_markup_in_data(hostile: Service, tmp_path) -> None:
    conflict = tmp_path / "rebound ([link=a:b]x's conflicted copy).json"
    conflict.write_bytes((tmp_path / "rebound.json").read_bytes())
    app = make_app(hostile, poll_seconds=0, save_delay=0)
    async with app.run_test(size=(200, 60), notifications=True, tooltips=True) as pilot:
        await settle(pilot)
        app.notify("[@click=app.quit]x \x1b]0;x\x07 [/]", title="[/] \x9b31m")
        await pilot.pause()
        text = check_screen(pilot, "toast")
        assert "[@click=app.quit]x \\x1b]0;x\\x07 [/]" in text
        await pilot.press("question_mark")
        await settle(pilot)
        check_screen(pilot, "help")
        await pilot.press("escape", "i")  # insights: companies and people by name
        await settle(pilot)
        assert "Going cold" in check_screen(pilot, "insights")
        await pilot.press("escape", "ctrl+p")
        await settle(pilot)
        await pilot.press(*"[/]")
        await settle(pilot)
        check_screen(pilot, "palette")
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running


async def test_a_200_mb_note_opens_at_once_truncated_with_its_size(tmp_path) -> None:
    svc = Service.open(tmp_path / "rebound.json", today=lambda: TODAY)
    company = svc.add_company("Acme")
    contact = svc.add_contact("Darlene Price", company="Acme")
    big = "line of a long note\n" * 10_000_000  # 200 MB
    svc.db.update("contacts", contact.id, {"notes": big})
    svc.db.update("companies", company.id, {"notes": big[:2_000_000]})
    svc.log("note", contact="Darlene Price", on="2026-11-01")
    svc.db.update("interactions", svc.interactions()[0].id, {"note": big[:2_000_000]})
    app = make_app(svc, poll_seconds=0, save_delay=0)
    async with app.run_test(size=(120, 50), notifications=True) as pilot:
        await settle(pilot)
        for pane in ("2", "1"):
            started = time.perf_counter()
            await pilot.press(pane, "enter")
            await settle(pilot)
            elapsed = time.perf_counter() - started
            text = check_screen(pilot, "detail with a 200 MB note")
            assert "line of a long note" in text
            assert "more characters" in text and "million" in text
            assert elapsed < 3, f"the detail screen took {elapsed:.1f} s"
            await pilot.press("escape")
            await settle(pilot)


async def test_a_long_draft_is_shown_clipped(hostile: Service) -> None:
    app = make_app(hostile, poll_seconds=0, save_delay=0)
    async with app.run_test(size=(120, 50), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("3")
        row = app.due.current
        app.drafts.edited[row.id] = "Subject: hi\n\n" + "a long draft line\n" * 5_000_000
        started = time.perf_counter()
        await pilot.press("m")
        await settle(pilot)
        assert time.perf_counter() - started < 3
        text = check_screen(pilot, "long draft")
        assert "a long draft line" in text and "more characters" in text


async def test_a_form_refuses_a_control_character_with_a_message(hostile: Service) -> None:
    app = make_app(hostile, poll_seconds=0, save_delay=0)
    async with app.run_test(size=(120, 50), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("1", "a")
        await settle(pilot)
        app.screen.query_one("#field-name", Input).value = "Evil\x1b]0;x\x07Co"
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = check_screen(pilot, "form refusal")
        assert "contains a control character (U+001B ESC)" in text
        assert all(c.name != "Evil\x1b]0;x\x07Co" for c in hostile.companies())
        await pilot.press("escape")
        await settle(pilot)
        if app.screen is not app.screen_stack[0]:  # "discard the changes?"
            await pilot.press("y")
            await settle(pilot)
        assert app.is_running


async def test_settings_rules_with_hostile_titles(hostile: Service) -> None:
    """Rules come from the data file too: the playbook table draws each title literally, and
    neither it nor the rule's sentence below it lets markup or an escape through."""
    from rebound_tui.domain.playbook import DEFAULT_RULES, rule_to_dict
    from rebound_tui.rulebook import RULES_TABLE

    for i, text in enumerate(HOSTILE):
        fields = rule_to_dict(DEFAULT_RULES[0]) | {"title": text}
        del fields["id"]
        hostile.core.put_record(RULES_TABLE, f"hostile-{i:02d}", fields)
    hostile.save()
    app = make_app(hostile, poll_seconds=0, save_delay=0)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        seen = []
        for step in range(len(HOSTILE) + 1):
            seen.append(check_screen(pilot, f"rules row {step}"))
            await pilot.press("j")
        text = "\n".join(seen)
        for i, hostile_text in enumerate(HOSTILE):
            if "\n" in hostile_text:  # a title is one line: that rule is named as ignored
                assert f"rule 'hostile-{i:02d}': the title must be one line" in text
            else:
                assert shown(hostile_text) in text, f"{hostile_text!r} not shown literally"
        assert app.is_running


async def test_a_first_start_paints_hostile_names_from_the_file_literally(hostile: Service) -> None:
    """No cache: the due pane from the file's tables (startup.first_screen_from_file), drawn
    before the whole file is open, shows markup and escapes as text."""
    from rebound_tui import startup
    from tests.ui.test_fast_start import deferred, loaded

    first = startup.first_screen_from_file(hostile.path, TODAY)
    assert first is not None and first.source == "file"
    app = deferred(hostile.path, first)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        text = check_screen(pilot, "the first paint from the file")
        assert shown("[@click=app.quit]x") in text or "[@click=app.quit]x" in text
        await loaded(app, pilot)
        check_screen(pilot, "after the whole file is open")
        assert app.is_running and app.loaded
