"""The git-conflict-marker check finds exactly what a plain search finds, however many '<'."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rebound_tui.store import fileformat
from rebound_tui.store.fileformat import has_conflict_markers


def plain(raw: bytes) -> bool:
    return raw.startswith(b"<<<<<<<") or b"\n<<<<<<< " in raw


pieces = st.sampled_from([b"<", b"<<<<<<<", b"<<<<<<< ", b"\n", b" ", b"a", b"\n<<<<<<<"])


@settings(max_examples=500, deadline=None)
@given(st.lists(pieces, max_size=30))
def test_same_answer_as_a_plain_search(parts: list[bytes]):
    raw = b"".join(parts)
    assert has_conflict_markers(raw) == plain(raw)


@settings(max_examples=100, deadline=None)
@given(st.lists(pieces, max_size=30))
def test_same_answer_past_the_many_angle_brackets_fallback(parts: list[bytes]):
    # Past the tries spent on single '<', the plain search answers (still the same answer).
    raw = b"x <" * (fileformat._MARKER_TRIES + 5) + b"".join(parts)
    assert has_conflict_markers(raw) == plain(raw)


def test_a_marker_after_many_angle_brackets_in_notes():
    notes = b'{\n  "note": "' + b"Ann <ann@example.com>, " * 3000 + b'"\n'
    assert not has_conflict_markers(notes)
    assert has_conflict_markers(notes + b"<<<<<<< HEAD\n")
    assert has_conflict_markers(b"<<<<<<< HEAD\n" + notes)
    assert not has_conflict_markers(notes + b" <<<<<<< not at a line start\n")
