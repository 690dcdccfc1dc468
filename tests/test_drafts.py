"""Message drafts: templates filled from the data, readable whatever is missing."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rebound_tui.domain.drafts import (
    DEFAULT_TEMPLATES,
    FIELDS,
    TEMPLATE_KEYS,
    TEMPLATE_LABELS,
    Draft,
    TemplateError,
    check_template,
    fill,
    format_date,
    mailto_url,
    natural_join,
    render,
    template_key_for,
)

FULL = {
    "first_name": "Darlene",
    "name": "Darlene Smith",
    "title": "Controller",
    "company": "Acme",
    "role": "Senior Accountant",
    "event_date": dt.date(2026, 11, 20),
    "interview_date": dt.date(2026, 11, 20),
    "interviewers": ["Darlene Smith", "Mark Jones"],
    "other_interviewers": ["Mark Jones"],
    "last_topic": "the month-end close.",
    "news": "the Midwest freight contract",
    "referrer": "Owen Park",
    "referred": ["Susan Lee", "Mike Roe"],
    "hired_name": "Pat",
    "hired_started": dt.date(2026, 11, 2),
    "follow_up": "Check in with Darlene",
    "my_name": "Jennifer Doe",
}

# What must never reach the user: unfilled or empty placeholders, and the scars of removing them.
SCARS = re.compile(r"None|\{|\}|\[|\]|  | [,.;:!?)]|\(\)|\(\s|^\s*[,.;:]|\.\.(?!\.)", re.M)


def assert_clean(text: str) -> None:
    bad = SCARS.search(text)
    assert bad is None, f"{bad.group()!r} in:\n{text}"


def test_every_follow_up_kind_has_a_template():
    assert set(TEMPLATE_KEYS) == set(DEFAULT_TEMPLATES) == set(TEMPLATE_LABELS)
    for key, text in DEFAULT_TEMPLATES.items():
        check_template(text, key)
        assert text.startswith("Subject: ")


@pytest.mark.parametrize(
    ("kind", "trigger", "key"),
    [
        ("thank-you", "interview", "interview-thank-you"),
        ("thank-you", None, "interview-thank-you"),
        ("thank-you", "rejection", "rejection-thank-you"),
        ("thank-you", "referral-interview", "referral-thank-you"),
        ("referral-ask", "rejection", "referral-ask"),
        ("check-in", "hired", "check-in"),
        ("check-in", None, "check-in"),
        ("outreach", "news", "news-congrats"),
        ("outreach", "referral-interview", "introduction"),
        ("news-check", "rejection", "general"),
        ("todo", None, "general"),
    ],
)
def test_which_template_drafts_which_follow_up(kind, trigger, key):
    assert template_key_for(kind, trigger) == key


def test_interview_thank_you_with_everything_known():
    d = fill(DEFAULT_TEMPLATES["interview-thank-you"], FULL, to_email="darlene@acme.example")
    assert d.subject == "Thank you for the interview on November 20, 2026"
    assert d.body.startswith("Hi Darlene,\n\n")
    assert "meet with me on November 20, 2026 about the Senior Accountant role." in d.body
    assert "I enjoyed our conversation about the month-end close." in d.body
    assert "Please also pass my thanks to Mark Jones." in d.body
    assert d.body.endswith("Best regards,\nJennifer Doe")
    assert d.to_email == "darlene@acme.example"
    assert_clean(d.text)


def test_interview_thank_you_with_no_date_no_name_no_email():
    d = fill(DEFAULT_TEMPLATES["interview-thank-you"], {"company": "Acme"})
    assert d.subject == "Thank you for the interview"
    assert d.body.startswith("Hi there,\n\nThank you for taking the time to meet with me.\n")
    assert "about" not in d.body.split("\n")[2]
    assert d.body.endswith("Best regards,")
    assert d.to_email is None and d.mailto is None
    assert_clean(d.text)


@pytest.mark.parametrize("key", TEMPLATE_KEYS)
def test_each_default_template_full_and_empty(key):
    for values in (FULL, {}):
        d = fill(DEFAULT_TEMPLATES[key], values, key=key, default_subject="Follow-up")
        assert d.subject and d.body
        assert d.template == key
        assert_clean(d.text)
        if values:
            assert "Jennifer Doe" in d.body


field_values = st.one_of(
    st.none(),
    st.just(""),
    st.just("   "),
    st.just([]),
    st.from_regex(r"[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8})?", fullmatch=True),
    st.lists(st.from_regex(r"[A-Z][a-z]{1,8}", fullmatch=True), max_size=3),
    st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
)


@settings(max_examples=200)
@given(
    st.sampled_from(TEMPLATE_KEYS),
    st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, field_values)),
)
def test_any_mix_of_missing_data_stays_readable(key, values):
    d = fill(DEFAULT_TEMPLATES[key], values, key=key, default_subject="Follow-up")
    assert_clean(d.text)
    assert d.subject.strip() and d.body.strip()
    assert "\n\n\n" not in d.text


def test_optional_parts_and_sentences_degrade():
    t = "Hi {first_name},\nWe met[ on {event_date}]. I liked {last_topic}. See you.\n{my_name}"
    assert render(t, {}) == "Hi there,\nWe met. See you."
    assert render(t, {"last_topic": "maps", "my_name": "Jo"}) == (
        "Hi there,\nWe met. I liked maps. See you.\nJo"
    )


def test_blank_lines_of_the_template_are_kept_but_never_tripled():
    t = "A {news}\n\nB\n\n[{news}]\n\nC"
    assert render(t, {}) == "B\n\nC"


def test_literal_braces_and_brackets():
    assert render("Use {{x}} and [[y]] for {company}", {"company": "Acme"}) == (
        "Use {x} and [y] for Acme"
    )


def test_lists_and_dates_read_naturally():
    assert natural_join(["A"]) == "A"
    assert natural_join(["A", "B"]) == "A and B"
    assert natural_join(["A", "", "B", "C"]) == "A, B and C"
    assert format_date(dt.date(2027, 3, 5)) == "March 5, 2027"
    assert render("{interviewers}", {"interviewers": ["Ann", "Bob", "Cy"]}) == "Ann, Bob and Cy"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("Hi {nickname}", "unknown placeholder {nickname}"),
        ("Hi {first_name", "'{' without '}'"),
        ("Hi first_name}", "'}' without '{'"),
        ("Hi [{first_name}", "'[' without ']'"),
        ("Hi {first_name}]", "']' without '['"),
        ("[a [b] c]", "cannot be nested"),
        ("   ", "empty"),
        (None, "empty"),
        ("x" * 10_001, "at most"),
    ],
)
def test_bad_templates_say_what_is_wrong(text, needle):
    with pytest.raises(TemplateError) as err:
        check_template(text, "check-in")
    assert needle in str(err.value)
    assert "check-in" in str(err.value)


def test_errors_name_the_line():
    with pytest.raises(TemplateError, match="line 3"):
        check_template("Subject: x\n\nHi {nick}", "general")


def test_subject_line_is_optional():
    d = fill("Hi {first_name}.", {}, default_subject="Check in with Ann")
    assert (d.subject, d.body) == ("Check in with Ann", "Hi there.")
    d = fill("Subject: [{news}]\n\nHello", {}, default_subject="Fallback")
    assert d.subject == "Fallback"


def test_draft_text_is_what_the_editor_and_clipboard_get():
    d = Draft("Hello", "Hi Ann,\n\nThanks.", "ann@x.example")
    assert d.text == "Subject: Hello\n\nHi Ann,\n\nThanks.\n"


def test_mailto_url_encodes_everything():
    url = mailto_url(" ann@x.example ", "Thanks & more?", "Hi Ann,\n\n100% yes = good #1")
    assert url.startswith("mailto:ann@x.example?subject=")
    assert "\n" not in url and " " not in url
    query = parse_qs(urlsplit(url).query)
    assert query["subject"] == ["Thanks & more?"]
    assert query["body"] == ["Hi Ann,\r\n\r\n100% yes = good #1"]
    assert "%0D%0A" in url
    assert unquote(urlsplit(url).path) == "ann@x.example"


@given(st.text(), st.text())
def test_mailto_round_trips_any_text(subject, body):
    url = mailto_url("a@b.example", subject, body)
    query = parse_qs(urlsplit(url).query, keep_blank_values=True, errors="strict")
    crlf = body.replace("\r\n", "\n").replace("\n", "\r\n")
    assert query.get("subject", [""]) == [subject]
    assert query.get("body", [""]) == [crlf]
