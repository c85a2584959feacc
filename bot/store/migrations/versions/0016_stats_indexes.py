"""indexes that hold everything the stats count, so /stats and the dashboard never read letters'
wide rows; the (campaign, score) index no query uses any more goes

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-11 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_letter_campaign_target": ["campaign_id", "target_id", "demands", "sent_at"],
    "ix_letter_campaign_supporter": ["campaign_id", "supporter_id", "sent_at", "score"],
    "ix_letter_campaign_party": ["campaign_id", "party_id", "sent_at"],
}


def upgrade() -> None:
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_index("ix_letter_campaign_score")
        for name, columns in INDEXES.items():
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("letter", schema=None) as batch_op:
        for name in INDEXES:
            batch_op.drop_index(name)
        batch_op.create_index("ix_letter_campaign_score", ["campaign_id", "score"], unique=False)
