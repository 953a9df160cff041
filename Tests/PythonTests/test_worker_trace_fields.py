"""What an agent sets through get_current_context() reaches the response; PersonaConfig personas."""

import unittest

from support import WorkerAssertions, WorkerProcess, scratch, write_module

PERSONA = {"name": "novice", "description": "First-time customer", "characteristics": ["curious"],
           "language": "en", "expertise_level": "novice", "goals": ["buy"],
           "constraints": [], "custom_attributes": {"tier": "free"}}

FIELDS_AGENT = '''
import asyncio
import fluxloop


def tagged(input):
    ctx = fluxloop.get_current_context()
    ctx.add_metadata("topic", input)
    ctx.add_metadata("score", {"value": 1, "parts": [1, 2]})
    ctx.add_tag("first")
    ctx.add_tag("second")
    ctx.add_tag("first")
    ctx.set_user("user-" + input)
    return "tagged " + input


def failing(input):
    ctx = fluxloop.get_current_context()
    ctx.add_tag("before-error")
    ctx.set_user("u-fail")
    raise RuntimeError("boom")


def plain(input):
    return "plain " + input


def only_tag(input):
    fluxloop.get_current_context().add_tag("lonely")
    return "tag only"


async def async_agent(input):
    await asyncio.sleep(0)
    ctx = fluxloop.get_current_context()
    ctx.add_metadata("async", True)
    return "async " + input


class Unserialisable(object):
    def __repr__(self):
        return "<Unserialisable>"


def odd_value(input):
    fluxloop.get_current_context().add_metadata("object", Unserialisable())
    return "odd"
'''

PERSONA_AGENT = '''
from __future__ import annotations

from typing import Optional

import fluxloop
from fluxloop import PersonaConfig


def _describe(persona):
    if persona is None:
        return "none"
    return "%s:%s:%s:%s" % (type(persona).__name__, isinstance(persona, fluxloop.PersonaConfig),
                            persona.name, ",".join(persona.goals))


def as_class(input, persona: PersonaConfig):
    return _describe(persona)


def as_optional(input, persona: Optional[PersonaConfig] = None):
    return _describe(persona)


def as_union(input, persona: PersonaConfig | None = None):
    return _describe(persona)


def as_string(input, persona: "fluxloop.PersonaConfig" = None):
    return _describe(persona)


def unannotated(input, persona=None):
    return _describe(persona)


def other_annotation(input, persona: dict = None):
    return _describe(persona)
'''

# Without `from __future__ import annotations`: the annotations are real objects.
PERSONA_EVALUATED = '''
from typing import Optional

from fluxloop import PersonaConfig


def as_class(input, persona: PersonaConfig):
    return "%s:%s" % (type(persona).__name__, persona.description)


def as_optional(input, persona: Optional[PersonaConfig] = None):
    return "%s:%s" % (type(persona).__name__, persona.language)
'''


def setUpModule():
    write_module("trace_fields_agent.py", FIELDS_AGENT)
    write_module("persona_config_agent.py", PERSONA_AGENT)
    write_module("persona_config_evaluated.py", PERSONA_EVALUATED)


def worker(target):
    return WorkerProcess(target, python_path=[scratch()], cwd=scratch())


class TraceFieldTests(WorkerAssertions, unittest.TestCase):
    def test_user_tags_and_metadata_reach_the_response(self):
        with worker("trace_fields_agent:tagged") as w:
            resp = self.assertOk(w.request("a"))
            self.assertEqual(resp["output"], "tagged a")
            self.assertEqual(resp["user_id"], "user-a")
            self.assertEqual(resp["tags"], ["first", "second"], "each tag once, in order")
            self.assertEqual(resp["metadata"], {"topic": "a", "score": {"value": 1, "parts": [1, 2]}})

    def test_each_run_starts_empty(self):
        with worker("trace_fields_agent:tagged") as w:
            self.assertEqual(self.assertOk(w.request("a"))["user_id"], "user-a")
            second = self.assertOk(w.request("b"))
            self.assertEqual((second["user_id"], second["tags"], second["metadata"]["topic"]),
                             ("user-b", ["first", "second"], "b"))

    def test_fields_are_sent_when_the_agent_fails(self):
        with worker("trace_fields_agent:failing") as w:
            resp = w.request("x")
            self.assertEqual(resp["error"]["type"], "RuntimeError")
            self.assertEqual((resp["user_id"], resp["tags"]), ("u-fail", ["before-error"]))
            self.assertNotIn("metadata", resp)

    def test_nothing_set_means_no_keys(self):
        with worker("trace_fields_agent:plain") as w:
            resp = self.assertOk(w.request("x"))
            for key in ("user_id", "tags", "metadata"):
                self.assertNotIn(key, resp)
            self.assertNotIn(b'"user_id"', resp["_raw"])

    def test_only_what_was_set(self):
        with worker("trace_fields_agent:only_tag") as w:
            resp = self.assertOk(w.request("x"))
            self.assertEqual(resp["tags"], ["lonely"])
            self.assertNotIn("user_id", resp)
            self.assertNotIn("metadata", resp)

    def test_async_agents(self):
        with worker("trace_fields_agent:async_agent") as w:
            self.assertEqual(self.assertOk(w.request("x"))["metadata"], {"async": True})

    def test_values_json_cannot_hold_are_made_text(self):
        with worker("trace_fields_agent:odd_value") as w:
            resp = self.assertOk(w.request("x"))
            self.assertIsInstance(resp["metadata"]["object"], str)


class PersonaConfigTests(WorkerAssertions, unittest.TestCase):
    def output(self, target, persona=PERSONA):
        with worker(target) as w:
            return self.assertOk(w.request("x", persona=persona, persona_prompt="User Persona: novice"))["output"]

    def test_annotated_parameters_get_a_persona_config(self):
        for name in ("as_class", "as_optional", "as_union", "as_string"):
            self.assertEqual(self.output("persona_config_agent:" + name), "PersonaConfig:True:novice:buy", name)

    def test_evaluated_annotations(self):
        self.assertEqual(self.output("persona_config_evaluated:as_class"), "PersonaConfig:First-time customer")
        self.assertEqual(self.output("persona_config_evaluated:as_optional"), "PersonaConfig:en")

    def test_no_persona_stays_none(self):
        self.assertEqual(self.output("persona_config_agent:as_optional", persona=None), "none")

    def test_incomplete_persona_is_accepted(self):
        self.assertEqual(self.output("persona_config_agent:as_class", persona={"name": "p", "extra": 1}),
                         "PersonaConfig:True:p:")

    def test_other_parameters_keep_the_mapping_persona(self):
        self.assertEqual(self.output("persona_config_agent:unannotated"), "Persona:False:novice:buy")
        self.assertEqual(self.output("persona_config_agent:other_annotation"), "Persona:False:novice:buy")


if __name__ == "__main__":
    unittest.main()
