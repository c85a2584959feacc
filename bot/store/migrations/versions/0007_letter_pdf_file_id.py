"""the printable kit's PDF, uploaded once per letter and wording and re-sent by file_id

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty for existing letters: their next kit builds and uploads the PDF once, as before.
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pdf_file_id", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("pdf_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_column("pdf_key")
        batch_op.drop_column("pdf_file_id")
