"""The openings command line (issue 15), exactly as scripts rely on it: commands, the JSON contract,
and bad input (exit 2, one line, the data file untouched)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rebound_test_helpers import assert_one_line_error, digest, snapshot

# The exact keys of `list openings --json` (issue 15), kept here to catch drift.
JSON_KEYS = {
    "id",
    "company",
    "company_id",
    "title",
    "status",
    "url",
    "location",
    "source",
    "referral",
    "spotted_on",
    "applied_on",
    "deadline",
}


def ok(run_cli, *args: str) -> str:
    code, out, err = run_cli(*args)
    assert code == 0, err
    assert err == ""
    return out


@pytest.fixture
def seeded(run_cli) -> None:
    ok(run_cli, "add", "company", "Acme")
    ok(run_cli, "add", "company", "Beta Corp")
    ok(run_cli, "add", "contact", "Dana Boss", "--company", "Acme", "--role", "boss")
    ok(run_cli, "add", "contact", "Rae Ref", "--company", "Beta Corp")


def rows(run_cli, *extra: str) -> list[dict]:
    return json.loads(ok(run_cli, "list", "openings", "--json", *extra))


def test_add_with_every_option_and_the_json_contract(run_cli, seeded):
    out = ok(
        run_cli, "opening", "add", "ACME", "Senior Controller", "--url",
        "https://acme.example/jobs/1", "--location", "Glenview, IL", "--source", "company site",
        "--referral", "dana boss", "--on", "yesterday", "--deadline", "2026-12-15",
        "--notes", "Posted again after the hire left",
    )  # fmt: skip
    assert out.startswith("added opening Senior Controller at Acme (")
    assert "planned: Ask Dana Boss to refer you for Senior Controller (due 2026-11-27" in out
    assert "planned: Deadline in 2 days: Senior Controller at Acme (due 2026-12-13" in out
    (row,) = rows(run_cli)
    assert set(row) == JSON_KEYS
    company_id = json.loads(ok(run_cli, "list", "companies", "--json"))[0]["id"]
    assert row == {
        "id": row["id"],
        "company": "Acme",
        "company_id": company_id,
        "title": "Senior Controller",
        "status": "spotted",
        "url": "https://acme.example/jobs/1",
        "location": "Glenview, IL",
        "source": "company-site",
        "referral": "Dana Boss",
        "spotted_on": "2026-11-26",
        "applied_on": None,
        "deadline": "2026-12-15",
    }
    assert len(row["id"]) == 32


def test_status_edit_delete_and_list_all(run_cli, seeded, data_path: Path):
    ok(run_cli, "opening", "add", "Beta Corp", "Analyst")
    opening_id = rows(run_cli)[0]["id"]
    out = ok(run_cli, "opening", "status", opening_id[:6], "APPLIED", "--on", "2026-11-25")
    assert out.splitlines()[0] == f"Analyst ({opening_id[:8]}): spotted -> applied on 2026-11-25"
    assert "planned: Follow up on your application for Analyst (due 2026-12-02" in out
    assert rows(run_cli)[0]["applied_on"] == "2026-11-25"
    ok(run_cli, "edit", "opening", "analyst", "--title", "Senior Analyst", "--location", "Remote")
    assert (rows(run_cli)[0]["title"], rows(run_cli)[0]["location"]) == ("Senior Analyst", "Remote")
    ok(run_cli, "edit", "opening", opening_id, "--location", "")
    assert rows(run_cli)[0]["location"] is None
    ok(run_cli, "opening", "status", opening_id, "closed", "--note", "role filled")
    assert rows(run_cli) == []
    assert [r["status"] for r in rows(run_cli, "--all")] == ["closed"]
    text = ok(run_cli, "list", "openings", "--all")
    assert f"{opening_id[:8]}  closed" in text and "Senior Analyst  at Beta Corp" in text
    out = ok(run_cli, "delete", "opening", opening_id[:8])
    assert out == f"deleted opening Senior Analyst ({opening_id[:8]})\n"
    assert rows(run_cli, "--all") == []


def test_list_openings_orders_by_status_and_reads_without_touching_the_file(
    run_cli, seeded, data_path
):
    ok(run_cli, "opening", "add", "Acme", "B role")
    ok(run_cli, "opening", "add", "Beta Corp", "A role")
    ok(run_cli, "opening", "status", "b role", "interviewing")
    before = snapshot(data_path)
    assert [r["title"] for r in rows(run_cli)] == ["A role", "B role"]
    assert snapshot(data_path) == before


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (("opening", "add", "Nowhere Inc", "Analyst"), ("Nowhere Inc", "--add-company")),
        (("opening", "add", "Acme"), ("COMPANY and TITLE",)),
        (("opening", "add", "Acme", "X", "--deadline", "someday"), ("someday",)),
        (("opening", "add", "Acme", "X", "--on", "2026-02-30"), ("2026-02-30",)),
        (("opening", "add", "Acme", "X", "--source", "fax"), ("bad source", "linkedin")),
        (("opening", "add", "Acme", "X", "--url", "javascript:x"), ("bad URL",)),
        (("opening", "add", "Acme", "X", "--referral", "Nobody"), ("Nobody",)),
        (("opening", "add", "Acme", "Bad\x1b]0;x\x07title"), ("one line",)),
        (("opening", "status", "nothing", "applied"), ("no opening matches",)),
        (("opening", "status", "analyst", "hired"), ("bad status", "spotted")),
        (("opening", "status", "analyst", "spotted"), ("already spotted",)),
        (("opening", "status", "analyst", "applied", "--on", "blursday"), ("blursday",)),
        (("edit", "opening", "analyst"), ("nothing to change",)),
        (("edit", "opening", "analyst", "--title", ""), ("cannot be cleared",)),
        (("edit", "opening", "zzzz", "--notes", "x"), ("no opening matches",)),
        (("delete", "opening", "zzzz"), ("no opening matches",)),
        (("opening", "add", "--from", "ftp://example.com/job"), ("http",)),
        (("opening", "frobnicate"), ("invalid choice",)),
    ],
)
def test_bad_input_exits_2_with_one_line_and_the_file_untouched(
    run_cli, seeded, data_path, args, needles
):
    ok(run_cli, "opening", "add", "Beta Corp", "Analyst")
    before = digest(data_path)
    code, out, err = run_cli(*args)
    assert code == 2, (out, err)
    assert_one_line_error(err, *needles)
    assert digest(data_path) == before


def test_two_openings_with_one_title_need_more_of_the_id(run_cli, seeded, data_path):
    ok(run_cli, "opening", "add", "Acme", "Controller")
    ok(run_cli, "opening", "add", "Beta Corp", "Controller")
    before = digest(data_path)
    code, _, err = run_cli("opening", "status", "controller", "applied")
    assert code == 2
    assert_one_line_error(err, "ambiguous", "Use more of the id")
    assert digest(data_path) == before


def test_markup_in_a_title_is_kept_as_text(run_cli, seeded):
    ok(run_cli, "opening", "add", "Acme", "[bold]Controller[/]\n [@click=app.quit]x")
    assert rows(run_cli)[0]["title"] == "[bold]Controller[/] [@click=app.quit]x"  # one line


def test_help_lists_the_opening_commands(run_cli):
    code, out, _ = run_cli("--help")
    assert code == 0 and "opening" in out
    code, out, _ = run_cli("opening", "add", "--help")
    assert code == 0
    for option in ("--from", "--add-company", "--url", "--location", "--source", "--referral",
                   "--on", "--deadline", "--notes"):  # fmt: skip
        assert option in out


def test_the_same_role_twice_is_refused_unless_new(run_cli, seeded, data_path):
    """Adding a role the company has already (the same page twice, a second typing) exits 2
    and changes nothing; --new adds a second role alike."""
    ok(run_cli, "opening", "add", "Acme", "Data Analyst", "--url", "https://acme.example/j/7")
    before = digest(data_path)
    for again in (
        ("acme", "data  ANALYST"),  # the same title while open (case and spacing ignored)
        ("Acme", "Analyst, data", "--url", "https://acme.example/j/7"),  # the same posting
    ):
        code, out, err = run_cli("opening", "add", *again)
        assert code == 2, (out, err)
        assert_one_line_error(err, "has this role already", "--new", "Nothing saved")
        assert digest(data_path) == before
    ok(run_cli, "opening", "add", "Acme", "Data Analyst", "--new")
    assert [r["title"] for r in rows(run_cli)] == ["Data Analyst", "Data Analyst"]


def test_a_role_that_comes_back_can_be_added_again(run_cli, seeded):
    """The article's point: a closed role opens again. Only its posting address is matched."""
    ok(run_cli, "opening", "add", "Acme", "Controller", "--url", "https://acme.example/j/1")
    (first,) = rows(run_cli)
    ok(run_cli, "opening", "status", first["id"], "closed")
    ok(run_cli, "opening", "add", "Acme", "Controller")
    assert [r["status"] for r in rows(run_cli)] == ["spotted"]
    code, _, err = run_cli(
        "opening", "add", "Acme", "Controller", "--url", "https://acme.example/j/1", "--new"
    )
    assert code == 0, err
    code, _, err = run_cli(
        "opening", "add", "Acme", "Controller II", "--url", "https://acme.example/j/1"
    )
    assert code == 2
    assert_one_line_error(err, "the same posting address", "Nothing saved")
