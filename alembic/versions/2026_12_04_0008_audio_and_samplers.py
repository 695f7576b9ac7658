"""Audio state per venue, audio clips on flags, sampler leases and source status periods.

Revision ID: 0008_audio_and_samplers
Revises: 0004_frame_flags
Create Date: 2026-12-04 21:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from app.db.types import UTCDateTime

revision: str = "0008_audio_and_samplers"
down_revision: str | None = "0007_login_limits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("venue_source", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("audio_state", sa.String(length=16), nullable=False, server_default="muted")
        )
        batch_op.add_column(sa.Column("audio_state_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("audio_state_by", sa.String(length=64), nullable=True))
    with op.batch_alter_table("frame_flag", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clip", sa.String(length=64), nullable=True))
    op.create_table(
        "sampler_lease",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("sampler", sa.String(length=128), nullable=True),
        sa.Column("acquired_at", UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_sampler_lease_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_sampler_lease")),
    )
    op.create_table(
        "sampler_heartbeat",
        sa.Column("sampler", sa.String(length=128), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sampler", name=op.f("pk_sampler_heartbeat")),
    )
    op.create_table(
        "venue_status_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("detail", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_venue_status_period_unit_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venue_status_period")),
    )
    with op.batch_alter_table("venue_status_period", schema=None) as batch_op:
        batch_op.create_index(
            "ix_venue_status_period_unit_started", ["unit_id", "started_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("venue_status_period", schema=None) as batch_op:
        batch_op.drop_index("ix_venue_status_period_unit_started")
    op.drop_table("venue_status_period")
    op.drop_table("sampler_heartbeat")
    op.drop_table("sampler_lease")
    with op.batch_alter_table("frame_flag", schema=None) as batch_op:
        batch_op.drop_column("clip")
    with op.batch_alter_table("venue_source", schema=None) as batch_op:
        batch_op.drop_column("audio_state_by")
        batch_op.drop_column("audio_state_at")
        batch_op.drop_column("audio_state")
