"""Response shapes of the API (and of live events): times and points as strings."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, Field

from app.schemas.records import Contact, Equipment, RoomDetails

Points = Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]{2}$", examples=["0.05"])]
Moment = Annotated[str, Field(examples=["2019-03-05T09:00:00+08:00"])]
T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class ParentChangePublic(BaseModel):
    parent: str
    from_day: str = Field(serialization_alias="from", examples=["2021-03-01"])


class UnitPublic(BaseModel):
    code: str
    name: str
    level: str
    parent: str | None  # its city today
    established: str | None = None
    abolished: str | None = None
    parent_changes: list[ParentChangePublic] = Field(default_factory=list)


class PeriodPublic(BaseModel):
    year: int
    edition: str
    objection_deadline: str  # the last day objections may be filed (Asia/Shanghai)
    final: bool = False
    finalized_at: Moment | None = None
    finalized_by: str | None = None
    finalize_note: str | None = None


class OpenObjectionPublic(BaseModel):
    id: int
    incident: str
    unit: str
    filed_at: Moment


class PeriodStatusPublic(PeriodPublic):
    """A period as the review page's year panel shows it."""

    objection_days_left: int  # whole days until the deadline passes (0 once it has)
    open_objections: list[OpenObjectionPublic]


class PeriodSummary(PeriodPublic):
    """A period in the list: with how many incidents it holds (pages open the latest with data)."""

    incidents: int


class OccurrenceTypePublic(BaseModel):
    code: str
    name: str
    group: str


class ItemRulePublic(BaseModel):
    code: str
    name: str
    points: Points
    cap: Points
    derived: str | None
    types: list[OccurrenceTypePublic]
    rooms_required: int | None = None


class RulebookPublic(BaseModel):
    edition: str
    title: str
    full_marks: Points
    items: list[ItemRulePublic]
    flag_types: dict[str, str]


class MeetingCancellation(BaseModel):
    at: Moment
    by: str
    by_name: str | None = None
    reason: str


class MeetingPublic(BaseModel):
    key: str
    title: str
    starts_at: Moment
    cancelled: MeetingCancellation | None = None


class VoidPublic(BaseModel):
    reason: str
    at: Moment
    by: str | None
    by_name: str | None = None


class IncidentPublic(BaseModel):
    key: str
    unit: str
    type: str
    item: str
    points: Points
    meeting: str | None
    checkpoint: str | None
    at: Moment
    note: str | None
    source: str
    evidence: str | None
    logged_by: str | None
    logged_at: Moment
    voided: VoidPublic | None
    # What people read: the unit's name, the meeting's title, who logged it.
    unit_name: str | None = None
    meeting_title: str | None = None
    logged_by_name: str | None = None


class ObjectionPublic(BaseModel):
    id: int
    incident: str
    unit: str
    reason: str
    status: str
    filed_by: str | None
    filed_at: Moment
    ruled_by: str | None
    ruled_at: Moment | None
    ruling: str | None
    unit_name: str | None = None
    incident_type: str | None = None
    incident_at: Moment | None = None
    meeting_title: str | None = None
    filed_by_name: str | None = None
    ruled_by_name: str | None = None


class IncidentDetail(IncidentPublic):
    objections: list[ObjectionPublic]


class RollCallMarkPublic(BaseModel):
    meeting: str
    unit: str
    checkpoint: str
    status: str
    reason: str | None
    incident: str | None
    marked_by: str | None
    marked_at: Moment
    marked_by_name: str | None = None


class RoomPublic(BaseModel):
    unit: str
    name: str
    at: Moment
    equipment: Equipment
    removed: bool
    details: RoomDetails
    source: str
    recorded_by: str | None
    recorded_at: Moment


class StaffingPublic(BaseModel):
    unit: str
    at: Moment
    leaders: list[Contact]
    staff: list[Contact]
    recorded_by: str | None
    recorded_at: Moment


class ItemScorePublic(BaseModel):
    code: str
    cap: Points
    raw: Points
    capped: Points
    occurrences: int


class UnitScorePublic(BaseModel):
    code: str
    name: str
    deduction: Points
    items: list[ItemScorePublic]


class CityScorePublic(BaseModel):
    code: str
    name: str
    score: Points
    deduction: Points
    items: list[ItemScorePublic]
    counties: list[UnitScorePublic]
    own: UnitScorePublic


class StandingsPublic(BaseModel):
    year: int
    edition: str
    full_marks: Points
    as_of: Moment
    register_at: Moment | None = None
    final: bool = False
    finalized_at: Moment | None = None
    finalized_by: str | None = None
    cities: list[CityScorePublic]


class FindingPublic(BaseModel):
    item: str
    occurrences: int
    points: Points
    text: str
    line: str
    room: str | None = None
    missing: list[str] = []


class ImportSummary(BaseModel):
    period: PeriodPublic
    units: int
    meetings: int
    incidents: int
    incidents_unchanged: int
    rooms: int
    staffing: int


class AccountPublic(BaseModel):
    username: str
    display_name: str
    role: str
    unit: str | None
    unit_name: str | None = None
    disabled: bool


class SessionPublic(BaseModel):
    account: AccountPublic
    csrf_token: str
    expires_at: Moment
    pages: list[str] = Field(description="the pages the person may open, in navigation order")
    home: str = Field(description="the page the person starts on")


class AuditEntryPublic(BaseModel):
    id: int
    at: Moment
    actor: str | None
    address: str | None
    action: str
    entity: str
    entity_key: str | None
    before: dict[str, object] | None
    after: dict[str, object] | None
    # For people: who by name, the kind of entry, the unit concerned, and the entry as a sentence.
    actor_name: str | None = None
    kind: str | None = None
    unit: str | None = None
    unit_name: str | None = None
    sentence: str | None = None
    sentence_en: str | None = None


class AuditPerson(BaseModel):
    username: str
    display_name: str


class EventPublic(BaseModel):
    meeting: str
    seq: int
    kind: str
    at: Moment
    actor: str | None
    data: dict[str, object]


class RegisterPublic(BaseModel):
    """A unit's register and staffing now, what they cost it, and the version to edit from."""

    unit: str
    version: str
    as_of: Moment
    rooms: list[RoomPublic]
    staffing: StaffingPublic | None
    findings: list[FindingPublic]


class RegisterChangePublic(BaseModel):
    kind: str
    name: str | None
    at: Moment
    recorded_by: str | None
    recorded_at: Moment
    source: str | None
    recorded_by_name: str | None = None
    before: dict[str, object] | None
    after: dict[str, object]


class FlagPublic(BaseModel):
    id: int
    unit: str
    meeting: str | None
    kind: str
    basis: str | None
    metrics: dict[str, object]
    snapshot: str | None
    clip: str | None = None
    raised_at: Moment
    cleared_at: Moment | None
    status: str
    decided_by: str | None
    decided_at: Moment | None
    decision_note: str | None
    incident: str | None


class VenuePublic(BaseModel):
    unit: str
    name: str
    url: str | None
    interval_seconds: float
    enabled: bool
    thresholds: dict[str, object]
    reference: str | None
    reference_set_at: Moment | None
    reference_set_by: str | None
    last_sample_at: Moment | None
    status: str
    status_at: Moment | None
    offline_since: Moment | None = None
    offline_failures: int = 0
    audio_state: str = "muted"
    audio_state_at: Moment | None = None
    audio_state_by: str | None = None
    sampler: str | None = None
