"""Local JSON-lines store of traces and observations (FluxLoop SDK 0.1.7 `fluxloop.storage`).

Standard library only. Nothing in the bundled package calls it during an
experiment (the runner records runs itself); agent code that uses it directly
gets FluxLoop's files.
"""

import json
import os
from pathlib import Path

from .config import get_config
from .models import ObservationData, TraceData
from .serialization import serialize_observation, serialize_trace


class OfflineStore:
    """Appends traces and observations to traces.jsonl / observations.jsonl in offline_store_dir."""

    def __init__(self):
        self.config = get_config()
        self.base_dir = Path(self.config.offline_store_dir)
        self.traces_file = self.base_dir / "traces.jsonl"
        self.observations_file = self.base_dir / "observations.jsonl"
        if self.config.offline_store_enabled:
            self.base_dir.mkdir(parents=True, exist_ok=True)

    def _append(self, path, payloads):
        if not self.config.offline_store_enabled:
            return
        with path.open("a") as handle:
            for payload in payloads:
                handle.write(json.dumps(payload) + os.linesep)

    def record_traces(self, traces):
        self._append(self.traces_file, (serialize_trace(t) for t in traces))

    def record_observations(self, items):
        def payloads():
            for trace_id, observation in items:
                payload = serialize_observation(observation)
                payload["trace_id"] = str(trace_id)
                yield payload
        self._append(self.observations_file, payloads())
