"""several campaigns: a supporter's source, referrer and updates opt-in belong to a campaign
(participation), and each supporter has a current campaign

Existing supporters join every campaign they drafted a letter in, or, with no draft, the
campaign the database served (the one its letters, drafts and broadcasts name most; before
this revision a bot served one campaign). Their source, referrer and opt-in go to each of
those campaigns, so nothing is lost; the supporter columns that held them are dropped.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The bundled campaign when this revision was written: the served campaign of a database
# that has no letters, drafts or broadcasts yet.
BUNDLED_CAMPAIGN = "lachin-2023"

_COPY = (
    "INSERT INTO participation (supporter_id, campaign_id, source, referrer_id, opted_in, "
    "offered_updates, joined_at) "
    "SELECT s.id, c.campaign_id, s.source, s.referrer_id, s.opted_in, s.offered_updates, "
    "s.created_at FROM supporter s JOIN ("
    "SELECT supporter_id, campaign_id FROM draft "
    "UNION SELECT supporter_id, campaign_id FROM letter WHERE supporter_id IS NOT NULL"
    ") c ON c.supporter_id = s.id"
)
_COPY_REST = (
    "INSERT INTO participation (supporter_id, campaign_id, source, referrer_id, opted_in, "
    "offered_updates, joined_at) "
    "SELECT s.id, :served, s.source, s.referrer_id, s.opted_in, s.offered_updates, s.created_at "
    "FROM supporter s WHERE NOT EXISTS "
    "(SELECT 1 FROM participation p WHERE p.supporter_id = s.id)"
)
_CURRENT = (
    "UPDATE supporter SET campaign_id = (SELECT d.campaign_id FROM draft d "
    "WHERE d.supporter_id = supporter.id ORDER BY d.id DESC LIMIT 1)"
)
_SERVED = (
    "SELECT campaign_id, COUNT(*) AS n FROM ("
    "SELECT campaign_id FROM letter UNION ALL SELECT campaign_id FROM draft "
    "UNION ALL SELECT campaign_id FROM broadcast) named "
    "GROUP BY campaign_id ORDER BY n DESC, campaign_id LIMIT 1"
)

# Back to one row per supporter: the source and referrer of their first campaign, opted in
# (and offered updates) if they were in any campaign.
_RESTORE = (
    "UPDATE supporter SET "
    "source = (SELECT p.source FROM participation p WHERE p.supporter_id = supporter.id "
    "ORDER BY p.id LIMIT 1), "
    "referrer_id = (SELECT p.referrer_id FROM participation p "
    "WHERE p.supporter_id = supporter.id ORDER BY p.id LIMIT 1), "
    "opted_in = EXISTS (SELECT 1 FROM participation p "
    "WHERE p.supporter_id = supporter.id AND p.opted_in), "
    "offered_updates = EXISTS (SELECT 1 FROM participation p "
    "WHERE p.supporter_id = supporter.id AND p.offered_updates)"
)


def upgrade() -> None:
    op.create_table(
        "participation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supporter_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("referrer_id", sa.Integer(), nullable=True),
        sa.Column("opted_in", sa.Boolean(), nullable=False),
        sa.Column("offered_updates", sa.Boolean(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["supporter_id"], ["supporter.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["referrer_id"], ["supporter.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("supporter_id", "campaign_id", name="uq_participation_once"),
    )
    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_participation_campaign_opted_in", ["campaign_id", "opted_in"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_participation_referrer_id"), ["referrer_id"], unique=False
        )
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("campaign_id", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True)
        )
    connection = op.get_bind()
    served = connection.execute(sa.text(_SERVED)).scalar() or BUNDLED_CAMPAIGN
    connection.execute(sa.text(_COPY))
    connection.execute(sa.text(_COPY_REST), {"served": served})
    connection.execute(sa.text(_CURRENT))
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supporter_source"))
        batch_op.drop_index(batch_op.f("ix_supporter_referrer_id"))
        batch_op.drop_index(batch_op.f("ix_supporter_opted_in"))
        batch_op.drop_column("source")
        batch_op.drop_column("referrer_id")
        batch_op.drop_column("opted_in")
        batch_op.drop_column("offered_updates")


def downgrade() -> None:
    """Back to one source, referrer and opt-in per supporter: the earliest campaign's, opted in
    if they were in any."""
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("referrer_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("opted_in", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("offered_updates", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(_RESTORE)
    with op.batch_alter_table("supporter", schema=None) as batch_op:
        batch_op.alter_column("opted_in", server_default=None)
        batch_op.alter_column("offered_updates", server_default=None)
        batch_op.create_index(batch_op.f("ix_supporter_source"), ["source"], unique=False)
        batch_op.create_index(batch_op.f("ix_supporter_referrer_id"), ["referrer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_supporter_opted_in"), ["opted_in"], unique=False)
        batch_op.drop_column("campaign_id")
    with op.batch_alter_table("participation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participation_referrer_id"))
        batch_op.drop_index("ix_participation_campaign_opted_in")
    op.drop_table("participation")
