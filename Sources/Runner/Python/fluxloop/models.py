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

def _utc_now():
    return datetime.now(timezone.utc)


class ObservationData(BaseModel):
    """One observation as the SDK collects it."""

    id: UUID = Field(default_factory=uuid4)
    type: ObservationType
    name: str
    start_time: datetime = Field(default_factory=_utc_now)
    end_time: Optional[datetime] = None
    input: Optional[Any] = None
    output: Optional[Any] = None
    error: Optional[str] = None
    level: ObservationLevel = ObservationLevel.INFO
    status_message: Optional[str] = None
    metadata: Dict[str, Any] = Field(default_factory=dict)
    model: Optional[str] = None
    llm_parameters: Optional[Dict[str, Any]] = None
    prompt_tokens: Optional[int] = None
    completion_tokens: Optional[int] = None
    total_tokens: Optional[int] = None
    parent_observation_id: Optional[UUID] = None
    trace_id: Optional[UUID] = None


class TraceData(BaseModel):
    """One trace as the SDK collects it."""

    id: UUID = Field(default_factory=uuid4)
    name: str
    start_time: datetime = Field(default_factory=_utc_now)
    end_time: Optional[datetime] = None
    session_id: Optional[UUID] = None
    user_id: Optional[str] = None
    metadata: Dict[str, Any] = Field(default_factory=dict)
    tags: List[str] = Field(default_factory=list)
    experiment_id: Optional[str] = None
    iteration: Optional[int] = None
    persona: Optional[str] = None
    variation_seed: Optional[str] = None
    input: Optional[Any] = None
    output: Optional[Any] = None
