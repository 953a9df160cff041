"""Shared helpers of the worker tests: the runtime folder, a worker process, record checks.

The worker runs as the fluxloop command runs it: Sources/Runner/Python is copied into a fresh
folder (as PythonRuntime unpacks it), and `python3 -u <folder>/fluxloop_worker` is started with
the agents folder as cwd and FLUXLOOP_WORKER_CONFIG in the environment.
Set FLUXLOOP_TEST_PYTHON to run the worker under another interpreter (e.g. python3.8).
"""

import atexit
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PYTHON_SRC = os.path.join(REPO, "Sources", "Runner", "Python")
AGENTS = os.path.join(REPO, "Tests", "RunnerTests", "Fixtures", "agents")
REPLAY_FIXTURES = os.path.join(REPO, "Tests", "RunnerTests", "Fixtures", "replay")
PYTHON = os.environ.get("FLUXLOOP_TEST_PYTHON") or sys.executable

KEY_ORDER = ["id", "type", "name", "start_time", "end_time", "input", "output", "error",
             "level", "metadata", "model", "parent_observation_id", "trace_id"]
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

sys.dont_write_bytecode = True  # keep Sources/ free of __pycache__/
if PYTHON_SRC not in sys.path:  # for the unit tests, which import the modules directly
    sys.path.insert(0, PYTHON_SRC)


def reference_folder():
    """The FluxLoop reference projects with FluxLoop 0.2.30's outputs: `shared/reference` beside the repository
    (as the Swift tests' ReferenceProjects finds it). Skips the calling test when they are not on this machine,
    except under CI=true, where that is a failure."""
    folder = os.path.join(os.path.dirname(REPO), "shared", "reference")
    if os.path.isdir(folder):
        return folder
    message = "the FluxLoop reference projects are not on this machine: %s" % folder
    if os.environ.get("CI") == "true":
        raise AssertionError(message + " (CI=true: this must not be skipped)")
    raise unittest.SkipTest(message)


@functools.lru_cache(maxsize=None)
def scratch():
    """A temporary folder for this test run, removed at exit."""
    path = tempfile.mkdtemp(prefix="fluxloop-pytests-")
    atexit.register(shutil.rmtree, path, True)
    return path


@functools.lru_cache(maxsize=None)
def runtime():
    """The unpacked runtime folder: fluxloop_worker/ and fluxloop/, as the command writes them."""
    folder = os.path.join(scratch(), "runtime")
    shutil.copytree(PYTHON_SRC, folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return folder


def write_module(name, text):
    """Write an agent module into the scratch folder (pass python_path=[scratch()] to import it)."""
    path = os.path.join(scratch(), name)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


class WorkerProcess:
    """One worker process, started as the Swift side starts it, driven over the protocol."""

    def __init__(self, target, factory=None, factory_kwargs=None, python_path=None,
                 stream_output_path=None, cwd=AGENTS, expect_ready=True, raw_config=None, replay=None):
        config = raw_config if raw_config is not None else {
            "target": target, "factory": factory, "factory_kwargs": factory_kwargs or {},
            "working_directory": cwd, "python_path": python_path or [],
            "stream_output_path": stream_output_path,
        }
        if replay is not None:
            config["replay"] = replay
        env = dict(os.environ)
        env["FLUXLOOP_WORKER_CONFIG"] = config if isinstance(config, str) else json.dumps(config)
        env["PYTHONDONTWRITEBYTECODE"] = "1"  # keep the fixtures folder clean
        env.pop("PYTHONPATH", None)
        self.stderr_file = tempfile.TemporaryFile(dir=scratch())
        self.proc = subprocess.Popen(
            [PYTHON, "-u", os.path.join(runtime(), "fluxloop_worker")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr_file, cwd=cwd, env=env)
        self.ready_line = self.proc.stdout.readline()
        if not self.ready_line.endswith(b"\n"):
            self._fail("no ready line: %r" % self.ready_line)
        self.ready = json.loads(self.ready_line)
        if expect_ready and self.ready.get("ready") is not True:
            self._fail("worker not ready: %r" % self.ready)
        self.counter = 0

    def _fail(self, message):
        stderr = self.stderr()
        self.__exit__()
        raise AssertionError("%s\nworker stderr:\n%s" % (message, stderr))

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def read_raw(self):
        line = self.proc.stdout.readline()
        if not line.endswith(b"\n"):
            raise AssertionError("worker closed its output: %r\n%s" % (line, self.stderr()))
        return line

    def request(self, input_text="hello", **fields):
        """Send one request; the parsed response, with `_raw` (its line) and `_req` added."""
        self.counter += 1
        req = {"id": "r%d" % self.counter, "trace_id": "trace-%d" % self.counter,
               "input": input_text, "iteration": 0, "persona": None, "persona_prompt": None,
               "conversation_state": None}
        req.update(fields)
        self.send_raw(json.dumps(req).encode("utf-8") + b"\n")
        line = self.read_raw()
        resp = json.loads(line)
        if resp.get("id") != req["id"]:
            raise AssertionError("response id mismatch: %r for %r" % (resp, req))
        resp["_raw"] = line
        resp["_req"] = req
        return resp

    def close(self, timeout=10):
        """Close stdin; the exit status."""
        try:
            self.proc.stdin.close()
        except Exception:
            pass
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("worker did not exit after EOF")
        finally:
            self.proc.stdout.close()

    def stderr(self):
        self.stderr_file.seek(0)
        return self.stderr_file.read().decode("utf-8", "replace")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            try:
                self.close()
            except AssertionError:
                pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except Exception:
                pass
        self.stderr_file.close()
        return False


def not_ready(target, **kwargs):
    """Start a worker that must refuse; (error object, exit status, stderr, rest of stdout)."""
    worker = WorkerProcess(target, expect_ready=False, **kwargs)
    try:
        if worker.ready.get("ready") is not False:
            raise AssertionError("expected ready=false, got %r" % worker.ready)
        rest = worker.proc.stdout.read()
        status = worker.proc.wait(10)
        return worker.ready.get("error"), status, worker.stderr(), rest
    finally:
        worker.__exit__()


def observations(resp):
    return resp.get("observations", [])


def by_name(resp):
    return {rec["name"]: rec for rec in observations(resp)}


class WorkerAssertions:
    """Mixin for unittest.TestCase: checks shared by the worker tests."""

    def assertOk(self, resp):
        self.assertNotIn("error", resp, resp.get("error"))
        self.assertIn("output", resp)
        return resp

    def assertRecords(self, resp):
        """Every observation has FluxLoop's keys in FluxLoop's order; children come before parents."""
        trace_id = resp["_req"]["trace_id"]
        ids = {rec["id"] for rec in observations(resp)}
        seen = set()
        for rec in observations(resp):
            self.assertEqual(list(rec), [k for k in KEY_ORDER if k in rec], "key order of %s" % rec.get("name"))
            for required in ("id", "type", "name", "start_time", "end_time", "input", "level",
                             "metadata", "trace_id"):
                self.assertIn(required, rec)
            self.assertRegex(rec["id"], UUID_RE)
            self.assertRegex(rec["start_time"], TIME_RE)
            self.assertRegex(rec["end_time"], TIME_RE)
            self.assertLessEqual(rec["start_time"], rec["end_time"])
            self.assertEqual(rec["level"], "info")
            self.assertEqual(rec["trace_id"], trace_id)
            self.assertTrue("output" not in rec or rec["output"] is not None, rec)
            self.assertIsInstance(rec["input"], dict)
            if "error" in rec:
                self.assertIn("error_type", rec["metadata"])
                self.assertIn("traceback", rec["metadata"])
            parent = rec.get("parent_observation_id")
            if parent is not None:
                self.assertIn(parent, ids, "parent not in this run")
                self.assertNotIn(parent, seen, "parent recorded before child")
            seen.add(rec["id"])
