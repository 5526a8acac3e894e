"""What the documentation site builds from the code rather than from hand-written pages.

- A MkDocs hook (``hooks:`` in mkdocs.yml): :func:`on_files` adds ``cli/reference.md``, written at
  build time from the real argparse parsers of ``aimlapi-billing`` by :func:`cli_reference`, so the
  page holds every command, option, help text and epilog of this version and cannot go stale.
- A griffe extension (mkdocstrings' ``extensions:``): :class:`SphinxRolesAsCode` shows the
  docstrings' Sphinx roles (``:class:`Billing```) as code, which Markdown would print verbatim.
"""

from __future__ import annotations

import argparse
import html
import re
from collections.abc import Callable
from typing import Any

import griffe
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from aimlapi_billing._cli import build_parser
from aimlapi_billing._cli._common import PROG
from aimlapi_billing._cli._registry import COMMANDS
from aimlapi_billing._version import __version__

#: Where the generated page lives in the site (and what mkdocs.yml's nav names).
CLI_REFERENCE_PAGE = "cli/reference.md"
#: The width the help is laid out for, as a terminal of 100 columns would show it.
HELP_WIDTH = 100
_SPHINX_ROLE = re.compile(r":(?:class|meth|func|attr|mod|exc|data|obj):`~?([^`]+)`")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def command_parsers() -> dict[str, argparse.ArgumentParser]:
    """Each command's parser, with its options, as ``aimlapi-billing COMMAND --help`` builds it
    (the CLI builds only the invoked command's options: one build per command)."""
    parsers: dict[str, argparse.ArgumentParser] = {}
    for name in COMMANDS:
        parser = build_parser([name])
        subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parsers[name] = subparsers.choices[name]
    return parsers


def _formatter(parser: argparse.ArgumentParser) -> argparse.HelpFormatter:
    """The parser's own help formatter, laid out for :data:`HELP_WIDTH` columns whatever the
    terminal building the site: its invocations (``-t SECONDS, --timeout SECONDS``) and help
    (``%(choices)s`` filled in) are what ``--help`` prints."""
    formatter_class: Callable[..., argparse.HelpFormatter] = parser.formatter_class
    return formatter_class(prog=parser.prog, width=HELP_WIDTH)


def _text(text: str) -> str:
    """Plain text as Markdown that shows it as written (argparse's help is plain text)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))


def _usage(parser: argparse.ArgumentParser) -> str:
    formatter = _formatter(parser)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return formatter.format_help().strip()


def _options_tables(parser: argparse.ArgumentParser) -> list[str]:
    formatter = _formatter(parser)
    lines: list[str] = []
    for group in parser._action_groups:
        actions = [
            action
            for action in group._group_actions
            # The command list is the table above; help=SUPPRESS hides an option from --help too.
            if action.help != argparse.SUPPRESS and not isinstance(action, argparse._SubParsersAction)
        ]
        if not actions:
            continue
        lines += ["", f"**{_text(group.title or 'options')}**", "", "| option | what it does |", "| --- | --- |"]
        for action in actions:
            invocation = formatter._format_action_invocation(action)
            help_text = formatter._expand_help(action) if action.help else ""
            lines.append(f"| `{invocation}` | {_text(help_text)} |")
    return lines


def _block(text: str) -> list[str]:
    return ["", "```text", text.strip("\n"), "```"]


def _paragraphs(text: str) -> list[str]:
    """An epilog's paragraphs (its defaults, its exit codes) as text that wraps to the page."""
    return [line for paragraph in text.split("\n\n") if paragraph.strip() for line in ("", _text(paragraph))]


def cli_reference() -> str:
    """The CLI reference page, in Markdown: the command list, then each command's description,
    usage, options by group and epilog (its defaults and exit codes)."""
    main = build_parser()
    lines = [
        "# CLI reference",
        "",
        f"Every command and option of `{PROG}` {__version__}, generated from its argparse parsers when this",
        f"site was built: exactly what `{PROG} COMMAND --help` prints, laid out as tables. The guides say",
        "what the commands are for: [the CLI](index.md), [monitoring](../monitoring/index.md),",
        "[keys and budgets](../governance/keys.md).",
        "",
        f"## `{PROG}`" + " { #aimlapi-billing }",
        "",
        _text(main.description or ""),
        *_block(_usage(main)),
        "",
        "| command | what it does |",
        "| --- | --- |",
        *(f"| [`{name}`](#command-{name}) | {_text(command.help)} |" for name, command in COMMANDS.items()),
        *_options_tables(main),
        *_paragraphs(main.epilog or ""),
    ]
    for name, parser in command_parsers().items():
        lines += [
            "",
            f"## `{PROG} {name}`" + f" {{ #command-{name} }}",
            "",
            _text(parser.description or COMMANDS[name].help),
            *_block(_usage(parser)),
            *_options_tables(parser),
        ]
        lines += _paragraphs(parser.epilog or "")
    return "\n".join(lines) + "\n"


def on_files(files: Files, config: MkDocsConfig, **kwargs: Any) -> Files:
    """MkDocs hook: add the generated CLI reference to the site's pages."""
    files.append(File.generated(config, CLI_REFERENCE_PAGE, content=cli_reference()))
    return files


class SphinxRolesAsCode(griffe.Extension):
    """Docstrings name objects the Sphinx way (``:class:`Billing```); mkdocstrings reads Markdown,
    where the role would show as written: each becomes the object's name as code."""

    def on_instance(self, *, obj: griffe.Object | griffe.Alias, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _SPHINX_ROLE.sub(r"`\1`", obj.docstring.value)
