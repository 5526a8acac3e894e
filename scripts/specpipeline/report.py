"""The repair report: one line per change the pipeline made to the vendor's input."""

from __future__ import annotations

from dataclasses import dataclass, field

from .pointer import as_fragment


@dataclass(frozen=True, order=True)
class Repair:
    file: str
    pointer: str
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule:<28} {self.file}#{as_fragment(self.pointer)}: {self.detail}"


@dataclass
class Report:
    repairs: list[Repair] = field(default_factory=list)

    def add(self, rule: str, file: str, pointer: str, detail: str) -> None:
        self.repairs.append(Repair(file=file, pointer=pointer, rule=rule, detail=detail))

    def rules_applied(self) -> set[str]:
        return {repair.rule for repair in self.repairs}

    def render(self) -> str:
        if not self.repairs:
            return "repair report: nothing to repair"
        lines = [f"repair report: {len(self.repairs)} repairs"]
        lines.extend(f"  {repair}" for repair in sorted(self.repairs))
        return "\n".join(lines)
