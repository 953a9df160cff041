"""Trace, observation and score schemas (FluxLoop SDK 0.1.7 `fluxloop.schemas.trace`).

Standard library only; see fluxloop._model for the model base.
"""

from datetime import datetime
from typing import Any, Dict, List, Optional, Union
from uuid import UUID, uuid4

from .._enums import ObservationLevel, ObservationType, ScoreDataType, TraceStatus
from .._model import BaseModel, Field, FieldGroup, ValidationError


class Score(BaseModel):
    """Score (evaluation result) of a trace or an observation."""

    id: UUID = Field(default_factory=uuid4)
    trace_id: UUID
    observation_id: Optional[UUID] = None
    name: str
    value: Union[float, bool, str]
    data_type: ScoreDataType
    comment: Optional[str] = None
    metadata: Dict[str, Any] = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=datetime.utcnow)

    @classmethod
    def validate_value_type(cls, value, info):
        """Check `value` against info.data["data_type"]. FluxLoop 0.1.7 runs it before
        data_type is known, so in effect it never rejects anything; neither does Score()."""
        data_type = (getattr(info, "data", None) or {}).get("data_type")
        if data_type == ScoreDataType.NUMERIC and not isinstance(value, (int, float)):
            raise ValidationError("Numeric score must be int or float")
        if data_type == ScoreDataType.BOOLEAN and not isinstance(value, bool):
            raise ValidationError("Boolean score must be bool")
        if data_type == ScoreDataType.CATEGORICAL and not isinstance(value, str):
            raise ValidationError("Categorical score must be str")
        return value


def _duration_ms(start, end):
    if start and end:
        return (end - start).total_seconds() * 1000
    return None


class _ObservedCall(FieldGroup):
    """What an observation records of its call after the start time, in FluxLoop's order; Observation
    and fluxloop.models.ObservationData both take these fields."""

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


class _TracedRun(FieldGroup):
    """Who and what a trace ran, in FluxLoop's order; Trace and fluxloop.models.TraceData both take
    these fields."""

    user_id: Optional[str] = None
    metadata: Dict[str, Any] = Field(default_factory=dict)
    tags: List[str] = Field(default_factory=list)
    experiment_id: Optional[str] = None
    iteration: Optional[int] = None
    persona: Optional[str] = None
    variation_seed: Optional[str] = None
    input: Optional[Any] = None
    output: Optional[Any] = None


class Observation(BaseModel):
    """One observation within a trace."""

    id: UUID = Field(default_factory=uuid4)
    trace_id: UUID
    parent_observation_id: Optional[UUID] = None
    type: ObservationType
    name: str
    start_time: datetime = Field(default_factory=datetime.utcnow)
    _call: _ObservedCall
    scores: List[Score] = Field(default_factory=list)

    def duration_ms(self):
        """Duration in milliseconds, or None while the observation is open."""
        return _duration_ms(self.start_time, self.end_time)


class Trace(BaseModel):
    """Root trace of one complete execution."""

    id: UUID = Field(default_factory=uuid4)
    session_id: Optional[UUID] = None
    name: str
    start_time: datetime = Field(default_factory=datetime.utcnow)
    end_time: Optional[datetime] = None
    status: TraceStatus = TraceStatus.PENDING
    error: Optional[str] = None
    _run: _TracedRun
    observations: List[Observation] = Field(default_factory=list)
    scores: List[Score] = Field(default_factory=list)
    total_cost: Optional[float] = None
    prompt_tokens: Optional[int] = None
    completion_tokens: Optional[int] = None
    total_tokens: Optional[int] = None

    def duration_ms(self):
        """Total duration in milliseconds, or None while the trace is open."""
        return _duration_ms(self.start_time, self.end_time)

    def get_observation_tree(self):
        """Observations grouped by parent id (None: the top level, always present)."""
        tree = {}
        for observation in self.observations:
            tree.setdefault(observation.parent_observation_id, []).append(observation)
        tree.setdefault(None, [])
        return tree

    def calculate_metrics(self):
        """Duration, counts, tokens and (with boolean "success" scores) the success rate."""
        metrics = {
            "duration_ms": self.duration_ms(),
            "observation_count": len(self.observations),
            "score_count": len(self.scores),
            "error_count": len([o for o in self.observations if o.error]),
            "total_tokens": self.total_tokens or 0,
        }
        successes = [s.value for s in self.scores
                     if s.name == "success" and s.data_type == ScoreDataType.BOOLEAN]
        if successes:
            metrics["success_rate"] = len([v for v in successes if v]) / len(successes)
        return metrics
