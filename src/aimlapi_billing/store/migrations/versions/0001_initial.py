"""The first schema: dictionaries of keys and models, the ledger, request logs, daily usage, key
versions, balance observations, and the sync's own state.

Money is ``*_nano`` (integer nano-USD) when exact, else ``*_text`` (the exact decimal), never both;
moments are integer microseconds since 1970 UTC (``*_us``); days are ``YYYY-MM-DD`` (UTC).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# SQLite's rowid alias must be exactly INTEGER PRIMARY KEY (no separate column, no extra index).
ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _money(prefix: str) -> list[sa.Column[object]]:
    return [sa.Column(f"{prefix}_nano", sa.BigInteger), sa.Column(f"{prefix}_text", sa.Text)]


def upgrade() -> None:
    op.create_table(
        "keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("prefix", sa.Text, nullable=False, unique=True),
    )
    op.create_table(
        "models",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
    )
    # One row per value a key held: valid_from (the API's updated_at of that value) until valid_to.
    op.create_table(
        "key_versions",
        sa.Column("key_id", sa.Integer, sa.ForeignKey("keys.id"), primary_key=True),
        sa.Column("valid_from_us", sa.BigInteger, primary_key=True),
        sa.Column("valid_to_us", sa.BigInteger),
        sa.Column("created_us", sa.BigInteger, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("disabled", sa.Boolean, nullable=False),
        sa.Column("scopes", sa.Text),  # a JSON array of the key's scopes; NULL: every scope
        sa.Column("limit_threshold", sa.Text),  # the exact decimal USD; NULL: no limit
        sa.Column("limit_retention", sa.Text),
    )
    op.create_table(
        "ledger",
        sa.Column("id", ROW_ID, primary_key=True),
        sa.Column("uid", sa.Text, nullable=False, unique=True),  # a digest of the entry and its ordinal
        sa.Column("created_us", sa.BigInteger, nullable=False, index=True),
        sa.Column("direction", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        *_money("usd"),
        sa.Column("credits", sa.BigInteger, nullable=False),
        sa.Column("model_id", sa.Integer, sa.ForeignKey("models.id")),
        sa.Column("reference_id", sa.Text),
    )
    op.create_table(
        "logs",
        sa.Column("id", ROW_ID, primary_key=True),
        sa.Column("key_id", sa.Integer, sa.ForeignKey("keys.id"), nullable=False),
        # The inference_id, or for a row without one "row:" and a digest of its content.
        sa.Column("uid", sa.Text, nullable=False),
        sa.Column("created_us", sa.BigInteger, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("model_id", sa.Integer, sa.ForeignKey("models.id"), nullable=False),
        *_money("usd"),
        sa.Column("credits", sa.BigInteger, nullable=False),
        sa.Column("tokens_in", sa.BigInteger, nullable=False),
        sa.Column("tokens_out", sa.BigInteger, nullable=False),
        sa.Column("tokens_total", sa.BigInteger, nullable=False),
        sa.Column("request_id", sa.Text),
        sa.Column("client_request_id", sa.Text),
        sa.UniqueConstraint("key_id", "uid", name="logs_identity"),
    )
    op.create_index("logs_created", "logs", ["created_us"])
    op.create_table(
        "usage_daily",
        sa.Column("key_id", sa.Integer, sa.ForeignKey("keys.id"), primary_key=True),
        sa.Column("day", sa.Text, primary_key=True),
        sa.Column("model_id", sa.Integer, sa.ForeignKey("models.id"), primary_key=True),
        *_money("spend"),
        sa.Column("requests_total", sa.BigInteger, nullable=False),
        sa.Column("requests_charged", sa.BigInteger, nullable=False),
        sa.Column("requests_failed", sa.BigInteger, nullable=False),
        sa.Column("tokens_in", sa.BigInteger, nullable=False),
        sa.Column("tokens_out", sa.BigInteger, nullable=False),
        sa.Column("tokens_total", sa.BigInteger, nullable=False),
    )
    # The balance: one row per value, observed from the first sync that saw it to the last.
    op.create_table(
        "balances",
        sa.Column("observed_from_us", sa.BigInteger, primary_key=True),
        sa.Column("observed_to_us", sa.BigInteger, nullable=False),
        *_money("usd"),
    )
    # Per record (ledger, logs, usage) and scope (a key prefix; "" for the account): everything
    # before high_water_us has been read; walk_* is a walk under way (newest first) and how far down it got.
    op.create_table(
        "sync_state",
        sa.Column("record", sa.Text, primary_key=True),
        sa.Column("scope", sa.Text, primary_key=True),
        sa.Column("high_water_us", sa.BigInteger),
        sa.Column("walk_low_us", sa.BigInteger),
        sa.Column("walk_high_us", sa.BigInteger),
        sa.Column("walk_down_to_us", sa.BigInteger),
    )
    op.create_table(
        "sync_runs",
        sa.Column("id", ROW_ID, primary_key=True),
        sa.Column("started_us", sa.BigInteger, nullable=False),
        sa.Column("finished_us", sa.BigInteger),
        sa.Column("rows_added", sa.BigInteger, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    for table in ("sync_runs", "sync_state", "balances", "usage_daily", "logs", "ledger", "key_versions"):
        op.drop_table(table)
    op.drop_table("models")
    op.drop_table("keys")
