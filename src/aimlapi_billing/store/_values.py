"""How values are kept: money as integer nano-USD when exact, else its exact decimal text; moments as
integer microseconds since 1970-01-01 UTC. Both are refused (unusable answer) rather than stored
when they are not what they claim: the store never holds a figure it cannot give back exactly."""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from aimlapi_billing import ResponseValidationError

#: 1 USD in the store's integer unit.
NANO_PER_USD = 10**9
_INT64 = 2**63
#: An amount needing more digits than this, or further than 10**±MAX_EXPONENT, is no amount of USD
#: (the exact sum of a million of them must stay a few hundred digits: see exact_sum).
MAX_DIGITS = 40
MAX_EXPONENT = 40
_EXACT = decimal.Context(prec=1000, traps=[decimal.Inexact, decimal.InvalidOperation, decimal.Overflow])
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MICROSECOND = datetime.timedelta(microseconds=1)


def encode_usd(amount: object, what: str) -> tuple[int | None, str | None]:
    """``(nano, None)`` when ``amount`` is a whole number of nano-USD within 64 bits, else
    ``(None, exact decimal text)``; ResponseValidationError for what is no finite, sane amount."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ResponseValidationError(f"{what} is {str(amount)[:40]}, not a finite amount of USD: nothing stored")
    _sign, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)  # finite
    if len(digits) > MAX_DIGITS or not -MAX_EXPONENT <= exponent <= MAX_EXPONENT or amount.adjusted() > MAX_EXPONENT:
        raise ResponseValidationError(f"{what} is {str(amount)[:40]}: no plausible amount of USD; nothing stored")
    nano = _EXACT.scaleb(amount, 9)
    if nano == nano.to_integral_value() and -_INT64 < nano < _INT64:
        return int(nano), None
    return None, str(amount)


def decode_usd(nano: int | Decimal | None, text: str | None) -> Decimal:
    """The exact amount :func:`encode_usd` kept (``nano`` may be a SUM: an int, or a Decimal from PostgreSQL)."""
    if text is not None:
        return Decimal(text)
    return _EXACT.scaleb(Decimal(nano or 0), -9)


def exact_sum(amounts: Iterable[Decimal]) -> Decimal:
    """The exact sum (never rounded: the amounts' bounds keep it within the context's digits)."""
    total = Decimal(0)
    for amount in amounts:
        total = _EXACT.add(total, amount)
    return total


def decimal_text(amount: Decimal) -> str:
    """The JSON and CSV form of money: exact positional digits, no exponent, no trailing zeros
    (``12.5``, ``0.000105``, ``0``)."""
    if amount == 0:
        return "0"
    return f"{amount.normalize(_EXACT):f}"


def micros(moment: datetime.datetime) -> int:
    """Microseconds since 1970 UTC (a naive moment is UTC, as the API writes them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return (moment - EPOCH) // _MICROSECOND


def moment_of(value: int) -> datetime.datetime:
    return EPOCH + datetime.timedelta(microseconds=value)


def parse_moment(text: object, what: str) -> int:
    """The API's ISO 8601 text as microseconds; ResponseValidationError for anything else."""
    try:
        if not isinstance(text, str) or len(text) > 64:
            raise ValueError
        return micros(datetime.datetime.fromisoformat(text))
    except (ValueError, OverflowError):
        raise ResponseValidationError(f"{what} is {str(text)[:64]!r}, not an ISO 8601 moment: nothing stored") from None


def iso(value: int) -> str:
    """Microseconds as the API's form: UTC, milliseconds (more when there are any), ``Z``."""
    moment = moment_of(value)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return (text[:-3] if text.endswith("000") else text) + "Z"


def clean_text(value: object, what: str, *, limit: int = 1000) -> str | None:
    """Server text as stored: None stays None; a NUL (which PostgreSQL cannot hold) or more than
    ``limit`` characters is ResponseValidationError, on every backend alike."""
    if value is None:
        return None
    if not isinstance(value, str) or "\x00" in value or len(value) > limit:
        raise ResponseValidationError(f"{what} is not text the store keeps (a NUL, or over {limit} characters)")
    return value


def whole(value: object, what: str) -> int:
    """A count the API sent, within the store's 64 bits."""
    if isinstance(value, bool) or not isinstance(value, int) or not -_INT64 < value < _INT64:
        raise ResponseValidationError(f"{what} is {str(value)[:40]}, not a whole number the store keeps")
    return value


def content_digest(text: str) -> str:
    """96 bits of SHA-256 in 16 characters (base64url): a collision among ten million rows has odds
    of about 1e-15, and each character is a byte of the row and of its unique index."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:12]
    return base64.urlsafe_b64encode(digest).decode("ascii")


def row_content(record: dict[str, Any]) -> str:
    # One text per amount: 0.1 sent again as 0.10 is the same content.
    return json.dumps(record, sort_keys=True, default=lambda value: str(Decimal(value).normalize()))


def ledger_identity(
    created_us: int,
    direction: str,
    entry_type: str,
    usd_nano: int | None,
    usd_text: str | None,
    credits: int,
    model: str | None,
) -> str:
    """What identifies a ledger entry (which has no id): its fixed fields only, never a field the API
    may add later or fill in afterwards (``reference_id``), so an entry whose other content changes
    inside the re-read window is the same entry, not a second one. Migration 0003 uses it too."""
    return json.dumps(["ledger", created_us, direction, entry_type, usd_nano, usd_text, credits, model])
