"""Argument recording (FluxLoop SDK 0.1.7 `fluxloop.recording`); implemented in _recording."""

from ._recording import (ArgsRecorder, RecordingConfig, disable_recording, enable_recording,
                         record_call_args, set_recording_options)
