"""Near-duplicate names (issue 13): adding 'northshore' next to 'Northshore Logistics' needs
--new on the command line, a yes in the dashboard, and an import reports close matches."""

from __future__ import annotations

import json
import random
import string
import time
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from rebound_test_helpers import assert_one_line_error, digest

from rebound_tui.domain.references import NameIndex, close_names


def ok(run_cli, *args: str) -> str:
    code, out, err = run_cli(*args)
    assert code == 0, (args, out, err)
    return out


def test_add_company_close_to_an_existing_one_needs_new(run_cli, data_path):
    ok(run_cli, "add", "company", "Northshore Logistics")
    before = digest(data_path)
    code, _out, err = run_cli("add", "company", "northshore")
    assert code == 2 and digest(data_path) == before
    assert_one_line_error(err, "Northshore Logistics", "--new")
    ok(run_cli, "add", "company", "northshore", "--new")
    names = [c["name"] for c in json.loads(ok(run_cli, "list", "companies", "--json"))]
    assert sorted(names) == ["Northshore Logistics", "northshore"]


def test_add_contact_close_to_an_existing_one_needs_new(run_cli):
    ok(run_cli, "add", "contact", "Dan Brown")
    code, _out, err = run_cli("add", "contact", "Dan Browne")
    assert code == 2 and "Dan Brown" in err and "--new" in err
    ok(run_cli, "add", "contact", "Dana Whitfield")  # not close: no question
    ok(run_cli, "add", "contact", "Dan Browne", "--new")


def test_close_names_examples():
    names = ["Northshore Logistics", "Dan Brown", "Glenview Data", "Marcus Lee"]
    assert close_names("North Shore Logistics", names) == ["Northshore Logistics"]
    assert close_names("northshore", names) == ["Northshore Logistics"]
    assert close_names("NORTHSHORE LOGISTICS", names) == []  # the same name is not "close"
    assert close_names("Glen", names) == []
    assert close_names("Skokie Foods", names) == []


@given(
    st.lists(st.text(string.ascii_letters + " ", min_size=1, max_size=20), max_size=10),
    st.text(string.ascii_letters + " ", max_size=20),
)
def test_close_names_never_returns_the_name_itself_or_a_stranger(names, name):
    for hit in close_names(name, names):
        assert hit in names
        assert hit.lower().split() != name.lower().split()


def test_a_name_index_answers_5000_rows_quickly():
    r = random.Random(7)
    first = ["".join(r.choices(string.ascii_lowercase, k=6)).title() for _ in range(300)]

    def name() -> str:
        return f"{r.choice(first)} {''.join(r.choices(string.ascii_lowercase, k=7)).title()}"

    index = NameIndex(name() for _ in range(5000))
    start = time.perf_counter()
    for _ in range(5000):
        index.close(name())
    assert time.perf_counter() - start < 10  # ~0.4 s measured; all pairs would take ~35 s


def test_import_reports_a_close_match_instead_of_merging(run_cli, tmp_path: Path):
    ok(run_cli, "add", "company", "Acme")
    ok(run_cli, "add", "contact", "Dana Whitfield", "--company", "Acme")
    csv = tmp_path / "people.csv"
    csv.write_text("name,company\nDana Whitfeld,Acme\nNew Person,Acme\n", encoding="utf-8")
    out = ok(run_cli, "import", "csv", str(csv))
    assert "close: Dana Whitfeld" in out and "Dana Whitfield" in out
    people = {c["name"] for c in json.loads(ok(run_cli, "list", "contacts", "--json"))}
    assert {"Dana Whitfield", "Dana Whitfeld", "New Person"} <= people  # not merged blindly


def test_a_shared_number_or_initial_is_not_closeness():
    assert close_names("Here 10", ["There 10"]) == []
    assert close_names("J Smith", ["J Doe"]) == []
    assert close_names("Jon Smith", ["John Smith"]) == ["John Smith"]
    assert close_names("Here 1", ["Here 10", "Here 2"]) == []  # numbers make them different
    assert close_names("Last on B", ["Last on A"]) == []  # told apart by a letter
    assert close_names("Acme Co", ["Acme"]) == ["Acme"]  # only one side has the short word
