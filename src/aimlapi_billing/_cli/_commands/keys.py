"""``keys``: list the account's API keys, create one, change one, delete one (a management key).

``keys create`` prints the new key, once, on stdout, as its only output (so that
``KEY=$(aimlapi-billing keys create --name ci)`` captures exactly the key); everything else goes to
stderr. ``keys delete PREFIX`` needs ``--yes``: without it nothing is sent. The action is a word
after ``keys`` (``list`` when none), and every option may come before or after it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from ..._exceptions import (
    AIMLAPIError,
    APIStatusError,
    InvalidParameterError,
    OutcomeUnknownError,
    ResponseValidationError,
)
from ..._redaction import printable
from ...resources.keys import CREATE_KEY, LIST_KEYS_HINT, SHOWN_PREFIX_LENGTH, UnusableCreatedKeyError, shown_prefix
from .._common import (
    EXIT_BAD_RESPONSE,
    EXIT_KEY_NOT_PRINTED,
    EXIT_OK,
    PROG,
    client,
    fixed,
    json_output,
    report,
    silence,
    unwritable,
    usd,
)
from .._options import MAX_USD, EnumValues, add_epilog, number
from .._window import key_prefix

if TYPE_CHECKING:
    from aimlapi_billing_client.models import ApiKey

    from ..._client import Billing

ACTIONS = ("list", "create", "update", "delete")
DEFAULTS = {
    "keys": "list, as a table (--json: a JSON array with the API's field names, never a key's value); create and "
    "update change only what is given; a limit is --threshold and --retention together"
}
USAGE = (
    "%(prog)s [list] [--json]\n"
    "       %(prog)s create [--name N] [--threshold USD --retention R] [--scope S]...\n"
    "       %(prog)s update PREFIX [--name N] [--disable | --enable] [--threshold USD --retention R] [--scope S]...\n"
    "       %(prog)s delete PREFIX --yes"
)


#: The exit codes of keys alone, after every command's in --help.
EXIT_CODES_TEXT = (
    f"exit codes of keys: create exits {EXIT_KEY_NOT_PRINTED} when the key WAS created but could not be "
    "written to stdout (a reader gone, a full disk): stderr names its prefix; delete it "
    "(keys delete PREFIX --yes) and create another; exit 6 when the key WAS created but is not printed (a value "
    "that cannot be a key, the caller's own key, a key other than asked): stderr names the prefix to delete, or, "
    "when the prefix cannot be trusted, the name to look for in the list. Before any request, a stdout that "
    "cannot take the key (closed, read-only, /dev/full, a full file system, a pipe with no reader) is exit 2. "
    "keys delete, keys update: exit 6 when the answer does "
    "not confirm the change (update: the field unchanged, or another key)."
)


def _name(text: str) -> str:
    if not text.isprintable():
        raise argparse.ArgumentTypeError(f"not printable text: {text!r}")
    return text


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    parser.usage = USAGE
    add_epilog(parser, EXIT_CODES_TEXT)
    parser.add_argument(
        "action",
        nargs="?",
        choices=ACTIONS,
        default="list",
        metavar="ACTION",
        help="list, create, update or delete (default: list)",
    )
    parser.add_argument("prefix", nargs="?", type=key_prefix, metavar="PREFIX", help="the key to update or delete")
    parser.add_argument("--json", action="store_true", help="list: a JSON array of the keys (API field names)")
    parser.add_argument("--name", type=_name, metavar="N", help="create, update: the key's name")
    state = parser.add_mutually_exclusive_group()
    state.add_argument("--disable", dest="disabled", action="store_const", const=True, help="update: disable the key")
    state.add_argument("--enable", dest="disabled", action="store_const", const=False, help="update: enable it again")
    parser.add_argument(
        "--threshold",
        type=number("an amount in USD", 0, MAX_USD, exact=True),
        metavar="USD",
        help="create, update: spending limit per --retention period, in USD, sent with the digits given",
    )
    parser.add_argument(
        "--retention",
        choices=EnumValues("KeyLimitRetention"),
        metavar="R",
        help="create, update: when the limit's spend resets: %(choices)s",
    )
    parser.add_argument(
        "--scope",
        dest="scopes",
        action="append",
        choices=EnumValues("KeyScope"),
        metavar="S",
        help="create, update: a model scope (repeat for several): %(choices)s",
    )
    parser.add_argument("--yes", action="store_true", help="delete: confirm (without it nothing is sent)")


def _check(args: argparse.Namespace) -> None:
    """The options that make sense for the action, checked before any request."""
    action = args.action
    changes = [option for option, value in _changes(args).items() if value is not None]
    if action in ("update", "delete") and args.prefix is None:
        raise InvalidParameterError(f"keys {action} needs the PREFIX of the key")
    if action in ("list", "create") and args.prefix is not None:
        raise InvalidParameterError(f"keys {action} takes no PREFIX (got {args.prefix!r})")
    if args.json and action != "list":
        raise InvalidParameterError(
            f"--json is for keys list; keys {action} prints {'the key' if action == 'create' else 'one line'}"
        )
    if args.yes and action != "delete":
        raise InvalidParameterError("--yes is for keys delete")
    if action in ("list", "delete") and changes:
        raise InvalidParameterError(f"keys {action} takes none of {', '.join(changes)}")
    if action == "create" and args.disabled is not None:
        raise InvalidParameterError("a new key is enabled: --disable and --enable are for keys update")
    if action == "update" and not changes:
        raise InvalidParameterError(
            "keys update needs at least one change (--name, --disable/--enable, a limit, --scope)"
        )
    if args.scopes is not None and len(set(args.scopes)) != len(args.scopes):
        raise InvalidParameterError(f"each --scope once, not {', '.join(args.scopes)}")
    if (args.threshold is None) != (args.retention is None):
        raise InvalidParameterError("a limit is --threshold USD and --retention R, together")
    if action == "delete" and not args.yes:
        raise InvalidParameterError(f"keys delete {args.prefix} deletes the key for good: add --yes to confirm")


def _changes(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "--name": args.name,
        "--disable/--enable": args.disabled,
        "--threshold": args.threshold,
        "--retention": args.retention,
        "--scope": args.scopes,
    }


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        _check(args)
        if args.action == "create":
            # The key is shown once: an output that cannot take it would lose a key just made.
            problem = unwritable(out)
            if problem is not None:
                raise InvalidParameterError(f"{problem}; no key was created (it would be shown once, and lost)")
        with client(args) as billing:
            redact = billing._redact
            if args.action == "list":
                keys = _list(billing, args.json)
                out.write(keys + "\n")
            elif args.action == "create":
                return _create(billing, args, out, err)
            elif args.action == "update":
                key = billing.keys.update(
                    args.prefix,
                    name=args.name,
                    disabled=args.disabled,
                    scopes=args.scopes,
                    threshold=args.threshold,
                    retention=args.retention,
                )
                print(f"updated key {shown_prefix(redact, key.prefix)}", file=err)
                out.write(keys_table([key], redact) + "\n")
            else:
                deleted = billing.keys.delete(args.prefix)
                print(f"deleted key {shown_prefix(redact, deleted.prefix)}", file=err)
    except AIMLAPIError as exc:
        return report(exc, err, _cli_words)
    return EXIT_OK


def _cli_words(message: str) -> str:
    """The SDK's advice in the CLI's words: the command that lists the keys, not the Python call."""
    return message.replace(LIST_KEYS_HINT, f"{PROG} keys")


def _create(billing: Billing, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        created = billing.keys.create(
            name=args.name, scopes=args.scopes, threshold=args.threshold, retention=args.retention
        )
    except UnusableCreatedKeyError as exc:
        return _unusable(exc, err)
    except (ResponseValidationError, OutcomeUnknownError, APIStatusError) as exc:
        if not isinstance(exc, APIStatusError) or exc.status_code >= 500:
            # After a POST that may have created a key (an unreadable or oversized answer, a lost
            # one, a 5xx): say so, and how to find it, in every case.
            look_for = f"look for {printable(billing._redact(args.name))!r}" if args.name else "look for the new key"
            advice = f"the key may have been created; list the keys ({PROG} keys) and {look_for}"
            if CREATE_KEY.check_hint in exc.message:  # the SDK's advice, for Python, said once in the CLI's words
                exc.message = exc.message.replace(CREATE_KEY.check_hint, advice)
                exc.args = (exc._render(),)
            else:
                exc.add_note_to_message(advice)
        raise
    prefix = shown_prefix(billing._redact, created.prefix)
    label = f"{prefix} ({printable(billing._redact(created.name))})" if created.name else prefix
    try:
        # The key on stdout, alone, whole, once: `KEY=$(aimlapi-billing keys create ...)`.
        out.write(created.key.get_secret_value() + "\n")
        out.flush()
    except OSError as exc:  # a full disk, a reader gone (a broken pipe is no success here)
        silence(out)  # what is left of the key in the buffer goes nowhere when the interpreter exits
        reason = printable(exc.strerror or type(exc).__name__).removeprefix("cannot write to standard output: ")
        print(
            f"{PROG}: error: key {label} WAS created but could not be written to stdout ({reason}): "
            f"it is lost; delete it ({PROG} keys delete {prefix} --yes) and create another",
            file=err,
        )
        return EXIT_KEY_NOT_PRINTED
    print(f"created key {label}: its value is on stdout, shown this once; store it now", file=err)
    return EXIT_OK


def _unusable(exc: UnusableCreatedKeyError, err: TextIO) -> int:
    """A key created but not returned: the prefix to delete, or, when it cannot be trusted, the name to look for."""
    label = f" ({exc.name})" if exc.name else ""
    if exc.prefix is not None:
        what, advice = f"key {exc.prefix}{label}", f"delete the key: {PROG} keys delete {exc.prefix} --yes"
    else:
        # A prefix the server chose freely may be another key's, or shell text: never advised.
        what = f"a key{label}"
        advice = f"list the keys ({PROG} keys) and look for {exc.name or 'the new key'} to delete it"
    print(f"{PROG}: error: the API created {what} but {exc.reason}, so it is not printed; {advice}", file=err)
    return EXIT_BAD_RESPONSE


#: Fields of a listed key never printed: the full value, should a server add it to a listing.
_SECRET_FIELDS = frozenset({"key"})


def _list(billing: Billing, as_json: bool) -> str:
    """The keys as a table, or as JSON with the API's field names and timestamps as the API wrote
    them, without any key value (a ``key`` field, an echo of a secret the client knows)."""
    if not as_json:
        return keys_table(billing.keys.list(), billing._redact)
    response = billing.keys.with_raw_response.list()
    raw = response.http_response.json().get("data")
    records = []
    for index, key in enumerate(response.parse()):
        record = key.to_dict()
        original = raw[index] if isinstance(raw, list) and index < len(raw) else None
        if isinstance(original, dict) and original.get("prefix") == key.prefix:
            for field in ("created_at", "updated_at"):
                if isinstance(original.get(field), str):
                    record[field] = original[field]
        record = billing._redactor.data(
            {field: value for field, value in record.items() if field not in _SECRET_FIELDS}
        )
        # A prefix is the first 8 characters of a key, its public part: the caller's own is listed too.
        record["prefix"] = key.prefix if len(key.prefix) <= SHOWN_PREFIX_LENGTH else record["prefix"]
        records.append(record)
    return json_output(records)


def keys_table(keys: list[ApiKey], redact: Callable[[str], str] = str) -> str:
    from aimlapi_billing_client.types import Unset

    lines = [f"{'prefix':<10}  {'name':<24}  {'state':<8}  {'month':>12}  {'limit':<24}  scopes"]
    for key in keys:
        limit = key.limit
        if limit is None or isinstance(limit, Unset):
            limit_text = "none"
        else:
            threshold = "?" if isinstance(limit.threshold, Unset) else usd(limit.threshold)
            retention = "?" if isinstance(limit.retention, Unset) else limit.retention.value
            limit_text = f"{threshold} per {retention}"
        name = "" if key.name is None or isinstance(key.name, Unset) else key.name
        scopes = "all" if key.scopes is None else ", ".join(scope.value for scope in key.scopes) or "none"
        cells = [shown_prefix(redact, key.prefix)] + [printable(redact(text)) for text in (name, limit_text, scopes)]
        state = "disabled" if key.disabled else "enabled"
        lines.append(
            f"{cells[0]:<10}  {cells[1]:<24}  {state:<8}  {fixed(key.monthly_usage, 2):>12}  {cells[2]:<24}  {cells[3]}"
        )
    return "\n".join(line.rstrip() for line in lines)
