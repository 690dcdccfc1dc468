"""mail_service: however messages are split across imports and machines, and in whatever order,
the merged data holds one interaction per matched message (property tests)."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rebound_tui.domain.mail import MailMessage
from rebound_tui.domain.merge import merge_databases
from rebound_tui.mail_service import import_mail
from rebound_tui.service import Service

ME = "me@home.example"
PEOPLE = ["ann@a.example", "bo@b.example", "cy@c.example"]
ZONE = dt.timezone(dt.timedelta(hours=-6))


@st.composite
def mail(draw) -> MailMessage:
    outgoing = draw(st.booleans())
    them = draw(st.sampled_from([*PEOPLE, "stranger@x.example"]))
    others = draw(st.lists(st.sampled_from(PEOPLE), max_size=2))
    return MailMessage(
        when=dt.datetime(2026, 11, draw(st.integers(1, 26)), draw(st.integers(0, 23)), tzinfo=ZONE),
        sender=ME if outgoing else them,
        recipients=tuple([them, *others] if outgoing else [ME, *others]),
        subject=draw(st.sampled_from(["hi", "thanks", ""])),
        message_id=draw(st.one_of(st.none(), st.sampled_from([f"m{n}@x" for n in range(6)]))),
    )


_counter = itertools.count()


def fresh(folder: Path) -> Path:
    path = folder / f"db{next(_counter)}.json"
    service = Service.open(path)
    for n, address in enumerate(PEOPLE):
        service.add_contact(f"Person {n}", email=address)
    service.save()
    return path


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mail(), min_size=1, max_size=12), st.integers(0, 12), st.randoms())
def test_two_machines_and_any_split_end_up_with_one_interaction_per_message(
    tmp_path_factory, messages, cut, rng
):
    folder = tmp_path_factory.mktemp("mail")
    base = fresh(folder)
    laptop = folder / "laptop.json"
    laptop.write_bytes(base.read_bytes())
    desk = Service.open(base)
    import_mail(desk, messages[:cut], me=[ME], source="a")
    import_mail(desk, messages[cut:], me=[ME], source="b")
    desk.save()
    shuffled = list(messages)
    rng.shuffle(shuffled)
    other = Service.open(laptop)
    import_mail(other, shuffled, me=[ME], source="c")
    again = import_mail(other, messages, me=[ME], source="d")
    other.save()
    assert again.logged == 0
    keys = {m.key for m in messages if set((m.sender, *m.recipients)) & set(PEOPLE)}
    assert len(desk.interactions()) == len(keys) == len(other.interactions())
    assert {i.id for i in desk.interactions()} == {i.id for i in other.interactions()}
    merged = merge_databases(orjson.loads(base.read_bytes()), orjson.loads(laptop.read_bytes()))
    assert len(merged.get("interactions", {})) == len(keys)  # no table when nothing matched
