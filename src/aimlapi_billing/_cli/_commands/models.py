"""``models``: the model catalogue with list prices (``GET /v1/models``); ``model-metrics``: the
models' current latency percentiles (``GET /models/metrics``).

``model-metrics`` is a command of its own rather than ``models --metrics``: another endpoint, with
one filter of its own (exact names, repeated) and none of the catalogue's, and other columns.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

from ..._exceptions import AIMLAPIError
from ..._redaction import printable
from .._common import EXIT_OK, client, json_output, plain_number, report, table
from .._options import add_epilog

if TYPE_CHECKING:
    from aimlapi_billing_client.models import CatalogueModel, ModelMetricsResponse, ModelPricing

DEFAULTS = {
    "models": "every model (no filter), identity only (no --pricing, --all), a table (--json: a JSON array of the "
    "API's objects)",
    "model-metrics": "every measured model (no --alias), a table (--json: the API's object)",
}
RULES = {
    "models": (
        "filters: each may be given more than once: values of one filter are alternatives (OR), different "
        "filters all apply (AND); matching ignores case; --id matches an id or an alias; a value with a comma "
        "is refused (pass the option again). Prices: `fixed` is one rate per unit (price USD per `per` units, "
        "always read together), `variants` one rate per combination of the request's parameters, `variable` "
        "is known only at request time; a pricing kind this version does not know is shown by name (--json "
        "shows it whole), never refused. A price in another currency than USD, or one that is negative, not "
        "finite or absurdly large, or a `fixed` price without units (`variants` without variants), makes the "
        "answer unusable (exit 6). The API needs no key for this endpoint; "
        "the command sends the one configured, as every command does."
    ),
    "model-metrics": (
        "percentiles p50/p75/p90/p99 over the API's sliding window (window_seconds); ttft_ms is the time to the "
        "first token, tps output tokens per second (a HIGHER percentile is a FASTER request), duration_ms the "
        "whole request. A model with no successful request in the window is absent (no data, not zero). "
        "--alias is matched exactly against ids and aliases, at most 100."
    ),
}
#: Filter options: (option, the SDK's keyword, what it keeps).
FILTERS = (
    ("--id", "id", "models with this id or alias"),
    ("--type", "type", "models served through this endpoint type, e.g. openai/chat-completions"),
    ("--tag", "tags", "models with this tag, e.g. playground:chat"),
    ("--modality", "modalities", "models with this input or output modality"),
    ("--input-modality", "input_modalities", "models accepting this input modality"),
    ("--output-modality", "output_modalities", "models producing this output modality, e.g. video"),
    ("--capability", "capabilities", "models declaring this capability, e.g. image_to_video"),
)


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    if name == "model-metrics":
        parser.add_argument(
            "--alias", action="append", metavar="NAME", help="only this model (repeat for more; exact id or alias)"
        )
        parser.add_argument("--json", action="store_true", help="the API's object, as JSON")
    else:
        for option, keyword, keeps in FILTERS:
            parser.add_argument(option, dest=keyword, action="append", metavar="X", help=f"keep {keeps}")
        parser.add_argument("--pricing", action="store_true", help="each model's list price (include=pricing)")
        parser.add_argument(
            "--all", action="store_true", help="every section: pricing, modalities and capabilities (include=all)"
        )
        parser.add_argument("--json", action="store_true", help="a JSON array of the API's model objects")
    add_epilog(parser, RULES[name], before_exit_codes=True)


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        with client(args) as billing:
            if name == "model-metrics":
                metrics = billing.models.metrics(aliases=args.alias)
            else:
                include = "all" if args.all else "pricing" if args.pricing else None
                filters = {keyword: getattr(args, keyword) for _, keyword, _ in FILTERS}
                models = billing.models.list(include=include, **filters)
    except AIMLAPIError as exc:
        return report(exc, err)
    # Names, descriptions and tags are server text: an echo of a key in one is redacted like any other.
    redact = billing._redactor.data
    if name == "model-metrics":
        out.write((json_output(redact(metrics.to_dict())) if args.json else metrics_table(metrics, redact)) + "\n")
    elif args.json:
        out.write(json_output([redact(model.to_dict()) for model in models]) + "\n")
    else:
        out.write(catalogue_table(models, args.pricing or args.all, redact) + "\n")
    return EXIT_OK


def _same(value: Any) -> Any:
    return value


def _rate(price: Decimal, per: Decimal, unit: str) -> str:
    return f"{plain_number(price)} USD per {plain_number(per)} {unit}"


def price_text(pricing: ModelPricing | None) -> str:
    """A model's list price on one line: each rate with its ``per`` (a bare price compares
    different bases), each variant with its condition; a kind this version does not know, by name."""
    from aimlapi_billing_client.models import PricingKind
    from aimlapi_billing_client.types import Unset

    if pricing is None:
        return "no list price"
    kind = pricing.kind
    if isinstance(kind, Unset):
        return "no pricing kind given"
    if kind == PricingKind.FIXED and not isinstance(pricing.units, Unset):
        return "; ".join(
            _rate(unit.price, unit.per, " ".join(w for w in (unit.measure, unit.name) if isinstance(w, str) and w))
            for unit in pricing.units
        )
    if kind == PricingKind.VARIANTS and not isinstance(pricing.variants, Unset):
        return "; ".join(
            ", ".join(f"{key}={value}" for key, value in variant.when.additional_properties.items())
            + ": "
            + _rate(variant.price, variant.per, variant.unit)
            for variant in pricing.variants
        )
    if kind == PricingKind.VARIABLE:
        return "variable: known only at request time"
    return f"{str(kind.value)[:40]!r}: a pricing kind this version does not read (--json shows it whole)"


def catalogue_table(models: list[CatalogueModel], prices: bool, redact: Callable[[Any], Any] = _same) -> str:
    from aimlapi_billing_client.types import Unset

    if not models:
        return "no models match"
    rows = []
    for model in models:
        value = model.type_ + (f" (also {', '.join(model.aliases)})" if model.aliases else "")
        if prices:
            value += " | " + price_text(None if isinstance(model.pricing, Unset) else model.pricing)
        rows.append((redact(model.id), redact(value)))
    # Server text: no control characters reach the terminal.
    return table([(printable(label), printable(value)) for label, value in rows])


def metrics_table(metrics: ModelMetricsResponse, redact: Callable[[Any], Any] = _same) -> str:
    from aimlapi_billing_client.types import Unset

    rows = [
        ("window", f"{metrics.window_seconds} s, computed at {redact(metrics.generated_at)}"),
        ("percentiles", "p50/p75/p90/p99 (tps: higher is faster)"),
    ]
    if not metrics.models:
        rows.append(("models", "none measured"))
    for entry in metrics.models:
        figures = []
        for field in ("ttft_ms", "tps", "duration_ms"):
            percentiles = getattr(entry.metrics, field)
            if not isinstance(percentiles, Unset):
                levels = (percentiles.p50, percentiles.p75, percentiles.p90, percentiles.p99)
                figures.append(f"{field} {'/'.join(plain_number(level) for level in levels)}")
        rows.append((redact(entry.alias), redact(f"{entry.endpoint}: {'; '.join(figures) or 'no figures'}")))
    return table([(printable(label), printable(value)) for label, value in rows])
