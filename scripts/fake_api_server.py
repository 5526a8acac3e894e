#!/usr/bin/env python3
"""Run the stand-in for the AIML API on a loopback address: ``python scripts/fake_api_server.py --port 8765``.

The stand-in itself is ``fake_api.server.FakeAIMLAPI`` (``scripts/fake_api/``), the one HTTP test
double of the suite, also used by the README's and the docs' samples and by the benchmarks. This
module re-exports what those import. It answers every endpoint with canned JSON, keeping
connections alive; each response is written with one ``sendall`` and TCP_NODELAY, so no
delayed-ACK stall distorts timings. A test changes its answers in two ways:

- ``server.script(path, *faults)`` queues answers for the next requests to ``path``, served in
  order before the canned answer resumes: a ``Reply`` (any status, headers, body), ``Reset``,
  ``Stall``, ``Truncate``, ``AfterApplying(fault)`` or ``Passthrough`` (``fake_api.faults``).
- ``server.route(path, behaviour)`` hands every request to ``path`` to a behaviour of
  ``fake_api.hostile``, answers no well-behaved server gives (a NaN body, JSON ten thousand deep,
  an endless body, a gzip bomb, a trickle, pages that never end, an error echoing the key); the
  connection closes after each. ``server.count(path)`` counts the requests to a path, and
  ``stop()`` ends endless and trickling answers at once.

The canned account is dated relative to the moment the server starts (``now``): its ledger ends
two and a half hours before, so ``forecast`` and ``metrics`` show the README's figures on any date.
Tests that compare dates pass ``now=LEDGER_AS_OF``, the moment the canned data was written for.

The model catalogue and metrics are the docs pages' examples (``scripts/fake_api/models.py``).
The usage, logs and key endpoints are served from one account (``scripts/fake_api/``): keys, and
requests whose charges are the ledger's ``MODEL_USAGE`` entries, dated the same way; see
``fake_api.data`` for its figures, its management key and the discrepancies a test can switch on.
"""

from __future__ import annotations

import argparse

from fake_api.data import CHATBOT_KEY as CHATBOT_KEY
from fake_api.data import DISCREPANCIES, MANAGEMENT_KEY, many_keys
from fake_api.data import ledger_entry as ledger_entry
from fake_api.faults import Action as Action
from fake_api.faults import AfterApplying as AfterApplying
from fake_api.faults import Outcome as Outcome
from fake_api.faults import Passthrough as Passthrough
from fake_api.faults import Reset as Reset
from fake_api.faults import Stall as Stall
from fake_api.faults import Truncate as Truncate
from fake_api.ledger import BALANCE as BALANCE
from fake_api.ledger import BILLING as BILLING
from fake_api.ledger import CANNED as CANNED
from fake_api.ledger import DETAIL as DETAIL
from fake_api.ledger import LEDGER as LEDGER
from fake_api.ledger import LEDGER_AS_OF as LEDGER_AS_OF
from fake_api.ledger import dated as dated
from fake_api.ledger import dated_account as dated_account
from fake_api.replies import Reply as Reply
from fake_api.server import LOOPBACK as LOOPBACK
from fake_api.server import FakeAIMLAPI as FakeAIMLAPI
from fake_api.server import Seen as Seen
from fake_api.server import large_server as large_server


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve canned AIML API billing answers on a loopback address.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--discrepancy", action="append", default=[], choices=sorted(DISCREPANCIES), help="disagree on purpose"
    )
    parser.add_argument("--regular-key", action="store_true", help="any other key acts as chatbot-prod, not main")
    parser.add_argument(
        "--large-account",
        type=int,
        metavar="N",
        help="serve fake_api.data.large_account: N requests over 100 days and their ledger (no rate limit on logs)",
    )
    parser.add_argument("--delay", type=float, default=0.0, help="seconds every answer waits (a slow link)")
    parser.add_argument("--max-in-flight", type=int, help="answer 429 to a request past this many in flight")
    parser.add_argument("--keys", type=int, help="an account of this many keys, each with a monthly limit")
    args = parser.parse_args()
    caller = CHATBOT_KEY if args.regular_key else MANAGEMENT_KEY
    if args.large_account is not None:
        server = large_server(args.large_account, port=args.port)
    else:
        server = FakeAIMLAPI(
            port=args.port,
            discrepancies=args.discrepancy,
            default_caller=caller,
            keys=None if args.keys is None else many_keys(args.keys),
            delay=args.delay,
            max_in_flight=args.max_in_flight,
        )
    print(f"fake AIML API listening on {server.url} (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        # For the fan-out benchmark (benchmarks/fanout.py): what the server saw.
        print(f"peak_in_flight={server.peak_in_flight} refused_busy={server.refused_busy}", flush=True)


if __name__ == "__main__":
    main()
