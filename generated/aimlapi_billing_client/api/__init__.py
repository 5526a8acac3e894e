"""Contains methods for accessing the API"""

#: Every generated operation: ``{tag package: {operation module: (METHOD, path template, model of
#: its 2xx body in aimlapi_billing_client.models, or "" when that body is not a model)}}``.
OPERATIONS: dict[str, dict[str, tuple[str, str, str]]] = {
    "billing": {
        "get_balance": ("GET", "/v1/billing/balance", "BalanceResponse"),
        "get_billing": ("GET", "/v2/billing", "BillingResponse"),
        "get_billing_detail": ("GET", "/v2/billing/detail", "BillingDetailResponse"),
        "list_transactions": (
            "GET",
            "/v2/billing/transactions",
            "TransactionsResponse",
        ),
    },
    "keys": {
        "create_key": ("POST", "/v1/keys", "CreateKeyResponse"),
        "delete_key": ("DELETE", "/v1/keys/{prefix}", "DeleteKeyResponse"),
        "get_latest_key": ("GET", "/v1/key", "LatestKeyResponse"),
        "list_keys": ("GET", "/v1/keys", "KeysResponse"),
        "replace_key": ("PUT", "/v1/keys/{prefix}", "ReplaceKeyResponse"),
        "update_key": ("PATCH", "/v1/keys/{prefix}", "UpdateKeyResponse"),
    },
    "logs": {
        "list_logs": ("GET", "/v2/logs", "LogsResponse"),
    },
    "models": {
        "get_model_metrics": ("GET", "/models/metrics", "ModelMetricsResponse"),
        "list_models": ("GET", "/v1/models", "ModelsResponse"),
    },
    "usage": {
        "get_usage": ("GET", "/v2/usage", "UsageResponse"),
        "get_usage_detail": ("GET", "/v2/usage/detail", "UsageDetailResponse"),
    },
}
