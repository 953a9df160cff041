"""Trace context (FluxLoop SDK 0.1.7 `fluxloop.context`), standard library only.

During a worker run, get_current_context() returns the run's FluxLoopContext:
its trace carries what the agent adds with add_metadata / add_tag / set_user,
and the worker takes those with _context.take_trace_fields(run) when the run
ends. Runs are kept apart by the run the context variable points at
(fluxloop._context.current), so concurrent runs in one process never mix.
Outside a run it returns None, as FluxLoop does outside an instrumented block.
"""

import random
import threading
from datetime import datetime, timezone
from uuid import UUID, uuid4

from . import _context
from .buffer import EventBuffer
from .config import get_config
from .models import ObservationData, TraceData
from ._decorators import instrument

_bind_lock = threading.Lock()


class FluxLoopContext:
    """One trace: its record (`trace`) and the stack of open observations."""

    def __init__(self, trace_name, trace_id=None, session_id=None, user_id=None, metadata=None,
                 tags=None, trace_id_override=None):
        self.config = get_config()
        self.buffer = EventBuffer.get_instance()
        trace_uuid = self._coerce_uuid(trace_id_override) or trace_id or uuid4()
        self.trace = TraceData(id=trace_uuid, name=trace_name, session_id=session_id,
                               user_id=user_id, metadata=metadata or {}, tags=tags or [])
        self.observation_stack = []
        self.observations = []
        self.is_sampled = random.random() < self.config.sample_rate
        self._run = None

    def is_enabled(self):
        """Whether this trace records; a worker run's context always does."""
        if self._run is not None:
            return True
        return self.config.enabled and self.is_sampled

    def push_observation(self, observation):
        """Open an observation: it joins this trace, under the innermost open one."""
        if not self.is_enabled():
            return
        observation.trace_id = self.trace.id
        if self.observation_stack:
            observation.parent_observation_id = self.observation_stack[-1].id
        self.observation_stack.append(observation)
        self.observations.append(observation)
        if observation.end_time and self._run is None:
            self.buffer.add_observation(self.trace.id, observation)

    def pop_observation(self):
        """Close the innermost observation; in a worker run it is recorded in the run."""
        if not self.is_enabled() or not self.observation_stack:
            return None
        observation = self.observation_stack.pop()
        if not observation.end_time:
            observation.end_time = datetime.now(timezone.utc)
        if self._run is not None:
            self._record(observation)
        else:
            self.buffer.add_observation(self.trace.id, observation)
        return observation

    def _record(self, obs):
        cur = _context.lookup()
        parent = obs.parent_observation_id
        parent = str(parent) if parent is not None else (cur[1] if cur else None)
        ser = _context.serialize
        self._run.add(str(obs.id), ser(obs.type), obs.name, obs.start_time.isoformat(),
                      ser(obs.input) if obs.input is not None else {},
                      ser(obs.output) if obs.output is not None else None,
                      obs.error, ser(obs.metadata), obs.model, parent)

    def add_metadata(self, key, value):
        """Add a key to the trace's metadata."""
        if self.is_enabled():
            self.trace.metadata[key] = value

    def add_tag(self, tag):
        """Add a tag to the trace (once)."""
        if self.is_enabled() and tag not in self.trace.tags:
            self.trace.tags.append(tag)

    @staticmethod
    def _coerce_uuid(value):
        if value is None:
            return None
        if isinstance(value, UUID):
            return value
        try:
            return UUID(str(value))
        except Exception:
            return None

    def set_user(self, user_id):
        """Set the trace's user id."""
        if self.is_enabled():
            self.trace.user_id = user_id

    def finalize(self):
        """Close open observations and the trace. Nothing is sent anywhere."""
        if not self.is_enabled():
            return
        while self.observation_stack:
            self.pop_observation()
        if not self.trace.end_time:
            self.trace.end_time = datetime.now(timezone.utc)
        if self._run is None:
            self.buffer.add_trace(self.trace)
            self.buffer.flush_if_needed()


def _run_context(run):
    """The FluxLoopContext of a worker run, made on first use."""
    sdk = run.sdk
    if sdk is None:
        with _bind_lock:
            sdk = run.sdk
            if sdk is None:
                sdk = FluxLoopContext.__new__(FluxLoopContext)
                sdk.config = get_config()
                sdk.buffer = EventBuffer.get_instance()
                trace_id = FluxLoopContext._coerce_uuid(run.trace_id) or run.trace_id
                sdk.trace = TraceData.model_construct(id=trace_id, name="fluxloop_run")
                sdk.observation_stack = []
                sdk.observations = []
                sdk.is_sampled = True
                sdk._run = run
                run.sdk = sdk
    return sdk


def get_current_context():
    """The current trace context: the worker run's, or None outside a run."""
    cur = _context.lookup()
    if cur is None:
        return None
    return _run_context(cur[0])
