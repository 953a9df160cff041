"""Several runs in flight in one worker: the plan, output routing, out-of-order answers, cancel."""

import asyncio
import io
import json
import sys
import threading
import unittest

import support
from support import WorkerAssertions, WorkerProcess

from fluxloop_worker import inflight, routing
from fluxloop_worker.capture import RunOutput


def config(target, **extra):
    base = {"target": target, "factory": None, "factory_kwargs": {}, "working_directory": support.AGENTS,
            "python_path": [], "stream_output_path": None}
    base.update(extra)
    return base


class PlanTests(unittest.TestCase):
    def test_async_targets_run_as_tasks(self):
        async def agent(text):
            return text

        async def stream(text):
            yield text

        self.assertEqual(inflight.plan({"concurrency": 8}, agent), (8, "async", None))
        self.assertEqual(inflight.plan({"concurrency": 8}, stream), (8, "async", None))

    def test_sync_targets_need_thread_safe(self):
        def agent(text):
            return text

        limit, mode, warning = inflight.plan({"concurrency": 8}, agent)
        self.assertEqual((limit, mode), (1, None))
        self.assertIn("runner.concurrency is 8", warning)
        self.assertIn("--threads", warning)
        self.assertEqual(inflight.plan({"concurrency": 8, "thread_safe": True}, agent), (8, "threads", None))
        self.assertEqual(inflight.plan({"concurrency": 1}, agent), (1, None, None))


class RoutingTests(unittest.TestCase):
    def test_writes_go_to_the_capture_of_their_context(self):
        fallback = io.StringIO()
        stream = routing.RoutedStream("out", fallback)
        first, second = RunOutput(), RunOutput()

        async def run(captured, text):
            routing.current_capture.set(captured)
            await asyncio.sleep(0.01)
            stream.write(text)

        async def both():
            await asyncio.gather(run(first, "one"), run(second, "two"))

        asyncio.run(both())
        stream.write("nobody's")
        self.assertEqual(first.out.getvalue(), "one")
        self.assertEqual(second.out.getvalue(), "two")
        self.assertEqual(fallback.getvalue(), "nobody's")

    def test_a_plain_thread_writes_to_the_fallback(self):
        fallback = io.StringIO()
        stream = routing.RoutedStream("err", fallback)
        captured = RunOutput()
        routing.current_capture.set(captured)
        try:
            thread = threading.Thread(target=stream.write, args=("stray",))
            thread.start()
            thread.join()
            stream.write("mine")
        finally:
            routing.current_capture.set(None)
        self.assertEqual(captured.err.getvalue(), "mine")
        self.assertEqual(fallback.getvalue(), "stray")


class InflightWorkerTests(WorkerAssertions, unittest.TestCase):
    def send(self, worker, rid, text):
        worker.send_raw(json.dumps({"id": rid, "trace_id": "trace-" + rid, "input": text, "iteration": 0,
                                    "persona": None, "persona_prompt": None,
                                    "conversation_state": None}).encode() + b"\n")

    def test_answers_come_as_runs_finish_each_with_its_own_output(self):
        with WorkerProcess(None, raw_config=config("inflight_agent:run", concurrency=4)) as worker:
            self.assertEqual(worker.ready.get("concurrency"), 4)
            self.send(worker, "r1", "hang")
            for n in range(2, 5):
                self.send(worker, "r%d" % n, "q%d" % n)
            answers = [json.loads(worker.read_raw()) for _ in range(3)]
            self.assertEqual(sorted(a["id"] for a in answers), ["r2", "r3", "r4"])
            for answer in answers:
                text = "q" + answer["id"][1:]
                self.assertEqual(answer["output"]["text"], "echo " + text)
                self.assertEqual(answer["stdout"], "start %s\n" % text)
                self.assertEqual(answer["stderr"], "end %s\n" % text)
                self.assertTrue(all(rec["trace_id"] == "trace-" + answer["id"] for rec in answer["observations"]))
                self.assertEqual(answer["metadata"], {"input_seen": text})
            # The run still going is cancelled on its own; the worker goes on.
            worker.send_raw(b'{"type": "cancel", "id": "r1"}\n')
            cancelled = json.loads(worker.read_raw())
            self.assertEqual(cancelled["id"], "r1")
            self.assertEqual(cancelled["error"]["type"], "CancelledError")
            self.send(worker, "r5", "after")
            self.assertEqual(json.loads(worker.read_raw())["output"]["text"], "echo after")
            self.assertEqual(worker.close(), 0)

    def test_end_of_input_finishes_the_runs_in_flight(self):
        with WorkerProcess(None, raw_config=config("inflight_agent:plain", concurrency=3)) as worker:
            for n in range(1, 4):
                self.send(worker, "r%d" % n, "q%d" % n)
            worker.proc.stdin.close()
            answers = [json.loads(line) for line in worker.proc.stdout.read().splitlines()]
            self.assertEqual(sorted(a["id"] for a in answers), ["r1", "r2", "r3"])
            self.assertEqual(worker.proc.wait(10), 0)

    def test_replay_callbacks_belong_to_their_own_run(self):
        import os
        replay = {"recording_file": os.path.join(support.REPLAY_FIXTURES, "async_recording.jsonl"), "line": 1,
                  "override_param_path": "data.content", "target": "replay_handlers:handle_async",
                  "callable_providers": {"send_message_callback": "builtin:collector.send",
                                         "send_error_callback": "builtin:collector.error"}}
        with WorkerProcess(None, raw_config=config("replay_handlers:handle_async", concurrency=10,
                                                   replay=replay)) as worker:
            for n in range(10):
                self.send(worker, "r%d" % n, "question %d" % n)
            for _ in range(10):
                answer = json.loads(worker.read_raw())
                text = "question " + answer["id"][1:]
                self.assertEqual(answer["callback_messages"]["send"][0], "thinking about " + text)
                self.assertEqual(answer["output"]["reply"], text.upper())

    def test_a_sync_agent_without_thread_safe_says_why_in_its_ready_line(self):
        with WorkerProcess(None, raw_config=config("inflight_agent:sync_run", concurrency=4)) as worker:
            self.assertEqual(worker.ready.get("concurrency"), 1)
            self.assertIn("thread_safe", worker.ready.get("warning", ""))
            self.assertEqual(json.loads(worker.request("x")["output"])["input"], "x")


if __name__ == "__main__":
    unittest.main()
