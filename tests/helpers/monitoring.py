"""The shipped dashboard's queries as PromQL, and what names a metric of ours."""

from __future__ import annotations

import re
from typing import Any

METRIC_NAME = re.compile(r"\baimlapi_[a-z0-9_]+\b")


#: Grafana's template variables, replaced by what they stand for so promtool can parse the expression.
GRAFANA_VARIABLES = {"$account": ".*", "$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}


def dashboard_expressions(dashboard: dict[str, Any]) -> list[str]:
    found = [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    assert found, "the dashboard has no queries"
    return found


def as_promql(expression: str) -> str:
    for variable, value in GRAFANA_VARIABLES.items():
        expression = expression.replace(variable, value)
    assert "$" not in expression, expression
    return expression
