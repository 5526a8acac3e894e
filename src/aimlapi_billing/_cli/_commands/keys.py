"""``keys``: list the account's API keys, create one, change one, delete one (a management key).

``keys create`` prints the new key, once, on stdout, as its only output (so that
``KEY=$(aimlapi-billing keys create --name ci)`` captures exactly the key); everything else goes to
stderr. ``keys delete PREFIX`` needs ``--yes``: without it nothing is sent. The action is a word
after ``keys`` (``list`` when none), and every option may come before or after it.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any, TextIO

from ..._exceptions import AIMLAPIError, InvalidParameterError
from ..._redaction import printable
from .._common import EXIT_OK, client, report
from .._options import MAX_USD, EnumValues, number
from .._window import key_prefix

if TYPE_CHECKING:
    from aimlapi_billing_client.models import ApiKey

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


def _name(text: str) -> str:
    if not text.isprintable():
        raise argparse.ArgumentTypeError(f"not printable text: {text!r}")
    return text


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    parser.usage = USAGE
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
        type=number("an amount in USD", 0, MAX_USD),
        metavar="USD",
        help="create, update: spending limit per --retention period, in USD",
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
        with client(args) as billing:
            if args.action == "list":
                keys = billing.keys.list()
                out.write(
                    (json.dumps([key.to_dict() for key in keys], indent=2) if args.json else keys_table(keys)) + "\n"
                )
            elif args.action == "create":
                created = billing.keys.create(
                    name=args.name, scopes=args.scopes, threshold=args.threshold, retention=args.retention
                )
                # The key on stdout, alone, whole, once: `KEY=$(aimlapi-billing keys create ...)`.
                out.write(created.key.get_secret_value() + "\n")
                out.flush()
                print(
                    f"created key {printable(created.prefix)}"
                    + (f" ({printable(created.name)})" if created.name else "")
                    + ": its value is on stdout, shown this once; store it now",
                    file=err,
                )
            elif args.action == "update":
                key = billing.keys.update(
                    args.prefix,
                    name=args.name,
                    disabled=args.disabled,
                    scopes=args.scopes,
                    threshold=args.threshold,
                    retention=args.retention,
                )
                print(f"updated key {printable(key.prefix)}", file=err)
                out.write(keys_table([key]) + "\n")
            else:
                deleted = billing.keys.delete(args.prefix)
                print(f"deleted key {printable(deleted.prefix)}", file=err)
    except AIMLAPIError as exc:
        return report(exc, err)
    return EXIT_OK


def keys_table(keys: list[ApiKey]) -> str:
    from aimlapi_billing_client.types import Unset

    lines = [f"{'prefix':<10}  {'name':<24}  {'state':<8}  {'month':>12}  {'limit':<24}  scopes"]
    for key in keys:
        limit = key.limit
        if limit is None or isinstance(limit, Unset):
            limit_text = "none"
        else:
            threshold = "?" if isinstance(limit.threshold, Unset) else f"{limit.threshold:,.2f} USD"
            retention = "?" if isinstance(limit.retention, Unset) else limit.retention.value
            limit_text = f"{threshold} per {retention}"
        name = "" if key.name is None or isinstance(key.name, Unset) else key.name
        scopes = "all" if key.scopes is None else ", ".join(scope.value for scope in key.scopes) or "none"
        cells = [printable(text) for text in (key.prefix, name, limit_text, scopes)]
        state = "disabled" if key.disabled else "enabled"
        lines.append(
            f"{cells[0]:<10}  {cells[1]:<24}  {state:<8}  {key.monthly_usage:>12,.2f}  {cells[2]:<24}  {cells[3]}"
        )
    return "\n".join(line.rstrip() for line in lines)
