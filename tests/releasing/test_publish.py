"""Publishing end to end against pypiserver on 127.0.0.1, and the refusals that protect the index."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import httpx
import pytest
from fake_api_server import FakeAIMLAPI

from aimlapi_billing import __version__ as VERSION

from .conftest import PASSWORD, ROOT, USER, Index, git, publish_env, run_publish

pytestmark = pytest.mark.slow


def _pip_env(index: Index, scratch: Path) -> dict[str, str]:
    netrc = scratch / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
    netrc.chmod(0o600)
    return {**os.environ, "NETRC": str(netrc)}


def test_publish_uploads_verifies_and_the_package_installs_from_the_index(
    clean_project: Path, dist: Path, index: Index, tmp_path: Path
) -> None:
    result = run_publish(clean_project, publish_env(index), "--dist", str(dist))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert f"uploaded aimlapi-billing {VERSION}" in output
    assert "verified: installed from" in output
    assert index.files() == [f"aimlapi_billing-{VERSION}-py3-none-any.whl", f"aimlapi_billing-{VERSION}.tar.gz"]
    assert PASSWORD not in output

    # An independent install, as a user would do it: the package from the private index, its
    # dependencies from the normal one.
    env_dir = tmp_path / "user-venv"
    # Without its own pip: this pip installs into it (`--python`), the same resolution and files,
    # and the seconds ensurepip takes are spent once already, by publish's own verification.
    venv.create(env_dir, with_pip=False)
    user_pip = [sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python")]
    pip = [*user_pip, "install", "--no-cache-dir", "--quiet"]
    env = _pip_env(index, tmp_path)
    subprocess.run([*pip, "--no-deps", "--index-url", index.simple, "aimlapi-billing"], env=env, check=True)
    subprocess.run([*pip, "httpx>=0.23,<1"], env=env, check=True)
    # httpx is the one runtime dependency: the generated models are plain classes, not attrs.
    probe = (
        "import aimlapi_billing, aimlapi_billing_client.models as m; "
        "assert m.BillingResponse.from_dict({'current_balance': 1.5, 'currency': 'USD'}).current_balance == 1.5; "
        "print(aimlapi_billing.__version__)"
    )
    version = subprocess.run([str(env_dir / "bin" / "python"), "-c", probe], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == VERSION
    listed = subprocess.run(
        [*user_pip, "list", "--format=freeze"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert not {"pytest", "ruff", "mypy", "openapi-python-client", "attrs"} & {
        line.split("==")[0].lower() for line in listed.stdout.splitlines()
    }
    help_text = subprocess.run(
        [str(env_dir / "bin" / "aimlapi-billing"), "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "transactions" in help_text
    assert "forecast" in help_text
    # The alert rules and the dashboard are package data: the installed wheel prints them.
    for subject, name in (("rules", "aimlapi-billing.rules.yml"), ("dashboard", "aimlapi-billing.dashboard.json")):
        shipped = subprocess.run(
            [str(env_dir / "bin" / "aimlapi-billing"), "monitoring", subject],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert shipped == (ROOT / "src" / "aimlapi_billing" / "monitoring" / name).read_text(encoding="utf-8")
    with FakeAIMLAPI() as api:
        cli = subprocess.run(
            [str(env_dir / "bin" / "aimlapi-billing"), "summary"],
            env={**os.environ, "AIML_API_KEY": "publish-test-key", "AIMLAPI_BILLING_BASE_URL": api.url},
            capture_output=True,
            text=True,
            check=False,
        )
    assert (cli.returncode, cli.stdout) == (0, "balance  275.78 USD\n")


def test_a_wrong_password_is_a_clear_error_and_uploads_nothing(clean_project: Path, dist: Path, index: Index) -> None:
    # This index wants the password for reading too, so the version check already fails.
    result = run_publish(clean_project, publish_env(index, password="wrong-password"), "--dist", str(dist))
    assert result.returncode == 1
    assert "the index refused the credentials" in result.stderr
    assert "wrong-password" not in result.stdout + result.stderr
    assert index.files() == []


def test_a_wrong_password_fails_the_upload_where_reading_is_open(
    clean_project: Path, dist: Path, open_index: Index
) -> None:
    result = run_publish(clean_project, publish_env(open_index, password="wrong-password"), "--dist", str(dist))
    assert result.returncode == 3
    assert result.stderr.startswith("publish: upload failed:")
    assert "403" in result.stderr or "401" in result.stderr
    assert "wrong-password" not in result.stdout + result.stderr
    assert open_index.files() == []


def test_the_same_version_twice_is_refused_before_upload(clean_project: Path, dist: Path, index: Index) -> None:
    assert run_publish(clean_project, publish_env(index), "--dist", str(dist), "--skip-verify").returncode == 0
    before = {path.name: path.stat().st_mtime_ns for path in index.packages.iterdir()}
    again = run_publish(clean_project, publish_env(index), "--dist", str(dist), "--skip-verify")
    assert again.returncode == 1
    assert f"refused, nothing uploaded: aimlapi-billing {VERSION} is already on" in again.stderr
    assert {path.name: path.stat().st_mtime_ns for path in index.packages.iterdir()} == before


def test_a_dirty_tree_is_refused(clean_project: Path, dist: Path, index: Index) -> None:
    readme = clean_project / "README.md"
    original = readme.read_text(encoding="utf-8")
    readme.write_text(original + "\nuncommitted\n", encoding="utf-8")
    try:
        result = run_publish(clean_project, publish_env(index), "--dist", str(dist))
    finally:
        readme.write_text(original, encoding="utf-8")
    assert result.returncode == 1
    assert "uncommitted change" in result.stderr
    assert index.files() == []


def test_stale_generated_code_is_refused(clean_project: Path, dist: Path, index: Index) -> None:
    fragment = clean_project / "spec" / "fragments" / "billing-v2.json"
    original = fragment.read_text(encoding="utf-8")
    fragment.write_text(original.replace("current user balance", "the balance"), encoding="utf-8")
    git(clean_project, "commit", "-qam", "vendor changed a description")
    try:
        result = run_publish(clean_project, publish_env(index), "--dist", str(dist))
    finally:
        git(clean_project, "reset", "-q", "--hard", "HEAD~1")
    assert result.returncode == 1
    assert "generated/ is stale" in result.stderr
    assert index.files() == []


def test_dry_run_shows_the_plan_with_the_password_masked_and_uploads_nothing(
    clean_project: Path, dist: Path, index: Index
) -> None:
    result = run_publish(clean_project, publish_env(index), "--dist", str(dist), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"would upload aimlapi-billing {VERSION} to {index.url}/ as {USER} with password ****" in result.stdout
    assert f"aimlapi_billing-{VERSION}-py3-none-any.whl" in result.stdout
    assert PASSWORD not in result.stdout + result.stderr
    assert index.files() == []


def test_without_a_repository_publish_explains_what_to_set(clean_project: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWINE_", "UV_PUBLISH_"))}
    result = subprocess.run(
        [sys.executable, str(clean_project / "scripts" / "publish.py"), "--dry-run"],
        cwd=clean_project,
        env={**env, "HOME": str(clean_project)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "TWINE_REPOSITORY_URL" in result.stderr


def test_the_index_answering_an_error_refuses_the_upload(clean_project: Path, dist: Path, index: Index) -> None:
    env = {**publish_env(index), "AIMLAPI_BILLING_INDEX_URL": f"{index.url}/no-such-index/"}
    assert httpx.get(f"{index.url}/no-such-index/").status_code != 200
    result = run_publish(clean_project, env, "--dist", str(dist))
    assert result.returncode == 1
    assert "does not answer like a simple index (status 404)" in result.stderr
    assert index.files() == []


@pytest.mark.parametrize("flag", ["--password", "-p"])
def test_there_is_no_command_line_option_for_credentials(clean_project: Path, index: Index, flag: str) -> None:
    result = run_publish(clean_project, publish_env(index), flag, "x")
    assert result.returncode == 2
    assert "unrecognized arguments" in result.stderr
