"""Benchmark (issue 17): `import mail` of a generated 50,000-message mbox against the heavy file.

    python benchmarks/mail_import.py                      # 50,000 messages, heavy data
    python benchmarks/mail_import.py --messages 10000      # another size (memory should not move)
    python benchmarks/mail_import.py --keep                # keep the mbox in benchmarks/data/

The mbox is written once per size and seed into benchmarks/data/ (gitignored): a third of the
messages are exchanged with contacts of the heavy file (sent and received, some to several of
them, some with encoded-word subjects, some without a Message-ID), the rest with strangers and
mailing lists; bodies of 1-6 KB, and 1 % carry a 150 KB attachment, so the file is as long as a
real mailbox of that many messages. Each run imports a fresh copy of the heavy file in a child
process and prints the time of each phase and the child's peak memory (VmHWM), next to a child
that only opens the data file: the difference is what the import costs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

ME = "pat.jones@home.example"
# fmt: off
WORDS = [
    "thanks", "interview", "follow", "up", "coffee", "referral", "quarterly", "plan", "hiring",
    "team", "role", "update", "news", "contract", "logistics", "freight", "report", "budget",
    "lunch", "next", "week", "call", "notes", "great", "meeting",
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
ZONES = ["-0600", "+0100", "-0800", "+0000"]
# fmt: on


def _body(rng: random.Random, size: int) -> str:
    words = []
    length = 0
    while length < size:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    text = " ".join(words)
    return "\n".join(text[i : i + 72] for i in range(0, len(text), 72))


def write_mbox(path: Path, count: int, emails: list[str], seed: int = 7) -> Path:
    rng = random.Random(seed)
    attachment = "\n".join(["JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJl"] * 2500)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for n in range(count):
            day = 1 + n * 1000 // count  # spread over about three years
            year, doy = 2024 + day // 365, day % 365
            month, mday = 1 + doy // 31 % 12, 1 + doy % 28
            hour = rng.randrange(24)
            clock = f"{hour:02d}:{rng.randrange(60):02d}:00 {rng.choice(ZONES)}"
            date = f"{mday:02d} {MONTHS[month - 1]} {year} {clock}"
            kind = rng.random()
            if kind < 0.33 and emails:
                them = rng.sample(emails, rng.choice([1, 1, 1, 2]))
                sender, to = (ME, ", ".join(them)) if rng.random() < 0.5 else (them[0], ME)
            else:
                sender, to = f"list{rng.randrange(200)}@lists.example", ME
            subject = rng.choice(
                ["Re: " + " ".join(rng.sample(WORDS, 4)), "=?UTF-8?Q?Caf=C3=A9_next_week=3F?="]
            )
            lines = [
                "From MAILER-DAEMON Mon Jan  1 00:00:00 2024",
                f"From: {sender}",
                f"To: {to}",
                f"Subject: {subject}",
                f"Date: {date}",
            ]
            if rng.random() > 0.02:
                lines.append(f"Message-ID: <bench.{seed}.{n}@home.example>")
            lines += [f"Received: from mx{i}.example by mx.example; {date}" for i in range(4)]
            if rng.random() < 0.01:
                lines += [
                    "MIME-Version: 1.0",
                    'Content-Type: multipart/mixed; boundary="XX"',
                    "",
                    "--XX",
                    "Content-Type: text/plain",
                    "",
                    _body(rng, 1500),
                    "--XX",
                    "Content-Type: application/pdf",
                    "Content-Transfer-Encoding: base64",
                    "",
                    attachment,
                    "--XX--",
                ]
            else:
                lines += ["", _body(rng, rng.randrange(1000, 6000))]
            out.write("\n".join(lines) + "\n\n")
    return path


CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from child import peak_rss_kb
mode, data, mbox, me = sys.argv[2:6]
t0 = time.perf_counter()
from rebound_tui.service import Service
service = Service.open(data)
service.companies()
t1 = time.perf_counter()
result = {"open_s": t1 - t0, "open_peak_kb": peak_rss_kb()}
if mode in ("import", "again"):
    from rebound_tui.io.mail import read_messages, sources
    from rebound_tui.mail_service import import_mail
    summary = import_mail(service, read_messages(sources([mbox])), me=[me], source="bench")
    t2 = time.perf_counter()
    service.save()
    t3 = time.perf_counter()
    result.update(import_s=t2 - t1, save_s=t3 - t2, summary=summary.counts,
                  done=len(summary.done), retimed=summary.retimed)
result["peak_kb"] = peak_rss_kb()
print(json.dumps(result))

"""


def _child(mode: str, data: Path, mbox: Path, work: Path) -> dict:
    copy = work / ("import.json" if mode == "again" else f"{mode}.json")
    if mode != "again":  # "again" re-imports into the file the import child saved
        shutil.copyfile(data, copy)
    env = dict(os.environ, REBOUND_TZ="America/Chicago", REBOUND_LOCK_DIR=str(work))
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(HERE), mode, str(copy), str(mbox), ME],
        capture_output=True,
        text=True,
        env=env,
        cwd=HERE.parent,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout)


def main(argv: list[str] | None = None) -> int:
    import generate

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--size", default="heavy")
    parser.add_argument("--keep", action="store_true", help="keep the mbox in benchmarks/data/")
    args = parser.parse_args(argv)

    data = generate.ensure(args.size)
    doc = json.loads(data.read_bytes())
    emails = sorted(
        {d["email"] for d in doc["contacts"].values() if d.get("email") and "_deleted" not in d}
    )
    folder = generate.DATA_DIR
    mbox = folder / f"mail-{args.messages}.mbox"
    if not mbox.exists():
        t = time.perf_counter()
        write_mbox(mbox, args.messages, emails)
        print(f"wrote {mbox} in {time.perf_counter() - t:.1f} s")
    size_mb = mbox.stat().st_size / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = _child("open", data, mbox, work)
        run = _child("import", data, mbox, work)
        again = _child("again", data, mbox, work)
    print(f"data: {data.name} ({len(emails):,} contacts with an email)")
    print(f"mbox: {args.messages:,} messages, {size_mb:,.0f} MB")
    print(f"import: {run['summary']}")
    print(f"follow-ups done: {run['done']}, check-ins re-timed: {run['retimed']}")
    print(f"time: open {run['open_s']:.2f} s, read + match + write {run['import_s']:.2f} s, "
          f"save {run['save_s']:.2f} s")  # fmt: skip
    print(
        f"peak memory: {run['peak_kb'] / 1024:.0f} MB (opening the data file alone: "
        f"{base['peak_kb'] / 1024:.0f} MB; the import adds "
        f"{(run['peak_kb'] - base['peak_kb']) / 1024:.0f} MB)"
    )
    print(
        f"re-import (every message already known): {again['summary']}; "
        f"{again['import_s']:.2f} s, peak memory {again['peak_kb'] / 1024:.0f} MB (after opening "
        f"the now larger file: {again['open_peak_kb'] / 1024:.0f} MB)"
    )
    if not args.keep:
        mbox.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
