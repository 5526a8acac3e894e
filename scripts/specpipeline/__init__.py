"""The spec pipeline: the vendor's broken OpenAPI fragments in, one clean document and a client out.

Tooling only: nothing here ships in the distribution. Entry points live beside this package in
``scripts/``.
"""
