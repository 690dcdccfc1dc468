"""Two real Syncthing instances on 127.0.0.1, driven through their REST API (tests only).

Each instance has its own home (`syncthing generate`), its own GUI/API port with its own API key,
and one listen address `tcp://127.0.0.1:PORT`. Before the first start the generated config has
everything that could reach another machine turned off (global and local discovery, relays, NAT
and STUN, usage and crash reporting, automatic upgrades), so nothing ever leaves the loopback;
the same options are then set again through `/rest/config/options`, and the devices (with their
explicit 127.0.0.1 addresses) and the shared folders are configured through `/rest/config/...`.
`maxConflicts` is left at Syncthing's default (10).

Synchronisation is awaited through the API: `/rest/db/scan` (so edits are seen at once, instead of
after the file-system watcher's delay), then `/rest/db/status` and `/rest/db/completion` on both
sides until both are idle, need nothing, report each other complete, and stay so across two polls.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import subprocess
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

OFF = {
    "globalAnnounceEnabled": False,
    "localAnnounceEnabled": False,
    "relaysEnabled": False,
    "natEnabled": False,
    "urAccepted": -1,
    "autoUpgradeIntervalH": 0,
    "crashReportingEnabled": False,
    "startBrowser": False,
    "announceLANAddresses": False,
    "stunKeepaliveStartS": 0,
    "reconnectionIntervalS": 5,  # (the least Syncthing takes)
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SyncthingError(AssertionError):
    pass


class Instance:
    """One running `syncthing serve`."""

    def __init__(self, exe: str, home: Path, name: str) -> None:
        self.name = name
        self.home = home
        self.gui_port = free_port()
        self.listen_port = free_port()
        self.api_key = secrets.token_hex(16)
        home.mkdir(parents=True)
        env = self._env()
        out = subprocess.run(
            [exe, "generate", f"--home={home}", "--no-default-folder"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        self.device_id = next(
            line.split("Device ID:")[1].strip()
            for line in (out.stdout + out.stderr).splitlines()
            if "Device ID:" in line
        )
        self._network_off_before_start()
        self.log = open(home / "syncthing.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                exe,
                "serve",
                f"--home={home}",
                "--no-browser",
                "--no-restart",
                "--no-upgrade",
                "--no-default-folder",
                "--skip-port-probing",
                f"--gui-address=http://127.0.0.1:{self.gui_port}",
                f"--gui-apikey={self.api_key}",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ST")}
        env.update(HOME=str(self.home), STNOUPGRADE="1", STNORESTART="1", STNODEFAULTFOLDER="1")
        for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
            env.pop(proxy, None)
        return env

    def _network_off_before_start(self) -> None:
        """The generated config would announce globally and use relays at its first start."""
        path = self.home / "config.xml"
        tree = ET.parse(path)
        options = tree.getroot().find("options")
        assert options is not None
        values = {
            **{k: str(v).lower() for k, v in OFF.items()},
            "listenAddress": f"tcp://127.0.0.1:{self.listen_port}",
            "globalAnnounceServer": "",
            "stunServer": "",
        }
        for key, value in values.items():
            for element in options.findall(key):
                options.remove(element)
            ET.SubElement(options, key).text = value
        gui = tree.getroot().find("gui")
        assert gui is not None
        gui.find("address").text = f"127.0.0.1:{self.gui_port}"  # type: ignore[union-attr]
        gui.find("apikey").text = self.api_key  # type: ignore[union-attr]
        tree.write(path)

    # -- REST ---------------------------------------------------------------------------------
    def call(self, method: str, endpoint: str, body: Any = None, **query: Any) -> Any:
        url = f"http://127.0.0.1:{self.gui_port}{endpoint}"
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("X-API-Key", self.api_key)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=60) as response:
            raw = response.read()
        return json.loads(raw) if raw.strip() else None

    def get(self, endpoint: str, **query: Any) -> Any:
        return self.call("GET", endpoint, **query)

    def wait_up(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SyncthingError(f"{self.name} exited: {self.log_text()}")
            with contextlib.suppress(OSError):
                if self.get("/rest/system/ping") == {"ping": "pong"}:
                    return
            time.sleep(0.05)
        raise SyncthingError(f"{self.name} did not answer: {self.log_text()}")

    def configure(self) -> None:
        """The options again, through the API; checked."""
        self.call(
            "PATCH",
            "/rest/config/options",
            {**OFF, "listenAddresses": [f"tcp://127.0.0.1:{self.listen_port}"]},
        )
        options = self.get("/rest/config/options")
        for key, value in OFF.items():
            assert options[key] == value, (key, options[key])
        assert options["listenAddresses"] == [f"tcp://127.0.0.1:{self.listen_port}"]

    def add_device(self, other: Instance) -> None:
        self.call(
            "POST",
            "/rest/config/devices",
            {
                "deviceID": other.device_id,
                "name": other.name,
                "addresses": [f"tcp://127.0.0.1:{other.listen_port}"],
                "autoAcceptFolders": False,
            },
        )

    def add_folder(self, folder_id: str, path: Path, other: Instance) -> None:
        path.mkdir(parents=True, exist_ok=True)
        (path / ".stfolder").mkdir(exist_ok=True)
        self.call(
            "POST",
            "/rest/config/folders",
            {
                "id": folder_id,
                "label": folder_id,
                "path": str(path),
                "type": "sendreceive",
                "devices": [{"deviceID": self.device_id}, {"deviceID": other.device_id}],
                "fsWatcherEnabled": False,  # the tests scan through the API right after edits
                "rescanIntervalS": 3600,
                # A pull that met a file changed since the last scan ("file modified but not
                # rescanned") is retried after this pause: 60 s by default, 1 s in the tests.
                "pullerPauseS": 1,
            },
        )

    def pause_folder(self, folder_id: str, paused: bool) -> None:
        self.call("PATCH", f"/rest/config/folders/{folder_id}", {"paused": paused})

    def scan(self, folder_id: str) -> None:
        self.call("POST", "/rest/db/scan", folder=folder_id)

    def connected(self, other: Instance) -> bool:
        connections = self.get("/rest/system/connections")["connections"]
        return bool(connections.get(other.device_id, {}).get("connected"))

    def assert_loopback_only(self) -> None:
        """Listening on our one loopback address, no discovery, every connection on 127.0.0.1."""
        status = self.get("/rest/system/status")
        assert list(status["connectionServiceStatus"]) == [f"tcp://127.0.0.1:{self.listen_port}"]
        assert not status.get("discoveryEnabled") and not status.get("discoveryStatus")
        for connection in self.get("/rest/system/connections")["connections"].values():
            if connection["connected"]:
                assert connection["address"].startswith("127.0.0.1:"), connection

    def log_text(self) -> str:
        self.log.flush()
        return (self.home / "syncthing.log").read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.call("POST", "/rest/system/shutdown")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()


class Pair:
    """Two instances that know each other."""

    def __init__(self, exe: str, root: Path) -> None:
        self.a = Instance(exe, root / "home-a", "alpha")
        self.b = Instance(exe, root / "home-b", "beta")
        try:
            for one in (self.a, self.b):
                one.wait_up()
                one.configure()
            self.a.add_device(self.b)
            self.b.add_device(self.a)
            self._wait(lambda: self.a.connected(self.b) and self.b.connected(self.a), 30, "connect")
            self.assert_loopback_only()
        except BaseException:
            self.stop()
            raise

    def share(self, folder_id: str, a_path: Path, b_path: Path) -> None:
        self.a.add_folder(folder_id, a_path, self.b)
        self.b.add_folder(folder_id, b_path, self.a)
        self.settle(folder_id)

    def _wait(self, condition, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.05)
        raise SyncthingError(
            f"timed out waiting to {what}\n{self.a.log_text()}\n{self.b.log_text()}"
        )

    def _in_sync(self, folder_id: str) -> tuple | None:
        """What both sides report when they are in sync (None while not)."""
        seen = []
        for one, other in ((self.a, self.b), (self.b, self.a)):
            status = one.get("/rest/db/status", folder=folder_id)
            done = one.get("/rest/db/completion", folder=folder_id, device=other.device_id)
            if (
                status["state"] != "idle"
                or status["needTotalItems"] != 0
                or status.get("pullErrors")
                or done["completion"] != 100
                or done.get("needItems", 0) != 0
                or done.get("needDeletes", 0) != 0
                or not one.connected(other)
            ):
                return None
            seen.append((status["sequence"], status["globalFiles"], status["globalBytes"]))
        if seen[0][1:] != seen[1][1:]:
            return None
        return tuple(seen)

    def settle(self, folder_id: str, timeout: float = 60.0) -> None:
        """Scan both sides, then wait until both have everything and it stays so (scanning again
        while they do not: a side may have written meanwhile)."""
        last = None
        deadline = time.monotonic() + timeout
        scanned = 0.0
        while time.monotonic() < deadline:
            if time.monotonic() - scanned > 0.5:
                self.a.scan(folder_id)
                self.b.scan(folder_id)
                scanned = time.monotonic()
            now = self._in_sync(folder_id)
            if now is not None and now == last:
                return
            last = now
            time.sleep(0.1)
        raise SyncthingError(
            f"{folder_id} did not settle\n{self.a.log_text()}\n{self.b.log_text()}"
        )

    def assert_loopback_only(self) -> None:
        self.a.assert_loopback_only()
        self.b.assert_loopback_only()

    def stop(self) -> None:
        for one in (self.a, self.b):
            with contextlib.suppress(Exception):
                one.stop()
