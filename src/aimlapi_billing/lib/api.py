"""``billing.api``: every generated operation, present and future, with the SDK's guarantees.

``billing.api.<tag>.<operation>(**params)`` calls the generated module
``aimlapi_billing_client.api.<tag>.<operation>``: the tags and operations come from the index the
templates write (``aimlapi_billing_client.api.OPERATIONS``), so a fragment added and regenerated is
callable with no code here. Each call is an :class:`~aimlapi_billing._plan.Endpoint` run by the
client's driver like any hand-written method: deadline, retries, body caps, redaction, typed errors
and the USD rule all apply.

An operation a resource declares (``resources/*.py``) keeps its declaration: its body cap, the logs
rate limit, a created key's redaction, its retry policy. Any other gets the rules below.
"""

from __future__ import annotations

import enum
import functools
import importlib
import inspect
import pkgutil
from collections.abc import Mapping
from typing import Any, Generic

from .._config import DEFAULT_API_MAX_BYTES
from .._exceptions import InvalidParameterError
from .._plan import NOT_GIVEN, Call, ClientT, Endpoint, Plan, RetryPolicy

__all__ = ["API", "DEFAULT_API_MAX_BYTES", "retry_policy", "tag_attribute"]

#: Methods whose request, sent twice, does what it does once (RFC 9110 section 9.2.2): retried
#: after any retryable failure. Any other (POST, PATCH) is retried only while it certainly did not
#: go out: RFC 5789 does not make PATCH idempotent (a patch may append or add), so a PATCH is only
#: retried freely where its resource declares it so (``keys.update`` sets absolute values).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
#: The call's own options, next to the generated parameters (unless the operation has one so named).
_CALL_OPTIONS = ("timeout", "deadline")
_PACKAGE = "aimlapi_billing_client.api"


def retry_policy(method: str) -> RetryPolicy:
    """The retry policy of an operation no resource declares, by its HTTP method."""
    return RetryPolicy.IDEMPOTENT if method.upper() in IDEMPOTENT_METHODS else RetryPolicy.UNTIL_SENT


@functools.cache
def _index() -> Mapping[str, Mapping[str, tuple[str, str, str]]]:
    from aimlapi_billing_client.api import OPERATIONS

    return OPERATIONS


@functools.cache
def _declared() -> Mapping[str, Endpoint[Any]]:
    """The endpoints the resources declare, by the generated module that builds their request."""
    from .. import resources

    found: dict[str, Endpoint[Any]] = {}
    for module in pkgutil.iter_modules(resources.__path__):
        namespace = importlib.import_module(f"{resources.__name__}.{module.name}")
        for value in vars(namespace).values():
            if isinstance(value, Endpoint):
                found[value.builder] = value
    return found


@functools.cache
def _endpoint(tag: str, name: str) -> Endpoint[Any]:
    builder = f"{_PACKAGE}.{tag}.{name}"
    declared = _declared().get(builder)
    if declared is not None:
        return declared
    method, path, model = _index()[tag][name]
    policy = retry_policy(method)
    hint = f"read back what {method} {path} changes before sending it again" if policy is RetryPolicy.UNTIL_SENT else ""
    return Endpoint(f"{method} {path}", builder, model, DEFAULT_API_MAX_BYTES, retry=policy, check_hint=hint)


def _names(kind: str, names: Any) -> str:
    return f"the {kind}: {', '.join(sorted(names)) or 'none'}"


class Operation:
    """One generated operation on one client: ``billing.api.keys.list_keys``. Its keyword arguments
    are those of the generated module's ``_get_kwargs``, checked by name before any request, plus
    ``timeout`` and ``deadline``; a ``body`` may be the generated request model or a mapping that
    its ``from_dict`` accepts."""

    def __init__(self, client: Any, tag: str, name: str, raw: bool) -> None:
        self._client = client
        self._endpoint = _endpoint(tag, name)
        self._raw = raw
        self.__name__ = self.__qualname__ = name
        module = importlib.import_module(self._endpoint.builder)
        self._builder = module._get_kwargs
        self._parameters = inspect.signature(self._builder).parameters
        self._options = tuple(option for option in _CALL_OPTIONS if option not in self._parameters)
        self.__doc__ = getattr(getattr(module, "sync", None), "__doc__", None) or self.__doc__
        self.__signature__ = inspect.Signature(
            [parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY) for parameter in self._parameters.values()]
            + [inspect.Parameter(option, inspect.Parameter.KEYWORD_ONLY, default=NOT_GIVEN) for option in self._options]
        )

    def __repr__(self) -> str:
        return f"<operation {self._endpoint.name} of {self._client!r}>"

    def __call__(self, **arguments: Any) -> Any:
        options = {option: arguments.pop(option, NOT_GIVEN) for option in self._options}
        params = self._checked(arguments)
        # A generated parameter named ``timeout`` or ``deadline`` takes that option's place: the call
        # then runs with the client's.
        timeout, deadline = (options.get(option, NOT_GIVEN) for option in _CALL_OPTIONS)
        return self._client._run(Plan(Call(self._endpoint, params), timeout, deadline), self._raw)

    def _invalid(self, message: str) -> InvalidParameterError:
        """The error for a bad argument, redacted: a careless caller may pass a key as a value."""
        return InvalidParameterError(self._client._redact(message))

    def _checked(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """The arguments, each a parameter of the generated builder, that it accepts (it is run here,
        once, so a bad value fails before any request)."""
        name = self._endpoint.name
        unknown = sorted(set(arguments) - set(self._parameters))
        if unknown:
            accepted = _names("parameters", [*self._parameters, *self._options])
            raise self._invalid(f"{name} takes no parameter {', '.join(unknown)}; {accepted}")
        missing = [key for key, parameter in self._parameters.items() if parameter.default is inspect.Parameter.empty]
        missing = [key for key in missing if key not in arguments]
        if missing:
            raise self._invalid(f"{name} needs the parameter {', '.join(missing)}")
        self._check_path_values(arguments)
        self._check_enum_values(arguments)
        body = arguments.get("body")
        if isinstance(body, Mapping):
            arguments["body"] = self._body_model(body)
        try:
            self._builder(**arguments)
        except (AttributeError, TypeError, ValueError) as exc:  # a value the builder cannot write
            raise self._invalid(f"{name}: a parameter the request cannot carry ({exc})") from None
        return arguments

    def _check_path_values(self, arguments: dict[str, Any]) -> None:
        """A path parameter (the builder's positional ones) is text or a whole number, and never one
        that changes the path: ``..`` and ``.`` are dot segments httpx removes (``..`` turns
        ``DELETE /v1/keys/{prefix}`` into ``DELETE /v1``), an empty one names the collection, and
        ``None`` would be sent as the text ``None``."""
        for key, parameter in self._parameters.items():
            if parameter.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD:
                continue
            value = arguments[key]
            text = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
            if text is None or text.strip() in {"", ".", ".."}:
                raise self._invalid(
                    f"{self._endpoint.name}: the path parameter {key} must be non-empty text or a whole number, "
                    f"not {value!r:.50}: it would change the path"
                )

    def _check_enum_values(self, arguments: dict[str, Any]) -> None:
        """A text given for a parameter typed as a generated enum is one of its values, made the
        member; any other is refused (a nullable enum's builder would send it as it is)."""
        for key, value in arguments.items():
            enums = [model for model in self._annotated_models(key) if issubclass(model, enum.Enum)]
            if not isinstance(value, str) or not enums or isinstance(value, enums[0]):
                continue
            known = [member.value for member in enums[0]]
            if value not in known:
                raise self._invalid(
                    f"{self._endpoint.name}: {key} is {value!r:.50}, not one of {', '.join(map(repr, known))}"
                )
            arguments[key] = enums[0](value)

    def _annotated_models(self, key: str) -> list[Any]:
        """The generated models (and enums) the annotation of parameter ``key`` names."""
        import aimlapi_billing_client.models as models

        annotation = str(self._parameters[key].annotation) if key in self._parameters else ""
        named = [getattr(models, word) for word in annotation.split(" | ") if hasattr(models, word)]
        return [model for model in named if isinstance(model, type)]

    def _body_model(self, body: Mapping[str, Any]) -> Any:
        """``body`` as the generated request model its annotation names, checked by its ``from_dict``."""
        from aimlapi_billing_client.types import SchemaError

        model = next(iter(self._annotated_models("body")), None)
        if model is None:
            return body  # not a model: the builder writes it as it is
        try:
            return model.from_dict(dict(body))
        except SchemaError as exc:
            raise self._invalid(f"{self._endpoint.name}: body is not a {model.__name__}: {exc}") from None


class Tag(Generic[ClientT]):
    """The operations of one generated tag package: ``billing.api.keys``."""

    def __init__(self, client: ClientT, tag: str, raw: bool) -> None:
        self._client = client
        self._tag = tag
        self._raw = raw

    def __repr__(self) -> str:
        return f"<api.{self._tag} of {self._client!r}>"

    def __dir__(self) -> list[str]:
        return sorted(_index()[self._tag])

    def __getattr__(self, name: str) -> Operation:
        if name.startswith("_") or name not in _index()[self._tag]:
            raise AttributeError(
                f"billing.api.{self._tag} has no operation {name!r}; {_names('operations', _index()[self._tag])}"
            )
        operation = Operation(self._client, self._tag, name, self._raw)
        setattr(self, name, operation)  # made once per client: later reads skip __getattr__
        return operation


class API(Generic[ClientT]):
    """``billing.api``: a namespace per generated tag package, an operation per module in each;
    ``billing.api.with_raw_response`` the same, returning :class:`~aimlapi_billing.APIResponse`."""

    def __init__(self, client: ClientT, raw: bool = False) -> None:
        self._client = client
        self._raw = raw

    def __repr__(self) -> str:
        return f"<api of {self._client!r}>"

    def __dir__(self) -> list[str]:
        return sorted(map(tag_attribute, _index())) + ([] if self._raw else ["with_raw_response"])

    @functools.cached_property
    def with_raw_response(self) -> API[ClientT]:
        if self._raw:
            raise AttributeError("billing.api.with_raw_response has no with_raw_response")
        return API(self._client, raw=True)

    def __getattr__(self, attribute: str) -> Tag[ClientT]:
        tag = attribute[:-1] if attribute.endswith("_") and attribute[:-1] in _NAMESPACE_ATTRIBUTES else attribute
        if attribute.startswith("_") or tag not in _index() or tag_attribute(tag) != attribute:
            tags = _names("tags", map(tag_attribute, _index()))
            raise AttributeError(f"billing.api has no tag {attribute!r}; {tags}")
        namespace = Tag(self._client, tag, self._raw)
        setattr(self, attribute, namespace)
        return namespace


#: The names ``billing.api`` has of its own: a tag so named is reached with a trailing underscore.
_NAMESPACE_ATTRIBUTES = frozenset(name for name in vars(API) if not name.startswith("_"))


def tag_attribute(tag: str) -> str:
    """The attribute of ``billing.api`` that holds ``tag``: the tag, or, when ``billing.api`` has an
    attribute of that name (``with_raw_response``), the tag and ``_``, as the generator does for a
    Python keyword."""
    return f"{tag}_" if tag in _NAMESPACE_ATTRIBUTES else tag
