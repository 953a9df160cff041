"""JSON-ready dicts of trace and observation records (FluxLoop SDK 0.1.7 `fluxloop.serialization`).

Standard library only.
"""

from datetime import datetime
from enum import Enum
from uuid import UUID

from .models import ObservationData, TraceData


def _iso(value):
    """ISO 8601; a naive datetime gets a "Z" (it is taken as UTC)."""
    if value is None:
        return None
    text = value.isoformat()
    return text + "Z" if value.tzinfo is None else text


def _json_safe(value):
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json_safe(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def _serialize(record, uuid_fields, json_fields):
    data = record.model_dump(exclude_none=True)
    for name in uuid_fields:
        value = getattr(record, name, None)
        if value:
            data[name] = str(value)
    for name in ("start_time", "end_time"):
        value = getattr(record, name, None)
        if value:
            data[name] = _iso(value)
    for name in json_fields:
        if name in data:
            data[name] = _json_safe(data[name])
    return data


def serialize_trace(trace):
    """A TraceData as a JSON-serialisable dict (None values left out)."""
    return _serialize(trace, ("id", "session_id"), ("metadata", "input", "output"))


def serialize_observation(observation):
    """An ObservationData as a JSON-serialisable dict (None values left out)."""
    return _serialize(observation, ("id", "trace_id", "parent_observation_id"),
                      ("metadata", "input", "output", "llm_parameters"))

