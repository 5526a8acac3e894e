"""Tests of ``aimlapi_billing.lib``, one file per module."""
