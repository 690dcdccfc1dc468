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
from rebound_tui.ui.screens.prompts import ConfirmScreen
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


async def save_new_role(pilot, company: str, title: str) -> OpeningForm:
    """`o` on `company`, the title typed, ctrl+s: the form (the screen after it is the test's)."""
    await settle(pilot)
    await go_to(pilot, company)
    await pilot.press("o")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, OpeningForm)
    await type_in(pilot, "#field-title", title)
    await pilot.press("ctrl+s")
    await settle(pilot)
    return form


def question_words(screen) -> str:
    assert isinstance(screen, ConfirmScreen)
    return " ".join(str(w.render()) for w in screen.query(Static))


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


async def test_o_asks_before_adding_a_role_the_company_has_already(
    app: ReboundApp, service: Service
) -> None:
    """As `opening add` refuses it: the same title while open (case and spacing aside). No goes
    back to the form as typed, nothing saved; yes adds a second role alike."""
    add_roles(service)
    async with app.run_test(size=SIZE) as pilot:
        form = await save_new_role(pilot, "Glenview Logistics", "ops  ANALYST")
        words = question_words(app.screen)
        assert "Glenview Logistics has this role already (same title, open): Ops Analyst" in words
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form and form.value("title") == "ops  ANALYST"
        assert len(service.openings(company=service.find_company("Glenview"))) == 2
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not isinstance(app.screen, (OpeningForm, ConfirmScreen))
    titles = sorted(o.title for o in service.openings(company=service.find_company("Glenview")))
    assert titles == ["Ops Analyst", "Ops Manager", "ops ANALYST"]  # spacing tidied on save


async def test_the_repeated_role_question_shows_markup_as_text(
    app: ReboundApp, service: Service
) -> None:
    service.add_opening("Glenview Logistics", "[@click=app.quit]x [/]")
    service.save()
    async with app.run_test(size=SIZE) as pilot:
        await save_new_role(pilot, "Glenview Logistics", "[@click=app.quit]x [/]")
        words = question_words(app.screen)
        assert "(same title, open): [@click=app.quit]x [/], spotted" in words
        await pilot.press("n")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, OpeningForm)


async def test_o_adds_a_new_role_at_a_company_without_asking(
    app: ReboundApp, service: Service
) -> None:
    add_roles(service)
    async with app.run_test(size=SIZE) as pilot:
        await save_new_role(pilot, "Glenview Logistics", "Ops Director")
        assert not isinstance(app.screen, (OpeningForm, ConfirmScreen))
    assert len(service.openings(company=service.find_company("Glenview"))) == 3


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


async def open_role(pilot, title: str) -> OpeningsScreen:
    await pilot.press("1", "O")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, OpeningsScreen)
    while screen.pane.current.title != title:
        await pilot.press("j")
    return screen


async def test_e_edits_a_role_from_the_view_and_from_its_page(
    app: ReboundApp, service: Service
) -> None:
    add_roles(service)
    controller = next(o for o in service.openings() if o.title == "Controller")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_role(pilot, "Controller")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OpeningForm)
        assert form.value("title") == "Controller" and form.value("deadline") == "2026-12-10"
        assert "status" not in form.values()  # the status moves by its keys, with history
        form.widget("title").value = ""
        await type_in(pilot, "#field-title", "Senior Controller")
        form.widget("deadline").value = ""
        await type_in(pilot, "#field-deadline", "2026-12-20")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        edited = service.opening(controller.id)
        assert (edited.title, edited.deadline, edited.spotted_on) == (
            "Senior Controller",
            "2026-12-20",
            "2026-11-25",  # untouched fields stay as they were
        )
        assert screen.pane.current.title == "Senior Controller"
        await pilot.press("u")
        await settle(pilot)
        assert service.opening(controller.id).title == "Controller"
        # From the role's page: e, a bad value is refused inline, then a good one saves.
        await pilot.press("enter")
        await settle(pilot)
        page = app.screen
        assert isinstance(page, OpeningDetail)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OpeningForm)
        await type_in(pilot, "#field-url", "not a link")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and "url" in form.errors()
        form.widget("url").value = ""
        await type_in(pilot, "#field-url", "https://skokie.example/jobs/9")
        form.widget("location").value = ""
        await type_in(pilot, "#field-location", "Remote")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is page
        fields = str(page.query_one("#section-fields", Static).render())
        assert "https://skokie.example/jobs/9" in fields and "Remote" in fields
    assert reopen_location(service, controller.id) == "Remote"


def reopen_location(service: Service, opening_id: str) -> str | None:
    from tests.ui.conftest import reopen

    return reopen(service.path).opening(opening_id).location


async def test_escape_on_a_changed_edit_asks_and_no_keeps_the_typing(
    app: ReboundApp, service: Service
) -> None:
    add_roles(service)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_role(pilot, "Controller")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        await type_in(pilot, "#field-notes", "call Julia")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not form  # the question
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is form and form.value("notes") == "call Julia"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, OpeningsScreen)
    assert next(o for o in service.openings() if o.title == "Controller").notes is None


async def test_D_deletes_a_role_after_asking_and_u_brings_it_back(
    app: ReboundApp, service: Service
) -> None:
    add_roles(service)
    analyst = next(o for o in service.openings() if o.title == "Ops Analyst")
    service.set_opening_status(analyst, "applied", on="2026-11-26")  # plans a follow-up
    service.save()
    planned_ids = {f.id for f in service.follow_ups() if "Ops Analyst" in f.title}
    assert planned_ids
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_role(pilot, "Ops Analyst")
        await pilot.press("D")
        await settle(pilot)
        assert app.screen is not screen
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert app.screen is screen and service.opening(analyst.id) is not None
        await pilot.press("D", "y")
        await settle(pilot)
        assert app.screen is screen
        assert service.opening(analyst.id) is None
        assert "Ops Analyst" not in {r.title for r in screen.rows()}
        assert service.opening_history(analyst.id) == []
        assert not planned_ids & {f.id for f in service.follow_ups()}
        await pilot.press("u")
        await settle(pilot)
        assert service.opening(analyst.id).status == "applied"
        assert [s.status for s in service.opening_history(analyst.id)] == ["spotted", "applied"]
        assert planned_ids <= {f.id for f in service.follow_ups()}
        assert "Ops Analyst" in {r.title for r in screen.rows()}
        # From the role's page: D, yes, back to the view without it.
        await pilot.press("g")  # the first row, then down to it
        for _ in screen.rows():
            if screen.pane.current.title == "Ops Analyst":
                break
            await pilot.press("j")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, OpeningDetail)
        await pilot.press("D", "y")
        await settle(pilot)
        assert app.screen is screen
        assert "Ops Analyst" not in {r.title for r in screen.rows()}
    from tests.ui.conftest import reopen

    again = reopen(service.path)
    assert again.opening(analyst.id) is None
    import json

    raw = json.loads(service.path.read_text())["openings"][analyst.id]
    assert raw["_deleted"] and raw["title"] == "Ops Analyst"  # a tombstone: it merges


async def test_hostile_titles_survive_edit_and_delete(app: ReboundApp, service: Service) -> None:
    service.add_opening("Glenview Logistics", HOSTILE[1], notes=HOSTILE[0])
    service.save()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("1", "O")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OpeningForm)
        assert form.value("title") == HOSTILE[1] and form.value("notes") == HOSTILE[0]
        await type_in(pilot, "#field-title", HOSTILE[2])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # a control character is refused, with the reason
        assert "control character" in str(form.query_one("#message-title", Label).render())
        form.widget("title").value = HOSTILE[0]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OpeningsScreen) and app.is_running
        [opening] = service.openings()
        assert opening.title == "[/]" and opening.notes == "[/]"
        await pilot.press("D")
        await settle(pilot)
        question = str(app.screen.query_one("#confirm-question", Label).render())
        assert "[/]" in question
        await pilot.press("y")
        await settle(pilot)
        assert app.is_running and service.openings() == []
