"""`aimlapi-billing summary` in a few lines of httpx."""

import os

import httpx

url = os.environ["AIMLAPI_BILLING_BASE_URL"] + "/v2/billing"
answer = httpx.get(url, headers={"Authorization": f"Bearer {os.environ['AIML_API_KEY']}"}, timeout=30).json()
print(f"current balance  {float(answer['current_balance']):.2f} {answer['currency']}")
