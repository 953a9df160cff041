"""An agent written against the whole fluxloop 0.1.7 SDK: it imports every public name, takes its
persona as a PersonaConfig, and sets the run's user, tags and metadata through the context."""

from typing import Optional

import fluxloop
from fluxloop import (agent, prompt, tool, trace, instrument, get_current_context, FluxLoopContext,
                      FluxLoopClient, configure, load_env, get_config, reset_config,
                      enable_recording, disable_recording, set_recording_options, record_call_args,
                      ExperimentConfig, PersonaConfig, RunnerConfig, VariationStrategy, Trace,
                      Observation, ObservationType, ObservationLevel, Score, ScoreDataType, TraceStatus)
from fluxloop.buffer import EventBuffer
from fluxloop.client import FluxLoopClient as Client
from fluxloop.config import SDKConfig, configure as configure_sdk, get_config as sdk_config
from fluxloop.config import load_env as load_sdk_env, reset_config as reset_sdk_config
from fluxloop.context import FluxLoopContext as Context, get_current_context as current_context
from fluxloop.context import instrument as instrument_block
from fluxloop.decorators import agent as agent_decorator, prompt as prompt_decorator
from fluxloop.decorators import tool as tool_decorator, trace as trace_decorator
from fluxloop.models import ObservationData, TraceData
from fluxloop.models import ObservationLevel as ModelLevel, ObservationType as ModelType
from fluxloop.recording import (ArgsRecorder, RecordingConfig, disable_recording as stop_recording,
                                enable_recording as start_recording, record_call_args as record_args,
                                set_recording_options as recording_options)
from fluxloop.schemas import (EvaluatorConfig, InputGenerationConfig, InputGenerationMode,
                              LLMGeneratorConfig, MultiTurnConfig, MultiTurnSupervisorConfig,
                              ReplayArgsConfig)
from fluxloop.schemas.config import ExperimentConfig as SchemaExperiment, PersonaConfig as SchemaPersona
from fluxloop.schemas.trace import Observation as SchemaObservation, Trace as SchemaTrace
from fluxloop.serialization import serialize_observation, serialize_trace
from fluxloop.storage import OfflineStore

# The real SDK would send to this collector; during an experiment nothing is sent.
configure(api_key="sk-test-not-a-secret", collector_url="http://127.0.0.1:9", use_collector=True)


def installed_sdk():
    """The version of the fluxloop distribution installed in this interpreter, or None."""
    try:
        from importlib.metadata import version
        return version("fluxloop")
    except Exception:
        return None


@tool(description="Look a topic up")
def lookup(topic):
    return "notes on " + topic


def run(input: str, persona: Optional[PersonaConfig] = None):
    if not isinstance(persona, PersonaConfig) or not isinstance(persona, SchemaPersona):
        raise TypeError("persona is a %s, not a fluxloop.PersonaConfig" % type(persona).__name__)
    ctx = get_current_context()
    if not isinstance(ctx, FluxLoopContext) or current_context() is not ctx:
        raise TypeError("get_current_context() gave %r" % (ctx,))
    ctx.add_metadata("persona_name", persona.name)
    ctx.add_metadata("persona_goals", list(persona.goals))
    ctx.add_metadata("bundled_by", getattr(fluxloop, "__bundled_by__", None))
    ctx.add_metadata("sdk_version", fluxloop.__version__)
    ctx.add_metadata("installed_sdk", installed_sdk())
    ctx.add_tag("sdk-surface")
    ctx.add_tag("persona:" + persona.name)
    ctx.add_tag("sdk-surface")
    ctx.set_user("user-" + persona.name)
    return "%s, for %s" % (lookup(input), persona.name)
