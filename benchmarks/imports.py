"""Cold import: a fresh interpreter importing the SDK, against one importing httpx alone.

Each run is a new process timed from outside (the judged figure: what a CLI or a cron job pays);
the process also prints how long the import statement itself took, which leaves out the
interpreter's start-up that both sides share.

Bytecode caches: this environment sets ``PYTHONDONTWRITEBYTECODE`` and the repository's sources
have no ``__pycache__``, so every import of the SDK would compile it from source while httpx's
installed ``.pyc`` files are used: not what an installed user sees. The children therefore run
with ``PYTHONPYCACHEPREFIX`` set to a temporary folder (warmed by discarded runs), so both sides
load compiled bytecode and nothing is written into the work tree.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass, field

from common import PYTHON, REPO, Comparison, compare, rotated

STARTUP = "python -c pass"
HTTPX = "import httpx"
#: The baseline with a target: what a program that makes requests with httpx pays before its first one.
HTTPX_CLIENT = "import httpx; httpx.Client()"
SDK = "import aimlapi_billing"
SDK_FIRST_USE = "from aimlapi_billing import Billing"
#: What a program that calls the API through the SDK pays before its first request: judged.
SDK_CLIENT = "from aimlapi_billing import Billing; Billing(api_key='k')"
#: Not timed here (see processes.py): profiled, to show what the command-line entry point loads.
CLI = "import aimlapi_billing._cli"
STATEMENTS = {
    STARTUP: "pass",
    HTTPX: HTTPX,
    HTTPX_CLIENT: HTTPX_CLIENT,
    SDK: SDK,
    SDK_FIRST_USE: SDK_FIRST_USE,
    SDK_CLIENT: SDK_CLIENT,
}
#: What each child runs: the statement, timed from inside as well.
TIMED = "import time as _t\n_s = _t.perf_counter()\n{statement}\nprint(_t.perf_counter() - _s)"
CHILD_TIMEOUT = 60.0
IMPORTTIME_LINE = re.compile(r"^import time:\s*(\d+) \|\s*(\d+) \| ( *)(\S.*)$")


def child_env(cache_dir: str) -> dict[str, str]:
    """The environment of every child: ours, with bytecode caching on, into ``cache_dir``."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = cache_dir
    return env


def _run_timed(statement: str, env: dict[str, str]) -> tuple[float, float]:
    """(whole process, import statement alone), in milliseconds, for one fresh interpreter."""
    start = time.perf_counter_ns()
    done = subprocess.run(
        [PYTHON, "-c", TIMED.format(statement=statement)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        check=False,
    )
    wall_ms = (time.perf_counter_ns() - start) / 1e6
    if done.returncode != 0:
        raise RuntimeError(f"{statement!r} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return wall_ms, float(done.stdout.split()[-1]) * 1000


def bench_import(runs: int, warmup: int, env: dict[str, str]) -> tuple[Comparison, Comparison]:
    """``runs`` interleaved fresh processes per statement: (whole process, statement alone)."""
    names = list(STATEMENTS)
    for _ in range(warmup):  # the first run compiles into the cache folder; discard these
        for name in names:
            _run_timed(STATEMENTS[name], env)
    wall: dict[str, list[float]] = {name: [] for name in names}
    inner: dict[str, list[float]] = {name: [] for name in names if name != STARTUP}
    for round_index in range(runs):
        for name in rotated(names, round_index):
            wall_ms, inner_ms = _run_timed(STATEMENTS[name], env)
            wall[name].append(wall_ms)
            if name in inner:
                inner[name].append(inner_ms)
    order = (HTTPX_CLIENT, STARTUP, HTTPX, SDK, SDK_FIRST_USE, SDK_CLIENT)
    process = Comparison(
        section="import",
        title="cold start to a ready client, whole process",
        unit="ms/process",
        baseline=HTTPX_CLIENT,
        contenders=compare({name: wall[name] for name in order}, HTTPX_CLIENT),
        detail=f"{runs} fresh `python -c` processes per statement, rotated order, wall time from the parent",
        target=1.15,
        target_for=SDK_CLIENT,
    )
    statement = Comparison(
        section="import",
        title="cold start to a ready client, statement alone",
        unit="ms/import",
        baseline=HTTPX_CLIENT,
        contenders=compare({name: inner[name] for name in order if name in inner}, HTTPX_CLIENT),
        detail="the same processes, perf_counter around the statement (no interpreter start-up)",
    )
    return process, statement


@dataclass
class ImportNode:
    """One line of ``-X importtime``: a module, its own time, and the imports it triggered."""

    name: str
    self_us: int
    cumulative_us: int
    depth: int
    children: list[ImportNode] = field(default_factory=list)


def parse_importtime(stderr: str) -> list[ImportNode]:
    """The import trees, roots first. The output is post-order: children precede their parent,
    indented two spaces deeper, so a line adopts the pending lines deeper than itself."""
    pending: list[ImportNode] = []
    for line in stderr.splitlines():
        match = IMPORTTIME_LINE.match(line)
        if match is None:
            continue
        self_us, cumulative_us, indent, name = match.groups()
        node = ImportNode(name.strip(), int(self_us), int(cumulative_us), len(indent) // 2)
        while pending and pending[-1].depth > node.depth:
            node.children.insert(0, pending.pop())
        pending.append(node)
    return pending


def _added(node: ImportNode, shared: set[str]) -> int:
    """Cumulative µs of ``node`` without the modules in ``shared`` (those ``import httpx`` loads
    anyway, wherever in the tree they happen to be loaded first)."""
    own = 0 if node.name in shared else node.self_us
    return own + sum(_added(child, shared) for child in node.children)


@dataclass(frozen=True)
class Offender:
    module: str
    self_us: int
    cumulative_us: int  # without the modules ``import httpx`` loads
    depth: int


@dataclass(frozen=True)
class ImportProfile:
    """One ``-X importtime`` run of a statement, start-up imports left out."""

    statement: str
    total_us: int
    added_to_httpx_us: int  # total without the modules ``import httpx`` loads
    offenders: list[Offender]


def _importtime_roots(statement: str, env: dict[str, str]) -> list[ImportNode]:
    done = subprocess.run(
        [PYTHON, "-X", "importtime", "-c", statement],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        check=True,
    )
    return parse_importtime(done.stderr)


def _modules(roots: list[ImportNode]) -> set[str]:
    found: set[str] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        found.add(node.name)
        stack.extend(node.children)
    return found


def import_profile(statement: str, env: dict[str, str], top: int = 8) -> ImportProfile:
    """The ``top`` modules by cumulative import time, below the interpreter's own start-up imports
    (those of ``python -c pass``) and without what ``import httpx; httpx.Client()`` loads (the
    baseline's cost)."""
    startup = {root.name for root in _importtime_roots("pass", env)}
    shared = _modules(_importtime_roots(HTTPX_CLIENT, env))
    roots = [root for root in _importtime_roots(statement, env) if root.name not in startup]
    nodes = [node for node in _walk(roots) if node.name not in shared]
    ranked = sorted(nodes, key=lambda node: _added(node, shared), reverse=True)[:top]
    return ImportProfile(
        statement=statement,
        total_us=sum(root.cumulative_us for root in roots),
        added_to_httpx_us=sum(_added(root, shared) for root in roots),
        offenders=[Offender(node.name, node.self_us, _added(node, shared), node.depth) for node in ranked],
    )


def _walk(roots: list[ImportNode]) -> list[ImportNode]:
    return [node for root in roots for node in (root, *_walk(root.children))]
