"""``billing.keys``: list, read, create, update, replace and delete API keys (a management key).

Retry policy, per method (see the README's table):

* ``list``, ``current`` (GET), ``replace`` (PUT), ``delete`` (DELETE): idempotent, retried as every
  call is. A DELETE whose first answer was lost may answer 404 on its retry: the key is gone either way.
* ``update`` (PATCH): retried too. Its body holds absolute values only (a name, ``disabled``, a
  limit, scopes; nothing is incremented or appended), so applying it twice leaves the key as
  applying it once does.
* ``create`` (POST): every attempt makes a new key. It is retried only when the request certainly
  did not reach the server (no connection could be made, no pooled connection came in time) or the
  server refused it with 429. After it may have been sent, a broken connection, a timeout or a 5xx
  raises :class:`OutcomeUnknownError` (a 5xx: the status error, saying so) instead of a retry
  that could create a second key.

The full key that creation returns is wrapped in :class:`SecretKey` and added to the client's
redaction before anything else sees it, so an echo of it in a later error, log line or raw response
is redacted like the client's own key.
"""

from __future__ import annotations

import builtins
import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic

from ._budgets import budget_plan, own_key_fallback
from ._client import NOT_GIVEN
from ._exceptions import InvalidParameterError
from ._resource import Call, ClientT, Endpoint, Plan, Raw, Resource, Retry, ShapeT, operation, single
from ._secret import SecretKey

if TYPE_CHECKING:
    from aimlapi_billing_client.models import (
        ApiKey,
        CreateKeyResponse,
        DeletedApiKey,
        DeleteKeyResponse,
        KeyLimit,
        KeyLimitRetention,
        KeyScope,
        KeysResponse,
        LatestApiKey,
        LatestKeyResponse,
        ReplacedApiKey,
        ReplaceKeyResponse,
        UpdateKeyResponse,
    )

    from ._budgets import BudgetReport
    from ._client import DeadlineTypes, TimeoutTypes, _BaseBilling

__all__ = ["CreatedKey", "KeysResource"]

_API = "aimlapi_billing_client.api.keys."
_CAP = 64 * 1024
#: Keys are few (a page of every key of an account): 4 MiB is thousands of them.
LIST_KEYS: Endpoint[KeysResponse] = Endpoint("GET /v1/keys", _API + "list_keys", "KeysResponse", 4 * 1024 * 1024)
CURRENT_KEY: Endpoint[LatestKeyResponse] = Endpoint("GET /v1/key", _API + "get_latest_key", "LatestKeyResponse", _CAP)
CREATE_KEY: Endpoint[CreateKeyResponse] = Endpoint(
    "POST /v1/keys",
    _API + "create_key",
    "CreateKeyResponse",
    _CAP,
    retry=Retry.UNTIL_SENT,
    check_hint="list the keys (billing.keys.list()) and look for the new key's name before creating it again",
    secret_path=("data", "key"),
)
UPDATE_KEY: Endpoint[UpdateKeyResponse] = Endpoint(
    "PATCH /v1/keys/{prefix}", _API + "update_key", "UpdateKeyResponse", _CAP
)
REPLACE_KEY: Endpoint[ReplaceKeyResponse] = Endpoint(
    "PUT /v1/keys/{prefix}", _API + "replace_key", "ReplaceKeyResponse", _CAP
)
DELETE_KEY: Endpoint[DeleteKeyResponse] = Endpoint(
    "DELETE /v1/keys/{prefix}", _API + "delete_key", "DeleteKeyResponse", _CAP
)


@dataclass(frozen=True, repr=False)
class CreatedKey:
    """A key just created. ``key`` is the full value, shown this once by the API: read it with
    ``key.get_secret_value()``; every other way of printing it shows ``**********``."""

    key: SecretKey
    prefix: str
    name: str | None
    disabled: bool
    scopes: builtins.list[KeyScope] | None
    limit: KeyLimit | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    monthly_usage: float

    def __repr__(self) -> str:
        return f"CreatedKey(prefix={self.prefix!r}, name={self.name!r}, key={self.key!r})"


def _created(client: _BaseBilling[Any], response: CreateKeyResponse) -> CreatedKey:
    from aimlapi_billing_client.types import Unset

    data = response.data
    key = SecretKey(data.key)
    data.key = "<redacted>"  # the generated model's repr would show it
    return CreatedKey(
        key=key,
        prefix=data.prefix,
        name=None if isinstance(data.name, Unset) else data.name,
        disabled=data.disabled,
        scopes=data.scopes,
        limit=None if isinstance(data.limit, Unset) else data.limit,
        created_at=data.created_at,
        updated_at=data.updated_at,
        monthly_usage=data.monthly_usage,
    )


def _data(client: _BaseBilling[Any], response: Any) -> Any:
    return response.data


def _prefix(prefix: object) -> str:
    if not isinstance(prefix, str) or not prefix.strip() or not prefix.strip().isprintable():
        raise InvalidParameterError(f"prefix must be a key's prefix (printable text), not {prefix!r}")
    return prefix.strip()


def _name(name: object) -> str:
    if not isinstance(name, str) or not name.isprintable():
        raise InvalidParameterError(f"name must be printable text, not {name!r}")
    return name


def _scopes(scopes: object) -> list[KeyScope]:
    from aimlapi_billing_client.models import KeyScope

    if isinstance(scopes, str) or not isinstance(scopes, Sequence):
        raise InvalidParameterError(f"scopes must be a list of scopes like ['model:chat'], not {scopes!r}")
    known = KeyScope.known_values()
    for scope in scopes:
        if not isinstance(scope, str) or scope not in known:
            raise InvalidParameterError(f"a scope must be one of {', '.join(sorted(known))}, not {scope!r}")
    return [KeyScope(scope) for scope in scopes]


def _limit(threshold: object, retention: object) -> KeyLimit:
    from aimlapi_billing_client.models import KeyLimit, KeyLimitRetention
    from aimlapi_billing_client.types import UNSET

    limit = KeyLimit()
    if threshold is not None:
        if (
            isinstance(threshold, bool)
            or not isinstance(threshold, int | float | Decimal)
            or not math.isfinite(threshold)
            or threshold < 0
        ):
            raise InvalidParameterError(f"threshold must be a finite amount of USD, 0 or more, not {threshold!r}")
        limit.threshold = float(threshold)
    if retention is not None:
        known = KeyLimitRetention.known_values()
        if not isinstance(retention, str) or retention not in known:
            raise InvalidParameterError(f"retention must be one of {', '.join(sorted(known))}, not {retention!r}")
        limit.retention = KeyLimitRetention(retention)
    assert limit.threshold is not UNSET or limit.retention is not UNSET
    return limit


def _settings(
    name: str | None,
    disabled: bool | None,
    scopes: Sequence[KeyScope | str] | None,
    threshold: float | Decimal | None,
    retention: KeyLimitRetention | str | None,
) -> dict[str, Any]:
    """The request body's fields that were given, checked."""
    fields: dict[str, Any] = {}
    if name is not None:
        fields["name"] = _name(name)
    if disabled is not None:
        if not isinstance(disabled, bool):
            raise InvalidParameterError(f"disabled must be True or False, not {disabled!r}")
        fields["disabled"] = disabled
    if scopes is not None:
        fields["scopes"] = _scopes(scopes)
    if threshold is not None or retention is not None:
        fields["limit"] = _limit(threshold, retention)
    return fields


class KeysResource(Resource[ClientT, ShapeT], Generic[ClientT, ShapeT]):
    """``billing.keys``: the account's API keys. Reading every key, and changing any, needs a
    management key; a regular key may read only itself (:meth:`current`)."""

    @property
    def with_raw_response(self) -> KeysResource[ClientT, Raw]:
        """The same methods, returning an :class:`APIResponse` (headers, status, request id, ``parse()``)."""
        return KeysResource(self._client, raw=True)

    @operation
    def list(
        self, *, timeout: TimeoutTypes = NOT_GIVEN, deadline: DeadlineTypes = NOT_GIVEN
    ) -> Plan[builtins.list[ApiKey]]:
        """``GET /v1/keys``: every key of the account, without their secret values."""
        return single(Call(LIST_KEYS, {}, _data), timeout, deadline)

    @operation
    def current(self, *, timeout: TimeoutTypes = NOT_GIVEN, deadline: DeadlineTypes = NOT_GIVEN) -> Plan[LatestApiKey]:
        """``GET /v1/key``: the most recently used key."""
        return single(Call(CURRENT_KEY, {}, _data), timeout, deadline)

    @own_key_fallback
    def budgets(
        self,
        *,
        as_of: datetime.datetime | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[BudgetReport]:
        """Each key's spend in its current limit period against its limit: a :class:`BudgetReport`.

        Periods are UTC calendar periods: ``day`` from 00:00 UTC today, ``week`` from Monday 00:00
        UTC, ``month`` from the 1st 00:00 UTC, ``no_reset`` from the key's ``created_at`` (the vendor
        documents none of this). Every key's month is cross-checked: the usage total from the 1st of
        the month to ``as_of`` (default now) against the key's ``monthly_usage``; a difference over
        0.01 USD is ``month_mismatch``, and a ``month`` key's spend is the larger of the two.

        ``GET /v1/keys``, then ``GET /v2/usage`` per key and window (the month, and the period
        when it starts elsewhere). A regular key cannot list keys (403): the report then holds
        the caller's own key alone (``GET /v1/key``, its own usage) with ``only_own_key=True``.
        ``deadline`` covers every request, the fallback's included. Keys without a limit are
        listed with no period and no utilisation."""
        return budget_plan(as_of, timeout, deadline)

    @operation
    def create(
        self,
        *,
        name: str | None = None,
        scopes: Sequence[KeyScope | str] | None = None,
        threshold: float | Decimal | None = None,
        retention: KeyLimitRetention | str | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[CreatedKey]:
        """``POST /v1/keys``: a new key; its full value is in ``.key`` (a :class:`SecretKey`), this once.

        ``threshold`` is a spending limit in USD per ``retention`` (``no_reset``, ``day``, ``week``,
        ``month``). Not retried once the request may have reached the server: see the module's
        retry policy and :class:`OutcomeUnknownError`."""
        from aimlapi_billing_client.models import CreateKeyRequest

        body = CreateKeyRequest(**_settings(name, None, scopes, threshold, retention))
        return single(Call(CREATE_KEY, {"body": body}, _created), timeout, deadline)

    @operation
    def update(
        self,
        prefix: str,
        *,
        name: str | None = None,
        disabled: bool | None = None,
        scopes: Sequence[KeyScope | str] | None = None,
        threshold: float | Decimal | None = None,
        retention: KeyLimitRetention | str | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[ApiKey]:
        """``PATCH /v1/keys/{prefix}``: change the fields given (at least one), keep the rest."""
        from aimlapi_billing_client.models import UpdateKeyRequest

        fields = _settings(name, disabled, scopes, threshold, retention)
        if not fields:
            raise InvalidParameterError("update needs at least one of name, disabled, scopes, threshold, retention")
        call = Call(UPDATE_KEY, {"prefix": _prefix(prefix), "body": UpdateKeyRequest(**fields)}, _data)
        return single(call, timeout, deadline)

    @operation
    def replace(
        self,
        prefix: str,
        *,
        name: str | None = None,
        disabled: bool | None = None,
        scopes: Sequence[KeyScope | str] | None = None,
        threshold: float | Decimal | None = None,
        retention: KeyLimitRetention | str | None = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        deadline: DeadlineTypes = NOT_GIVEN,
    ) -> Plan[ReplacedApiKey]:
        """``PUT /v1/keys/{prefix}``: send the key's settings whole (what the API does with a field
        left out is its own rule; pass every one you mean to keep)."""
        from aimlapi_billing_client.models import ReplaceKeyRequest

        body = ReplaceKeyRequest(**_settings(name, disabled, scopes, threshold, retention))
        return single(Call(REPLACE_KEY, {"prefix": _prefix(prefix), "body": body}, _data), timeout, deadline)

    @operation
    def delete(
        self, prefix: str, *, timeout: TimeoutTypes = NOT_GIVEN, deadline: DeadlineTypes = NOT_GIVEN
    ) -> Plan[DeletedApiKey]:
        """``DELETE /v1/keys/{prefix}``: delete the key (retried; a 404 on a retry means it is gone)."""
        return single(Call(DELETE_KEY, {"prefix": _prefix(prefix)}, _data), timeout, deadline)


RESOURCE = KeysResource
