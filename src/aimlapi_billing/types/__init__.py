"""The SDK's own result records (the generated client's models are the rest): plain frozen
dataclasses, built by ``resources/`` and ``lib/`` and read by callers, the CLI and the exporter.

A leaf: these modules import nothing of this package but each other, and the generated models
for type checkers only (an import-linter contract in pyproject.toml says so). Each record is also
exported by ``aimlapi_billing`` itself, the name to use.
"""
