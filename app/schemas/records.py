"""The record vocabulary shared by the interchange file (`vcwatch-records/1`), the API and the CLI.

Every model forbids unknown fields; every text refuses control characters; every time carries an
offset and lies in a sane range, so nothing a client sends can reach the database malformed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from app.schemas.text import Lines, OneLine

FORMAT = "vcwatch-records/1"
EARLIEST_YEAR = 1990
LATEST_YEAR = 2100


def _in_range(value: datetime) -> datetime:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"must lie between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_in_range)]
# Every text refuses control and non-characters (`app.schemas.text`); only notes keep line breaks.
Text = Annotated[str, StringConstraints(max_length=2000), Lines]
ShortText = Annotated[
    str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True), OneLine
]
Name = Annotated[
    str, StringConstraints(min_length=1, max_length=100, strip_whitespace=True), OneLine
]
# Unit names and account names are stored in 64-character columns.
ShortName = Annotated[
    str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True), OneLine
]
# A void made by upholding an objection cites it before the ruling's reason: wider than ShortText.
VoidReason = Annotated[
    str, StringConstraints(min_length=1, max_length=500, strip_whitespace=True), Lines
]
UnitCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
RecordKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$")]
MeetingKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,63}$")]
TypeCode = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,30}\.[a-z_]{1,40}$")]
Year = Annotated[int, Field(ge=EARLIEST_YEAR, le=LATEST_YEAR)]
Checkpoint = Literal["half_day", "two_hours"]
Source = Literal["online_monitoring", "onsite_inspection", "self_report"]
Level = Literal["city", "county"]
Edition = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
# A snapshot, or the audio clip of an audio-check flag confirmed into an incident.
EvidenceName = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}\.(jpg|wav)$")]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _day_in_range(value: date) -> date:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"must lie between {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


# An Asia/Shanghai day, "2021-03-01" (a unit's dates start at that day's 00:00).
Day = Annotated[date, AfterValidator(_day_in_range)]


class PeriodRecord(Record):
    year: Year
    edition: Edition


class PeriodUpdate(Record):
    """An admin's change to a period: its edition (fixed once incidents exist, unless forced
    with a reason) and its objection deadline (the last day, Asia/Shanghai)."""

    edition: Edition | None = None
    objection_deadline: Day | None = None
    force: bool = False
    reason: ShortText | None = None


class UnitRecord(Record):
    """A unit; `parent` is its city from its beginning (later cities: `ParentChangeRecord`)."""

    code: UnitCode
    name: ShortName
    level: Level
    parent: UnitCode | None = None
    established: Day | None = None
    abolished: Day | None = None


class ParentChangeRecord(Record):
    """From the day `from` (00:00, Asia/Shanghai) on, the county `code` belongs to `parent`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    code: UnitCode
    parent: UnitCode
    from_day: Day = Field(alias="from")


class MeetingRecord(Record):
    key: MeetingKey
    title: ShortText
    starts_at: Moment


class IncidentFields(Record):
    unit: UnitCode
    type: TypeCode
    meeting: MeetingKey | None = None
    checkpoint: Checkpoint | None = None
    note: Text | None = None
    source: Source = "online_monitoring"


class IncidentCreate(IncidentFields):
    """A new incident; its key travels in the `Idempotency-Key` header."""

    at: Moment | None = None
    evidence: EvidenceName | None = None


class VoidRecord(Record):
    reason: VoidReason
    at: Moment
    by: ShortName | None = None


class IncidentRecord(IncidentFields):
    key: RecordKey
    at: Moment
    voided: VoidRecord | None = None


class Equipment(Record):
    hd_display: bool = False
    audio: bool = False
    cabling: bool = False


class RoomDetails(Record):
    display_model: ShortText | None = None
    camera: ShortText | None = None
    mcu_terminal: ShortText | None = None
    notes: Text | None = None


class RoomRecord(Record):
    unit: UnitCode
    name: Name
    at: Moment
    equipment: Equipment = Field(default_factory=Equipment)
    removed: bool = False
    details: RoomDetails | None = None
    source: Literal["self_report", "onsite_inspection"] | None = None


class RoomCreate(RoomRecord):
    """A room entry sent to the API; without `at` it takes effect now."""

    at: Moment | None = None  # type: ignore[assignment]


class Contact(Record):
    name: Name
    phone: Annotated[str, StringConstraints(pattern=r"^[0-9+\-() ]{3,32}$")] | None = None


Person = Name | Contact


class StaffingRecord(Record):
    unit: UnitCode
    at: Moment
    leaders: Annotated[list[Person], Field(max_length=20)] = Field(default_factory=list)
    staff: Annotated[list[Person], Field(max_length=50)] = Field(default_factory=list)


class StaffingCreate(StaffingRecord):
    """A staffing entry sent to the API; without `at` it takes effect now."""

    at: Moment | None = None  # type: ignore[assignment]


class RoomState(Record):
    """A room as the county page edits it."""

    name: Name
    equipment: Equipment = Field(default_factory=Equipment)
    details: RoomDetails | None = None
    renamed_from: Name | None = None


class StaffingState(Record):
    leaders: Annotated[list[Person], Field(max_length=20)] = Field(default_factory=list)
    staff: Annotated[list[Person], Field(max_length=50)] = Field(default_factory=list)


class RegisterUpdate(Record):
    """The whole register and staffing of one unit as it should be from `at` (default now)."""

    rooms: Annotated[list[RoomState], Field(max_length=50)]
    staffing: StaffingState
    source: Literal["self_report", "onsite_inspection"] = "self_report"
    at: Moment | None = None


class RecordsFile(Record):
    format: Literal["vcwatch-records/1"]
    period: PeriodRecord
    units: list[UnitRecord] = Field(default_factory=list)
    parent_changes: list[ParentChangeRecord] = Field(default_factory=list)
    meetings: list[MeetingRecord] = Field(default_factory=list)
    incidents: list[IncidentRecord] = Field(default_factory=list)
    rooms: list[RoomRecord] = Field(default_factory=list)
    staffing: list[StaffingRecord] = Field(default_factory=list)


def contact_of(person: Person) -> Contact:
    return person if isinstance(person, Contact) else Contact(name=person)
