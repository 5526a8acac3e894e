"""Fan-outs over keys: ``check-keys``, one exporter cycle with ``--keys``, ``usage --all-keys`` and
``top`` against many-key accounts.

The stand-in (``scripts/fake_api_server.py --keys N --delay S``, in a child process so its threads
do not share our GIL) holds N keys, each with a monthly limit, and waits S seconds before every
answer (a slow link); with ``--max-in-flight 16`` it answers 429 (``Retry-After: 1``) to a request
arriving while 16 are being answered. Each command runs as its own process; the table gives its
wall time, its own peak RSS (``VmHWM``, as ``scale.py`` reads it), the most requests the server
answered at once, the 429s it sent, and the status line's first words (every key measured: OK).

Targets (issue 19): 1,000 keys at 100 ms, ``check-keys`` within 20 s, never more than 32 requests
in flight, every key measured, also with 429 past 16 in flight. Not part of ``run.py``: a full
curve takes minutes of wall time that is mostly waiting.

    .venv/bin/python benchmarks/fanout.py                      # the issue's cases
    .venv/bin/python benchmarks/fanout.py --keys 10,100 --delay 0.01
    .venv/bin/python benchmarks/fanout.py --command usage-all-keys   # usage --all-keys (issue 19, item 2)
    git archive main src/aimlapi_billing | tar -x -C /tmp/before   # then, before and after in one run:
    .venv/bin/python benchmarks/fanout.py --keys 400 --busy 4 --concurrency 64 --before /tmp/before/src

The floor column is keys x delay / concurrency (plus the key list): the wall time no client can beat
at that concurrency, measured against in the same run.
"""

from __future__ import annotations

import argparse
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from common import PYTHON, REPO
from processes import process_env
from scale import PEAK_REPORTER

SERVER = REPO / "scripts" / "fake_api_server.py"
#: Replaced by a file in the run's temporary folder (``--textfile`` wants a regular file).
TEXTFILE = "{textfile}"
#: What ``--command`` measures.
COMMANDS = {
    "check-keys": ("check-keys", "-w", "80", "-c", "95"),
    "exporter": ("metrics", "--keys", "--textfile", TEXTFILE),
    "usage-all-keys": ("usage", "--all-keys", "--top", "10"),
    "top": ("top", "--period", "7d"),
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _default_sigint() -> None:
    """SIGINT at its default in the stand-in, which stops on it: a benchmark started in the background
    by a non-interactive shell ignores SIGINT, and so would the stand-in, never stopping."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def measure(
    keys: int, delay: float, busy: int | None, command: list[str], code: str | None = None
) -> dict[str, object]:
    """One run of ``command`` against a fresh stand-in of ``keys`` keys answering after ``delay`` s;
    ``code``: a folder whose ``aimlapi_billing`` is run instead of this checkout's (an earlier version)."""
    port = _free_port()
    server_argv = [PYTHON, str(SERVER), "--port", str(port), "--keys", str(keys), "--delay", str(delay)]
    if busy is not None:
        server_argv += ["--max-in-flight", str(busy)]
    server = subprocess.Popen(server_argv, stdout=subprocess.PIPE, text=True, preexec_fn=_default_sigint)
    try:
        assert server.stdout is not None
        server.stdout.readline()  # "listening on ..."
        with tempfile.TemporaryDirectory(prefix="aimlapi-billing-fanout-") as workdir:
            env = process_env(f"http://127.0.0.1:{port}", str(Path(workdir) / "pycache"))
            if code is not None:
                env["PYTHONPATH"] = code
            peak_file = Path(workdir) / "peak"
            argv = [str(Path(workdir) / "out.prom") if part == TEXTFILE else part for part in command]
            started = time.perf_counter()
            done = subprocess.run(
                [PYTHON, "-c", PEAK_REPORTER, *argv],
                cwd=REPO,
                env={**env, "PEAK_RSS_FILE": str(peak_file)},
                capture_output=True,
                text=True,
                timeout=900,
                check=False,
            )
            elapsed = time.perf_counter() - started
            peak_kib = int(peak_file.read_text()) if peak_file.exists() else 0
    finally:
        server.send_signal(signal.SIGINT)
        stats, _ = server.communicate(timeout=30)
    seen = dict(item.split("=") for item in stats.split() if "=" in item)
    lines = done.stdout.strip().splitlines() or [done.stderr.strip()]
    line = next((text for text in lines if "measured" in text), lines[0]).strip()
    return {
        "keys": keys,
        "delay_ms": round(delay * 1000),
        "busy": busy,
        "seconds": elapsed,
        "peak_rss_mib": peak_kib / 1024,
        "peak_in_flight": int(seen.get("peak_in_flight", -1)),
        "refused": int(seen.get("refused_busy", -1)),
        "exit": done.returncode,
        "line": line[:70],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keys", default="1000", help="comma-separated account sizes (default 1000)")
    parser.add_argument("--delay", default="0.1", help="comma-separated answer delays in seconds (default 0.1)")
    parser.add_argument("--busy", type=int, help="the stand-in answers 429 past this many requests in flight")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--exporter", action="store_true", help="one `metrics --keys` cycle instead of check-keys")
    parser.add_argument("--command", choices=sorted(COMMANDS), help="the command to measure (default: check-keys)")
    parser.add_argument(
        "--before",
        metavar="SRC",
        help="also run each case with the aimlapi_billing under SRC (e.g. `git archive main src | tar -x -C /tmp/b` "
        "then /tmp/b/src), just before this checkout's: before and after in the same run",
    )
    args = parser.parse_args()
    command = list(COMMANDS["exporter" if args.exporter else args.command or "check-keys"])
    command += ["--deadline", "55", "--concurrency", str(args.concurrency)]
    columns = ("code", "command", "keys", "delay", "429 past", "wall s", "floor s", "peak RSS MiB", "peak in flight")
    print(f"| {' | '.join((*columns, '429s', 'exit', 'line'))} |")
    print(f"|{' --- |' * (len(columns) + 3)}")
    codes = [("before", args.before), ("after", None)] if args.before else [("this", None)]
    for keys in (int(text) for text in args.keys.split(",")):
        for delay in (float(text) for text in args.delay.split(",")):
            for label, code in codes:
                _row(label, measure(keys, delay, args.busy, command, code), keys, delay, command, args)


def _row(label: str, row: dict[str, object], keys: int, delay: float, command: list[str], args: Any) -> None:
    floor = delay + keys * delay / args.concurrency
    print(
        f"| {label} | {' '.join(command[:2])} --concurrency {args.concurrency} | {keys:,} | {row['delay_ms']} ms | "
        f"{args.busy or '-'} | {row['seconds']:.1f} | {floor:.1f} | {row['peak_rss_mib']:.0f} | "
        f"{row['peak_in_flight']} | "
        f"{row['refused']} | {row['exit']} | {row['line']} |",
        flush=True,
    )


if __name__ == "__main__":
    main()
