"""Contains all the data models used in inputs/outputs"""

from .api_key import ApiKey
from .auto_topup_settings import AutoTopupSettings
from .balance_response import BalanceResponse
from .billing_detail_response import BillingDetailResponse
from .billing_response import BillingResponse
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
from .model_usage import ModelUsage
from .pagination import Pagination
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

__all__ = (
    "ApiKey",
    "AutoTopupSettings",
    "BalanceResponse",
    "BillingDetailResponse",
    "BillingResponse",
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
    "ModelUsage",
    "Pagination",
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
