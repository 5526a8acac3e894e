"""Contains all the data models used in inputs/outputs"""

from .auto_topup_settings import AutoTopupSettings
from .balance_response import BalanceResponse
from .billing_detail_response import BillingDetailResponse
from .billing_response import BillingResponse
from .error import Error
from .error_error import ErrorError

__all__ = (
    "AutoTopupSettings",
    "BalanceResponse",
    "BillingDetailResponse",
    "BillingResponse",
    "Error",
    "ErrorError",
)
