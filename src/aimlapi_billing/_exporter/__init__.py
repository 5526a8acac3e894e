"""The exporter's parts that need no prometheus_client: its config file (``config``) and its HTTP
server (``server``). The CLI reads their limits for ``--help`` and checks its options with them
before ``aimlapi_billing.metrics``, which needs the optional extra, is imported."""
