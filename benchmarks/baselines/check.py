"""`aimlapi-billing check --warning-usd 100 --critical-usd 20` in ten lines of httpx."""

import os
import sys

import httpx

url = os.environ["AIMLAPI_BILLING_BASE_URL"] + "/v2/billing/detail"  # the endpoint check reads
answer = httpx.get(url, headers={"Authorization": f"Bearer {os.environ['AIML_API_KEY']}"}, timeout=30).json()
balance = float(answer["current_balance"])
state = 2 if balance < 20 else 1 if balance < 100 else 0
print(
    f"BILLING {('OK', 'WARNING', 'CRITICAL')[state]} - balance {balance:.2f} USD | balance_usd={balance:.2f};100:;20:"
)
sys.exit(state)
