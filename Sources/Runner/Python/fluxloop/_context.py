"""Run state shared by the fluxloop shim and the fluxloop-swift worker.

Standard library only, Python 3.8+.

The worker owns the runs: before it calls the agent it puts a `Run` into the
context variable `current` (the value is a `(run, parent_observation_id)`
tuple) and into the module global `active_run`. Decorated functions look the
context variable up; when it is empty (no run, or a thread the context did not
follow) they fall back to `active_run`, and when that is empty too they are
transparent pass-throughs that record nothing.

Observation records are built here in the exact shape FluxLoop 0.2.30 writes
to observations.jsonl, and appended to the run in finish order (children
before parents).
"""

import contextvars
import os
import sys
import time
from collections.abc import Mapping

# (run, parent_observation_id or None), or None outside a run.
current = contextvars.ContextVar("fluxloop_swift_current", default=None)

# The run in progress, for code that runs outside the run's context (threads
# started with a plain threading.Thread or loop.run_in_executor). Set and
# cleared by the worker.
active_run = None

# runner.stream_output_path split on dots; the worker sets it from its config.
stream_output_path = ("update", "delta")

_urandom = os.urandom
_time_ns = time.time_ns
_gmtime = time.gmtime
_strftime = time.strftime
# (second since the epoch, its "YYYY-MM-DDTHH:MM:SS" text): the date and time of day are formatted
# once a second, not for every timestamp (a run takes two per observation). One tuple, so that
# threads never see a second paired with another second's text.
_second = (None, "")


def now_iso():
    """The text of `datetime.now(timezone.utc).isoformat()`, e.g. 2026-11-26T20:00:53.127238+00:00.

    Read from the same clock (time.time_ns(), microseconds rounded down as datetime does) without
    making a datetime; like isoformat(), the fraction is left out when it is zero.
    """
    global _second
    seconds, micros = divmod(_time_ns() // 1000, 1000000)
    second = _second
    if second[0] != seconds:
        second = _second = (seconds, _strftime("%Y-%m-%dT%H:%M:%S", _gmtime(seconds)))
    if micros:
        return "%s.%06d+00:00" % (second[1], micros)
    return second[1] + "+00:00"


# The variant digit of a version 4 UUID (10xx in binary) for each random hex digit.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def new_id():
    """A random (version 4) UUID string from os.urandom, as str(uuid.uuid4()); cheaper."""
    h = _urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


class Run(object):
    """One agent run (one worker request)."""

    __slots__ = ("trace_id", "records", "has_final", "final", "has_root_agent", "root_agent", "sdk")

    def __init__(self, trace_id):
        self.trace_id = trace_id
        self.records = []
        # The run's fluxloop.FluxLoopContext, made by get_current_context() on first use.
        self.sdk = None
        # Output selection (FluxLoop 0.2.30): the last finished observation named
        # agent_final_response with an output, else the last finished agent
        # observation without a parent that has an output.
        self.has_final = False
        self.final = None
        self.has_root_agent = False
        self.root_agent = None

    def add(self, oid, typ, name, start, inp, output, error, metadata, model, parent):
        """Append one finished observation. `output` None means no output key;
        `error` None means no error key."""
        rec = {
            "id": oid,
            "type": typ,
            "name": name,
            "start_time": start,
            "end_time": now_iso(),
            "input": inp,
        }
        if output is not None:
            rec["output"] = output
            if name == "agent_final_response":
                self.has_final = True
                self.final = output
            elif typ == "agent" and parent is None:
                self.has_root_agent = True
                self.root_agent = output
        if error is not None:
            rec["error"] = error
        rec["level"] = "info"
        rec["metadata"] = metadata
        if model is not None:
            rec["model"] = model
        if parent is not None:
            rec["parent_observation_id"] = parent
        rec["trace_id"] = self.trace_id
        self.records.append(rec)


def take_trace_fields(run):
    """What the agent set on `run`'s trace through get_current_context(), JSON-ready:
    {"user_id": str or None, "tags": [str, ...], "metadata": {...}}.

    The worker calls it once the agent call has returned (or failed). Each Run is
    its own scope: the worker's `Run(trace_id)` plus `current.set((run, None))`
    starts a fresh one, so calls made for one run never reach another.
    """
    sdk = run.sdk
    if sdk is None:
        return {"user_id": None, "tags": [], "metadata": {}}
    trace = sdk.trace
    user = trace.user_id
    return {"user_id": None if user is None else serialize(user),
            "tags": [serialize(t) for t in list(trace.tags)],
            "metadata": serialize(dict(trace.metadata))}


def lookup():
    """(run, parent_id) for the caller, or None outside a run."""
    cur = current.get()
    if cur is not None:
        return cur
    run = active_run
    if run is not None:
        return (run, None)
    return None


def reset(token, previous):
    """Reset the context variable; tolerate a token from another context."""
    try:
        current.reset(token)
    except ValueError:
        current.set(previous)


# ---------------------------------------------------------------------------
# Serialisation: turn any value into something json.dumps accepts.
# ---------------------------------------------------------------------------

_MAX_DEPTH = 64


def serialize(value, _depth=0):
    """A JSON-compatible copy of `value`.

    str/int/float/bool/None as is; dict → dict (non-scalar keys become str);
    list/tuple → list; set/frozenset → list (sorted when possible); pydantic
    `model_dump()` (v2) / `.dict()` (v1); dataclasses `asdict`; UUID → str;
    datetime/date/time → isoformat(); any other Mapping → dict; else str(obj).
    """
    t = type(value)
    if t is str or t is int or t is float or t is bool or value is None:
        return value
    if _depth > _MAX_DEPTH:
        return safe_str(value)
    d = _depth + 1
    if t is dict or isinstance(value, dict):
        out = {}
        for k, v in value.items():
            tk = type(k)
            if not (tk is str or tk is int or tk is float or tk is bool or k is None):
                k = safe_str(k)
            out[k] = serialize(v, d)
        return out
    if t is list or t is tuple or isinstance(value, (list, tuple)):
        return [serialize(v, d) for v in value]
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, (set, frozenset)):
        return sorted_if_possible([serialize(v, d) for v in value])
    # uuid, datetime and dataclasses are looked up, not imported: a value of their types exists only
    # once something imported them, and the worker starts faster without them.
    modules = sys.modules
    uuid = modules.get("uuid")
    if uuid is not None and isinstance(value, getattr(uuid, "UUID", ())):
        return str(value)
    dt = modules.get("datetime")
    if dt is not None and isinstance(value, tuple(getattr(dt, n, ()) for n in ("datetime", "date", "time"))):
        return value.isoformat()
    if not isinstance(value, type):
        for as_dict in _model_dumps(value):
            try:
                return serialize(as_dict(), d)
            except Exception:
                pass
        dataclasses = modules.get("dataclasses")
        if dataclasses is not None and dataclasses.is_dataclass(value):
            try:
                return serialize(dataclasses.asdict(value), d)
            except Exception:
                try:
                    return {f.name: serialize(getattr(value, f.name, None), d)
                            for f in dataclasses.fields(value)}
                except Exception:
                    pass
        if isinstance(value, Mapping):
            try:
                return serialize(dict(value), _depth)
            except Exception:
                pass
    return safe_str(value)


def _model_dumps(value):
    """The dict forms a model offers, in the order tried: pydantic v2's model_dump(), then
    v1's dict() (only on a v1 model, since any object may have a `dict` attribute)."""
    dump = getattr(value, "model_dump", None)
    if dump is not None and callable(dump):
        yield dump
    if hasattr(value, "__fields__"):
        as_dict = getattr(value, "dict", None)
        if as_dict is not None and callable(as_dict):
            yield as_dict


def sorted_if_possible(items):
    """`items` sorted when they compare with each other, else as they came (a set's elements)."""
    try:
        items.sort()
    except TypeError:
        pass
    return items


def safe_str(value):
    """str(value), or `<TypeName>` when even that fails (an exception's text included)."""
    try:
        return str(value)
    except Exception:
        return "<%s>" % type(value).__name__


# ---------------------------------------------------------------------------
# Streaming: join generator chunks into text.
# ---------------------------------------------------------------------------

_MISSING = object()


def _field(obj, key):
    if isinstance(obj, Mapping):
        try:
            return obj[key]
        except Exception:
            return _MISSING
    try:
        return getattr(obj, key)
    except Exception:
        return _MISSING


def chunk_text(chunk, path=None):
    """The text a stream chunk carries, or None.

    A str chunk as is; otherwise the value at `path` (runner.stream_output_path,
    default update.delta) looked up by key or attribute, else a `delta` or
    `text` field; only str values count.
    """
    if type(chunk) is str or isinstance(chunk, str):
        return chunk
    if chunk is None:
        return None
    if path is None:
        path = stream_output_path
    value = chunk
    for key in path:
        value = _field(value, key)
        if value is _MISSING or value is None:
            break
    else:
        if isinstance(value, str):
            return value
    for key in ("delta", "text"):
        value = _field(chunk, key)
        if isinstance(value, str):
            return value
    return None


def join_chunks(chunks, path=None):
    """(joined text, whether any chunk carried text)."""
    parts = []
    for chunk in chunks:
        text = chunk_text(chunk, path)
        if text is not None:
            parts.append(text)
    return "".join(parts), bool(parts)
