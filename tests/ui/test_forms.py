"""Record forms: type as a user would, then hand what the form returns to the real service."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Input, Select

from rebound_tui.domain import dates
from rebound_tui.domain.model import ValidationError, check_email, check_url
from rebound_tui.service import Service
from rebound_tui.ui.screens import CompanyForm, ContactForm, FollowUpForm, LogForm
from rebound_tui.ui.validators import (
    DayValidator,
    EmailValidator,
    KnownNameValidator,
    PriorityValidator,
    SpanValidator,
    UniqueNameValidator,
    UrlValidator,
)

try:  # tests/ui may or may not be a package
    from .screen_fixtures import TODAY, Harness, service, shown, text_of, type_in
except ImportError:
    from screen_fixtures import TODAY, Harness, service, shown, text_of, type_in

__all__ = ["service"]  # the fixture, imported for pytest

SIZE = (80, 30)


# -- the validators, on their own --------------------------------------------------------------


@given(st.text(max_size=6))
def test_priority_validator_accepts_exactly_1_to_5(text: str) -> None:
    expected = text.strip() in {"1", "2", "3", "4", "5"}
    assert PriorityValidator().validate(text).is_valid is expected


@given(st.text(max_size=30))
def test_email_and_url_validators_agree_with_the_model(text: str) -> None:
    for validator, check in ((EmailValidator(), check_email), (UrlValidator(), check_url)):
        try:
            check(text.strip())
            ok = True
        except ValidationError:
            ok = False
        outcome = validator.validate(text)
        assert outcome.is_valid is ok
        if not ok:
            assert outcome.failure_descriptions[0].startswith("bad ")


@given(
    st.one_of(
        st.sampled_from(["today", "tomorrow", "friday", "next mon", "3d", "2w", "1m", "x"]),
        st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)).map(dates.format_day),
        st.text(max_size=12),
    )
)
def test_day_validator_agrees_with_parse_day(tmp_path_factory, text: str) -> None:
    svc = Service.open(tmp_path_factory.getbasetemp() / "days.json", today=lambda: TODAY)
    try:
        day = dates.parse_day(text, TODAY)
    except dates.DateError:
        day = None
    assert DayValidator(svc).validate(text).is_valid is (day is not None)
    assert DayValidator(svc, future=True).validate(text).is_valid is (
        day is not None and day > TODAY
    )


def test_span_unique_and_known_validators() -> None:
    assert SpanValidator().validate("6 weeks").is_valid
    assert not SpanValidator().validate("0d").is_valid
    unique = UniqueNameValidator(["Acme", "Globex"], "company", current="Acme")
    assert unique.validate(" acme ").is_valid  # its own name is fine on an edit
    assert "exists already" in unique.validate("GLOBEX").failure_descriptions[0]
    known = KnownNameValidator(["Darlene Price", "Ann Lee"], "contact")
    assert known.validate("darlene price").is_valid
    assert "did you mean Darlene Price" in known.validate("Darlene Prise").failure_descriptions[0]
    twice = KnownNameValidator(["Sam", "sam"], "contact")
    assert "rename one" in twice.validate("Sam").failure_descriptions[0]


# -- company ------------------------------------------------------------------------------------


async def test_new_company_is_created_from_what_the_form_returns(service: Service) -> None:
    app = Harness(lambda: CompanyForm(service, None))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "#field-name", "Initech")
        app.screen.query_one("#field-stage", Select).value = "applied"
        await type_in(pilot, "#field-priority", "4")
        await type_in(pilot, "#field-website", "https://initech.example")
        await type_in(pilot, "#field-hired_started", "2026-11-02")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result == {
        "name": "Initech",
        "stage": "applied",
        "priority": 4,
        "website": "https://initech.example",
        "hired_started": "2026-11-02",
    }
    company = service.add_company(**app.result)
    stored = service.find_company("Initech")
    assert stored == company
    assert (stored.stage, stored.priority, stored.website) == ("applied", 4, company.website)


async def test_company_errors_show_under_their_field_and_block_saving(service: Service) -> None:
    app = Harness(lambda: CompanyForm(service, None))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "#field-name", "acme")
        assert "exists already" in text_of(pilot, "#message-name")
        await type_in(pilot, "#field-website", "initech.example")
        assert "bad URL" in text_of(pilot, "#message-website")
        await type_in(pilot, "#field-priority", "7")
        assert "priority" in text_of(pilot, "#message-priority")
        assert not shown(pilot, "#message-location")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not app.dismissed
        assert app.focused is app.screen.query_one("#field-name")
        assert "fix the marked fields" in text_of(pilot, "#form-error")
        # Fix them one by one: the messages go away as the user types.
        await type_in(pilot, "#field-name", "Initech")
        assert not shown(pilot, "#message-name")
        await type_in(pilot, "#field-website", "https://initech.example")
        await type_in(pilot, "#field-priority", "2")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result["name"] == "Initech"
    assert service.add_company(**app.result).priority == 2


async def test_an_empty_required_field_is_refused_on_save(service: Service) -> None:
    app = Harness(lambda: CompanyForm(service, None))
    async with app.run_test(size=SIZE) as pilot:
        assert not shown(pilot, "#message-name")  # no scolding before the user acts
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not app.dismissed
        assert text_of(pilot, "#message-name") == "name is required"
        assert app.focused is app.screen.query_one("#field-name")


async def test_edit_company_returns_only_the_changes(service: Service) -> None:
    acme = service.find_company("Acme")
    service.edit_company(acme, location="Chicago")
    acme = service.find_company("Acme")
    app = Harness(lambda: CompanyForm(service, acme))
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.query_one("#field-name", Input).value == "Acme"
        await type_in(pilot, "#field-priority", "4")
        await type_in(pilot, "#field-location", "")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result == {"priority": 4, "location": None}
    service.edit_company(acme, **app.result)
    after = service.find_company("Acme")
    assert (after.priority, after.location, after.stage) == (4, None, "rejected")


async def test_escape_cancels_without_a_change(service: Service) -> None:
    before = service.companies()
    app = Harness(lambda: CompanyForm(service, None))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "#field-name", "Initech")
        await pilot.press("escape")  # typed something: asks first (test_form_typing.py)
        await pilot.press("y")
        await pilot.pause()
    assert app.result is None
    assert service.companies() == before


async def test_submit_shows_the_services_refusal_and_stays_open(service: Service) -> None:
    created = []
    app = Harness(
        lambda: CompanyForm(
            service, None, submit=lambda d: created.append(service.add_company(**d))
        )
    )
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "#field-name", "Initech")
        service.add_company("Initech")  # added elsewhere (another device) meanwhile
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not app.dismissed
        assert "exists already" in text_of(pilot, "#form-error")
        await type_in(pilot, "#field-name", "Initrode")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result["name"] == "Initrode"
    assert [c.name for c in created] == ["Initrode"]


# -- contact ------------------------------------------------------------------------------------


async def test_new_contact_at_a_preselected_company_saves_on_enter(service: Service) -> None:
    acme = service.find_company("Acme")
    app = Harness(lambda: ContactForm(service, None, acme))
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.query_one("#field-company", Input).value == "Acme"
        await type_in(pilot, "#field-name", "Carl Diaz")
        app.screen.query_one("#field-role", Select).value = "interviewer"
        await type_in(pilot, "#field-email", "carl@acme.example")
        await type_in(pilot, "#field-referred_by_name", "darlene price")
        await type_in(pilot, "#field-cadence", "6 weeks")
        await type_in(pilot, "#field-notes", "met at the panel")
        await pilot.press("enter")  # Enter in the last field saves
        await pilot.pause()
    assert app.result == {
        "name": "Carl Diaz",
        "company": "Acme",
        "role": "interviewer",
        "email": "carl@acme.example",
        "referred_by_name": "darlene price",
        "cadence": "6w",
        "notes": "met at the panel",
    }
    carl = service.add_contact(**app.result)
    assert carl.company_id == acme.id
    assert carl.referred_by == service.find_contact("Darlene Price").id
    assert (carl.role, carl.cadence) == ("interviewer", "6w")


async def test_contact_field_rules(service: Service) -> None:
    darlene = service.find_contact("Darlene Price")
    app = Harness(lambda: ContactForm(service, darlene, None))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "#field-email", "darlene@")
        assert "bad email" in text_of(pilot, "#message-email")
        await type_in(pilot, "#field-cadence", "often")
        assert "bad interval" in text_of(pilot, "#message-cadence")
        await type_in(pilot, "#field-name", "Ann Lee")
        assert "exists already" in text_of(pilot, "#message-name")
        await type_in(pilot, "#field-name", "Darlene Price")
        # Name fields with completion are judged when the user leaves them.
        await type_in(pilot, "#field-company", "Nowhere Inc")
        await type_in(pilot, "#field-referred_by_name", "Darlene Price")
        await pilot.press("tab")
        assert "no company named 'Nowhere Inc'" in text_of(pilot, "#message-company")
        assert "referred by themselves" in text_of(pilot, "#message-referred_by_name")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not app.dismissed
        assert app.focused is app.screen.query_one("#field-company")


async def test_edit_contact_moves_company_and_clears_the_referrer(service: Service) -> None:
    bob = service.find_contact("Bob Stone")
    app = Harness(lambda: ContactForm(service, bob, None))
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.query_one("#field-referred_by_name", Input).value == "Darlene Price"
        await type_in(pilot, "#field-company", "Globex")
        await type_in(pilot, "#field-referred_by_name", "")
        await type_in(pilot, "#field-title", "Analyst")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result == {"company": "Globex", "referred_by_name": "", "title": "Analyst"}
    service.edit_contact(bob, **app.result)
    after = service.find_contact("Bob Stone")
    assert after.company_id == service.find_company("Globex").id
    assert (after.referred_by, after.title) == (None, "Analyst")


# -- log ----------------------------------------------------------------------------------------


async def test_log_an_interaction_for_a_company_contact(service: Service) -> None:
    acme = service.find_company("Acme")
    app = Harness(lambda: LogForm(service, acme, None))
    async with app.run_test(size=SIZE) as pilot:
        assert "today (Fri 27 Nov 2026)" in text_of(pilot, "#message-on")
        app.screen.query_one("#field-kind", Select).value = "call"
        contact = await type_in(pilot, "#field-contact", "Dar")
        await pilot.press("enter")  # takes the completion shown
        await pilot.pause()
        assert contact.value == "Darlene Price"
        await type_in(pilot, "#field-on", "yesterday")
        assert "Thu 26 Nov 2026" in text_of(pilot, "#message-on")
        await type_in(pilot, "#field-note", "talked budget")
        await type_in(pilot, "#field-topic", "the Q3 budget")
        await pilot.press("enter")
        await pilot.pause()
    assert app.result == {
        "kind": "call",
        "company": "Acme",
        "contact": "Darlene Price",
        "on": "2026-11-26",
        "note": "talked budget",
        "topic": "the Q3 budget",
    }
    logged = service.log(**app.result)
    assert (logged.company_id, logged.contact_id) == (
        acme.id,
        service.find_contact("Darlene Price").id,
    )
    assert (logged.kind, logged.day, logged.note) == ("call", "2026-11-26", "talked budget")
    assert logged.topic == "the Q3 budget"


async def test_log_needs_someone_and_a_contact_at_that_company(service: Service) -> None:
    acme = service.find_company("Acme")
    app = Harness(lambda: LogForm(service, acme, None))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "#field-company", "")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not app.dismissed
        assert "say who it was with" in text_of(pilot, "#message-company")
        await type_in(pilot, "#field-company", "Acme")
        await type_in(pilot, "#field-contact", "Ann Lee")
        assert "Ann Lee is not at Acme (they are at Globex)" in text_of(pilot, "#message-contact")
        await type_in(pilot, "#field-company", "")
        assert not shown(pilot, "#message-company")  # the contact alone is enough
        assert not shown(pilot, "#message-contact")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result["company"] is None
    logged = service.log(**app.result)
    assert logged.company_id == service.find_company("Globex").id  # filled in from Ann
    assert logged.day == "2026-11-27"


async def test_log_form_weekday_is_the_latest_one_and_refuses_the_future(service: Service) -> None:
    acme = service.find_company("Acme")
    app = Harness(lambda: LogForm(service, acme, None))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "#field-on", "tomorrow")
        assert "in the future" in text_of(pilot, "#message-on")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not app.dismissed
        await type_in(pilot, "#field-on", "monday")
        assert "Mon 23 Nov 2026" in text_of(pilot, "#message-on")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result["on"] == "2026-11-23"


async def test_reject_form_weekday_is_the_latest_one(service: Service) -> None:
    from rebound_tui.ui.screens.playbook_forms import RejectForm

    acme = service.find_company("Acme")
    app = Harness(lambda: RejectForm(service, acme))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "#field-on", "monday")
        assert "Mon 23 Nov 2026" in text_of(pilot, "#message-on")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result["on"] == "2026-11-23"


# -- follow-up ------------------------------------------------------------------------------------


async def test_new_follow_up_with_date_words(service: Service) -> None:
    darlene = service.find_contact("Darlene Price")
    app = Harness(lambda: FollowUpForm(service, None, darlene))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "#field-title", "Send the thank-you")
        await type_in(pilot, "#field-due", "someday")
        assert "bad date 'someday'" in text_of(pilot, "#message-due")
        await type_in(pilot, "#field-due", "friday")
        assert text_of(pilot, "#message-due") == "→ Fri 4 Dec 2026"
        app.screen.query_one("#field-kind", Select).value = "thank-you"
        await type_in(pilot, "#field-priority", "9")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not app.dismissed
        assert app.focused is app.screen.query_one("#field-priority")
        await type_in(pilot, "#field-priority", "4")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result == {
        "title": "Send the thank-you",
        "due": "2026-12-04",
        "kind": "thank-you",
        "company": None,
        "contact": "Darlene Price",
        "priority": 4,
        "note": None,
    }
    f = service.add_follow_up(**app.result)
    assert f.company_id == darlene.company_id  # filled in from the contact
    assert (f.due, f.kind, f.priority, f.contact_id) == ("2026-12-04", "thank-you", 4, darlene.id)


async def test_edit_follow_up_returns_the_changes(service: Service) -> None:
    f = service.add_follow_up("Check in", due="2026-11-30", company="Acme", contact="Bob Stone")
    app = Harness(lambda: FollowUpForm(service, None, None, f))
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.query_one("#field-contact", Input).value == "Bob Stone"
        await type_in(pilot, "#field-due", "2w")
        await type_in(pilot, "#field-contact", "")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result == {"due": "2026-12-11", "contact": None}
    service.edit_follow_up(f, **app.result)
    after = service.follow_up(f.id)
    assert (after.due, after.contact_id, after.company_id) == ("2026-12-11", None, f.company_id)


@pytest.mark.parametrize("form", ["company", "contact", "log", "follow-up"])
async def test_every_form_cancels_with_escape(service: Service, form: str) -> None:
    factories = {
        "company": lambda: CompanyForm(service, None),
        "contact": lambda: ContactForm(service, None, None),
        "log": lambda: LogForm(service, None, None),
        "follow-up": lambda: FollowUpForm(service, None, None),
    }
    app = Harness(factories[form])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_select_works_from_the_keyboard_and_escape_closes_it_first(
    service: Service,
) -> None:
    app = Harness(lambda: CompanyForm(service, None))
    async with app.run_test(size=SIZE) as pilot:
        await type_in(pilot, "#field-name", "Initech")
        await pilot.press("tab", "enter")  # open the stage list
        await pilot.pause()
        stage = app.screen.query_one("#field-stage", Select)
        assert stage.expanded
        await pilot.press("escape")  # closes the list, not the form
        await pilot.pause()
        assert not stage.expanded and not app.dismissed
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert stage.value == "applied"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert service.add_company(**app.result).stage == "applied"


async def test_a_short_terminal_scrolls_the_fields_and_keeps_the_buttons(service: Service) -> None:
    app = Harness(lambda: ContactForm(service, None, None))
    async with app.run_test(size=(80, 16)) as pilot:
        await pilot.press("ctrl+s")  # refused: the message takes room too
        await pilot.pause()
        notes = app.screen.query_one("#field-notes", Input)
        notes.focus()
        # Focusing schedules the scroll, which lays out on a later refresh.
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        for selector in ("#field-notes", "#form-error", "#save"):
            region = app.screen.query_one(selector).region
            assert region.height > 0 and region.y >= 0 and region.bottom <= 16, selector
            assert app.screen.get_widget_at(region.x, region.y)[0] is app.screen.query_one(selector)
