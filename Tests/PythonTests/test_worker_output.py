"""The run's output: FluxLoop's selection order, and the text of a value an undecorated agent returned."""

import json
import unittest
from collections import OrderedDict
from types import SimpleNamespace

import support
from support import WorkerAssertions, WorkerProcess

from fluxloop._context import Run, serialize
from fluxloop_worker.output import choose, find_text, json_text, return_output
from fluxloop_worker.replay import CallbackLog


def text_of(value):
    return return_output(value, serialize)[0]


class ReturnedValueUnitTests(unittest.TestCase):
    def test_the_shapes_of_the_issue(self):
        self.assertEqual(text_of({"text": "value", "score": 1}), "value")
        self.assertEqual(text_of({"message": {"content": [{"text": "part one"}, {"text": "part two"}]}}),
                         "part one part two")
        self.assertEqual(text_of({"answer": 42, "unit": "pages"}), '{"answer": 42, "unit": "pages"}')
        self.assertEqual(text_of(["alpha", "beta"]), '["alpha", "beta"]')
        self.assertEqual(text_of(42), "42")
        self.assertEqual(text_of(1.5), "1.5")
        self.assertEqual(text_of(True), "true")
        self.assertEqual(text_of(None), "")
        self.assertEqual(text_of("plain"), "plain")

    def test_fluxloop_field_order_and_nesting(self):
        self.assertEqual(text_of({"delta": "d", "text": "t"}), "d", "delta before text")
        self.assertEqual(text_of({"text": "", "content": ["a", {"text": "b"}, 3]}), "a b", "empty text skipped")
        self.assertEqual(text_of({"update": {"delta": "u"}, "message": {"text": "m"}}), "u")
        self.assertEqual(text_of({"data": {"item": {"message": {"text": "deep"}}}}), "deep", "three levels down")
        self.assertEqual(text_of({"data": {"item": {"message": {"data": {"text": "too deep"}}}}}),
                         '{"data": {"item": {"message": {"data": {"text": "too deep"}}}}}')
        self.assertEqual(text_of({"text": 5}), '{"text": 5}', "only strings count")
        self.assertEqual(text_of({"content": []}), '{"content": []}')
        self.assertEqual(text_of(OrderedDict(text="mapping")), "mapping")

    def test_objects_answer_through_attributes(self):
        self.assertEqual(text_of(SimpleNamespace(update=SimpleNamespace(delta="stream delta"))), "stream delta")
        self.assertEqual(text_of(SimpleNamespace(update=SimpleNamespace(delta=None, content=SimpleNamespace(text="c")))),
                         "c")
        item = SimpleNamespace(content=[SimpleNamespace(text="one"), SimpleNamespace(text="two")])
        self.assertEqual(text_of(SimpleNamespace(item=item)), "one two")
        self.assertEqual(text_of(SimpleNamespace(delta="d", text="t")), "t", "an event's text before its delta")
        self.assertEqual(text_of(SimpleNamespace(message=SimpleNamespace(content=[{"text": "x"}]))), "x")

    def test_json_text_is_fluxloops(self):
        self.assertEqual(json_text({"é": [1, None, False]}), '{"é": [1, null, false]}')
        self.assertEqual(json_text(float("nan")), "NaN")

    def test_the_value_goes_along_unless_the_text_is_all(self):
        self.assertEqual(return_output({"text": "v", "score": 1}, serialize), ("v", {"text": "v", "score": 1}))
        self.assertEqual(return_output({"b", "a"}, serialize), ('["a", "b"]', ["a", "b"]))
        self.assertEqual(return_output("s", serialize), ("s", None))
        self.assertEqual(return_output(None, serialize), ("", None))
        self.assertEqual(return_output(b"x", serialize), ("b'x'", None))

    def test_selection_order(self):
        run = Run("t")
        log = CallbackLog()
        self.assertEqual(choose(run, log, {"text": "returned"}, serialize), ("returned", {"text": "returned"}))
        log.sent.append({"reply": "sent"})
        self.assertEqual(choose(run, log, "returned", serialize), ({"reply": "sent"}, None), "replay message")
        run.add("a", "agent", "Agent", "s", {}, {"text": "agent output"}, None, {}, None, None)
        self.assertEqual(choose(run, log, "returned", serialize), ({"text": "agent output"}, None),
                         "a decorated agent's output is kept as it is")
        run.add("f", "span", "agent_final_response", "s", {}, "final", None, {}, None, "a")
        self.assertEqual(choose(run, log, "returned", serialize), ("final", None))


class UndecoratedAgentTests(WorkerAssertions, unittest.TestCase):
    def test_returned_shapes_over_the_protocol(self):
        # Tests/RunnerTests/Fixtures/agents/shapes_agent.py, also run end to end by OutputValueTests.swift.
        expected = {
            "text": ("value", {"text": "value", "score": 1}),
            "parts": ("part one part two", {"message": {"content": [{"text": "part one"}, {"text": "part two"}]}}),
            "dict": ('{"answer": 42, "unit": "pages"}', {"answer": 42, "unit": "pages"}),
            "list": ('["alpha", "beta"]', ["alpha", "beta"]),
            "number": ("42", 42),
            "bool": ("true", True),
            "none": ("", None),
            "unicode": ('{"réponse": "déjà vu"}', {"réponse": "déjà vu"}),
        }
        with WorkerProcess("shapes_agent:run") as w:
            for shape, (text, value) in expected.items():
                with self.subTest(shape=shape):
                    resp = self.assertOk(w.request(shape))
                    self.assertEqual(resp["output"], text)
                    self.assertEqual(resp.get("output_value"), value)
                    self.assertEqual(json.loads(resp["_raw"]).get("output_value"), value)


if __name__ == "__main__":
    unittest.main()
