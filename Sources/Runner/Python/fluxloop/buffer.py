"""The SDK's event buffer (FluxLoop SDK 0.1.7 `fluxloop.buffer`), without network or threads.

Standard library only. FluxLoop's buffer batches traces and observations and
sends them to a collector from a background thread. In the bundled package
the runner records every run itself, so this buffer only holds what agent
code gives it; flush() drops it. Nothing is ever sent.
"""

import threading
import time
from collections import deque

from .config import get_config
from .models import ObservationData, TraceData
from .storage import OfflineStore


class EventBuffer:
    """Process-wide buffer; get it with EventBuffer.get_instance()."""

    _instance = None
    _lock = threading.Lock()

    def __init__(self):
        if EventBuffer._instance is not None:
            raise RuntimeError("Use EventBuffer.get_instance() instead")
        self.config = get_config()
        self.traces = deque(maxlen=self.config.max_queue_size)
        self.observations = deque(maxlen=self.config.max_queue_size)
        self.send_lock = threading.Lock()
        self.last_flush = time.time()
        self.stop_event = threading.Event()
        self.flush_thread = None
        self.offline_store = None

    @classmethod
    def get_instance(cls):
        if cls._instance is None:
            with cls._lock:
                if cls._instance is None:
                    cls._instance = cls()
        return cls._instance

    def add_trace(self, trace):
        if self.config.enabled:
            with self.send_lock:
                self.traces.append(trace)

    def add_observation(self, trace_id, observation):
        if self.config.enabled:
            with self.send_lock:
                self.observations.append((trace_id, observation))

    def flush_if_needed(self):
        with self.send_lock:
            full = len(self.traces) + len(self.observations) >= self.config.batch_size
        if full:
            self.flush()

    def flush(self):
        """Empty the buffer; the runner has recorded the run already, so nothing is sent."""
        with self.send_lock:
            self.traces.clear()
            self.observations.clear()
            self.last_flush = time.time()

    def shutdown(self):
        self.stop_event.set()
        self.flush()
