"""The collector client (FluxLoop SDK 0.1.7 `fluxloop.client`), without network.

Standard library only. FluxLoop's client posts traces and observations to a
collector over HTTP. In the bundled package the runner records every run
itself, so the client takes FluxLoop's arguments, keeps its settings, and
sends nothing: send_trace / send_observation answer {"status": "disabled"}
when the SDK is disabled, else {"status": "collector_disabled"}.
"""

from .config import get_config
from .models import ObservationData, TraceData
from .serialization import serialize_observation, serialize_trace


class FluxLoopClient:
    """Collector client that never connects."""

    def __init__(self, collector_url=None, api_key=None):
        self.config = get_config()
        default_url = self.config.collector_url or "http://localhost:8000"
        self.collector_url = (collector_url or default_url).rstrip("/")
        self.api_key = api_key or self.config.api_key
        self._client = None

    def _get_headers(self):
        headers = {"Content-Type": "application/json", "User-Agent": "fluxloop-sdk/0.1.0"}
        if self.api_key:
            headers["Authorization"] = "Bearer %s" % self.api_key
        if self.config.service_name:
            headers["X-Service-Name"] = self.config.service_name
        if self.config.environment:
            headers["X-Environment"] = self.config.environment
        return headers

    def _status(self):
        return {"status": "disabled" if not self.config.enabled else "collector_disabled"}

    def send_trace(self, trace):
        """Accepted and dropped (the runner records the run)."""
        return self._status()

    def send_observation(self, trace_id, observation):
        """Accepted and dropped (the runner records the run)."""
        return self._status()

    def _serialize_trace(self, trace):
        return serialize_trace(trace)

    def _serialize_observation(self, observation):
        return serialize_observation(observation)

    def close(self):
        self._client = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.close()
