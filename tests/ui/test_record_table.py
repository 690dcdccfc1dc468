"""RecordTable: cursor, sort, search, layout, mouse, and 5,000+ rows without delay."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st
from textual import events
from textual.app import App, ComposeResult

from rebound_tui.ui.widgets.record_table import Column, RecordTable, fit_cells, sort_rows


@dataclass(frozen=True)
class Row:
    id: str
    name: str
    score: int | None
    search: str = ""


def make_rows(n: int) -> list[Row]:
    return [Row(f"id{i}", f"Name {i:05d}", (i * 7919) % 1000, f"name {i:05d}") for i in range(n)]


COLUMNS = [
    Column("name", "Name", lambda r: r.name, width=10, flex=1, sort_key=lambda r: r.name),
    Column(
        "score",
        "Score",
        lambda r: "" if r.score is None else str(r.score),
        width=5,
        align="right",
        sort_key=lambda r: r.score,
        descending=True,
        style=lambda r: "error" if (r.score or 0) > 900 else None,
        drop=1,
    ),
    Column("extra", "Extra", lambda r: "x", width=20, drop=2),
]


class TableApp(App[None]):
    def __init__(self, rows: list[Row]) -> None:
        super().__init__()
        self.rows = rows
        self.highlighted: list[str | None] = []
        self.selected: list[str] = []

    def compose(self) -> ComposeResult:
        yield RecordTable(COLUMNS, empty_text="empty", id="t")

    def on_mount(self) -> None:
        table = self.query_one(RecordTable)
        table.rows = self.rows
        table.focus()

    def on_record_table_highlighted(self, event: RecordTable.Highlighted) -> None:
        self.highlighted.append(getattr(event.row, "id", None))

    def on_record_table_selected(self, event: RecordTable.Selected) -> None:
        self.selected.append(event.row.id)


def table_of(app: App) -> RecordTable:
    return app.query_one(RecordTable)


async def test_cursor_keys_and_paging() -> None:
    app = TableApp(make_rows(100))
    async with app.run_test(size=(60, 12)) as pilot:
        table = table_of(app)
        assert table.cursor_row.id == "id0"
        await pilot.press("j", "j", "down")
        assert table.cursor == 3
        await pilot.press("k", "up")
        assert table.cursor == 1
        await pilot.press("G")
        assert table.cursor == 99
        assert table.scroll_y == table.max_scroll_y  # the cursor is on screen
        await pilot.press("g")
        assert table.cursor == 0 and table.scroll_y == 0
        await pilot.press("pagedown")
        assert table.cursor == table.page_rows == 11  # 12 lines minus the header
        await pilot.press("pageup", "pageup")
        assert table.cursor == 0
        await pilot.press("k")  # stays at the top
        assert table.cursor == 0


async def test_highlighted_is_posted_when_the_record_changes() -> None:
    app = TableApp(make_rows(5))
    async with app.run_test() as pilot:
        await pilot.press("j", "j", "k")
        await pilot.pause()
        assert app.highlighted == ["id0", "id1", "id2", "id1"]


async def test_refill_keeps_the_cursor_on_the_same_record() -> None:
    app = TableApp(make_rows(50))
    async with app.run_test() as pilot:
        table = table_of(app)
        await pilot.press("j", "j", "j")
        assert table.cursor_row.id == "id3"
        table.rows = list(reversed(make_rows(50)))
        assert table.cursor_row.id == "id3"
        assert table.cursor == 46
        # The record is gone: the cursor stays at the same place (the next record).
        table.rows = [r for r in make_rows(50) if r.id != "id3"]
        assert table.cursor == 46 and table.cursor_row.id == "id47"
        table.rows = make_rows(3)
        assert table.cursor == 2
        table.rows = []
        assert table.cursor_row is None


async def test_sort_and_cycle_sort() -> None:
    rows = [Row("a", "Bob", 3), Row("b", "alice", None), Row("c", "Carl", 9)]
    app = TableApp(rows)
    async with app.run_test() as pilot:
        table = table_of(app)
        table.sort_by("score")
        assert [r.id for r in table.rows] == ["c", "a", "b"]  # largest first, None last
        table.sort_by("score", descending=False)
        assert [r.id for r in table.rows] == ["a", "c", "b"]  # None still last
        assert table.cycle_sort() == "extra" or table.sort_key is None
        table.sort_by(None)
        assert [r.id for r in table.rows] == ["a", "b", "c"]  # the given order
        assert table.cycle_sort() == "name"
        assert [r.name for r in table.rows] == ["Bob", "Carl", "alice"]
        assert table.cycle_sort() == "score"
        assert table.cycle_sort() is None
        await pilot.pause()


async def test_filter_matches_every_word() -> None:
    rows = [
        Row("a", "Ann", 1, "ann acme boss"),
        Row("b", "Ben", 2, "ben acme hr"),
        Row("c", "Cy", 3, "cy globex boss"),
    ]
    app = TableApp(rows)
    async with app.run_test():
        table = table_of(app)
        table.filter = "boss"
        assert [r.id for r in table.rows] == ["a", "c"]
        table.filter = "ACME  boss"
        assert [r.id for r in table.rows] == ["a"]
        table.filter = "nobody"
        assert table.rows == [] and table.cursor_row is None
        assert "Nothing matches" in table.render_line(0).text
        table.filter = ""
        assert len(table.rows) == 3


async def test_rendering_header_rows_styles_and_empty() -> None:
    app = TableApp([Row("a", "A very long name indeed", 950), Row("b", "Short", 5)])
    async with app.run_test(size=(30, 8)):
        table = table_of(app)
        width = table.scrollable_content_region.width
        header = table.render_line(0)
        assert header.cell_length == width
        assert "Name" in header.text and "Score" in header.text
        assert "Extra" not in header.text  # dropped first: too narrow
        first = table.render_line(1)
        assert first.cell_length == width
        assert "950" in first.text
        assert table.render_line(5).text.strip() == ""
        table.rows = []
        assert table.render_line(0).text.strip() == "empty"
        table.empty_lines = [("All done.", "success"), ("next: lunch", None)]
        assert table.render_line(1).text.strip() == "next: lunch"


async def test_mouse_click_moves_and_double_click_selects() -> None:
    app = TableApp(make_rows(20))
    async with app.run_test(size=(60, 12)) as pilot:
        table = table_of(app)
        await pilot.click(table, offset=(3, 4))
        assert table.cursor == 3
        await pilot.click(table, offset=(3, 2), times=2)
        await pilot.pause()
        assert table.cursor == 1
        assert app.selected == ["id1"]
        score_x = table.render_line(0).text.index("Score")
        await pilot.click(table, offset=(score_x, 0))  # a click on a header sorts by it
        assert table.sort_key == "score" and table.descending
        await pilot.click(table, offset=(score_x, 0))  # again: the other way
        assert table.sort_key == "score" and not table.descending


async def test_a_resize_that_keeps_the_height_lays_nothing_out_again() -> None:
    # Only the height scrolls: a width in the virtual size made every first frame's resize lay
    # the whole screen out again (a tenth of a second of a start on the heavy file).
    app = TableApp(make_rows(50))
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(RecordTable)
        before = table.virtual_size
        assert before.height == 51  # the header and the rows
        layouts: list[bool] = []
        refresh = table.refresh
        table.refresh = lambda *a, **k: layouts.append(k.get("layout", False)) or refresh(*a, **k)
        await pilot.resize_terminal(100, 20)
        await pilot.pause()
        assert table.size.width == 100
        assert table.virtual_size == before
        assert not any(layouts)
        await pilot.press("end")  # still scrolls to the last row
        assert table.cursor == 49 and table.scroll_y > 0


async def test_mouse_wheel_scrolls() -> None:
    app = TableApp(make_rows(200))
    async with app.run_test(size=(60, 12)) as pilot:
        table = table_of(app)
        for _ in range(3):
            table.post_message(events.MouseScrollDown(table, 3, 3, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert table.scroll_y > 0
        assert table.cursor == 0  # the wheel scrolls the view, not the cursor


async def test_thousands_of_rows_refill_filter_move_and_sort() -> None:
    """Behaviour at scale; the timing lives in benchmarks/run.py, not in a test."""
    rows = make_rows(20_000)
    app = TableApp(rows)
    async with app.run_test(size=(100, 40)) as pilot:
        table = table_of(app)
        for _ in range(3):
            table.rows = rows  # a refresh from the data
        table.filter = "name 19"
        assert 0 < len(table.rows) < len(rows)
        table.filter = ""
        assert len(table.rows) == len(rows)
        height = table.size.height
        start = table.cursor  # still on the record the search had found
        for _ in range(5):
            table.action_cursor_down()
            for y in range(height):
                table.render_line(y)
        assert table.cursor == start + 5
        await pilot.press("j", "G", "g")
        assert table.cursor == 0
        table.sort_by("score")
        await pilot.press("G")
        assert table.cursor == len(rows) - 1


@given(st.text(max_size=30), st.integers(min_value=1, max_value=25), st.booleans())
def test_fit_is_exact(text: str, width: int, right: bool) -> None:
    from rich.cells import cell_len

    fitted = fit_cells(text, width, "right" if right else "left")
    assert cell_len(fitted) == width


@given(st.lists(st.one_of(st.none(), st.integers(-5, 5)), max_size=30), st.booleans())
def test_sort_rows_puts_none_last(values: list[int | None], descending: bool) -> None:
    out = sort_rows(values, lambda v: v, descending)
    present = [v for v in out if v is not None]
    assert out == present + [None] * values.count(None)
    assert present == sorted(present, reverse=descending)


@given(
    st.one_of(
        st.text(),
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1990),
        st.none(),
        st.integers(),
    )
)
def test_a_value_is_measured_as_wide_as_it_is_shown(value) -> None:
    """The fast count for printable ASCII agrees with measuring what is shown (escapes,
    wide characters, the cut at LINE_MAX with its "…")."""
    from rich.cells import cell_len

    from rebound_tui.display import line
    from rebound_tui.ui.widgets.record_table import shown_width

    assert shown_width(value) == cell_len(line(value))


def test_columns_fit_the_widest_value_shown_of_any_row() -> None:
    table = RecordTable(COLUMNS)
    rows = make_rows(50)
    rows.append(Row("wide", "漢字" * 6 + "\x1b]0;x", 1))  # wide characters and an escape
    table.rows = rows
    assert table._natural["name"] == 24 + len("\\x1b]0;x")
    table.rows = make_rows(50)
    assert table._natural["name"] == len("Name 00000")
