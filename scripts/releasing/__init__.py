"""Building and publishing the distribution (tooling only; nothing here ships).

Entry point: ``scripts/publish.py``.
"""
