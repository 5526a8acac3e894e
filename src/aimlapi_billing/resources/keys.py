"""``billing.keys``: list, read, create, update, replace and delete API keys (a management key).

Retry policy, per method (see the README's table):

* ``list``, ``current`` (GET), ``replace`` (PUT), ``delete`` (DELETE): idempotent, retried as every
  call is. A DELETE whose first answer was lost may answer 404 on its retry: that is raised as the
  :class:`NotFoundError` it is (the CLI's exit 5), not taken for success, since a 404 cannot tell "deleted
  by the attempt whose answer was lost" from "no such key" (a wrong prefix); the key is gone either way,
  and :meth:`KeysResource.list` shows it.
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
import functools
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic

from .._exceptions import InvalidParameterError, ResponseValidationError
from .._money import usd
from .._plan import NOT_GIVEN, Call, ClientT, Endpoint, Plan, Raw, Resource, RetryPolicy, ShapeT, operation
from .._redaction import printable
from ..types.keys import CreatedKey
from ..types.secret import SecretKey

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

    from .._client import _BaseBilling
    from .._plan import DeadlineTypes, TimeoutTypes
    from ..types.budgets import BudgetReport

__all__ = ["CURRENT_KEY", "LIST_KEYS", "CreatedKey", "KeysResource", "UnusableCreatedKeyError", "key_data"]

#: How a Python caller lists the keys; the CLI says its own command instead.
LIST_KEYS_HINT = "billing.keys.list()"

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
    retry=RetryPolicy.UNTIL_SENT,
    check_hint=f"list the keys ({LIST_KEYS_HINT}) and look for the new key's name before creating it again",
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


class UnusableCreatedKeyError(ResponseValidationError):
    """``POST /v1/keys`` created a key, but it is not returned: the value answered cannot be a key
    (empty, too short, whitespace, control characters, terminal escapes, non-ASCII, not starting with
    its prefix, the caller's own key), or the key differs from the request (its name, limit or
    scopes). The key exists and should be deleted. ``prefix`` is the API's, shown safely, when it can
    be trusted (it passes the prefix rule, the value starts with it, and it is not the start of the
    caller's own key), else ``None``: then list the keys and look for ``name``. ``reason`` says what
    is wrong. The value itself is in no attribute and no message."""

    def __init__(self, message: str, *, prefix: str | None, name: str | None, reason: str = "") -> None:
        super().__init__(message)
        self.prefix = prefix
        self.name = name
        self.reason = reason


#: The longest key value taken as one; a longer "key" is a broken answer, not a credential.
MAX_KEY_LENGTH = 1024
#: The shortest: the vendor's keys are 32 hexadecimal digits; below 16 characters a "key" is a
#: broken answer that no caller should store as a credential.
MIN_KEY_LENGTH = 16


def _key_problem(value: object) -> str | None:
    """What makes ``value`` unusable as a key (never quoting it), or ``None``."""
    if not isinstance(value, str) or not value:
        return "empty"
    length = f"{len(value)} character{'' if len(value) == 1 else 's'} long"
    if len(value) > MAX_KEY_LENGTH:
        return length
    if not all("!" <= character <= "~" for character in value):
        return "not printable ASCII without whitespace (it holds a space, a control character or non-ASCII)"
    if len(value) < MIN_KEY_LENGTH:
        return f"{length}, too short for a key"
    return None


def _trusted_prefix(own_key: str, value: object, prefix: object) -> str | None:
    """``prefix`` when it may be named as the key to delete: a valid prefix that ``value`` starts
    with (the vendor's prefix is a key's first 8 characters) and that does not start the caller's own
    key (deleting it could delete that key). Otherwise ``None``: a prefix the server chose freely
    might be another existing key's, or text meant for a shell."""
    try:
        checked = _prefix(prefix)
    except InvalidParameterError:
        return None
    if checked != prefix or not isinstance(value, str) or not value.startswith(checked):
        return None
    return None if own_key.startswith(checked) else checked


def _created(fields: dict[str, Any], client: _BaseBilling[Any], response: CreateKeyResponse) -> CreatedKey:
    """The created key, once its value is a key that starts with its prefix, is not the caller's own
    key, and the key is what was asked (``fields``: name, limit, scopes); else an
    :class:`UnusableCreatedKeyError` saying the key was created."""
    from aimlapi_billing_client.types import Unset

    data = response.data
    value = data.key
    data.key = "<redacted>"  # the generated model's repr would show it
    name = None if isinstance(data.name, Unset) else data.name
    own_key = client._api_key
    prefix = _trusted_prefix(own_key, value, data.prefix)
    problem = _key_problem(value)
    if problem is None and value == own_key:
        problem = "the caller's own key"
    elif problem is None and prefix is None and isinstance(data.prefix, str) and own_key.startswith(data.prefix):
        problem = "a key under the caller's own key's prefix"
    elif problem is None and prefix is None:
        problem = "not a key that starts with the prefix answered (a prefix is a key's first characters)"
    reason = f"answered a value that cannot be a key ({problem})" if problem is not None else ""
    if problem is None:
        wrong = _differences(client, fields, data)
        if wrong:
            reason = f"it differs from the request ({'; '.join(wrong)})"
    if reason:
        shown_name = None if name is None else printable(client._redact(name))
        label = f" ({shown_name})" if shown_name else ""
        if prefix is not None:
            shown = shown_prefix(client._redact, prefix)
            advice = f"delete the key (billing.keys.delete({shown!r})) and create another"
            what = f"key {shown}{label}"
        else:
            advice = (
                "its prefix cannot be trusted: list the keys "
                f"({LIST_KEYS_HINT}) and look for {shown_name or 'the new key'} to delete it"
            )
            what = f"a key{label}"
        raise UnusableCreatedKeyError(
            f"{CREATE_KEY.name}: the API created {what} but {reason}; it is not returned: {advice}",
            prefix=None if prefix is None else shown_prefix(client._redact, prefix),
            name=shown_name,
            reason=reason,
        )
    assert isinstance(value, str)
    assert prefix is not None
    key = SecretKey(value)
    return CreatedKey(
        key=key,
        prefix=prefix,
        name=name,
        disabled=data.disabled,
        scopes=data.scopes,
        limit=None if isinstance(data.limit, Unset) else data.limit,
        created_at=data.created_at,
        updated_at=data.updated_at,
        monthly_usage=data.monthly_usage,
    )


def key_data(client: _BaseBilling[Any], response: Any) -> Any:
    """A keys answer's ``data``: what the methods return (``Call.convert``)."""
    return response.data


#: A key's prefix (the first 8 characters of the key, by the vendor's docs) as one URL path
#: segment: characters that are unreserved there (RFC 3986), so nothing is encoded, and no dot
#: segment (``.``, ``..``) that would turn ``/v1/keys/..`` into ``/v1``. Longer than 8 is allowed.
_PREFIX = re.compile(r"[A-Za-z0-9._~-]{1,64}")


#: A prefix this long or shorter is shown as it is, even though it is the start of a key the client
#: redacts (a prefix is the key's public part, the first 8 characters); a longer one is redacted.
SHOWN_PREFIX_LENGTH = 12


def shown_prefix(redact: Callable[[str], str], prefix: str) -> str:
    """A key's prefix, from a server, fit for a message or a terminal."""
    return printable(prefix if len(prefix) <= SHOWN_PREFIX_LENGTH else redact(prefix))


def _prefix(prefix: object) -> str:
    text = prefix.strip() if isinstance(prefix, str) else ""
    if not _PREFIX.fullmatch(text) or not text.strip("."):
        shown = repr(prefix) if not isinstance(prefix, str) or len(prefix) <= 24 else f"{len(prefix)} characters"
        raise InvalidParameterError(
            "prefix must be a key's prefix (its first characters: letters, digits, '-', '_', '.', '~'; "
            f"not '.' or '..'), not {printable(shown)}"
        )
    return text


def _answer_for(
    client: _BaseBilling[Any], endpoint: Endpoint[Any], prefix: str, expected: dict[str, Any], answer: Any
) -> Any:
    """``answer`` (the key ``data``), when it is the key ``prefix`` with every ``expected`` field;
    otherwise a :class:`ResponseValidationError` saying the change is not confirmed."""
    wrong: builtins.list[str] = []
    if answer.prefix != prefix:
        wrong.append(f"it names key {shown_prefix(client._redact, repr(answer.prefix))}")
    wrong += _differences(client, expected, answer)
    if wrong:
        raise ResponseValidationError(
            f"{endpoint.name.replace('{prefix}', prefix)}: the answer does not confirm the change "
            f"({'; '.join(wrong)}): the key may be unchanged; list the keys to see its state"
        )
    return answer


def _differences(client: _BaseBilling[Any], expected: dict[str, Any], answer: Any) -> builtins.list[str]:
    """How the key ``answer`` differs from the ``expected`` fields (name, disabled, limit, scopes)."""
    from aimlapi_billing_client.types import Unset

    def shown(value: Any) -> str:
        return printable(client._redact(str(value) if isinstance(value, Decimal) else repr(value)))

    wrong: builtins.list[str] = []
    for field, wanted in expected.items():
        if field == "limit":
            limit = answer.limit
            for part in ("threshold", "retention"):
                want = getattr(wanted, part)
                if isinstance(want, Unset):
                    continue
                got = None if limit is None or isinstance(limit, Unset) else getattr(limit, part)
                same = _same_amount(got, want) if part == "threshold" else _value(got) == _value(want)
                if not same:
                    wrong.append(f"limit.{part} is {shown(None if isinstance(got, Unset) else _value(got))}")
        elif field == "scopes":
            got = answer.scopes
            if isinstance(got, Unset) or got is None or {_value(s) for s in got} != {_value(s) for s in wanted}:
                wrong.append(
                    f"scopes is {shown(None if isinstance(got, Unset) or got is None else [_value(s) for s in got])}"
                )
        else:
            got = getattr(answer, field)
            if got != wanted or type(got) is not type(wanted):
                wrong.append(f"{field} is {shown(None if isinstance(got, Unset) else got)}")
    return wrong


#: How far an answered limit may be from the one sent and still confirm it: a server that stores the
#: amount as a binary float answers 0.30000000000000004 for 0.3.
_AMOUNT_TOLERANCE = Decimal("1e-9")


def _same_amount(got: object, want: Decimal) -> bool:
    """Whether the answered amount ``got`` is ``want``, within :data:`_AMOUNT_TOLERANCE` (relative to
    amounts over 1 USD)."""
    return isinstance(got, Decimal) and abs(got - want) <= _AMOUNT_TOLERANCE * max(Decimal(1), abs(want))


def _value(item: Any) -> Any:
    """An enum member's value (a scope, a retention), anything else as it is."""
    return getattr(item, "value", item)


def _confirmed(
    endpoint: Endpoint[Any], prefix: str, fields: dict[str, Any], client: _BaseBilling[Any], response: Any
) -> Any:
    return _answer_for(client, endpoint, prefix, fields, response.data)


def _deleted_check(prefix: str, client: _BaseBilling[Any], response: DeleteKeyResponse) -> DeletedApiKey:
    answer = response.data
    if answer.prefix != prefix or answer.deleted is not True:
        raise ResponseValidationError(
            f"{DELETE_KEY.name.replace('{prefix}', prefix)}: the answer does not confirm the deletion "
            f"(prefix {shown_prefix(client._redact, repr(answer.prefix))}, deleted "
            f"{printable(repr(answer.deleted))}): the key may still exist; list the keys to see"
        )
    return answer


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
        # Sent as the exact decimal: 0.1 (a float) is the JSON number 0.1, a Decimal its own digits.
        limit.threshold = usd(threshold, "threshold", at_least_zero=True, error=InvalidParameterError)
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
        return Plan(Call(LIST_KEYS, {}, key_data), timeout, deadline)

    @operation
    def current(self, *, timeout: TimeoutTypes = NOT_GIVEN, deadline: DeadlineTypes = NOT_GIVEN) -> Plan[LatestApiKey]:
        """``GET /v1/key``: the most recently used key."""
        return Plan(Call(CURRENT_KEY, {}, key_data), timeout, deadline)

    @operation
    def budgets(
        self,
        *,
        as_of: datetime.datetime | None = None,
        partial: bool = False,
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
        listed with no period and no utilisation. With ``partial``, a key whose reads fail (the
        deadline) is in ``report.missing`` instead of failing the call."""
        return self._client._budget_plan(as_of, timeout, deadline, partial is True)

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

        fields = _settings(name, None, scopes, threshold, retention)
        check = functools.partial(_created, fields)
        return Plan(Call(CREATE_KEY, {"body": CreateKeyRequest(**fields)}, check), timeout, deadline)

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
        prefix = _prefix(prefix)
        check = functools.partial(_confirmed, UPDATE_KEY, prefix, fields)
        return Plan(Call(UPDATE_KEY, {"prefix": prefix, "body": UpdateKeyRequest(**fields)}, check), timeout, deadline)

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

        fields = _settings(name, disabled, scopes, threshold, retention)
        prefix = _prefix(prefix)
        check = functools.partial(_confirmed, REPLACE_KEY, prefix, fields)
        return Plan(
            Call(REPLACE_KEY, {"prefix": prefix, "body": ReplaceKeyRequest(**fields)}, check), timeout, deadline
        )

    @operation
    def delete(
        self, prefix: str, *, timeout: TimeoutTypes = NOT_GIVEN, deadline: DeadlineTypes = NOT_GIVEN
    ) -> Plan[DeletedApiKey]:
        """``DELETE /v1/keys/{prefix}``: delete the key (retried). A 404, on a retry too, is a
        :class:`NotFoundError`: no key has this prefix now (see the module's retry policy).
        An answer that is not ``deleted: true`` for this very prefix is a :class:`ResponseValidationError`."""
        prefix = _prefix(prefix)
        check = functools.partial(_deleted_check, prefix)
        return Plan(Call(DELETE_KEY, {"prefix": prefix}, check), timeout, deadline)
