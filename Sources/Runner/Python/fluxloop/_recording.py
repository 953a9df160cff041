"""Argument recording (`fluxloop.record_call_args` and friends), for replay_args.

Standard library only, Python 3.8+.

A recording is a JSON-lines file; each recorded call is one line in FluxLoop's
format:

    {"_version": "1", "iteration": 0, "target": "module:function",
     "kwargs": {...}, "timestamp": "2025-01-01T10:05:00.123456"}

`fluxloop run experiment` with `replay_args.enabled` replays the last line.
What goes into `kwargs`:
- a callable becomes a marker: "<builtin:collector.send>" for the replay
  collectors (or anything with a `messages` attribute), "<builtin:collector.error>"
  (an `errors` attribute), else "<callable:NAME>", or "<callable:NAME:async>"
  for a coroutine function; replay_args.callable_providers says what each
  marker becomes when replayed;
- a value under a sensitive name (token, password, secret, key, auth,
  credential) becomes "***", at any depth;
- mappings, lists, tuples, sets, dataclasses, pydantic models and objects with
  attributes become JSON; datetimes their isoformat(); anything else
  "<repr:...>".
"""

import dataclasses
import functools
import inspect
import json
import os
import threading
from collections.abc import Mapping
from datetime import date, datetime, time as dtime
from pathlib import Path
from uuid import UUID

from ._context import sorted_if_possible
from ._model import BaseModel

_SENSITIVE = ("token", "password", "secret", "key", "auth", "credential")
_MAX_DEPTH = 32

_lock = threading.Lock()
_recorder = None


def _is_sensitive(name):
    lowered = str(name).lower()
    return any(pattern in lowered for pattern in _SENSITIVE)


def callable_marker(value):
    """The marker that stands for a callable in a recording."""
    builtin = getattr(value, "__fluxloop_builtin__", None)
    if isinstance(builtin, str) and builtin:
        return "<builtin:%s>" % builtin
    if hasattr(value, "messages"):
        return "<builtin:collector.send>"
    if hasattr(value, "errors"):
        return "<builtin:collector.error>"
    name = getattr(value, "__name__", None) or type(value).__name__
    suffix = ""
    try:
        if inspect.iscoroutinefunction(value) or inspect.iscoroutinefunction(
                getattr(value, "__call__", None)):
            suffix = ":async"
    except Exception:
        pass
    return "<callable:%s%s>" % (name, suffix)


def _repr(value):
    try:
        text = repr(value)
    except Exception:
        text = type(value).__name__
    return "<repr:%s>" % text[:100]


def to_json(value, depth=0):
    """A JSON-compatible copy of a recorded value (see the module docstring)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        return value
    if depth > _MAX_DEPTH:
        return "<repr:%s>" % type(value).__name__
    d = depth + 1
    if isinstance(value, (datetime, date, dtime)):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            name = key if isinstance(key, str) else str(key)
            out[name] = "***" if _is_sensitive(name) else to_json(item, d)
        return out
    if isinstance(value, (list, tuple)):
        return [to_json(item, d) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted_if_possible([to_json(item, d) for item in value])
    if isinstance(value, (bytes, bytearray)):
        return _repr(value)
    if isinstance(value, type):
        return _repr(value)
    if inspect.isroutine(value) or isinstance(value, functools.partial) or hasattr(
            value, "__fluxloop_builtin__"):
        return callable_marker(value)
    for plain in _plain_forms(value):
        try:
            return to_json(plain(), depth)
        except Exception:
            pass
    return _repr(value)


def _plain_forms(value):
    """The plain forms of an object, in the order to_json tries them (the next when one fails):
    a model's model_dump(), a dataclass's fields, the instance's attributes."""
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        yield dump
    if dataclasses.is_dataclass(value):
        yield lambda: {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if hasattr(value, "__dict__"):
        yield lambda: {k: v for k, v in vars(value).items() if not k.startswith("__")}


class ArgsRecorder(object):
    """Appends recorded calls to one JSON-lines file."""

    def __init__(self, output_file):
        self.output_file = Path(output_file)
        self.path = str(self.output_file)
        self.output_file.parent.mkdir(parents=True, exist_ok=True)
        self._iteration_counters = {}

    def record(self, target, *, iteration, **kwargs):
        """Append one call of `target`; iteration None takes the target's next number."""
        recorded = {}
        for name, value in kwargs.items():
            if callable(value) and not isinstance(value, type):
                recorded[name] = callable_marker(value)
            elif _is_sensitive(name):
                recorded[name] = "***"
            else:
                recorded[name] = to_json(value)
        with _lock:
            if iteration is None:
                iteration = self._iteration_counters.get(target, -1) + 1
            self._iteration_counters[target] = iteration
            line = json.dumps({
                "_version": "1",
                "iteration": iteration,
                "target": target,
                "kwargs": recorded,
                "timestamp": datetime.now().isoformat(),
            }, default=str)
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        return iteration


class RecordingConfig(BaseModel):
    """Recording behaviour (set_recording_options)."""

    iteration_auto_increment: bool = True


_recording_config = RecordingConfig()


def enable_recording(output_file):
    """Record the calls given to record_call_args() into `output_file` (JSON lines, appended)."""
    global _recorder
    path = os.path.abspath(os.path.expanduser(str(output_file)))
    _recorder = ArgsRecorder(path)
    return path


def disable_recording():
    """Stop recording; record_call_args() does nothing until enable_recording() again."""
    global _recorder
    _recorder = None


def is_recording():
    return _recorder is not None


def recording_file():
    """The file being recorded into, or None."""
    return _recorder.path if _recorder is not None else None


def set_recording_options(*, iteration_auto_increment=None):
    """iteration_auto_increment=False records iteration 0 when none is given."""
    if iteration_auto_increment is not None:
        _recording_config.iteration_auto_increment = bool(iteration_auto_increment)


def record_call_args(target, *, iteration=None, **kwargs):
    """Record one call of `target` ("module:function") with its keyword arguments.

    Does nothing unless recording is enabled (enable_recording(), or
    configure(record_args=True, recording_file=...), or FLUXLOOP_RECORD_ARGS=true
    with FLUXLOOP_RECORDING_FILE). Without `iteration`, a counter per target
    numbers the calls 0, 1, 2, ...
    """
    recorder = _recorder
    if recorder is None:
        return None
    if iteration is None and not _recording_config.iteration_auto_increment:
        iteration = 0
    return recorder.record(str(target), iteration=iteration, **kwargs)


def enable_from_environment():
    """FLUXLOOP_RECORD_ARGS=true turns recording on at import, into FLUXLOOP_RECORDING_FILE."""
    if os.environ.get("FLUXLOOP_RECORD_ARGS", "").strip().lower() != "true":
        return
    path = os.environ.get("FLUXLOOP_RECORDING_FILE")
    if not path:
        path = "/tmp/fluxloop_args_%s.jsonl" % datetime.now().strftime("%Y%m%d_%H%M%S")
    try:
        enable_recording(path)
    except OSError:
        pass
