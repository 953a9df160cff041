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

# Only the decorators are imported here: they are what an agent module uses while it loads, and a
# worker starts faster without the rest. Every other public name (and submodule) is imported on
# first use by __getattr__ below, so `fluxloop.configure`, `from fluxloop import PersonaConfig` and
# `from fluxloop import *` behave as before.
from ._decorators import agent, instrument, prompt, tool, trace

_LAZY = {
    "FluxLoopContext": "context", "get_current_context": "context",
    "FluxLoopClient": "client",
    "configure": "config", "get_config": "config", "load_env": "config", "reset_config": "config",
    "disable_recording": "recording", "enable_recording": "recording",
    "record_call_args": "recording", "set_recording_options": "recording",
}
_LAZY.update(dict.fromkeys((
    "ExperimentConfig", "Observation", "ObservationLevel", "ObservationType", "PersonaConfig",
    "RunnerConfig", "Score", "ScoreDataType", "Trace", "TraceStatus", "VariationStrategy"), "schemas"))
_SUBMODULES = ("buffer", "client", "config", "context", "decorators", "models", "recording",
               "schemas", "serialization", "storage")


# The environment variables fluxloop.config reads. When one is set, the configuration is loaded
# with the package, as before: FLUXLOOP_RECORD_ARGS starts argument recording at import, and a
# bad value fails the import.
_CONFIG_ENV = ("FLUXLOOP_API_KEY", "FLUXLOOP_BATCH_SIZE", "FLUXLOOP_COLLECTOR_URL", "FLUXLOOP_DEBUG",
               "FLUXLOOP_ENABLED", "FLUXLOOP_ENVIRONMENT", "FLUXLOOP_FLUSH_INTERVAL",
               "FLUXLOOP_MAX_QUEUE_SIZE", "FLUXLOOP_OFFLINE_DIR", "FLUXLOOP_OFFLINE_ENABLED",
               "FLUXLOOP_RECORDING_FILE", "FLUXLOOP_RECORD_ARGS", "FLUXLOOP_SAMPLE_RATE",
               "FLUXLOOP_SERVICE_NAME", "FLUXLOOP_TIMEOUT", "FLUXLOOP_USE_COLLECTOR")


def _configured_by_environment():
    from os import environ
    return any(name in environ for name in _CONFIG_ENV)


def __getattr__(name):
    """A public name or submodule not imported yet: import it now (PEP 562)."""
    from importlib import import_module
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(import_module("." + module, __name__), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return import_module("." + name, __name__)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | set(_SUBMODULES))


if _configured_by_environment():
    from . import config


# The SDK release whose public surface this package provides.
__version__ = "0.1.7"
# Tells the bundled package from the real SDK (which has no such attribute).
__bundled_by__ = "fluxloop-swift"


def init(**kwargs):
    """Not in FluxLoop 0.1.7 (older SDKs had it): configure() with FluxLoop's names, others ignored."""
    from .config import SDKConfig, configure
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
