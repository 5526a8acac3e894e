"""``billing.models``: the model catalogue with its list prices (``GET /v1/models``) and the
models' current latency (``GET /models/metrics``).

Filters are checked before any request. The catalogue's filters take one value or a list, sent
comma-separated as the API reads them (several values of one filter: OR; several filters: AND;
``id`` matches aliases too); a value holding a comma is refused, since the API would split it.
``include`` takes only the sections the API knows (``pricing``, ``modalities``, ``capabilities``,
``all``): the API ignores an unknown one, so a typo would silently drop the section. The metrics'
``aliases`` are sent repeated, at most 100, matched exactly by the API.

Every answer is checked before it is returned: a price or a count of units that is negative, not
finite or beyond :data:`MAX_PRICE` / :data:`MAX_PER`, a percentile beyond :data:`MAX_METRIC`, is a
:class:`ResponseValidationError` naming the model and the field; a price in another currency than
USD is refused by the client as every amount is (``_currency.py``). A pricing kind the API adds
later is kept (``PricingKind`` is an open enum, logged once): its fields stay in
``additional_properties``.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic

from .._exceptions import InvalidParameterError, ResponseValidationError
from .._plan import NOT_GIVEN, Call, ClientT, Endpoint, Plan, Raw, Resource, ShapeT, operation
from .._redaction import printable

if TYPE_CHECKING:
    from aimlapi_billing_client.models import (
        CatalogueModel,
        MetricPercentiles,
        ModelMetricsResponse,
        ModelPricing,
        ModelsResponse,
    )

    from .._client import _BaseBilling
    from .._plan import DeadlineTypes, TimeoutTypes

__all__ = ["INCLUDE_SECTIONS", "MAX_ALIASES", "ModelsResource", "catalogue_index"]

_API = "aimlapi_billing_client.api.models."
_MIB = 1024 * 1024
#: The vendor's own example ETag of ``?include=pricing`` says 0x1440a0 bytes (1.3 MB) for 400-odd
#: models; 8 MiB leaves six times that room.
LIST_MODELS: Endpoint[ModelsResponse] = Endpoint("GET /v1/models", _API + "list_models", "ModelsResponse", 8 * _MIB)
#: One entry of ~500 B per measured model: 2 MiB is 4,000 of them.
MODEL_METRICS: Endpoint[ModelMetricsResponse] = Endpoint(
    "GET /models/metrics", _API + "get_model_metrics", "ModelMetricsResponse", 2 * _MIB
)

#: The sections ``include`` may name (complete-model-list.md).
INCLUDE_SECTIONS = ("pricing", "modalities", "capabilities", "all")
#: The metrics endpoint takes at most this many ``aliases``.
MAX_ALIASES = 100
#: Values per catalogue filter: far more than any real query, few enough to keep the URL short.
MAX_FILTER_VALUES = 100
#: A list price above this many USD for ``per`` units is a broken answer, not a price.
MAX_PRICE = Decimal(10**9)
#: ``per`` (units a price is for) above this is a broken answer: the vendor's largest is 1,000,000.
MAX_PER = Decimal(10**12)
#: A latency in milliseconds or a rate in tokens per second above this is a broken answer.
MAX_METRIC = Decimal(10**12)
#: The smallest non-zero figure read: a smaller one (``1e-99999999``) would print millions of digits.
_SMALLEST = Decimal("1e-12")
_FILTERS = ("id", "type", "tags", "modalities", "input_modalities", "output_modalities", "capabilities")


def _values(name: str, value: str | Sequence[str], limit: int) -> builtins.list[str]:
    """``value`` (one text or a list of them) as a list, each checked: printable, not empty, no comma."""
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, Sequence) or not values:
        raise InvalidParameterError(f"{name} must be a text or a non-empty list of texts, not {value!r:.60}")
    if len(values) > limit:
        raise InvalidParameterError(f"{name} takes at most {limit} values, not {len(values)}")
    checked = []
    for item in values:
        if not isinstance(item, str) or not item.strip() or not item.isprintable():
            raise InvalidParameterError(f"each {name} value must be printable text, not {item!r:.60}")
        if "," in item:
            # The catalogue splits on commas (two values where one was given); the metrics match
            # "a,b" as one name (nothing, silently). Either way: one value each.
            raise InvalidParameterError(f"a {name} value cannot hold a comma: {item!r:.60}; give each value on its own")
        checked.append(item.strip())
    return checked


def _include(include: str | Sequence[str]) -> str:
    sections = _values("include", include, len(INCLUDE_SECTIONS))
    unknown = [section for section in sections if section.lower() not in INCLUDE_SECTIONS]
    if unknown:
        # The API ignores an unknown section: a typo would return the catalogue without it, silently.
        raise InvalidParameterError(
            f"include takes {', '.join(INCLUDE_SECTIONS)}, not {unknown[0]!r:.40} (the API would ignore it)"
        )
    return ",".join(dict.fromkeys(section.lower() for section in sections))


def catalogue_filters(
    include: str | Sequence[str] | None = None, **filters: str | Sequence[str] | None
) -> dict[str, str]:
    """The generated builder's keyword arguments for ``GET /v1/models``, checked: each filter's values
    joined by commas (``type`` is ``type_`` there)."""
    params: dict[str, str] = {}
    if include is not None:
        params["include"] = _include(include)
    for name in _FILTERS:
        value = filters.get(name)
        if value is not None:
            params["type_" if name == "type" else name] = ",".join(_values(name, value, MAX_FILTER_VALUES))
    return params


def _figure(value: object, what: str, *, upper: Decimal, positive: bool = False) -> Decimal:
    """``value`` (a price, a count of units, a percentile) as a Decimal if it is finite, 0 or more
    (more than 0 with ``positive``), at most ``upper``, and 0 or at least :data:`_SMALLEST`; else the
    :class:`ResponseValidationError` naming ``what``."""
    # The generated models hold JSON numbers as Decimal (an int where the JSON had no fraction).
    amount = value if isinstance(value, Decimal) else Decimal(value) if type(value) is int else None
    rule = f"{'' if positive else '0 or '}{_SMALLEST} to {upper:.0E}"
    if (
        amount is None
        or not amount.is_finite()
        or amount < 0
        or amount > upper
        or (amount != 0 and amount < _SMALLEST)
        or (positive and amount == 0)
    ):
        raise ResponseValidationError(f"{what} is {str(value)[:40]}: a broken answer, not within {rule}")
    return amount


#: The field each known pricing kind carries its rates in, at least one (``PricingKind`` values).
_CARRIED = {"fixed": "units", "variants": "variants"}


def check_pricing(model_id: str, pricing: ModelPricing) -> None:
    """Raise unless every rate of ``pricing`` can be read: each price (:data:`MAX_PRICE`) and each
    ``per`` (more than 0, :data:`MAX_PER`) of its units and variants. ``model_id`` is shown as
    given: the caller redacts it."""
    from aimlapi_billing_client.types import Unset

    where = f"GET /v1/models: model {printable(repr(model_id[:80]))} pricing"
    carried = _CARRIED.get(pricing.kind) if isinstance(pricing.kind, str) else None
    if carried is not None:  # a known kind without its rates is no price (the docs' table)
        rates = getattr(pricing, carried)
        if isinstance(rates, Unset) or not rates:
            given = "missing" if isinstance(rates, Unset) else "empty"
            raise ResponseValidationError(
                f"{where}.{carried} is {given}: a broken answer, a {pricing.kind} price carries its {carried}"
            )
    for field in ("units", "variants"):
        rates = getattr(pricing, field)
        for index, rate in enumerate(() if isinstance(rates, Unset) else rates):
            _figure(rate.price, f"{where}.{field}[{index}].price", upper=MAX_PRICE)
            _figure(rate.per, f"{where}.{field}[{index}].per", upper=MAX_PER, positive=True)


def _checked_catalogue(client: _BaseBilling[Any], response: ModelsResponse) -> builtins.list[CatalogueModel]:
    from aimlapi_billing_client.types import Unset

    for model in response.data:
        if not isinstance(model.pricing, Unset):
            check_pricing(client._redact(model.id), model.pricing)  # server text, shown in an error
    return response.data


def _checked_metrics(client: _BaseBilling[Any], response: ModelMetricsResponse) -> ModelMetricsResponse:
    from aimlapi_billing_client.types import Unset

    if response.window_seconds <= 0:
        raise ResponseValidationError(
            f"GET /models/metrics: window_seconds is {response.window_seconds}: a window is longer than 0 seconds"
        )
    for entry in response.models:
        for name in ("ttft_ms", "tps", "duration_ms"):
            percentiles: MetricPercentiles | Unset = getattr(entry.metrics, name)
            if isinstance(percentiles, Unset):
                continue
            for level in ("p50", "p75", "p90", "p99"):
                alias = printable(repr(client._redact(entry.alias)[:80]))
                where = f"GET /models/metrics: model {alias} {name}.{level}"
                _figure(getattr(percentiles, level), where, upper=MAX_METRIC)
    return response


def catalogue_index(models: Iterable[CatalogueModel]) -> dict[str, CatalogueModel]:
    """Each model under its id and each of its aliases, lower-cased (the API matches names without
    regard to case): ``index.get(name.lower())`` finds the model a name (an id or an alias) means."""
    listed = builtins.list(models)
    # Ids first: a name that is one model's id and another's alias means the model it is the id of.
    index = {model.id.lower(): model for model in reversed(listed)}
    for model in listed:
        for alias in model.aliases:
            index.setdefault(alias.lower(), model)
    return index


class ModelsResource(Resource[ClientT, ShapeT], Generic[ClientT, ShapeT]):
    """``billing.models``: the model catalogue (:meth:`list`) and the models' latency (:meth:`metrics`).
    The API needs no key for either; the client sends its own as for every call."""

    @property
    def with_raw_response(self) -> ModelsResource[ClientT, Raw]:
        """The same methods, returning an :class:`APIResponse` (headers, among them the ``ETag``)."""
        return ModelsResource(self._client, raw=True)

    @operation
    def list(
        self,
        *,
        include: str | Sequence[str] | None = None,
        id: str | Sequence[str] | None = None,  # the API's name
        type: str | Sequence[str] | None = None,  # the API's name
        tags: str | Sequence[str] | None = None,
        modalities: str | Sequence[str] | None = None,
        input_modalities: str | Sequence[str] | None = None,
        output_modalities: str | Sequence[str] | None = None,
        capabilities: str | Sequence[str] | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[builtins.list[CatalogueModel]]:
        """``GET /v1/models``: the models matching every filter given (values of one filter: any of
        them), each with the ``include`` sections (``pricing``, ``modalities``, ``capabilities``,
        ``all``). ``id`` matches an id or an alias; matching ignores case."""
        params = catalogue_filters(
            include,
            id=id,
            type=type,
            tags=tags,
            modalities=modalities,
            input_modalities=input_modalities,
            output_modalities=output_modalities,
            capabilities=capabilities,
        )
        return Plan(Call(LIST_MODELS, params, _checked_catalogue), timeout, deadline)

    @operation
    def metrics(
        self,
        *,
        aliases: str | Sequence[str] | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[ModelMetricsResponse]:
        """``GET /models/metrics``: p50/p75/p90/p99 of time to first token, tokens per second and
        duration over the API's current window, for each model that served a successful request in
        it (others are absent: no data, not zero). ``aliases`` (at most 100, matched exactly against
        ids and aliases) keeps only those models."""
        params = {} if aliases is None else {"aliases": _values("aliases", aliases, MAX_ALIASES)}
        return Plan(Call(MODEL_METRICS, params, _checked_metrics), timeout, deadline)

    @operation
    def list_prices(
        self,
        names: Sequence[str],
        *,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[dict[str, ModelPricing | None]]:
        """Each of ``names`` (model names as the usage and logs endpoints give them: an id or an
        alias, any case) mapped to its model's list price, or ``None`` for a name the catalogue does
        not know or a model without a price: one ``GET /v1/models?include=pricing`` call, filtered
        by the names when they fit in one filter, else the whole catalogue."""
        if isinstance(names, str) or not isinstance(names, Sequence):
            raise InvalidParameterError(f"names must be a list of model names, not {names!r:.60}")
        wanted = builtins.list(dict.fromkeys(names))
        if not all(isinstance(name, str) for name in wanted):
            raise InvalidParameterError("names must be a list of model names (texts)")
        # Names come from the API's own answers: one the id filter cannot carry (a comma, a control
        # character, too many) is looked up in the whole catalogue rather than refused.
        fits = 0 < len(wanted) <= MAX_FILTER_VALUES and all(
            name.strip() and name.isprintable() and "," not in name for name in wanted
        )
        params = catalogue_filters("pricing", id=wanted if fits else None)
        return Plan(Call(LIST_MODELS, params, _prices_of(wanted)), timeout, deadline)


def _prices_of(names: builtins.list[str]) -> Any:
    """The converter of :meth:`ModelsResource.list_prices`: the catalogue, checked, as a price per name."""

    def convert(client: _BaseBilling[Any], response: ModelsResponse) -> dict[str, ModelPricing | None]:
        from aimlapi_billing_client.types import Unset

        models = _checked_catalogue(client, response)
        index = catalogue_index(models)
        prices: dict[str, ModelPricing | None] = {}
        for name in names:
            model = index.get(name.strip().lower())
            prices[name] = None if model is None or isinstance(model.pricing, Unset) else model.pricing
            if model is not None and model.id.lower() != name.strip().lower():
                _refuse_an_ambiguous_alias(client, name, models, prices[name])
        return prices

    return convert


def _refuse_an_ambiguous_alias(
    client: _BaseBilling[Any], name: str, models: Iterable[CatalogueModel], price: ModelPricing | None
) -> None:
    """``name``, an alias and no model's id, names models with different prices: which one the
    caller means is a guess, so the answer cannot be used (one price, or the same, is no question)."""
    from aimlapi_billing_client.types import Unset

    wanted = name.strip().lower()
    owners = [model for model in models if wanted in (alias.lower() for alias in model.aliases)]
    shown = price.to_dict() if price is not None else None
    if any((None if isinstance(model.pricing, Unset) else model.pricing.to_dict()) != shown for model in owners):
        ids = ", ".join(printable(repr(client._redact(model.id)[:80])) for model in owners[:5])
        raise ResponseValidationError(
            f"GET /v1/models: {printable(repr(client._redact(name)[:80]))} is an alias of {len(owners)} models "
            f"with different prices ({ids}): give a model id"
        )


RESOURCE = ModelsResource
