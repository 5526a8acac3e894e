"""The monitoring files shipped with the package: Prometheus alert rules and a Grafana dashboard.

They ship inside the package (``monitoring/``), so what ``aimlapi-billing monitoring rules``
prints always names the metrics this version exports.
"""

from __future__ import annotations

from importlib import resources

#: What ``monitoring`` prints: the packaged file for each subject.
ARTIFACTS = {"rules": "aimlapi-billing.rules.yml", "dashboard": "aimlapi-billing.dashboard.json"}


def artifact(subject: str) -> str:
    """The text of a shipped monitoring file: ``"rules"`` (Prometheus alert rules) or ``"dashboard"`` (Grafana)."""
    return resources.files("aimlapi_billing").joinpath("monitoring", ARTIFACTS[subject]).read_text(encoding="utf-8")
