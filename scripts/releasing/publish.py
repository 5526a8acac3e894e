"""Build, check, upload and verify a release of aimlapi-billing.

Nothing is uploaded unless every check passes first: a clean working tree, spec and generated
code up to date, a version the index does not have yet (asked, not left to the server's overwrite
policy), and ``twine check --strict``. After the upload, the published version is installed from
the index into a fresh virtual environment and imported.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import venv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import httpx

from .target import Target, TargetError, resolve_target, with_credentials_removed

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "aimlapi-billing"

EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_UPLOAD_FAILED = 3
EXIT_VERIFY_FAILED = 4


class Refused(Exception):
    """A precondition failed; nothing was uploaded."""


class StepFailed(Exception):
    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Artifacts:
    version: str
    files: tuple[Path, ...]


def project_version(root: Path = ROOT) -> str:
    """The version, read from the single source ``src/aimlapi_billing/_version.py``."""
    text = (root / "src" / "aimlapi_billing" / "_version.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if match is None:
        raise Refused("cannot read __version__ from src/aimlapi_billing/_version.py")
    return match.group(1)


def normalize(name: str) -> str:
    """PEP 503 name normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _run(
    command: Sequence[str], *, cwd: Path = ROOT, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), cwd=cwd, env=dict(env or os.environ), capture_output=True, text=True, check=False
    )


# -- preconditions ----------------------------------------------------------------------------------


def require_clean_tree(root: Path = ROOT) -> None:
    result = _run(["git", "status", "--porcelain", "--untracked-files=normal"], cwd=root)
    if result.returncode != 0:
        raise Refused(f"not a git working tree ({result.stderr.strip()})")
    if result.stdout.strip():
        changed = len(result.stdout.strip().splitlines())
        raise Refused(f"the working tree has {changed} uncommitted change(s): commit or stash them first")


def require_fresh_generated_code(root: Path = ROOT) -> None:
    result = _run([sys.executable, str(root / "scripts" / "regenerate.py"), "--check", "--quiet"], cwd=root)
    if result.returncode != 0:
        raise Refused("spec/openapi.json or generated/ is stale: run ./scripts/regenerate.sh and commit the result")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.files: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.files.append(href.split("#")[0].rstrip("/").rsplit("/", 1)[-1])


def published_files(target: Target, project: str = PROJECT) -> list[str]:
    """File names the index lists for ``project`` (PEP 503 simple API); [] if it has none."""
    url = f"{target.index_url}{normalize(project)}/"
    response = _get(target, url)
    if response.status_code == 404:
        # Not there, or not an index at all: a wrong URL must not pass as "version not published".
        root = _get(target, target.index_url)
        if root.status_code != 200:
            raise Refused(f"{target.index_url} does not answer like a simple index (status {root.status_code})")
        return []
    if response.status_code in (401, 403):
        raise Refused(f"the index refused the credentials (GET {url} answered {response.status_code})")
    if response.status_code != 200:
        raise Refused(f"cannot ask the index whether the version exists: GET {url} answered {response.status_code}")
    parser = _Links()
    parser.feed(response.text)
    return parser.files


def _get(target: Target, url: str) -> httpx.Response:
    auth = (target.username or "", target.password) if target.password else None
    try:
        return httpx.get(url, auth=auth, timeout=30.0, follow_redirects=True)
    except httpx.HTTPError as exc:
        raise Refused(f"cannot ask the index whether the version exists ({url}): {target.redact(str(exc))}") from None


def require_new_version(target: Target, version: str) -> None:
    prefixes = (
        f"{normalize(PROJECT).replace('-', '_')}-{version}-",
        f"{normalize(PROJECT).replace('-', '_')}-{version}.",
    )
    existing = [name for name in published_files(target) if name.lower().startswith(prefixes)]
    if existing:
        raise Refused(f"{PROJECT} {version} is already on {target.index_url} ({', '.join(existing)}): bump the version")


def twine_check(artifacts: Artifacts) -> None:
    result = _run([sys.executable, "-m", "twine", "check", "--strict", *map(str, artifacts.files)])
    if result.returncode != 0:
        raise Refused(f"twine check failed: {(result.stdout + result.stderr).strip().splitlines()[-1]}")


# -- build ------------------------------------------------------------------------------------------


def build(outdir: Path, root: Path = ROOT) -> Artifacts:
    """sdist, then the wheel built *from the sdist*, so the sdist is proven to rebuild it."""
    result = _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(outdir), str(root)], cwd=root)
    if result.returncode != 0:
        raise Refused(f"the build failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return collect(outdir, project_version(root))


def collect(dist: Path, version: str) -> Artifacts:
    stem = f"{normalize(PROJECT).replace('-', '_')}-{version}"
    files = tuple(sorted(p for p in dist.iterdir() if p.name.startswith(stem) and p.suffix in (".whl", ".gz")))
    if not any(p.suffix == ".whl" for p in files) or not any(p.name.endswith(".tar.gz") for p in files):
        raise Refused(f"{dist} has no wheel and sdist for version {version}")
    return Artifacts(version=version, files=files)


# -- upload and verification ------------------------------------------------------------------------


def upload(target: Target, artifacts: Artifacts) -> None:
    """``twine upload``, with the URL and credentials in its environment, never on its command line."""
    env = with_credentials_removed(os.environ)
    env.update(
        {
            "TWINE_REPOSITORY_URL": target.upload_url,
            "TWINE_NON_INTERACTIVE": "1",
            "NO_COLOR": "1",
            # No keyring prompts or lookups: the credentials are the ones resolved here.
            "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        }
    )
    env.pop("TWINE_REPOSITORY", None)
    if target.username is not None:
        env["TWINE_USERNAME"] = target.username
    if target.password is not None:
        env["TWINE_PASSWORD"] = target.password
    command = [sys.executable, "-m", "twine", "upload", "--disable-progress-bar", *map(str, artifacts.files)]
    result = _run(command, env=env)
    if result.returncode != 0:
        output = re.sub(r"\x1b\[[0-9;]*m", "", target.redact(result.stdout + result.stderr))
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        errors = [line.removeprefix("ERROR").strip() for line in lines if line.startswith("ERROR")]
        reason = (errors or lines or ["twine failed"])[0]
        raise StepFailed(f"upload failed: {reason}", EXIT_UPLOAD_FAILED)


def verify(target: Target, version: str) -> str:
    """Install ``version`` from the index into a new virtual environment, import it, run the CLI."""
    with tempfile.TemporaryDirectory(prefix="aimlapi-billing-verify-") as scratch:
        env_dir = Path(scratch) / "venv"
        # Without a pip of its own: this pip installs into it (--python), the same resolution and
        # files, and ensurepip's 4-5 s of CPU are not spent on every publish.
        venv.create(env_dir, with_pip=False)
        python = env_dir / "bin" / "python"
        environ = with_credentials_removed(os.environ)
        # Only this index for our package (no fallback that could serve someone else's upload) ...
        index_only = {**environ, "PIP_INDEX_URL": target.index_url, "PIP_EXTRA_INDEX_URL": "", "PIP_FIND_LINKS": ""}
        if target.password:
            netrc = Path(scratch) / "netrc"
            host = httpx.URL(target.index_url).host
            netrc.write_text(f"machine {host} login {target.username or ''} password {target.password}\n")
            netrc.chmod(0o600)
            index_only["NETRC"] = str(netrc)

        def step(command: list[str], env: Mapping[str, str]) -> str:
            result = _run(command, env=env, cwd=Path(scratch))
            if result.returncode != 0:
                detail = target.redact(result.stderr.strip()[-500:])
                raise StepFailed(f"verification failed: {detail}", EXIT_VERIFY_FAILED)
            return result.stdout.strip()

        pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-cache-dir"]
        step([*pip, "--no-deps", f"{PROJECT}=={version}"], index_only)
        # ... and its dependencies from wherever pip normally installs packages.
        step([*pip, *step([str(python), "-c", _PRINT_REQUIREMENTS], environ).split()], environ)
        installed = step(
            [str(python), "-c", "import aimlapi_billing, aimlapi_billing_client; print(aimlapi_billing.__version__)"],
            environ,
        )
        if installed != version:
            raise StepFailed(f"verification failed: installed {installed!r}, expected {version!r}", EXIT_VERIFY_FAILED)
        return step([str(env_dir / "bin" / "aimlapi-billing"), "--version"], environ)


# The installed distribution's runtime requirements (extras left out), one per line.
_PRINT_REQUIREMENTS = (
    "import importlib.metadata as m\n"
    "for r in m.requires('aimlapi-billing') or []:\n"
    "    if 'extra ==' not in r: print(r.replace(' ', ''))"
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- command line -----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Build aimlapi-billing, check it, upload it to a package index and verify the upload.",
        epilog="The repository URL and credentials come from TWINE_REPOSITORY_URL/TWINE_USERNAME/TWINE_PASSWORD, "
        "UV_PUBLISH_URL/UV_PUBLISH_USERNAME/UV_PUBLISH_PASSWORD/UV_PUBLISH_TOKEN, or a ~/.pypirc section; "
        "AIMLAPI_BILLING_INDEX_URL overrides the simple index used to check and verify.",
    )
    parser.add_argument("--repository", metavar="NAME", help="a section of ~/.pypirc (default: $TWINE_REPOSITORY)")
    parser.add_argument("--dry-run", action="store_true", help="run every check and show what would be uploaded where")
    parser.add_argument("--dist", type=Path, metavar="DIR", help="upload the artifacts already built in DIR")
    parser.add_argument("--skip-verify", action="store_true", help="do not install the upload back from the index")
    args = parser.parse_args(argv)
    try:
        target = resolve_target(os.environ, args.repository)
    except TargetError as exc:
        print(f"publish: refused: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        with tempfile.TemporaryDirectory(prefix="aimlapi-billing-dist-") as scratch:
            return _publish(target, args, Path(scratch))
    except Refused as exc:
        print(f"publish: refused, nothing uploaded: {target.redact(str(exc))}", file=sys.stderr)
        return EXIT_REFUSED
    except StepFailed as exc:
        print(f"publish: {target.redact(str(exc))}", file=sys.stderr)
        return exc.exit_code


def _publish(target: Target, args: argparse.Namespace, scratch: Path) -> int:
    require_clean_tree()
    require_fresh_generated_code()
    version = project_version()
    require_new_version(target, version)
    artifacts = collect(args.dist, version) if args.dist else build(scratch)
    twine_check(artifacts)
    print(f"{'would upload' if args.dry_run else 'uploading'} {PROJECT} {version} to {target.describe()}")
    for path in artifacts.files:
        print(f"  {path.name}  {path.stat().st_size:,} bytes  sha256 {sha256(path)}")
    if args.dry_run:
        print(f"dry run: nothing uploaded; the index would be read back from {target.index_url}")
        return 0
    upload(target, artifacts)
    print(f"uploaded {PROJECT} {version}")
    if not args.skip_verify:
        print(f"verified: installed from {target.index_url} into a fresh venv: {verify(target, version)}")
    return 0
