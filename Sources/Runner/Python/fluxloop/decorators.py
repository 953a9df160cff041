"""The FluxLoop decorators (FluxLoop SDK 0.1.7 `fluxloop.decorators`); implemented in _decorators."""

from ._decorators import agent, prompt, tool, trace
from .context import get_current_context
from .models import ObservationData, ObservationType
