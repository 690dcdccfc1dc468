"""Text is data: the display rule, the input rule, and the CLI, imports and exports under
hostile names, titles and notes (issue 11, sections 1 and 2).

A data file may already hold anything (another machine, an older version, a hand edit): such
records are written through the store here, under the input rule, and every command must show
them safely. What a user types is checked by the input rule: names and titles are one line
without control characters (exit 2, the character and the field named, the file untouched).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rebound_test_helpers import HOSTILE, assert_one_line_error, digest

from rebound_tui import display
from rebound_tui.domain import text as text_rule
from rebound_tui.domain.model import Company, Contact, FollowUp, Interaction, ValidationError
from rebound_tui.io.markdown import md
from rebound_tui.service import Service

# What must never reach a terminal from a name: C0 (the line feed too, in a one-line item), DEL,
# C1, bidi overrides and isolates, invisible characters.
RAW = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff]")
DANGER = "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


# -- the display rule ---------------------------------------------------------------------------
def test_display_escapes_controls_visibly() -> None:
    assert display.line("\x1b]0;x\x07") == "\\x1b]0;x\\x07"
    assert display.line("\x9b31m") == "\\x9b31m"
    assert display.line("a\u202eb") == "a\\u202eb"
    assert display.line("two\nlines\tand\r") == "two\\nlines\\tand\\r"
    assert display.line("Ac\u200bme\ufeff") == "Ac\\u200bme\\ufeff"
    assert display.line("tag\U000e0041") == "tag\\U000e0041"
    assert display.text("two\nlines\tkept\r\nCRLF\x1b") == "two\nlines\tkept\nCRLF\\x1b"


def test_joiners_are_kept_in_emoji_and_words_but_not_between_ascii_letters() -> None:
    family = "👨\u200d👩\u200d👧"
    persian = "می\u200cخواهم"
    assert display.line(family) == family
    assert display.line(persian) == persian
    assert display.line("Ac\u200dme") == "Ac\\u200dme"
    assert display.line("\u200d👩") == "\\u200d👩"


def test_markup_is_not_the_display_rules_business() -> None:
    for text in ("[/]", "[@click=app.quit]x", "[link=a:b]Bob", "[reverse]x[/reverse]"):
        assert display.line(text) == text


def test_clip_looks_only_at_the_start_of_a_long_text() -> None:
    big = "line of a long note\n" * 10_000_000
    head, rest = display.clip(big)
    assert head.startswith("line of a long note") and len(head) <= display.CLIP_CHARS
    assert head.count("\n") < display.CLIP_LINES
    assert rest == len(big) - len(head)
    assert "million" in display.more_text(rest)
    assert display.clip(None) == ("", 0)
    assert display.clip("short") == ("short", 0)
    cut = display.line("x" * 10_000)
    assert len(cut) == display.LINE_MAX + 1 and cut.endswith("…")


@given(st.text())
def test_display_output_never_holds_a_control(text: str) -> None:
    one = display.line(text, limit=None)
    assert RAW.search(one) is None
    assert re.search(DANGER, display.text(text)) is None


@given(st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))))
def test_printable_text_is_shown_unchanged(text: str) -> None:
    assert display.line(text, limit=None) == text
    assert display.text(text) == text


@given(st.text())
def test_cleaning_leaves_nothing_the_input_rule_refuses(text: str) -> None:
    line, _ = text_rule.clean(text)
    assert text_rule.first_hazard(line) is None
    note, _ = text_rule.clean(text, multiline=True)
    assert text_rule.first_hazard(note, multiline=True) is None


def test_char_names_say_which_character() -> None:
    assert text_rule.char_name("\x1b") == "U+001B ESC"
    assert text_rule.char_name("\x9b") == "U+009B CSI"
    assert text_rule.char_name("\u202e") == "U+202E RIGHT-TO-LEFT OVERRIDE"
    assert text_rule.char_kind("\n") == "a line break"
    assert unicodedata.name("\u200b") in text_rule.char_name("\u200b")


# -- the input rule, in the domain ----------------------------------------------------------------
@pytest.mark.parametrize("bad", ["a\x1bb", "a\nb", "a\tb", "a\u202eb", "a\x9bb", "a\x7fb"])
def test_names_and_titles_are_one_line_without_controls(bad: str) -> None:
    with pytest.raises(ValidationError, match="company name contains"):
        Company(name=bad).check_text()
    with pytest.raises(ValidationError, match="contact name contains"):
        Contact(name=bad).check_text()
    with pytest.raises(ValidationError, match="follow-up title contains"):
        FollowUp(title=bad, due="2026-11-27").check_text()


def test_notes_hold_line_breaks_and_tabs_only() -> None:
    Interaction(note="first\n\tsecond").check_text()
    Company(name="Acme", notes="a\nb").check_text()
    with pytest.raises(ValidationError, match="note contains a control character"):
        Interaction(note="a\x1b[2Jb").check_text()
    with pytest.raises(ValidationError, match="line break"):
        Interaction(note="a\rb").check_text()


def test_an_edit_checks_only_the_fields_it_changes(tmp_path: Path) -> None:
    svc = Service.open(tmp_path / "r.json")
    rid = svc.db.create("companies", {"name": "Evil\x1b]0;x\x07", "stage": "watching"})
    company = svc.company(rid)
    edited = svc.edit_company(company, priority=5)  # the stored name is shown safely, not refused
    assert edited.priority == 5
    with pytest.raises(Exception, match="U\\+001B ESC"):
        svc.edit_company(company, name="Still\x1bEvil")


# -- the CLI ---------------------------------------------------------------------------------
def _hostile_file(path: Path) -> Service:
    svc = Service.open(path)
    for i, text in enumerate(HOSTILE):
        company = svc.db.create(
            "companies", {"name": f"{text} co{i}", "stage": "rejected", "priority": 3}
        )
        contact = svc.db.create(
            "contacts", {"name": f"{text} p{i}", "company_id": company, "title": text}
        )
        svc.db.create(
            "followups",
            {
                "title": f"{text} t{i}",
                "due": "2026-11-20",
                "kind": "thank-you",
                "status": "open",
                "snoozes": 0,
                "company_id": company,
                "contact_id": contact,
            },
        )
        svc.db.create(
            "interactions",
            {"kind": "note", "day": "2026-11-01", "company_id": company, "note": text},
        )
    svc.save()
    return svc


@pytest.mark.parametrize(
    "args",
    [
        ("add", "company", "Evil\x1b]0;x\x07Co"),
        ("add", "contact", "Jo\nBloggs"),
        ("add", "company", "Globex", "--location", "a\u202eb"),
        ("follow-up", "Call\x9b31m", "--on", "today"),
        ("log", "note", "--company", "Acme", "--note", "a\x1b[2J"),
    ],
)
def test_cli_refuses_control_characters_with_exit_2(run_cli, data_path: Path, args) -> None:
    run_cli("add", "company", "Acme")
    before = digest(data_path)
    code, out, err = run_cli(*args)
    assert code == 2, err
    assert_one_line_error(err, "contains")
    assert re.search(r"U\+[0-9A-F]{4} ", err)
    assert RAW.search(err.rstrip("\n")) is None and out == ""
    assert digest(data_path) == before


def test_cli_error_names_the_character_and_the_field(run_cli) -> None:
    code, _, err = run_cli("add", "company", "Evil\x1bCo")
    assert code == 2
    assert err == (
        "rebound-tui: the company name contains a control character (U+001B ESC); "
        "names are one line of text\n"
    )


def test_cli_notes_keep_line_breaks_and_tabs(run_cli, data_path: Path) -> None:
    run_cli("add", "company", "Acme")
    code, _, err = run_cli("log", "note", "--company", "Acme", "--note", "first\n\tsecond")
    assert code == 0, err
    assert Service.open(data_path).interactions()[0].note == "first\n\tsecond"


@pytest.mark.parametrize(
    "command",
    [
        ("due",),
        ("due", "--on", "2026-12-31"),
        ("list", "companies"),
        ("list", "contacts"),
        ("list", "interactions"),
        ("list", "follow-ups", "--all"),
    ],
)
def test_cli_shows_a_hostile_file_one_line_per_item(run_cli, data_path: Path, command) -> None:
    _hostile_file(data_path)
    code, out, err = run_cli(*command)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == len(HOSTILE)
    assert RAW.search(out.replace("\n", "")) is None and RAW.search(err) is None
    joined = "\n".join(lines)
    assert "[@click=app.quit]x" in joined and "two\\nlines" in joined


@pytest.mark.parametrize("command", [("due", "--json"), ("list", "companies", "--json")])
def test_cli_json_round_trips_exactly_and_is_safe_on_a_terminal(
    run_cli, data_path: Path, command
) -> None:
    _hostile_file(data_path)
    code, out, _ = run_cli(*command)
    assert code == 0
    assert re.search(DANGER, out) is None and "\u202e" not in out
    items = json.loads(out)
    key = "title" if command[0] == "due" else "name"
    values = {item[key] for item in items}
    suffix = " t" if command[0] == "due" else " co"
    assert values == {f"{text}{suffix}{i}" for i, text in enumerate(HOSTILE)}


def test_cli_draft_and_errors_echo_names_safely(run_cli, data_path: Path) -> None:
    svc = _hostile_file(data_path)
    for f in svc.follow_ups():
        code, out, err = run_cli("draft", f.id)
        assert code == 0, err
        assert re.search(DANGER, out) is None
    code, out, err = run_cli("done", "nope\x1b]0;x\x07\x9b[2J")
    assert code == 2
    assert_one_line_error(err, "no follow-up matches")
    assert RAW.search(err.rstrip("\n")) is None
    code, out, err = run_cli("done", "t")  # ambiguous: the message lists hostile titles
    assert code == 2
    assert_one_line_error(err, "too short")
    assert RAW.search(err.rstrip("\n")) is None


def test_cli_import_cleans_and_counts(run_cli, data_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text(
        "name,company,title,notes\n"
        '"Jo\x1b]0;x\x07 Bloggs",Acme,"Head\tof\nOps","first\nsecond\x07"\n'
        '"Ann\u202eLee",Acme,,\n'
        "Plain Person,Acme,,\n",
        encoding="utf-8",
    )
    code, out, err = run_cli("import", "csv", str(source), "--add-companies")
    assert code == 0, err
    assert "cleaned 4 value(s)" in out
    assert RAW.search(out.replace("\n", "")) is None
    names = {c.name for c in Service.open(data_path).contacts()}
    assert names == {"Jo]0;x Bloggs", "AnnLee", "Plain Person"}
    jo = Service.open(data_path).find_contact("Jo]0;x Bloggs")
    assert jo.title == "Head of Ops"


def test_markdown_report_escapes_controls_and_markdown(run_cli, data_path: Path, tmp_path) -> None:
    _hostile_file(data_path)
    target = tmp_path / "report.md"
    code, _, err = run_cli("export", "markdown", str(target))
    assert code == 0, err
    report = target.read_text(encoding="utf-8")
    assert RAW.search(report.replace("\n", "")) is None
    assert "\\\\x1b\\]0;x\\\\x07" in report  # shown as \x1b]0;x\x07 once rendered
    assert "\\[@click=app.quit\\]x" in report
    assert md("*a* | b\nc") == "\\*a\\* \\| b c"
