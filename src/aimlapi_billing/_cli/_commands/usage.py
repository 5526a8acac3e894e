"""``usage``: a key's spend over a window (``GET /v2/usage``, or ``/v2/usage/detail`` for models and groups)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TextIO

from ..._exceptions import AIMLAPIError
from ..._redaction import printable
from ..._windows import NAMED_WINDOWS
from .._common import EXIT_OK, FORMULA_TEXT, client, json_output, report, table, usd
from .._options import add_epilog, number
from .._window import Window, add_window_options, key_prefix, window, zone

if TYPE_CHECKING:
    from aimlapi_billing_client.models import ModelPricing

    from ...types.usage import UsageReport

DEFAULT_PERIOD = "30d"
GROUPINGS = ("day", "model", "day,model")
DEFAULTS = {
    "usage": f"--period {DEFAULT_PERIOD}, the key in use (no --key-prefix, --all-keys), the total only (no --models, "
    "--group-by, --prices), days in UTC (no --tz), every key with --all-keys (no --top), a table (--json: one JSON "
    "object; --csv with --all-keys)"
}


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    add_epilog(parser, FORMULA_TEXT, before_exit_codes=True)
    add_window_options(parser, DEFAULT_PERIOD, tz=False)
    keys = parser.add_mutually_exclusive_group()
    keys.add_argument(
        "--key-prefix", type=key_prefix, metavar="X", help="another key's spend (a management key; default: this key)"
    )
    keys.add_argument(
        "--all-keys",
        action="store_true",
        help="one row per key, highest spend first (a management key); keys read side by side (--concurrency, "
        "one --deadline); keys not measured are named, and the exit code is their error's",
    )
    parser.add_argument(
        "--top",
        type=number("a whole number", 1, 10**9, whole=True),
        metavar="N",
        help="with --all-keys: the N keys that spent most, the rest summed in one line",
    )
    parser.add_argument("--models", action="store_true", help="also the spend per model (GET /v2/usage/detail)")
    parser.add_argument(
        "--group-by",
        choices=GROUPINGS,
        metavar="G",
        help="also groups by day, model or day,model (GET /v2/usage/detail; implies --models)",
    )
    parser.add_argument(
        "--prices",
        action="store_true",
        help="also each model's list price beside its spend (GET /v1/models, by id or alias; implies --models)",
    )
    parser.add_argument(
        "--tz",
        type=zone,
        metavar="ZONE",
        help="IANA zone where a day ends, e.g. Europe/Berlin: of --group-by day and of a named --period (default: UTC)",
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="one JSON object with the API's field names")
    output.add_argument("--csv", action="store_true", help="with --all-keys: CSV, a header row, one row per key")


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    detail = args.models or args.prices or args.group_by is not None
    prices = None
    try:
        by_day = args.group_by in ("day", "day,model")
        if args.tz is not None and not by_day and args.period not in NAMED_WINDOWS:
            from ..._exceptions import InvalidParameterError

            raise InvalidParameterError(
                "--tz sets where a day ends: it needs --group-by day or day,model, or a named --period (this-month)"
            )
        span = window(args, DEFAULT_PERIOD, tz_days=True)
        if args.all_keys or args.top is not None or args.csv:
            return _all_keys(args, span, out, err)
        with client(args) as billing:
            if detail:
                zone = args.tz if by_day else None  # the API takes tz with a grouping by day only
                result = billing.usage.detail(**span, key_prefix=args.key_prefix, group_by=args.group_by, tz=zone)
            else:
                result = billing.usage.total(**span, key_prefix=args.key_prefix)
            if args.prices and result.models:
                prices = billing.models.list_prices([model.model for model in result.models])
    except AIMLAPIError as exc:
        return report(exc, err)
    # Model names are server text: an echo of a key in one is redacted like any other.
    redact = billing._redactor.data
    if args.json:
        out.write(json_output(as_json(result, detail, args.group_by is not None, redact, prices)) + "\n")
    else:
        out.write(usage_table(result, detail, redact, prices) + "\n")
    return EXIT_OK


def _all_keys(args: argparse.Namespace, span: Window, out: TextIO, err: TextIO) -> int:
    from ..._exceptions import InvalidParameterError
    from .._all_keys import management_key_needed, usage_csv, usage_json, usage_table, warn_missing

    if not args.all_keys:
        raise InvalidParameterError("--top and --csv go with --all-keys")
    if args.group_by is not None or args.prices:
        raise InvalidParameterError("--all-keys takes --models, not --group-by or --prices")
    with client(args) as billing, management_key_needed("usage --all-keys"):
        result = billing.usage.all_keys(**span, models=args.models)
        redact = billing._redactor.text
    if args.json:
        text = json_output(usage_json(result, args.top, None if args.models else 0, redact)) + "\n"
    elif args.csv:
        text = usage_csv(result, args.top, args.models, redact)
    else:
        text = usage_table(result, args.top, None if args.models else 0, redact) + "\n"
    out.write(text)  # whole, once every key is read
    return warn_missing(result.missing, result.listed, err)


def _same(value: Any) -> Any:
    return value


def as_json(
    result: UsageReport,
    models: bool,
    groups: bool,
    redact: Callable[[Any], Any] = _same,
    prices: Mapping[str, ModelPricing | None] | None = None,
) -> dict[str, Any]:
    """The API's fields for the whole window: money as ``Decimal`` (written as JSON strings of their exact digits);
    with ``prices``, each model's ``list_price`` (the catalogue's pricing object, or null)."""
    data: dict[str, Any] = {
        "spend": result.spend,
        "requests": result.requests,
        "start": result.start,
        "end": result.end,
        "currency": result.currency,  # "USD": the SDK refuses any other
        "api_key_prefix": result.api_key_prefix,
    }
    if models:
        data["models"] = [{"model": redact(m.model), "spend": m.spend, "requests": m.requests} for m in result.models]
        if prices is not None:
            for row, model in zip(data["models"], result.models, strict=True):
                pricing = prices.get(model.model)
                row["list_price"] = None if pricing is None else redact(pricing.to_dict())
    if groups:
        data["groups"] = [redact(group.to_dict()) for group in result.groups or ()]
    return data


def usage_table(
    result: UsageReport,
    models: bool,
    redact: Callable[[Any], Any] = _same,
    prices: Mapping[str, ModelPricing | None] | None = None,
) -> str:
    from aimlapi_billing_client.types import Unset

    rows = [
        ("window", f"{result.start} to {result.end}"),
        ("key", result.api_key_prefix or "the key in use"),
        ("spend", usd(result.spend)),
        ("requests", f"{result.requests:,} charged"),
    ]
    if models:
        rows.append(("models", "" if result.models else "none"))
        if prices is not None:  # loaded for --prices only: usage alone needs nothing of the catalogue
            from .models import price_text
        for m in result.models:
            pricing = None if prices is None else prices.get(m.model)
            listed = (
                ""
                if prices is None
                else "; no list price"
                if pricing is None
                else f"; list price {price_text(pricing)}"
            )
            rows.append((f"  {redact(m.model)}", redact(f"{usd(m.spend)}, {m.requests:,} requests{listed}")))
    if result.groups is not None:
        rows.append(("groups", "" if result.groups else "none"))
        for group in result.groups:
            label = redact(" ".join(part for part in (group.day, group.model) if not isinstance(part, Unset) and part))
            counts = group.requests
            rows.append((f"  {label}", f"{usd(group.spend)}, {counts.charged:,} of {counts.total:,} requests charged"))
    # Model names, days and prefixes come from the server: no control characters reach the terminal.
    return table([(printable(label), printable(value)) for label, value in rows])
