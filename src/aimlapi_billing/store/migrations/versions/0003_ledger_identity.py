"""A ledger entry known by its fixed fields: every stored entry's ``uid`` recomputed.

Until 0002 a ledger entry's ``uid`` was a digest of all its content, so an entry the API changed
inside the re-read window (a field added, ``reference_id`` filled in later) was stored a second
time. From 0003 it is a digest of the fixed fields only (``_values.ledger_identity``: moment,
direction, type, amount, credits, model) and the ordinal among identical entries; this upgrade
gives the entries already stored that identity, so the next sync knows them. Entries stored twice
before cannot be told from two identical charges, and are kept.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aimlapi_billing.store._values import content_digest, ledger_identity

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT ledger.id, ledger.created_us, ledger.direction, ledger.type, ledger.usd_nano, ledger.usd_text, "
            "ledger.credits, models.name FROM ledger LEFT JOIN models ON models.id = ledger.model_id "
            "ORDER BY ledger.id"
        )
    ).all()
    ordinals: dict[str, int] = {}
    uids = []
    for row_id, created, direction, entry_type, nano, text, credits, model in rows:
        identity = ledger_identity(created, direction, entry_type, nano, text, credits, model)
        ordinal = ordinals.get(identity, 0)
        ordinals[identity] = ordinal + 1
        uids.append({"id": row_id, "uid": content_digest(f"{identity}#{ordinal}")})
    if uids:
        # Through a prefix no digest has: a new uid never meets another row's old one in the unique index.
        bind.execute(sa.text("UPDATE ledger SET uid = 'old:' || uid"))
        bind.execute(sa.text("UPDATE ledger SET uid = :uid WHERE id = :id"), uids)


def downgrade() -> None:
    raise NotImplementedError("the old identities (digests of whole entries) cannot be recomputed from the store")
