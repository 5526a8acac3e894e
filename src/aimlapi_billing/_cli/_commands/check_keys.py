"""``check-keys``: a monitoring plugin for the keys' spending limits (:meth:`KeysResource.budgets`).

Each enabled key with a limit is measured in its current UTC calendar period (day from 00:00 UTC,
week from Monday, month from the 1st, no_reset since creation); the worst key decides the state.
As the plugin guidelines' range ``80`` means, a key alerts when its percentage is *above* the
threshold.

A limit of 0 blocks a key on purpose: with nothing spent it is OK whatever the thresholds (the
alert rules agree: they never fire for it), and anything spent against it is CRITICAL. Its
perfdata value is ``U`` (no percentage of 0 exists).

Output bounds, for monitoring systems that cut a plugin's line (Nagios keeps 8 KB): server text
(key names, prefixes, an unknown retention) is made printable, cut to a few dozen characters and
never holds ``|`` (replaced by ``/``: it would start the perfdata); the status line names at most
:data:`NAMED` keys; perfdata covers the :data:`PERFDATA_KEYS` worst keys, and when there are more,
``'keys_not_in_perfdata'=K`` says how many were left out. Perfdata labels are unique (two prefixes
that sanitise to one label get ``_2``, ``_3``). Thresholds are printed as given, and a percentage
never on the other side of one than the key is (6.24, not 6.2, against ``6.2``).

Any failure, a bug included, is one UNKNOWN line and exit 3, never a traceback or exit 1; the
line names the exception's type when it is not the SDK's. ``--deadline`` bounds the whole run
(``keys.budgets()`` is one call: 1 request for the key list plus up to 2 per key, and a no_reset
key older than 92 days one per 92 days of its period), the keys read side by side within
``--concurrency``; its default is :data:`PLUGIN_DEADLINE` (under Nagios's 60 s service timeout).

A partial view (the deadline, or some keys' reads failing) is never OK or WARNING: a key measured
past ``--critical`` is CRITICAL all the same (a known problem outranks an unknown, as the plugin
guidelines have it), anything else UNKNOWN; the line names the keys past a threshold and ends
``U of M keys not measured: PREFIX (ErrorType: reason), ...``, and the perfdata covers
the keys measured. A failure of the key list itself is UNKNOWN with no figure.

The line's counts add up: each key listed is counted once, as checked (``N of K keys with a
limit ...``: enabled, with a limit, measured), not checked (``K keys disabled or without a limit``)
or not measured (``U of M keys not measured: ...``, M the keys listed).
"""

from __future__ import annotations

import argparse
import logging
import re
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, TextIO

from ..._redaction import failure_text
from ...types.all_keys import missing_names
from .._common import CHECK_STATES, CHECK_UNKNOWN, client, fixed, plugin_text, threshold_text, usd
from .._options import PLUGIN_DEADLINE, add_epilog
from .._thresholds import SYNTAX, Range, shown, swapped, threshold
from .._thresholds import perfdata as range_perfdata
from .._thresholds import state as range_state

if TYPE_CHECKING:
    from ...types.budgets import BudgetReport, KeyBudget

DEFAULTS = {
    "check-keys": "every enabled key with a limit is checked; disabled and unlimited keys are counted, not checked; "
    "--deadline bounds the whole run (1 request plus up to 2 per key; under a monitoring system's service timeout, "
    f"--deadline {PLUGIN_DEADLINE:g} here, under Nagios's 60 s service timeout); the keys are read side by side, at "
    "most --concurrency requests in flight (halved on a 429, then recovering); when the deadline or some keys' "
    "failures leave keys unmeasured, a key measured past -c is CRITICAL all the same, anything else UNKNOWN "
    "(never OK or WARNING on part of the account), the line ending 'U of M keys not measured: PREFIX "
    "(ErrorType: reason), ...' (M the keys listed; each is counted once: with a limit, not checked or not measured), "
    "with perfdata for the keys measured"
}
LABEL = "KEYS"
#: Percent thresholds: a key may overshoot its limit, but not by ten thousand percent in any useful check.
MAX_PERCENT = 10000.0
#: How many keys the status line names.
NAMED = 3
#: How many keys, worst first, get perfdata (the rest are counted in 'keys_not_in_perfdata').
PERFDATA_KEYS = 50
#: Percentages above this are printed as this (a limit of 1e-300 USD would print 300 digits).
MAX_SHOWN_PERCENT = 999999.9
#: Characters of a key's name and prefix the line shows.
NAME_CHARS, PREFIX_CHARS = 40, 20
#: Characters of an unmeasured key's failure reason the line shows.
REASON_CHARS = 80
_UNSAFE_LABEL = re.compile(r"[^A-Za-z0-9_.-]")
_PERIODS = {"day": "per day", "week": "per week", "month": "per month", "no_reset": "in total (no reset)"}
# Severity for "the worst key": UNKNOWN (3) outranks OK only, as in the plugin guidelines' service groups.
_SEVERITY = {0: 0, 3: 1, 1: 2, 2: 3}


THRESHOLD_OPTIONS = "-w/--warning-percent or -c/--critical-percent"
#: A key's percentage of its limit: a bare N is the guidelines' 0:N, "alert above N %".
PERCENT = threshold("a percentage", 0, MAX_PERCENT, bare_is_below=False)
RULES = (
    f"thresholds: {THRESHOLD_OPTIONS}, at least one, each alone or both, in the plugin guidelines' range "
    f"syntax ({SYNTAX}) of a key's percentage of its limit: a bare N (0:N, as the guidelines have it) alerts "
    "above N %, so a key at exactly N % is OK; ~:N likewise, N: below N, N:M outside, @N:M inside (ends "
    f"included); 0 to {MAX_PERCENT:g}. CRITICAL must be the stricter of the pair, alerting only where WARNING "
    "does, whatever the kinds of range (-w 95 -c 80 and -w 95 -c @0:80 are UNKNOWN; a percentage is never "
    "negative); perfdata writes each range in the guidelines' syntax, an absent one empty; a percentage has 1 "
    "decimal, more where one would put it on the other side of a threshold (6.24, not 6.2, against 6.2); "
    f"one above {MAX_SHOWN_PERCENT:g} % (a limit too small to divide by: infinite) is shown as {MAX_SHOWN_PERCENT:g} "
    "in the perfdata and as 'over' it in the line, judged as the true figure; U for a limit of 0."
)


STORE_RULES = (
    "--db URL: read the keys and their spend from the spend store (see sync) instead of the API: each period "
    "placed as of the store's last finished sync, its spend the stored request rows up to that moment (no "
    "monthly_usage cross-check: the store keeps no such figure); the line says 'from the store as of T'. "
    "--max-age SPAN with it: a store whose last finished sync began longer ago is UNKNOWN, never an old figure; "
    "a limit period (or the month) starting before the store's pruned cut-off (sync --keep) is UNKNOWN, the line "
    "naming the cut-off; a store that cannot be used (none yet, not a store, a newer schema) is UNKNOWN too. A "
    "prefix the syncs saw listed for several keys (the API tells them apart by nothing else) is UNKNOWN, 'shared "
    "by N keys': its spend is theirs together, and no one key's limit applies to it."
)


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    from .._store import add_db_option, add_max_age_option

    add_epilog(parser, RULES, before_exit_codes=True)
    add_epilog(parser, STORE_RULES, before_exit_codes=True)
    parser.add_argument(
        "-w",
        "--warning-percent",
        type=PERCENT,
        metavar="W",
        help="WARNING range of a key's percentage of its limit in the current period (W: above W %%)",
    )
    parser.add_argument(
        "-c",
        "--critical-percent",
        type=PERCENT,
        metavar="C",
        help="CRITICAL range of a key's percentage of its limit (stricter than W)",
    )
    add_db_option(parser)
    add_max_age_option(parser, "is UNKNOWN")


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    warning, critical = args.warning_percent, args.critical_percent
    problem = swapped(warning, critical, ("--warning-percent", "--critical-percent"), lowest=0)
    if warning is None and critical is None:
        problem = f"no threshold: give {THRESHOLD_OPTIONS}"
    if args.max_age is not None and args.db is None:
        problem = "--max-age needs --db (the API's figures are always current)"
    if problem:
        print(f"{LABEL} UNKNOWN - {problem}", file=out)
        return CHECK_UNKNOWN
    redact: Callable[[str], str] = str
    # A plugin's stderr stays empty: the open enums log each value they do not know (a retention
    # added later), which the status line already shows.
    enums = logging.getLogger("aimlapi_billing_client")
    propagate, silence = enums.propagate, logging.NullHandler()
    enums.propagate = False
    enums.addHandler(silence)
    try:
        if args.db is not None:
            state, line = _from_store(args, warning, critical)
        else:
            with client(args) as billing:
                redact = billing._redact
                report = billing.keys.budgets(partial=True)
            state, line = status(report, warning, critical, redact)
    except Exception as exc:  # a plugin never exits 1 or prints a traceback: UNKNOWN, whatever failed
        print(f"{LABEL} UNKNOWN - {failure_text(exc, redact)}", file=out)
        return CHECK_UNKNOWN
    finally:
        enums.removeHandler(silence)
        enums.propagate = propagate
    print(f"{LABEL} {CHECK_STATES[state]} - {line}", file=out)
    return state


def _from_store(args: argparse.Namespace, warning: Range | None, critical: Range | None) -> tuple[int, str]:
    """The state and line from the store (``--db``), the store's moment said in the line."""
    from ... import store

    with store.open_for_reading(args.db) as opened:
        as_of = store.fresh_as_of(opened, args.max_age)
        report = store.budgets(opened, as_of)
    state, line = status(report, warning, critical, str)
    message, bar, perfdata = line.partition(" | ")
    return state, f"{message}; from the store as of {as_of:%Y-%m-%dT%H:%M:%SZ}{bar}{perfdata}"


def key_state(budget: KeyBudget, warning: Range | None, critical: Range | None) -> int:
    if budget.shared_by is not None:
        return CHECK_UNKNOWN  # several keys' spend under one prefix: no key's figure to hold to a limit
    if budget.utilisation is None or budget.spend is None:
        return CHECK_UNKNOWN  # a limit period this version does not know
    if budget.threshold == 0:  # blocked on purpose: quiet while nothing is spent, critical once anything is
        return 0 if budget.spend == 0 else 2
    return range_state(budget.utilisation * 100, warning, critical)


def status(
    report: BudgetReport, warning: Range | None, critical: Range | None, redact: Callable[[str], str]
) -> tuple[int, str]:
    """The state and the output line (message, then ``|`` and the perfdata) for ``report``; server
    text passes through ``redact`` (the client's redaction of its key)."""
    from ...lib.budgets import identity

    # A prefix listed for several keys (the store's) is checked too: UNKNOWN, never silently skipped.
    checked = [budget for budget in report if not budget.disabled and (budget.limited or budget.shared_by)]
    states = {budget.prefix: key_state(budget, warning, critical) for budget in checked}
    state = max(states.values(), key=_SEVERITY.__getitem__, default=0)

    def who(budget: KeyBudget) -> str:
        prefix, key_name = identity(budget, redact)
        if report.only_own_key:
            prefix = "the caller's own key"
        prefix, key_name = plugin_text(prefix, PREFIX_CHARS), plugin_text(key_name, NAME_CHARS)
        return f"{prefix} ({key_name})" if key_name else prefix

    def where(budget: KeyBudget) -> str:
        if budget.shared_by is not None:  # only a store's budgets (the store extra is installed)
            from ...store import shared_text

            return f"{who(budget)} is {shared_text(budget.shared_by)}, whose spend cannot be told apart"
        assert budget.threshold is not None
        unknown = f"per {plugin_text(redact(budget.retention or ''), 20)} (a period this version does not know)"
        period = _PERIODS.get(budget.retention or "", unknown)
        limit = f"{_limit(budget.threshold)} {period}"
        if budget.utilisation is None or budget.spend is None:
            return f"{who(budget)}: a limit of {limit}, spend not measured"
        if budget.threshold == 0:
            return f"{who(budget)} spent {usd(budget.spend)} against a limit of {limit}"
        over = "over " if budget.utilisation * 100 > MAX_SHOWN_PERCENT else ""  # the perfdata shows the cap
        return f"{who(budget)} at {over}{_percent(budget.utilisation, warning, critical)}% of {limit}"

    worst = sorted(
        checked,
        key=lambda b: (-_SEVERITY[states[b.prefix]], -(b.utilisation if b.utilisation is not None else -1.0)),
    )
    skipped = len(report) - len(checked)
    over = [budget for budget in worst if states[budget.prefix] in (1, 2)]
    unmeasured = [budget for budget in worst if states[budget.prefix] == CHECK_UNKNOWN]
    if not checked and report.missing:  # nothing measured has a limit: the unmeasured keys may
        message = "no key measured has a spending limit" if len(report) else "no key could be measured"
    elif not checked:
        message = f"no enabled key has a spending limit ({_keys(len(report))})"
    elif over:
        message = f"{len(over)} of {_keys(len(checked), 'with a limit')} past a threshold: {_named(over, where)}"
    elif unmeasured:
        message = (
            f"{len(unmeasured)} of {_keys(len(checked), 'with a limit')} not measured: {_named(unmeasured, where)}"
        )
    else:
        message = f"{_keys(len(checked), 'with a limit')} {_within(warning or critical)}, the highest {where(worst[0])}"
    if over and unmeasured:
        message += f"; {_keys(len(unmeasured))} not measured: {_named(unmeasured, where)}"
    if skipped and (checked or report.missing):  # every key listed is counted once (the module's rule)
        message += f"; {_keys(skipped, 'disabled or without a limit')} not checked"
    if report.only_own_key:
        message += "; only the caller's own key was checked (a regular key cannot read the others)"
    mismatched = report.mismatched
    if mismatched:
        shown = _named(list(mismatched), lambda b: f"{who(b)} {_signed(b.month_difference)}")
        message += f"; monthly_usage differs from the usage total since the 1st (UTC) for {shown}"
    if report.missing:  # a part of the account: CRITICAL if a measured key is, otherwise never a verdict
        state = 2 if state == 2 else CHECK_UNKNOWN
        listed = len(report) + len(report.missing)
        names = missing_names(report.missing, lambda text: plugin_text(redact(text), REASON_CHARS))
        message += f"; {len(report.missing)} of {_keys(listed)} not measured: {names}"
    picked = {id(budget) for budget in worst[:PERFDATA_KEYS]}
    in_perfdata = [budget for budget in checked if id(budget) in picked]  # the worst, in the API's order
    if len(worst) > PERFDATA_KEYS:
        message += f"; perfdata for the worst {PERFDATA_KEYS}"
    used: set[str] = set()
    items = [_perfdata(budget, report.only_own_key, warning, critical, redact, used) for budget in in_perfdata]
    if len(worst) > PERFDATA_KEYS:
        items.append(f"'keys_not_in_perfdata'={len(worst) - PERFDATA_KEYS};;;0")
    perfdata = " ".join(items)
    return state, f"{message} | {perfdata}" if perfdata else message


def _perfdata(
    budget: KeyBudget,
    own: bool,
    warning: Range | None,
    critical: Range | None,
    redact: Callable[[str], str],
    used: set[str] | None = None,
) -> str:
    """``'<prefix>_pct'=72.5%;80;95;0``: the label from the prefix, reduced to characters no
    monitoring system's perfdata parser trips on (the caller's own key: ``own_key``), and made
    unique among the ``used`` labels (``_2``, ``_3``, ...)."""
    from ...lib.budgets import identity

    prefix, _ = identity(budget, redact)
    label = "own_key" if own or prefix != budget.prefix else _UNSAFE_LABEL.sub("_", prefix[:32])
    if used is not None:
        base, count = label, 1
        while label in used:
            count += 1
            label = f"{base}_{count}"
        used.add(label)
    ratio = budget.utilisation
    # "U": the guidelines' "cannot be determined": a period this version does not know, or a limit of 0.
    # An infinite ratio (a limit too small to divide by) shows the cap, as the line does.
    value = "U" if ratio is None or budget.threshold == 0 else f"{_percent(ratio, warning, critical)}%"
    return f"'{label}_pct'={value}{range_perfdata(warning, critical)};0"


def _within(shown: Range | None) -> str:
    """``within 80%`` for the usual "alert above N" threshold; otherwise no figure to quote."""
    if shown is not None and not shown.inside and shown.start <= 0 and shown.end != float("inf"):
        return f"within {threshold_text(shown.end)}%"
    return "within the thresholds"


def _percent(ratio: float, warning: Range | None, critical: Range | None) -> str:
    """One decimal, or more where one would put the key on the other side of a threshold (6.24 % against 6.2)."""
    return shown(ratio * 100, 1, MAX_SHOWN_PERCENT, warning, critical)


def _named(budgets: list[KeyBudget], where: Callable[[KeyBudget], str]) -> str:
    """The first :data:`NAMED` keys, described, and how many more."""
    more = f" and {len(budgets) - NAMED} more" if len(budgets) > NAMED else ""
    return ", ".join(where(budget) for budget in budgets[:NAMED]) + more


def _signed(amount: Decimal) -> str:
    return f"{fixed(amount, 2, sign=True)} USD"


def _limit(threshold: Decimal) -> str:
    """``2.00 USD``, or the limit's own digits below a cent (``0.005 USD``, never ``0.00 USD``); past
    nine places (a nano-dollar), in exponent form (``4.9E-324 USD``), not hundreds of zeros."""
    exponent = threshold.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) else 2
    if places > 9:
        return f"{threshold.normalize():E} USD"
    return f"{fixed(threshold, max(2, places))} USD"


def _keys(count: int, what: str = "") -> str:
    return f"{count} key{'' if count == 1 else 's'}" + (f" {what}" if what else "")
