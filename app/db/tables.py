"""Tables. The schema itself is made only by the Alembic migrations; these models must agree."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from app.db.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)


def moment(*, nullable: bool = False, index: bool = False) -> Any:
    column: Column[datetime] = Column(UTCDateTime(), nullable=nullable, index=index)
    return Field(default=None, sa_column=column) if nullable else Field(sa_column=column)


def reference(target: str, *, nullable: bool = False, index: bool = True) -> Any:
    column = Column(Integer, ForeignKey(target), nullable=nullable, index=index)
    return Field(default=None, sa_column=column) if nullable else Field(sa_column=column)


def json_column(*, nullable: bool = False) -> Any:
    return Field(sa_column=Column(JSON, nullable=nullable))


class Unit(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(6), nullable=False, unique=True))
    name: str = Field(max_length=64)
    level: str = Field(max_length=8)
    # The parent from the unit's beginning; later parents are dated in `unit_parent_change`.
    parent_id: int | None = reference("unit.id", nullable=True)
    # Asia/Shanghai days: the unit exists from `established` 00:00 up to `abolished` 00:00.
    established: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    abolished: date | None = Field(default=None, sa_column=Column(Date, nullable=True))


class UnitParentChange(SQLModel, table=True):
    """From `from_day` 00:00 (Asia/Shanghai) on, the unit belongs to `parent_id`."""

    __tablename__ = "unit_parent_change"
    __table_args__ = (UniqueConstraint("unit_id", "from_day"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = reference("unit.id", index=False)
    parent_id: int = reference("unit.id", index=False)
    from_day: date = Field(sa_column=Column(Date, nullable=False))
    recorded_by: str | None = Field(default=None, max_length=64)
    recorded_at: datetime = moment()


class Period(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    year: int = Field(sa_column=Column(Integer, nullable=False, unique=True))
    edition: str = Field(max_length=16)
    # The last day (Asia/Shanghai) objections may be filed; None: 31 January of the next year.
    objection_deadline: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    finalized_at: datetime | None = moment(nullable=True)
    finalized_by: str | None = Field(default=None, max_length=64)
    finalize_note: str | None = Field(default=None, max_length=2000)
    # The standings as they stood when the year was finalized (the API's JSON).
    final_standings: dict[str, Any] | None = json_column(nullable=True)


class Meeting(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    title: str = Field(max_length=200)
    starts_at: datetime = moment(index=True)
    created_at: datetime = moment()
    # The sequence number of the meeting's newest event.
    last_seq: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # A cancelled meeting is kept (its history stays) but leaves the console's list.
    cancelled_at: datetime | None = moment(nullable=True)
    cancelled_by: str | None = Field(default=None, max_length=64)
    cancel_reason: str | None = Field(default=None, max_length=500)


LIVE_ROLL_CALL = "voided_at IS NULL AND checkpoint IS NOT NULL"


class Incident(SQLModel, table=True):
    __table_args__ = (
        Index("ix_incident_scoring", "period_id", "unit_id", "type_code", "at", "voided_at"),
        Index("ix_incident_unit_at", "unit_id", "at"),
        # One live roll-call deduction per venue, meeting and checkpoint, whatever the path.
        Index(
            "uq_incident_live_roll_call",
            "meeting_id",
            "unit_id",
            "checkpoint",
            unique=True,
            sqlite_where=text(LIVE_ROLL_CALL),
            postgresql_where=text(LIVE_ROLL_CALL),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_column=Column(String(128), nullable=False, unique=True))
    request_digest: str = Field(max_length=64)
    period_id: int = reference("period.id", index=False)
    unit_id: int = reference("unit.id", index=False)
    type_code: str = Field(max_length=64)
    item_code: str = Field(max_length=64)
    meeting_id: int | None = reference("meeting.id", nullable=True)
    checkpoint: str | None = Field(default=None, max_length=16)
    at: datetime = moment()
    note: str | None = Field(default=None, max_length=2000)
    source: str = Field(max_length=32)
    evidence: str | None = Field(default=None, max_length=128)
    logged_by: str | None = Field(default=None, max_length=64)
    logged_at: datetime = moment()
    voided_at: datetime | None = moment(nullable=True)
    voided_by: str | None = Field(default=None, max_length=64)
    void_reason: str | None = Field(default=None, max_length=500)


class RollCallMark(SQLModel, table=True):
    """The live mark of one venue at one checkpoint of a meeting."""

    __tablename__ = "roll_call_mark"
    __table_args__ = (UniqueConstraint("meeting_id", "unit_id", "checkpoint"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = reference("meeting.id", index=False)
    unit_id: int = reference("unit.id")
    checkpoint: str = Field(max_length=16)
    status: str = Field(max_length=16)
    reason: str | None = Field(default=None, max_length=500)
    incident_id: int | None = reference("incident.id", nullable=True, index=False)
    marked_by: str | None = Field(default=None, max_length=64)
    marked_at: datetime = moment()


class RoomRecord(SQLModel, table=True):
    """One entry of a unit's room register: the whole state of that room from `at` on."""

    __tablename__ = "room_record"
    __table_args__ = (Index("ix_room_record_unit_at", "unit_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = reference("unit.id", index=False)
    name: str = Field(max_length=100)
    at: datetime = moment()
    hd_display: bool = False
    audio: bool = False
    cabling: bool = False
    removed: bool = False
    details: dict[str, Any] = json_column()
    source: str = Field(max_length=32)
    recorded_by: str | None = Field(default=None, max_length=64)
    recorded_at: datetime = moment()


class StaffingRecord(SQLModel, table=True):
    """A unit's whole list of leaders and staff from `at` on."""

    __tablename__ = "staffing_record"
    __table_args__ = (Index("ix_staffing_record_unit_at", "unit_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = reference("unit.id", index=False)
    at: datetime = moment()
    leaders: list[dict[str, Any]] = json_column()
    staff: list[dict[str, Any]] = json_column()
    recorded_by: str | None = Field(default=None, max_length=64)
    recorded_at: datetime = moment()


class Objection(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = reference("incident.id")
    reason: str = Field(max_length=2000)
    status: str = Field(default="open", max_length=16, index=True)
    filed_by: str | None = Field(default=None, max_length=64)
    filed_at: datetime = moment()
    ruled_by: str | None = Field(default=None, max_length=64)
    ruled_at: datetime | None = moment(nullable=True)
    ruling: str | None = Field(default=None, max_length=2000)


class AuditEntry(SQLModel, table=True):
    """Append-only: who did what, when, from where, with the record before and after."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = moment(index=True)
    actor: str | None = Field(default=None, max_length=64, index=True)
    address: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=64, index=True)
    entity: str = Field(max_length=32)
    entity_key: str | None = Field(default=None, max_length=128)
    before: dict[str, Any] | None = json_column(nullable=True)
    after: dict[str, Any] | None = json_column(nullable=True)


class Account(SQLModel, table=True):
    """A person who logs in; a `county_it` account is bound to one unit."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    display_name: str = Field(max_length=100)
    role: str = Field(max_length=16)
    unit_id: int | None = reference("unit.id", nullable=True)
    password_hash: str = Field(max_length=255)
    disabled: bool = False
    created_at: datetime = moment()
    updated_at: datetime = moment()


class LoginSession(SQLModel, table=True):
    """A server-side session; the cookie holds a random token, the table only its hash."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    csrf_token: str = Field(max_length=64)
    account_id: int = reference("account.id")
    address: str | None = Field(default=None, max_length=64)
    created_at: datetime = moment()
    last_seen_at: datetime = moment()
    expires_at: datetime = moment()
    ended_at: datetime | None = moment(nullable=True)


class LoginLimit(SQLModel, table=True):
    """Failed logins of one source in its current window, counted before the password is checked.

    `key` names the source: an address, an address trying one account, or one account from
    anywhere (see `app.services.login_limits`)."""

    __tablename__ = "login_limit"

    key: str = Field(sa_column=Column(String(160), primary_key=True))
    window_started_at: datetime = moment()
    attempts: int = Field(sa_column=Column(Integer, nullable=False))


class MeetingEvent(SQLModel, table=True):
    """A write that concerns a meeting, numbered without gaps within the meeting."""

    __tablename__ = "meeting_event"
    __table_args__ = (UniqueConstraint("meeting_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = reference("meeting.id", index=False)
    seq: int
    kind: str = Field(max_length=32)
    at: datetime = moment()
    actor: str | None = Field(default=None, max_length=64)
    data: dict[str, Any] = json_column()


class VenueSource(SQLModel, table=True):
    """Where a venue's picture is sampled from, its reference frame and its last known state."""

    __tablename__ = "venue_source"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(
        sa_column=Column(Integer, ForeignKey("unit.id"), nullable=False, unique=True)
    )
    url: str | None = Field(default=None, max_length=1000)
    interval_seconds: float = 2.0
    enabled: bool = True
    thresholds: dict[str, Any] = json_column()
    reference: str | None = Field(default=None, max_length=64)
    reference_set_at: datetime | None = moment(nullable=True)
    reference_set_by: str | None = Field(default=None, max_length=64)
    status: str = Field(default="unknown", max_length=16)
    status_at: datetime | None = moment(nullable=True)
    # 静音收听 / 发言 / 调试: what the venue's sound is judged against (set from the console).
    audio_state: str = Field(
        default="muted", max_length=16, sa_column_kwargs={"server_default": "muted"}
    )
    audio_state_at: datetime | None = moment(nullable=True)
    audio_state_by: str | None = Field(default=None, max_length=64)


class FrameFlag(SQLModel, table=True):
    """A frame-check suggestion; it deducts nothing until a controller confirms it."""

    __tablename__ = "frame_flag"
    __table_args__ = (Index("ix_frame_flag_status_raised_at", "status", "raised_at"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = reference("unit.id")
    meeting_id: int | None = reference("meeting.id", nullable=True)
    kind: str = Field(max_length=16)
    basis: str | None = Field(default=None, max_length=16)
    metrics: dict[str, Any] = json_column()
    snapshot: str | None = Field(default=None, max_length=64)
    clip: str | None = Field(default=None, max_length=64)
    raised_at: datetime = moment()
    cleared_at: datetime | None = moment(nullable=True)
    status: str = Field(default="open", max_length=16)
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: datetime | None = moment(nullable=True)
    decision_note: str | None = Field(default=None, max_length=500)
    incident_id: int | None = reference("incident.id", nullable=True, index=False)


class SamplerLease(SQLModel, table=True):
    """Which `vcwatch sampler` follows a venue (PostgreSQL): held while its heartbeat is fresh."""

    __tablename__ = "sampler_lease"

    unit_id: int = Field(sa_column=Column(Integer, ForeignKey("unit.id"), primary_key=True))
    sampler: str | None = Field(default=None, max_length=128)
    acquired_at: datetime | None = moment(nullable=True)
    heartbeat_at: datetime | None = moment(nullable=True)


class SamplerHeartbeat(SQLModel, table=True):
    """A running sampler, seen by the others so that they leave it its share of the venues."""

    __tablename__ = "sampler_heartbeat"

    sampler: str = Field(sa_column=Column(String(128), primary_key=True))
    started_at: datetime = moment()
    heartbeat_at: datetime = moment()


class VenueStatusPeriod(SQLModel, table=True):
    """A stretch of one signal status of a venue's source; failures while offline are counted,
    not written one by one."""

    __tablename__ = "venue_status_period"
    __table_args__ = (Index("ix_venue_status_period_unit_started", "unit_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = reference("unit.id", index=False)
    status: str = Field(max_length=16)
    started_at: datetime = moment()
    ended_at: datetime | None = moment(nullable=True)
    failures: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    detail: str | None = Field(default=None, max_length=200)
