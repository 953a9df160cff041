"""The schemas' enums (FluxLoop SDK 0.1.7 `fluxloop.schemas.trace`), standard library only.

They live apart from the models so that `import fluxloop` (the decorators need ObservationType for
trace()'s default) does not load the model machinery; fluxloop.schemas.trace and fluxloop.models
export them, and each says it belongs to fluxloop.schemas.trace, where it always was.
"""

from enum import Enum


class TraceStatus(str, Enum):
    """Status of a trace execution."""

    __module__ = "fluxloop.schemas.trace"

    PENDING = "pending"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ObservationType(str, Enum):
    """Type of observation in the trace hierarchy."""

    __module__ = "fluxloop.schemas.trace"

    SPAN = "span"
    EVENT = "event"
    GENERATION = "generation"
    TOOL = "tool"
    AGENT = "agent"
    CHAIN = "chain"
    EVALUATION = "evaluation"


class ObservationLevel(str, Enum):
    """Log level for observations."""

    __module__ = "fluxloop.schemas.trace"

    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class ScoreDataType(str, Enum):
    """Data type of score values."""

    __module__ = "fluxloop.schemas.trace"

    NUMERIC = "numeric"
    BOOLEAN = "boolean"
    CATEGORICAL = "categorical"
