"""Counted nouns: "1 follow-up", "2 follow-ups", "1 company", "3 companies". Never "(s)"."""

from __future__ import annotations

# Plurals that are not the noun + "s".
_IRREGULAR = {"company": "companies", "person": "people", "entry": "entries", "copy": "copies"}


def plural(noun: str, n: int) -> str:
    """The form of `noun` for `n` of them."""
    if n == 1:
        return noun
    return _IRREGULAR.get(noun, noun + "s")


def counted(n: int, noun: str) -> str:
    """`n` and the noun in the right number: counted(1, "company") == "1 company"."""
    return f"{n:,} {plural(noun, n)}"
