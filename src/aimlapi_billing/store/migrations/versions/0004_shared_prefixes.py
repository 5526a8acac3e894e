"""Keys that share a prefix: ``keys.shared_by``.

The API knows a key by its prefix alone (``/v1/keys`` lists keys, ``/v2/usage`` and ``/v2/logs``
take ``key_prefix``), so the rows of two keys listed with one prefix are stored, and summed, as one.
``shared_by`` is the most keys a sync has seen listed at once under the prefix (NULL: never more
than one); readers mark such a prefix instead of showing one key's name and limit as the whole.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("keys", sa.Column("shared_by", sa.Integer, nullable=True))


def downgrade() -> None:
    op.drop_column("keys", "shared_by")  # SQLite 3.35 and later drop a column in place
