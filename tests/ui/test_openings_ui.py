"""The dashboard's openings (issue 15): the Bullpen's Roles column, `o` adds an opening through a
form that validates, `O` the openings view (next status, final statuses, details, undo), and the
search finds roles by title."""

from __future__ import annotations

from textual.widgets import Label, Select, Static

from rebound_tui.service import Service
from rebound_tui.ui.app import ReboundApp
from rebound_tui.ui.screens.detail import CompanyDetail
from rebound_tui.ui.screens.opening_detail import OpeningDetail
from rebound_tui.ui.screens.opening_form import OpeningForm
from rebound_tui.ui.screens.openings import OpeningsScreen
from tests.ui.conftest import settle
from tests.ui.screen_fixtures import type_in

SIZE = (80, 24)
HOSTILE = ("[/]", "[@click=app.quit]x", "\x1b]0;x\x07")


def add_roles(service: Service) -> None:
    service.add_opening("Glenview Logistics", "Ops Analyst", on="2026-11-20")
    service.add_opening("Glenview Logistics", "Ops Manager", status="applied", on="2026-11-22")
    service.add_opening("Skokie Systems", "Controller", on="2026-11-25", deadline="2026-12-10")
    service.save()


async def go_to(pilot, company: str) -> None:
    app = pilot.app
    await pilot.press("1", "g")
    while app.bullpen.current.company != company:
        await pilot.press("j")


async def test_the_bullpen_shows_open_roles_and_their_furthest_status(
    app: ReboundApp, service: Service
) -> None:
    add_roles(service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = {r.company: r for r in app.bullpen.table.all_rows}
        assert (rows["Glenview Logistics"].roles, rows["Glenview Logistics"].role_status) == (
            2,
            "applied",
        )
        assert rows["Skokie Systems"].roles == 1
        assert rows["Northbrook Labs"].roles == 0
        table = app.bullpen.table
        keys = [c.key for c, _ in table._layout(table.size.width)]
        assert "roles" in keys and "stage" in keys  # both fit at 80 columns
        lines = "\n".join(table.render_line(y).text for y in range(6))
        assert "2 appl" in lines and "1 spot" in lines


async def test_o_adds_an_opening_through_the_form(app: ReboundApp, service: Service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "Skokie Systems")
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OpeningForm)
        await type_in(pilot, "#field-title", "Senior Accountant")
        app.screen.query_one("#field-source", Select).value = "referral"
        await type_in(pilot, "#field-referral", "Julia Ref")
        await type_in(pilot, "#field-deadline", "2026-12-15")
        await type_in(pilot, "#field-on", "yesterday")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, OpeningForm)
    [opening] = service.openings()
    assert opening.title == "Senior Accountant"
    assert service.company(opening.company_id).name == "Skokie Systems"
    assert (opening.source, opening.deadline, opening.spotted_on) == (
        "referral",
        "2026-12-15",
        "2026-11-26",
    )
    assert service.contact(opening.referral_id).name == "Julia Ref"
    # The plan: Julia is asked for a referral (the spotted rule), shown in the toast.
    assert any("Julia" in f.title for f in service.follow_ups())


async def test_the_form_refuses_bad_values_inline(app: ReboundApp, service: Service) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "Skokie Systems")
        await pilot.press("o")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OpeningForm)
        await pilot.press("ctrl+s")  # no title
        await settle(pilot)
        assert app.screen is form
        assert "required" in str(form.query_one("#message-title", Label).render())
        await type_in(pilot, "#field-title", "Analyst")
        await type_in(pilot, "#field-deadline", "someday")
        await type_in(pilot, "#field-referral", "Nobody Known")
        await type_in(pilot, "#field-on", "2099-01-01")
        await type_in(pilot, "#field-url", "not a link")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert set(form.errors()) == {"deadline", "referral", "on", "url"}
        assert "future" in str(form.query_one("#message-on", Label).render())
        await pilot.press("escape")
        await settle(pilot)
    assert service.openings(include_closed=True) == []


async def test_hostile_titles_are_text(app: ReboundApp, service: Service) -> None:
    for title in HOSTILE[:2]:
        service.add_opening("Glenview Logistics", title)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await go_to(pilot, "Skokie Systems")
        await pilot.press("o")
        await settle(pilot)
        await type_in(pilot, "#field-title", HOSTILE[2])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OpeningForm)  # a control character is refused
        assert app.screen.errors().keys() == {"title"}
        await pilot.press("escape")  # a changed form asks before it is thrown away
        await settle(pilot)
        assert not isinstance(app.screen, OpeningForm)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, OpeningForm) and app.screen is app.screen_stack[0]
        await pilot.press("O")
        await settle(pilot)
        assert app.is_running  # the [@click=app.quit] title did not quit
        titles = {r.title for r in app.screen.rows()}
        assert titles == set(HOSTILE[:2])
        lines = "\n".join(app.screen.pane.table.render_line(y).text for y in range(4))
        assert "[/]" in lines and "[@click=app.quit]x" in lines
        await pilot.press("g", "enter")
        await settle(pilot)
        assert isinstance(app.screen, OpeningDetail)
        title = str(app.screen.query_one("#detail-title", Label).render())
        assert title.split(" · ")[0] in HOSTILE


async def test_status_keys_advance_finish_and_undo(app: ReboundApp, service: Service) -> None:
    add_roles(service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "O")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, OpeningsScreen)
        assert [r.status for r in screen.rows()] == ["spotted", "spotted", "applied"]
        assert screen.pane.current.title == "Ops Analyst"
        before = {f.id for f in service.follow_ups()}
        await pilot.press("n")  # spotted -> applied
        await settle(pilot)
        analyst = next(o for o in service.openings() if o.title == "Ops Analyst")
        assert analyst.status == "applied"
        assert [s.status for s in service.opening_history(analyst)] == ["spotted", "applied"]
        # The applied rule planned the follow-up on the application, shown in the toast.
        made = [f for f in service.follow_ups() if f.id not in before]
        assert made and all("Ops Analyst" in f.title for f in made)
        assert screen.pane.current.title == "Ops Analyst"  # the cursor stays on the role
        await pilot.press("u")
        await settle(pilot)
        assert service.opening(analyst.id).status == "spotted"
        assert {f.id for f in service.follow_ups()} == before
        await pilot.press("w")  # withdrawn: gone from the open roles
        await settle(pilot)
        assert service.opening(analyst.id).status == "withdrawn"
        assert "Ops Analyst" not in {r.title for r in screen.rows()}
        await pilot.press("escape")
        await settle(pilot)
        assert len(app.screen_stack) == 1
        row = next(r for r in app.bullpen.table.all_rows if r.company == "Glenview Logistics")
        assert row.roles == 1  # the bullpen shows the change
    assert reopen_status(service, analyst.id) == "withdrawn"


def reopen_status(service: Service, opening_id: str) -> str:
    from tests.ui.conftest import reopen

    return reopen(service.path).opening(opening_id).status


async def test_enter_shows_the_roles_details_and_the_company_lists_its_openings(
    app: ReboundApp, service: Service
) -> None:
    add_roles(service)
    controller = next(o for o in service.openings() if o.title == "Controller")
    service.edit_opening(controller, url="https://skokie.example/jobs/1", notes="ask Julia")
    service.set_opening_status(controller, "applied", on="2026-11-26", note="sent the CV")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "O")
        await settle(pilot)
        while app.screen.pane.current.title != "Controller":
            await pilot.press("j")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OpeningDetail)
        fields = str(app.screen.query_one("#section-fields", Static).render())
        history = str(app.screen.query_one("#section-history", Static).render())
        assert "https://skokie.example/jobs/1" in fields and "2026-12-10" in fields
        assert "ask Julia" in fields
        assert "2026-11-25" in history and "spotted" in history
        assert "applied" in history and "sent the CV" in history
        await pilot.press("escape", "escape")
        await settle(pilot)
        await go_to(pilot, "Skokie Systems")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CompanyDetail)
        section = str(app.screen.query_one("#section-openings", Static).render())
        assert "Controller" in section and "sent the CV" in section
        assert "Ops Analyst" not in section


async def test_search_finds_roles_by_title(app: ReboundApp, service: Service) -> None:
    add_roles(service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "slash")
        await pilot.press(*"controller")
        await settle(pilot)
        assert [r.company for r in app.bullpen.table.rows] == ["Skokie Systems"]
        await pilot.press("escape", "escape")
        await pilot.press("O", "slash", *"manager")
        await settle(pilot)
        assert [r.title for r in app.screen.rows()] == ["Ops Manager"]
