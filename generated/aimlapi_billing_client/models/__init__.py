"""Contains all the data models used in inputs/outputs

Loaded on first use (PEP 562): importing one model, or this package, does not import every other
model, so a program pays only for the models it uses however many endpoints the API has.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .api_key import ApiKey
    from .auto_topup_settings import AutoTopupSettings
    from .balance_response import BalanceResponse
    from .billing_detail_response import BillingDetailResponse
    from .billing_response import BillingResponse
    from .catalogue_model import CatalogueModel
    from .create_key_request import CreateKeyRequest
    from .create_key_response import CreateKeyResponse
    from .created_api_key import CreatedApiKey
    from .delete_key_response import DeleteKeyResponse
    from .deleted_api_key import DeletedApiKey
    from .error import Error
    from .error_error import ErrorError
    from .key_limit import KeyLimit
    from .key_limit_retention import KeyLimitRetention
    from .key_scope import KeyScope
    from .keys_response import KeysResponse
    from .latest_api_key import LatestApiKey
    from .latest_key_response import LatestKeyResponse
    from .log_entry import LogEntry
    from .log_origin import LogOrigin
    from .log_status import LogStatus
    from .logs_pagination import LogsPagination
    from .logs_response import LogsResponse
    from .metric_percentiles import MetricPercentiles
    from .model_info import ModelInfo
    from .model_metrics import ModelMetrics
    from .model_metrics_response import ModelMetricsResponse
    from .model_modalities import ModelModalities
    from .model_pricing import ModelPricing
    from .model_usage import ModelUsage
    from .models_all_sections_flag import ModelsAllSectionsFlag
    from .models_response import ModelsResponse
    from .pagination import Pagination
    from .performance_metrics import PerformanceMetrics
    from .pricing_kind import PricingKind
    from .pricing_unit import PricingUnit
    from .pricing_variant import PricingVariant
    from .pricing_variant_when import PricingVariantWhen
    from .replace_key_request import ReplaceKeyRequest
    from .replace_key_response import ReplaceKeyResponse
    from .replaced_api_key import ReplacedApiKey
    from .request_counts import RequestCounts
    from .token_counts import TokenCounts
    from .transaction import Transaction
    from .transaction_amount import TransactionAmount
    from .transaction_direction import TransactionDirection
    from .transaction_type import TransactionType
    from .transactions_response import TransactionsResponse
    from .update_key_request import UpdateKeyRequest
    from .update_key_response import UpdateKeyResponse
    from .usage_detail_response import UsageDetailResponse
    from .usage_group import UsageGroup
    from .usage_grouping import UsageGrouping
    from .usage_response import UsageResponse

_MODULES = {
    "ApiKey": ".api_key",
    "AutoTopupSettings": ".auto_topup_settings",
    "BalanceResponse": ".balance_response",
    "BillingDetailResponse": ".billing_detail_response",
    "BillingResponse": ".billing_response",
    "CatalogueModel": ".catalogue_model",
    "CreateKeyRequest": ".create_key_request",
    "CreateKeyResponse": ".create_key_response",
    "CreatedApiKey": ".created_api_key",
    "DeleteKeyResponse": ".delete_key_response",
    "DeletedApiKey": ".deleted_api_key",
    "Error": ".error",
    "ErrorError": ".error_error",
    "KeyLimit": ".key_limit",
    "KeyLimitRetention": ".key_limit_retention",
    "KeyScope": ".key_scope",
    "KeysResponse": ".keys_response",
    "LatestApiKey": ".latest_api_key",
    "LatestKeyResponse": ".latest_key_response",
    "LogEntry": ".log_entry",
    "LogOrigin": ".log_origin",
    "LogStatus": ".log_status",
    "LogsPagination": ".logs_pagination",
    "LogsResponse": ".logs_response",
    "MetricPercentiles": ".metric_percentiles",
    "ModelInfo": ".model_info",
    "ModelMetrics": ".model_metrics",
    "ModelMetricsResponse": ".model_metrics_response",
    "ModelModalities": ".model_modalities",
    "ModelPricing": ".model_pricing",
    "ModelUsage": ".model_usage",
    "ModelsAllSectionsFlag": ".models_all_sections_flag",
    "ModelsResponse": ".models_response",
    "Pagination": ".pagination",
    "PerformanceMetrics": ".performance_metrics",
    "PricingKind": ".pricing_kind",
    "PricingUnit": ".pricing_unit",
    "PricingVariant": ".pricing_variant",
    "PricingVariantWhen": ".pricing_variant_when",
    "ReplaceKeyRequest": ".replace_key_request",
    "ReplaceKeyResponse": ".replace_key_response",
    "ReplacedApiKey": ".replaced_api_key",
    "RequestCounts": ".request_counts",
    "TokenCounts": ".token_counts",
    "Transaction": ".transaction",
    "TransactionAmount": ".transaction_amount",
    "TransactionDirection": ".transaction_direction",
    "TransactionType": ".transaction_type",
    "TransactionsResponse": ".transactions_response",
    "UpdateKeyRequest": ".update_key_request",
    "UpdateKeyResponse": ".update_key_response",
    "UsageDetailResponse": ".usage_detail_response",
    "UsageGroup": ".usage_group",
    "UsageGrouping": ".usage_grouping",
    "UsageResponse": ".usage_response",
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
    "ApiKey",
    "AutoTopupSettings",
    "BalanceResponse",
    "BillingDetailResponse",
    "BillingResponse",
    "CatalogueModel",
    "CreateKeyRequest",
    "CreateKeyResponse",
    "CreatedApiKey",
    "DeleteKeyResponse",
    "DeletedApiKey",
    "Error",
    "ErrorError",
    "KeyLimit",
    "KeyLimitRetention",
    "KeyScope",
    "KeysResponse",
    "LatestApiKey",
    "LatestKeyResponse",
    "LogEntry",
    "LogOrigin",
    "LogStatus",
    "LogsPagination",
    "LogsResponse",
    "MetricPercentiles",
    "ModelInfo",
    "ModelMetrics",
    "ModelMetricsResponse",
    "ModelModalities",
    "ModelPricing",
    "ModelUsage",
    "ModelsAllSectionsFlag",
    "ModelsResponse",
    "Pagination",
    "PerformanceMetrics",
    "PricingKind",
    "PricingUnit",
    "PricingVariant",
    "PricingVariantWhen",
    "ReplaceKeyRequest",
    "ReplaceKeyResponse",
    "ReplacedApiKey",
    "RequestCounts",
    "TokenCounts",
    "Transaction",
    "TransactionAmount",
    "TransactionDirection",
    "TransactionType",
    "TransactionsResponse",
    "UpdateKeyRequest",
    "UpdateKeyResponse",
    "UsageDetailResponse",
    "UsageGroup",
    "UsageGrouping",
    "UsageResponse",
)
