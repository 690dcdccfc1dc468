"""The panes' rows built in a helper process while the dashboard paints its first screen.

A first start on a large file waits mostly for one core: after the first paint, a thread opens
the data and then builds the bullpen's and the network's rows (a quarter of a second on the
heavy benchmark file, all of it Python holding the interpreter), while the machine's other core
idles. So the dashboard starts a child process as it starts (on Linux a fork of it, made before
it imports Textual: no interpreter to start; elsewhere this module run by a new interpreter):
the child opens the same file as a one-shot reader, builds every pane's rows (`views.build`)
and sends them back. The dashboard's loader, once its own open is done, takes them instead of
building them, if they are of exactly the data it holds: the file in the same state (device,
inode, size, times) read with nothing unsaved on either side, and the same day. Otherwise, or
when the child failed or is late, it builds them itself as before: the helper only ever saves
time.

The child writes nothing but what any command leaves (the checks' cache, store/checked.py),
never touches the terminal (no standard input, its output and errors go nowhere), and dies
with a broken pipe if the dashboard is gone. Its answer is plain values (tuples of strings,
numbers, None), read back by an unpickler that refuses every class and function: nothing in it
can run code, and every row is rebuilt here from those values.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import fields
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rebound_tui.rows import BullpenRow, DueEntry, DueRow, DueSummary, NetworkRow

if TYPE_CHECKING:
    from rebound_tui.service import Service
    from rebound_tui.views import Snapshot

__all__ = ["ViewsHelper", "from_wire", "main", "to_wire"]

FORMAT = 2  # of the answer: bumped whenever the rows or their encoding change
NICENESS = 10  # the child's: it yields to the dashboard (and to everything else)
WAIT_SECONDS = 5.0  # the longest the loader waits for the child once its own open is done
_KEPT: list[Any] = []  # what the child's answer was made of: its process ends, nothing is freed


def _names(cls: type) -> tuple[str, ...]:
    return tuple(getattr(cls, "_fields", None) or (f.name for f in fields(cls)))


_BULLPEN = attrgetter(*_names(BullpenRow))
_NETWORK_NAMES = _names(NetworkRow)
_WARMTH_AT = _NETWORK_NAMES.index("warmth")
_DUE = attrgetter(*_names(DueRow))
_SUMMARY = attrgetter(*_names(DueSummary))


# -- the answer: a snapshot as plain values, and back ------------------------------------------
def to_wire(snapshot: Snapshot) -> dict[str, Any]:
    """The snapshot as plain values. The network's rows (most of them) go as columns, one tuple
    of values per field, a warmth as its level, score and cooling: taken apart and put together
    again in C (`zip`), where a row at a time cost 3-6 us each way (5,000 people on the heavy
    benchmark file)."""
    network = snapshot.network
    columns = list(zip(*network, strict=True)) if network else [()] * len(_NETWORK_NAMES)
    columns[_WARMTH_AT] = tuple([(h.level.value, h.score, h.cooling) for h in columns[_WARMTH_AT]])
    return {
        "bullpen": [_BULLPEN(row) for row in snapshot.bullpen],
        "network": columns,
        "due": [_DUE(row) for row in snapshot.due],
        "summary": _SUMMARY(snapshot.summary),
        "upcoming": [_DUE(row) for row in snapshot.upcoming],
        "entries": [entry.values() for entry in snapshot.entries],  # (as the cache has them)
    }


def from_wire(payload: dict[str, Any]) -> Snapshot:
    """The snapshot `to_wire` gave. Raises TypeError, ValueError, KeyError or IndexError for
    anything else (the caller then builds the rows itself): columns more or fewer than the
    network's fields, or of unequal lengths, included."""
    from rebound_tui.domain.warmth import Level, Warmth
    from rebound_tui.views import Snapshot

    if type(payload) is not dict:
        raise TypeError("not a snapshot")
    columns = payload["network"]
    if type(columns) is not list or len(columns) != len(_NETWORK_NAMES):
        raise TypeError("not the network's columns")
    if any(type(column) is not tuple for column in columns):  # (a text would zip as letters)
        raise TypeError("a column that is not a tuple of values")
    warmths: dict[tuple[Any, ...], Warmth] = {}
    levels = {level.value: level for level in Level}  # (`Level(value)` costs ~1 us a row)
    heats = []
    for values in columns[_WARMTH_AT]:
        heat = warmths.get(values)
        if heat is None:
            level, score, cooling = values
            heat = warmths[values] = Warmth(levels[level], score, cooling)
        heats.append(heat)
    columns = [*columns[:_WARMTH_AT], heats, *columns[_WARMTH_AT + 1 :]]
    network = list(map(NetworkRow._make, zip(*columns, strict=True)))
    by_company: dict[str | None, list[NetworkRow]] = defaultdict(list)
    for row in network:
        by_company[row.company_id].append(row)
    return Snapshot(
        bullpen=list(map(BullpenRow._make, payload["bullpen"])),
        network=network,
        due=list(map(DueRow._make, payload["due"])),
        summary=DueSummary(*payload["summary"]),
        upcoming=list(map(DueRow._make, payload["upcoming"])),
        network_by_company=dict(by_company),
        entries=[DueEntry.from_values(values) for values in payload["entries"]],
    )


class _PlainValues(pickle.Unpickler):
    """Reads plain values only: a class or function named in the stream is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"not a plain value: {module}.{name}")


# -- the dashboard's side ------------------------------------------------------------------------
class ViewsHelper:
    """The child process building the panes' rows of one data file."""

    def __init__(self, process: subprocess.Popen[bytes] | _Forked) -> None:
        self.process = process

    @classmethod
    def start(cls, path: Path) -> ViewsHelper | None:
        """Start the child on `path` (None if it cannot be started: the loader builds the rows
        itself). Forked where it can be (`_fork`); else a new interpreter that imports this
        same package (its folder first on its path, and `-P`: not one in the folder the
        dashboard was started from)."""
        forked = _fork(path)
        if forked is not None:
            return cls(forked)
        import rebound_tui

        root = str(Path(rebound_tui.__file__).resolve().parent.parent)
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        try:
            process = subprocess.Popen(
                [sys.executable, "-P", "-m", __name__, str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                start_new_session=True,  # (no signal meant for the dashboard's terminal)
            )
        except (OSError, ValueError):
            return None
        return cls(process)

    def take(self, service: Service, wait: float = WAIT_SECONDS) -> Snapshot | None:
        """The rows the child built, if they are those of `service`'s data today (else None:
        build them). Waits for the child at most `wait` seconds."""
        try:
            out, _ = self.process.communicate(timeout=wait)
        except subprocess.TimeoutExpired:
            self.stop()
            return None
        except (OSError, ValueError):
            return None
        # (None: a forked child, its answer written whole, still ending; a partial answer is
        # refused by the unpickler below)
        if self.process.returncode not in (0, None) or not out:
            return None
        try:
            answer = _PlainValues(io.BytesIO(out)).load()
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError):
            return None
        if type(answer) is not tuple or len(answer) != 4:
            return None
        form, state, day, payload = answer
        mine = service.disk_state()
        if form != FORMAT or mine is None or state != tuple(mine):
            return None
        if day != service.today().isoformat():
            return None
        try:
            return from_wire(payload)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError):
            return None

    def stop(self) -> None:
        """End the child if it still runs (the dashboard quit before it was asked)."""
        process = self.process
        if process.poll() is None:
            process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
        if process.stdout is not None:
            process.stdout.close()
        if isinstance(process, _Forked):
            process.release()


class _Forked:
    """A child forked by `_fork`: what `ViewsHelper` asks of a `subprocess.Popen`."""

    def __init__(self, pid: int, answer_fd: int, store: int | None = None) -> None:
        self.pid = pid
        self.stdout: io.BufferedReader | None = os.fdopen(answer_fd, "rb")
        self.store = store  # (the answer is there, written whole when the pipe closes)
        self.returncode: int | None = None
        self._lock = threading.Lock()  # (collected by one thread: the others read its code)

    def poll(self) -> int | None:
        with self._lock:
            if self.returncode is None:
                try:
                    pid, status = os.waitpid(self.pid, os.WNOHANG)
                except ChildProcessError:  # (collected by something else)
                    self.returncode = -1
                    return self.returncode
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
            return self.returncode

    def release(self) -> None:
        """Close the file in memory (the answer read, or no longer wanted)."""
        if self.store is not None:
            os.close(self.store)
            self.store = None

    def _collect(self) -> None:
        """Wait (in a thread) for the child's end, then collect it."""
        with contextlib.suppress(OSError):  # (collected already: ChildProcessError)
            os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOWAIT)  # (ended, not collected)
        self.poll()

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout or 0.0)
            time.sleep(0.002)
        assert self.returncode is not None
        return self.returncode

    def kill(self) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def communicate(self, timeout: float | None = None) -> tuple[bytes, None]:
        """The whole answer, within `timeout` seconds (else TimeoutExpired, the child still
        running). The child closes its end once it has written the answer, then ends: it is
        collected by a thread meanwhile, not waited for (`returncode` may be None here)."""
        if self.stdout is None:
            raise ValueError("read already")
        deadline = None if timeout is None else time.monotonic() + timeout
        fd, parts = self.stdout.fileno(), []
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not select.select([fd], [], [], left)[0]:
                raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout or 0.0)
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            parts.append(chunk)
        self.stdout.close()
        self.stdout = None
        if self.store is not None:
            parts = [os.pread(self.store, os.fstat(self.store).st_size, 0)]  # (short: refused)
            self.release()
        if self.poll() is None:
            threading.Thread(target=self._collect, name="views helper", daemon=True).start()
        return b"".join(parts), None


def _fork(path: Path) -> _Forked | None:
    """The child as a fork of this process, which has imported little yet (the dashboard starts
    it before Textual): it need not start an interpreter (about 40 ms on the heavy benchmark
    file's first start, beside the dashboard's own). None where it cannot be forked safely
    (`files.fork_with_pipe`: Linux only, never beside another thread), or if the fork fails."""
    from rebound_tui.store.files import fork_with_pipe

    store = _memory_file()
    forked = fork_with_pipe()
    if forked is None:
        if store is not None:
            os.close(store)
        return None
    pid, fd = forked
    if pid == 0:  # the child: no terminal, its answer on the pipe, no exit handlers of ours
        code = 1
        try:
            os.setsid()  # (no signal meant for the dashboard's terminal)
            null = os.open(os.devnull, os.O_RDWR)
            for std in (0, 1, 2):
                os.dup2(null, std)
            code = _answer_to(path, fd, store)
        except BaseException:  # noqa: BLE001, S110 (the dashboard then builds the rows itself)
            pass
        finally:
            os._exit(code)
    return _Forked(pid, fd, store)


def _memory_file() -> int | None:
    """A file in memory for the forked child's answer (None: it goes through the pipe). Through
    a pipe, 64 KB at a time, each read waits for the child (at a lower priority) to be run
    again: 25-30 ms for the heavy file's 1.8 MB, once the dashboard is ready for them."""
    try:
        return os.memfd_create("rebound-tui views", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        return None


def _answer_to(path: Path, fd: int, store: int | None = None) -> int:
    """The child's life after the fork: as `_run_as_process`, its answer written to `store`
    (a file in memory), or else to the pipe `fd`; then the pipe is closed."""
    import gc

    from rebound_tui.store.files import write_all

    with contextlib.suppress(OSError, AttributeError):
        os.nice(NICENESS)
    gc.disable()
    out = answer(path)
    if out is None:
        return 1
    write_all(fd if store is None else store, out)
    # Closed now, not by the exit: the kernel frees the child's memory (a few hundred MB on
    # the heavy file) before it closes its files, and the dashboard reads to the end.
    os.close(fd)
    return 0


# -- the child's side ----------------------------------------------------------------------------
def answer(path: Path) -> bytes | None:
    """The child's answer for the data file `path`: its state as read, the day, and every
    pane's rows (None when there is nothing to send: no file, or memory is not the file)."""
    from rebound_tui.service import Service
    from rebound_tui.touches import INTERACTION_FACTS
    from rebound_tui.views import build

    if not path.is_file():
        return None
    _KEPT.clear()
    try:  # (of the interactions, most of a file, only the facts the rows take)
        service = Service.open(path, one_shot=True, summaries=INTERACTION_FACTS)
    except Exception:  # noqa: BLE001 (conflict copies or a journal to merge: the whole open)
        service = Service.open(path, one_shot=True)
    state = service.disk_state()
    if state is None:
        return None
    today = service.today()
    _KEPT.append(snapshot := build(service, today, keep=_KEPT))  # (freed by the exit, not here)
    return pickle.dumps((FORMAT, tuple(state), today.isoformat(), to_wire(snapshot)), protocol=5)


def main(argv: list[str] | None = None) -> int:
    """`python -m rebound_tui.views_helper PATH`: the answer on standard output; 1 (and no
    output) when there is none or anything went wrong."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        return 2
    try:
        out = answer(Path(args[0]))
    except Exception:  # noqa: BLE001 (the dashboard then builds the rows itself)
        return 1
    if out is None:
        return 1
    try:
        sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
    except (BrokenPipeError, OSError):  # the dashboard is gone
        return 1
    return 0


def _run_as_process() -> None:
    """The child's whole life: no cyclic collector (nothing it builds is garbage before it
    ends: the collections would only walk the data, tens of milliseconds on a large file),
    and no teardown freeing that data object by object after the answer is out."""
    import gc

    with contextlib.suppress(OSError, AttributeError):
        os.nice(NICENESS)  # (where the cores are short, the dashboard's own start comes first)
    gc.disable()
    code = main()
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    os._exit(code)


if __name__ == "__main__":
    _run_as_process()
