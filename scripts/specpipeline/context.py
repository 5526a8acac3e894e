"""What a repair rule is told besides the document: which file it is in, and where to report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .lift import LiftTable
from .report import Report


@dataclass
class RepairContext:
    file: str
    report: Report
    editorial: dict[str, Any] = field(default_factory=dict)
    # The bearer scheme every operation is secured with: (name, scheme object).
    bearer_scheme: tuple[str, dict[str, Any]] | None = None
    # Inline schemas lifted so far, named once every fragment is read (see specpipeline.lift).
    lifts: LiftTable = field(default_factory=LiftTable)
    # Vendor operationIds more than one operation carries: a copy-paste, so none of them is used.
    shared_ids: frozenset[str] = frozenset()
    # Each operationId and the operations that would take it (see enrich.operation_id_claims).
    id_claims: dict[str, frozenset[str]] = field(default_factory=dict)

    def record(self, rule: str, at: str, detail: str) -> None:
        self.report.add(rule, self.file, at, detail)
