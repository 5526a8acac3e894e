"""A clean copy of the project to release from, and a real package index (pypiserver) on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.helpers.shared_build import built_once

from ..conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
USER = "releaser"
PASSWORD = "index-Pa55-SECRET-4f1c"
BIN = Path(sys.executable).parent


def git(project: Path, *args: str) -> str:
    # An identity of its own: a fresh machine may have none configured.
    identity = ["-c", "user.name=release-test", "-c", "user.email=release-test@example.invalid"]
    result = subprocess.run(["git", *identity, *args], cwd=project, capture_output=True, text=True, check=True)
    return result.stdout


@pytest.fixture(scope="session")
def clean_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree's files as they are now (tracked and new, not ignored), committed in a new
    repository: a clean tree to release from, whatever state the real one is in."""
    project = tmp_path_factory.mktemp("release") / "project"
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, project / name)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "release")
    return project


@pytest.fixture(scope="session")
def dist(clean_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build (sdist, then the wheel from it) shared by every test, and by every xdist worker:
    the tests only upload it (each worker's clean_project is the same tree)."""

    def build(outdir: Path) -> None:
        subprocess.run(
            [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(outdir), str(clean_project)],
            capture_output=True,
            check=True,
        )

    return built_once(tmp_path_factory, "dist", build)


@dataclass
class Index:
    url: str
    packages: Path

    @property
    def simple(self) -> str:
        return f"{self.url}/simple/"

    def files(self) -> list[str]:
        return sorted(p.name for p in self.packages.iterdir())


@pytest.fixture(scope="session")
def password_index_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    """pypiserver on a free loopback port where uploads, listing and downloads need the password,
    started once per session (a start costs about a second); tests take it through ``index``."""
    yield from _serve_index(tmp_path_factory.mktemp("index"), "update,download,list")


@pytest.fixture(scope="session")
def open_index_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    """pypiserver where only uploads need the password (pypiserver's default); see ``open_index``."""
    yield from _serve_index(tmp_path_factory.mktemp("open-index"), "update")


@pytest.fixture
def index(password_index_server: Index) -> Index:
    """The password index, holding no package when the test starts."""
    return _emptied(password_index_server)


@pytest.fixture
def open_index(open_index_server: Index) -> Index:
    """The open index, holding no package when the test starts."""
    return _emptied(open_index_server)


def _emptied(index: Index) -> Index:
    # The simple-dir backend lists the folder on every request: what is removed here is gone.
    for path in index.packages.iterdir():
        path.unlink()
    return index


def _serve_index(tmp_path: Path, authenticate: str) -> Iterator[Index]:
    packages = tmp_path / "packages"
    packages.mkdir()
    htpasswd = tmp_path / "htpasswd"
    digest = base64.b64encode(hashlib.sha1(PASSWORD.encode()).digest()).decode()  # noqa: S324 (htpasswd's {SHA} scheme)
    htpasswd.write_text(f"{USER}:{{SHA}}{digest}\n")
    port = free_port()
    command = [
        str(BIN / "pypi-server"), "run", "--host", "127.0.0.1", "--port", str(port),
        "--authenticate", authenticate, "--passwords", str(htpasswd),
        "--disable-fallback", "--backend", "simple-dir", "--log-stream", "none", str(packages),
    ]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    stderr = process.stderr.read().decode() if process.stderr else ""
                    pytest.fail(f"pypiserver did not start: {stderr}")
                time.sleep(0.1)
            yield Index(url=url, packages=packages)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def publish_env(index: Index, password: str = PASSWORD) -> dict[str, str]:
    environ = {name: value for name, value in os.environ.items() if not name.startswith(("TWINE_", "UV_PUBLISH_"))}
    return {
        **environ,
        "TWINE_REPOSITORY_URL": f"{index.url}/",
        "TWINE_USERNAME": USER,
        "TWINE_PASSWORD": password,
        "PATH": f"{BIN}{os.pathsep}{environ['PATH']}",
    }


def run_publish(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(project / "scripts" / "publish.py"), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
