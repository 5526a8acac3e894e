"""Tests of ``aimlapi_billing.metrics``, one file per module."""
