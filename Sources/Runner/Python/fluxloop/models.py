"""The SDK's internal observation and trace records (FluxLoop SDK 0.1.7 `fluxloop.models`).

Standard library only; see fluxloop._model for the model base.
"""

from datetime import datetime, timezone
from typing import Any, Dict, List, Optional
from uuid import UUID, uuid4

from ._model import BaseModel, Field
# The SDK declares the same two enums again in fluxloop.models; one definition serves both import paths
# (`from fluxloop.models import ObservationType` keeps working, and the members compare equal as before).
from .schemas.trace import ObservationLevel, ObservationType
# The runs of fields these records share with schemas.trace's Observation and Trace.
from .schemas.trace import _ObservedCall, _TracedRun

def _utc_now():
    return datetime.now(timezone.utc)


class ObservationData(BaseModel):
    """One observation as the SDK collects it."""

    id: UUID = Field(default_factory=uuid4)
    type: ObservationType
    name: str
    start_time: datetime = Field(default_factory=_utc_now)
    _call: _ObservedCall
    parent_observation_id: Optional[UUID] = None
    trace_id: Optional[UUID] = None


class TraceData(BaseModel):
    """One trace as the SDK collects it."""

    id: UUID = Field(default_factory=uuid4)
    name: str
    start_time: datetime = Field(default_factory=_utc_now)
    end_time: Optional[datetime] = None
    session_id: Optional[UUID] = None
    _run: _TracedRun
