"""fluxloop-swift's stand-in for the FluxLoop Python SDK (`import fluxloop`).

The `fluxloop` command (Swift) runs Python agents through its worker
(fluxloop_worker.py), which puts this package first on sys.path, so an agent
written for FluxLoop runs without the SDK installed. Standard library only,
Python 3.9+.

Inside a worker run the decorators record observations in FluxLoop 0.2.30's
format; anywhere else they are transparent pass-throughs that record nothing.

    @fluxloop.agent(name=None)            -> "agent"
    @fluxloop.tool(name=None, description=None) -> "tool" (metadata.description)
    @fluxloop.prompt(name=None, model=None)     -> "generation" (model)
    @fluxloop.trace(name=None)            -> "span"
    with fluxloop.instrument(name): ...   -> "span" (also `async with`)

configure(), init(), flush() and friends are accepted and do nothing, except
that configure(record_args=True, recording_file=PATH) turns argument recording
on (and record_args=False off).

Argument recording, for `replay_args` (see _recording):

    fluxloop.enable_recording("recordings/args.jsonl")
    fluxloop.record_call_args("handlers:handle_message", data=data,
                              send_message_callback=send, send_error_callback=send_error)
    fluxloop.disable_recording()
"""

from ._decorators import agent, instrument, prompt, tool, trace
from ._recording import (disable_recording, enable_recording, record_call_args,
                         set_recording_options)
from . import _recording

__version__ = "0.1.7-fluxloop-swift"


class ObservationType(object):
    """The observation type names FluxLoop uses (plain strings here)."""

    SPAN = "span"
    EVENT = "event"
    GENERATION = "generation"
    TOOL = "tool"
    AGENT = "agent"
    CHAIN = "chain"
    RETRIEVAL = "retrieval"
    EVALUATION = "evaluation"


class _Config(object):
    """What get_config() returns: the keyword arguments last given to configure()."""

    def __init__(self):
        self.enabled = True
        self.sample_rate = 1.0

    def __getattr__(self, name):
        return None


_config = _Config()


def configure(**kwargs):
    """Accepted for compatibility; the worker decides what is recorded. Only
    record_args / recording_file act: they turn argument recording on or off."""
    for key, value in kwargs.items():
        try:
            setattr(_config, key, value)
        except Exception:
            pass
    if "record_args" in kwargs or ("recording_file" in kwargs and _config.record_args):
        if _config.record_args:
            path = _config.recording_file or _recording.recording_file()
            if not path:
                import datetime
                path = "/tmp/fluxloop_args_%s.jsonl" % datetime.datetime.now().strftime("%Y%m%d_%H%M%S")
            _config.recording_file = enable_recording(path)
        else:
            disable_recording()
    return _config


def init(**kwargs):
    """Accepted for compatibility; does nothing."""
    return configure(**kwargs)


def get_config():
    return _config


def reset_config():
    global _config
    _config = _Config()
    disable_recording()
    _recording.enable_from_environment()
    return _config


def load_env(*args, **kwargs):
    """Accepted for compatibility; does nothing."""
    return None


def flush(*args, **kwargs):
    """Accepted for compatibility; the worker sends observations itself."""
    return None


def shutdown(*args, **kwargs):
    """Accepted for compatibility; does nothing."""
    return None


def get_current_context():
    """FluxLoop's trace context object; this shim has none to give."""
    return None


class FluxLoopClient(object):
    """Accepted for compatibility; every method does nothing."""

    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        def _noop(*args, **kwargs):
            return None
        return _noop


_recording.enable_from_environment()


__all__ = [
    "agent", "tool", "prompt", "trace", "instrument",
    "configure", "init", "flush", "shutdown", "get_config", "reset_config", "load_env",
    "get_current_context", "FluxLoopClient", "ObservationType", "__version__",
    "record_call_args", "enable_recording", "disable_recording", "set_recording_options",
]
