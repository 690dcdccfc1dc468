"""GroupIndex stays equal to an index built from scratch, whatever the service does."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rebound_tui.domain.model import Company, Contact, FollowUp, Interaction
from rebound_tui.errors import ServiceError
from rebound_tui.record_index import GroupIndex
from rebound_tui.service import Service

TODAY = dt.date(2026, 11, 27)


def by_company(i: Interaction) -> list[tuple[str, str]]:
    return [(i.company_id, i.day)] if i.company_id else []


def by_contact(f: FollowUp) -> list[tuple[str, str]]:
    return [(f.contact_id, f.status)] if f.contact_id else []


def fresh(svc: Service, cls: type, entries) -> dict:
    return {k: dict(v) for k, v in GroupIndex(cls, entries).groups(svc.core).items()}


def snapshot(index: GroupIndex, svc: Service) -> dict:
    return {k: dict(v) for k, v in index.groups(svc.core).items()}


OPS = st.lists(
    st.tuples(
        st.sampled_from(["log", "follow", "done", "delete", "undo", "edit", "reload"]),
        st.integers(0, 3),
    ),
    max_size=14,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_index_matches_a_rebuild_after_any_edits(tmp_path_factory, ops):
    path = tmp_path_factory.mktemp("idx") / "rebound.json"
    svc = Service.open(path, today=lambda: TODAY)
    companies = [svc.add_company(f"Co {n}") for n in range(2)]
    people = [svc.add_contact(f"Person {n}", company=companies[n % 2].name) for n in range(4)]
    logs = GroupIndex(Interaction, by_company)
    checks = GroupIndex(FollowUp, by_contact)
    for op, n in ops:
        # An op may fail (undo took the person away): the index must still be right.
        with contextlib.suppress(ServiceError):
            apply(svc, op, people[n], companies[(n + 1) % 2])
        assert snapshot(logs, svc) == fresh(svc, Interaction, by_company)
        assert snapshot(checks, svc) == fresh(svc, FollowUp, by_contact)


def apply(svc: Service, op: str, person: Contact, company: Company) -> None:
    n = int(person.name.split()[-1])
    if op == "log":
        svc.log("email", contact=person.id, on=f"2026-11-{10 + n}")
    elif op == "follow":
        svc.add_follow_up(f"ping {n}", due="2026-11-27", contact=person.id)
    elif op == "done" and svc.follow_ups():
        svc.complete(svc.follow_ups()[0])
    elif op == "delete" and svc.interactions():
        svc.delete_interaction(svc.interactions()[-1])
    elif op == "undo":
        svc.undo()
    elif op == "edit":
        svc.edit_contact(person.id, company=company.id)
    elif op == "reload":
        svc.save()
        svc.db.storage.load()  # a load bumps the epoch: the index starts over


def test_a_record_moves_between_groups_and_empty_groups_go(tmp_path: Path):
    svc = Service.open(tmp_path / "rebound.json", today=lambda: TODAY)
    svc.add_contact("Ana")
    index = GroupIndex(FollowUp, by_contact)
    f = svc.add_follow_up("ping", due="2026-11-27", contact="Ana")
    ana = svc.find_contact("Ana").id
    assert index.get(svc.core, ana) == {f.id: "open"}
    svc.complete(f)
    assert index.get(svc.core, ana) == {f.id: "done"}
    svc.db.delete(FollowUp.TABLE, f.id)  # deleted records leave the index
    assert ana not in index.groups(svc.core)


def test_touches_by_contact_cover_everyone_in_the_interaction(tmp_path: Path):
    svc = Service.open(tmp_path / "rebound.json", today=lambda: TODAY)
    a, b = svc.add_contact("Ana"), svc.add_contact("Bo")
    i = svc.log("meeting", contact="Ana", with_ids=[b.id], on="2026-11-20")
    touches = svc.core.touch_groups()
    assert touches[a.id][i.id].day == touches[b.id][i.id].day == dt.date(2026, 11, 20)


IDS = st.sampled_from(["p1", "p2", "p3", "c1", "c2"])
TOUCH_DOCS = st.dictionaries(
    st.sampled_from([f"i{n}" for n in range(12)]),
    st.one_of(
        st.none(),
        st.fixed_dictionaries(
            {},
            optional={
                "contact_id": st.one_of(st.none(), IDS),
                "company_id": st.one_of(st.none(), IDS),
                "with_ids": st.lists(IDS, max_size=3),
            },
        ),
    ),
)


@settings(max_examples=300, deadline=None)
@given(docs=TOUCH_DOCS, keys=st.lists(st.one_of(IDS, IDS.map(lambda i: "co:" + i)), max_size=3))
def test_the_touch_sieve_keeps_exactly_the_documents_a_key_may_file(docs, keys) -> None:
    """A command's scan sieves the interactions first: it must never drop one that
    `touch_may_file` would file under a key asked (nor keep one it would not)."""
    from rebound_tui.touches import touch_may_file, touch_sieve

    wanted = tuple(dict.fromkeys(keys))
    kept = [i for i, _ in touch_sieve(docs.items(), wanted)]
    assert kept == [
        i for i, d in docs.items() if d is not None and any(touch_may_file(d, k) for k in wanted)
    ]
