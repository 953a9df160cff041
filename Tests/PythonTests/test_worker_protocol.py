"""The JSON-lines transport: ready line, request edge cases, captured output, exit codes."""

import json
import re
import signal
import threading
import time
import unittest

import support
from support import WorkerAssertions, WorkerProcess

from fluxloop_worker import protocol
from fluxloop_worker.capture import RunOutput


class ProtocolUnitTests(unittest.TestCase):
    def test_encode_is_compact_utf8_json(self):
        self.assertEqual(protocol.encode({"id": "r1", "output": "é 🚀"}), '{"id":"r1","output":"é 🚀"}')

    def test_encode_makes_odd_values_safe(self):
        text = protocol.encode({"id": "x", "v": [float("nan"), float("inf"), float("-inf"), {1: b"b"}]})
        self.assertEqual(json.loads(text), {"id": "x", "v": ["NaN", "Infinity", "-Infinity", {"1": "b'b'"}]})

    def test_encode_uses_the_given_serializer(self):
        text = protocol.encode({"id": "x", "v": {1, 2}}, serialize=lambda value: sorted(value))
        self.assertEqual(json.loads(text), {"id": "x", "v": [1, 2]})

    def test_decode_refuses_invalid_utf8(self):
        with self.assertRaises(ValueError):
            protocol.decode(b'{"id": "\xff"}\n')
        self.assertEqual(protocol.decode(b'{"id": "a"}\n'), {"id": "a"})

    def test_guess_id_recovers_the_id_of_a_broken_line(self):
        self.assertEqual(protocol.guess_id(b'{"id": "bro\\"ken", "input": \n'), 'bro"ken')
        self.assertIsNone(protocol.guess_id(b"not json"))

    def test_run_output_captures_and_restores(self):
        import sys
        before = sys.stdout, sys.stderr
        captured = RunOutput()
        with captured:
            print("to stdout")
            sys.stderr.write("to stderr\n")
            sys.stdout.buffer.write("bytes é\n".encode("utf-8"))
        self.assertEqual((sys.stdout, sys.stderr), before)
        resp = {}
        captured.add_to(resp)
        self.assertEqual(resp, {"stdout": "to stdout\nbytes é\n", "stderr": "to stderr\n"})
        quiet = {}
        RunOutput().add_to(quiet)
        self.assertEqual(quiet, {})


class ProtocolTests(WorkerAssertions, unittest.TestCase):
    def test_ready_line_shape(self):
        with WorkerProcess("sync_agent:run") as w:
            self.assertEqual(sorted(w.ready), ["executable", "pid", "python", "ready"])
            self.assertEqual(w.ready["pid"], w.proc.pid)
            self.assertRegex(w.ready["python"], r"^3\.\d+\.\d+$")
            self.assertEqual(w.ready_line, json.dumps(w.ready, separators=(",", ":")).encode() + b"\n")
            self.assertEqual(w.close(), 0)

    def test_bad_lines_get_protocol_errors_and_shutdown_ends(self):
        with WorkerProcess("sync_agent:run") as w:
            w.send_raw(b"this is not json\n")
            resp = json.loads(w.read_raw())
            self.assertEqual((resp["id"], resp["error"]["type"]), (None, "ProtocolError"))
            w.send_raw(b'{"id": "broken", "input": \n')
            resp = json.loads(w.read_raw())
            self.assertEqual((resp["id"], resp["error"]["type"]), ("broken", "ProtocolError"))
            w.send_raw(b"[1, 2]\n")
            self.assertEqual(json.loads(w.read_raw())["error"]["type"], "ProtocolError")
            w.send_raw(b'{"id": "\xff"}\n')
            self.assertEqual(json.loads(w.read_raw())["error"]["type"], "ProtocolError")
            w.send_raw(b"\n")  # blank lines are ignored
            self.assertOk(w.request("still fine"))
            w.send_raw(b'{"type": "shutdown"}\n')
            self.assertEqual(w.proc.wait(10), 0)
            self.assertEqual(w.proc.stdout.read(), b"")

    def test_unicode_round_trip(self):
        text = "héllo 👋 世界 \"quotes\" 'single' \\ back\nnew line \u2028 tab\t end"
        with WorkerProcess("unicode_agent:run") as w:
            resp = self.assertOk(w.request(text))
            self.assertEqual(resp["output"], "«echo» 🚀 " + text + " — 日本語 \"quoted\" 'single' \\ back")
            self.assertEqual(support.observations(resp)[0]["input"], {"input_text": text})
            raw = resp["_raw"]
            self.assertIn("🚀".encode("utf-8"), raw, "non-ASCII left as UTF-8")
            self.assertEqual(raw.count(b"\n"), 1, "one line per response")

    def test_prints_are_captured_per_run_and_never_reach_the_protocol(self):
        with WorkerProcess("noisy_agent:run") as w:
            for word in ("x", "y"):
                resp = self.assertOk(w.request(word))
                self.assertEqual(resp["output"], "quiet result")
                self.assertEqual(resp["stdout"], 'stdout line for %s\n{"id": "fake", "output": "not a response"}\n'
                                 % word)
                self.assertEqual(resp["stderr"], "stderr line\n")
            self.assertEqual(w.close(), 0)
            err = w.stderr()
            self.assertIn("fd-level", err, "fd-level writes go to the worker's stderr")
            self.assertIn("noisy_agent imported", err, "import-time prints go to stderr")

    def test_stdin_cannot_steal_requests(self):
        support.write_module("stdin_agent.py", "import sys\n\ndef run(input_text):\n"
                                               "    return input_text + '|' + repr(sys.stdin.read())\n")
        with WorkerProcess("stdin_agent:run", python_path=[support.scratch()]) as w:
            self.assertEqual(self.assertOk(w.request("a"))["output"], "a|''")
            self.assertEqual(self.assertOk(w.request("b"))["output"], "b|''")

    def test_sigint_answers_the_request_then_exits_130(self):
        support.write_module("interruptible_agent.py", "import time\n\ndef run(input_text):\n"
                                                       "    time.sleep(float(input_text))\n    return 'done'\n")
        with WorkerProcess("interruptible_agent:run", python_path=[support.scratch()]) as w:
            w.send_raw(b'{"id": "s1", "trace_id": "t", "input": "5"}\n')
            time.sleep(0.5)
            w.proc.send_signal(signal.SIGINT)
            resp = json.loads(w.read_raw())
            self.assertEqual((resp["id"], resp["error"]["type"]), ("s1", "KeyboardInterrupt"))
            self.assertEqual(w.proc.wait(10), 130)

    def test_pipelined_requests_are_answered_in_order(self):
        template = '{"id":"b%d","trace_id":"t%d","input":"order %d","iteration":0}\n'
        count = 2000
        with WorkerProcess("trivial3_agent:run") as w:
            def writer():
                for i in range(count):
                    w.proc.stdin.write((template % (i, i, i)).encode())
                w.proc.stdin.flush()
            started = time.perf_counter()
            thread = threading.Thread(target=writer)
            thread.start()
            ids = [json.loads(w.proc.stdout.readline())["id"] for _ in range(count)]
            rate = count / (time.perf_counter() - started)
            thread.join()
            self.assertEqual(ids, ["b%d" % i for i in range(count)])
            # A floor far below the usual figure (several thousand a second): catches only a collapse.
            self.assertGreater(rate, 300, "pipelined throughput %.0f requests/s" % rate)
            self.assertEqual(w.close(), 0)


if __name__ == "__main__":
    unittest.main()
