"""aimlapi-billing: read your AIML API account balance, billing, usage, keys and request logs.

>>> from aimlapi_billing import Billing
>>> with Billing() as billing:             # the key comes from $AIML_API_KEY
...     print(billing.summary().current_balance)

The results are the generated client's models (also importable from
``aimlapi_billing_client.models``); every error is an :class:`AIMLAPIError`.

Importing the package loads nothing but its version: each public name below is imported on first
use (PEP 562), so a program that imports ``aimlapi_billing`` and does not call it pays no import
time for httpx and the generated client. The ``TYPE_CHECKING`` imports give type checkers
and IDEs the real names; the module ``__getattr__`` is hidden from them, so a misspelt name is
still a type error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from aimlapi_billing_client.models import (
        ApiKey,
        AutoTopupSettings,
        BalanceResponse,
        BillingDetailResponse,
        BillingResponse,
        CatalogueModel,
        DeletedApiKey,
        KeyLimit,
        KeyLimitRetention,
        KeyScope,
        LatestApiKey,
        LogEntry,
        LogsResponse,
        LogStatus,
        MetricPercentiles,
        ModelInfo,
        ModelMetrics,
        ModelMetricsResponse,
        ModelPricing,
        ModelUsage,
        Pagination,
        PricingKind,
        PricingUnit,
        PricingVariant,
        ReplacedApiKey,
        RequestCounts,
        TokenCounts,
        Transaction,
        TransactionAmount,
        TransactionDirection,
        TransactionsResponse,
        TransactionType,
        UsageDetailResponse,
        UsageGroup,
        UsageGrouping,
        UsageResponse,
    )

    from ._client import AsyncBilling, Billing
    from ._config import (
        API_KEY_ENV_VARS,
        BASE_URL_ENV_VAR,
        DEFAULT_BASE_URL,
        DEFAULT_DEADLINE,
        DEFAULT_MAX_PAGES,
        DEFAULT_MAX_RESPONSE_BYTES,
        DEFAULT_MAX_RETRIES,
        DEFAULT_TIMEOUT,
    )
    from ._exceptions import (
        AIMLAPIError,
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ClientClosedError,
        ConfigurationError,
        InternalServerError,
        InvalidParameterError,
        NotFoundError,
        OutcomeUnknownError,
        PaginationError,
        PermissionDeniedError,
        RateLimitError,
        ResponseTooLargeError,
        ResponseValidationError,
    )
    from ._plan import APIResponse
    from .resources.keys import KeysResource
    from .resources.logs import LogsResource
    from .resources.models import ModelsResource
    from .resources.usage import UsageResource
    from .types.all_keys import AllKeysLogs, AllKeysUsage, KeyLogs, KeyUsage, MissingKey
    from .types.budgets import BudgetReport, KeyBudget
    from .types.forecast import Forecast
    from .types.keys import CreatedKey
    from .types.reconcile import Reconciliation, RowMismatch
    from .types.secret import SecretKey
    from .types.usage import ModelSpend, UsageReport

#: The module each lazily imported public name comes from.
_LAZY_SOURCES: dict[str, tuple[str, ...]] = {
    "aimlapi_billing_client.models": (
        "ApiKey",
        "AutoTopupSettings",
        "BalanceResponse",
        "BillingDetailResponse",
        "BillingResponse",
        "CatalogueModel",
        "DeletedApiKey",
        "KeyLimit",
        "KeyLimitRetention",
        "KeyScope",
        "LatestApiKey",
        "LogEntry",
        "LogsResponse",
        "LogStatus",
        "MetricPercentiles",
        "ModelInfo",
        "ModelMetrics",
        "ModelMetricsResponse",
        "ModelPricing",
        "ModelUsage",
        "Pagination",
        "PricingKind",
        "PricingUnit",
        "PricingVariant",
        "ReplacedApiKey",
        "RequestCounts",
        "TokenCounts",
        "Transaction",
        "TransactionAmount",
        "TransactionDirection",
        "TransactionsResponse",
        "TransactionType",
        "UsageDetailResponse",
        "UsageGroup",
        "UsageGrouping",
        "UsageResponse",
    ),
    "aimlapi_billing._client": ("AsyncBilling", "Billing"),
    "aimlapi_billing._config": (
        "API_KEY_ENV_VARS",
        "BASE_URL_ENV_VAR",
        "DEFAULT_BASE_URL",
        "DEFAULT_DEADLINE",
        "DEFAULT_MAX_PAGES",
        "DEFAULT_MAX_RESPONSE_BYTES",
        "DEFAULT_MAX_RETRIES",
        "DEFAULT_TIMEOUT",
    ),
    "aimlapi_billing._exceptions": (
        "AIMLAPIError",
        "APIConnectionError",
        "APIStatusError",
        "APITimeoutError",
        "AuthenticationError",
        "BadRequestError",
        "ClientClosedError",
        "ConfigurationError",
        "InternalServerError",
        "InvalidParameterError",
        "NotFoundError",
        "OutcomeUnknownError",
        "PaginationError",
        "PermissionDeniedError",
        "RateLimitError",
        "ResponseTooLargeError",
        "ResponseValidationError",
    ),
    "aimlapi_billing._plan": ("APIResponse",),
    "aimlapi_billing.resources.keys": ("KeysResource",),
    "aimlapi_billing.resources.logs": ("LogsResource",),
    "aimlapi_billing.resources.models": ("ModelsResource",),
    "aimlapi_billing.resources.usage": ("UsageResource",),
    "aimlapi_billing.types.all_keys": ("AllKeysLogs", "AllKeysUsage", "KeyLogs", "KeyUsage", "MissingKey"),
    "aimlapi_billing.types.budgets": ("BudgetReport", "KeyBudget"),
    "aimlapi_billing.types.forecast": ("Forecast",),
    "aimlapi_billing.types.keys": ("CreatedKey",),
    "aimlapi_billing.types.reconcile": ("Reconciliation", "RowMismatch"),
    "aimlapi_billing.types.secret": ("SecretKey",),
    "aimlapi_billing.types.usage": ("ModelSpend", "UsageReport"),
}
_LAZY: dict[str, str] = {name: module for module, names in _LAZY_SOURCES.items() for name in names}

__all__ = [
    "API_KEY_ENV_VARS",
    "BASE_URL_ENV_VAR",
    "DEFAULT_BASE_URL",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_PAGES",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "AIMLAPIError",
    "APIConnectionError",
    "APIResponse",
    "APIStatusError",
    "APITimeoutError",
    "AllKeysLogs",
    "AllKeysUsage",
    "ApiKey",
    "AsyncBilling",
    "AuthenticationError",
    "AutoTopupSettings",
    "BadRequestError",
    "BalanceResponse",
    "Billing",
    "BillingDetailResponse",
    "BillingResponse",
    "BudgetReport",
    "CatalogueModel",
    "ClientClosedError",
    "ConfigurationError",
    "CreatedKey",
    "DeletedApiKey",
    "Forecast",
    "InternalServerError",
    "InvalidParameterError",
    "KeyBudget",
    "KeyLimit",
    "KeyLimitRetention",
    "KeyLogs",
    "KeyScope",
    "KeyUsage",
    "KeysResource",
    "LatestApiKey",
    "LogEntry",
    "LogStatus",
    "LogsResource",
    "LogsResponse",
    "MetricPercentiles",
    "MissingKey",
    "ModelInfo",
    "ModelMetrics",
    "ModelMetricsResponse",
    "ModelPricing",
    "ModelSpend",
    "ModelUsage",
    "ModelsResource",
    "NotFoundError",
    "OutcomeUnknownError",
    "Pagination",
    "PaginationError",
    "PermissionDeniedError",
    "PricingKind",
    "PricingUnit",
    "PricingVariant",
    "RateLimitError",
    "Reconciliation",
    "ReplacedApiKey",
    "RequestCounts",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RowMismatch",
    "SecretKey",
    "TokenCounts",
    "Transaction",
    "TransactionAmount",
    "TransactionDirection",
    "TransactionType",
    "TransactionsResponse",
    "UsageDetailResponse",
    "UsageGroup",
    "UsageGrouping",
    "UsageReport",
    "UsageResource",
    "UsageResponse",
    "__version__",
]

if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        """Import a public name on first use, then keep it here so later look-ups skip this."""
        source = _LAZY.get(name)
        if source is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        # __import__ rather than importlib.import_module: -X importtime only sees the former.
        value = getattr(__import__(source, fromlist=(name,)), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
