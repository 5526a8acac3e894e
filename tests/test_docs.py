"""The documentation site builds with ``mkdocs build --strict``, its code samples run against the
stand-in as the README's do, its CLI reference holds every command and option of the real parsers,
its API reference every public name, and its pages load nothing from another host."""

from __future__ import annotations

import argparse
import html
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import aimlapi_billing_client.models
import pytest
from docs_site import command_parsers

import aimlapi_billing
from aimlapi_billing import metrics
from aimlapi_billing._cli._registry import COMMANDS
from tests.helpers.quickstart import (
    DOCS,
    EXTERNAL,
    ROOT,
    check_quickstart,
    check_samples,
    quickstart_blocks,
    relative_links,
    run_quickstart,
)
from tests.helpers.shared_build import built_once

PAGES = {path.relative_to(DOCS).as_posix(): path.read_text(encoding="utf-8") for path in sorted(DOCS.rglob("*.md"))}
#: The site's quickstart blocks (the README's are the home page's: see the test below).
QUICKSTARTS = [(page, language, code) for page, text in PAGES.items() for language, code in quickstart_blocks(text)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built once per session however many xdist workers run this module's tests (they
    only read it): a warning (a broken link or anchor, a page left out of the nav, a docstring
    mkdocstrings cannot read) fails the build."""

    def build(site_dir: Path) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site_dir)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "WARNING" not in result.stderr, result.stderr

    return built_once(tmp_path_factory, "site", build)


def page_text(site: Path, page: str) -> str:
    """The visible text of a built page's article, whitespace collapsed."""
    built = (site / page / "index.html").read_text(encoding="utf-8")
    article = built[built.index("<article") : built.index("</article>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", article)).split())


def test_the_site_builds_every_page(site: Path) -> None:
    built = {path.relative_to(site).parent.as_posix() for path in site.rglob("index.html")}
    expected = {
        "." if page == "index.md" else page.removesuffix("index.md").removesuffix(".md").strip("/") for page in PAGES
    }
    assert built == expected | {"cli/reference"}


@pytest.mark.parametrize(
    ("page", "language", "code"),
    QUICKSTARTS,
    ids=[f"{page}-{n}-{lang}" for n, (page, lang, _) in enumerate(QUICKSTARTS)],
)
def test_quickstart_block_runs(page: str, language: str, code: str, tmp_path: Path) -> None:
    server, result = run_quickstart(language, code, tmp_path)
    check_quickstart(server, code, result)


def test_every_readme_quickstart_is_a_quickstart_of_the_docs() -> None:
    """What moved from the README kept its examples, runnable, and the front page's are the docs'."""
    documented = {code for _, _, code in QUICKSTARTS}
    for _, code in quickstart_blocks((ROOT / "README.md").read_text(encoding="utf-8")):
        assert code in documented, code[:80]


def test_the_docs_samples_hold_on_any_date() -> None:
    assert check_samples("\n".join(PAGES.values())) == [
        "aimlapi-billing models --pricing --id gpt-4o --id veo-2.0-generate-001",
        "aimlapi-billing model-metrics --alias openai/gpt-5",
        "aimlapi-billing forecast --window 30d",
    ]


def _expanded_help(action: argparse.Action) -> str:
    """What ``--help`` prints for an option, worked out here as argparse documents it (``%``-format
    with the action's attributes), independently of the page's generator."""
    text = action.help or ""
    if "%" in text:
        choices = ", ".join(map(str, action.choices)) if action.choices is not None else ""
        text = text % {**vars(action), "choices": choices, "prog": ""}
    return " ".join(text.split())


def _invocation_names(action: argparse.Action) -> list[str]:
    """How ``--help`` names an option: its flags, or a positional's metavar (its choices in braces)."""
    if action.option_strings:
        return list(action.option_strings)
    if action.metavar is not None:
        return [str(action.metavar)]
    if action.choices is not None:
        return ["{" + ",".join(map(str, action.choices)) + "}"]
    return [action.dest]


def test_the_cli_reference_holds_every_command_option_help_and_epilog(site: Path) -> None:
    text = page_text(site, "cli/reference")
    built = (site / "cli/reference/index.html").read_text(encoding="utf-8")
    assert re.findall(r'<h2 id="command-([\w-]+)"', built) == list(COMMANDS)
    sections = dict(
        zip(COMMANDS, re.split(r"aimlapi-billing (?:" + "|".join(COMMANDS) + r") ¶", text)[1:], strict=True)
    )
    for name, parser in command_parsers().items():
        section = sections[name]
        assert " ".join((parser.description or "").split()) in section, name
        assert " ".join((parser.epilog or "").split()) in section, name
        for action in parser._actions:
            if action.help == argparse.SUPPRESS:
                continue
            for option in _invocation_names(action):
                assert re.search(rf"(^|[\s,\[]){re.escape(str(option))}([\s,\]]|$)", section), (name, option)
            assert _expanded_help(action) in section, (name, action.dest)
    for name, command in COMMANDS.items():
        assert f"{name} {command.help}" in text  # the command list


def test_the_api_reference_documents_every_public_name(site: Path) -> None:
    def documented(page: str) -> set[str]:
        return set(re.findall(r'id="([\w.]+)"', (site / page / "index.html").read_text(encoding="utf-8")))

    models = set(aimlapi_billing_client.models.__all__)
    assert {f"aimlapi_billing_client.models.{name}" for name in models} <= documented("reference/models")
    own = set(aimlapi_billing.__all__) - models - {"__version__"}
    assert {f"aimlapi_billing.{name}" for name in own} <= documented("reference/sdk")
    assert {f"aimlapi_billing.metrics.{name}" for name in metrics.__all__} <= documented("reference/metrics")


def test_the_api_reference_documents_every_method_of_the_clients(site: Path) -> None:
    """The billing methods are declared once, on a class both clients inherit: the reference shows them
    on each client, as it shows the resources' methods."""
    page = (site / "reference" / "sdk" / "index.html").read_text(encoding="utf-8")
    documented = set(re.findall(r'id="([\w.]+)"', page))
    for client in (aimlapi_billing.Billing, aimlapi_billing.AsyncBilling):
        public = {name for name in dir(client) if not name.startswith("_")}
        assert {f"aimlapi_billing.{client.__name__}.{name}" for name in public} <= documented, client


class _AssetLinks(HTMLParser):
    """Every URL a page loads by itself (scripts, styles, icons, images, frames, preconnects), and
    what would make the theme load a script of its own from a CDN (a mermaid diagram, a repository
    widget). Links a reader follows (``<a href>``) are not loaded."""

    LOADING: ClassVar[dict[str, str]] = {
        "script": "src",
        "img": "src",
        "iframe": "src",
        "source": "src",
        "video": "src",
        "audio": "src",
        "embed": "src",
        "object": "data",
        "link": "href",
    }

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.cdn_triggers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag in self.LOADING and self.LOADING[tag] in values:
            self.urls.append(values[self.LOADING[tag]])
        self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", values.get("style", ""))
        classes = values.get("class", "").split()
        if "mermaid" in classes or "md-source" in classes:
            self.cdn_triggers.append(f"<{tag} class={values['class']!r}>")


def test_the_built_site_loads_nothing_from_another_host(site: Path) -> None:
    """Read offline or behind a firewall, every page works: no web fonts, no CDN, no analytics."""
    for page in site.rglob("*.html"):
        links = _AssetLinks()
        links.feed(page.read_text(encoding="utf-8"))
        assert [url for url in links.urls if EXTERNAL.match(url.strip())] == [], page
        assert links.cdn_triggers == [], page
        assert not re.search(r"<style[^>]*>[^<]*(@import|url\(\s*['\"]?(https?:)?//)", page.read_text(encoding="utf-8"))
    for stylesheet in site.rglob("*.css"):
        urls = re.findall(r"(?:@import\s+|url\(\s*)['\"]?([^'\")\s;]+)", stylesheet.read_text(encoding="utf-8"))
        assert [url for url in urls if EXTERNAL.match(url)] == [], stylesheet


def test_contributing_links_resolve() -> None:
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert relative_links(contributing)
    assert all((ROOT / target).is_file() for target in relative_links(contributing)), relative_links(contributing)
