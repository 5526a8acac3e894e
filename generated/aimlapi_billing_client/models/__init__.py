"""Contains all the data models used in inputs/outputs

Loaded on first use (PEP 562): importing one model, or this package, does not import every other
model, so a program pays only for the models it uses however many endpoints the API has.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .auto_topup_settings import AutoTopupSettings
    from .balance_response import BalanceResponse
    from .billing_detail_response import BillingDetailResponse
    from .billing_response import BillingResponse
    from .error import Error
    from .error_error import ErrorError
    from .pagination import Pagination
    from .transaction import Transaction
    from .transaction_amount import TransactionAmount
    from .transaction_direction import TransactionDirection
    from .transaction_type import TransactionType
    from .transactions_response import TransactionsResponse

_MODULES = {
    "AutoTopupSettings": ".auto_topup_settings",
    "BalanceResponse": ".balance_response",
    "BillingDetailResponse": ".billing_detail_response",
    "BillingResponse": ".billing_response",
    "Error": ".error",
    "ErrorError": ".error_error",
    "Pagination": ".pagination",
    "Transaction": ".transaction",
    "TransactionAmount": ".transaction_amount",
    "TransactionDirection": ".transaction_direction",
    "TransactionType": ".transaction_type",
    "TransactionsResponse": ".transactions_response",
}


def __getattr__(name: str) -> object:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = (
    "AutoTopupSettings",
    "BalanceResponse",
    "BillingDetailResponse",
    "BillingResponse",
    "Error",
    "ErrorError",
    "Pagination",
    "Transaction",
    "TransactionAmount",
    "TransactionDirection",
    "TransactionType",
    "TransactionsResponse",
)
