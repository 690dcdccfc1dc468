"""`Record.from_doc` reads a stored document (bookkeeping and fields of later versions included)
exactly as `from_fields` reads its user fields: the start-up path builds every record with it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rebound_tui.domain import record
from rebound_tui.domain.model import RECORD_TYPES, Interaction

FIELD_VALUES = st.one_of(
    st.none(), st.text(max_size=8), st.integers(-3, 9), st.lists(st.text(max_size=4), max_size=3)
)


@st.composite
def stored_docs(draw: st.DrawFn) -> tuple[type, dict]:
    cls = draw(st.sampled_from(sorted(RECORD_TYPES.values(), key=lambda c: c.__name__)))
    names = [n for n in cls.__dataclass_fields__ if n != "id"]
    doc = draw(st.dictionaries(st.sampled_from(names), FIELD_VALUES, max_size=len(names)))
    # Fields this version does not know (a newer machine wrote them) and the bookkeeping.
    doc |= draw(st.dictionaries(st.text(min_size=1, max_size=6), FIELD_VALUES, max_size=3))
    stamp = "2026-12-06T02:00:00.000Z-0000-abcd"
    doc[record.CLOCK] = {k: stamp for k in doc if not k.startswith("_")}
    doc[record.CREATED] = stamp
    if draw(st.booleans()):
        doc[record.DELETED] = stamp
    return cls, doc


@given(stored_docs())
def test_from_doc_is_from_fields_of_the_user_fields(case: tuple[type, dict]) -> None:
    cls, doc = case
    assert cls.from_doc("r1", doc) == cls.from_fields("r1", record.user_fields(doc))


def test_a_missing_list_field_is_a_new_list_for_each_record() -> None:
    a = Interaction.from_doc("a", {"kind": "email", "day": "2026-12-01"})
    b = Interaction.from_doc("b", {"kind": "email", "day": "2026-12-01"})
    a.with_ids.append("x")
    assert b.with_ids == []
