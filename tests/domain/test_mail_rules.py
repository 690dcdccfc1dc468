"""domain/mail.py: message identity, one-line subjects, domains, and which follow-ups sent mail
does (unit and property tests)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from rebound_tui.domain.mail import (
    OpenFollowUp,
    SentEmail,
    domain_of,
    interaction_id,
    match_follow_ups,
    message_key,
    normalize_message_id,
    one_line,
    same_organisation,
    website_domain,
)


@given(st.text())
def test_one_line_has_no_control_characters_or_breaks_and_is_stable(text):
    line = one_line(text)
    assert all(unicodedata.category(c)[0] != "C" for c in line)
    assert "\n" not in line and "\r" not in line and "\u2028" not in line
    assert line == line.strip()
    assert one_line(line) == line
    assert len(line) <= 300


def test_one_line_keeps_markup_as_text_and_drops_escapes():
    assert one_line("[@click=app.quit]x") == "[@click=app.quit]x"
    assert one_line("a\x1b]0;x\x07b\r\nc\u202ed") == "a]0;xb cd"


@given(st.text(min_size=1))
def test_interaction_ids_are_32_hex_digits_and_deterministic(key):
    first = interaction_id(key)
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert interaction_id(key) == first


def test_message_keys_use_the_message_id_else_the_instant_sender_and_subject():
    when = dt.datetime(2026, 11, 26, 10, tzinfo=dt.timezone(dt.timedelta(hours=-6)))
    same_instant = when.astimezone(dt.UTC)
    assert message_key("a@b", when, "x@y", "s") == "mid:a@b"
    assert message_key(None, when, "X@Y", "s") == message_key(None, same_instant, "x@y", "s")
    assert message_key(None, when, "x@y", "s") != message_key(None, when, "x@y", "t")
    assert interaction_id("mid:a") != interaction_id("mid:b")


def test_message_ids_lose_brackets_and_spaces():
    assert normalize_message_id(" <abc@x.example> ") == "abc@x.example"
    assert normalize_message_id("<a b@x>") == "ab@x"
    assert normalize_message_id("<>") is None
    assert normalize_message_id(None) is None


def test_domains():
    assert domain_of("Jane@Glenview.Example") == "glenview.example"
    assert domain_of("nobody") == ""
    assert website_domain("https://www.Glenview.example/jobs?x=1") == "glenview.example"
    assert website_domain("http://user@acme.example:8080") == "acme.example"
    assert website_domain("not a site") == ""
    assert same_organisation("mail.acme.example", "acme.example")
    assert not same_organisation("notacme.example", "acme.example")


DAY0 = dt.date(2026, 1, 1)
days = st.integers(0, 60).map(lambda n: DAY0 + dt.timedelta(days=n))
people = st.sampled_from(["p1", "p2", "p3"])


@st.composite
def follow_ups(draw):
    start = draw(days)
    due = start + dt.timedelta(days=draw(st.integers(0, 30)))
    return OpenFollowUp(f"f{draw(st.integers(0, 10**6))}", draw(people), start, due)


@st.composite
def emails(draw):
    who = tuple(draw(st.lists(people, min_size=1, max_size=3)))
    return SentEmail(f"e{draw(st.integers(0, 10**6))}", draw(days), who)


@given(
    st.lists(follow_ups(), max_size=12, unique_by=lambda f: f.id),
    st.lists(emails(), max_size=12, unique_by=lambda e: e.id),
)
def test_each_follow_up_is_done_by_one_eligible_email_used_once_per_person(fs, es):
    pairs = match_follow_ups(fs, es)
    used = [(e.id, f.contact_id) for f, e in pairs]
    assert len(used) == len(set(used))  # one email does one follow-up per person
    assert len({f.id for f, _ in pairs}) == len(pairs)
    for f, e in pairs:
        assert f.contact_id in e.contact_ids
        assert e.day >= f.start  # never by an email sent before the event
    # Nothing left undone that a free email could have done.
    matched = {f.id for f, _ in pairs}
    for f in fs:
        if f.id in matched:
            continue
        for e in es:
            if f.contact_id in e.contact_ids and e.day >= f.start:
                assert (e.id, f.contact_id) in used


def test_the_earliest_due_follow_up_takes_the_earliest_email():
    thank = OpenFollowUp("thank", "boss", DAY0, DAY0 + dt.timedelta(days=1))
    ask = OpenFollowUp("ask", "boss", DAY0, DAY0 + dt.timedelta(days=7))
    first = SentEmail("e1", DAY0 + dt.timedelta(days=1), ("boss",))
    later = SentEmail("e2", DAY0 + dt.timedelta(days=8), ("boss",))
    pairs = match_follow_ups([ask, thank], [later, first])
    assert [(f.id, e.id) for f, e in pairs] == [("thank", "e1"), ("ask", "e2")]
    assert match_follow_ups([thank], [first], used=[("e1", "boss")]) == []
