"""Hostile variants of a valid data file (issue 11, sections 3 and 4), through every door: as the
main file, as a conflict copy, through `sync`, `check`, `list`, `due`, `export`, and the git merge
driver. Every refusal: no traceback, one clear line, the right exit code, and the data file byte
for byte as it was.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rebound_test_helpers import PYTHON, assert_one_line_error, digest, python_env, snapshot

from rebound_tui.domain.clock import HybridClock, make_stamp, system_ms
from rebound_tui.domain.schema import SCHEMA
from rebound_tui.service import Service
from rebound_tui.store.backups import Backups
from rebound_tui.store.database import Database
from rebound_tui.store.fileformat import decode, encode
from rebound_tui.store.merge_driver import merge_files

Change = Callable[[dict], None]
FUTURE = "9999-12-31T23:59:59.999Z-ffff-ffffffff"
COPY_NAME = "rebound.sync-conflict-20261127-101500-ABCDEF2.json"


def first(data: dict, table: str) -> tuple[str, dict]:
    return next(iter(data[table].items()))


def setter(table: str, field: str, value) -> Change:
    def change(data: dict) -> None:
        _, doc = first(data, table)
        doc[field] = value
        doc["_clock"][field] = doc["_created"]

    return change


def stamp(table: str, field: str, value: str) -> Change:
    def change(data: dict) -> None:
        _, doc = first(data, table)
        doc["_clock"][field] = value

    return change


def deep(levels: int) -> list:
    value: list = []
    for _ in range(levels):
        value = [value]
    return value


# name -> (change, words the refusal must say)
HOSTILE: dict[str, tuple[Change, tuple[str, ...]]] = {
    "name is a list": (setter("companies", "name", ["x"]), ("companies/", "'name'", "list")),
    "name is null": (setter("companies", "name", None), ("'name'", "null")),
    "name is a number": (setter("companies", "name", 7), ("'name'", "number")),
    "name is an object": (setter("companies", "name", {"a": 1}), ("'name'", "object")),
    "contact name is true": (setter("contacts", "name", True), ("contacts/", "'name'")),
    "priority is true": (setter("companies", "priority", True), ("'priority'",)),
    "priority is a float": (setter("companies", "priority", 3.0), ("'priority'",)),
    "priority out of range": (setter("companies", "priority", 42), ("'priority'", "1 to 5")),
    "stage unknown": (setter("companies", "stage", "ghost"), ("'stage'", "watching")),
    "due 2026-02-30": (setter("followups", "due", "2026-02-30"), ("followups/", "'due'")),
    "due 0000-00-00": (setter("followups", "due", "0000-00-00"), ("'due'",)),
    "due empty": (setter("followups", "due", ""), ("'due'", "empty")),
    "due null": (setter("followups", "due", None), ("'due'",)),
    "due a number": (setter("followups", "due", 20261127), ("'due'",)),
    "status a list": (setter("followups", "status", ["open"]), ("'status'",)),
    "snoozes a string": (setter("followups", "snoozes", "2"), ("'snoozes'",)),
    "company_id a list": (setter("followups", "company_id", ["x"]), ("'company_id'",)),
    "notes 500 levels deep": (setter("companies", "notes", deep(500)), ("'notes'",)),
    "unknown field 500 deep": (setter("companies", "x_new", deep(500)), ("'x_new'", "deep")),
    "unknown field a huge int": (setter("companies", "x_big", 2**70), ("'x_big'", "64 bits")),
    "future field stamp": (stamp("companies", "name", FUTURE), ("'name'", "ahead", "years")),
    "future delete": (
        lambda d: first(d, "companies")[1].update(_deleted=FUTURE),
        ("_deleted", "ahead"),
    ),
    "schema true": (lambda d: d["meta"]["db"].update(schema=True), ("schema",)),
    "meta huge int": (lambda d: d["meta"]["db"].update(x=2**70), ("meta", "64 bits")),
}


def hostile_bytes(good: bytes, change: Change) -> bytes:
    data = json.loads(good)
    change(data)
    return json.dumps(data, indent=2, sort_keys=True).encode()


@pytest.fixture
def good(run_cli, data_path: Path) -> bytes:
    assert run_cli("add", "company", "Acme", "--priority", "4")[0] == 0
    assert run_cli("add", "contact", "Jo", "--company", "Acme")[0] == 0
    assert run_cli("follow-up", "Call Jo", "--on", "today", "--contact", "Jo")[0] == 0
    return data_path.read_bytes()


MAIN_COMMANDS = [
    ["list", "companies"],
    ["due"],
    ["export", "ics", "-"],
    ["add", "company", "Beta"],
    ["sync"],
]


@pytest.mark.parametrize("args", MAIN_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_main_file_is_refused_by_every_command(run_cli, data_path, good, case, args):
    change, words = HOSTILE[case]
    data_path.write_bytes(hostile_bytes(good, change))
    before = snapshot(data_path)
    code, out, err = run_cli(*args)
    assert code == 1, (out, err)
    assert_one_line_error(err, str(data_path), *words)
    assert snapshot(data_path) == before


@pytest.mark.parametrize("case", list(HOSTILE))
def test_check_names_the_problem_of_a_hostile_main_file(run_cli, data_path, good, case):
    change, words = HOSTILE[case]
    data_path.write_bytes(hostile_bytes(good, change))
    before = snapshot(data_path)
    code, out, err = run_cli("check")
    assert code == 1, (out, err)
    assert "Traceback" not in out + err
    for word in words:
        assert word.lower() in (out + err).lower()
    assert snapshot(data_path) == before


@pytest.mark.parametrize("case", [c for c in HOSTILE if not c.startswith(("schema", "meta"))])
def test_a_hostile_conflict_copy_is_left_where_it_is(run_cli, data_path, good, case):
    change, words = HOSTILE[case]
    copy = data_path.parent / COPY_NAME
    copy.write_bytes(hostile_bytes(good, change))
    copy_before = copy.read_bytes()
    before = snapshot(data_path)
    code, out, err = run_cli("sync")
    assert code == 0, err
    assert "Traceback" not in out + err
    line = next(line for line in out.splitlines() if COPY_NAME in line)
    assert "not merged" in line
    for word in words:
        assert word.lower() in line.lower()
    assert copy.read_bytes() == copy_before  # left where it is, byte for byte
    assert snapshot(data_path) == before  # the main file untouched
    # `check` lists it, with the table, record and field; every command still works.
    code, out, err = run_cli("check")
    assert code == 1 and COPY_NAME in out
    for word in words:
        assert word.lower() in out.lower()
    code, out, err = run_cli("list", "companies", "--json")
    assert code == 0, err
    assert [c["name"] for c in json.loads(out)] == ["Acme"]


def test_a_duplicate_key_with_a_bad_value_in_a_copy_is_not_merged(run_cli, data_path, good):
    data = json.loads(good)
    rid, doc = first(data, "companies")
    text = json.dumps(data, indent=2, sort_keys=True)
    # The same key twice: a bad value first (another reader may keep it), then a good one.
    text = text.replace('"name": "Acme"', '"name": ["x"], "name": "Acme Two"', 1)
    copy = data_path.parent / COPY_NAME
    copy.write_text(text)
    before = snapshot(data_path)
    code, out, err = run_cli("sync")
    assert code == 0 and "Traceback" not in err
    assert "twice" in out and "'name'" in out and "not merged" in out
    assert snapshot(data_path) == before
    assert copy.read_text() == text


def test_a_duplicate_key_whose_last_value_is_bad_is_refused_by_type(run_cli, data_path, good):
    text = good.decode().replace('"name": "Acme"', '"name": "Acme", "name": ["x"]', 1)
    copy = data_path.parent / COPY_NAME
    copy.write_text(text)
    before = snapshot(data_path)
    code, out, _ = run_cli("sync")
    assert code == 0 and "'name'" in out and "list" in out
    assert snapshot(data_path) == before


# -- a year-9999 stamp from another machine -------------------------------------------------


def test_a_copy_from_year_9999_leaves_everything_working(run_cli, data_path, good):
    copy = data_path.parent / COPY_NAME
    copy.write_bytes(hostile_bytes(good, stamp("companies", "name", FUTURE)))
    code, out, _ = run_cli("sync")
    assert code == 0 and "ahead of this machine's clock" in out
    for _ in range(3):  # later writes
        assert run_cli("add", "company", f"Co {_}")[0] == 0
    code, out, err = run_cli("check")
    assert code == 1 and COPY_NAME in out and "years" in out  # how far ahead its clock was
    companies = json.loads(data_path.read_bytes())["companies"].values()
    newest = max(doc["_created"] for doc in companies)
    assert newest <= make_stamp(system_ms() + 60_000, 0, "ffffffff")  # this machine's clock
    newest_backup = Backups(data_path).newest()
    assert newest_backup is not None
    code, out, err = run_cli("restore", newest_backup.path.name)
    assert code == 0, err
    assert copy.exists()


def test_a_delivered_version_with_a_future_stamp_is_refused(data_path, good):
    service = Service.open(data_path)
    data_path.write_bytes(hostile_bytes(good, stamp("companies", "name", FUTURE)))
    delivered = digest(data_path)
    from rebound_tui.store.fileformat import DataFileError

    with pytest.raises(DataFileError, match="ahead of this machine's clock"):
        service.refresh()
    assert digest(data_path) == delivered


def test_compact_takes_its_horizon_from_the_wall_clock(tmp_path):
    wall = [1_760_000_000_000]
    db = Database(tmp_path / "c.json", clock=HybridClock("0000000c", lambda: wall[0]))
    svc = Service(db)
    far = make_stamp(wall[0] + 74 * 365 * 86_400_000, 0, "0000000f")  # a stamp from 2100
    svc.db.clock.observe(far)
    gone = svc.add_company("Deleted seconds ago", why="kept")
    svc.delete_company(gone)
    assert svc.compact(180) == 0  # a minute-old delete is not 180 days old
    raw = svc.db.raw("companies")[gone.id]
    assert raw["why"] == "kept"


# -- the git merge driver ------------------------------------------------------------------


@pytest.mark.parametrize("case", ["name is a list", "due 2026-02-30", "future field stamp"])
def test_the_merge_driver_refuses_a_hostile_theirs(tmp_path, good, case):
    change, words = HOSTILE[case]
    base, ours, theirs = tmp_path / "base", tmp_path / "ours", tmp_path / "theirs"
    base.write_bytes(good)
    ours.write_bytes(good)
    theirs.write_bytes(hostile_bytes(good, change))
    proc = subprocess.run(
        [PYTHON, "-m", "rebound_tui", "merge-driver", str(base), str(ours), str(theirs)],
        env=python_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0  # git marks a conflict
    assert_one_line_error(proc.stderr, str(theirs), *words)
    assert ours.read_bytes() == good


# -- hypothesis: any field of any table, any wrong type ----------------------------------------

WRONG = st.one_of(
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
)
FIELDS = [
    (table, name)
    for table, specs in SCHEMA.items()
    if table in ("companies", "contacts", "followups", "interactions")
    for name, spec in specs.items()
    if spec[0] not in ("refs",)
]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(where=st.sampled_from(FIELDS), value=WRONG)
def test_any_wrong_type_in_any_field_is_refused_and_merging_never_happens(
    tmp_path_factory, where, value
):
    table, name = where
    folder = tmp_path_factory.mktemp("h")
    path = folder / "rebound.json"
    svc = Service.open(path)
    acme = svc.add_company("Acme")
    jo = svc.add_contact("Jo", company=acme.id)
    svc.add_follow_up("Call", due="2026-11-27", contact=jo.id)
    svc.log("call", on="2026-11-27", contact=jo.id)
    svc.save()
    good = path.read_bytes()
    data = json.loads(good)
    rid, doc = first(data, table)
    doc[name] = value
    doc["_clock"][name] = doc["_created"]
    bad = json.dumps(data, indent=2, sort_keys=True).encode()
    from rebound_tui.store.fileformat import DataFileError

    with pytest.raises(DataFileError) as caught:
        decode(bad, path)
    assert f"{table}/{rid}" in str(caught.value) and f"'{name}'" in str(caught.value)
    assert "\n" not in str(caught.value)
    copy = folder / COPY_NAME
    copy.write_bytes(bad)
    lines = svc.sync_conflicts()
    assert any("not merged" in line for line in lines)
    assert path.read_bytes() == good and copy.read_bytes() == bad
    theirs = folder / "theirs.json"
    theirs.write_bytes(bad)
    ours = folder / "ours.json"
    ours.write_bytes(good)
    with pytest.raises(DataFileError):
        merge_files(folder / "none", ours, theirs)
    assert ours.read_bytes() == good


def test_a_good_file_with_unknown_fields_keeps_their_exact_values(tmp_path):
    path = tmp_path / "rebound.json"
    svc = Service.open(path)
    svc.add_company("Acme")
    svc.save()
    data = json.loads(path.read_bytes())
    rid, doc = first(data, "companies")
    newer = {"x_count": 2**64 - 1, "x_low": -(2**63), "x_list": [1, 2.5, {"a": None}], "x_b": True}
    for key, value in newer.items():
        doc[key] = value
        doc["_clock"][key] = doc["_created"]
    path.write_bytes(encode(data))
    svc = Service.open(path)
    svc.edit_company(rid, priority=5)
    svc.save()
    kept = json.loads(path.read_bytes())["companies"][rid]
    assert {k: kept[k] for k in newer} == newer
    assert type(kept["x_count"]) is int and type(kept["x_b"]) is bool


def test_non_utf8_arguments_are_refused_with_exit_2(data_path, tmp_path):
    proc = subprocess.run(
        [PYTHON, "-m", "rebound_tui", "--db", str(data_path), "add", "company", b"C1\x9bCo"],
        env=python_env(),
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert_one_line_error(err, "UTF-8", "\\x9b")
    assert not data_path.exists()


def test_a_failed_cli_save_says_nothing_was_changed(run_cli, data_path, good, monkeypatch):
    from rebound_tui.store import storage

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(storage, "write_pieces", disk_full)
    before = snapshot(data_path)
    code, _, err = run_cli("add", "company", "Beta")
    assert code == 1
    assert_one_line_error(err, "nothing was changed", "run the command again")
    assert "kept in memory" not in err
    assert snapshot(data_path) == before


def test_restore_gets_out_of_a_main_file_with_a_future_stamp(run_cli, data_path, good):
    assert run_cli("add", "company", "Beta")[0] == 0  # a second session: the first is backed up
    broken = hostile_bytes(data_path.read_bytes(), stamp("companies", "name", FUTURE))
    data_path.write_bytes(broken)
    code, _, err = run_cli("list", "companies")
    assert code == 1
    assert_one_line_error(err, "ahead of this machine's clock", "newest good backup")
    backup = err.split("(restore it with: rebound-tui restore ")[1].split()[0].strip("'")
    code, out, err = run_cli("restore", backup)
    assert code == 0, err
    kept = list(Backups(data_path).broken_dir.iterdir())
    assert [k.read_bytes() for k in kept] == [broken]
    assert run_cli("add", "company", "Gamma")[0] == 0


STRUCTURE: dict[str, Change] = {
    "table is a list": lambda d: d.update(companies=[1]),
    "record is a list": lambda d: d["companies"].update(x=[1]),
    "_clock is a list": lambda d: first(d, "companies")[1].update(_clock=[]),
    "_created is a number": lambda d: first(d, "companies")[1].update(_created=1),
    "stamp is a list": stamp("companies", "name", ["x"]),  # type: ignore[arg-type]
    "record id with controls": lambda d: d["companies"].update(
        {"\x1b]0;x\x07": first(d, "companies")[1] | {"name": 5}}
    ),
    "unknown table with a deep value": lambda d: (
        d.update(x_new={"r": {"_clock": {}, "v": 1}}) or d["x_new"]["r"].update(v=deep(100))
    ),
}


@pytest.mark.parametrize("args", [["list", "companies"], ["due"], ["check"]], ids=" ".join)
@pytest.mark.parametrize("case", list(STRUCTURE))
def test_a_main_file_of_the_wrong_structure_is_refused(run_cli, data_path, good, case, args):
    data_path.write_bytes(hostile_bytes(good, STRUCTURE[case]))
    before = snapshot(data_path)
    code, out, err = run_cli(*args)
    assert code == 1, (out, err)
    assert "Traceback" not in err and "\x1b" not in out + err
    if args != ["check"]:
        assert_one_line_error(err, str(data_path))
    assert snapshot(data_path) == before


def test_missing_tables_are_no_problem(run_cli, data_path, good):
    data = json.loads(good)
    data_path.write_bytes(encode({"meta": data["meta"]}))
    for args in (["list", "companies"], ["due"], ["export", "ics", "-"], ["check"]):
        code, out, err = run_cli(*args)
        assert code == 0, (args, err)


def test_the_app_never_writes_what_it_would_refuse(data_path, today):
    from rebound_tui.domain.model import ValidationError

    svc = Service.open(data_path)
    acme = svc.add_company("Acme")
    with pytest.raises(ValidationError, match="'round'"):
        svc.log("interview", on="2026-11-27", company=acme.id, round=5000)
    with pytest.raises(ValidationError, match="'x_new'"):
        svc.db.update("companies", acme.id, {"x_new": deep(100)})
    svc.save()
    assert decode(data_path.read_bytes(), data_path)  # what was written loads


def test_an_ambiguous_copy_of_ours_with_a_bad_record_is_named(run_cli, data_path, good):
    copy = data_path.parent / "rebound 2.json"  # iCloud's name: only ours if it is our database
    copy.write_bytes(hostile_bytes(good, setter("companies", "name", ["x"])))
    held = copy.read_bytes()
    before = snapshot(data_path)
    code, out, err = run_cli("sync")
    assert code == 0, err
    assert "rebound 2.json" in out and "not merged" in out and "'name'" in out
    assert copy.read_bytes() == held and snapshot(data_path) == before
    other = data_path.parent / "rebound 3.json"  # an unrelated file with that kind of name
    other.write_bytes(b"[1, 2]")
    code, out, err = run_cli("sync")
    assert "rebound 3.json" not in out + err


# -- hypothesis: what decode accepts, every face can show -------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["2026-02-30", "0000-00-00", "", "2026-11-27", "6w", "boss", "open"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
ANY_FIELD = st.sampled_from(
    [(t, f) for t, specs in SCHEMA.items() for f in specs] + [("companies", "x_new")]
)


@pytest.fixture(scope="module")
def small_file(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("small") / "rebound.json"
    svc = Service.open(path)
    acme = svc.add_company("Acme", website="https://acme.example")
    jo = svc.add_contact("Jo", company=acme.id, role="boss", cadence="6w")
    svc.log("interview", on="2026-11-20", contact=jo.id)
    svc.add_follow_up("Call Jo", due="2026-11-27", contact=jo.id)
    svc.set_setting("theme", "nord")
    svc.set_template("check-in", "Hi {first_name}")
    svc.reset_rules()
    svc.save()
    return path.read_bytes()


def test_an_empty_priority_is_no_priority(tmp_path_factory, small_file) -> None:
    """A follow-up's priority given as "" (how a file may say "none" for an optional number:
    schema.py) reads as none: its company's priority orders the due list (the test below found
    a sort that took "" for a number), and a repeat made from it has none either."""
    data = json.loads(small_file)
    for doc in data["followups"].values():
        doc["priority"] = ""
        doc["_clock"]["priority"] = doc["_created"]
    path = tmp_path_factory.mktemp("p") / "rebound.json"
    path.write_bytes(json.dumps(data, indent=2).encode())
    svc = Service.open(path)
    items = svc.due()
    assert items and all(item.follow_up.priority is None for item in items)
    assert {item.importance for item in items} == {3}  # (Acme's priority)
    assert all(f.priority is None for f in svc.follow_ups())


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(where=ANY_FIELD, value=JSON_VALUES)
@example(where=("followups", "priority"), value="")  # (found by CI, session 19)
def test_a_file_decode_accepts_works_in_every_command(tmp_path_factory, small_file, where, value):
    from rebound_tui.io.csvout import csv_tables
    from rebound_tui.io.ics import export_ics
    from rebound_tui.io.jsonout import export_json
    from rebound_tui.io.markdown import export_markdown
    from rebound_tui.store.check import check_file
    from rebound_tui.store.fileformat import DataFileError

    table, name = where
    data = json.loads(small_file)
    if table not in data:
        return
    _, doc = first(data, table)
    doc[name] = value
    doc["_clock"][name] = doc["_created"]
    raw = json.dumps(data, indent=2, sort_keys=True).encode()
    path = tmp_path_factory.mktemp("h") / "rebound.json"
    path.write_bytes(raw)
    try:
        svc = Service.open(path)
    except DataFileError as exc:
        assert "\n" not in str(exc)
        assert not check_file(path).ok
        assert path.read_bytes() == raw
        return
    assert check_file(path).fatal is None
    svc.companies(), svc.contacts(), svc.due(), svc.templates(), svc.rules_and_problems()
    export_ics(svc), export_json(svc), export_markdown(svc), csv_tables(svc)
    svc.add_company("Beta")
    svc.save()
    Service.open(path)  # what it wrote, it reads
