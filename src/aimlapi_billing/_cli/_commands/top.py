"""``top``: who spent most, on what: the keys that spent most over a window, each with its costliest
models (``GET /v1/keys``, then ``GET /v2/usage/detail`` per key, side by side)."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..._exceptions import AIMLAPIError
from .._common import client, json_output, report
from .._options import number
from .._window import add_window_options, window

DEFAULT_PERIOD = "this-month"
DEFAULT_TOP = 10
DEFAULT_MODELS = 3
DEFAULTS = {
    "top": f"--period {DEFAULT_PERIOD} (in UTC, no --tz), --top {DEFAULT_TOP} keys, --models {DEFAULT_MODELS} per "
    "key, a table (--json: one JSON object)"
}


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    add_window_options(parser, DEFAULT_PERIOD)
    parser.add_argument(
        "--top",
        type=number("a whole number", 1, 10**9, whole=True),
        default=DEFAULT_TOP,
        metavar="N",
        help=f"the N keys that spent most, the rest summed in one line (default: {DEFAULT_TOP})",
    )
    parser.add_argument(
        "--models",
        type=number("a whole number", 0, 10**6, whole=True),
        default=DEFAULT_MODELS,
        metavar="M",
        help=f"each key's M costliest models, 0 for none (default: {DEFAULT_MODELS})",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object (as usage --all-keys --json)")


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .._all_keys import management_key_needed, usage_json, usage_table, warn_missing

    try:
        span = window(args, DEFAULT_PERIOD)
        with client(args) as billing, management_key_needed("top"):
            result = billing.usage.all_keys(**span, models=args.models > 0)
            redact = billing._redactor.text
    except AIMLAPIError as exc:
        return report(exc, err)
    if args.json:
        text = json_output(usage_json(result, args.top, args.models, redact)) + "\n"
    else:
        text = usage_table(result, args.top, args.models, redact, title="who spent most, on what") + "\n"
    out.write(text)  # whole, once every key is read
    return warn_missing(result.missing, result.listed, err)
