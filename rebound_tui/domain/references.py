"""What a typed reference (an id prefix, a name or a title) points at, and close names.

A reference acts on a record only when it cannot mean anything else:

* the full id, or the record's name/title in full (case-insensitive);
* an id prefix of at least `MIN_REF` characters (like git's shortest abbreviations);
* a part of the name/title of at least `MIN_REF` characters, found in one record only.

Anything else (one or two characters, a part found in several records) is refused with the
candidates listed, never guessed: the CLI has no undo. `close_names` finds near-duplicates of a
new name with rapidfuzz's token-set similarity: whole words count, so "northshore" is close to
"Northshore Logistics" and "Dan Browne" to "Dan Brown", but "Glen" is not close to "Glenview".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

MIN_REF = 4
# How close two names must be (0-100, rapidfuzz's token_set_ratio) to be worth asking about.
CLOSE_SCORE = 88
MAX_LISTED = 10


@dataclass(frozen=True)
class Resolution(Generic[T]):
    """`found` when the reference means one record; else the candidates and why not."""

    found: T | None
    candidates: tuple[T, ...] = ()
    too_short: bool = False


def resolve(
    ref: str, records: Iterable[T], id_of: Callable[[T], str], label_of: Callable[[T], str]
) -> Resolution[T]:
    """The record `ref` points at, by the rules in the module doc."""
    text = ref.strip()
    lowered = text.lower()
    pool = list(records)
    exact = [r for r in pool if id_of(r) == lowered or label_of(r).lower() == lowered]
    if len(exact) == 1:
        return Resolution(exact[0])
    if exact:
        return Resolution(None, tuple(exact))
    by_id = [r for r in pool if id_of(r).startswith(lowered)] if lowered else []
    by_label = [r for r in pool if lowered and lowered in label_of(r).lower()]
    seen = {id_of(r) for r in by_id}
    candidates = (*by_id, *(r for r in by_label if id_of(r) not in seen))
    if len(text) < MIN_REF:
        return Resolution(None, candidates, too_short=bool(candidates))
    if len(candidates) == 1:
        return Resolution(candidates[0])
    return Resolution(None, candidates)


def _words(key: str) -> set[str]:
    return {w for w in key.split() if len(w) >= 3 and not w.isdigit()}


def _marks(key: str) -> set[str]:
    """The words that tell similar names apart: numbers, initials, other short words."""
    return {w for w in key.split() if len(w) < 3 or w.isdigit()}


def _told_apart(a: str, b: str) -> bool:
    """'Team A' / 'Team B', 'Here 1' / 'Here 10': each has a mark the other lacks."""
    mine, theirs = _marks(a), _marks(b)
    return bool(mine - theirs) and bool(theirs - mine)


class NameIndex:
    """Names by their words, to find close names quickly: a name is compared only with names
    that share a word of at least 3 characters with it (5,000 imported rows against 5,000
    contacts take well under a second, where comparing every pair would take half a minute).
    Sharing only a number or an initial ("Here 10", "There 10") does not make names close, and
    names that each have a number, initial or short word the other lacks ("Team 1" and
    "Team 10", "Last on A" and "Last on B") are different names."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._by_word: dict[str, list[str]] = {}
        self._seen: set[str] = set()
        for name in names:
            self.add(name)

    def add(self, name: str) -> None:
        from rapidfuzz import utils  # on first use: a command that names no one never loads it

        key = utils.default_process(name)
        if not key or key in self._seen:
            return
        self._seen.add(key)
        for word in _words(key):
            self._by_word.setdefault(word, []).append(name)

    def close(self, name: str, limit: int = 5) -> list[str]:
        """Known names close to `name` but not equal to it (case-insensitive), best first."""
        from rapidfuzz import fuzz, process, utils

        wanted = utils.default_process(name)
        if len(wanted) < 3:
            return []
        pool = list(
            dict.fromkeys(n for word in _words(wanted) for n in self._by_word.get(word, ()))
        )
        hits = process.extract(
            wanted,
            pool,
            scorer=fuzz.token_set_ratio,
            processor=utils.default_process,
            score_cutoff=CLOSE_SCORE,
            limit=None,
        )
        hits.sort(key=lambda h: (-h[1], h[2]))
        return [
            n
            for n, _score, _i in hits
            if (key := utils.default_process(n)) != wanted and not _told_apart(key, wanted)
        ][:limit]


def close_names(name: str, names: Iterable[str], limit: int = 5) -> list[str]:
    """Names in `names` close to `name` but not equal to it (case-insensitive), best first."""
    return NameIndex(names).close(name, limit)
