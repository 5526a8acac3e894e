"""Spend by team: a :class:`SpendReport` by key regrouped by the teams a teams file maps keys to.

Every key lands in one team (:data:`~aimlapi_billing.teams.UNMAPPED` when no rule maps it), so the
teams' rows add up to the report's total exactly.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from ..teams import Teams
from ._db import Store
from ._report import SpendReport, SpendRow
from ._values import exact_sum

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def key_names(store: Store) -> dict[str, str | None]:
    """Each stored key's current name (None: unnamed, or a prefix shared by several keys), by prefix."""
    with store.connect() as connection:
        return names_of(connection)


def names_of(connection: Connection) -> dict[str, str | None]:
    """:func:`key_names` on an open connection."""
    from sqlalchemy import text

    # The newest version: a key deleted since (its versions closed) keeps the name it last had. A
    # prefix listed for several keys has no one name: one key's would map (and show) all their spend.
    sql = (
        "SELECT k.prefix, v.name, k.shared_by FROM keys k LEFT JOIN key_versions v ON v.key_id = k.id AND "
        "v.valid_from_us = (SELECT MAX(valid_from_us) FROM key_versions WHERE key_id = k.id)"
    )
    return {
        str(prefix): None if name is None or (shared or 0) > 1 else str(name)
        for prefix, name, shared in connection.execute(text(sql))
    }


def by_team(report: SpendReport, teams: Teams, names: dict[str, str | None], *, keep_key: bool) -> SpendReport:
    """``report`` (grouped by key, maybe also model and day) with a team on each row, rows of one
    (day, team, model) added up unless ``keep_key``; ordered by day, team, key, model."""
    if "key" not in report.by:
        raise ValueError("regrouping by team needs a report grouped by key")
    sums: dict[tuple[object, ...], list[Decimal]] = {}
    counts: dict[tuple[object, ...], int] = {}
    first: dict[tuple[object, ...], SpendRow] = {}
    for row in report.rows:
        assert row.key_prefix is not None
        team = teams.team_of(row.key_prefix, names.get(row.key_prefix))
        group = (row.day, team, row.key_prefix if keep_key else None, row.model)
        sums.setdefault(group, []).append(row.spend)
        counts[group] = counts.get(group, 0) + row.requests
        first.setdefault(group, row)

    def order(group: tuple[object, ...]) -> tuple[str, ...]:
        return tuple("" if part is None else str(part) for part in group)

    rows = tuple(
        replace(
            first[group],
            team=str(group[1]),
            key_prefix=first[group].key_prefix if keep_key else None,
            shared_by=first[group].shared_by if keep_key else None,
            spend=exact_sum(sums[group]),
            requests=counts[group],
        )
        for group in sorted(sums, key=order)
    )
    by = tuple(
        name
        for name in ("day", "team", "key", "model")
        if name == "team" or (name in report.by and (name != "key" or keep_key))
    )
    return SpendReport(report.start, report.end, by, exact_sum(row.spend for row in rows), rows)
