"""FluxLoop's shared schemas (FluxLoop SDK 0.1.7 `fluxloop.schemas`), standard library only."""

from .trace import (Observation, ObservationLevel, ObservationType, Score, ScoreDataType, Trace,
                    TraceStatus)
from .config import (EvaluatorConfig, ExperimentConfig, InputGenerationConfig, InputGenerationMode,
                     LLMGeneratorConfig, MultiTurnConfig, MultiTurnSupervisorConfig, PersonaConfig,
                     ReplayArgsConfig, RunnerConfig, VariationStrategy)

__all__ = [
    "Trace", "Observation", "ObservationType", "Score", "ScoreDataType", "TraceStatus",
    "ObservationLevel",
    "ExperimentConfig", "InputGenerationConfig", "InputGenerationMode", "LLMGeneratorConfig",
    "PersonaConfig", "ReplayArgsConfig", "VariationStrategy", "EvaluatorConfig", "RunnerConfig",
    "MultiTurnConfig", "MultiTurnSupervisorConfig",
]
