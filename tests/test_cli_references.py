"""References (issue 13): a short or shared reference never acts; it lists the candidates.

An id prefix needs at least 4 characters; a name or title matches in full (case-insensitive) or
as a part of at least 4 characters found in one record only. Anything else: exit 2, nothing
changed, the candidates listed.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rebound_test_helpers import assert_one_line_error, digest

from rebound_tui.domain.references import MIN_REF, resolve


def ok(run_cli, *args: str) -> str:
    code, out, err = run_cli(*args)
    assert code == 0, (args, out, err)
    return out


@pytest.fixture
def plan(run_cli) -> list[dict]:
    ok(run_cli, "add", "company", "Acme")
    ok(run_cli, "add", "contact", "Pat Boss", "--company", "Acme", "--role", "boss")
    ok(run_cli, "reject", "Acme", "--boss", "Pat Boss", "--on", "2026-11-20")
    return json.loads(ok(run_cli, "list", "follow-ups", "--json"))


@pytest.mark.parametrize("ref", ["2", "9", "b", "Pat", "90"])
def test_a_short_reference_acts_on_nothing_and_lists_candidates(run_cli, data_path, plan, ref):
    before = digest(data_path)
    code, out, err = run_cli("done", ref)
    assert code == 2, (out, err)
    assert digest(data_path) == before
    assert_one_line_error(err)
    hits = [f for f in plan if f["id"].startswith(ref) or ref.lower() in f["title"].lower()]
    if hits:
        assert "too short" in err
        for f in hits[:10]:
            assert f["id"][:8] in err
    else:
        assert "no follow-up matches" in err


def test_a_four_character_id_prefix_acts(run_cli, plan):
    target = plan[0]
    prefixes = [f["id"][:4] for f in plan]
    if prefixes.count(target["id"][:4]) > 1:  # random ids: extremely rare
        pytest.skip("two ids share 4 characters")
    out = ok(run_cli, "done", target["id"][:4])
    assert target["title"] in out


def test_a_part_of_the_title_shared_by_several_is_ambiguous(run_cli, data_path, plan):
    before = digest(data_path)
    code, _out, err = run_cli("done", "check in")
    assert code == 2
    assert "ambiguous" in err
    assert digest(data_path) == before
    for f in plan:
        if "check in" in f["title"].lower():
            assert f["id"][:8] in err


def test_a_unique_part_of_four_characters_or_the_full_name_acts(run_cli, plan):
    ok(run_cli, "add", "contact", "Jo Lee", "--company", "Acme")
    assert "Jo Lee" in ok(run_cli, "edit", "contact", "jo lee", "--title", "CTO")  # full name
    assert "Pat Boss" in ok(run_cli, "edit", "contact", "t bo", "--title", "VP")  # 4 chars
    code, _out, err = run_cli("edit", "contact", "jo", "--title", "x")
    assert code == 2 and "too short" in err and "Jo Lee" in err


def test_boss_option_follows_the_same_rules(run_cli):
    ok(run_cli, "add", "company", "Acme")
    ok(run_cli, "add", "contact", "Pat Boss", "--company", "Acme", "--role", "boss")
    code, _out, err = run_cli("reject", "Acme", "--boss", "pat")
    assert code == 2 and "Pat Boss" in err


labels = st.text(alphabet="abcdef xyz", min_size=1, max_size=12)


@given(
    st.lists(
        st.tuples(st.text("0123456789abcdef", min_size=8, max_size=8), labels),
        max_size=8,
        unique_by=lambda t: t[0],
    ),
    st.text("abcdef 0123", max_size=6),
)
def test_resolve_never_guesses(records, ref):
    found = resolve(ref, records, lambda r: r[0], lambda r: r[1])
    if found.found is None:
        return
    rid, label = found.found
    text = ref.strip().lower()
    full = rid == text or label.lower() == text
    if not full:
        assert len(ref.strip()) >= MIN_REF
        assert rid.startswith(text) or text in label.lower()
        others = [r for r in records if r != found.found]
        assert not any(r[0].startswith(text) or text in r[1].lower() for r in others)
    else:
        assert sum(r[0] == text or r[1].lower() == text for r in records) == 1
