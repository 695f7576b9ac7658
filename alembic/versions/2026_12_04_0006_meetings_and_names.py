"""Meetings can be cancelled with a reason.

Revision ID: 0006_meetings_and_names
Revises: 0004_frame_flags
Create Date: 2026-12-04 21:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from app.db.types import UTCDateTime

revision: str = "0006_meetings_and_names"
down_revision: str | None = "0005_assessment_year"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("cancelled_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("cancelled_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("cancel_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("cancel_reason")
        batch.drop_column("cancelled_by")
        batch.drop_column("cancelled_at")
