"""A command's check of a file new here, its largest table checked in a forked child
(`store/split_check.py`): the same verdict, the same highest stamp and the same data as the
check in one process, whatever the child does."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from rebound_tui.domain.merge import max_stamp
from rebound_tui.service import Service
from rebound_tui.store import checked, files, record_problems, split_check
from rebound_tui.store.fileformat import DataFileError, decode, encode
from tests.test_hostile_files import HOSTILE

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the check is split on Linux only"
)


@pytest.fixture(autouse=True)
def small_tables_split(monkeypatch):
    """Split at any size (the real threshold is 1 MB) and as if on two cores."""
    monkeypatch.setattr(split_check, "MIN_BYTES", 0)
    monkeypatch.setattr(split_check, "_cores", lambda: 2)


@pytest.fixture
def children(monkeypatch) -> list[str]:
    """The tables a child was forked for ("ahead": a child forked before the tables are
    known, `SplitCheck.ahead`)."""
    forked: list[str] = []
    start = split_check.SplitCheck.start.__func__
    ahead = split_check.SplitCheck.ahead.__func__

    def counted(cls, name, *a, **k):
        child = start(cls, name, *a, **k)
        if child is not None:
            forked.append(name)
        return child

    def counted_ahead(cls, *a, **k):
        child = ahead(cls, *a, **k)
        if child is not None:
            forked.append("ahead")
        return child

    monkeypatch.setattr(split_check.SplitCheck, "start", classmethod(counted))
    monkeypatch.setattr(split_check.SplitCheck, "ahead", classmethod(counted_ahead))
    return forked


def a_file(tmp_path: Path, interactions: int = 30) -> dict[str, Any]:
    """A real database whose largest table, the interactions, holds its highest stamp."""
    path = tmp_path / "made.json"
    path.unlink(missing_ok=True)
    s = Service.open(path)
    s.add_company("Acme")
    person = s.add_contact("Dana", company="Acme")
    s.add_follow_up("Write to Dana", contact=person.id, due="2026-12-20")
    for n in range(interactions):
        s.log("call", contact=person.id, note=f"call {n} " + "x" * 40)
    s.save()
    data = json.loads(path.read_bytes())
    # The highest stamp is the child's to find (the tests of it would say nothing otherwise).
    assert max_stamp({"interactions": data["interactions"]}) == max_stamp(data)
    return data


def with_bad(data: dict[str, Any], table: str, at: float = 0.5) -> dict[str, Any]:
    """A bad record `at` that fraction of the way through the table's (sorted) records."""
    bad = json.loads(json.dumps(data))
    record_id = sorted(bad[table])[min(int(len(bad[table]) * at), len(bad[table]) - 1)]
    bad[table][record_id]["name" if table == "contacts" else "note"] = ["not", "text"]
    return bad


def refusal(raw: bytes, path: Path, **options: Any) -> str:
    with pytest.raises(DataFileError) as caught:
        decode(raw, path, trusted=lambda *a: False, **options)
    return str(caught.value)


@pytest.mark.parametrize("table", ["interactions", "contacts"])
def test_a_bad_record_is_refused_in_the_same_words(tmp_path: Path, table: str, children) -> None:
    raw = encode(with_bad(a_file(tmp_path), table))
    path = tmp_path / "r.json"
    alone = refusal(raw, path)
    assert not children
    split = refusal(raw, path, fork_checks=True)
    assert children == ["interactions"]
    assert split == alone
    assert table in split and "note" in split or "name" in split


def test_a_good_file_gives_the_same_data_and_highest_stamp(tmp_path: Path, children) -> None:
    data = a_file(tmp_path)
    raw = encode(data)
    found: dict[str, Any] = {}
    split = decode(
        raw, tmp_path / "r.json", trusted=lambda *a: False, found=found, fork_checks=True
    )
    assert children == ["interactions"]
    assert split == data
    assert found == {"top": max_stamp(data), "exact": True}


def test_bytes_checked_before_fork_no_child(tmp_path: Path, children) -> None:
    data = a_file(tmp_path)
    found: dict[str, Any] = {}
    decoded = decode(encode(data), tmp_path / "r.json", trusted=lambda *a: True, found=found)
    assert decoded == data and found == {}
    assert not children


@pytest.mark.parametrize(
    "answer",
    [
        b"",  # nothing
        b"not json",
        b'{"problems": [1], "top": ""}',  # a problem that is not text
        b'{"problems": [], "top": 5}',
        b'["problems"]',
        b'{"problems": []}',  # no highest stamp (asked for below)
    ],
)
def test_a_child_that_answers_anything_else_is_not_believed(
    tmp_path: Path, monkeypatch, answer: bytes
) -> None:
    """The parent checks the table itself, and finds the highest stamp all the same."""
    data = a_file(tmp_path)
    monkeypatch.setattr(split_check, "_answer", lambda *a: answer)
    here = checked_here(monkeypatch)
    found: dict[str, Any] = {}
    path = tmp_path / "r.json"
    decode(encode(data), path, trusted=lambda *a: False, found=found, fork_checks=True)
    assert ("interactions", len(data["interactions"])) in here
    assert found == {"top": max_stamp(data), "exact": True}
    if answer != b'{"problems": []}':  # (well formed, where no stamp is asked for)
        raw = encode(with_bad(data, "interactions"))
        assert "interactions/" in refusal(raw, path, fork_checks=True)


def test_a_child_that_fails_or_cannot_be_forked_changes_nothing(
    tmp_path: Path, monkeypatch
) -> None:
    data = a_file(tmp_path)
    raw = encode(with_bad(data, "interactions"))

    def fails(*a: Any) -> bytes:
        raise RuntimeError("the child fails")

    monkeypatch.setattr(split_check, "_answer", fails)
    assert "interactions/" in refusal(raw, tmp_path / "r.json", fork_checks=True)

    def no_fork() -> int:
        raise OSError("no more processes")

    monkeypatch.setattr(split_check.os, "fork", no_fork)
    assert "interactions/" in refusal(raw, tmp_path / "r.json", fork_checks=True)


def test_a_child_that_does_not_answer_in_time_is_ended(tmp_path: Path, monkeypatch) -> None:
    import time

    def stuck(*a: Any) -> bytes:
        time.sleep(60)
        return b""

    monkeypatch.setattr(split_check, "_answer", stuck)
    monkeypatch.setattr(split_check, "WAIT_SECONDS", 0.3)
    raw = encode(with_bad(a_file(tmp_path), "interactions"))
    started = time.monotonic()
    assert "interactions/" in refusal(raw, tmp_path / "r.json", fork_checks=True)
    assert time.monotonic() - started < 10


def test_a_pipe_that_cannot_be_watched_changes_nothing(tmp_path: Path, monkeypatch) -> None:
    def cannot(*a: Any) -> Any:
        raise ValueError("filedescriptor out of range in select()")

    monkeypatch.setattr(split_check, "select", SimpleNamespace(select=cannot))
    raw = encode(with_bad(a_file(tmp_path), "interactions"))
    assert "interactions/" in refusal(raw, tmp_path / "r.json", fork_checks=True)


def test_no_fork_but_on_linux(tmp_path: Path, monkeypatch, children) -> None:
    raw = encode(with_bad(a_file(tmp_path), "interactions"))
    monkeypatch.setattr(files, "sys", SimpleNamespace(platform="darwin"))
    assert "interactions/" in refusal(raw, tmp_path / "r.json", fork_checks=True)
    assert not children


def test_no_fork_beside_another_thread(tmp_path: Path, children) -> None:
    """A thread that holds a lock at the fork would leave it held in the child forever."""
    import threading

    raw = encode(with_bad(a_file(tmp_path), "interactions"))
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert "interactions/" in refusal(raw, tmp_path / "r.json", fork_checks=True)
    finally:
        release.set()
        other.join()
    assert not children
    refusal(raw, tmp_path / "r.json", fork_checks=True)
    assert children == ["interactions"]


def test_one_core_or_a_small_table_checks_in_one_process(tmp_path: Path, monkeypatch, children):
    raw = encode(with_bad(a_file(tmp_path), "interactions"))
    monkeypatch.setattr(split_check, "_cores", lambda: 1)
    refusal(raw, tmp_path / "r.json", fork_checks=True)
    monkeypatch.setattr(split_check, "_cores", lambda: 2)
    monkeypatch.setattr(split_check, "MIN_BYTES", 1 << 20)
    refusal(raw, tmp_path / "r.json", fork_checks=True)
    assert not children


def test_a_command_process_splits_the_check_of_a_file_new_here(
    tmp_path: Path, monkeypatch, children
) -> None:
    """What decides it: a command's own process (one-shot, resident) on bytes this machine has
    not checked. The dashboard and a one-shot reader in another's process do not split."""
    monkeypatch.setenv("REBOUND_LOCK_DIR", str(tmp_path / "locks"))
    path = tmp_path / "r.json"
    path.write_bytes(encode(with_bad(a_file(tmp_path), "interactions")))
    for options in ({"one_shot": True}, {"resident": True}):
        with pytest.raises(DataFileError, match="interactions/"):
            Service.open(path, **options)
    assert not children
    with pytest.raises(DataFileError, match="interactions/"):
        Service.open(path, one_shot=True, resident=True)
    assert children == ["ahead"]  # (the file changed since anything was checked here)
    path.write_bytes(encode(a_file(tmp_path)))
    shutil.rmtree(checked.checked_dir())  # (a_file's save remembered them: new here again)
    Service.open(path, one_shot=True, resident=True)  # new bytes: checked, split again
    assert children == ["ahead", "ahead"]
    Service.open(path, one_shot=True, resident=True)  # checked before: not again
    assert children == ["ahead", "ahead"]


@pytest.mark.parametrize("ours", [True, False])
def test_while_the_child_checks_the_command_finds_whether_the_file_is_exact(
    tmp_path: Path, ours: bool, children
) -> None:
    """Then its save copies the tables it left alone (as after another command) instead of
    encoding the whole file."""
    data = a_file(tmp_path)
    raw = encode(data)
    if not ours:  # the same data, one letter written another way
        assert raw.count(b'"Dana"') == 1
        raw = raw.replace(b'"Dana"', b'"D\\u0061na"')
    found: dict[str, Any] = {}
    decode(raw, tmp_path / "r.json", trusted=lambda *a: False, found=found, fork_checks=True)
    assert children == ["interactions"]
    assert found == {"top": max_stamp(data), "exact": ours}
    path = tmp_path / "r.json"
    path.write_bytes(raw)
    shutil.rmtree(checked.checked_dir(), ignore_errors=True)
    service = Service.open(path, one_shot=True, resident=True)
    assert service.db.storage._read_exact is ours
    assert (service.db.storage._read is not None) is ours
    service.add_company("Zeta")
    service.save()
    again = json.loads(path.read_bytes())
    assert again["interactions"] == data["interactions"]
    assert sorted(c["name"] for c in again["companies"].values()) == ["Acme", "Zeta"]
    assert path.read_bytes() == encode(again)  # written exactly as we write, either way


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_every_hostile_file_is_refused_in_the_same_words(
    tmp_path: Path, case: str, children
) -> None:
    change, words = HOSTILE[case]
    data = a_file(tmp_path, interactions=3)
    change(data)
    raw = json.dumps(data, indent=2, sort_keys=True).encode()
    path = tmp_path / "r.json"
    alone = refusal(raw, path)
    assert refusal(raw, path, fork_checks=True) == alone
    assert str(decode_ahead(raw, path)[0]) == alone  # (and by a child forked ahead)
    assert all(word in alone for word in words)
    assert len(children) == 2 and children[1] == "ahead"  # (both split paths were taken)


# -- a child forked ahead (before the tables are known: `SplitCheck.ahead`) ----------------------
def decode_ahead(
    raw: bytes, path: Path, *, trusted: bool = False, found: dict[str, Any] | None = None
) -> tuple[Any, Any]:
    """`decode` of bytes new here (or `trusted`) with a child forked ahead, as a command's
    storage forks it: (the data, or the DataFileError raised; the child)."""
    from rebound_tui.domain.clock import ahead_limit, system_ms

    now = system_ms()
    child = split_check.SplitCheck.ahead(raw, ahead_limit(now), now, True)
    assert child is not None
    try:
        data = decode(
            raw,
            path,
            trusted=lambda *a: trusted,
            fork_checks=True,
            now_ms=now,
            ahead=child,
            found=found,
        )
    except DataFileError as exc:
        data = exc
    finally:
        child.abandon()
    return data, child


def checked_here(monkeypatch) -> list[tuple[str, int]]:
    """The tables checked in this process, each with how many of its records."""
    here: list[tuple[str, int]] = []
    real = record_problems.table_problems

    def spy(name: str, records: Any, *a: Any, **k: Any) -> list[str]:
        here.append((name, len(records)))
        return real(name, records, *a, **k)

    monkeypatch.setattr(record_problems, "table_problems", spy)
    return here


def interactions_here(here: list[tuple[str, int]]) -> int:
    return sum(n for name, n in here if name == "interactions")


@pytest.mark.parametrize(
    ("table", "at"),
    [("interactions", 0.0), ("interactions", 0.5), ("interactions", 1.0), ("contacts", 0.5)],
)
def test_a_child_forked_ahead_gives_the_same_verdict(
    tmp_path: Path, table: str, at: float, monkeypatch
) -> None:
    """Wherever the bad record is: in the largest table, which the child checks, or in another,
    which this process checks."""
    data = a_file(tmp_path)
    raw = encode(with_bad(data, table, at))
    path = tmp_path / "r.json"
    alone = refusal(raw, path)
    here = checked_here(monkeypatch)
    split, _ = decode_ahead(raw, path)
    assert str(split) == alone
    assert interactions_here(here) == 0  # (the child's, all of it)
    assert {name for name, _ in here} == {"companies", "contacts", "followups", "meta"}


def test_bad_records_in_both_shares_are_listed_in_the_files_order(tmp_path: Path) -> None:
    bad = with_bad(with_bad(a_file(tmp_path), "interactions", 0.0), "interactions", 1.0)
    raw = encode(bad)
    path = tmp_path / "r.json"
    alone = refusal(raw, path)
    assert "interactions/" in alone and "(and 1 more)" in alone
    assert str(decode_ahead(raw, path)[0]) == alone
    assert refusal(raw, path, fork_checks=True) == alone  # (and forked the late way)


def test_a_record_given_twice_across_the_shares_is_judged_as_one_process_judges_it(
    tmp_path: Path,
) -> None:
    """The file means the later value of a key given twice; the child saw the earlier one.
    Then its verdict is not taken: the whole table is checked here."""
    from rebound_tui.store.layout import fragment

    data = a_file(tmp_path)
    last = sorted(data["interactions"])[-1]
    earlier = dict(data["interactions"][last], note=["not", "text"])
    head = b'"interactions": {\n'
    raw = encode(data).replace(head, head + fragment(last, earlier) + b",\n", 1)
    path = tmp_path / "r.json"
    assert decode(raw, path, trusted=lambda *a: False) == data  # (one process: passes)
    assert decode_ahead(raw, path)[0] == data
    assert decode(raw, path, trusted=lambda *a: False, fork_checks=True) == data
    good = fragment(last, data["interactions"][last])
    later_bad = encode(data).replace(good, fragment(last, earlier))
    later_bad = later_bad.replace(head, head + good + b",\n", 1)
    alone = refusal(later_bad, path)
    assert str(decode_ahead(later_bad, path)[0]) == alone
    assert refusal(later_bad, path, fork_checks=True) == alone


def test_a_child_forked_ahead_finds_the_highest_stamp(tmp_path: Path, monkeypatch) -> None:
    data = a_file(tmp_path)
    raw = encode(data)
    here = checked_here(monkeypatch)
    found: dict[str, Any] = {}
    decoded, _ = decode_ahead(raw, tmp_path / "r.json", found=found)
    assert decoded == data
    assert found == {"top": max_stamp(data), "exact": True}
    # The child checked the largest table, this process every other one.
    assert interactions_here(here) == 0 and len(here) == len(data) - 1


def test_a_child_forked_ahead_is_ended_when_the_bytes_were_checked_before(
    tmp_path: Path, monkeypatch
) -> None:
    import time

    def slow(*a: Any) -> bytes:
        time.sleep(60)
        return b""

    monkeypatch.setattr(split_check, "_answer", slow)
    data = a_file(tmp_path)
    started = time.monotonic()
    decoded, child = decode_ahead(encode(data), tmp_path / "r.json", trusted=True)
    assert decoded == data
    assert time.monotonic() - started < 10  # (not waited for)
    split_check._reap_all()
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)  # ended and collected


def test_an_answer_about_another_table_is_not_believed(tmp_path: Path, monkeypatch) -> None:
    """A child forked ahead says which table it checked: the parent takes its verdict only for
    the table it picks itself (here it parsed the file differently: it checks them all)."""
    raw = encode(with_bad(a_file(tmp_path), "interactions"))
    from rebound_tui.store import layout  # (the child finds the tables with layout's)

    spans = layout.table_spans(raw)
    assert spans is not None
    # The child sees the interactions as empty: it checks another table, which passes.
    moved = [(n, a, a) if n == "interactions" else (n, a, b) for n, a, b in spans]
    parent = os.getpid()
    monkeypatch.setattr(
        layout, "table_spans", lambda raw: spans if os.getpid() == parent else moved
    )
    here = checked_here(monkeypatch)
    refused, _ = decode_ahead(raw, tmp_path / "r.json")
    assert "interactions/" in str(refused)
    assert ("interactions", 30) in here  # (all of them)


def test_no_child_ahead_for_a_small_file_or_one_core(tmp_path: Path, monkeypatch) -> None:
    raw = encode(a_file(tmp_path))
    monkeypatch.setattr(split_check, "_cores", lambda: 1)
    assert split_check.SplitCheck.ahead(raw, "9999", 0, True) is None
    monkeypatch.setattr(split_check, "_cores", lambda: 2)
    monkeypatch.setattr(split_check, "MIN_BYTES", len(raw) + 1)
    assert split_check.SplitCheck.ahead(raw, "9999", 0, True) is None


def test_a_command_forks_ahead_only_for_a_file_that_changed_since_anything_was_checked(
    tmp_path: Path, monkeypatch, children
) -> None:
    """The guess (`checked.changed_since_checked`) picks when the child starts, never the
    verdict: a file new here that looks known is split the late way, and checked all the same."""
    monkeypatch.setenv("REBOUND_LOCK_DIR", str(tmp_path / "locks"))
    path = tmp_path / "r.json"
    path.write_bytes(encode(with_bad(a_file(tmp_path), "interactions")))
    folder = checked.checked_dir()
    folder.mkdir(parents=True, exist_ok=True)
    later = path.stat().st_ctime + 60
    os.utime(folder, (later, later))  # an entry written after the file changed (or so it looks)
    with pytest.raises(DataFileError, match="interactions/"):
        Service.open(path, one_shot=True, resident=True)
    assert children == ["interactions"]
    os.utime(folder, (later - 120, later - 120))
    with pytest.raises(DataFileError, match="interactions/"):
        Service.open(path, one_shot=True, resident=True)
    assert children == ["interactions", "ahead"]


def test_changed_since_checked(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("REBOUND_LOCK_DIR", str(tmp_path / "locks"))
    path = tmp_path / "f.json"
    path.write_bytes(b"{}")
    ctime = path.stat().st_ctime_ns
    assert checked.changed_since_checked(ctime)  # nothing checked here yet
    checked.remember(b"\x01" * 32, checked.Entry("", True, True))
    folder = checked.checked_dir()
    os.utime(folder, ns=(ctime + 10**9, ctime + 10**9))
    assert not checked.changed_since_checked(ctime)
    assert checked.changed_since_checked(ctime + 2 * 10**9)  # the file changed since
    with checked.checking(b"\x02" * 32):  # a mark is not an entry: it changes nothing
        assert folder.stat().st_mtime_ns == ctime + 10**9


@pytest.mark.parametrize("bad", [False, True])
def test_a_cut_inside_a_record_gets_the_same_verdict(
    tmp_path: Path, bad: bool, monkeypatch
) -> None:
    """The child's share ends at the comma before a record only where records are laid out as
    `encode` lays them: in a file laid out otherwise the same bytes may sit between two fields
    of a record. Then both parts are invalid JSON, and the verdict is still the one-process
    one (the table is checked whole)."""
    import orjson

    data = a_file(tmp_path, interactions=60)
    raw = encode(with_bad(data, "interactions", 1.0) if bad else data)
    ((_, start, stop),) = [s for s in layout_spans(raw) if s[0] == "interactions"]
    begin = raw.rfind(b'\n    "', start, start + (stop - start) // 2)  # a record's start
    end = raw.find(b'\n    "', begin + 1, stop)  # the next one's
    assert start < begin < end
    share = (begin + 10 - start) / (stop - start)
    monkeypatch.setattr(split_check, "SHARE", share)
    # The record around the cut, its fields' separators as another program may lay them.
    record = raw[begin:end].replace(b',\n      "', b'  ,\n    "')
    odd = raw[:begin] + record + raw[end:]
    cut = split_check.cut_point(odd, start, stop)
    assert cut is not None and begin < cut < end - 2
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(split_check._parts(memoryview(odd), start, stop, cut)[0])
    path = tmp_path / "r.json"
    try:
        alone: Any = decode(odd, path, trusted=lambda *a: False)
    except DataFileError as exc:
        alone = str(exc)
    split = decode_ahead(odd, path)[0]
    assert (split if isinstance(split, dict) else str(split)) == alone
    try:  # (forked late: the child's share cut at SHARE)
        late: Any = decode(odd, path, trusted=lambda *a: False, fork_checks=True)
    except DataFileError as exc:
        late = str(exc)
    assert late == alone
    assert bad is isinstance(alone, str)


@pytest.mark.parametrize("ahead", [True, False])
def test_a_largest_table_laid_out_as_we_write_it_may_stay_bytes(tmp_path: Path, ahead) -> None:
    """`sparse`: the child checks all of the largest table and says whether its bytes are
    exactly `encode`'s; only then is it left as bytes (`sparse_table.py`), else parsed."""
    from rebound_tui.store.sparse_table import SparseTable, whole

    data = a_file(tmp_path, interactions=60)
    path = tmp_path / "r.json"
    good = encode(data)
    start = good.index(b'"interactions": {') + len(b'"interactions": ')
    odd = good[:start] + good[start:].replace(b'"kind": ', b'"kind":  ', 1)  # (a space more)
    for raw, kept in ((good, True), (odd, False)):
        found: dict[str, Any] = {}
        now = __import__("time").time_ns() // 10**6
        child = split_check.SplitCheck.ahead(raw, None, now, True) if ahead else None
        try:
            decoded = decode(
                raw,
                path,
                trusted=lambda *a: False,
                fork_checks=True,
                found=found,
                ahead=child,
                sparse=True,
                now_ms=now,
            )
        finally:
            if child is not None:
                child.abandon()
        assert (type(decoded["interactions"]) is SparseTable) is kept
        assert {k: whole(v) for k, v in decoded.items()} == data
        assert found["exact"] is kept and found["top"] == max_stamp(data)


def layout_spans(raw: bytes) -> list[tuple[str, int, int]]:
    from rebound_tui.store.layout import table_spans

    spans = table_spans(raw)
    assert spans is not None
    return spans


@pytest.mark.parametrize(
    "others",
    [
        None,  # no other tables' problems
        [],  # not one per table
        "others",
        [[1], [], [], None, []],  # a problem that is not text
        [[], [], [], [], []],  # a list where the largest table is (it has none of its own)
    ],
)
def test_a_child_forked_ahead_that_answers_anything_else_is_not_believed(
    tmp_path: Path, monkeypatch, others: Any
) -> None:
    """A child forked ahead checks every other table too; anything but one list of messages
    per table (none for the largest) and every table is checked here, in the same words."""
    data = a_file(tmp_path)
    bad = encode(with_bad(data, "contacts"))
    real = split_check._answer_whole

    def forged(raw: bytes, *a: Any) -> bytes:
        answer = json.loads(real(raw, *a))
        assert len(answer["others"]) == 5  # (the file's tables: the forgeries above fit it)
        answer["others"] = others
        answer["problems"] = []
        return json.dumps(answer).encode()

    monkeypatch.setattr(split_check, "_answer_whole", forged)
    here = checked_here(monkeypatch)
    path = tmp_path / "r.json"
    assert str(decode_ahead(bad, path)[0]) == refusal(bad, path)
    assert {"contacts", "interactions"} <= {name for name, _ in here}


def test_a_child_has_answered_once_its_answer_arrives(tmp_path: Path) -> None:
    read, write = os.pipe()
    child = split_check.SplitCheck(os.getpid(), read, top=False)
    assert not child.answered()
    os.write(write, b"{")
    assert child.answered()
    os.close(write)
    os.close(read)
    child._fd = None
    assert child.answered()  # (asked or abandoned: nothing to wait for)
