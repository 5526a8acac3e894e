"""One module per endpoint family (billing, usage, keys, logs): its endpoint declarations and a
:class:`~aimlapi_billing._plan.Resource` whose methods are written once for both clients.

A resource imports the client for type checking only, and no other resource, nor ``lib``: what
combines resources is in ``lib`` (import-linter contracts in pyproject.toml). A resource module is
imported by its client accessor on first use (``billing.usage``), never here.
"""
