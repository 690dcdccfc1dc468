"""Detail screens show what the service knows, newest first, and stay light with big histories."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Static

from rebound_tui.domain.model import Interaction
from rebound_tui.service import Service
from rebound_tui.ui.screens import CompanyDetail, ContactDetail

try:  # tests/ui may or may not be a package
    from .screen_fixtures import Harness, service, text_of
except ImportError:
    from screen_fixtures import Harness, service, text_of

__all__ = ["service"]  # the fixture, imported for pytest


def _history(service: Service) -> None:
    service.log("interview", company="Acme", contact="Darlene Price", on="2026-10-01")
    service.log("rejection", company="Acme", on="2026-10-20", note="went with someone else")
    service.log("news", company="Acme", on="2026-11-10", note="Q3 results\nstrong")
    service.log("email", contact="Bob Stone", on="2026-11-20", note="asked for coffee")
    service.log("call", company="Globex", contact="Ann Lee", on="2026-11-21")
    service.add_follow_up("Thank Darlene", due="2026-11-25", contact="Darlene Price")
    service.add_follow_up("Read the news", due="2026-12-10", company="Acme", kind="news-check")
    service.add_follow_up("Globex thing", due="2026-11-28", company="Globex")


async def test_company_detail_shows_fields_people_follow_ups_and_timeline(
    service: Service,
) -> None:
    _history(service)
    service.edit_company("Acme", website="https://acme.example")
    acme = service.find_company("Acme")
    app = Harness(lambda: CompanyDetail(service, acme.id))
    async with app.run_test(size=(100, 40)) as pilot:
        assert text_of(pilot, "#detail-title") == "Acme · rejected · priority 5"
        assert "https://acme.example" in text_of(pilot, "#section-fields")
        people = text_of(pilot, "#section-people").splitlines()
        assert people[0] == "Finance"
        assert people[1].startswith("  Darlene Price (boss) → referred Bob Stone")
        assert "last touch 2026-10-01" in people[1]
        assert people[2] == "No department"
        assert "Bob Stone ← referred by Darlene Price" in people[3]
        follow_ups = text_of(pilot, "#section-follow-ups")
        assert "Thank Darlene" in follow_ups and "2d overdue" in follow_ups
        assert "Globex thing" not in follow_ups
        assert text_of(pilot, "#heading-timeline") == "Timeline (4)"
        timeline = text_of(pilot, "#section-timeline").splitlines()
        assert [line[:10] for line in timeline] == [
            "2026-11-20",
            "2026-11-10",
            "2026-10-20",
            "2026-10-01",
        ]
        assert "Q3 results strong" in timeline[1]  # one line per entry
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


async def test_contact_detail_shows_the_referral_chain(service: Service) -> None:
    _history(service)
    service.add_contact("Cy Young", company="Acme", referred_by_name="Bob Stone")
    bob = service.find_contact("Bob Stone")
    service.edit_contact(bob, email="bob@acme.example", cadence="6w")
    app = Harness(lambda: ContactDetail(service, bob.id))
    async with app.run_test(size=(100, 40)) as pilot:
        assert text_of(pilot, "#detail-title") == "Bob Stone · works at Acme"
        fields = text_of(pilot, "#section-fields")
        assert "bob@acme.example" in fields and "every 6w" in fields
        assert "Last touch  2026-11-20" in fields
        referrals = text_of(pilot, "#section-referrals")
        assert "referred by  Darlene Price" in referrals
        assert "chain  Darlene Price → Bob Stone" in referrals
        assert "referred  Cy Young at Acme" in referrals
        assert "asked for coffee" in text_of(pilot, "#section-timeline")
        await pilot.press("q")
        await pilot.pause()
    assert app.results == [None]


async def test_a_referral_loop_does_not_hang(service: Service) -> None:
    darlene = service.find_contact("Darlene Price")
    bob = service.find_contact("Bob Stone")
    service.edit_contact(darlene, referred_by_name="Bob Stone")  # Darlene <-> Bob
    app = Harness(lambda: ContactDetail(service, bob.id))
    async with app.run_test() as pilot:
        assert "chain  ↻ Bob Stone → Darlene Price → Bob Stone" in text_of(
            pilot, "#section-referrals"
        )


async def test_deleted_records_say_so(service: Service) -> None:
    gone = service.delete_company("Acme")
    app = Harness(lambda: CompanyDetail(service, gone.id))
    async with app.run_test() as pilot:
        assert text_of(pilot, "#detail-title") == "Acme (deleted)"
        assert "was deleted" in text_of(pilot, "#section-fields")
    bob = service.find_contact("Bob Stone")
    app = Harness(lambda: ContactDetail(service, bob.id))
    async with app.run_test() as pilot:
        assert "Acme (deleted)" in text_of(pilot, "#section-fields")


async def test_refresh_data_shows_new_records(service: Service) -> None:
    acme = service.find_company("Acme")
    app = Harness(lambda: CompanyDetail(service, acme.id))
    async with app.run_test() as pilot:
        assert "nothing logged yet" in text_of(pilot, "#section-timeline")
        service.log("call", company="Acme", note="fresh news")
        app.screen.refresh_data()
        await pilot.pause()
        assert "fresh news" in text_of(pilot, "#section-timeline")


async def test_a_thousand_interactions_render_as_one_widget(service: Service) -> None:
    acme = service.find_company("Acme")
    darlene = service.find_contact("Darlene Price")
    start = dt.date(2024, 1, 1)
    rows = [
        Interaction(
            kind="email",
            day=(start + dt.timedelta(days=n)).isoformat(),
            company_id=acme.id,
            contact_id=darlene.id,
            note=f"n{n}",
        ).to_fields()
        for n in range(1000)
    ]
    service.db.create_many(Interaction.TABLE, rows)  # fast setup; the screen reads the service
    app = Harness(lambda: CompanyDetail(service, acme.id))
    async with app.run_test(size=(100, 40)) as pilot:
        assert text_of(pilot, "#heading-timeline") == "Timeline (1000)"
        timeline = text_of(pilot, "#section-timeline").splitlines()
        assert len(timeline) == 1000
        assert timeline[0].endswith("n999") and timeline[-1].endswith("n0")
        assert len(app.screen.query(Static)) < 20
        await pilot.press("G")
        await pilot.pause()
        assert app.screen.query_one("#detail-body").scroll_y > 900


async def test_the_timeline_aligns_wide_names_by_cells(service: Service) -> None:
    """Names in CJK, with emoji or joined emoji take two cells a character: the notes after
    them start in one column, and a long one is cut by cells with an ellipsis."""
    names = ["Kim Park", "山田太郎", "Zoë 👩‍💻 Dev", "長い名前の人がここにいますよ本当に"]
    for n, name in enumerate(names):
        service.add_contact(name, company="Acme")
        service.log("call", contact=name, on=f"2026-11-{10 + n}", note=f"note {n}")
    acme = service.find_company("Acme")
    app = Harness(lambda: CompanyDetail(service, acme.id))
    async with app.run_test(size=(120, 40)) as pilot:
        from rich.cells import cell_len

        timeline = text_of(pilot, "#section-timeline").splitlines()
        lines = [line for line in timeline if "note " in line]
        assert len(lines) == 4
        starts = {cell_len(line[: line.index("note ")]) for line in lines}
        assert len(starts) == 1, lines  # every note in the same column
        assert any("…" in line for line in lines)  # the longest name cut with an ellipsis
