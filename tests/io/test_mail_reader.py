"""io/mail.py on its own: any bytes give a message or a skip reason (never an exception), the
mbox splitter counts messages whatever their bodies hold, and only headers are kept."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mail_fixtures import mbox, message

from rebound_tui.domain.mail import Broken, MailMessage
from rebound_tui.io.mail import parse_headers, read_messages, sources


@given(st.binary(max_size=2000))
def test_any_header_bytes_give_a_message_or_a_reason(raw):
    result = parse_headers(raw)
    assert isinstance(result, MailMessage | Broken)
    if isinstance(result, MailMessage):
        assert "\n" not in result.subject and "\x1b" not in result.subject


@given(st.lists(st.text(alphabet="From xyz\n>:", max_size=80), min_size=1, max_size=8))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=50)
def test_the_mbox_splitter_counts_messages_whatever_the_bodies_hold(tmp_path: Path, bodies):
    path = mbox(
        tmp_path / "x.mbox", [message(body=b, subject=f"s{n}") for n, b in enumerate(bodies)]
    )
    found = list(read_messages(sources([path])))
    assert [m.subject for m in found] == [f"s{n}" for n in range(len(bodies))]


def test_progress_runs_to_the_total_in_bytes(tmp_path: Path):
    path = mbox(tmp_path / "x.mbox", [message(multipart=True) for _ in range(50)])
    seen: list[tuple[int, int]] = []
    assert len(list(read_messages(sources([path]), lambda d, t: seen.append((d, t))))) == 50
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:], strict=False))


HEAD = "From: a@x.example\nTo: b@y.example\nSubject: Zoë\nDate: Thu, 26 Nov 2026 10:00:00 +0000\n"


def test_raw_eight_bit_headers_are_read_as_utf8_or_windows_1252():
    utf8 = parse_headers(HEAD.encode())
    latin = parse_headers(HEAD.encode("cp1252"))
    assert utf8.subject == latin.subject == "Zoë"
