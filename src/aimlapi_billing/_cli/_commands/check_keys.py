"""``check-keys``: a monitoring plugin for the keys' spending limits (:meth:`KeysResource.budgets`).

Each enabled key with a limit is measured in its current UTC calendar period (day from 00:00 UTC,
week from Monday, month from the 1st, no_reset since creation); the worst key decides the state.
As the plugin guidelines' range ``80`` means, a key alerts when its percentage is *above* the
threshold, so a limit of 0 that nothing was spent against (100 %) stays quiet at ``-c 100``.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from ..._exceptions import AIMLAPIError
from ..._redaction import printable
from .._common import CHECK_STATES, CHECK_UNKNOWN, client, threshold_text, usd
from .._options import number

if TYPE_CHECKING:
    from ..._budgets import BudgetReport, KeyBudget

DEFAULTS = {
    "check-keys": "every enabled key with a limit is checked; disabled and unlimited keys are counted, not checked"
}
LABEL = "KEYS"
#: Percent thresholds: a key may overshoot its limit, but not by ten thousand percent in any useful check.
MAX_PERCENT = 10000.0
#: How many keys the status line names (the perfdata has them all).
NAMED = 3
_UNSAFE_LABEL = re.compile(r"[^A-Za-z0-9_.-]")
_PERIODS = {"day": "per day", "week": "per week", "month": "per month", "no_reset": "in total (no reset)"}
# Severity for "the worst key": UNKNOWN (3) outranks OK only, as in the plugin guidelines' service groups.
_SEVERITY = {0: 0, 3: 1, 1: 2, 2: 3}


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    percent = number("a percentage", 0, MAX_PERCENT)
    parser.add_argument(
        "-w",
        "--warning-percent",
        type=percent,
        required=True,
        metavar="W",
        help="WARNING when a key has spent more than W %% of its limit in the current period",
    )
    parser.add_argument(
        "-c",
        "--critical-percent",
        type=percent,
        required=True,
        metavar="C",
        help="CRITICAL when a key has spent more than C %% of its limit (C at least W)",
    )


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    warning, critical = args.warning_percent, args.critical_percent
    if critical < warning:
        problem = f"--critical-percent ({critical:g}) must not be below --warning-percent ({warning:g})"
        print(f"{LABEL} UNKNOWN - {problem}", file=out)
        return CHECK_UNKNOWN
    try:
        with client(args) as billing:
            report = billing.keys.budgets()
            redact = billing._redact
    except AIMLAPIError as exc:
        print(f"{LABEL} UNKNOWN - {printable(str(exc))}", file=out)
        return CHECK_UNKNOWN
    state, line = status(report, warning, critical, redact)
    print(f"{LABEL} {CHECK_STATES[state]} - {line}", file=out)
    return state


def key_state(budget: KeyBudget, warning: float, critical: float) -> int:
    if budget.utilisation is None:
        return CHECK_UNKNOWN  # a limit period this version does not know
    percent = budget.utilisation * 100
    return 2 if percent > critical else 1 if percent > warning else 0


def status(report: BudgetReport, warning: float, critical: float, redact: Callable[[str], str]) -> tuple[int, str]:
    """The state and the output line (message, then ``|`` and the perfdata) for ``report``; server
    text passes through ``redact`` (the client's redaction of its key)."""
    from ..._budgets import identity

    checked = [budget for budget in report.limited if not budget.disabled]
    states = {budget.prefix: key_state(budget, warning, critical) for budget in checked}
    state = max(states.values(), key=_SEVERITY.__getitem__, default=0)

    def who(budget: KeyBudget) -> str:
        prefix, key_name = identity(budget, redact)
        if report.only_own_key:
            prefix = "the caller's own key"
        return printable(f"{prefix} ({key_name[:40]})" if key_name else prefix)

    def where(budget: KeyBudget) -> str:
        assert budget.threshold is not None
        period = _PERIODS.get(budget.retention or "", f"per {budget.retention} (a period this version does not know)")
        limit = f"{usd(budget.threshold)} {printable(period)}"
        if budget.utilisation is None or budget.spend is None:
            return f"{who(budget)}: a limit of {limit}, spend not measured"
        if budget.threshold == 0:
            return f"{who(budget)} spent {usd(budget.spend)} against a limit of {limit}"
        return f"{who(budget)} at {budget.utilisation * 100:.1f}% of {limit}"

    worst = sorted(
        checked,
        key=lambda b: (-_SEVERITY[states[b.prefix]], -(b.utilisation if b.utilisation is not None else -1.0)),
    )
    skipped = len(report) - len(checked)
    over = [budget for budget in worst if states[budget.prefix] in (1, 2)]
    unmeasured = [budget for budget in worst if states[budget.prefix] == CHECK_UNKNOWN]
    if not checked:
        message = f"no enabled key has a spending limit ({_keys(len(report))})"
    elif over:
        message = f"{len(over)} of {_keys(len(checked), 'with a limit')} past a threshold: {_named(over, where)}"
    elif unmeasured:
        message = (
            f"{len(unmeasured)} of {_keys(len(checked), 'with a limit')} not measured: {_named(unmeasured, where)}"
        )
    else:
        message = (
            f"{_keys(len(checked), 'with a limit')} within {threshold_text(warning)}%, the highest {where(worst[0])}"
        )
    if over and unmeasured:
        message += f"; {_keys(len(unmeasured))} not measured: {_named(unmeasured, where)}"
    if skipped and checked:
        message += f"; {_keys(skipped, 'disabled or without a limit')} not checked"
    if report.only_own_key:
        message += "; only the caller's own key was checked (a regular key cannot read the others)"
    mismatched = report.mismatched
    if mismatched:
        shown = _named(list(mismatched), lambda b: f"{who(b)} {_signed(b.month_difference)}")
        message += f"; monthly_usage differs from the usage total since the 1st (UTC) for {shown}"
    perfdata = " ".join(_perfdata(budget, report.only_own_key, warning, critical, redact) for budget in checked)
    return state, f"{message} | {perfdata}" if perfdata else message


def _perfdata(budget: KeyBudget, own: bool, warning: float, critical: float, redact: Callable[[str], str]) -> str:
    """``'<prefix>_pct'=72.5%;80;95;0``: the label from the prefix, reduced to characters no
    monitoring system's perfdata parser trips on (the caller's own key: ``own_key``)."""
    from ..._budgets import identity

    prefix, _ = identity(budget, redact)
    label = "own_key" if own or prefix != budget.prefix else _UNSAFE_LABEL.sub("_", prefix[:32])
    ratio = budget.utilisation
    # "U": the guidelines' "cannot be determined": a period this version does not know, or spend over a 0 limit.
    value = "U" if ratio is None or ratio == float("inf") else f"{ratio * 100:.1f}%"
    return f"'{label}_pct'={value};{threshold_text(warning)};{threshold_text(critical)};0"


def _named(budgets: list[KeyBudget], where: Callable[[KeyBudget], str]) -> str:
    """The first :data:`NAMED` keys, described, and how many more."""
    more = f" and {len(budgets) - NAMED} more" if len(budgets) > NAMED else ""
    return ", ".join(where(budget) for budget in budgets[:NAMED]) + more


def _signed(amount: object) -> str:
    return f"{amount:+,.2f} USD"


def _keys(count: int, what: str = "") -> str:
    return f"{count} key{'' if count == 1 else 's'}" + (f" {what}" if what else "")
