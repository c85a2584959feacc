"""broadcast claims belong to an instance under a lease; "sending" deliveries are "attempted"

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("broadcast_delivery", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    # A claim of the old kind ("sending") may have been sent: it is an attempt with no lease,
    # which the next claim records as unknown, never a second send.
    op.execute("UPDATE broadcast_delivery SET status = 'attempted' WHERE status = 'sending'")


def downgrade() -> None:
    op.execute(
        "UPDATE broadcast_delivery SET status = 'sending' WHERE status IN ('claimed', 'attempted')"
    )
    with op.batch_alter_table("broadcast_delivery", schema=None) as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("claimed_by")
