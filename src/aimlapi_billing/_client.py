"""``Billing`` and ``AsyncBilling``: settings, ``with_options``, and what a client offers.

A client is its settings (the key, the origin, timeouts, retries, caps, the logs rate limit), its
resources (``billing.usage``, ``.keys``, ``.logs``: each imported by its accessor on first use, so a
balance check loads none of them), and the billing methods (``resources/billing.py``) with the
forecast and the reconciliation (``lib/``), declared once for both clients. How a request is sent,
retried and read is ``_base_client.py``; how a method becomes a request, ``_plan.py``.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Self

import httpx

from ._arguments import check_timeout, positive_whole, seconds, whole_in_range
from ._base_client import AsyncAPIClient, BaseClient, HttpClientT, SyncAPIClient
from ._body import ACCEPT_ENCODING
from ._config import (
    DEFAULT_DEADLINE,
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    USER_AGENT,
    configure_logging,
    resolve_api_key,
    resolve_base_url,
)
from ._deadline import bound_transports
from ._exceptions import ConfigurationError, InvalidParameterError
from ._fanout import DEFAULT_CONCURRENCY, MAX_CONCURRENCY
from ._plan import (
    NOT_GIVEN,
    ClientT,
    DeadlineTypes,
    NotGiven,
    Parsed,
    Plan,
    Raw,
    Resource,
    ShapeT,
    TimeoutTypes,
    operation,
)
from ._ratelimit import DEFAULT_LOGS_RATE_LIMIT, SlidingWindowLimiter
from ._redaction import Redactor, install_log_filter
from .resources.billing import BillingMethods

if TYPE_CHECKING:
    from decimal import Decimal

    from aimlapi_billing_client.models import BillingDetailResponse

    from ._windows import Moment
    from .lib.api import API
    from .resources.keys import KeysResource
    from .resources.logs import LogsResource
    from .resources.models import ModelsResource
    from .resources.usage import UsageResource
    from .types.all_keys import AllKeysLogs, AllKeysUsage
    from .types.budgets import BudgetReport
    from .types.forecast import Forecast
    from .types.reconcile import Reconciliation

__all__ = ["AsyncBilling", "Billing"]


def _cached_names(cls: type) -> tuple[str, ...]:
    """What a client computes once and keeps (every ``functools.cached_property`` of its classes):
    a with_options copy drops them all, so no accessor added later can keep serving the original."""
    return tuple(
        name for klass in cls.__mro__ for name, value in vars(klass).items() if isinstance(value, cached_property)
    )


def _limiter(rate_limit: tuple[int, float] | None) -> SlidingWindowLimiter | None:
    if rate_limit is None:
        return None
    try:
        max_requests, per_seconds = rate_limit
        return SlidingWindowLimiter(max_requests, per_seconds)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"logs_rate_limit must be (requests, seconds) or None: {exc}") from None


class ClientMethods(BillingMethods):
    """The billing calls and what combines them (the forecast, the reconciliation), declared once:
    both clients inherit them, and ``billing.with_raw_response`` (:class:`RawClientMethods`) has them."""

    @operation
    def forecast(
        self,
        *,
        window: datetime.timedelta = datetime.timedelta(days=30),
        as_of: datetime.datetime | None = None,
        detail: BillingDetailResponse | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[Forecast]:
        """Spend over ``window`` and the runway it implies: one detail call and the ledger's pages back
        to the window's start (read lazily, newest first). ``as_of`` (default now) ends the window;
        ``detail``, a :meth:`detail` answer you already have, saves that call. ``deadline`` bounds
        the whole forecast, every page included."""
        from .lib.forecast import forecast_plan  # with its models, only for a forecast (import cost of the rest)

        return forecast_plan(window, as_of, detail, max_pages, timeout, deadline)

    @operation
    def reconcile(
        self,
        *,
        period: str | None = None,
        start: Moment | None = None,
        end: Moment | None = None,
        tolerance: Decimal | float | str = "0.01",
        settle: datetime.timedelta = datetime.timedelta(minutes=15),
        max_pages: int = DEFAULT_MAX_PAGES,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[Reconciliation]:
        """The ledger's ``MODEL_USAGE`` charges, every key's request logs and usage totals for one
        window (``period``, or ``start`` and ``end``, as for ``usage.total``), side by side: totals,
        ids in one record and not another, amounts that differ, and ``.agree``. Differences below
        ``tolerance`` USD are agreement; a charge may land ``settle`` after its request. Needs a
        management key (it lists the keys); ``deadline`` covers every request (see ``lib/reconcile.py``)."""
        from .lib.reconcile import reconcile_plan  # with its models, only for a reconciliation

        return reconcile_plan(
            period=period,
            start=start,
            end=end,
            tolerance=tolerance,
            settle=settle,
            max_pages=max_pages,
            timeout=timeout,
            deadline=deadline,
        )


class RawClientMethods(Resource[ClientT, ShapeT], ClientMethods, Generic[ClientT, ShapeT]):
    """``billing.with_raw_response``: the client's methods, each returning an :class:`APIResponse`."""


class _BaseBilling(BaseClient[HttpClientT], ClientMethods):
    """The settings both clients share, their resources and their methods (declared once: see ``_plan.py``)."""

    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        timeout: TimeoutTypes | NotGiven,
        deadline: DeadlineTypes,
        max_retries: int,
        max_response_bytes: int | None,
        http_client: HttpClientT | None,
        default_headers: Mapping[str, str] | None,
        allow_insecure_http: bool,
        logs_rate_limit: tuple[int, float] | None,
        concurrency: int,
    ) -> None:
        configure_logging()
        whole_in_range("max_retries", max_retries, 0, 100, ConfigurationError)
        self._api_key = resolve_api_key(api_key)
        self._redactor = Redactor(self._api_key)
        install_log_filter(self._redactor)
        self.base_url = resolve_base_url(base_url, allow_insecure_http)
        self.max_retries = max_retries
        self.concurrency = whole_in_range("concurrency", concurrency, 1, MAX_CONCURRENCY, ConfigurationError)
        self.deadline = seconds("deadline", deadline, ConfigurationError)
        if max_response_bytes is not None:
            positive_whole("max_response_bytes", max_response_bytes, ConfigurationError)
        self.max_response_bytes = max_response_bytes
        if isinstance(timeout, NotGiven):
            # A caller's own client keeps its own timeout unless one is given here.
            self.timeout = httpx.USE_CLIENT_DEFAULT if http_client is not None else DEFAULT_TIMEOUT
        else:
            check_timeout(timeout, ConfigurationError)
            self.timeout = timeout
        self._owns_client = http_client is None
        # Our own pool carries the headers; a caller's client, and nothing else, gets them per request.
        self._pool_has_headers = http_client is None
        self._logs_limiter = _limiter(logs_rate_limit)
        self._bound: dict[object, Any] = {}  # the methods of this client, bound once (see _plan.bound)
        self._attempt_for = (NOT_GIVEN, None)
        self._headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            **(default_headers or {}),
            "Authorization": f"Bearer {self._api_key}",
        }

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, max_retries={self.max_retries})"

    def with_options(
        self,
        *,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        deadline: DeadlineTypes | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        max_response_bytes: int | NotGiven | None = NOT_GIVEN,
        concurrency: int | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A copy of this client with other defaults, sharing its connection pool, its rate limit and
        its redaction (a key created through either is redacted by both). Closing the copy leaves
        the pool open: the original owns it."""
        other = copy.copy(self)
        other._owns_client = False
        for name in _cached_names(type(self)):  # the copy's resources and raw methods are its own
            other.__dict__.pop(name, None)
        other._bound = {}
        if not isinstance(timeout, NotGiven):
            check_timeout(timeout, InvalidParameterError)
            other.timeout = timeout
        if not isinstance(deadline, NotGiven):
            other.deadline = seconds("deadline", deadline, InvalidParameterError)
        if not isinstance(max_retries, NotGiven):
            other.max_retries = whole_in_range("max_retries", max_retries, 0, 100, InvalidParameterError)
        if not isinstance(max_response_bytes, NotGiven):
            if max_response_bytes is not None:
                positive_whole("max_response_bytes", max_response_bytes, InvalidParameterError)
            other.max_response_bytes = max_response_bytes
        if not isinstance(concurrency, NotGiven):
            other.concurrency = whole_in_range("concurrency", concurrency, 1, MAX_CONCURRENCY, InvalidParameterError)
        return other

    @cached_property
    def with_raw_response(self) -> RawClientMethods[Self, Raw]:
        """The billing methods returning an :class:`APIResponse` (headers, status, request id,
        ``parse()``): ``billing.with_raw_response.detail()``. For usage, keys and logs:
        ``billing.usage.with_raw_response.total(...)``."""
        return RawClientMethods(self, raw=True)

    # The resources are imported by their accessor, on first use: a client that never reads logs
    # never loads their module or models.
    @cached_property
    def usage(self) -> UsageResource[Self, Parsed]:
        """``GET /v2/usage`` and ``/v2/usage/detail``: spend per key over a window."""
        from .resources.usage import UsageResource

        return UsageResource(self)

    @cached_property
    def keys(self) -> KeysResource[Self, Parsed]:
        """``/v1/keys``, ``/v1/key``, ``/v1/keys/{prefix}``: list, read, create, update, delete keys."""
        from .resources.keys import KeysResource

        return KeysResource(self)

    @cached_property
    def logs(self) -> LogsResource[Self, Parsed]:
        """``GET /v2/logs``: one row per request, every page, within the client's rate limit."""
        from .resources.logs import LogsResource

        return LogsResource(self)

    @cached_property
    def models(self) -> ModelsResource[Self, Parsed]:
        """``GET /v1/models`` and ``/models/metrics``: the model catalogue with list prices, and latency."""
        from .resources.models import ModelsResource

        return ModelsResource(self)

    @cached_property
    def api(self) -> API[Self]:
        """Every generated operation, with this client's deadline, retries, caps and errors:
        ``billing.api.keys.list_keys()``, ``billing.api.<tag>.<operation>(**params)`` (``lib/api.py``)."""
        from .lib.api import API

        return API(self)

    def _budget_plan(
        self, as_of: datetime.datetime | None, timeout: TimeoutTypes, deadline: DeadlineTypes, partial: bool = False
    ) -> Plan[BudgetReport]:
        """The plan of ``keys.budgets()``, which combines keys and usage (``lib/budgets.py``): a
        resource asks its client, which may import ``lib``, for it."""
        from .lib.budgets import budget_plan

        return budget_plan(as_of, timeout, deadline, partial)

    def _all_keys_usage_plan(self, *args: Any) -> Plan[AllKeysUsage]:
        """The plan of ``usage.all_keys()`` (``lib/all_keys.py``), which combines keys and usage."""
        from .lib.all_keys import all_keys_usage_plan

        return all_keys_usage_plan(*args)

    def _all_keys_logs_plan(self, *args: Any) -> Plan[AllKeysLogs]:
        """The plan of ``logs.all_keys()`` (``lib/all_keys.py``), which combines keys and logs."""
        from .lib.all_keys import all_keys_logs_plan

        return all_keys_logs_plan(*args)


class Billing(_BaseBilling[httpx.Client], SyncAPIClient):
    """Synchronous client. Use it as a context manager, or call :meth:`close`.

    Args:
        api_key: Defaults to ``$AIML_API_KEY``, then ``$AIMLAPI_API_KEY``; surrounding whitespace is
            stripped, and a key with a control or non-ASCII character is a ``ConfigurationError``.
        base_url: The API's origin, host only. Defaults to ``$AIMLAPI_BILLING_BASE_URL``, then
            ``https://api.aimlapi.com``.
        timeout: Seconds, or an ``httpx.Timeout``, for one attempt. Default: 5 s to connect, 30 s
            for the whole attempt however slowly the bytes come.
        deadline: Seconds for a whole call: every attempt, backoff sleep and ``Retry-After`` wait
            (default 120; ``None``: no limit but the attempts'). Every method also takes ``deadline=``.
        max_retries: Retries after a 408, 409, 429, 5xx, connection error or timeout (default 2).
        max_response_bytes: Cap on a response body, decoded, for every endpoint. Default: 64 KiB for
            the account calls, 4 MiB for a ledger page.
        http_client: Your own ``httpx.Client`` (proxies, certificates); it stays yours to close.
        default_headers: Extra headers sent with every request.
        allow_insecure_http: Allow plain ``http://`` to a host that is not loopback.
        logs_rate_limit: ``(requests, seconds)``: the sliding window that requests to ``/v2/logs``
            wait for (default 190 per 60 s; the API's limit is 200), shared by every call of this
            client and its ``with_options`` copies. ``None`` turns it off.
        concurrency: Requests in flight at once in a fan-out over keys (``keys.budgets()``, all-keys
            usage), 1 to 256 (default 16); halved on a 429 and recovering (AIMD), within the
            call's one deadline; results in a fixed order.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = DEFAULT_DEADLINE,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_response_bytes: int | None = None,
        http_client: httpx.Client | None = None,
        default_headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
        logs_rate_limit: tuple[int, float] | None = DEFAULT_LOGS_RATE_LIMIT,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            max_response_bytes=max_response_bytes,
            http_client=http_client,
            default_headers=default_headers,
            allow_insecure_http=allow_insecure_http,
            logs_rate_limit=logs_rate_limit,
            concurrency=concurrency,
        )
        self._client = http_client or httpx.Client(timeout=DEFAULT_TIMEOUT, headers=self._headers)
        bound_transports(self._client)


class AsyncBilling(_BaseBilling[httpx.AsyncClient], AsyncAPIClient):
    """Asynchronous client; the same arguments as :class:`Billing`, with an ``httpx.AsyncClient``."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = DEFAULT_DEADLINE,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_response_bytes: int | None = None,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
        logs_rate_limit: tuple[int, float] | None = DEFAULT_LOGS_RATE_LIMIT,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            deadline=deadline,
            max_retries=max_retries,
            max_response_bytes=max_response_bytes,
            http_client=http_client,
            default_headers=default_headers,
            allow_insecure_http=allow_insecure_http,
            logs_rate_limit=logs_rate_limit,
            concurrency=concurrency,
        )
        self._client = http_client or httpx.AsyncClient(timeout=DEFAULT_TIMEOUT, headers=self._headers)
