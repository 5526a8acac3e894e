"""Endpoints as declarations, and methods written once for both clients: the plan mechanism.

Adding an endpoint is one declaration and one method:

1. An :class:`Endpoint`: its name, the generated module that builds its request, the generated
   model its 2xx body parses into, its body cap (``billing.py``'s ``_billing_endpoint`` defaults
   it: the name's entry in ``DEFAULT_MAX_RESPONSE_BYTES``, else ``DEFAULT_API_MAX_BYTES``), and
   (when not the defaults) its :class:`RetryPolicy`, whether the logs rate limit applies, a secret
   in its answer. Module and model are named by string and imported on the first call, so a
   declaration costs no import time.
2. A method on its resource (``resources/``) decorated :func:`operation` (one result) or
   :func:`iteration` (rows, fetched as the caller iterates). It checks its arguments before any
   request and returns a :class:`Plan` of one :class:`Call`, or of a generator (:data:`Steps`)
   that yields each ``Call`` it needs and receives the parsed model back (``Call.convert`` turns
   the model into what the plan wants, e.g. a key's ``data``). A request that fails raises its
   error *into* the generator (``steps.throw``), so a plan may catch it and go another way.

:class:`Billing` runs a plan with blocking I/O and :class:`AsyncBilling` with ``await`` (the two
drivers of ``_base_client.py``); the descriptors hand the caller the matching callable, typed for
each client: ``billing.detail()`` is a ``BillingDetailResponse``, ``await async_billing.detail()``
too, and ``billing.with_raw_response.detail()`` an ``APIResponse[BillingDetailResponse]``.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Concatenate, Generic, NamedTuple, ParamSpec, TypeVar, overload

import httpx

if TYPE_CHECKING:
    from ._client import AsyncBilling, Billing, _BaseBilling

T = TypeVar("T")
P = ParamSpec("P")
ClientT = TypeVar("ClientT", bound="_BaseBilling[Any]")
ShapeT = TypeVar("ShapeT", "Parsed", "Raw")


class _NotGiven:
    """Marks an argument the caller left out (``None`` means "no timeout" for httpx)."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Any = _NotGiven()
NotGiven = _NotGiven
TimeoutTypes = float | httpx.Timeout | None
DeadlineTypes = float | None


class RetryPolicy(enum.Enum):
    """When a failed attempt of an endpoint is tried again."""

    #: Retried after a 408, 409, 429, 5xx, connection error or timeout: sending it twice does what
    #: sending it once does (GET, PUT, DELETE, and a PATCH that sets absolute values).
    IDEMPOTENT = "idempotent"
    #: Retried only when the request certainly did not reach the server (it could not connect, or
    #: waited for a pooled connection) or the server refused it without acting (429). Any failure
    #: after the request may have been sent raises :class:`OutcomeUnknownError` instead (POST).
    UNTIL_SENT = "until_sent"


# NamedTuples rather than frozen dataclasses: the same immutable records, and building the class
# costs a tenth as much (every dataclass added ~0.6 ms to the start of each CLI process).
class Endpoint(NamedTuple, Generic[T]):
    """One API operation: all a call needs, in one declaration. ``T``, the model, is for type
    checkers only: the class is looked up by its name on the first call."""

    name: str  # "GET /v2/usage": the name in messages and in DEFAULT_MAX_RESPONSE_BYTES
    builder: str  # the generated module whose ``_get_kwargs`` builds the request
    model: str  # the generated model, in aimlapi_billing_client.models, of a 2xx body
    max_bytes: int  # the default cap on a 2xx body, decoded
    retry: RetryPolicy = RetryPolicy.IDEMPOTENT
    #: Requests to this endpoint wait for the client's sliding-window limiter (``/v2/logs``).
    rate_limited: bool = False
    #: For a ``RetryPolicy.UNTIL_SENT`` endpoint: how to find out whether a call whose outcome is unknown
    #: took effect (it ends the error message).
    check_hint: str = ""
    #: Where a 2xx body holds a secret (a created key): it is redacted from then on, and no error
    #: carries such a body.
    secret_path: tuple[str, ...] = ()

    def request_kwargs(self, /, **params: Any) -> dict[str, Any]:
        kwargs: dict[str, Any] = _builder(self.builder)(**params)
        return kwargs

    def model_class(self) -> Any:
        return _model(self.model)


@functools.cache
def _builder(module: str) -> Callable[..., dict[str, Any]]:
    # __import__ rather than importlib: -X importtime sees it, and the module is cached after this.
    built: Callable[..., dict[str, Any]] = __import__(module, fromlist=("_get_kwargs",))._get_kwargs
    return built


@functools.cache
def _model(name: str) -> Any:
    import aimlapi_billing_client.models as models

    return getattr(models, name)


class Call(NamedTuple):
    """One request a plan needs: the endpoint and the generated builder's keyword arguments."""

    endpoint: Endpoint[Any]
    params: Mapping[str, Any] = MappingProxyType({})
    #: Turns the parsed model into what the plan receives (e.g. wraps a created key's secret).
    convert: Callable[[Any, Any], Any] | None = None


class FanOut(NamedTuple):
    """Parts a plan needs side by side (one per key): each a :class:`Call` or steps of its own. The
    plan receives their results as a list in the parts' order, or the first failure raised at its
    ``yield``; the client runs at most its ``concurrency`` at once, backing off on 429, within the
    call's one deadline (``_fanout.py``). ``what`` names the parts in a failure's message
    ("12 of 1000 keys measured"). With ``partial``, a part's SDK error ends that part alone and
    stands in its place in the list (the all-keys views say which keys are missing)."""

    parts: Sequence[Any]  # Call | Steps
    what: str = "parts"
    partial: bool = False


#: The steps of a plan: yields each :class:`Call` (or a :class:`FanOut` of them), receives its
#: result (or has its error raised at the ``yield``), returns the plan's result.
Steps = Generator["Call | FanOut", Any, T]
#: The steps of an iteration: yields a :class:`Call` (and receives its result) or a row for the caller.
RowSteps = Generator["Call | T", Any, None]


class Plan(NamedTuple, Generic[T]):
    """A checked call, not yet made: its steps (or its one :class:`Call`, for a method that makes one
    request) and the call's ``timeout`` and ``deadline``."""

    steps: Steps[T] | Call
    timeout: TimeoutTypes
    deadline: DeadlineTypes


class IterationPlan(NamedTuple, Generic[T]):
    """A lazy iteration: its steps yield a :class:`Call` (and get the model back) or a row."""

    steps: RowSteps[T]
    timeout: TimeoutTypes
    deadline: DeadlineTypes


class APIResponse(Generic[T]):
    """The HTTP response next to the parsed result: ``billing.usage.with_raw_response.total()``.

    ``http_response`` is a copy fit to show or log: the request's credentials are removed, and the
    headers and body are redacted of the API key and of any key this client created. A call that
    took several requests (a long usage window) keeps them all in ``http_responses``; the
    properties describe the last.
    """

    def __init__(self, http_responses: list[httpx.Response], parsed: T) -> None:
        self.http_responses = http_responses
        self.http_response = http_responses[-1]
        self._parsed = parsed

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def request_id(self) -> str | None:
        request_id: str | None = self.http_response.headers.get("x-request-id")
        return request_id

    def parse(self) -> T:
        return self._parsed

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code}] {self.http_response.request.method} {self.http_response.url}>"


class Parsed:
    """Marks a resource whose methods return the parsed result."""


class Raw:
    """Marks a resource whose methods return an :class:`APIResponse`."""


class Resource(Generic[ClientT, ShapeT]):
    """A namespace of methods on a client (``billing.usage``); each subclass's ``with_raw_response``
    is the same namespace returning :class:`APIResponse` objects."""

    def __init__(self, client: ClientT, raw: bool = False) -> None:
        self._client = client
        self._raw = raw
        self._bound: dict[object, Callable[..., Any]] = {}  # see bound()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._client!r}>"


class _Operation(Generic[P, T]):
    def __init__(self, method: Callable[Concatenate[Any, P], Plan[T]]) -> None:
        self._method = method
        functools.update_wrapper(self, method)

    def __call__(self, instance: Any, *args: Any, **kwargs: Any) -> Any:
        """Called on the class with the instance first (``Billing.summary(billing)``), as a method can be."""
        return self.__get__(instance, type(instance))(*args, **kwargs)

    # The overloads exist for type checkers only: defining them cost every process start ~0.1 ms.
    if TYPE_CHECKING:

        @overload
        def __get__(self, instance: None, owner: type) -> _Operation[P, T]: ...
        @overload
        def __get__(self, instance: Billing, owner: type) -> Callable[P, T]: ...
        @overload
        def __get__(self, instance: AsyncBilling, owner: type) -> Callable[P, Awaitable[T]]: ...
        @overload
        def __get__(self, instance: Resource[Billing, Parsed], owner: type) -> Callable[P, T]: ...
        @overload
        def __get__(self, instance: Resource[Billing, Raw], owner: type) -> Callable[P, APIResponse[T]]: ...
        @overload
        def __get__(self, instance: Resource[AsyncBilling, Parsed], owner: type) -> Callable[P, Awaitable[T]]: ...
        @overload
        def __get__(
            self, instance: Resource[AsyncBilling, Raw], owner: type
        ) -> Callable[P, Awaitable[APIResponse[T]]]: ...

    def __get__(self, instance: Resource[Any, Any] | _BaseBilling[Any] | None, owner: type) -> Any:
        if instance is None:
            return self
        return bound(self, instance)

    def _bind_to(self, instance: Resource[Any, Any] | _BaseBilling[Any]) -> Callable[..., Any]:
        if isinstance(instance, Resource):
            return self.bind(instance, instance._client, instance._raw)
        return self.bind(instance, instance, False)

    def bind(self, owner: Any, client: Any, raw: bool) -> Callable[..., Any]:
        """The method of ``owner`` (a resource or a client) run by ``client``, raw or parsed."""
        method = self._method

        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            return client._run(method(owner, *args, **kwargs), raw)

        return call


class _Iteration(Generic[P, T]):
    def __init__(self, method: Callable[Concatenate[Any, P], IterationPlan[T]]) -> None:
        self._method = method
        functools.update_wrapper(self, method)

    def __call__(self, instance: Any, *args: Any, **kwargs: Any) -> Any:
        """Called on the class with the instance first (``Billing.summary(billing)``), as a method can be."""
        return self.__get__(instance, type(instance))(*args, **kwargs)

    if TYPE_CHECKING:

        @overload
        def __get__(self, instance: None, owner: type) -> _Iteration[P, T]: ...
        @overload
        def __get__(self, instance: Billing, owner: type) -> Callable[P, Iterator[T]]: ...
        @overload
        def __get__(self, instance: AsyncBilling, owner: type) -> Callable[P, AsyncIterator[T]]: ...
        @overload
        def __get__(self, instance: Resource[Billing, Any], owner: type) -> Callable[P, Iterator[T]]: ...
        @overload
        def __get__(self, instance: Resource[AsyncBilling, Any], owner: type) -> Callable[P, AsyncIterator[T]]: ...

    def __get__(self, instance: Resource[Any, Any] | _BaseBilling[Any] | None, owner: type) -> Any:
        if instance is None:
            return self
        return bound(self, instance)

    def _bind_to(self, instance: Resource[Any, Any] | _BaseBilling[Any]) -> Callable[..., Any]:
        method = self._method
        if isinstance(instance, Resource) and instance._raw:
            raise AttributeError(
                f"with_raw_response has no method {method.__name__!r} (iterators have no single response)"
            )
        client: Any = instance._client if isinstance(instance, Resource) else instance

        @functools.wraps(method)
        def call(*args: P.args, **kwargs: P.kwargs) -> Any:
            return client._walk(method(instance, *args, **kwargs))

        return call


def bound(descriptor: _Operation[Any, Any] | _Iteration[Any, Any], instance: Any) -> Callable[..., Any]:
    """The method ``descriptor`` gives ``instance``, made once per instance (``billing.detail`` is
    read on every call; wrapping the method anew cost each call ~4 µs). ``instance._bound`` holds
    them: a client's ``with_options`` copy starts with an empty one, its methods its own."""
    cache: dict[object, Callable[..., Any]] | None = getattr(instance, "_bound", None)
    method = None if cache is None else cache.get(descriptor)
    if method is None:
        method = descriptor._bind_to(instance)
        if cache is not None:
            cache[descriptor] = method
    return method


def operation(method: Callable[Concatenate[Any, P], Plan[T]]) -> _Operation[P, T]:
    """A resource method: ``T`` on :class:`Billing`, ``Awaitable[T]`` on :class:`AsyncBilling`."""
    return _Operation(method)


def iteration(method: Callable[Concatenate[Any, P], IterationPlan[T]]) -> _Iteration[P, T]:
    """A lazy resource iterator: ``Iterator[T]`` on :class:`Billing`, ``AsyncIterator[T]`` on
    :class:`AsyncBilling`. The arguments are checked by the call; the first request waits for the
    first ``next()``."""
    return _Iteration(method)
