"""Alembic's environment for the store: the connection is the caller's (aimlapi_billing.store._db),
already holding the writer lock; the migrations run in its transaction."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
# render_as_batch: SQLite cannot ALTER most of a table; batch mode copies it, as Alembic documents.
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
