"""The report's HTML: one self-contained file, the charts inline, a table of exact figures under each.

Nothing is fetched when it is opened: no script, no font, no image, no stylesheet but the inline one
(the page's Content-Security-Policy says so too, for a reader that honours it). Every text from the
store (key prefixes and names, model and team names) goes through :func:`escape`: no control or bidi
character (:func:`._text.visible`), then :func:`html.escape`. Money cells
carry their exact decimal in ``data-usd`` (the ``report --json`` form), for a machine to read back.
"""

from __future__ import annotations

import datetime
import html
from decimal import Decimal

from ..store import Dashboard, shared_text
from ..store._dashboard import KeyLimit
from ..store._values import decimal_text
from . import _charts
from ._text import visible

_CSS = """
body { font: 10pt/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #222; max-width: 60em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 16pt; margin-bottom: 0.2em; } h2 { font-size: 12pt; margin-top: 1.8em; border-bottom: 1px solid #ccc; }
.meta { color: #555; } svg { max-width: 100%; height: auto; display: block; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 8.5pt; }
th, td { padding: 0.15em 0.6em; border-bottom: 1px solid #e4e4e4; text-align: left; vertical-align: top; }
td.usd, th.usd, td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 1px solid #888; }
.verdict { font-weight: bold; padding: 0.4em 0.8em; display: inline-block; border-radius: 3px; }
.agree { background: #e3f4e1; } .disagree, .cannot-compare { background: #fbe3e1; }
.name { overflow-wrap: anywhere; max-width: 24em; } .day { white-space: nowrap; }
section { break-inside: avoid-page; }
@page { size: A4; margin: 12mm; }
@media print { body { max-width: none; margin: 0; padding: 0; font-size: 9pt; } h2 { break-after: avoid; }
               table { break-inside: auto; } tr { break-inside: avoid; } }
"""
#: The balance table lists at most this many observations (the syncs may record one an hour).
BALANCE_ROWS = 24
#: The teams file maps a key by its prefix and its current name, not the name it had when it spent.
RENAMED_NOTE = (
    '<p class=meta id="renamed">Each key is in the team its rules give its <b>current</b> name (and prefix): '
    "a key renamed since moves all its spend in the window, the past included, to its new name's team.</p>"
)
#: A column header longer than this is cut (the whole name is its title, and in the legend).
HEADER_CHARS = 24
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def escape(text: str) -> str:
    """Any text in the page: the characters without a glyph replaced (a bidi override in a key's name
    would reorder the cells after it), then escaped for HTML (attributes included)."""
    return html.escape(visible(text))


def _shown(amount: Decimal) -> str:
    """The exact decimal for a reader: a thousands separator and at least two places, never rounded."""
    whole, _, fraction = decimal_text(amount).partition(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    return f"{sign}{int(digits):,}.{fraction.ljust(2, '0')}"


def _usd(amount: Decimal) -> str:
    """A money cell: shown for a reader, the exact decimal in ``data-usd``."""
    return f'<td class="usd" data-usd="{decimal_text(amount)}">{_shown(amount)}</td>'


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _head(name: str, numeric: bool) -> str:
    """A column's header: cut to HEADER_CHARS (a key's or team's name can be long), whole in its title."""
    shown = name if len(name) <= HEADER_CHARS else name[: HEADER_CHARS - 1] + "…"
    title = "" if shown == name else f' title="{escape(name)}"'
    return f"<th{' class=usd' if numeric else ''}{title}>{escape(shown)}</th>"


def _table(table_id: str, header: list[str], rows: list[str], numeric: int) -> str:
    heads = "".join(_head(name, index >= len(header) - numeric) for index, name in enumerate(header))
    return f'<table id="{table_id}"><thead><tr>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _daily(report: Dashboard) -> str:
    header = [report.bucket, *(share.name for share in report.groups), "total"]
    rows = []
    for day in report.days:
        cells = [report.daily.get((day, number), Decimal(0)) for number in range(len(report.groups))]
        total = sum(cells, Decimal(0))
        tds = "".join(
            _usd(amount).replace("<td ", f'<td data-group="{number}" ', 1) for number, amount in enumerate(cells)
        )
        rows.append(f'<tr data-day="{day.isoformat()}"><td class=day>{day.isoformat()}</td>{tds}{_usd(total)}</tr>')
    totals = "".join(_usd(share.spend) for share in report.groups)
    rows.append(f'<tr class="total"><td>total</td>{totals}{_usd(report.total)}</tr>')
    legend = "".join(
        f'<li data-group="{number}" data-other="{str(share.other).lower()}" data-members="{share.members}">'
        f'<span class="name">{escape(share.name)}</span></li>'
        for number, share in enumerate(report.groups)
    )
    table = f'<ol class="groups" hidden>{legend}</ol>' + _table("daily", header, rows, len(header) - 1)
    return table + (RENAMED_NOTE if report.by == "team" else "")


def _models(report: Dashboard) -> str:
    rows = [
        f'<tr data-model="{escape(share.name)}" data-other="{str(share.other).lower()}">'
        f'<td class="name">{escape(share.name)}</td>{_usd(share.spend)}<td class="n">{share.requests:,}</td></tr>'
        for share in report.models
    ]
    rows.append(f'<tr class="total"><td>total</td>{_usd(report.total)}<td class="n">{report.requests:,}</td></tr>')
    return _table("models", ["model", "USD", "requests"], rows, 2)


def _key_name(key: KeyLimit) -> str:
    """A key's name cell; a prefix listed for several keys is marked so (the row is their sum)."""
    if key.shared_by is None:
        return escape(key.name or "")
    return f'<span class="shared" data-shared-by="{key.shared_by}">{escape(shared_text(key.shared_by))}</span>'


def _limits(report: Dashboard) -> str:
    rows = []
    for key in report.keys:
        other = key.members > 1
        used = _charts.OVER_ZERO if key.over_zero else "" if key.used is None else f"{key.used * 100:.2f} %"
        limit = "<td></td>" if key.limit is None else _usd(key.limit)
        state = "disabled" if key.disabled else ""
        rows.append(
            f'<tr data-key="{escape(key.prefix)}" data-other="{str(other).lower()}">'
            f'<td class="name">{escape(key.prefix)}</td><td class="name">{_key_name(key)}</td>'
            f"<td>{escape(key.team or '')}</td>{_usd(key.spend)}{limit}<td>{escape(key.retention or '')}</td>"
            f'<td class="n">{used}</td><td>{state}</td></tr>'
        )
    header = ["key", "name", "team", "spent", "limit", "limit period", "window spend ÷ limit", ""]
    # The ratio is this window's spend over the key's limit, which resets each limit period: over a
    # window of another length it is no "share of the limit used" (check-keys computes that one).
    return _table("limits", header, rows, 0) + (
        "<p class=meta>“window spend ÷ limit” divides this window's spend by the key's current limit. A limit "
        "applies per its period (a day, a month…): unless the window is that period, this is not how much of "
        "the limit is used now; <code>aimlapi-billing check-keys</code> says that.</p>"
    )


def _sample(count: int) -> tuple[list[int], str]:
    """Which of ``count`` balance observations the table shows: all up to BALANCE_ROWS, else evenly
    spaced ones and the last (the chart draws them all); and a note saying so."""
    if count <= BALANCE_ROWS:
        return list(range(count)), ""
    step = -(-count // BALANCE_ROWS)
    shown = sorted({*range(0, count, step), count - 1})
    return (
        shown,
        f"<p class=meta>Every {_ordinal(step)} of the {count:,} balance observations is listed, and the last.</p>",
    )


def _ordinal(number: int) -> str:
    """2nd, 3rd, 4th, 11th, 21st, 112th."""
    suffix = "th" if number % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _balance(report: Dashboard) -> str:
    picked, note = _sample(len(report.balances))
    rows = [
        f'<tr data-kind="balance"><td>balance</td><td>{_iso(first)} to {_iso(last)}</td>{_usd(amount)}</tr>'
        for first, last, amount in (report.balances[index] for index in picked)
    ]
    rows += [
        f'<tr data-kind="topup"><td>top-up ({escape(kind)})</td><td>{_iso(at)}</td>{_usd(amount)}</tr>'
        for at, amount, kind in report.topups
    ]
    table = _table("balance", ["", "when", "USD"], rows, 1) + note
    runway = report.runway
    if runway is None:
        return table + "<p>No balance is stored: the runway needs one (each <code>sync</code> records it).</p>"
    if runway.days is None and not report.complete:
        projection = "nothing stored was spent, but the store's last sync ends before the window: no runway is known."
    elif runway.days is None:
        projection = "nothing was spent, so the balance lasts indefinitely at this rate."
    else:
        when = "beyond the calendar" if runway.depletion_at is None else _iso(runway.depletion_at)
        projection = f'it lasts <b data-runway-days="{runway.days}">{runway.days:.1f} days</b>, until {when}.'
    return table + (
        f"<p>At {_iso(runway.as_of)} the balance was <b>{_shown(runway.balance)} USD</b>. "
        f"The ledger's charges over the last {runway.days_covered:.1f} days of the window ({decimal_text(runway.spend)}"
        f" USD) are {runway.burn_per_day:.2f} USD a day; at that rate {projection} Top-ups not yet made "
        "(auto top-up included) are not counted.</p>"
    )


STALE_VERDICT = " the window reaches past the store's last finished sync: nothing after it is stored"


def _synced(report: Dashboard) -> str:
    """The line under the title: how far the store's figures reach, and a warning when not the whole window."""
    if report.synced is None:
        return (
            '<p class="verdict disagree" id="synced" data-synced="">No sync of this store has finished: '
            "its figures may be partial or none (run <code>aimlapi-billing sync</code>).</p>"
        )
    at = _iso(report.synced)
    reached = f'The store\'s last finished sync began <b id="synced" data-synced="{at}">{at}</b>'
    if report.complete:
        return f"<p class=meta>{reached}.</p>"
    return (
        f'<p class="verdict disagree">{reached}: spend after it is not in this page (run '
        "<code>aimlapi-billing sync</code>).</p>"
    )


def _agreement(report: Dashboard) -> str:
    check = report.agreement
    # Past the last finished sync the store holds nothing: "agree" there would be a verdict on no data;
    # a difference in what it holds is a disagreement all the same, the unsynced tail said beside it.
    verdict = "disagree" if not check.agree else "agree" if report.complete else "cannot compare"
    said = verdict if report.complete else f"{verdict} in what the store holds;" if not check.agree else verdict + ":"
    days = (
        "the usage of whole UTC days only: none in this window, so the request rows stand in for it"
        if check.usage_first_day is None
        else f"usage over the whole UTC days {check.usage_first_day} to {check.usage_last_day}"
    )
    rows = [
        f'<tr data-record="ledger"><td>ledger: model-usage charges</td>{_usd(check.ledger)}</tr>',
        f'<tr data-record="logs"><td>request logs: costed rows</td>{_usd(check.logs)}</tr>',
        f'<tr data-record="usage"><td>usage totals ({escape(days)})</td>{_usd(check.usage)}</tr>',
        f'<tr data-record="logs_of_usage_days"><td>request logs of those days</td>'
        f"{_usd(check.logs_of_usage_days)}</tr>",
    ]
    counts = (
        f'<ul><li>charges billing no request of the window: <b data-count="only_in_ledger">{check.only_in_ledger}</b>'
        f'</li><li>costed requests without a charge: <b data-count="only_in_logs">{check.only_in_logs}</b></li>'
        f"<li>requests charged another amount (by {decimal_text(check.tolerance)} USD or more): "
        f'<b data-count="differing">{check.differing}</b></li></ul>'
    )
    return (
        f'<p class="verdict {verdict.replace(" ", "-")}" data-verdict="{verdict}">The ledger, the logs and the '
        f"usage {said if report.complete else said + STALE_VERDICT}.</p>"
        + _table("agreement", ["record", "USD"], rows, 1)
        + counts
        + "<p class=meta>Compared as <code>reconcile</code> compares them, over what the store holds: "
        f"each charge by its request's id, pairs and totals within {decimal_text(check.tolerance)} USD; a charge "
        "made up to 15 minutes after the window's end counts. A row the store never synced cannot be compared: "
        "<code>reconcile</code> asks the API itself.</p>"
    )


def render(report: Dashboard, generated: datetime.datetime) -> str:
    """The whole page for ``report``."""
    grouping = "team" if report.by == "team" else "key"
    sections = [
        (f"Spend per {report.bucket}, by {grouping}", _charts.daily(report), _daily(report)),
        ("Spend by model", _charts.models(report), _models(report)),
        ("Each key's spend against its limit", _charts.limits(report), _limits(report)),
        ("Balance, top-ups and runway", _charts.balance(report), _balance(report)),
        ("Do the ledger, the logs and the usage agree?", "", _agreement(report)),
    ]
    body = "".join(
        f'<section id="s{number}"><h2>{escape(title)}</h2>{chart}{table}</section>'
        for number, (title, chart, table) in enumerate(sections)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>AI/ML API spend {_iso(report.start)} to {_iso(report.end)}</title><style>{_CSS}</style></head><body>"
        f"<h1>AI/ML API spend</h1><p class=meta>From {_iso(report.start)} to {_iso(report.end)} (UTC, end excluded), "
        f"from the spend store; made {_iso(generated)}. All amounts in USD.</p>{_synced(report)}"
        f'<p>Total spend: <b id="total" data-usd="{decimal_text(report.total)}">{_shown(report.total)}'
        f' USD</b> over <b id="requests">{report.requests:,}</b> charged requests.</p>{body}</body></html>\n'
    )
