#!/usr/bin/env python3
"""End-to-end self-check of the fluxloop-swift Python worker and SDK shim.

Runs Sources/Runner/Python/fluxloop_worker.py the way the Swift side does: the
worker and its `fluxloop/` shim are copied into a fresh "cache" folder, the
worker is started as `python3 <cache>/fluxloop_worker.py` with cwd = the
agents folder and FLUXLOOP_WORKER_CONFIG in the environment, and it is driven
over its JSON-lines protocol. Every check prints one line; the run ends with
"N passed, N failed" and a throughput figure for trivial3_agent.

    python3 Tests/RunnerTests/Fixtures/check_worker.py [--python PYTHON] [--quick]
            [-k SUBSTRING]

--python runs the worker under another interpreter (e.g. python3.9), --quick
skips the throughput measurement, -k runs only checks whose name contains it.
Standard library only.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
AGENTS = os.path.join(HERE, "agents")
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
PYTHON_SRC = os.path.join(REPO, "Sources", "Runner", "Python")

KEY_ORDER = ["id", "type", "name", "start_time", "end_time", "input", "output", "error",
             "level", "metadata", "model", "parent_observation_id", "trace_id"]
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

PYTHON = sys.executable
CACHE = None  # folder holding the copied worker and shim
TMP = None  # folder for modules written by the checks


class CheckFailed(AssertionError):
    pass


def check(condition, message, *details):
    if not condition:
        text = message
        for detail in details:
            text += "\n    " + (detail if isinstance(detail, str) else json.dumps(
                detail, ensure_ascii=False, indent=None)[:3000])
        raise CheckFailed(text)


def eq(actual, expected, what):
    check(actual == expected, "%s: expected %r, got %r" % (what, expected, actual))


# ---------------------------------------------------------------------------
# Driving a worker
# ---------------------------------------------------------------------------

class Worker(object):
    """One worker process, started as the Swift side starts it."""

    def __init__(self, target, factory=None, factory_kwargs=None, python_path=None,
                 stream_output_path=None, cwd=AGENTS, expect_ready=True, raw_config=None):
        config = raw_config if raw_config is not None else {
            "target": target,
            "factory": factory,
            "factory_kwargs": factory_kwargs or {},
            "working_directory": cwd,
            "python_path": python_path or [],
            "stream_output_path": stream_output_path,
        }
        env = dict(os.environ)
        env["FLUXLOOP_WORKER_CONFIG"] = config if isinstance(config, str) else json.dumps(config)
        env["PYTHONDONTWRITEBYTECODE"] = "1"  # keep the fixtures folder clean
        env.pop("PYTHONPATH", None)
        self.stderr_file = tempfile.TemporaryFile(dir=TMP)
        self.proc = subprocess.Popen(
            [PYTHON, os.path.join(CACHE, "fluxloop_worker.py")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr_file,
            cwd=cwd, env=env)
        self.ready_line = self.proc.stdout.readline()
        check(self.ready_line.endswith(b"\n"), "ready line missing", self.ready_line, self.stderr())
        self.ready = json.loads(self.ready_line)
        if expect_ready:
            check(self.ready.get("ready") is True, "worker not ready", self.ready, self.stderr())
        self.counter = 0

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def read_raw(self):
        line = self.proc.stdout.readline()
        check(line.endswith(b"\n"), "worker closed its output", line, self.stderr())
        return line

    def request(self, input_text="hello", **fields):
        self.counter += 1
        req = {"id": "r%d" % self.counter, "trace_id": "trace-%d" % self.counter,
               "input": input_text, "iteration": 0, "persona": None, "persona_prompt": None,
               "conversation_state": None}
        req.update(fields)
        self.send_raw(json.dumps(req).encode("utf-8") + b"\n")
        line = self.read_raw()
        resp = json.loads(line)
        check(resp.get("id") == req["id"], "response id mismatch", req, resp)
        resp["_raw"] = line
        resp["_req"] = req
        return resp

    def close(self, timeout=10):
        try:
            self.proc.stdin.close()
        except Exception:
            pass
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise CheckFailed("worker did not exit after EOF")
        finally:
            self.proc.stdout.close()

    def stderr(self):
        self.stderr_file.seek(0)
        return self.stderr_file.read().decode("utf-8", "replace")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.close()
        self.stderr_file.close()
        return False


def not_ready(target, **kw):
    """Start a worker that must fail; return (error object, exit status, stderr)."""
    w = Worker(target, expect_ready=False, **kw)
    try:
        check(w.ready.get("ready") is False, "expected ready=false", w.ready)
        rest = w.proc.stdout.read()
        eq(rest, b"", "output after ready=false")
        status = w.proc.wait(10)
        err = w.ready.get("error")
        check(isinstance(err, dict) and set(err) == {"type", "message", "traceback"},
              "error object shape", w.ready)
        return err, status, w.stderr()
    finally:
        w.stderr_file.close()


def ok(resp):
    check("error" not in resp, "unexpected error response", resp.get("error"))
    check("output" in resp, "no output", resp)
    return resp


def observations(resp):
    return resp.get("observations", [])


def check_records(resp):
    """Every observation record has FluxLoop's keys in FluxLoop's order."""
    trace_id = resp["_req"]["trace_id"]
    ids = set()
    for rec in observations(resp):
        keys = list(rec)
        expected = [k for k in KEY_ORDER if k in rec]
        eq(keys, expected, "key order of %s" % rec.get("name"))
        for required in ("id", "type", "name", "start_time", "end_time", "input", "level",
                         "metadata", "trace_id"):
            check(required in rec, "record lacks %s" % required, rec)
        check(UUID_RE.match(rec["id"]), "id is not a uuid4", rec["id"])
        check(TIME_RE.match(rec["start_time"]) and TIME_RE.match(rec["end_time"]),
              "time format", rec["start_time"], rec["end_time"])
        check(rec["start_time"] <= rec["end_time"], "start after end", rec)
        eq(rec["level"], "info", "level")
        eq(rec["trace_id"], trace_id, "trace_id")
        check("output" not in rec or rec["output"] is not None, "output null", rec)
        check(isinstance(rec["input"], dict), "input is not a dict", rec)
        if "error" in rec:
            check("error_type" in rec["metadata"] and "traceback" in rec["metadata"],
                  "error metadata", rec)
        ids.add(rec["id"])
    # children before parents: a parent is always recorded after its children
    seen = set()
    for rec in observations(resp):
        parent = rec.get("parent_observation_id")
        if parent is not None:
            check(parent in ids, "parent not in this run", rec)
            check(parent not in seen, "parent recorded before child", rec)
        seen.add(rec["id"])


def by_name(resp):
    return {rec["name"]: rec for rec in observations(resp)}


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------

CHECKS = []


def case(fn):
    CHECKS.append(fn)
    return fn


@case
def sync_agent_observations():
    with Worker("sync_agent:run") as w:
        resp = ok(w.request("How do I return a damaged book?"))
        eq(resp["output"], "You wrote 7 words (plain).", "output")
        check("stdout" not in resp and "stderr" not in resp, "no prints expected", resp)
        check_records(resp)
        recs = observations(resp)
        eq([(r["type"], r["name"]) for r in recs],
           [("tool", "count_words"), ("generation", "write_reply"), ("agent", "SyncAgent")],
           "finish order")
        tool, gen, agent = recs
        eq(agent.get("parent_observation_id"), None, "agent parent")
        eq(tool["parent_observation_id"], agent["id"], "tool parent")
        eq(gen["parent_observation_id"], agent["id"], "generation parent")
        eq(tool["metadata"], {"description": "Count the words in a question"}, "tool metadata")
        eq(gen["model"], "m1", "model")
        check("model" not in tool and "model" not in agent, "model only on generation", recs)
        eq(agent["input"], {"input_text": "How do I return a damaged book?"}, "agent input")
        eq(gen["input"], {"words": 7, "style": "plain"}, "defaults applied to input")
        eq(tool["output"], {"words": 7}, "tool output stays JSON")
        eq(agent["metadata"], {}, "agent metadata")
        # a second run gets its own trace and fresh ids
        resp2 = ok(w.request("x"))
        check_records(resp2)
        check(not ({r["id"] for r in recs} & {r["id"] for r in observations(resp2)}),
              "ids reused across runs")
        eq(w.close(), 0, "exit status after EOF")


@case
def ready_line_shape():
    with Worker("sync_agent:run") as w:
        eq(sorted(w.ready), ["executable", "pid", "python", "ready"], "ready keys")
        eq(w.ready["pid"], w.proc.pid, "pid")
        check(re.match(r"^3\.\d+\.\d+$", w.ready["python"]), "python version", w.ready)
        check(w.ready_line == json.dumps(w.ready, separators=(",", ":")).encode() + b"\n",
              "compact ready line", w.ready_line)


@case
def async_agent_nested_across_await():
    with Worker("async_agent:run") as w:
        resp = ok(w.request("cats"))
        eq(resp["output"], "answer about cats / answer about CATS", "output")
        check_records(resp)
        recs = observations(resp)
        eq([r["name"] for r in recs], ["lookup", "lookup", "AsyncAgent"], "names")
        agent = recs[-1]
        eq(agent["input"], {"message": "cats"}, "input bound to message")
        for r in recs[:2]:
            eq(r["parent_observation_id"], agent["id"], "gathered tool parent")
        eq(sorted(r["input"]["topic"] for r in recs[:2]), ["CATS", "cats"], "tool inputs")
        resp = ok(w.request("dogs"))  # the event loop is reused
        eq(resp["output"], "answer about dogs / answer about DOGS", "second async run")


@case
def stream_agents():
    with Worker("stream_agent:stream") as w:
        resp = ok(w.request("world"))
        eq(resp["output"], "Hello, world", "update.delta chunks joined")
        check("observations" not in resp, "undecorated: no observations", resp)
    with Worker("stream_agent:stream", stream_output_path="update.status") as w:
        eq(ok(w.request("world"))["output"], "thinking", "custom stream_output_path")
    with Worker("stream_agent:stream_text") as w:
        eq(ok(w.request("world"))["output"], "abworld", "str chunks joined")
    with Worker("stream_agent:stream_sync") as w:
        eq(ok(w.request("world"))["output"], "sync:world", "sync generator joined")
    with Worker("stream_agent:stream_traced") as w:
        resp = ok(w.request("ab"))
        check_records(resp)
        recs = observations(resp)
        eq([r["name"] for r in recs], ["spell", "StreamAgent"], "generator observation order")
        eq(recs[0]["parent_observation_id"], recs[1]["id"], "tool inside stream has parent")
        eq(recs[1]["output"], "spelled: a-b", "generator observation output is joined text")
        eq(resp["output"], "spelled: a-b", "output")


@case
def class_targets():
    with Worker("class_agent:Bot.reply") as w:
        resp = ok(w.request("q1"))
        eq(resp["output"], "hi: q1", "Class.method with default constructor")
        eq(observations(resp)[0]["input"], {"query": "q1"}, "self excluded from input")
    with Worker("class_agent:Bot.reply", factory_kwargs={"greeting": "yo"}) as w:
        eq(ok(w.request("q2"))["output"], "yo: q2", "Class(**factory_kwargs)")
    with Worker("class_agent:Bot.reply", factory="class_agent:make_bot",
                factory_kwargs={"greeting": "yo"}) as w:
        eq(ok(w.request("q3"))["output"], "factory-yo: q3", "factory result is the instance")
    with Worker("class_agent:bot.reply") as w:
        eq(ok(w.request("q4"))["output"], "module: q4", "module-level instance")
    with Worker("class_agent:namespace.inner.answer") as w:
        eq(ok(w.request("q5"))["output"], "nested answer to q5", "nested attribute path")
    with Worker("class_agent:Bot.shout") as w:
        eq(ok(w.request("q6"))["output"], "Q6", "staticmethod: no instance")
    with Worker("class_agent:Bot.describe") as w:
        eq(ok(w.request("q7"))["output"], "Bot got q7", "classmethod: no instance")
    err, status, _ = not_ready("class_agent:Bot.reply", factory_kwargs={"nope": 1})
    eq(status, 3, "exit status")
    eq(err["type"], "TypeError", "constructor failure type")
    check("Bot(**runner.factory_kwargs)" in err["message"] and "nope" in err["message"],
          "constructor failure message", err)
    err, status, _ = not_ready("class_agent:Bot.reply", factory="class_agent:make_bott")
    eq(err["type"], "AttributeError", "missing factory")
    check("runner.factory 'class_agent:make_bott'" in err["message"], "factory message", err)


@case
def binding():
    persona = {"name": "novice", "description": "First-time customer", "characteristics": [],
               "language": "en", "expertise_level": "novice", "goals": ["buy"],
               "constraints": [], "custom_attributes": {}}
    with Worker("binding_agent:run") as w:
        resp = ok(w.request("hi there", persona=persona, persona_prompt="User Persona: novice",
                            iteration=2))
        eq(resp["output"], {
            "text": "hi there", "persona_name": "novice", "persona_key_name": "novice",
            "persona_goals": ["buy"], "persona_prompt": "User Persona: novice",
            "iteration": 2, "persona_description": "First-time customer"}, "bound values")
        resp = ok(w.request("plain", persona=None, iteration=1))
        eq(resp["output"]["persona_name"], None, "no persona")
        eq(resp["output"]["persona_description"], None, "no persona description")
        eq(resp["output"]["iteration"], 1, "iteration")
        check(b'"output":{' in resp["_raw"], "dict output stays JSON", resp["_raw"][:200])
        # a persona missing optional fields still answers attribute access for them
        resp = ok(w.request("partial", persona={"name": "p"}))
        eq(resp["output"]["persona_goals"], [], "defaulted persona field")
    with Worker("binding_agent:first_positional") as w:
        eq(ok(w.request("abc"))["output"], "first positional got abc", "first positional")
    with Worker("binding_agent:kwargs_only") as w:
        eq(ok(w.request("kw", persona={"name": "p"}))["output"], [["input", "kw"]],
           "**kwargs only: input passed as input=, extras not passed")
    with Worker("binding_agent:chat") as w:
        out = ok(w.request("single"))["output"]
        eq(out, {"user_message": "single", "messages": None, "auto_approve": False,
                 "has_state": False}, "single-turn: conversation extras not passed")
        turns = [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"},
                 {"role": "user", "content": "multi"}]
        state = {"turns": turns, "metadata": {"auto_approve_tools": True}}
        out = ok(w.request("multi", conversation_state=state))["output"]
        eq(out, {"user_message": "multi", "messages": turns, "auto_approve": True,
                 "has_state": True}, "multi-turn extras")
        out = ok(w.request("x", conversation_state={"turns": []}, metadata={"a": 1},
                           unknown_key=[1, 2]))["output"]
        eq(out["auto_approve"], False, "auto_approve default")


@case
def errors_and_silent():
    with Worker("flaky_agent:run") as w:
        resp = w.request("I want a refund")
        check("output" not in resp, "error response has no output", resp)
        err = resp["error"]
        eq(err["type"], "ValueError", "type")
        eq(err["message"], "refunds are handled by a human agent", "message")
        check(err["traceback"].startswith("Traceback (most recent call last):"), "traceback", err)
        check("flaky_agent.py" in err["traceback"] and "fluxloop_worker.py" not in
              err["traceback"], "traceback shows the agent, not the worker", err["traceback"])
        check_records(resp)
        (agent,) = observations(resp)
        eq(agent["error"], "refunds are handled by a human agent", "observation error")
        check("output" not in agent, "no output on failed observation", agent)
        eq(agent["metadata"]["error_type"], "ValueError", "error_type")
        check("ValueError: refunds" in agent["metadata"]["traceback"], "observation traceback")

        resp = w.request("broken atlas")
        eq(resp["error"]["type"], "InventoryError", "custom exception type (simple name)")
        check_records(resp)
        tool, agent = observations(resp)
        eq((tool["name"], agent["name"]), ("check_stock", "FlakyAgent"), "names")
        eq(tool["parent_observation_id"], agent["id"], "failing tool parent")
        eq(tool["metadata"]["description"], "Check stock for a title", "description kept")
        eq(tool["metadata"]["error_type"], "InventoryError", "tool error_type")
        eq(tool["error"], "title unavailable: broken atlas", "tool error")

        resp = ok(w.request("silent mode please"))
        eq(resp["output"], "", "None output becomes empty string")
        (agent,) = observations(resp)
        check("output" not in agent and "error" not in agent, "silent observation", agent)

        resp = w.request("please exit")
        eq(resp["error"]["type"], "SystemExit", "SystemExit is a run error")
        eq(resp["error"]["message"], "4", "SystemExit message")

        resp = ok(w.request("Dune"))  # the worker survived all of that
        eq(resp["output"], "5 copies of 'Dune' in stock", "after errors")
        eq(w.close(), 0, "exit status")


@case
def stdout_capture():
    with Worker("noisy_agent:run") as w:
        resp = ok(w.request("x"))
        eq(resp["output"], "quiet result", "output")
        eq(resp["stdout"], 'stdout line for x\n{"id": "fake", "output": "not a response"}\n',
           "captured stdout")
        eq(resp["stderr"], "stderr line\n", "captured stderr")
        resp = ok(w.request("y"))  # the capture is per run
        eq(resp["stdout"], 'stdout line for y\n{"id": "fake", "output": "not a response"}\n',
           "second run stdout")
        eq(w.close(), 0, "exit status")
        err = w.stderr()
        check("fd-level" in err, "fd-level writes go to the worker's stderr", err)
        check("noisy_agent imported" in err, "import-time prints go to stderr", err)


@case
def final_response_wins():
    with Worker("final_response_agent:run") as w:
        resp = ok(w.request("abc"))
        eq(resp["output"], "FINAL: abc", "agent_final_response output wins")
        check_records(resp)
        names = by_name(resp)
        eq(sorted(names), ["FinalAgent", "agent_final_response", "post_processing"], "names")
        agent = names["FinalAgent"]
        eq(agent["output"], "return value (not used)", "agent output still recorded")
        final = names["agent_final_response"]
        eq(final["type"], "span", "trace() gives a span")
        eq(final["parent_observation_id"], agent["id"], "final parent")
        span = names["post_processing"]
        eq((span["type"], span["input"]), ("span", {}), "instrument span")
        check("output" not in span, "instrument without output", span)
        eq(span["parent_observation_id"], agent["id"], "instrument parent")


@case
def unicode_round_trip():
    text = "héllo 👋 世界 \"quotes\" 'single' \\ back\nnew line \u2028 tab\t end"
    with Worker("unicode_agent:run") as w:
        resp = ok(w.request(text))
        expected = "«echo» 🚀 " + text + " — 日本語 \"quoted\" 'single' \\ back"
        eq(resp["output"], expected, "unicode output")
        eq(observations(resp)[0]["input"], {"input_text": text}, "unicode input recorded")
        raw = resp["_raw"]
        check("🚀".encode("utf-8") in raw and "日本語".encode("utf-8") in raw,
              "non-ASCII left as UTF-8 (ensure_ascii=False)", raw[:300])
        check(raw.count(b"\n") == 1, "one line per response", raw[:300])


@case
def ready_false_cases():
    err, status, _ = not_ready("agentz:run")
    eq(status, 3, "exit status")
    eq(err["type"], "ModuleNotFoundError", "type")
    eq(err["message"], "cannot import module 'agentz' for runner.target 'agentz:run': No module "
       "named 'agentz' (check runner.target and runner.working_directory / "
       "runner.python_path)", "message")

    err, status, _ = not_ready("sync_agent:runn")
    eq(status, 3, "exit status")
    eq(err["type"], "AttributeError", "type")
    check(err["message"].startswith(
        "module 'sync_agent' has no attribute 'runn' (runner.target 'sync_agent:runn')"),
        "message", err)
    check("did you mean 'run'" in err["message"], "suggestion", err)

    err, status, _ = not_ready("class_agent:Bot.replyy")
    eq(err["type"], "AttributeError", "type")
    check("class 'class_agent.Bot' has no attribute 'replyy'" in err["message"], "message", err)

    err, status, _ = not_ready("class_agent:VALUE")
    eq(status, 3, "exit status")
    eq(err["type"], "TypeError", "type")
    eq(err["message"], "runner.target 'class_agent:VALUE' resolves to a str, which is not "
       "callable", "message")

    err, status, _ = not_ready("class_agent:Bot")
    eq(err["type"], "TypeError", "class target")
    check("point it at a method" in err["message"], "class target message", err)

    err, status, _ = not_ready("bad_import_agent:run")
    eq(status, 3, "exit status")
    eq(err["type"], "ImportError", "type")
    check("importing module 'bad_import_agent'" in err["message"] and
          "RuntimeError: bad_import_agent refuses to load" in err["message"], "message", err)
    check("bad_import_agent.py" in err["traceback"] and "RuntimeError" in err["traceback"],
          "traceback", err)

    err, status, _ = not_ready("sync_agent")
    eq(err["type"], "ValueError", "malformed target")
    check("must look like 'module:function'" in err["message"], "malformed message", err)

    path = write_module("needs_dep.py", "import definitely_missing_dep_xyz\n")
    err, status, _ = not_ready("needs_dep:run", python_path=[os.path.dirname(path)])
    eq(err["type"], "ModuleNotFoundError", "missing dependency")
    check("definitely_missing_dep_xyz" in err["message"] and "install it" in err["message"],
          "missing dependency message", err)

    path = write_module("syntax_bad.py", "def run(:\n")
    err, status, _ = not_ready("syntax_bad:run", python_path=[os.path.dirname(path)])
    eq(err["type"], "ImportError", "syntax error")
    check("SyntaxError" in err["message"], "syntax error message", err)

    err, status, _ = not_ready("sync_agent:run", cwd=AGENTS,
                               raw_config='{"target": "sync_agent:run", "working_directory": '
                                          '"/nonexistent/dir"}')
    eq(err["type"], "FileNotFoundError", "missing working directory")

    err, status, _ = not_ready("x", raw_config="not json")
    eq((err["type"], status), ("ValueError", 3), "bad config")


@case
def python_path_and_shim_precedence():
    extra = os.path.join(TMP, "extra_path")
    os.makedirs(os.path.join(extra, "fluxloop"), exist_ok=True)
    with open(os.path.join(extra, "fluxloop", "__init__.py"), "w") as f:
        f.write("raise ImportError('the installed fluxloop must not be used')\n")
    with open(os.path.join(extra, "pp_agent.py"), "w") as f:
        f.write("import fluxloop\n\n@fluxloop.agent\ndef run(query):\n"
                "    return 'pp ' + query + ' ' + fluxloop.__version__\n")
    with Worker("pp_agent:run", python_path=[extra]) as w:
        resp = ok(w.request("z"))
        check(resp["output"] == "pp z 0.1.7", "shim wins", resp)
        eq(observations(resp)[0]["name"], "run", "bare @fluxloop.agent, default name")


@case
def protocol_edges():
    with Worker("sync_agent:run") as w:
        w.send_raw(b"this is not json\n")
        resp = json.loads(w.read_raw())
        eq(resp["error"]["type"], "ProtocolError", "bad line")
        eq(resp["id"], None, "bad line id")
        w.send_raw(b'{"id": "broken", "input": \n')
        resp = json.loads(w.read_raw())
        eq((resp["id"], resp["error"]["type"]), ("broken", "ProtocolError"), "id recovered")
        w.send_raw(b"[1, 2]\n")
        eq(json.loads(w.read_raw())["error"]["type"], "ProtocolError", "not an object")
        w.send_raw(b'{"id": "\xff"}\n')
        eq(json.loads(w.read_raw())["error"]["type"], "ProtocolError", "invalid UTF-8")
        w.send_raw(b"\n")  # blank lines are ignored
        ok(w.request("still fine"))
        w.send_raw(b'{"type": "shutdown"}\n')
        eq(w.proc.wait(10), 0, "shutdown exit status")
        eq(w.proc.stdout.read(), b"", "nothing after shutdown")


@case
def values_are_made_json():
    write_module("values_agent.py", '''
import dataclasses, datetime, uuid
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

@fluxloop.tool
def make(kind):
    if kind == "set":
        return {"c", "a", "b"}
    if kind == "dataclass":
        return Point(1, 2)
    if kind == "opaque":
        return Opaque()
    if kind == "model":
        return FakeModel()
    if kind == "nan":
        return float("nan")
    if kind == "tuplekey":
        return {(1, 2): "t", 3: "int"}
    if kind == "when":
        return datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    if kind == "bytes":
        return b"\\xff"
    return None

def run(input_text):
    return make(input_text)
''')
    with Worker("values_agent:run", python_path=[TMP]) as w:
        cases = {
            "set": ["a", "b", "c"],
            "dataclass": {"x": 1, "y": 2},
            "opaque": "<opaque>",
            "model": {"kind": "model", "tags": ["a", "b"]},
            "nan": "NaN",
            "tuplekey": {"(1, 2)": "t", "3": "int"},
            "when": "2026-01-02T03:04:05+00:00",
            "bytes": "b'\\xff'",
        }
        for kind, expected in cases.items():
            resp = ok(w.request(kind))
            eq(resp["output"], expected, "output for %s" % kind)
            eq(observations(resp)[0]["output"], expected, "observation output for %s" % kind)


@case
def generators_threads_and_early_close():
    write_module("gen_agent.py", '''
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
async def aw():
    return "aw"

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
    with Worker("gen_agent:run", python_path=[TMP]) as w:
        resp = ok(w.request("go"))
        eq(resp["output"], {"first": [0, 1], "text": "one two", "thread": 42}, "output")
        check_records(resp)
        names = by_name(resp)
        agent = names["GenAgent"]
        eq(names["numbers"]["output"], [0, 1, 2], "closed early: chunks so far, no error")
        check("error" not in names["numbers"], "early close is not an error", names["numbers"])
        eq(names["numbers"]["parent_observation_id"], agent["id"], "generator parent")
        eq(names["numbers"]["input"], {"n": 10}, "generator input")
        eq(names["words"]["output"], "one two", "str chunks joined")
        eq(names["in_thread"].get("parent_observation_id"), None,
           "plain thread: recorded via the active run, without parent")


@case
def keyboard_interrupt():
    write_module("interruptible_agent.py", "import time\n\ndef run(input_text):\n"
                                  "    time.sleep(float(input_text))\n    return 'done'\n")
    with Worker("interruptible_agent:run", python_path=[TMP]) as w:
        w.send_raw(b'{"id": "s1", "trace_id": "t", "input": "5"}\n')
        time.sleep(0.5)
        w.proc.send_signal(signal.SIGINT)
        resp = json.loads(w.read_raw())
        eq((resp["id"], resp["error"]["type"]), ("s1", "KeyboardInterrupt"), "interrupted run")
        eq(w.proc.wait(10), 130, "exit status after SIGINT")


@case
def shim_outside_worker():
    """Imported without a worker run, the shim records nothing and never gets in the way."""
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
assert inspect.signature(sync_agent.write_reply).parameters["style"].default == "plain"
with fluxloop.instrument("outside") as span:
    span.add_metadata("k", "v")
@fluxloop.instrument("as_decorator")
def decorated(x):
    return x + 1
assert decorated(1) == 2
@fluxloop.tool
def gen():
    x = yield 1
    yield x
g = gen(); assert next(g) == 1; assert g.send(5) == 5
try:
    fluxloop.record_call_args
except AttributeError as e:
    assert "not supported" in str(e)
print("ok")
'''
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    out = subprocess.run([PYTHON, "-c", code, os.path.join(CACHE), AGENTS],
                         capture_output=True, text=True, env=env, cwd=TMP, timeout=60)
    check(out.returncode == 0 and out.stdout.strip() == "ok", "outside-run use failed",
          out.stdout, out.stderr)


@case
def instrument_async_and_stdin():
    write_module("ctx_agent.py", '''
import sys
import fluxloop

@fluxloop.tool
async def step(x):
    return x + "!"

@fluxloop.agent(name="CtxAgent")
async def run(input_text, persona=None):
    async with fluxloop.instrument("block", input={"k": input_text}) as span:
        value = await step(input_text)
        span.set_output(value)
    stolen = sys.stdin.read()  # fd 0 is /dev/null inside the worker
    return value + "|" + repr(stolen)
''')
    with Worker("ctx_agent:run", python_path=[TMP]) as w:
        resp = ok(w.request("a", persona={"name": "p", "goals": ["g"]}))
        eq(resp["output"], "a!|''", "output; stdin cannot steal requests")
        check_records(resp)
        names = by_name(resp)
        eq(names["block"]["input"], {"k": "a"}, "instrument input")
        eq(names["block"]["output"], "a!", "instrument set_output")
        eq(names["block"]["parent_observation_id"], names["CtxAgent"]["id"], "span parent")
        eq(names["step"]["parent_observation_id"], names["block"]["id"], "tool inside span")
        eq(names["CtxAgent"]["input"], {"input_text": "a", "persona": {"name": "p", "goals": ["g"]}},
           "persona recorded as a plain dict")
        ok(w.request("b"))


REFERENCE = os.path.abspath(os.path.join(REPO, "..", "shared", "reference"))


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
                value = dict(value)
                value["traceback"] = value["traceback"].strip().splitlines()[-1]
            norm.append((key, value))
        out.append(norm)
    return out


def _reference_calls(path):
    """Split FluxLoop's observations.jsonl into agent calls (each ends with its root)."""
    calls, current = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            current.append(rec)
            if "parent_observation_id" not in rec:
                calls.append(current)
                current = []
    return calls


@case
def matches_fluxloop_reference():
    """The reference projects' agents give the same records as FluxLoop 0.2.30 wrote."""
    scenarios = [("single_turn_basic", "bookstore_agent:answer"),
                 ("agent_errors", "stock_agent:run"),
                 ("multi_turn_mock", "chat_agent:chat")]
    if not os.path.isdir(REFERENCE):
        print("     (skipped: %s not found)" % REFERENCE)
        return
    for folder, target in scenarios:
        root = os.path.join(REFERENCE, folder)
        calls = _reference_calls(os.path.join(root, "fluxloop-0.2.30-output", "artifacts",
                                              "observations.jsonl"))
        check(calls, "no reference observations for %s" % folder)
        with Worker(target, cwd=root) as w:
            for call in calls:
                root_input = call[-1]["input"]
                state = None
                if "messages" in root_input:
                    state = {"turns": root_input["messages"]}
                resp = w.request(root_input["input_text"], conversation_state=state)
                check_records(resp)
                eq(_normalise_call(observations(resp)), _normalise_call(call),
                   "%s records for %r" % (folder, root_input["input_text"]))
                if "error" in call[-1]:
                    eq(resp["error"]["message"], call[-1]["error"], "error message")
                else:
                    eq(resp["output"], call[-1].get("output", ""), "output")


# ---------------------------------------------------------------------------
# Throughput
# ---------------------------------------------------------------------------

def throughput(n_seq=5000, n_pipe=20000):
    template = '{"id":"b%d","trace_id":"t%d","input":"What is the status of order %d?",' \
               '"iteration":0,"persona":null,"persona_prompt":null,"conversation_state":null}\n'
    with Worker("trivial3_agent:run") as w:
        # warm up and validate one response
        resp = ok(w.request("warm up"))
        eq(len(observations(resp)), 3, "three observations")
        stdin, stdout = w.proc.stdin, w.proc.stdout
        payloads = [(template % (i, i, i)).encode() for i in range(max(n_seq, n_pipe))]

        # 1. request/response, one at a time (what a sequential runner does)
        start = time.perf_counter()
        for i in range(n_seq):
            stdin.write(payloads[i])
            stdin.flush()
            line = stdout.readline()
        seq = n_seq / (time.perf_counter() - start)
        last = json.loads(line)
        eq(last["id"], "b%d" % (n_seq - 1), "last sequential id")
        eq(len(last["observations"]), 3, "observations in benchmark")

        # 2. pipelined: a writer thread keeps the worker busy
        def writer():
            for i in range(n_pipe):
                stdin.write(payloads[i])
            stdin.flush()
        start = time.perf_counter()
        t = threading.Thread(target=writer)
        t.start()
        for _ in range(n_pipe):
            line = stdout.readline()
        pipe = n_pipe / (time.perf_counter() - start)
        t.join()
        eq(json.loads(line)["id"], "b%d" % (n_pipe - 1), "last pipelined id")
        eq(w.close(), 0, "exit status")
    return seq, pipe


# ---------------------------------------------------------------------------

def write_module(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def main():
    global PYTHON, CACHE, TMP
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter for the worker")
    parser.add_argument("--quick", action="store_true", help="skip the throughput measurement")
    parser.add_argument("-k", default="", help="run only checks whose name contains this")
    parser.add_argument("--min-rps", type=float, default=3000.0,
                        help="fail when pipelined throughput is below this (default 3000)")
    args = parser.parse_args()
    PYTHON = args.python

    TMP = tempfile.mkdtemp(prefix="fluxloop-check-")
    CACHE = os.path.join(TMP, "cache")
    os.makedirs(CACHE)
    shutil.copy(os.path.join(PYTHON_SRC, "fluxloop_worker.py"), CACHE)
    shutil.copytree(os.path.join(PYTHON_SRC, "fluxloop"), os.path.join(CACHE, "fluxloop"),
                    ignore=shutil.ignore_patterns("__pycache__"))
    version = subprocess.run([PYTHON, "-c", "import sys; print(sys.version.split()[0])"],
                             capture_output=True, text=True).stdout.strip()
    print("worker python: %s (%s)" % (PYTHON, version))

    passed = failed = 0
    try:
        for fn in CHECKS:
            if args.k and args.k not in fn.__name__:
                continue
            started = time.perf_counter()
            try:
                fn()
            except CheckFailed as exc:
                failed += 1
                print("FAIL %s: %s" % (fn.__name__, exc))
            except Exception:
                failed += 1
                print("FAIL %s: unexpected exception\n%s" % (fn.__name__, traceback.format_exc()))
            else:
                passed += 1
                print("ok   %s (%.2fs)" % (fn.__name__, time.perf_counter() - started))
        if not args.quick and (not args.k or args.k in "throughput"):
            try:
                seq, pipe = throughput()
                print("throughput trivial3_agent (3 observations per run): %.0f requests/s "
                      "one at a time, %.0f requests/s pipelined" % (seq, pipe))
                check(pipe >= args.min_rps, "pipelined throughput %.0f/s is below %.0f/s"
                      % (pipe, args.min_rps))
                passed += 1
                print("ok   throughput")
            except CheckFailed as exc:
                failed += 1
                print("FAIL throughput: %s" % exc)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
