"""the language a supporter picked with /language

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("chosen_language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.drop_column("chosen_language")
