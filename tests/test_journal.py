"""The journal (store/journal.py): an edit is durable once `commit` returns, before the data file
is rewritten; the next load or save merges it, and the save that writes it removes the journal."""

from __future__ import annotations

import tempfile
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rebound_tui.errors import DataFileError
from rebound_tui.store.database import Database
from rebound_tui.store.journal import journal_path_for


def names(db: Database) -> set[str]:
    return {d["name"] for _, d in db.live("companies")}


def saved(tmp_path: Path, *companies: str) -> tuple[Path, Database]:
    path = tmp_path / "data.json"
    db = Database(path)
    for name in companies:
        db.create("companies", {"name": name, "priority": 3})
    db.save()
    return path, db


def test_a_committed_edit_survives_without_a_save(tmp_path: Path) -> None:
    path, db = saved(tmp_path, "Acme")
    before = path.read_bytes()
    db.create("companies", {"name": "Bolt", "priority": 2})
    assert db.commit()
    assert path.read_bytes() == before  # the data file is not rewritten by a commit
    journal = journal_path_for(path)
    assert journal.exists() and journal.parent != path.parent  # never in the synced folder
    again = Database(path)  # what the next start sees after a crash here
    assert names(again) == {"Acme", "Bolt"}
    assert again.dirty  # memory holds what the file lacks: the next save writes it
    assert again.save()
    assert not journal.exists()  # the file holds it all now
    assert names(Database(path)) == {"Acme", "Bolt"}
    assert b"Bolt" in path.read_bytes()


def test_a_line_holds_only_the_records_that_changed(tmp_path: Path) -> None:
    path, db = saved(tmp_path, *(f"Company {n}" for n in range(100)))
    some = next(i for i, d in db.live("companies") if d["name"] == "Company 7")
    db.update("companies", some, {"priority": 5})
    assert db.commit()
    db.create("contacts", {"name": "Ann"})
    assert db.commit()
    lines = journal_path_for(path).read_bytes().splitlines()
    first, second = (orjson.loads(line) for line in lines)
    assert set(first) == {"companies", "meta"} and list(first["companies"]) == [some]
    assert set(second) == {"contacts", "meta"}  # the first edit is not written again
    assert first["meta"]["db"]["db_id"] == db.db_id


def test_a_save_removes_the_journal_and_the_next_commit_starts_anew(tmp_path: Path) -> None:
    path, db = saved(tmp_path, "Acme")
    db.create("companies", {"name": "Bolt", "priority": 2})
    assert db.commit()
    assert db.save()
    journal = journal_path_for(path)
    assert not journal.exists()
    db.create("companies", {"name": "Cove", "priority": 2})
    assert db.commit()
    (line,) = journal.read_bytes().splitlines()
    assert [d["name"] for d in orjson.loads(line)["companies"].values()] == ["Cove"]


def test_nothing_to_journal_before_the_file_exists(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    db = Database(path)
    db.create("companies", {"name": "Acme", "priority": 3})
    assert not db.commit()  # only the save can create the file (and the database's identity)
    assert not journal_path_for(path).exists()


def test_a_removed_record_needs_the_save(tmp_path: Path) -> None:
    path, db = saved(tmp_path, "Acme", "Bolt")
    table = dict(db.storage.read()["companies"])
    table.pop(next(iter(table)))
    db.storage.write({**db.storage.read(), "companies": table})
    assert not db.commit()  # a journal line can only add or change records
    assert not journal_path_for(path).exists()


def test_a_line_cut_short_by_a_crash_is_left_out_and_cut_off(tmp_path: Path) -> None:
    path, db = saved(tmp_path, "Acme")
    db.create("companies", {"name": "Bolt", "priority": 2})
    assert db.commit()
    journal = journal_path_for(path)
    whole = journal.read_bytes()
    with journal.open("ab") as fh:
        fh.write(whole[: len(whole) // 2].replace(b"Bolt", b"Torn"))  # no newline: a crash
    again = Database(path)
    assert names(again) == {"Acme", "Bolt"}
    again.create("companies", {"name": "Cove", "priority": 2})
    assert again.commit()
    assert journal.read_bytes().count(b"\n") == 2 and b"Torn" not in journal.read_bytes()
    assert names(Database(path)) == {"Acme", "Bolt", "Cove"}


@pytest.mark.parametrize(
    "line",
    [
        b"{not json",
        b'{"companies": {"x": {"name": "[@click=app.quit]x", "_clock": {"name": "soon"}}}}',
        b'{"companies": {"x": {"name": 5, "_clock": {}}}}',
        b"\x1b]0;x\x07",
    ],
)
def test_a_bad_line_stops_the_load_and_names_the_journal(tmp_path: Path, line: bytes) -> None:
    path, db = saved(tmp_path, "Acme")
    before = path.read_bytes()
    journal = journal_path_for(path)
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_bytes(line + b"\n")
    with pytest.raises(DataFileError) as caught:
        Database(path)
    assert str(journal) in str(caught.value)
    assert "move the journal away" in str(caught.value)
    assert path.read_bytes() == before and journal.read_bytes() == line + b"\n"


def test_a_journal_of_another_database_is_refused(tmp_path: Path) -> None:
    """The data file was deleted after a crash left edits in the journal: a new database at that
    path is not mixed with them, and the message says what to do."""
    path, db = saved(tmp_path, "Acme")
    db.create("companies", {"name": "Bolt", "priority": 2})
    assert db.commit()
    path.unlink()
    with pytest.raises(DataFileError, match="another database") as caught:
        Database(path)
    assert "put that database's file back" in str(caught.value)
    assert journal_path_for(path).exists() and not path.exists()


def test_another_process_save_takes_the_journal_into_the_file(tmp_path: Path) -> None:
    path, dashboard = saved(tmp_path, "Acme")
    command = Database(path, one_shot=True)  # a command started before the dashboard's edit
    dashboard.create("companies", {"name": "Bolt", "priority": 2})
    assert dashboard.commit()
    command.create("companies", {"name": "Cove", "priority": 2})
    assert command.save()  # merges the dashboard's journal line, then removes the journal
    assert not journal_path_for(path).exists()
    assert names(Database(path)) == {"Acme", "Bolt", "Cove"}
    dashboard.create("companies", {"name": "Dune", "priority": 2})
    assert dashboard.commit()  # a new journal
    assert dashboard.save()
    assert names(Database(path)) == {"Acme", "Bolt", "Cove", "Dune"}


def test_an_own_line_is_not_merged_again(tmp_path: Path) -> None:
    """What memory did since a commit (here: a record dropped, as a compaction does) is not
    undone by the save merging this process's own journal line back."""
    path, db = saved(tmp_path, "Acme")
    bolt = db.create("companies", {"name": "Bolt", "priority": 2})
    assert db.commit()
    data = db.storage.read()
    db.storage.write(
        {**data, "companies": {k: v for k, v in data["companies"].items() if k != bolt}}
    )
    db.save()  # (writes nothing: the file never held Bolt)
    assert not journal_path_for(path).exists()
    assert names(Database(path)) == {"Acme"}


def test_the_clock_runs_past_the_journal(tmp_path: Path) -> None:
    """A journal newer than the file: the next edit's stamps still outrank it (else the older
    journaled value would win the next merge)."""
    path, db = saved(tmp_path, "Acme")
    acme = next(i for i, _ in db.live("companies"))
    db.update("companies", acme, {"priority": 1})
    assert db.commit()
    journaled = db.get("companies", acme)["_clock"]["priority"]
    again = Database(path)
    assert again.clock.now() > journaled
    again.update("companies", acme, {"priority": 4})
    again.save()
    assert Database(path).get("companies", acme)["priority"] == 4


edits = st.lists(
    st.tuples(st.sampled_from(["create", "update", "delete", "commit", "save"]), st.integers(0, 9)),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=edits)
def test_after_a_crash_the_file_and_journal_hold_every_commit(tmp_path: Path, steps) -> None:
    """Property: at any point, what the last commit or save held is what a new process sees."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path, db = saved(folder, "Seed")
    durable = {i: d["name"] for i, d in db.live("companies")}
    n = 0
    for op, k in steps:
        live = sorted(i for i, _ in db.live("companies"))
        if op == "create":
            n += 1
            db.create("companies", {"name": f"C{n}", "priority": 3})
        elif op == "update" and live:
            n += 1
            db.update("companies", live[k % len(live)], {"name": f"U{n}"})
        elif op == "delete" and live:
            db.delete("companies", live[k % len(live)])
        elif op == "commit" and db.commit():
            durable = {i: d["name"] for i, d in db.live("companies")}
        elif op == "save":
            db.save()
            durable = {i: d["name"] for i, d in db.live("companies")}
    assert {i: d["name"] for i, d in Database(path).live("companies")} == durable


def test_commits_take_the_written_ids_from_the_log_not_a_table_compare(
    tmp_path: Path, monkeypatch
) -> None:
    """Within an epoch the database knows which records it wrote since the last commit: the
    tables are compared only for the first commit after a load (or a merge from disk)."""
    from rebound_tui.store import journal as journal_mod

    path, db = saved(tmp_path, *(f"Company {n}" for n in range(100)))
    compares: list[int] = []
    real = journal_mod.changed_ids
    monkeypatch.setattr(journal_mod, "changed_ids", lambda a, b: compares.append(1) or real(a, b))
    some = [i for i, _ in db.live("companies")]
    db.update("companies", some[0], {"priority": 5})
    assert db.commit() and len(compares) == 1  # the first: compared
    db.update("companies", some[1], {"priority": 4})
    db.create("contacts", {"name": "Ann"})
    assert db.commit() and len(compares) == 1  # then from the log
    lines = [orjson.loads(x) for x in journal_path_for(path).read_bytes().splitlines()]
    assert list(lines[1]["companies"]) == [some[1]] and len(lines[1]["contacts"]) == 1
    other = Database(path)
    other.update("companies", some[2], {"priority": 1})
    other.save()  # another process: our next save merges it in (a new epoch)
    db.save()
    db.update("companies", some[3], {"priority": 2})
    assert db.commit() and len(compares) >= 2  # compared again after the merge
    assert {i: d["priority"] for i, d in Database(path).live("companies")}[some[3]] == 2


def test_check_names_a_journal_the_file_lacks_and_a_bad_one(tmp_path: Path) -> None:
    from rebound_tui.store.check import check_file

    path, db = saved(tmp_path, "Acme")
    assert check_file(path).warnings == []
    db.create("companies", {"name": "Bolt", "priority": 2})
    assert db.commit()
    report = check_file(path)
    assert report.ok and any("journal" in w and "does not have yet" in w for w in report.warnings)
    db.save()
    assert not any("journal" in w for w in check_file(path).warnings)
    journal = journal_path_for(path)
    journal.write_bytes(b"{not json\n")
    report = check_file(path)
    assert not report.ok and any(str(journal) in p for p in report.problems)


def test_ids_from_the_writer_do_not_move_the_basis(tmp_path: Path) -> None:
    """A commit from the writer's ids appends those only: a record written before them whose
    commit failed (another process held the lock) is still found by the next comparison."""
    from rebound_tui.store.journal import Journal

    path, db = saved(tmp_path, *(f"Company {n}" for n in range(70)))
    journal = Journal(path)
    data = db.storage.read()
    journal.held(data)
    first = db.create("companies", {"name": "Failed", "priority": 1})  # its commit failed
    second = db.create("companies", {"name": "Logged", "priority": 1})
    assert journal.append(db.storage.read(), {"companies": [second]})
    found = journal.changes(db.storage.read())
    assert found is not None and {first, second} <= set(found["companies"])


def test_another_database_s_id_is_shown_safely(tmp_path: Path) -> None:
    path, db = saved(tmp_path, "Acme")
    journal = journal_path_for(path)
    journal.parent.mkdir(parents=True, exist_ok=True)
    hostile = "\x1b]0;x\x07[@click=app.quit]x" + "y" * 500
    meta = {"db": {**db.meta, "db_id": hostile}}
    journal.write_bytes(orjson.dumps({"meta": meta}) + b"\n")
    with pytest.raises(DataFileError, match="another database") as caught:
        Database(path)
    text = str(caught.value)
    assert "\x1b" not in text and "\x07" not in text and "y" * 100 not in text
