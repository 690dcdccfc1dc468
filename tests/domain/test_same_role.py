"""What counts as a role the company has already (domain/openings.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rebound_tui.domain.model import Opening
from rebound_tui.domain.openings import same_role


def role(title: str, status: str = "spotted", url: str | None = None) -> Opening:
    return Opening(company_id="c", title=title, status=status, url=url)


def test_the_same_title_while_open_ignoring_case_and_spacing() -> None:
    held = role("Data  Analyst", "applied")
    assert same_role([held], "data analyst", None) == (held, "same title, open")


def test_a_closed_role_with_the_same_title_can_come_back() -> None:
    for final in ("accepted", "rejected", "withdrawn", "closed"):
        assert same_role([role("Controller", final)], "Controller", None) is None


def test_the_same_posting_address_whatever_the_status() -> None:
    held = role("Controller", "closed", url="https://acme.example/j/1")
    found = same_role([held], "Controller II", " https://acme.example/j/1 ")
    assert found == (held, "the same posting address")


def test_another_title_and_address_is_a_new_role() -> None:
    held = role("Controller", url="https://acme.example/j/1")
    assert same_role([held], "Analyst", "https://acme.example/j/2") is None
    assert same_role([], "Analyst", None) is None


ASCII_WORDS = st.text("abcdefghijKLMNOPQ xyz0123", min_size=1, max_size=30).filter(str.strip)


@given(ASCII_WORDS, st.sampled_from([" ", "  ", "\t"]))
def test_spacing_and_case_never_make_a_second_role(title: str, gap: str) -> None:
    held = role(" ".join(title.split()))
    assert same_role([held], gap + gap.join(title.upper().split()) + gap, None) is not None
