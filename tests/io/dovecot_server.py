"""A real Dovecot IMAP server for the tests: a throwaway config, one user in a passwd-file,
Maildirs in a temp folder, listening on 127.0.0.1 only, run in the foreground (`dovecot -F`)
and stopped at teardown."""

from __future__ import annotations

import getpass
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

USER = "pat"
PASSWORD = "s3cret pass"  # a space: the password is passed as it is


def mail_ids() -> tuple[int, int]:
    """The uid/gid the mail is accessed as: ours, or, as root (Dovecot refuses uid 0 for mail),
    Dovecot's own account."""
    if os.geteuid() != 0:
        return os.getuid(), os.getgid()
    entry = pwd.getpwnam(_service_users()[1])
    return entry.pw_uid, entry.pw_gid


def server_root(tmp_path: Path) -> Path:
    """A folder for the server's files. As root, outside pytest's private (0700) temp folder,
    so that the unprivileged mail process can reach its Maildirs; removed by `stop()`."""
    if os.geteuid() != 0:
        root = tmp_path / "dovecot"
        root.mkdir()
        return root
    root = Path(tempfile.mkdtemp(prefix="rebound-dovecot-"))
    root.chmod(0o755)
    return root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _service_users() -> tuple[str, str]:
    """(login user, internal user): Dovecot's own accounts when running as root, else us."""
    me = getpass.getuser()
    if os.geteuid() != 0:
        return me, me
    names = []
    for name in ("dovenull", "dovecot"):
        try:
            pwd.getpwnam(name)
            names.append(name)
        except KeyError:
            names.append(me)
    return names[0], names[1]


@dataclass
class Dovecot:
    root: Path
    port: int
    process: subprocess.Popen
    tls: str  # "no", "starttls" or "implicit"

    @property
    def maildir(self) -> Path:
        return self.root / "mail" / USER

    @property
    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        if self.root.name.startswith("rebound-dovecot-"):
            shutil.rmtree(self.root, ignore_errors=True)


def make_cert(openssl: str, folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    key.chmod(0o600)
    return cert, key


def start(binary: str, root: Path, *, tls: str = "no", cert: tuple[Path, Path] | None = None):
    """Start Dovecot on a free 127.0.0.1 port; returns once it greets."""
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "run").chmod(0o755)
    uid, gid = mail_ids()
    if os.geteuid() == 0:
        for folder, dirs, files in os.walk(root / "mail"):
            for name in [*dirs, *files]:
                os.chown(os.path.join(folder, name), uid, gid)
        os.chown(root / "mail", uid, gid)
    login_user, internal_user = _service_users()
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{root}/home/{USER}\n")
    port = free_port()
    if tls == "no":
        ssl = "ssl = no"
    else:
        assert cert is not None
        ssl = f"ssl = required\nssl_cert = <{cert[0]}\nssl_key = <{cert[1]}"
    if tls == "implicit":
        plain, tls_port = "port = 0", f"address = 127.0.0.1\n port = {port}\n ssl = yes"
    else:
        plain, tls_port = f"address = 127.0.0.1\n port = {port}", "port = 0"
    listeners = f"inet_listener imap {{\n {plain}\n}}\ninet_listener imaps {{\n {tls_port}\n}}"
    # As root, the auth processes read the passwd-file as root (the pytest temp folder is private
    # to its owner); as a normal user everything runs as that user anyway.
    auth_service = (
        "service auth {\n  user = root\n}\nservice auth-worker {\n  user = root\n}"
        if os.geteuid() == 0
        else ""
    )
    config = f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
default_login_user = {login_user}
default_internal_user = {internal_user}
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
# a refused login answers at once (default: 2 s later), as the tests refuse some on purpose
auth_failure_delay = 0
mail_location = maildir:{root}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
  }}
}}
service imap-login {{
  {listeners}
}}
service anvil {{
  chroot =
}}
{auth_service}
service imap-login {{
  chroot =
}}
"""
    conf = root / "dovecot.conf"
    conf.write_text(config)
    process = subprocess.Popen(
        [binary, "-F", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = Dovecot(root, port, process, tls)
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            err = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"dovecot exited ({process.returncode}): {err}{server.log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"dovecot did not listen on {port}: {server.log}") from None
            time.sleep(0.05)  # waiting on a condition: the port accepting
