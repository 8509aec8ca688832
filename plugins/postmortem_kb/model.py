"""Typed records of a postmortem's front matter (pydantic, no MkDocs).

The validator checks types with these models and `pmkb schema` derives the
JSON Schema from them, so editors and CI agree on one contract.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]
NonEmptyStr = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Status = Literal["Draft", "Reviewed", "Published"]
Detection = Literal["alert", "customer-report", "internal"]
Priority = Literal["P1", "P2", "P3"]
ItemStatus = Literal["Open", "In Progress", "Done", "Won't Do"]


def _no_numbers(value: Any) -> Any:
    """pydantic would read 1700000000 as a Unix time; a postmortem must spell the date out."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("a number, not a date")
    return value


def _day(value: Any) -> Any:
    """A timestamp where a day is asked for would be compared with days later (a TypeError)."""
    if isinstance(value, dt.datetime):
        raise ValueError("a timestamp, not a date")
    return _no_numbers(value)


# pandas holds times from 1677 to 2262; a year outside this span is a typo (0001 made NaN rows).
YEARS = range(1900, 2201)


def _in_span(value: dt.date) -> dt.date:
    if value.year not in YEARS:
        raise ValueError(f"a date in year {value.year}, out of range ({YEARS.start}-{YEARS.stop - 1})")
    return value


Timestamp = Annotated[AwareDatetime, BeforeValidator(_no_numbers), AfterValidator(_in_span)]
Date = Annotated[dt.date, BeforeValidator(_day), AfterValidator(_in_span)]
Count = Annotated[int, Field(strict=True, ge=0)]
# Finite: JSON has no Infinity, and "$inf" is not an impact (the parser refuses .inf first).
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False), BeforeValidator(lambda v: _not_bool(v))]


def _not_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("expected a number")
    return value


class _Open(BaseModel):
    # Unknown keys are reported by the unknown-key rule as warnings with a suggestion,
    # so the models accept them instead of failing with a bare "extra forbidden".
    model_config = ConfigDict(extra="allow", frozen=True)


class Timeline(_Open):
    """ISO 8601 timestamps with an offset (Z or +hh:mm)."""

    started: Timestamp
    detected: Timestamp
    acknowledged: Timestamp
    diagnosed: Timestamp | None = Field(None, description="Root cause identified")
    mitigated: Timestamp | None = None
    resolved: Timestamp


class Impact(_Open):
    users_affected: Count | Literal["unknown"] | None = None
    revenue_impact: str | Amount | None = None
    slo_impact: str | None = Field(None, examples=["35% of monthly error budget"])
    support_tickets: Count | None = None
    engineer_hours: Amount | None = None


class Roles(_Open):
    incident_commander: NonEmptyStr | None = None
    tech_lead: NonEmptyStr | None = None
    comms_lead: NonEmptyStr | None = None
    scribe: NonEmptyStr | None = None
    smes: list[NonEmptyStr] | None = None


class ActionItem(_Open):
    id: Annotated[int, Field(strict=True)] | NonEmptyStr
    action: NonEmptyStr
    owner: NonEmptyStr = Field(examples=["@payments-team"])
    priority: Priority
    due: Date
    status: ItemStatus
    ticket: str | None = None


class FrontMatter(_Open):
    title: NonEmptyStr
    date: Date = Field(description="Incident date, YYYY-MM-DD")
    severity: str = Field(description="One of the configured severity levels")
    status: Status
    authors: Annotated[list[NonEmptyStr], Field(min_length=1)]
    services: Annotated[list[Slug], Field(min_length=1)]
    tags: list[NonEmptyStr] | None = None
    root_cause_category: Slug | Annotated[list[Slug], Field(min_length=1)]
    detection: Detection | None = None
    timeline: Timeline
    impact: Impact | None = None
    roles: Roles | None = None
    related: list[NonEmptyStr] | None = Field(None, description="File stems of related postmortems")
    action_items: list[ActionItem] | None = None

    @property
    def root_causes(self) -> list[str]:
        rc = self.root_cause_category
        return [rc] if isinstance(rc, str) else list(rc)


# Keys each mapping accepts, for the unknown-key rule and its suggestions.
KNOWN_KEYS: dict[str, frozenset[str]] = {
    "": frozenset(FrontMatter.model_fields),
    "timeline": frozenset(Timeline.model_fields),
    "impact": frozenset(Impact.model_fields),
    "roles": frozenset(Roles.model_fields),
    "action_items": frozenset(ActionItem.model_fields),
}
TIMELINE_ORDER: tuple[str, ...] = ("started", "detected", "acknowledged", "diagnosed", "mitigated", "resolved")
