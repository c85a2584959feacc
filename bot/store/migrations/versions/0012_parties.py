"""letter-writing parties in group chats; drafts and letters remember their party

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("opened_by", sa.BigInteger(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("card_message_id", sa.Integer(), nullable=True),
        sa.Column("shown_written", sa.Integer(), nullable=False),
        sa.Column("shown_sent", sa.Integer(), nullable=False),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.create_index("ix_party_chat_id", ["chat_id"], unique=False)
        batch_op.create_index(
            "uq_party_open_per_chat",
            ["chat_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.add_column(sa.Column("party_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_draft_party_id_party", "party", ["party_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("party_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_letter_party_id"), ["party_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_letter_party_id_party", "party", ["party_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_constraint("fk_letter_party_id_party", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_letter_party_id"))
        batch_op.drop_column("party_id")
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_constraint("fk_draft_party_id_party", type_="foreignkey")
        batch_op.drop_column("party_id")
    op.drop_table("party")
