"""`rebound-tui import imap`: against a real Dovecot started on 127.0.0.1 (dovecot_server.py),
plain only because it is loopback, then with a self-signed certificate over implicit TLS and
STARTTLS. Skipped with a visible reason where Dovecot is not installed (CI installs it)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import sys
from pathlib import Path

import pytest
from conftest import assert_one_line_error, snapshot
from dovecot_server import PASSWORD, USER, make_cert, server_root, start
from mail_fixtures import ME, maildir, message
from rebound_test_helpers import require_tool

from rebound_tui.io.imap import is_loopback


def ok(run_cli, *args) -> str:
    code, out, err = run_cli(*args)
    assert code == 0, (args, out, err)
    assert err == "", err
    return out


@pytest.fixture
def network(run_cli, data_path: Path) -> Path:
    ok(run_cli, "add", "company", "Glenview Freight", "--website", "https://glenview.example")
    ok(
        run_cli,
        "add",
        "contact",
        "Jane Boss",
        "--company",
        "Glenview Freight",
        "--email",
        "jane@glenview.example",
    )
    return data_path


def seed(root: Path) -> None:
    home = root / "mail" / USER
    maildir(
        home,
        [
            message(sender="jane@glenview.example", to=ME, subject="Re: coffee?"),
            message(sender="news@shop.example", to=ME, subject="sale"),
            message(
                sender="jane@glenview.example",
                to=ME,
                subject="old",
                date="Mon, 05 Jan 2026 10:00:00 -0600",
            ),
        ],
        sub="new",
    )
    # The server's SEARCH SINCE looks at the delivery date: the file's time, in a Maildir.
    old = home / "new" / "1700000000.2.host"
    stamp = dt.datetime(2026, 1, 5, 16, tzinfo=dt.UTC).timestamp()
    os.utime(old, (stamp, stamp))
    maildir(home / ".Sent", [message(subject="=?utf-8?q?Thanks=2C_Jane_=E2=9C=93?=")])


@pytest.fixture
def password_command(tmp_path: Path) -> str:
    script = tmp_path / "pw.py"
    script.write_text(f"print({PASSWORD!r})\n")
    return f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"


@pytest.fixture
def plain_server(tmp_path: Path):
    binary = require_tool("dovecot")
    root = server_root(tmp_path)
    seed(root)
    server = start(binary, root, tls="no")
    yield server
    server.stop()


def imap_args(server, *more: str) -> list[str]:
    return [
        "import",
        "imap",
        "--host",
        "127.0.0.1",
        "--port",
        str(server.port),
        "--user",
        USER,
        *more,
    ]


def test_plain_loopback_import_reads_the_inbox_and_the_sent_folder(
    run_cli, network, plain_server, password_command
):
    out = ok(run_cli, *imap_args(plain_server, "--password-command", password_command, "--me", ME))
    assert f"mail import from {USER}@127.0.0.1: read 4, matched 3, logged 3" in out
    rows = json.loads(ok(run_cli, "list", "interactions", "--json"))
    assert sorted((r["direction"], r["topic"]) for r in rows) == [
        ("in", "Re: coffee?"),
        ("in", "old"),
        ("out", "Thanks, Jane ✓"),
    ]
    # Read-only: a second run finds the same messages and logs nothing new.
    out = ok(run_cli, *imap_args(plain_server, "--password-command", password_command, "--me", ME))
    assert "logged 0, already known 3" in out
    # Nothing was marked read.
    from imapclient import IMAPClient

    with IMAPClient("127.0.0.1", port=plain_server.port, ssl=False) as client:
        client.login(USER, PASSWORD)
        client.select_folder("INBOX", readonly=True)
        assert len(client.search(["UNSEEN"])) == 3


def test_since_and_folder_and_the_password_from_the_environment(
    run_cli, network, plain_server, monkeypatch
):
    monkeypatch.setenv("REBOUND_IMAP_PASSWORD", PASSWORD)
    out = ok(
        run_cli, *imap_args(plain_server, "--folder", "INBOX", "--since", "2026-11-01", "--me", ME)
    )
    assert "read 2, matched 1, logged 1" in out


def test_bad_login_missing_folder_and_no_password_are_one_line_errors(
    run_cli, network, plain_server, monkeypatch, tmp_path
):
    before = snapshot(network)
    monkeypatch.setenv("REBOUND_IMAP_PASSWORD", "wrong")
    code, _, err = run_cli(*imap_args(plain_server, "--me", ME))
    assert code == 2
    assert_one_line_error(err, "refused the login")
    monkeypatch.setenv("REBOUND_IMAP_PASSWORD", PASSWORD)
    code, _, err = run_cli(*imap_args(plain_server, "--folder", "Nope", "--me", ME))
    assert code == 2
    assert_one_line_error(err, "no folder 'Nope'")
    monkeypatch.delenv("REBOUND_IMAP_PASSWORD")
    code, _, err = run_cli(*imap_args(plain_server, "--me", ME))
    assert code == 2
    assert_one_line_error(err, "--password-command", "never taken as an argument")
    code, _, err = run_cli(*imap_args(plain_server, "--password", PASSWORD, "--me", ME))
    assert code == 2
    assert_one_line_error(err, "unrecognized arguments")
    code, _, err = run_cli(*imap_args(plain_server, "--password-command", "exit 3", "--me", ME))
    assert code == 1
    assert_one_line_error(err, "password command failed (exit status 3)")
    assert snapshot(network) == before


def test_nothing_listening_is_one_line_and_exit_1(run_cli, network, monkeypatch):
    from dovecot_server import free_port

    monkeypatch.setenv("REBOUND_IMAP_PASSWORD", PASSWORD)
    code, _, err = run_cli(
        "import",
        "imap",
        "--host",
        "127.0.0.1",
        "--port",
        str(free_port()),
        "--user",
        USER,
        "--me",
        ME,
    )
    assert code == 1
    assert_one_line_error(err, "cannot connect", "nothing was changed")


@pytest.fixture
def certificate(tmp_path: Path):
    openssl = require_tool("openssl")
    folder = tmp_path / "tls"
    folder.mkdir()
    return make_cert(openssl, folder)


@pytest.mark.parametrize("mode", ["implicit", "starttls"])
def test_tls_with_a_self_signed_certificate(
    run_cli, network, tmp_path, certificate, monkeypatch, mode
):
    binary = require_tool("dovecot")
    root = server_root(tmp_path)
    seed(root)
    server = start(binary, root, tls=mode, cert=certificate)
    try:
        monkeypatch.setenv("REBOUND_IMAP_PASSWORD", PASSWORD)
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        code, _, err = run_cli(*imap_args(server, "--me", ME))
        assert code == 1  # the certificate is nobody's we trust
        assert_one_line_error(err, "cannot be trusted", "SSL_CERT_FILE")
        monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
        out = ok(run_cli, *imap_args(server, "--me", ME))
        assert "logged 3" in out
    finally:
        server.stop()


def test_loopback_detection():
    assert is_loopback("127.0.0.1")
    assert is_loopback("::1")
    assert is_loopback("localhost")
    assert not is_loopback("192.0.2.10")
    assert not is_loopback("8.8.8.8")


def test_a_plain_server_that_is_not_loopback_is_refused(
    run_cli, network, plain_server, monkeypatch
):
    # The real server, as if it were elsewhere: no TLS, no STARTTLS, so no connection.
    import rebound_tui.io.imap as imap

    monkeypatch.setattr(imap, "is_loopback", lambda host: False)
    monkeypatch.setenv("REBOUND_IMAP_PASSWORD", PASSWORD)
    before = snapshot(network)
    code, _, err = run_cli(*imap_args(plain_server, "--me", ME))
    assert code == 1
    assert_one_line_error(err, "offers no encryption", "only to this machine")
    assert snapshot(network) == before


def test_the_saved_account_and_addresses_are_the_defaults(
    run_cli, network, plain_server, password_command
):
    from rebound_tui.mail_service import set_imap_settings, set_my_addresses
    from rebound_tui.service import Service

    service = Service.open(network)
    set_imap_settings(
        service,
        host="127.0.0.1",
        port=plain_server.port,
        user=USER,
        password_command=password_command,
    )
    set_my_addresses(service, [ME])
    service.save()
    assert "password" not in service.setting("imap")
    out = ok(run_cli, "import", "imap", "--dry-run")
    assert "read 4, matched 3, logged 3" in out
