"""The assessment year as it runs: dated units, roll-call marks kept apart from their incidents'
time, one live roll-call deduction per venue, meeting and checkpoint, finalized periods and the
objection deadline.

Revision ID: 0005_assessment_year
Revises: 0004_frame_flags
Create Date: 2026-12-04 21:40:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa

from alembic import op
from app.db.types import UTCDateTime

revision: str = "0005_assessment_year"
down_revision: str | None = "0004_frame_flags"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE_ROLL_CALL = "voided_at IS NULL AND checkpoint IS NOT NULL"


def _void_duplicate_roll_calls() -> None:
    """Before the unique index: of several live roll-call incidents of one venue, meeting and
    checkpoint, the first stays and the others are voided (never deleted)."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT id, meeting_id, unit_id, checkpoint FROM incident "
            f"WHERE {LIVE_ROLL_CALL} AND meeting_id IS NOT NULL ORDER BY id"
        )
    ).all()
    seen: set[tuple[int, int, str]] = set()
    duplicates = []
    for id_, meeting_id, unit_id, checkpoint in rows:
        triple = (meeting_id, unit_id, checkpoint)
        if triple in seen:
            duplicates.append(id_)
        seen.add(triple)
    incident = sa.table(
        "incident",
        sa.column("id", sa.Integer()),
        sa.column("voided_at", UTCDateTime()),
        sa.column("voided_by", sa.String()),
        sa.column("void_reason", sa.String()),
    )
    now = datetime.now(UTC)
    for id_ in duplicates:
        bind.execute(
            incident.update()
            .where(incident.c.id == id_)
            .values(voided_at=now, voided_by="system", void_reason="同一会场同一点名环节的重复扣分")
        )


def upgrade() -> None:
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("established", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("abolished", sa.Date(), nullable=True))

    op.create_table(
        "unit_parent_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=False),
        sa.Column("from_day", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_unit_parent_change_unit_id_unit")
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["unit.id"], name=op.f("fk_unit_parent_change_parent_id_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_parent_change")),
        sa.UniqueConstraint(
            "unit_id", "from_day", name=op.f("uq_unit_parent_change_unit_id_from_day")
        ),
    )

    with op.batch_alter_table("period", schema=None) as batch_op:
        batch_op.add_column(sa.Column("objection_deadline", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("finalized_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("finalized_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("finalize_note", sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column("final_standings", sa.JSON(), nullable=True))

    _void_duplicate_roll_calls()
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(
            "uq_incident_live_roll_call",
            ["meeting_id", "unit_id", "checkpoint"],
            unique=True,
            sqlite_where=sa.text(LIVE_ROLL_CALL),
            postgresql_where=sa.text(LIVE_ROLL_CALL),
        )


def downgrade() -> None:
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index("uq_incident_live_roll_call")
    with op.batch_alter_table("period", schema=None) as batch_op:
        batch_op.drop_column("final_standings")
        batch_op.drop_column("finalize_note")
        batch_op.drop_column("finalized_by")
        batch_op.drop_column("finalized_at")
        batch_op.drop_column("objection_deadline")
    op.drop_table("unit_parent_change")
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_column("abolished")
        batch_op.drop_column("established")
