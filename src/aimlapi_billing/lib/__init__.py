"""What combines the resources: the forecast (billing's detail and ledger), the key budgets (keys
and usage) and the reconciliation (ledger, logs, usage). The client imports each on first use; no
resource imports ``lib`` (import-linter contracts in pyproject.toml)."""
