"""The filters of an incident listing, as query parameters: the review page's list
(`/api/incidents`) and its CSV (`/api/exports/incidents.csv`) take the same ones, declared here."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from app.api.policy import AccessDep
from app.schemas.records import MeetingKey, Moment, Source, TypeCode, UnitCode
from app.services.incidents import IncidentFilter


async def incident_filters(
    access: AccessDep,
    unit: Annotated[list[UnitCode] | None, Query()] = None,
    item: Annotated[str | None, Query(pattern=r"^[a-z_]{1,40}$")] = None,
    type: Annotated[TypeCode | None, Query()] = None,
    meeting: Annotated[MeetingKey | None, Query()] = None,
    at_from: Annotated[Moment | None, Query(alias="from")] = None,
    at_before: Annotated[Moment | None, Query(alias="to")] = None,
    voided: Annotated[bool | None, Query()] = None,
    source: Annotated[Source | None, Query()] = None,
) -> IncidentFilter:
    """The filter without its period (the year is each route's own): the units asked for are
    narrowed to those the caller may see. `async`, as in `deps`: no need of the thread pool."""
    return IncidentFilter(
        units=access.narrow(unit),
        item=item,
        type_code=type,
        meeting=meeting,
        start=at_from,
        end=at_before,
        voided=voided,
        source=source,
    )


IncidentFiltersDep = Annotated[IncidentFilter, Depends(incident_filters)]
