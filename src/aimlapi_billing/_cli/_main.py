"""The dispatcher: parse the command line, building only the invoked command's options, and run it."""

from __future__ import annotations

import argparse
import importlib
import logging
import signal
import sys
import textwrap
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn, TextIO, cast

from .._config import API_KEY_ENV_VARS, DEFAULT_DEADLINE
from .._redaction import printable
from .._version import __version__
from . import resume_collection
from ._common import (
    CHECK_UNKNOWN,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    ErrorOutput,
    Output,
    OutputError,
    silence,
)
from ._options import (
    CHECK_EXIT_CODES_TEXT,
    CONNECTION_DEFAULTS,
    EXIT_CODES_TEXT,
    Parser,
    UsageError,
    epilog,
    with_json_rule,
)
from ._registry import COMMANDS


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"{__package__}._commands.{COMMANDS[name].module}")


def build_parser(arguments: Sequence[str] = ()) -> Parser:
    """The command line's parser. Without a command (``--help``, a mistyped one), every command is
    listed with its one-line help; with one, only that one is built, with its options, so only its
    module is imported (a parser per command listed cost a monitoring check ~1 ms)."""
    parser = Parser(
        prog=PROG,
        description="Read your AIML API account balance and billing details.",
        epilog=epilog(
            CONNECTION_DEFAULTS + "; the API key comes from --api-key-file, or "
            f"${API_KEY_ENV_VARS[0]} (or ${API_KEY_ENV_VARS[1]}), never from the command line itself"
        )
        + "\n\n"
        + textwrap.fill(CHECK_EXIT_CODES_TEXT.replace("exit codes", "plugins' exit codes"), width=100),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-V", "--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    invoked = arguments[0] if arguments and arguments[0] in COMMANDS else None
    for name, command in COMMANDS.items():
        if invoked is None:
            commands.add_parser(name, help=command.help)
            continue
        if name != invoked:
            continue
        module = _module(name)
        defaults = getattr(module, "DEFAULTS", {}).get(name, "")
        if command.connects:
            from ._options import PLUGIN_DEADLINE, connection_defaults, connection_options

            deadline = PLUGIN_DEADLINE if command.plugin else DEFAULT_DEADLINE
            every = connection_defaults(deadline) + (f"; {defaults}" if defaults else "")
            sub = commands.add_parser(
                name,
                parents=[connection_options(deadline)],
                help=command.help,
                description=command.description,
                epilog=epilog(every, CHECK_EXIT_CODES_TEXT if command.plugin else EXIT_CODES_TEXT),
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )
        else:
            sub = commands.add_parser(name, help=command.help, description=command.description)
        if command.plugin:
            # The plugin guidelines' -V (version); -t (timeout) is a connection option.
            sub.add_argument("-V", "--version", action="version", version=f"%(prog)s {__version__}")
        module.add_arguments(name, sub)
        with_json_rule(sub)
    return parser


class _Progress:
    """How far :func:`_main` got, for :func:`main` to choose the exit code when stdout fails."""

    plugin = False
    code: int | None = None  # the command's own exit code, once its run() has returned


class _EnumWarnings(logging.Handler):
    """The generated client's warnings (a value its open enums do not know) as the CLI's warning lines."""

    def __init__(self, err: TextIO) -> None:
        super().__init__(logging.WARNING)
        self._err = err

    def emit(self, record: logging.LogRecord) -> None:
        print(f"{PROG}: warning: {printable(record.getMessage())}", file=self._err)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line ``argv``; its exit code. Standard output that cannot be written (a full
    disk, ``/dev/full``, a closed descriptor) is one line on stderr and exit 2 (3, UNKNOWN, for a
    monitoring plugin: 2 would read as CRITICAL). A reader that went
    away (``| head``) after the command finished leaves its exit code (a check's CRITICAL, a
    reconciliation's DISAGREE); before that, it is exit 0, the output it wanted having been read.
    A monitoring plugin whose line cannot be delivered is UNKNOWN (3), never OK or CRITICAL.
    Standard error that is closed or fails takes nothing, and changes no exit code."""
    stream = sys.stdout if out is None else out
    errors = cast(TextIO, ErrorOutput(sys.stderr if err is None else err))
    progress = _Progress()
    try:
        return _main(argv, cast(TextIO, Output(stream)), errors, progress)
    except OutputError as exc:
        silence(stream)  # the interpreter's last flush would fail again, with a traceback
        if exc.broken_pipe:
            if progress.code is not None:
                return progress.code
            return CHECK_UNKNOWN if progress.plugin else EXIT_OK
        print(f"{PROG}: error: {exc}", file=errors)
        return CHECK_UNKNOWN if progress.plugin else EXIT_USAGE
    except KeyboardInterrupt:
        # Ctrl-C after the command finished (its output written, "wrote FILE" said) changes nothing
        # it did: its own exit code stands, never a 130 after a success line.
        if progress.code is not None:
            return progress.code
        raise


def _main(argv: Sequence[str] | None, out: TextIO, err: TextIO, progress: _Progress) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = COMMANDS.get(arguments[0]) if arguments else None
    progress.plugin = command is not None and command.plugin
    try:
        args = build_parser(arguments).parse_args(arguments)
    except UsageError as exc:
        if command is not None and command.plugin:
            print(f"{command.label} UNKNOWN - {printable(str(exc))}", file=out)
            return CHECK_UNKNOWN
        name = arguments[0] if command is not None else ""
        print(f"{PROG}: error: {exc} (see {' '.join([PROG, name]).strip()} --help)", file=err)
        return EXIT_USAGE
    if command is not None and command.connects:
        from .. import _client  # noqa: F401  # the SDK loads with the command, while collection waits
    resume_collection()
    # The open enums log a value the spec does not list (logging's last resort would print it bare);
    # a monitoring plugin silences them itself (its stderr stays empty).
    enums = None if command is not None and command.plugin else _EnumWarnings(err)
    if enums is not None:
        logging.getLogger("aimlapi_billing_client").addHandler(enums)
    try:
        progress.code = _module(args.command).run(args.command, args, out, err)
    finally:
        if enums is not None:
            logging.getLogger("aimlapi_billing_client").removeHandler(enums)
    out.flush()
    return progress.code


def entry_point() -> NoReturn:
    from . import _interrupt  # installed by the package's entry_point, before the modules load

    try:
        code = main()  # flushes stdout itself, and says when it cannot
        # Done: a Ctrl-C while the interpreter shuts down (matplotlib's can take 0.3 s) must not turn
        # a success already said ("wrote FILE") into death by SIGINT.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except KeyboardInterrupt:  # Ctrl-C: one line; a command writes its output whole or not at all
        code = _interrupt.stopped()
    except BrokenPipeError:
        # The reader went away (`| head`) while argparse wrote --help: not an error of ours.
        silence(sys.stdout)
        code = EXIT_OK
    sys.exit(code)
