"""The repaired spec the tests read (spec/openapi.json), loaded once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SPEC: dict[str, Any] = json.loads((ROOT / "spec" / "openapi.json").read_text(encoding="utf-8"))
