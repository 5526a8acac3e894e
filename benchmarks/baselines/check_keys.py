"""`aimlapi-billing check-keys -w 80 -c 95` in a few lines of httpx: the key list, each key's usage
since the 1st of the month (the cross-check) and since the start of its limit period when that
differs, the UTC calendar periods, and one status line with perfdata per key."""

import datetime
import os
import sys

import httpx

now = datetime.datetime.now(datetime.UTC)
day = now.replace(hour=0, minute=0, second=0, microsecond=0)
starts = {"day": day, "week": day - datetime.timedelta(days=day.weekday()), "month": day.replace(day=1)}
base, headers = os.environ["AIMLAPI_BILLING_BASE_URL"], {"Authorization": f"Bearer {os.environ['AIML_API_KEY']}"}
worst, perfdata = 0.0, []
with httpx.Client(base_url=base, headers=headers, timeout=30) as client:

    def spend(prefix: str, start: datetime.datetime) -> float:
        params = {"key_prefix": prefix, "start": start.isoformat(), "end": now.isoformat()}
        return float(client.get("/v2/usage", params=params).json()["spend"])

    for key in client.get("/v1/keys").json()["data"]:
        month = spend(key["prefix"], starts["month"])
        limit = key.get("limit")
        if not limit:
            continue
        start = starts.get(limit["retention"]) or datetime.datetime.fromisoformat(key["created_at"])
        used = month if start == starts["month"] else spend(key["prefix"], start)
        if limit["retention"] == "month":
            used = max(used, float(key["monthly_usage"]))
        if key["disabled"]:
            continue
        percent = 100 * used / float(limit["threshold"])
        worst = max(worst, percent)
        perfdata.append(f"'{key['prefix']}_pct'={percent:.1f}%;80;95;0")
state = 2 if worst > 95 else 1 if worst > 80 else 0
print(f"KEYS {('OK', 'WARNING', 'CRITICAL')[state]} - highest {worst:.1f}% | {' '.join(perfdata)}")
sys.exit(state)
