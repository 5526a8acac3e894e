#!/usr/bin/env python3
"""Where ``Billing.detail()``'s sync overhead over raw httpx goes: ``.venv/bin/python benchmarks/decompose_sync.py``.

A diagnostic, not part of ``run.py``: the same interleaved rounds as the sync benchmark, with
variants that add the SDK's pieces to raw httpx one at a time, or take them out of the SDK:

- the SDK's three request headers (User-Agent, Accept, Authorization) instead of one;
- the SDK's response handling (``_parse``: content type, the exact JSON decoding and its bounds,
  the generated ``from_dict`` with its checks);
- the SDK with its headers set once on its own ``httpx.Client`` instead of on every request;
- the SDK with ``_parse`` replaced by a bare ``json.loads`` (no bounds, no checks, no model).

The last two reach into private attributes of a ``Billing`` made for them, only in this process;
nothing in ``src/`` is changed.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
from collections.abc import Callable
from contextlib import ExitStack

import httpx
from calls import API_KEY, DETAIL_PATH, HEADERS, TIMEOUT
from common import compare, rotated
from server import fake_server

from aimlapi_billing import Billing
from aimlapi_billing import _responses as client_module
from aimlapi_billing.resources.billing import DETAIL

RAW = "raw httpx"


def _variants(url: str, stack: ExitStack) -> dict[str, Callable[[], object]]:
    raw = stack.enter_context(httpx.Client(timeout=TIMEOUT))
    sdk = stack.enter_context(Billing(api_key=API_KEY, base_url=url, timeout=TIMEOUT))
    unchecked = stack.enter_context(Billing(api_key=API_KEY, base_url=url, timeout=TIMEOUT))
    unchecked._parse = lambda endpoint, answer: json.loads(answer.body)  # type: ignore[method-assign]
    client_headers = stack.enter_context(Billing(api_key=API_KEY, base_url=url, timeout=TIMEOUT))
    client_headers._client.headers.update(client_headers._headers)  # the same headers on the wire
    client_headers._headers = {}
    detail_url = url + DETAIL_PATH
    sdk_headers = sdk._headers

    def raw_call() -> object:
        return raw.get(detail_url, headers=HEADERS).json()

    def raw_sdk_headers() -> object:
        return raw.get(detail_url, headers=sdk_headers).json()

    def raw_sdk_headers_parse() -> object:
        response = raw.get(detail_url, headers=sdk_headers)
        answer = client_module.ReadResponse(response, response.content, "application/json")
        return sdk._parse(DETAIL, answer)

    return {
        RAW: raw_call,
        "raw + SDK's 3 headers": raw_sdk_headers,
        "raw + SDK's 3 headers + SDK _parse": raw_sdk_headers_parse,
        "SDK, headers set once on its httpx.Client": client_headers.detail,
        "SDK, _parse = json.loads": unchecked.detail,
        "SDK as shipped": sdk.detail,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--batch", type=int, default=120)
    args = parser.parse_args()
    with fake_server() as url, ExitStack() as stack:
        variants = _variants(url, stack)
        samples: dict[str, list[float]] = {name: [] for name in variants}
        for call in variants.values():
            for _ in range(200):
                call()
        names = list(variants)
        for round_index in range(args.rounds):
            for name in rotated(names, round_index):
                call = variants[name]
                gc.collect()
                start = time.perf_counter_ns()
                for _ in range(args.batch):
                    call()
                samples[name].append((time.perf_counter_ns() - start) / args.batch / 1000)
    print(f"{args.rounds} rounds x {args.batch} calls, rotated order; ratio = median of per-round ratios\n")
    print("| variant | median µs/call | ratio to raw | p25-p75 |")
    print("| --- | ---: | ---: | :---: |")
    for contender in compare(samples, RAW):
        if contender.ratio is None:
            print(f"| {contender.name} | {contender.median:.1f} | 1.00 |  |")
        else:
            spread = f"{contender.ratio_p25:.3f}-{contender.ratio_p75:.3f}"
            print(f"| {contender.name} | {contender.median:.1f} | {contender.ratio:.3f} | {spread} |")


if __name__ == "__main__":
    main()
