"""A sync in a process of its own, for the tests that kill one: ``python sync_child.py STORE API [HOLD]``.

With ``HOLD`` (a number), the HOLD-th page's rows are inserted and then the process prints
``inside`` and sleeps, its transaction open: the parent kills it there. The rate limiter is off
(the stand-in has none): a 100,000-row account takes 1,900 pages."""

from __future__ import annotations

import sys
import time
from typing import Any


def main() -> None:
    url, base_url = sys.argv[1], sys.argv[2]
    hold = int(sys.argv[3]) if len(sys.argv) > 3 else None
    from aimlapi_billing import Billing
    from aimlapi_billing.store import _sync_rows, open_for_sync, sync

    if hold is not None:
        insert = _sync_rows.Rows.insert
        calls = [0]

        def held(self: Any, *args: Any, **kwargs: Any) -> int:
            added = insert(self, *args, **kwargs)
            calls[0] += 1
            if calls[0] == hold:
                print("inside", flush=True)
                time.sleep(600)
            return added

        _sync_rows.Rows.insert = held  # type: ignore[method-assign]
    with (
        Billing(api_key="k" * 32, base_url=base_url, allow_insecure_http=True, logs_rate_limit=None) as billing,
        open_for_sync(url) as store,
    ):
        print("started", flush=True)
        sync(store, billing)
    print("done", flush=True)


if __name__ == "__main__":
    main()
