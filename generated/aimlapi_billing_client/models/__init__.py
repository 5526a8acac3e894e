"""Contains all the data models used in inputs/outputs"""

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
