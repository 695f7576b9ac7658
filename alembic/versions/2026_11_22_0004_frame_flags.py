"""Venue sources, reference frames and frame-check flags.

Revision ID: 0004_frame_flags
Revises: 0003_meeting_events
Create Date: 2026-11-22 07:41:41.067550
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from app.db.types import UTCDateTime

revision: str = "0004_frame_flags"
down_revision: str | None = "0003_meeting_events"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "venue_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=True),
        sa.Column("interval_seconds", sa.Float(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("reference_set_at", UTCDateTime(), nullable=True),
        sa.Column("reference_set_by", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_venue_source_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_source")),
        sa.UniqueConstraint("unit_id", name=op.f("uq_venue_source_unit_id")),
    )
    op.create_table(
        "frame_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("basis", sa.String(length=16), nullable=True),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.String(length=64), nullable=True),
        sa.Column("raised_at", UTCDateTime(), nullable=False),
        sa.Column("cleared_at", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name=op.f("fk_frame_flag_incident_id_incident")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_frame_flag_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_frame_flag_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frame_flag")),
    )
    with op.batch_alter_table("frame_flag", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_frame_flag_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(
            "ix_frame_flag_status_raised_at", ["status", "raised_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_frame_flag_unit_id"), ["unit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("frame_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_frame_flag_unit_id"))
        batch_op.drop_index("ix_frame_flag_status_raised_at")
        batch_op.drop_index(batch_op.f("ix_frame_flag_meeting_id"))

    op.drop_table("frame_flag")
    op.drop_table("venue_source")
