"""`aimlapi-billing metrics --textfile PATH` in a few lines of httpx: the same two reads, the
same gauges, written atomically (temporary file, then rename)."""

import os
import sys
import tempfile

import httpx

base, headers = os.environ["AIMLAPI_BILLING_BASE_URL"], {"Authorization": f"Bearer {os.environ['AIML_API_KEY']}"}
with httpx.Client(headers=headers, timeout=30) as client:
    detail = client.get(base + "/v2/billing/detail").json()
    balance = client.get(base + "/v1/billing/balance").json()
topup = detail["autotopup_settings"]
lines = [
    f"aimlapi_balance_usd {float(detail['current_balance'])}",
    f"aimlapi_balance_credits {float(balance['balance'])}",
    f"aimlapi_low_balance {float(balance['lowBalance'])}",
    f"aimlapi_autotopup_enabled {float(topup['is_enabled'])}",
    f"aimlapi_autotopup_threshold_usd {float(topup['threshold'])}",
    f"aimlapi_autotopup_amount_usd {float(topup['amount'])}",
    "aimlapi_scrape_success 1.0",
]
target = sys.argv[1]
with tempfile.NamedTemporaryFile("w", dir=os.path.dirname(os.path.abspath(target)), delete=False) as out:
    out.write("\n".join(lines) + "\n")
os.replace(out.name, target)
