"""The morning screen at 80x24, 120x40 and 60x15 (issue 14): the due pane gets the height it
needs, the status line shows the selected row whole, `?` stays in the footer, the columns stay
put when the search opens, hints wrap, ZWJ emoji keep the rows aligned."""

from __future__ import annotations

from rich.cells import cell_len

from rebound_tui.demo import ANCHOR, make_demo_copy
from rebound_tui.service import Service
from rebound_tui.ui.app import ReboundApp, make_app
from rebound_tui.ui.widgets import StatusLine
from rebound_tui.ui.widgets.footer import DashboardFooter
from tests.ui.conftest import TODAY, settle

HOSTILE = "[/] [@click=app.quit]x \x1b]0;x\x07 👩\u200d💻"


def demo(tmp_path) -> ReboundApp:
    path = make_demo_copy(tmp_path, ANCHOR)
    return make_app(Service.open(path, today=lambda: ANCHOR), poll_seconds=0)


def status_text(app: ReboundApp) -> str:
    return app.query_one(StatusLine).text.plain


async def test_the_due_pane_gets_the_height_it_needs_at_80x24(tmp_path) -> None:
    app = demo(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        due_rows = len(app.due.table.rows)
        shown = app.due.table.scrollable_content_region.height - 1  # minus the header
        assert due_rows >= 12
        assert shown >= 10  # was 5 of 11, with 12 rows each for the bullpen and the network
        assert app.bullpen.outer_size.height >= 6  # the others shrink: border, header, 3 rows
        heights = set()
        for _ in range(due_rows):  # status lines of one to three lines: the panes stay put
            heights.add(app.due.outer_size.height)
            await pilot.press("j")
            await settle(pilot)
        assert len(heights) == 1
    app = demo(tmp_path / "wide")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.due.table.scrollable_content_region.height - 1 >= len(app.due.table.rows)


async def test_the_first_frame_has_the_fitted_heights(tmp_path) -> None:
    # Fitted before the first frame (the screen's size less the header, the status line and
    # the footer), not after it: no second layout of the whole screen beside the start's load.
    app = demo(tmp_path)
    first: dict[str, int] = {}
    ready = app.start.ready

    def on_first_frame() -> None:
        first.setdefault("due", app.due.outer_size.height)
        first.setdefault("wanted", app.due.wanted_height())
        first.setdefault("status", app.query_one(StatusLine).outer_size.height)
        ready()

    app.start.ready = on_first_frame  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        panes = app.query_one("#panes").outer_size.height
        assert panes == 40 - 5  # (layout.AROUND_ROWS)
        assert first["status"] == 3
        assert 6 < first["wanted"] < panes - 6
        assert first["due"] == first["wanted"]  # (the stylesheet's 2fr would be 2/3 of them)


async def test_the_status_line_shows_the_selected_due_row_whole(tmp_path) -> None:
    app = demo(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        row = app.due.current
        assert len(row.title) > 30  # longer than its cell at 80 columns
        text = status_text(app)
        assert row.title in text and row.contact in text and row.company in text
        assert "importance (P)" in text


async def test_the_status_line_follows_the_pane_in_use_and_names_the_columns(tmp_path) -> None:
    app = demo(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        text = status_text(app)
        assert app.bullpen.current.company in text
        assert "priority (P)" in text
        await pilot.press("2")
        await settle(pilot)
        assert app.network.current.contact in status_text(app)
        assert "warmth" in status_text(app)


async def test_hostile_text_in_the_status_line_is_shown_literally(app: ReboundApp, service):
    # Control characters are refused at input: written as a synced file would hold them.
    db = service.db
    with service.playbook_paused():
        company = db.create("companies", {"name": HOSTILE, "stage": "rejected", "priority": 5})
        contact = db.create("contacts", {"name": HOSTILE + " person", "company_id": company})
        db.create(
            "followups",
            {
                "title": HOSTILE + " title",
                "due": TODAY.isoformat(),
                "kind": "todo",
                "status": "open",
                "snoozes": 0,
                "contact_id": contact,
                "company_id": company,
            },
        )
    service.save()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.due.table.move_to_id(
            next(r.id for r in app.due.table.rows if r.title.startswith("[/]"))
        )
        await settle(pilot)
        text = status_text(app)
        assert "[/] [@click=app.quit]x \\x1b]0;x\\x07 👩\u200d💻 title" in text
        assert "\x1b" not in text
        assert app.is_running  # the click markup did not run
        await pilot.press("1")
        await settle(pilot)
        app.bullpen.table.move_to_id(company)
        await settle(pilot)
        assert "[/] [@click=app.quit]x \\x1b]0;x\\x07" in status_text(app)


async def test_help_stays_in_the_footer_at_every_size(tmp_path) -> None:
    for size in ((60, 15), (80, 24), (120, 40)):
        app = demo(tmp_path / f"{size[0]}")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            for pane in ("3", "1", "2"):
                await pilot.press(pane)
                await settle(pilot)
                footer = app.query_one(DashboardFooter)
                drawn = footer.render().plain
                assert footer.region.right <= size[0], size
                assert drawn.endswith("? Help") and len(drawn) == footer.size.width, size


async def test_the_columns_do_not_shift_when_the_search_opens(tmp_path) -> None:
    app = demo(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for pane in ("1", "2", "3"):
            await pilot.press(pane)
            await settle(pilot)
            table = app.pane_layout.active.table
            before = table.render_line(0).text
            await pilot.press("slash")
            await settle(pilot)
            assert table.render_line(0).text == before, pane
            await pilot.press("escape")
            await settle(pilot)


async def test_empty_state_hints_wrap_instead_of_being_cut(tmp_path) -> None:
    service = Service.open(tmp_path / "rebound.json", today=lambda: TODAY)
    service.add_company("Solo", priority=1)  # some data: no first-run guide
    app = make_app(service, poll_seconds=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.bullpen.set_stage("offer")  # nothing at that stage: the empty hint
        app.network.set_rows([])
        await settle(pilot)
        table = app.network.table
        width = table.scrollable_content_region.width
        lines = [table.render_line(y).text.strip() for y in range(table.empty_height())]
        words = " ".join(lines).split()
        assert table.empty_height() >= 1
        assert "…" not in " ".join(lines)
        assert all(cell_len(line) <= width for line in lines)
        assert " ".join(words) == " ".join(table._empty()[0][0].split())


async def test_zwj_emoji_keep_the_rows_aligned(app: ReboundApp, service) -> None:
    with service.playbook_paused():
        for name in (
            "👩\u200d💻 Dev Team",
            "👨\u200d👩\u200d👧\u200d👦 Family Co",
            "🏳️\u200d🌈 Pride",
        ):
            service.add_company(name, priority=5)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = app.bullpen.table
        width = table.scrollable_content_region.width
        header = table.render_line(0)
        # Where each column after the first starts, in cells: the same on every line.
        stage = cell_len(header.text.split("Stage")[0])
        for y in range(1, len(table.rows) + 1):
            strip = table.render_line(y)
            assert strip.cell_length == width
            row = table.rows[y - 1]
            stage_word = {"interviewing": "interview", "re-engaging": "re-engage"}.get(
                row.stage, row.stage
            )
            assert cell_len(strip.text.split(stage_word)[0]) == stage, row.company


async def test_the_status_line_shows_the_plan(tmp_path) -> None:
    """A bullpen company: its plan as a timeline; a due row: the step that comes after it."""
    app = demo(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        row = app.due.current
        text = status_text(app)
        assert row.company_id is not None
        steps = app.service.plan_of(row.company_id)
        after = next(s for s in steps if s.follow_up_id != row.id and s.state != "done")
        assert f"then {after.next_text()}" in text
        await pilot.press("1")
        await settle(pilot)
        for _ in range(len(app.bullpen.table.rows)):
            if app.service.plan_of(app.bullpen.current.id):
                break
            await pilot.press("j")
            await settle(pilot)
        text = status_text(app)
        assert "plan " in text and "→" in text
