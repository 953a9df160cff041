"""Experiment configuration schemas (FluxLoop SDK 0.1.7 `fluxloop.schemas.config`).

Standard library only; see fluxloop._model for the model base.
"""

from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import Any, Dict, List, Optional

from .._model import BaseModel, Field, PrivateAttr, ValidationError


class VariationStrategy(str, Enum):
    """Strategy for generating prompt variations."""

    REPHRASE = "rephrase"
    ERROR_PRONE = "error_prone"
    TYPO = "typo"
    VERBOSE = "verbose"
    CONCISE = "concise"
    PERSONA_BASED = "persona_based"
    ADVERSARIAL = "adversarial"
    MULTILINGUAL = "multilingual"
    CUSTOM = "custom"


class InputGenerationMode(str, Enum):
    """Supported input generation approaches."""

    DETERMINISTIC = "deterministic"
    LLM = "llm"


class LLMGeneratorConfig(BaseModel):
    """Settings of LLM-backed input generation."""

    enabled: bool = False
    provider: str = "openai"
    model: str = "gpt-5-mini"
    api_key: Optional[str] = None
    system_prompt: Optional[str] = None
    user_prompt_template: Optional[str] = None
    strategy_prompts: Dict[str, str] = Field(default_factory=dict)
    max_outputs: int = Field(default=3, ge=1, le=20)
    temperature: float = Field(default=0.7, ge=0.0, le=2.0)
    top_p: float = Field(default=1.0, ge=0.0, le=1.0)
    frequency_penalty: float = Field(default=0.0, ge=-2.0, le=2.0)
    presence_penalty: float = Field(default=0.0, ge=-2.0, le=2.0)
    max_tokens: int = Field(default=1024, ge=16, le=4096)
    request_timeout: int = Field(default=60, ge=1, le=600)
    batch_size: int = Field(default=1, ge=1, le=10)
    metadata: Dict[str, Any] = Field(default_factory=dict)
    reasoning_effort: Optional[str] = None
    text_verbosity: Optional[str] = None


class InputGenerationConfig(BaseModel):
    """Input generation options."""

    mode: InputGenerationMode = InputGenerationMode.LLM
    llm: LLMGeneratorConfig = Field(default_factory=LLMGeneratorConfig)


def _joined(values):
    return ", ".join(str(v) for v in values)


class PersonaConfig(BaseModel):
    """A simulated user."""

    name: str
    description: str
    characteristics: List[str] = Field(default_factory=list)
    language: str = "en"
    expertise_level: str = "intermediate"
    goals: List[str] = Field(default_factory=list)
    constraints: List[str] = Field(default_factory=list)
    custom_attributes: Dict[str, Any] = Field(default_factory=dict)

    def to_prompt(self):
        """The persona as prompt text (FluxLoop's layout)."""
        lines = ["User Persona: %s" % self.name, "Description: %s" % self.description]
        if self.characteristics:
            lines.append("Characteristics: %s" % _joined(self.characteristics))
        if self.goals:
            lines.append("Goals: %s" % _joined(self.goals))
        if self.constraints:
            lines.append("Constraints: %s" % _joined(self.constraints))
        lines.append("Language: %s" % self.language)
        lines.append("Expertise Level: %s" % self.expertise_level)
        return "\n".join(lines)

    @classmethod
    def from_mapping(cls, data):
        """A PersonaConfig from a persona as the runner sends it (a mapping).

        Lenient where the runner's data may be incomplete: a missing or null
        name/description becomes "", a null list/dict field its empty default,
        a null language/expertise_level its default; unknown keys are ignored.
        An existing PersonaConfig is returned as is. Not part of FluxLoop's SDK.
        """
        if isinstance(data, cls):
            return data
        if not isinstance(data, Mapping):
            raise ValidationError("a persona must be a mapping, got %s" % type(data).__name__)
        values = {}
        for name, info in cls.model_fields.items():
            value = data.get(name)
            if value is None:
                if info.is_required():
                    values[name] = ""
                continue
            values[name] = value
        return cls(**values)


class MultiTurnSupervisorConfig(BaseModel):
    """The conversation supervisor LLM."""

    provider: str = "openai"
    model: str = "gpt-5-mini"
    temperature: Optional[float] = Field(default=None, ge=0.0, le=2.0)
    system_prompt: Optional[str] = None
    api_key: Optional[str] = None
    metadata: Dict[str, Any] = Field(default_factory=dict)


class MultiTurnConfig(BaseModel):
    """Multi-turn execution settings."""

    enabled: bool = False
    max_turns: int = Field(default=8, ge=1, le=100)
    auto_approve_tools: bool = True
    persona_override: Optional[str] = None
    supervisor: MultiTurnSupervisorConfig = Field(default_factory=MultiTurnSupervisorConfig)


class EvaluatorConfig(BaseModel):
    """One evaluation method."""

    name: str
    type: str
    enabled: bool = True
    model: Optional[str] = None
    prompt_template: Optional[str] = None
    rules: List[Dict[str, Any]] = Field(default_factory=list)
    metric_name: Optional[str] = None
    threshold: Optional[float] = None
    module_path: Optional[str] = None
    class_name: Optional[str] = None
    weight: float = 1.0
    metadata: Dict[str, Any] = Field(default_factory=dict)


class RunnerConfig(BaseModel):
    """How the agent is run."""

    module_path: str
    function_name: str = "run"
    target: Optional[str] = None
    factory: Optional[str] = None
    factory_kwargs: Dict[str, Any] = Field(default_factory=dict)
    stream_output_path: Optional[str] = None
    working_directory: Optional[str] = None
    python_path: List[str] = Field(default_factory=list)
    environment_vars: Dict[str, str] = Field(default_factory=dict)
    requirements_file: Optional[str] = None
    setup_commands: List[str] = Field(default_factory=list)
    timeout_seconds: int = 300
    max_retries: int = 3
    retry_delay: int = 5
    use_docker: bool = False
    docker_image: Optional[str] = None
    docker_build_context: Optional[str] = None
    docker_volumes: List[str] = Field(default_factory=list)

    @classmethod
    def _before(cls, data):
        value = data.get("python_path", [])
        if value is None or isinstance(value, (str, list, tuple)):
            data = dict(data)
            data["python_path"] = ([] if value is None else [value] if isinstance(value, str)
                                   else [str(item) for item in value])
        return data


class ReplayArgsConfig(BaseModel):
    """Argument replay settings."""

    enabled: bool = False
    recording_file: Optional[str] = None
    callable_providers: Dict[str, str] = Field(default_factory=lambda: {
        "send_message_callback": "builtin:collector.send",
        "send_error_callback": "builtin:collector.error",
    })
    override_param_path: Optional[str] = "data.content"


def _at_least(count, minimum, message):
    """`count`, or ValueError(message) (FluxLoop's wording) when it is below `minimum`."""
    if count < minimum:
        raise ValueError(message)
    return count


class ExperimentConfig(BaseModel):
    """A complete experiment configuration."""

    _source_dir: Optional[Path] = PrivateAttr(default=None)
    _resolved_input_count: Optional[int] = PrivateAttr(default=None)
    _resolved_persona_count: Optional[int] = PrivateAttr(default=None)

    name: str
    description: Optional[str] = None
    version: str = "1.0.0"
    iterations: int = Field(default=10, ge=1, le=1000)
    parallel_runs: int = Field(default=1, ge=1, le=10)
    seed: Optional[int] = None
    run_delay_seconds: float = Field(default=0.0, ge=0.0)
    personas: List[PersonaConfig] = Field(default_factory=list)
    variation_strategies: List[VariationStrategy] = Field(default_factory=list)
    variation_count: int = Field(default=1, ge=1, le=10)
    variation_temperature: float = Field(default=0.7, ge=0, le=2)
    variation_model: str = "gpt-3.5-turbo"
    custom_variation_prompt: Optional[str] = None
    base_inputs: List[Dict[str, Any]] = Field(default_factory=list)
    inputs_file: Optional[str] = None
    input_template: Optional[str] = None
    input_generation: InputGenerationConfig = Field(default_factory=InputGenerationConfig)
    runner: RunnerConfig
    replay_args: Optional[ReplayArgsConfig] = None
    evaluators: List[EvaluatorConfig] = Field(default_factory=list)
    output_directory: str = "./experiments"
    save_traces: bool = True
    save_aggregated_metrics: bool = True
    multi_turn: Optional[MultiTurnConfig] = None
    collector_url: Optional[str] = None
    collector_api_key: Optional[str] = None
    tags: List[str] = Field(default_factory=list)
    metadata: Dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def validate_iterations(cls, value):
        if value > 1000:
            raise ValidationError("iterations must be <= 1000 for safety")
        return value

    @classmethod
    def validate_input_sources(cls, values):
        """At least one input source: base_inputs or inputs_file."""
        if not values.base_inputs and not values.inputs_file:
            raise ValidationError("Either base_inputs or inputs_file must be provided")
        return values

    def _check(self):
        self.validate_iterations(self.iterations)
        self.validate_input_sources(self)

    def has_external_inputs(self):
        """True when the inputs come from an external file."""
        return bool(self.inputs_file)

    def set_source_dir(self, source_dir):
        """Remember the directory the config file was loaded from."""
        self._source_dir = source_dir

    def get_source_dir(self):
        return self._source_dir

    def set_resolved_input_count(self, count):
        self._resolved_input_count = _at_least(count, 0, "resolved input count must be non-negative")

    def get_resolved_input_count(self):
        return self._resolved_input_count

    def set_resolved_persona_count(self, count):
        self._resolved_persona_count = _at_least(count, 1, "resolved persona count must be >= 1")

    def get_resolved_persona_count(self):
        return self._resolved_persona_count

    def _default_input_count(self):
        count = len(self.base_inputs)
        if self.has_external_inputs():
            return count or 1
        variations = max(1, self.variation_count)
        return count * variations if count else variations

    def get_input_count(self):
        """The number of inputs that will run."""
        if self._resolved_input_count is not None:
            return self._resolved_input_count
        return self._default_input_count()

    def estimate_total_runs(self):
        """iterations x personas x inputs."""
        personas = self._resolved_persona_count
        if personas is None:
            personas = len(self.personas) or 1
        return self.iterations * personas * self.get_input_count()

    def to_dict(self):
        return self.model_dump(exclude_none=True)
