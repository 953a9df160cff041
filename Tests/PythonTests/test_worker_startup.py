"""What keeps a worker's start and its runs cheap: the SDK's lazy names, the runtime folder's cached
bytecode, the once-a-second timestamp text, the response encoder."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from datetime import datetime, timezone

import support
from support import WorkerProcess

from fluxloop import _context
from fluxloop_worker import protocol
from fluxloop_worker.capture import RunOutput


def run_python(code, *args, env=None):
    """stdout of `code` run by a fresh interpreter with the bundled package first on the path."""
    out = subprocess.run([support.PYTHON, "-c", code, support.runtime()] + list(args),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                         cwd=support.scratch(), timeout=60, env=env)
    if out.returncode != 0:
        raise AssertionError(out.stderr)
    return out.stdout


class LazySDKTests(unittest.TestCase):
    def test_import_loads_only_the_decorators_and_the_rest_on_first_use(self):
        code = '''
import json, sys
sys.path.insert(0, sys.argv[1])
before = set(sys.modules)
import fluxloop
loaded = sorted(m for m in sys.modules if m.startswith("fluxloop"))
heavy = [m for m in ("uuid", "datetime", "dataclasses", "pathlib", "threading", "traceback")
         if m in sys.modules and m not in before]
import fluxloop.context
names = {}
exec("from fluxloop import *", names)
print(json.dumps({
    "loaded": loaded, "heavy_before": heavy,
    "same_context": fluxloop.get_current_context is fluxloop.context.get_current_context,
    "persona": fluxloop.PersonaConfig.__module__,
    "span_module": type(fluxloop.trace.__defaults__[1]).__module__,
    "span_is_schema_enum": fluxloop.trace.__defaults__[1] is fluxloop.ObservationType.SPAN,
    "star_names": sorted(n for n in fluxloop.__all__ if n not in names),
    "submodule": fluxloop.schemas.__name__,
    "in_dir": "configure" in dir(fluxloop),
    "init": type(fluxloop.init(enabled=False)).__name__,
}))
try:
    fluxloop.no_such_name
except AttributeError as exc:
    print(exc)
'''
        lines = run_python(code).splitlines()
        out = json.loads(lines[0])
        self.assertEqual(out["loaded"], ["fluxloop", "fluxloop._context", "fluxloop._decorators",
                                         "fluxloop._enums", "fluxloop._wrappers"])
        self.assertEqual(out["heavy_before"], [], "import fluxloop loaded modules an agent may never need")
        self.assertTrue(out["same_context"])
        self.assertEqual(out["persona"], "fluxloop.schemas.config")
        self.assertEqual(out["span_module"], "fluxloop.schemas.trace")
        self.assertTrue(out["span_is_schema_enum"])
        self.assertEqual(out["star_names"], [], "from fluxloop import * must give every public name")
        self.assertEqual(out["submodule"], "fluxloop.schemas")
        self.assertTrue(out["in_dir"])
        self.assertEqual(out["init"], "SDKConfig")
        self.assertIn("no_such_name", lines[1])


    def test_configuration_from_the_environment_still_acts_at_import(self):
        with open(os.path.join(support.PYTHON_SRC, "fluxloop", "config.py"), encoding="utf-8") as handle:
            read = set(re.findall(r'"(FLUXLOOP_[A-Z_]+)"', handle.read()))
        import fluxloop
        self.assertEqual(set(fluxloop._CONFIG_ENV), read, "fluxloop/__init__.py must list what config.py reads")
        recording = os.path.join(tempfile.mkdtemp(dir=support.scratch()), "args.jsonl")
        env = dict(os.environ, FLUXLOOP_RECORD_ARGS="true", FLUXLOOP_RECORDING_FILE=recording)
        code = """
import sys
sys.path.insert(0, sys.argv[1])
import fluxloop
from fluxloop import _recording
print("fluxloop.config" in sys.modules, _recording._recorder is not None)
"""
        self.assertEqual(run_python(code, env=env).split(), ["True", "True"])
        plain = {k: v for k, v in os.environ.items() if k not in fluxloop._CONFIG_ENV}
        self.assertEqual(run_python(code, env=plain).split(), ["False", "False"])


class BytecodeCacheTests(unittest.TestCase):
    def test_runtime_folder_caches_its_bytecode_even_under_pythondontwritebytecode(self):
        folder = tempfile.mkdtemp(dir=support.scratch())
        runtime = os.path.join(folder, "runtime")
        shutil.copytree(support.PYTHON_SRC, runtime, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        agents = os.path.join(folder, "agents")
        os.makedirs(agents)
        with open(os.path.join(agents, "cached_agent.py"), "w") as handle:
            handle.write("import fluxloop\n\n@fluxloop.agent()\ndef run(input):\n    return input.upper()\n")
        config = {"target": "cached_agent:run", "working_directory": agents}
        env = dict(os.environ, FLUXLOOP_WORKER_CONFIG=json.dumps(config), PYTHONDONTWRITEBYTECODE="1")
        env.pop("PYTHONPYCACHEPREFIX", None)
        for attempt in range(2):  # the first start compiles, the second reads what it wrote
            done = subprocess.run([support.PYTHON, "-u", os.path.join(runtime, "fluxloop_worker")],
                                  input=b'{"id": "r1", "input": "hi"}\n', stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, cwd=agents, env=env, timeout=60)
            self.assertEqual(done.returncode, 0, done.stderr.decode())
            answer = json.loads(done.stdout.splitlines()[1])
            self.assertEqual(answer["output"], "HI", attempt)
        cached = set()
        for where, _, names in os.walk(runtime):
            cached.update(os.path.join(os.path.relpath(os.path.dirname(where), runtime), n.split(".")[0])
                          for n in names if n.endswith(".pyc"))
        sources = set(os.path.join(os.path.relpath(where, runtime), n[:-3])
                      for where, _, names in os.walk(runtime) for n in names if n.endswith(".py"))
        self.assertEqual(sources - cached, set(), "runtime modules without bytecode")
        self.assertEqual([n for n in os.listdir(agents) if n != "cached_agent.py"], [],
                         "the agent's folder follows PYTHONDONTWRITEBYTECODE")


class PerRunPiecesTests(unittest.TestCase):
    def test_timestamps_read_like_datetime_isoformat(self):
        saved = _context._time_ns
        try:
            for ns in (1700000000 * 10**9, 1700000000 * 10**9 + 123456789, 1700000001 * 10**9 + 999,
                       1700000001 * 10**9 + 5000, 1700000000 * 10**9 + 42000):
                _context._time_ns = lambda ns=ns: ns
                want = datetime.fromtimestamp(ns // 1000 / 10**6, timezone.utc).replace(
                    microsecond=(ns // 1000) % 10**6).isoformat()
                self.assertEqual(_context.now_iso(), want, ns)
        finally:
            _context._time_ns = saved
        self.assertRegex(_context.now_iso(), support.TIME_RE)

    def test_encoder_writes_what_json_dumps_writes(self):
        values = [{"id": "r1", "output": "é 🚀 \u2028 \"q\" \\", "n": [1, -2.5, 1e300, True, None, {}],
                   "observations": [{"input": {"a": [], "b": {"c": 0.1}}}]}, "text", 3, 2.5, None, [], {}]
        for value in values:
            self.assertEqual(protocol.encode(value), json.dumps(value, ensure_ascii=False, separators=(",", ":"),
                                                                allow_nan=False))

        class Unprintable:
            def __str__(self):
                raise RuntimeError("no text")
        self.assertEqual(json.loads(protocol.encode({"x": Unprintable()})), {"x": "<Unprintable>"})

    def test_captures_keep_their_descriptors(self):
        captured = RunOutput()
        self.assertEqual((captured.out.fileno(), captured.err.fileno()), (1, 2))
        self.assertEqual((captured.out.encoding, captured.err.buffer.fileno()), ("utf-8", 2))

    def test_serialize_knows_uuids_dates_and_dataclasses_once_imported(self):
        import dataclasses
        import uuid
        from datetime import date, time

        @dataclasses.dataclass
        class Point:
            x: int
            when: date

        value = {"u": uuid.UUID(int=7), "d": date(2026, 1, 2), "t": time(3, 4),
                 "p": Point(1, date(2026, 1, 3))}
        self.assertEqual(_context.serialize(value), {
            "u": "00000000-0000-0000-0000-000000000007", "d": "2026-01-02", "t": "03:04:00",
            "p": {"x": 1, "when": "2026-01-03"}})


class WorkerStartTests(unittest.TestCase):
    def test_a_ready_worker_has_not_imported_what_its_runs_do_not_use(self):
        support.write_module("startup_probe_agent.py", '''import sys
import fluxloop

@fluxloop.agent()
def run(input):
    return ",".join(m for m in ("fluxloop.config", "fluxloop.schemas", "fluxloop_worker.replay",
                                "asyncio", "traceback", "uuid", "datetime") if m in sys.modules)
''')
        for _ in range(2):  # the first start may compile the runtime folder (py_compile imports traceback)
            with WorkerProcess("startup_probe_agent:run", python_path=[support.scratch()]) as worker:
                resp = worker.request("x")
        self.assertEqual(resp["output"], "")


if __name__ == "__main__":
    unittest.main()
