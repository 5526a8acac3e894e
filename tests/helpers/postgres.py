"""A real PostgreSQL server on 127.0.0.1 for the store's tests: Debian's binaries
(``/usr/lib/postgresql/VERSION/bin``, installed by scripts/_postgres.sh), a cluster in a temporary
directory made by ``initdb`` (trust authentication for loopback only), run as an unprivileged user
when the tests run as root (initdb refuses root), and stopped by its PID."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

USER = "store"


def binaries() -> Path:
    """The newest installed server's bin directory; $AIMLAPI_BILLING_PG_BIN overrides."""
    given = os.environ.get("AIMLAPI_BILLING_PG_BIN")
    if given:
        return Path(given)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(Path(path).parts[-3]))
    if not found:
        raise RuntimeError(
            "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin): ./scripts/test.sh installs them "
            "(Debian's postgresql package), or set AIMLAPI_BILLING_PG_BIN"
        )
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    _databases: int = 0

    def new_database(self) -> str:
        """A fresh, empty database; its URL (no password: trust on loopback)."""
        import psycopg

        self._databases += 1
        name = f"store_{os.getpid()}_{self._databases}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={USER} dbname=postgres", autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{name}"


def _demote() -> tuple[int, int] | None:
    """The uid and gid to run the server as when we are root: postgres's, else nobody's."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
    raise RuntimeError("running as root, and there is no postgres or nobody user to run PostgreSQL as")


@contextlib.contextmanager
def running() -> Iterator[Server]:
    bin_dir = binaries()
    base = Path(tempfile.mkdtemp(prefix="aimlapi-store-pg-"))
    ids = _demote()
    if ids is not None:
        os.chown(base, *ids)
    run_as = {} if ids is None else {"user": ids[0], "group": ids[1], "extra_groups": []}
    data = base / "data"
    process: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-sync"],
            check=True,
            capture_output=True,
            cwd=base,
            timeout=120,
            **run_as,  # type: ignore[arg-type]
        )
        port = _free_port()
        with (base / "server.log").open("wb") as log_file:  # the child keeps its own descriptor
            process = subprocess.Popen(
                [
                    str(bin_dir / "postgres"),
                    "-D",
                    str(data),
                    "-p",
                    str(port),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    f"unix_socket_directories={base}",
                    "-c",
                    "fsync=off",
                    "-c",
                    "full_page_writes=off",
                    "-c",
                    "max_connections=60",
                ],
                stdout=subprocess.DEVNULL,
                stderr=log_file,
                cwd=base,
                **run_as,  # type: ignore[arg-type]
            )
        deadline = time.monotonic() + 60
        import psycopg

        while True:
            try:
                psycopg.connect(f"host=127.0.0.1 port={port} user={USER} dbname=postgres", connect_timeout=2).close()
                break
            except psycopg.OperationalError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (base / "server.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"PostgreSQL did not start:\n{log}") from None
                time.sleep(0.1)
        yield Server(port, process)
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)  # "fast shutdown": the postmaster ends its backends
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(base, ignore_errors=True)
