"""A daily rollup of the request logs, so a month of a million rows is read as days, not rows.

``spend_daily`` holds, per key, model and UTC day (days since 1970), the sum of the rows' integer
nano-USD (``usd_nano``; rows whose amount is kept as text add 0: the readers add those from
``logs`` through the partial index ``logs_text``), the charged (succeeded) requests and the rows
(``row_count``; a day left with none is removed). The
database keeps it: triggers add each row inserted into ``logs`` and take back each row deleted
(retention), in the same transaction, so it can never disagree with the logs. The upgrade fills it
from the logs already stored.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# A day is 86400000000 microseconds; SQL's integer division gives a row's day.

# One expression per dialect: the day of a row, and its contribution.
_ADD = (
    "INSERT INTO spend_daily (key_id, model_id, day, usd_nano, requests, row_count) VALUES "
    "(NEW.key_id, NEW.model_id, NEW.created_us / 86400000000, COALESCE(NEW.usd_nano, 0), "
    "CASE WHEN NEW.status = 'succeeded' THEN 1 ELSE 0 END, 1) "
    "ON CONFLICT (key_id, model_id, day) DO UPDATE SET usd_nano = spend_daily.usd_nano + excluded.usd_nano, "
    "requests = spend_daily.requests + excluded.requests, row_count = spend_daily.row_count + excluded.row_count"
)
_TAKE_BACK = (
    "UPDATE spend_daily SET usd_nano = usd_nano - COALESCE(OLD.usd_nano, 0), "
    "requests = requests - CASE WHEN OLD.status = 'succeeded' THEN 1 ELSE 0 END, row_count = row_count - 1 "
    "WHERE key_id = OLD.key_id AND model_id = OLD.model_id AND day = OLD.created_us / 86400000000"
)
_EMPTY = (
    "DELETE FROM spend_daily WHERE key_id = OLD.key_id AND model_id = OLD.model_id "
    "AND day = OLD.created_us / 86400000000 AND row_count = 0"
)


def upgrade() -> None:
    op.create_table(
        "spend_daily",
        sa.Column("key_id", sa.Integer, sa.ForeignKey("keys.id"), primary_key=True),
        sa.Column("model_id", sa.Integer, sa.ForeignKey("models.id"), primary_key=True),
        sa.Column("day", sa.Integer, primary_key=True),
        sa.Column("usd_nano", sa.BigInteger, nullable=False),
        sa.Column("requests", sa.BigInteger, nullable=False),
        sa.Column("row_count", sa.BigInteger, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_index("spend_daily_day", "spend_daily", ["day"])
    op.create_index("logs_text", "logs", ["created_us"], sqlite_where=sa.text("usd_text IS NOT NULL"),
                    postgresql_where=sa.text("usd_text IS NOT NULL"))  # fmt: skip
    op.execute(
        "INSERT INTO spend_daily (key_id, model_id, day, usd_nano, requests, row_count) "
        "SELECT key_id, model_id, created_us / 86400000000, SUM(COALESCE(usd_nano, 0)), "
        "SUM(CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END), COUNT(*) "
        "FROM logs GROUP BY key_id, model_id, created_us / 86400000000"
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"CREATE TRIGGER logs_rollup_add AFTER INSERT ON logs BEGIN {_ADD}; END")
        op.execute(f"CREATE TRIGGER logs_rollup_take_back AFTER DELETE ON logs BEGIN {_TAKE_BACK}; {_EMPTY}; END")
        return
    op.execute(
        "CREATE FUNCTION logs_rollup() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP = 'INSERT' THEN {_ADD}; RETURN NEW; END IF; "
        f"{_TAKE_BACK}; {_EMPTY}; RETURN OLD; END $$"
    )
    op.execute("CREATE TRIGGER logs_rollup AFTER INSERT OR DELETE ON logs FOR EACH ROW EXECUTE FUNCTION logs_rollup()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER logs_rollup_add")
        op.execute("DROP TRIGGER logs_rollup_take_back")
    else:
        op.execute("DROP TRIGGER logs_rollup ON logs")
        op.execute("DROP FUNCTION logs_rollup()")
    op.drop_index("logs_text", "logs")
    op.drop_table("spend_daily")
