"""An agent that uses the whole SDK runs with the bundled package, with and without the real SDK.

The agent imports every public name of fluxloop 0.1.7, annotates its persona
parameter with PersonaConfig and calls add_metadata / add_tag / set_user. A
driver does what the worker does around one run (a fresh _context.Run made
current, the persona bound through fluxloop._binding, take_trace_fields at
the end) with a plain interpreter, and with the interpreter of a virtualenv
where the real SDK (and pydantic) is installed: in both, the bundled package
is the one every module sees, and the run's trace gets the agent's fields.
"""

import json
import os
import sys
import tempfile
import unittest

import sdk_reference as ref

AGENT = r'''
from typing import Optional

import fluxloop
import fluxloop.buffer, fluxloop.client, fluxloop.config, fluxloop.context, fluxloop.decorators
import fluxloop.models, fluxloop.recording, fluxloop.schemas, fluxloop.schemas.config
import fluxloop.schemas.trace, fluxloop.serialization, fluxloop.storage
from fluxloop import (agent, prompt, tool, trace, instrument, get_current_context, FluxLoopContext,
                      FluxLoopClient, configure, load_env, get_config, reset_config,
                      enable_recording, disable_recording, set_recording_options, record_call_args,
                      ExperimentConfig, PersonaConfig, RunnerConfig, VariationStrategy, Trace,
                      Observation, ObservationType, ObservationLevel, Score, ScoreDataType,
                      TraceStatus)
from fluxloop.client import FluxLoopClient as Client
from fluxloop.context import get_current_context as current_context
from fluxloop.schemas import MultiTurnConfig

configure(api_key="sk-test", collector_url="http://127.0.0.1:9", use_collector=True)


@tool(description="shout")
def shout(text):
    return text.upper()


@agent(name="SdkAgent")
def run(input_text: str, persona: Optional[PersonaConfig] = None):
    context = current_context()
    context.add_metadata("persona_name", persona.name)
    context.add_metadata("score", Score(trace_id=context.trace.id, name="s", value=1.0,
                                        data_type=ScoreDataType.NUMERIC).value)
    context.add_tag("sdk")
    context.add_tag(TraceStatus.SUCCESS.value)
    context.set_user("user-" + input_text)
    with Client() as client:
        sent = client.send_trace(context.trace)
    return {
        "reply": shout(input_text),
        "persona_class": "%s.%s" % (type(persona).__module__, type(persona).__name__),
        "is_persona_config": isinstance(persona, PersonaConfig),
        "prompt_first_line": persona.to_prompt().splitlines()[0],
        "sent": sent,
        "fluxloop_file": fluxloop.__file__,
        "same_package": fluxloop.context.get_current_context is get_current_context,
    }
'''

DRIVER = r'''
import inspect, json, sys
sys.path.insert(1, sys.argv[1])  # after the bundled package, as the worker orders them
import fluxloop._context as ctx
from fluxloop import _binding
import sdk_agent

def one(text, raw_persona):
    param = inspect.signature(sdk_agent.run).parameters["persona"]
    persona = raw_persona
    if _binding.wants_persona_config(param.annotation):
        persona = _binding.persona_config(raw_persona)
    run = ctx.Run(ctx.new_id())
    token = ctx.current.set((run, None))
    try:
        output = sdk_agent.run(text, persona=persona)
    finally:
        ctx.current.reset(token)
    return {"output": output, "trace": ctx.take_trace_fields(run),
            "observations": [r["name"] for r in run.records]}

first = one("a", {"name": "Ana", "description": "curious", "goals": ["learn"]})
second = one("b", {"name": "Bo"})
print(json.dumps({
    "first": first, "second": second,
    "outside": fluxloop.get_current_context() is None,
    "modules": sorted(set(m.__file__.split("/fluxloop/")[0] for n, m in sys.modules.items()
                          if n == "fluxloop" or n.startswith("fluxloop."))),
    "same_object": sdk_agent.fluxloop is sys.modules["fluxloop"],
    "pydantic_loaded": "pydantic" in sys.modules,
}, default=str))
'''


class SDKAgentTests(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="fluxloop-sdk-agent-")
        self.addCleanup(tmp.cleanup)
        self.dir = tmp.name
        with open(os.path.join(self.dir, "sdk_agent.py"), "w") as handle:
            handle.write(AGENT)
        os.mkdir(os.path.join(self.dir, "driver"))  # the script's folder goes first on sys.path
        self.driver = os.path.join(self.dir, "driver", "driver.py")
        with open(self.driver, "w") as handle:
            handle.write("import fluxloop\n" + DRIVER)

    def check(self, result):
        self.assertEqual(result["modules"], [ref.BUNDLED], "every fluxloop module is the bundled one")
        self.assertTrue(result["same_object"])
        self.assertTrue(result["outside"], "no context outside a run")
        self.assertFalse(result["pydantic_loaded"], "the bundled package never imports pydantic")
        first, second = result["first"], result["second"]
        out = first["output"]
        self.assertEqual(out["reply"], "A")
        self.assertEqual(out["persona_class"], "fluxloop.schemas.config.PersonaConfig")
        self.assertTrue(out["is_persona_config"])
        self.assertEqual(out["prompt_first_line"], "User Persona: Ana")
        self.assertEqual(out["sent"], {"status": "collector_disabled"}, "nothing is sent")
        self.assertTrue(out["fluxloop_file"].startswith(ref.BUNDLED))
        self.assertTrue(out["same_package"])
        self.assertEqual(first["trace"], {"user_id": "user-a", "tags": ["sdk", "success"],
                                          "metadata": {"persona_name": "Ana", "score": 1.0}})
        self.assertEqual(second["trace"], {"user_id": "user-b", "tags": ["sdk", "success"],
                                           "metadata": {"persona_name": "Bo", "score": 1.0}})
        self.assertEqual(first["observations"], ["shout", "SdkAgent"])

    def test_plain_interpreter(self):
        out = ref.run_python(sys.executable, [self.driver, self.dir], True, self.dir, plain=True)
        self.check(json.loads(out))

    def test_interpreter_with_the_real_sdk_installed(self):
        python = ref.reference_python()
        out = ref.run_python(python, ["-c", "import fluxloop, pydantic; print(fluxloop.__file__)"],
                             False, self.dir)
        self.assertNotIn(ref.BUNDLED, out, "the venv has the real SDK")
        result = json.loads(ref.run_python(python, [self.driver, self.dir], True, self.dir))
        self.check(result)


class BindingTests(unittest.TestCase):
    """fluxloop._binding, which the worker uses to bind personas (plain interpreter)."""

    def test_annotations(self):
        code = r'''
import sys, typing
from fluxloop import PersonaConfig
from fluxloop._binding import wants_persona_config as w, persona_config
yes = [PersonaConfig, typing.Optional[PersonaConfig], "PersonaConfig", "Optional[PersonaConfig]",
       "fluxloop.PersonaConfig", "PersonaConfig | None", typing.Union[PersonaConfig, dict]]
no = [None, str, dict, "MyPersonaConfig", "PersonaConfigs", typing.Optional[str], "dict"]
assert all(w(a) for a in yes), [a for a in yes if not w(a)]
assert not any(w(a) for a in no), [a for a in no if w(a)]
p = persona_config({"name": "N", "description": None, "goals": None, "unknown": 1})
assert (p.name, p.description, p.goals, p.language) == ("N", "", [], "en"), p
assert persona_config(p) is p and persona_config(None) is None
try:
    persona_config("text")
except ValueError as exc:
    assert "mapping" in str(exc)
else:
    raise AssertionError("a string is not a persona")
print("ok")
'''
        self.assertEqual(ref.run_python(sys.executable, ["-c", code], True, ref.BUNDLED,
                                        plain=True).strip(), "ok")


if __name__ == "__main__":
    unittest.main()
