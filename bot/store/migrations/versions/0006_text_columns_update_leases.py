"""letter demands and variant unbounded; handled updates and per-supporter leases

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # VARCHAR(255) failed on PostgreSQL at a supporter's last step for a campaign with many
    # demands (SQLite never enforced the length).
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.alter_column("demands", type_=sa.Text(), existing_nullable=False)
        batch_op.alter_column("variant", type_=sa.Text(), existing_nullable=False)
    op.create_table(
        "handled_update",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("update_id"),
    )
    op.create_index("ix_handled_update_handled_at", "handled_update", ["handled_at"])
    op.create_table(
        "chat_lease",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )


def downgrade() -> None:
    op.drop_table("chat_lease")
    op.drop_index("ix_handled_update_handled_at", table_name="handled_update")
    op.drop_table("handled_update")
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.alter_column("variant", type_=sa.String(length=128), existing_nullable=False)
        batch_op.alter_column("demands", type_=sa.String(length=255), existing_nullable=False)
