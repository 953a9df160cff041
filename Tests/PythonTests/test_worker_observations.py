"""Runs of decorated agents: observation records in FluxLoop 0.2.30's shape, errors, streams."""

import json
import os
import subprocess
import unittest

import support
from support import WorkerAssertions, WorkerProcess, by_name, observations


class ObservationTests(WorkerAssertions, unittest.TestCase):
    def test_sync_agent(self):
        with WorkerProcess("sync_agent:run") as w:
            resp = self.assertOk(w.request("How do I return a damaged book?"))
            self.assertEqual(resp["output"], "You wrote 7 words (plain).")
            self.assertNotIn("stdout", resp)
            self.assertNotIn("output_value", resp, "decorated agents: the observation's output")
            self.assertRecords(resp)
            recs = observations(resp)
            self.assertEqual([(r["type"], r["name"]) for r in recs],
                             [("tool", "count_words"), ("generation", "write_reply"), ("agent", "SyncAgent")])
            tool, gen, agent = recs
            self.assertNotIn("parent_observation_id", agent)
            self.assertEqual((tool["parent_observation_id"], gen["parent_observation_id"]), (agent["id"], agent["id"]))
            self.assertEqual(tool["metadata"], {"description": "Count the words in a question"})
            self.assertEqual(gen["model"], "m1")
            self.assertEqual(agent["input"], {"input_text": "How do I return a damaged book?"})
            self.assertEqual(gen["input"], {"words": 7, "style": "plain"}, "defaults applied")
            self.assertEqual(tool["output"], {"words": 7})
            resp2 = self.assertOk(w.request("x"))
            self.assertRecords(resp2)
            self.assertFalse({r["id"] for r in recs} & {r["id"] for r in observations(resp2)}, "fresh ids")
            self.assertEqual(w.close(), 0)

    def test_async_agent_nests_across_await(self):
        with WorkerProcess("async_agent:run") as w:
            resp = self.assertOk(w.request("cats"))
            self.assertEqual(resp["output"], "answer about cats / answer about CATS")
            self.assertRecords(resp)
            recs = observations(resp)
            self.assertEqual([r["name"] for r in recs], ["lookup", "lookup", "AsyncAgent"])
            self.assertEqual(recs[-1]["input"], {"message": "cats"})
            for rec in recs[:2]:
                self.assertEqual(rec["parent_observation_id"], recs[-1]["id"])
            self.assertEqual(self.assertOk(w.request("dogs"))["output"], "answer about dogs / answer about DOGS")

    def test_streams_are_joined(self):
        cases = [("stream_agent:stream", None, "world", "Hello, world"),
                 ("stream_agent:stream", "update.status", "world", "thinking"),
                 ("stream_agent:stream_text", None, "world", "abworld"),
                 ("stream_agent:stream_sync", None, "world", "sync:world")]
        for target, path, text, expected in cases:
            with self.subTest(target=target, path=path), \
                    WorkerProcess(target, stream_output_path=path) as w:
                resp = self.assertOk(w.request(text))
                self.assertEqual(resp["output"], expected)
                self.assertNotIn("output_value", resp)
                self.assertNotIn("observations", resp)
        with WorkerProcess("stream_agent:stream_traced") as w:
            resp = self.assertOk(w.request("ab"))
            self.assertRecords(resp)
            recs = observations(resp)
            self.assertEqual([r["name"] for r in recs], ["spell", "StreamAgent"])
            self.assertEqual(recs[1]["output"], "spelled: a-b")
            self.assertEqual(resp["output"], "spelled: a-b")

    def test_errors_and_silent_runs(self):
        with WorkerProcess("flaky_agent:run") as w:
            resp = w.request("I want a refund")
            self.assertNotIn("output", resp)
            err = resp["error"]
            self.assertEqual((err["type"], err["message"]), ("ValueError", "refunds are handled by a human agent"))
            self.assertTrue(err["traceback"].startswith("Traceback (most recent call last):"))
            self.assertIn("flaky_agent.py", err["traceback"])
            self.assertNotIn("fluxloop_worker", err["traceback"], "the agent's frames, not the worker's")
            self.assertRecords(resp)
            (agent,) = observations(resp)
            self.assertEqual(agent["error"], "refunds are handled by a human agent")
            self.assertEqual(agent["metadata"]["error_type"], "ValueError")

            resp = w.request("broken atlas")
            self.assertEqual(resp["error"]["type"], "InventoryError")
            tool, agent = observations(resp)
            self.assertEqual((tool["name"], tool["error"]), ("check_stock", "title unavailable: broken atlas"))

            resp = self.assertOk(w.request("silent mode please"))
            self.assertEqual(resp["output"], "")
            self.assertNotIn("output", observations(resp)[0])

            resp = w.request("please exit")
            self.assertEqual((resp["error"]["type"], resp["error"]["message"]), ("SystemExit", "4"))
            self.assertEqual(self.assertOk(w.request("Dune"))["output"], "5 copies of 'Dune' in stock")
            self.assertEqual(w.close(), 0)

    def test_final_response_wins(self):
        with WorkerProcess("final_response_agent:run") as w:
            resp = self.assertOk(w.request("abc"))
            self.assertEqual(resp["output"], "FINAL: abc")
            self.assertRecords(resp)
            names = by_name(resp)
            self.assertEqual(sorted(names), ["FinalAgent", "agent_final_response", "post_processing"])
            self.assertEqual(names["FinalAgent"]["output"], "return value (not used)")
            self.assertEqual(names["agent_final_response"]["type"], "span")
            self.assertEqual((names["post_processing"]["type"], names["post_processing"]["input"]), ("span", {}))

    def test_values_are_made_json(self):
        support.write_module("values_agent.py", '''
import dataclasses, datetime
import fluxloop

@dataclasses.dataclass
class Point:
    x: int
    y: int

class Opaque:
    def __str__(self):
        return "<opaque>"

class FakeModel:  # looks like a pydantic v2 model
    def model_dump(self):
        return {"kind": "model", "tags": {"b", "a"}}

VALUES = {"set": lambda: {"c", "a", "b"}, "dataclass": lambda: Point(1, 2), "opaque": Opaque,
          "model": FakeModel, "nan": lambda: float("nan"), "tuplekey": lambda: {(1, 2): "t", 3: "int"},
          "when": lambda: datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
          "bytes": lambda: b"\\xff"}

@fluxloop.tool
def make(kind):
    return VALUES[kind]()

def run(input_text):
    return make(input_text)
''')
        cases = {
            "set": ["a", "b", "c"], "dataclass": {"x": 1, "y": 2}, "opaque": "<opaque>",
            "model": {"kind": "model", "tags": ["a", "b"]}, "nan": "NaN",
            "tuplekey": {"(1, 2)": "t", "3": "int"}, "when": "2026-01-02T03:04:05+00:00", "bytes": "b'\\xff'",
        }
        with WorkerProcess("values_agent:run", python_path=[support.scratch()]) as w:
            for kind, expected in cases.items():
                with self.subTest(kind=kind):
                    resp = self.assertOk(w.request(kind))
                    self.assertEqual(observations(resp)[0]["output"], expected)
                    # An undecorated agent's output is the text of what it returned; a value that is
                    # not a string on the Python side also goes along as output_value.
                    if kind == "nan":
                        self.assertEqual((resp["output"], resp["output_value"]), ("NaN", "NaN"))
                    elif isinstance(expected, str):
                        self.assertEqual(resp["output"], expected)
                        self.assertNotIn("output_value", resp)
                    else:
                        self.assertEqual(resp["output_value"], expected)
                        self.assertEqual(resp["output"], json.dumps(expected, ensure_ascii=False))

    def test_generators_threads_and_early_close(self):
        support.write_module("gen_agent.py", '''
import threading
import fluxloop

@fluxloop.tool(description="numbers")
def numbers(n):
    for i in range(n):
        yield i

@fluxloop.tool
def words():
    yield "one "
    yield "two"

@fluxloop.tool
def in_thread(x):
    return x * 2

@fluxloop.agent(name="GenAgent")
def run(input_text):
    first = []
    for i in numbers(10):
        if i == 2:
            break
        first.append(i)
    text = "".join(words())
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("v", in_thread(21)))
    t.start(); t.join()
    return {"first": first, "text": text, "thread": out["v"]}
''')
        with WorkerProcess("gen_agent:run", python_path=[support.scratch()]) as w:
            resp = self.assertOk(w.request("go"))
            self.assertEqual(resp["output"], {"first": [0, 1], "text": "one two", "thread": 42},
                             "a decorated agent's output is its observation's, as today")
            self.assertRecords(resp)
            names = by_name(resp)
            self.assertEqual(names["numbers"]["output"], [0, 1, 2], "closed early: chunks so far")
            self.assertNotIn("error", names["numbers"])
            self.assertEqual(names["numbers"]["parent_observation_id"], names["GenAgent"]["id"])
            self.assertEqual(names["words"]["output"], "one two")
            self.assertNotIn("parent_observation_id", names["in_thread"], "plain thread: via the active run")

    def test_instrument_spans(self):
        support.write_module("ctx_agent.py", '''
import fluxloop

@fluxloop.tool
async def step(x):
    return x + "!"

@fluxloop.agent(name="CtxAgent")
async def run(input_text, persona=None):
    async with fluxloop.instrument("block", input={"k": input_text}) as span:
        value = await step(input_text)
        span.set_output(value)
    return value
''')
        with WorkerProcess("ctx_agent:run", python_path=[support.scratch()]) as w:
            resp = self.assertOk(w.request("a", persona={"name": "p", "goals": ["g"]}))
            self.assertEqual(resp["output"], "a!")
            self.assertRecords(resp)
            names = by_name(resp)
            self.assertEqual((names["block"]["input"], names["block"]["output"]), ({"k": "a"}, "a!"))
            self.assertEqual(names["block"]["parent_observation_id"], names["CtxAgent"]["id"])
            self.assertEqual(names["step"]["parent_observation_id"], names["block"]["id"])
            self.assertEqual(names["CtxAgent"]["input"], {"input_text": "a", "persona": {"name": "p", "goals": ["g"]}})

    def test_shim_outside_a_worker_records_nothing(self):
        code = r'''
import asyncio, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import fluxloop, sync_agent, async_agent, stream_agent, class_agent, final_response_agent
assert fluxloop.__version__ == "0.1.7" and fluxloop.__bundled_by__ == "fluxloop-swift"
fluxloop.configure(api_key="x", enabled=True); fluxloop.init(); fluxloop.flush()
assert sync_agent.run("a b") == "You wrote 2 words (plain)."
assert asyncio.run(async_agent.run("x")) == "answer about x / answer about X"
async def drain(g):
    return [c async for c in g]
assert asyncio.run(drain(stream_agent.stream_traced("ab"))) == [{"delta": "spelled: "}, {"text": "a-b"}]
assert class_agent.Bot().reply("q") == "hi: q"
assert final_response_agent.run("z") == "return value (not used)"
import inspect
assert inspect.iscoroutinefunction(async_agent.run)
assert inspect.isasyncgenfunction(stream_agent.stream_traced)
with fluxloop.instrument("outside") as span:
    span.add_metadata("k", "v")
print("ok")
'''
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
        out = subprocess.run([support.PYTHON, "-c", code, support.runtime(), support.AGENTS],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                             env=env, cwd=support.scratch(), timeout=60)
        self.assertEqual((out.returncode, out.stdout.strip()), (0, "ok"), out.stderr)


def _normalise_call(records):
    """Records of one agent call with ids, times and trace ids replaced by stable values."""
    index = {rec["id"]: i for i, rec in enumerate(records)}
    out = []
    for rec in records:
        norm = []
        for key, value in rec.items():
            if key in ("start_time", "end_time", "trace_id"):
                value = "<%s>" % key
            elif key == "id":
                value = index[value]
            elif key == "parent_observation_id":
                value = index.get(value, "<outside>")
            elif key == "metadata" and "traceback" in value:
                value = dict(value, traceback=value["traceback"].strip().splitlines()[-1])
            norm.append((key, value))
        out.append(norm)
    return out


def _reference_calls(path):
    """FluxLoop's observations.jsonl split into agent calls (each ends with its root)."""
    calls, current = [], []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            rec = json.loads(line)
            current.append(rec)
            if "parent_observation_id" not in rec:
                calls.append(current)
                current = []
    return calls


class ReferenceTests(WorkerAssertions, unittest.TestCase):
    def test_records_match_what_fluxloop_wrote(self):
        scenarios = [("single_turn_basic", "bookstore_agent:answer"), ("agent_errors", "stock_agent:run"),
                     ("multi_turn_mock", "chat_agent:chat")]
        for folder, target in scenarios:
            root = os.path.join(support.reference_folder(), folder)
            calls = _reference_calls(os.path.join(root, "fluxloop-0.2.30-output", "artifacts", "observations.jsonl"))
            self.assertTrue(calls, folder)
            with self.subTest(folder=folder), WorkerProcess(target, cwd=root) as w:
                for call in calls:
                    root_input = call[-1]["input"]
                    state = {"turns": root_input["messages"]} if "messages" in root_input else None
                    resp = w.request(root_input["input_text"], conversation_state=state)
                    self.assertRecords(resp)
                    self.assertEqual(_normalise_call(observations(resp)), _normalise_call(call))
                    if "error" in call[-1]:
                        self.assertEqual(resp["error"]["message"], call[-1]["error"])
                    else:
                        self.assertEqual(resp["output"], call[-1].get("output", ""))


if __name__ == "__main__":
    unittest.main()
