"""The cool-off guard speaks before saving (issue 13): a touch too soon is refused (exit 2, the
file untouched) unless --anyway; `follow-up --kind` makes `done` log the right kind, so the guard
sees hand-made thank-yous too."""

from __future__ import annotations

import json

import pytest
from rebound_test_helpers import assert_one_line_error, digest


def ok(run_cli, *args: str) -> tuple[str, str]:
    code, out, err = run_cli(*args)
    assert code == 0, (args, out, err)
    return out, err


@pytest.fixture
def boss(run_cli) -> None:
    ok(run_cli, "add", "company", "Acme")
    ok(run_cli, "add", "contact", "Pat Boss", "--company", "Acme", "--role", "boss")


def test_a_touch_too_soon_is_refused_before_saving(run_cli, boss, data_path):
    ok(run_cli, "log", "email", "--contact", "Pat Boss", "--on", "yesterday")
    before = digest(data_path)
    code, out, err = run_cli("log", "call", "--contact", "Pat Boss")
    assert code == 2 and out == ""
    assert_one_line_error(err, "cool-off", "Pat Boss", "--anyway")
    assert digest(data_path) == before


def test_anyway_logs_it_and_warns(run_cli, boss):
    ok(run_cli, "log", "email", "--contact", "Pat Boss", "--on", "yesterday")
    out, err = ok(run_cli, "log", "call", "--contact", "Pat Boss", "--anyway")
    assert "logged call" in out and "warning: cool-off" in err
    logged = json.loads(ok(run_cli, "list", "interactions", "--json")[0])
    calls = [i for i in logged if i["kind"] == "call"]
    assert len(calls) == 1


def test_follow_up_kind_makes_done_log_a_thank_you_and_the_guard_sees_it(run_cli, boss, data_path):
    ok(run_cli, "follow-up", "Thank Pat", "--on", "today", "--contact", "Pat Boss",
       "--kind", "thank-you")  # fmt: skip
    ok(run_cli, "follow-up", "Thank Pat again", "--on", "today", "--contact", "Pat Boss",
       "--kind", "thank-you")  # fmt: skip
    ok(run_cli, "done", "Thank Pat")
    logged = json.loads(ok(run_cli, "list", "interactions", "--json")[0])
    assert [i["kind"] for i in logged] == ["thank-you"]
    before = digest(data_path)
    code, _out, err = run_cli("done", "Thank Pat again")
    assert code == 2 and "cool-off" in err and digest(data_path) == before
    ok(run_cli, "done", "Thank Pat again", "--anyway")


def test_follow_up_kind_is_checked(run_cli, boss, data_path):
    code, _out, err = run_cli("follow-up", "x", "--on", "today", "--kind", "poem")
    assert code == 2 and "thank-you" in err
