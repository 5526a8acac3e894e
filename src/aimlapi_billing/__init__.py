"""aimlapi-billing: read your AIML API account balance and billing details.

>>> from aimlapi_billing import Billing
>>> with Billing() as billing:             # the key comes from $AIML_API_KEY
...     print(billing.summary().current_balance)

The results are the generated client's attrs models (also importable from
``aimlapi_billing_client.models``); every error is an :class:`AIMLAPIError`.
"""

from aimlapi_billing_client.models import (
    AutoTopupSettings,
    BalanceResponse,
    BillingDetailResponse,
    BillingResponse,
    Pagination,
    Transaction,
    TransactionAmount,
    TransactionDirection,
    TransactionsResponse,
    TransactionType,
)

from ._client import AsyncBilling, Billing
from ._config import API_KEY_ENV_VARS, BASE_URL_ENV_VAR, DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from ._exceptions import (
    AIMLAPIError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    InternalServerError,
    InvalidParameterError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
)
from ._forecast import Forecast
from ._version import __version__

__all__ = [
    "API_KEY_ENV_VARS",
    "BASE_URL_ENV_VAR",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "AIMLAPIError",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncBilling",
    "AuthenticationError",
    "AutoTopupSettings",
    "BadRequestError",
    "BalanceResponse",
    "Billing",
    "BillingDetailResponse",
    "BillingResponse",
    "ConfigurationError",
    "Forecast",
    "InternalServerError",
    "InvalidParameterError",
    "NotFoundError",
    "Pagination",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseValidationError",
    "Transaction",
    "TransactionAmount",
    "TransactionDirection",
    "TransactionType",
    "TransactionsResponse",
    "__version__",
]
