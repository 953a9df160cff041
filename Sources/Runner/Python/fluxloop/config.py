"""SDK settings (FluxLoop SDK 0.1.7 `fluxloop.config`), standard library only.

The settings are FluxLoop's, read from the same FLUXLOOP_* environment
variables with the same defaults, and configure() checks and applies them the
same way. In the bundled package none of them makes anything go over the
network: the runner records every run itself (see docs/sdk.md). What acts:
record_args / recording_file (argument recording, for replay_args) and debug.
"""

import os
from datetime import datetime
from pathlib import Path
from typing import Optional
from urllib.parse import urlparse

from ._model import BaseModel, Field, ValidationError
from .recording import disable_recording, enable_recording


def _env(name, default=None):
    return lambda: os.getenv(name, default)


def _env_flag(name, default):
    return lambda: os.getenv(name, default).lower() == "true"


def _env_number(name, default, kind):
    return lambda: kind(os.getenv(name, default))


def _parse_dotenv(path):
    values = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("export "):
                line = line[7:].lstrip()
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                continue
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            elif " #" in value:
                value = value.split(" #", 1)[0].rstrip()
            values[key.strip()] = value
    return values


def load_env(dotenv_path=None, *, override=True, refresh_config=True):
    """Load KEY=VALUE lines of a .env file into os.environ; True if the file was found.

    `dotenv_path` may be a file or a directory holding `.env`; without it, the
    `.env` of the current directory. With refresh_config (and a path), the
    settings are rebuilt from the environment.
    """
    if dotenv_path is None:
        candidate = Path(".env")
    else:
        candidate = Path(dotenv_path).expanduser()
        if candidate.is_dir():
            candidate = candidate / ".env"
    if not candidate.is_file():
        return False
    for key, value in _parse_dotenv(str(candidate)).items():
        if override or key not in os.environ:
            os.environ[key] = value
    if dotenv_path is not None and refresh_config and globals().get("_config") is not None:
        _refresh_config_from_env()
    return True


class SDKConfig(BaseModel):
    """SDK settings; every default comes from a FLUXLOOP_* environment variable."""

    collector_url: Optional[str] = Field(default_factory=_env("FLUXLOOP_COLLECTOR_URL",
                                                              "http://localhost:8000"))
    api_key: Optional[str] = Field(default_factory=_env("FLUXLOOP_API_KEY"))
    enabled: bool = Field(default_factory=_env_flag("FLUXLOOP_ENABLED", "true"))
    debug: bool = Field(default_factory=_env_flag("FLUXLOOP_DEBUG", "false"))
    use_collector: bool = Field(default_factory=_env_flag("FLUXLOOP_USE_COLLECTOR", "true"))
    offline_store_enabled: bool = Field(default_factory=_env_flag("FLUXLOOP_OFFLINE_ENABLED", "true"))
    offline_store_dir: str = Field(default_factory=_env("FLUXLOOP_OFFLINE_DIR",
                                                        "./experiments/artifacts"))
    record_args: bool = Field(default_factory=_env_flag("FLUXLOOP_RECORD_ARGS", "false"))
    recording_file: Optional[str] = Field(default_factory=_env("FLUXLOOP_RECORDING_FILE"))
    batch_size: int = Field(default_factory=_env_number("FLUXLOOP_BATCH_SIZE", "10", int))
    flush_interval: float = Field(default_factory=_env_number("FLUXLOOP_FLUSH_INTERVAL", "5.0", float))
    max_queue_size: int = Field(default_factory=_env_number("FLUXLOOP_MAX_QUEUE_SIZE", "1000", int))
    timeout: float = Field(default_factory=_env_number("FLUXLOOP_TIMEOUT", "10.0", float))
    sample_rate: float = Field(default_factory=_env_number("FLUXLOOP_SAMPLE_RATE", "1.0", float))
    service_name: Optional[str] = Field(default_factory=_env("FLUXLOOP_SERVICE_NAME"))
    environment: Optional[str] = Field(default_factory=_env("FLUXLOOP_ENVIRONMENT", "development"))

    @classmethod
    def validate_collector_url(cls, value):
        """A URL with scheme and host, without its trailing slash."""
        if value is None:
            return None
        parts = urlparse(value)
        if not (parts.scheme and parts.netloc):
            raise ValidationError("Invalid collector URL: %r" % value)
        return value.rstrip("/")

    @classmethod
    def validate_sample_rate(cls, value):
        if not 0 <= value <= 1:
            raise ValidationError("sample_rate must be between 0 and 1")
        return value

    @classmethod
    def validate_batch_size(cls, value):
        if value < 1:
            raise ValidationError("batch_size must be at least 1")
        if value > 100:
            raise ValidationError("batch_size must not exceed 100")
        return value

    def _check(self):
        self.collector_url = self.validate_collector_url(self.collector_url)
        self.validate_sample_rate(self.sample_rate)
        self.validate_batch_size(self.batch_size)


def _recording_path(path):
    if path:
        resolved = Path(path).expanduser().resolve()
    else:
        resolved = Path("/tmp/fluxloop_args_%s.jsonl" % datetime.now().strftime("%Y%m%d_%H%M%S"))
    resolved.parent.mkdir(parents=True, exist_ok=True)
    return resolved


def _apply_recording(config):
    """record_args on: record into recording_file (made absolute); off: stop recording."""
    if config.record_args:
        path = _recording_path(config.recording_file)
        enable_recording(str(path))
        config.recording_file = str(path)
        if config.debug:
            print("Argument recording enabled -> %s" % path)
    else:
        disable_recording()
        if config.debug:
            print("Argument recording disabled")


_config = SDKConfig()
_apply_recording(_config)


def _refresh_config_from_env():
    global _config
    _config = SDKConfig()
    _apply_recording(_config)


def configure(**kwargs):
    """Change settings (FluxLoop's names only; an unknown one raises ValueError) and return them."""
    global _config
    for key in kwargs:
        if key not in SDKConfig.model_fields:
            raise ValueError("Unknown configuration parameter: %s" % key)
    values = _config.model_dump()
    values.update(kwargs)
    _config = SDKConfig(**values)
    _apply_recording(_config)
    return _config


def get_config():
    """The current settings."""
    return _config


def reset_config():
    """Settings back to their defaults (from the environment)."""
    global _config
    _config = SDKConfig()
    _apply_recording(_config)
    return _config
