"""Tests of the CLI package, one file per module of ``aimlapi_billing._cli``."""
