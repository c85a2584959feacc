"""street for printed letters; letter scores no longer count characters

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("street", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True)
        )
        batch_op.add_column(
            sa.Column("street_asked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("addressing_letter_id", sa.Integer(), nullable=True))
    # The personalization score is now measured on word shingles (bot/letters/score.py), so
    # the count of the supporter's characters it used to be derived from goes.
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_column("personal_chars")


def downgrade() -> None:
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("personal_chars", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.drop_column("addressing_letter_id")
        batch_op.drop_column("street_asked")
        batch_op.drop_column("street")
