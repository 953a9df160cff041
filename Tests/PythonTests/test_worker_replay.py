"""Argument replay (replay_args): runs bound from a recorded call, callbacks collected per run."""

import asyncio
import inspect
import os
import unittest

import support
from support import WorkerAssertions, WorkerProcess

from fluxloop_worker.binding import AttrDict, CallPlan
from fluxloop_worker.errors import SetupError
from fluxloop_worker.replay import ReplayPlan, is_callable_marker, path_steps

PROVIDERS = {"send_message_callback": "builtin:collector.send",
             "send_error_callback": "builtin:collector.error"}


def handler(data, send_message_callback, send_error_callback, iteration=0):
    send_message_callback("got " + data.content)
    if "fail" in data.content:
        send_error_callback("E", code=1)
    return iteration


def plan_for(target, kwargs, path="data.content", providers=PROVIDERS):
    replay = {"kwargs": kwargs, "override_param_path": path, "callable_providers": providers}
    return ReplayPlan(target, CallPlan(target), replay, lambda value: value)


RECORDED = {"data": {"content": "recorded", "channel": "web"},
            "send_message_callback": "<builtin:collector.send>",
            "send_error_callback": "<builtin:collector.error>"}


class ReplayUnitTests(unittest.TestCase):
    def test_markers_and_paths(self):
        self.assertTrue(is_callable_marker("<builtin:collector.send>"))
        self.assertTrue(is_callable_marker("<callable:module.f:async>"))
        self.assertFalse(is_callable_marker("<b>"))
        kwargs = {"messages": [{"content": "a"}, {"content": "b"}]}
        self.assertEqual(path_steps(kwargs, "messages.1.content"), ["messages", 1, "content"])
        self.assertIsNone(path_steps(kwargs, "messages.2.content"))
        self.assertIsNone(path_steps(kwargs, "data"))

    def test_each_run_gets_fresh_arguments_and_its_own_callback_log(self):
        plan = plan_for(handler, RECORDED)
        args, kwargs, first = plan.bind({"input": "one", "iteration": 4})
        self.assertEqual(args, ())
        self.assertIsInstance(kwargs["data"], AttrDict)
        self.assertEqual(kwargs["data"], {"content": "one", "channel": "web"})
        self.assertEqual(handler(**kwargs), 4)
        _, kwargs2, second = plan.bind({"input": "two fail"})
        handler(**kwargs2)
        self.assertEqual(first.json(), {"send": ["got one"], "error": []})
        self.assertEqual(second.json(), {"send": ["got two fail"],
                                         "error": [{"args": ["E"], "kwargs": {"code": 1}}]})
        self.assertEqual(RECORDED["data"]["content"], "recorded", "the recording is never changed")

    def test_a_path_missing_from_the_recording_binds_as_without_replay(self):
        def plain(message, send_message_callback=None):
            pass
        args, kwargs, log = plan_for(plain, RECORDED, path="nope.content").bind({"input": "x"})
        self.assertEqual((args, kwargs, log.json()), ((), {"message": "x"}, {"send": [], "error": []}))

    def test_null_path_gives_the_input_to_a_parameter_the_recording_lacks(self):
        def keep(data, send_message_callback, question, iteration=0):
            pass
        _, kwargs, _ = plan_for(keep, RECORDED, path=None).bind({"input": "q?", "iteration": 1})
        self.assertEqual((kwargs["question"], kwargs["data"].content, kwargs["iteration"]), ("q?", "recorded", 1))

    def test_async_markers_give_coroutine_functions(self):
        recorded = dict(RECORDED, send_message_callback="<builtin:collector.send:async>")
        _, kwargs, log = plan_for(handler, recorded).bind({"input": "x"})
        callback = kwargs["send_message_callback"]
        self.assertTrue(asyncio.iscoroutinefunction(callback))
        awaitable = callback("hello")
        self.assertTrue(inspect.isawaitable(awaitable))
        asyncio.run(awaitable)
        self.assertEqual(log.sent, ["hello"])

    def test_setup_errors(self):
        with self.assertRaises(SetupError) as caught:
            plan_for(handler, RECORDED, providers={})
        self.assertIn("has no provider", caught.exception.message)
        with self.assertRaises(SetupError) as caught:
            plan_for(handler, RECORDED, providers=dict(PROVIDERS, send_message_callback="builtin:nope"))
        self.assertIn("supported: builtin:collector.error, builtin:collector.send", caught.exception.message)


class ReplayTests(WorkerAssertions, unittest.TestCase):
    def test_recorded_arguments_from_the_recording_file(self):
        recording = os.path.join(support.REPLAY_FIXTURES, "async_recording.jsonl")
        replay = {"recording_file": recording, "line": 1, "override_param_path": "data.content",
                  "callable_providers": PROVIDERS, "target": "replay_handlers:handle_async"}
        with WorkerProcess("replay_handlers:handle_async", replay=replay) as w:
            resp = self.assertOk(w.request("where is it"))
            sent = resp["callback_messages"]["send"]
            self.assertEqual(sent[0], "thinking about where is it")
            self.assertEqual(sent[2], {"args": ["more"], "kwargs": {"part": 2}})
            self.assertEqual(resp["output"], {"reply": "WHERE IS IT", "user": "u-42",
                                              "coroutine_functions": [True, True]},
                             "the last message sent is the output")
            self.assertNotIn("output_value", resp)
            resp = self.assertOk(w.request("please fail"))
            self.assertEqual(resp["callback_messages"], {
                "send": [], "error": [{"code": "E_ASYNC", "content": "please fail"}]})
            self.assertEqual(resp["output"], "")


if __name__ == "__main__":
    unittest.main()
