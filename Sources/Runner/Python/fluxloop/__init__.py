"""fluxloop-swift's bundled FluxLoop SDK: the public surface of `fluxloop` 0.1.7, stdlib only.

The `fluxloop` command (Swift) runs Python agents through its worker, which
puts this package first on sys.path, so an agent written for FluxLoop runs
with or without the real SDK installed, and every observation reaches the
runner. See docs/sdk.md for the surface, the precedence and what differs.

Inside a worker run the decorators record observations in FluxLoop 0.2.30's
format; anywhere else they are transparent pass-throughs that record nothing.

    @fluxloop.agent(name=None)            -> "agent"
    @fluxloop.tool(name=None, description=None) -> "tool" (metadata.description)
    @fluxloop.prompt(name=None, model=None)     -> "generation" (model)
    @fluxloop.trace(name=None)            -> "span"
    with fluxloop.instrument(name): ...   -> "span" (also `async with`)

get_current_context() gives the run's trace context: add_metadata, add_tag
and set_user land in the run's trace. Nothing is ever sent over the network:
configure() keeps FluxLoop's settings, and only record_args / recording_file
act (argument recording, for replay_args):

    fluxloop.enable_recording("recordings/args.jsonl")
    fluxloop.record_call_args("handlers:handle_message", data=data,
                              send_message_callback=send, send_error_callback=send_error)
    fluxloop.disable_recording()
"""

from .context import FluxLoopContext, get_current_context, instrument
from .decorators import agent, prompt, tool, trace
from .schemas import (ExperimentConfig, Observation, ObservationLevel, ObservationType,
                      PersonaConfig, RunnerConfig, Score, ScoreDataType, Trace, TraceStatus,
                      VariationStrategy)
from .client import FluxLoopClient
from .config import configure, get_config, load_env, reset_config
from .recording import (disable_recording, enable_recording, record_call_args,
                        set_recording_options)

# The SDK release whose public surface this package provides.
__version__ = "0.1.7"
# Tells the bundled package from the real SDK (which has no such attribute).
__bundled_by__ = "fluxloop-swift"


def init(**kwargs):
    """Not in FluxLoop 0.1.7 (older SDKs had it): configure() with FluxLoop's names, others ignored."""
    from .config import SDKConfig
    return configure(**{k: v for k, v in kwargs.items() if k in SDKConfig.model_fields})


def flush(*args, **kwargs):
    """Not in FluxLoop 0.1.7: accepted; the runner records every run itself."""
    return None


def shutdown(*args, **kwargs):
    """Not in FluxLoop 0.1.7: accepted; does nothing."""
    return None


__all__ = [
    "agent", "prompt", "tool", "trace",
    "instrument", "get_current_context", "FluxLoopContext",
    "FluxLoopClient",
    "configure", "load_env", "get_config", "reset_config",
    "enable_recording", "disable_recording", "set_recording_options", "record_call_args",
    "ExperimentConfig", "PersonaConfig", "RunnerConfig", "VariationStrategy",
    "Trace", "Observation", "ObservationType", "ObservationLevel", "Score", "ScoreDataType",
    "TraceStatus",
]
