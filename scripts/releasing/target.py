"""Where to publish, and as whom: from the environment or ~/.pypirc, never from the command line."""

from __future__ import annotations

import configparser
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


class TargetError(Exception):
    """No usable repository configuration."""


@dataclass(frozen=True)
class Target:
    """An upload URL, the simple index to read it back from, and the credentials for both."""

    upload_url: str
    index_url: str
    username: str | None
    password: str | None = field(repr=False)
    source: str

    def describe(self) -> str:
        """The target for people: URLs and user, the password masked."""
        password = "****" if self.password else "(none)"
        return f"{self.upload_url} as {self.username or '(anonymous)'} with password {password} [from {self.source}]"

    def redact(self, text: str) -> str:
        return text.replace(self.password, "****") if self.password else text


def resolve_target(environ: Mapping[str, str], repository: str | None = None, pypirc: Path | None = None) -> Target:
    """twine's variables first, then uv's, then a ``~/.pypirc`` section (``--repository`` or $TWINE_REPOSITORY).

    | what | twine | uv |
    | --- | --- | --- |
    | upload URL | TWINE_REPOSITORY_URL | UV_PUBLISH_URL |
    | user | TWINE_USERNAME | UV_PUBLISH_USERNAME (``__token__`` with UV_PUBLISH_TOKEN) |
    | password | TWINE_PASSWORD | UV_PUBLISH_PASSWORD or UV_PUBLISH_TOKEN |

    The index read back (version check, verification) is $AIMLAPI_BILLING_INDEX_URL, else uv's
    UV_PUBLISH_CHECK_URL, else derived from the upload URL (``…/legacy/`` -> ``…/simple/``, a bare
    host -> ``/simple/``, as on pypiserver).
    """
    repository = repository or environ.get("TWINE_REPOSITORY")
    if environ.get("TWINE_REPOSITORY_URL") and not repository:
        upload = environ["TWINE_REPOSITORY_URL"]
        username, password = environ.get("TWINE_USERNAME"), environ.get("TWINE_PASSWORD")
        source = "TWINE_* environment variables"
    elif environ.get("UV_PUBLISH_URL") and not repository:
        upload = environ["UV_PUBLISH_URL"]
        token = environ.get("UV_PUBLISH_TOKEN")
        username = "__token__" if token else environ.get("UV_PUBLISH_USERNAME")
        password = token or environ.get("UV_PUBLISH_PASSWORD")
        source = "UV_PUBLISH_* environment variables"
    elif repository:
        upload, username, password = _from_pypirc(repository, pypirc or Path.home() / ".pypirc")
        username = environ.get("TWINE_USERNAME", username)
        password = environ.get("TWINE_PASSWORD", password)
        source = f"~/.pypirc [{repository}]"
    else:
        raise TargetError(
            "no repository: set TWINE_REPOSITORY_URL (with TWINE_USERNAME and TWINE_PASSWORD), "
            "or UV_PUBLISH_URL, or name a ~/.pypirc section with --repository"
        )
    if _has_userinfo(upload):
        raise TargetError("the repository URL must not contain credentials: use the *_USERNAME/*_PASSWORD variables")
    index = environ.get("AIMLAPI_BILLING_INDEX_URL") or environ.get("UV_PUBLISH_CHECK_URL") or derive_index_url(upload)
    return Target(
        upload_url=upload, index_url=index.rstrip("/") + "/", username=username, password=password, source=source
    )


def derive_index_url(upload_url: str) -> str:
    base = upload_url.rstrip("/")
    if base.endswith("/legacy"):
        return base[: -len("legacy")] + "simple/"
    return base + "/simple/"


def _has_userinfo(url: str) -> bool:
    return bool(re.match(r"^[a-z][a-z0-9+.-]*://[^/@]*@", url, re.IGNORECASE))


def _from_pypirc(repository: str, path: Path) -> tuple[str, str | None, str | None]:
    if not path.exists():
        raise TargetError(f"--repository {repository}: {path} does not exist")
    config = configparser.RawConfigParser()
    config.read(path, encoding="utf-8")
    if not config.has_section(repository):
        raise TargetError(f"--repository {repository}: no [{repository}] section in {path}")
    section = config[repository]
    url = section.get("repository")
    if not url:
        raise TargetError(f"--repository {repository}: the [{repository}] section in {path} has no repository URL")
    return url, section.get("username"), section.get("password")


def with_credentials_removed(environ: Mapping[str, str]) -> dict[str, str]:
    """A child process environment without any repository credentials."""
    secret = re.compile(r"^(TWINE_(USERNAME|PASSWORD)|UV_PUBLISH_(USERNAME|PASSWORD|TOKEN))$")
    return {name: value for name, value in environ.items() if not secret.match(name)}
