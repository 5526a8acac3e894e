"""The store's errors: every one an :class:`~aimlapi_billing.AIMLAPIError`, each message one line
with the store's address redacted (no password, ever)."""

from __future__ import annotations

from aimlapi_billing import AIMLAPIError


class StoreError(AIMLAPIError):
    """The store cannot be used: not a store, corrupt, read-only, a full disk, unreachable."""


class StoreAddressError(StoreError):
    """The store's address is wrong as written (a password in it, stray whitespace, not a URL): a usage error."""


class StoreExtraMissingError(StoreError):
    """The optional packages the store needs are not installed (``pip install 'aimlapi-billing[store]'``)."""


class StoreBusyError(StoreError):
    """Another ``sync`` holds the store's writer lock."""


class StoreVersionError(StoreError):
    """The store's schema was written by a newer aimlapi-billing (or is older than ``report`` can read)."""


class StoreMissingError(StoreError):
    """There is no store at the address yet (``report`` before the first ``sync``)."""


class StoreStaleError(StoreError):
    """The store's last finished sync is older than the reader's ``--max-age`` (or none finished)."""


class StorePrunedError(StoreError):
    """A reader's window starts before the store's pruned cut-off (``sync --keep``): its figures would
    be partial, so none is given."""
