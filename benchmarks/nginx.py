"""A static nginx on a loopback port, serving the fake API's canned answers as files.

The async fan-out compares two clients; the server must never be the bottleneck, or the ratio
measures the server's queue instead (the threaded Python fake serves a few thousand requests a
second on this machine; nginx serves tens of thousands on one worker). nginx comes from Debian's
package: the one on ``PATH`` (or ``/usr/sbin/nginx``) if installed, otherwise the ``nginx``
package is downloaded with ``apt-get download`` and unpacked with ``dpkg -x`` into a cache folder
outside the work tree; nothing is installed system-wide and no service is started.

The server is configured so that kept-alive connections are never closed by it during a run
(``keepalive_requests`` and ``keepalive_timeout`` far above what a run uses), and it exposes
``stub_status`` so the benchmark can count the connections each round accepts: a round that
opened connections is reported, because the comparison is meant to measure the clients' request
path over warm pools, not connection set-up.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "aimlapi-billing-bench" / "nginx"
START_TIMEOUT = 10.0
DOWNLOAD_TIMEOUT = 300.0
STATUS_PATH = "/nginx_status"

CONFIG = """\
daemon off;
master_process off;
worker_processes 1;
pid {run}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    keepalive_requests 100000000;
    keepalive_timeout 3600s;
    default_type application/json;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location = {status} {{ stub_status; }}
        location / {{ try_files $uri/index.json =404; }}
    }}
}}
"""


class NginxUnavailable(RuntimeError):
    """No nginx binary, and none could be fetched from Debian's packages."""


def _installed() -> Path | None:
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


def _apt_download(folder: str) -> subprocess.CompletedProcess[str]:
    # As root, apt-get warns that its _apt user cannot write here; the download still works.
    return subprocess.run(
        ["apt-get", "download", "nginx"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=DOWNLOAD_TIMEOUT,
        check=False,
    )


def _unpacked() -> Path:
    binary = CACHE / "usr" / "sbin" / "nginx"
    if binary.is_file():
        return binary
    if shutil.which("apt-get") is None or shutil.which("dpkg") is None:
        raise NginxUnavailable("nginx is not installed and this is not a Debian system (apt-get/dpkg missing)")
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nginx-deb-", dir=CACHE.parent) as download:
        fetched = _apt_download(download)
        if fetched.returncode != 0 and os.geteuid() == 0:
            # A fresh machine has no package lists yet; as root, fetch them once and try again.
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True, timeout=DOWNLOAD_TIMEOUT, check=False)
            fetched = _apt_download(download)
        debs = sorted(Path(download).glob("nginx_*.deb"))
        if fetched.returncode != 0 or not debs:
            reason = fetched.stderr.strip().splitlines()[-1:] or ["no .deb downloaded"]
            raise NginxUnavailable(f"apt-get download nginx failed: {reason[0]}")
        subprocess.run(["dpkg", "-x", str(debs[0]), str(CACHE)], check=True, timeout=DOWNLOAD_TIMEOUT)
    if not binary.is_file():
        raise NginxUnavailable(f"the nginx package did not contain {binary.relative_to(CACHE)}")
    return binary


def nginx_binary() -> Path:
    """The nginx to run: the installed one, else Debian's package unpacked into the cache."""
    return _installed() or _unpacked()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _write_documents(root: Path, documents: dict[str, Any]) -> None:
    """``/v2/billing/detail`` -> ``root/v2/billing/detail/index.json`` (a path can also be a prefix)."""
    for path, body in documents.items():
        folder = root / path.strip("/")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.json").write_text(json.dumps(body), encoding="utf-8")


@dataclass(frozen=True)
class StaticServer:
    url: str
    pid: int
    _asked: list[int] = field(default_factory=list)

    def accepted_connections(self) -> int:
        """Connections nginx has accepted since it started, not counting the ones this method
        opened to ask (each call's own connection is counted by nginx before it answers)."""
        text = httpx.get(self.url + STATUS_PATH, timeout=5.0).text
        # "Active connections: 1 \nserver accepts handled requests\n 12 12 345 \n..."
        accepted = int(text.splitlines()[2].split()[0])
        self._asked.append(accepted)
        return accepted - len(self._asked)


@contextlib.contextmanager
def static_server(documents: dict[str, Any]) -> Iterator[StaticServer]:
    """Serve ``documents`` (path -> JSON body) from nginx on 127.0.0.1; stopped by its PID on exit."""
    binary = nginx_binary()
    with tempfile.TemporaryDirectory(prefix="aimlapi-billing-nginx-") as workdir:
        run, root = Path(workdir) / "run", Path(workdir) / "root"
        run.mkdir()
        _write_documents(root, documents)
        port = _free_port()
        config = Path(workdir) / "nginx.conf"
        config.write_text(CONFIG.format(run=run, port=port, root=root, status=STATUS_PATH), encoding="utf-8")
        process = subprocess.Popen(
            [str(binary), "-p", workdir, "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            server = StaticServer(url, process.pid)
            _wait_until_serving(server, process)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            if process.stderr is not None:
                process.stderr.close()


def _wait_until_serving(server: StaticServer, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read() if process.stderr is not None else ""
            raise NginxUnavailable(f"nginx exited with {process.returncode}: {error.strip()[-300:]}")
        with contextlib.suppress(httpx.TransportError):
            server.accepted_connections()
            return
        time.sleep(0.05)
    raise NginxUnavailable(f"nginx did not answer within {START_TIMEOUT:.0f} s")
