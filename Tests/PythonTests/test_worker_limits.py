"""runner.max_output_bytes in the worker: outputs and response lines over the limit are refused before sending."""

import json
import unittest

from support import AGENTS, WorkerAssertions, WorkerProcess
from fluxloop_worker.limits import output_error, utf8_size


def limited(target, limit):
    return WorkerProcess(target, raw_config={
        "target": target, "working_directory": AGENTS, "max_output_bytes": limit})


class LimitUnitTests(unittest.TestCase):
    def test_sizes_are_utf8_bytes(self):
        self.assertEqual(utf8_size("abc"), 3)
        self.assertEqual(utf8_size("é"), 2)
        self.assertEqual(utf8_size("😀"), 4)

    def test_the_limit_is_inclusive_and_counts_bytes(self):
        self.assertIsNone(output_error("x" * 1000, 1000))
        error = output_error("x" * 1001, 1000)
        self.assertEqual(error["type"], "OutputTooLarge")
        self.assertIn("1,001 bytes", error["message"])
        self.assertIn("runner.max_output_bytes (1,000 bytes)", error["message"])
        self.assertIsNotNone(output_error("é" * 501, 1000), "501 characters, 1,002 bytes")
        self.assertIsNone(output_error({"a": "x" * 5000}, 1000), "not text: the line limit applies")
        self.assertIsNone(output_error("x" * 5000, None))


class LimitWorkerTests(WorkerAssertions, unittest.TestCase):
    def test_an_output_over_the_limit_is_refused_and_the_worker_goes_on(self):
        for target in ("big_output_agent:run", "big_output_agent:decorated"):
            with self.subTest(target=target), limited(target, 1000) as w:
                self.assertEqual(self.assertOk(w.request("1000"))["output"], "x" * 1000)
                resp = w.request("1001")
                self.assertEqual(resp["error"]["type"], "OutputTooLarge")
                self.assertIn("1,001 bytes", resp["error"]["message"])
                self.assertNotIn("output", resp)
                self.assertNotIn("observations", resp, "the observation carries the same output")
                self.assertLess(len(resp["_raw"]), 1000)
                self.assertEqual(self.assertOk(w.request("3"))["output"], "xxx")

    def test_a_response_line_over_four_times_the_limit_is_not_sent(self):
        with limited("big_output_agent:short_answer", 1000) as w:
            resp = w.request("y" * 5000)
            self.assertEqual(resp["error"]["type"], "OutputTooLarge")
            self.assertIn("response line", resp["error"]["message"])
            self.assertIn("(4,000 bytes)", resp["error"]["message"])
            self.assertLess(len(resp["_raw"]), 1000)
            self.assertEqual(self.assertOk(w.request("small"))["output"], "ok")

    def test_without_a_limit_nothing_is_refused(self):
        with WorkerProcess("big_output_agent:run") as w:
            self.assertEqual(len(self.assertOk(w.request("100000"))["output"]), 100000)


if __name__ == "__main__":
    unittest.main()
