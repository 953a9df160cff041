"""runner.target and runner.factory: what they may name, and the ready=false answers when wrong."""

import os
import sys
import unittest

import support
from support import WorkerAssertions, WorkerProcess, not_ready

from fluxloop_worker.errors import SetupError
from fluxloop_worker.targets import resolve_target, split_spec


class TargetUnitTests(unittest.TestCase):
    def setUp(self):
        sys.path.insert(0, support.AGENTS)
        self.addCleanup(sys.path.remove, support.AGENTS)

    def resolve(self, target, **config):
        config.setdefault("factory_kwargs", {})
        return resolve_target(dict(config, target=target))

    def test_split_spec(self):
        self.assertEqual(split_spec(" pkg.mod : Cls.meth ", "runner.target"), ("pkg.mod", ["Cls", "meth"]))
        for bad in ("mod", "mod:", ":f", "mod:a..b"):
            with self.assertRaises(SetupError) as caught:
                split_spec(bad, "runner.target")
            self.assertIn("must look like 'module:function'", caught.exception.message)

    def test_methods_get_an_instance_and_static_methods_do_not(self):
        self.assertEqual(self.resolve("class_agent:Bot.reply")("q"), "hi: q")
        self.assertEqual(self.resolve("class_agent:Bot.reply", factory_kwargs={"greeting": "yo"})("q"), "yo: q")
        self.assertEqual(self.resolve("class_agent:Bot.shout")("q"), "Q")
        self.assertEqual(self.resolve("class_agent:Bot.describe")("q"), "Bot got q")

    def test_wrong_targets_say_what_to_fix(self):
        with self.assertRaises(SetupError) as caught:
            self.resolve("sync_agent:runn")
        self.assertEqual(caught.exception.type_name, "AttributeError")
        self.assertIn("did you mean 'run'", caught.exception.message)
        with self.assertRaises(SetupError) as caught:
            self.resolve("class_agent:VALUE")
        self.assertEqual(caught.exception.message,
                         "runner.target 'class_agent:VALUE' resolves to a str, which is not callable")


class TargetTests(WorkerAssertions, unittest.TestCase):
    def test_class_targets(self):
        cases = [
            ({"target": "class_agent:Bot.reply"}, "q1", "hi: q1"),
            ({"target": "class_agent:Bot.reply", "factory_kwargs": {"greeting": "yo"}}, "q2", "yo: q2"),
            ({"target": "class_agent:Bot.reply", "factory": "class_agent:make_bot",
              "factory_kwargs": {"greeting": "yo"}}, "q3", "factory-yo: q3"),
            ({"target": "class_agent:bot.reply"}, "q4", "module: q4"),
            ({"target": "class_agent:namespace.inner.answer"}, "q5", "nested answer to q5"),
            ({"target": "class_agent:Bot.shout"}, "q6", "Q6"),
            ({"target": "class_agent:Bot.describe"}, "q7", "Bot got q7"),
        ]
        for config, text, expected in cases:
            with self.subTest(**config), WorkerProcess(**config) as w:
                resp = self.assertOk(w.request(text))
                self.assertEqual(resp["output"], expected)
        with WorkerProcess("class_agent:Bot.reply") as w:
            self.assertEqual(support.observations(w.request("q"))[0]["input"], {"query": "q"}, "self left out")

    def test_constructor_and_factory_failures(self):
        err, status, _, rest = not_ready("class_agent:Bot.reply", factory_kwargs={"nope": 1})
        self.assertEqual((status, rest, err["type"]), (3, b"", "TypeError"))
        self.assertIn("Bot(**runner.factory_kwargs)", err["message"])
        self.assertIn("nope", err["message"])
        err, status, _, _ = not_ready("class_agent:Bot.reply", factory="class_agent:make_bott")
        self.assertEqual(err["type"], "AttributeError")
        self.assertIn("runner.factory 'class_agent:make_bott'", err["message"])

    def test_ready_false_cases(self):
        err, status, _, rest = not_ready("agentz:run")
        self.assertEqual((status, rest), (3, b""))
        self.assertEqual(set(err), {"type", "message", "traceback"})
        self.assertEqual(err["type"], "ModuleNotFoundError")
        self.assertEqual(err["message"], "cannot import module 'agentz' for runner.target 'agentz:run': No module "
                         "named 'agentz' (check runner.target and runner.working_directory / runner.python_path)")

        err, status, _, _ = not_ready("sync_agent:runn")
        self.assertEqual((status, err["type"]), (3, "AttributeError"))
        self.assertTrue(err["message"].startswith(
            "module 'sync_agent' has no attribute 'runn' (runner.target 'sync_agent:runn')"), err)
        self.assertIn("did you mean 'run'", err["message"])

        err, _, _, _ = not_ready("class_agent:Bot.replyy")
        self.assertIn("class 'class_agent.Bot' has no attribute 'replyy'", err["message"])

        err, _, _, _ = not_ready("class_agent:Bot")
        self.assertEqual(err["type"], "TypeError")
        self.assertIn("point it at a method", err["message"])

        err, _, _, _ = not_ready("bad_import_agent:run")
        self.assertEqual(err["type"], "ImportError")
        self.assertIn("importing module 'bad_import_agent'", err["message"])
        self.assertIn("RuntimeError: bad_import_agent refuses to load", err["message"])
        self.assertIn("bad_import_agent.py", err["traceback"])
        self.assertNotIn("fluxloop_worker", err["traceback"], "the worker's own frames are left out")

        err, _, _, _ = not_ready("sync_agent")
        self.assertEqual(err["type"], "ValueError")
        self.assertIn("must look like 'module:function'", err["message"])

        support.write_module("needs_dep.py", "import definitely_missing_dep_xyz\n")
        err, _, _, _ = not_ready("needs_dep:run", python_path=[support.scratch()])
        self.assertEqual(err["type"], "ModuleNotFoundError")
        self.assertIn("definitely_missing_dep_xyz", err["message"])
        self.assertIn("install it", err["message"])

        support.write_module("syntax_bad.py", "def run(:\n")
        err, _, _, _ = not_ready("syntax_bad:run", python_path=[support.scratch()])
        self.assertEqual(err["type"], "ImportError")
        self.assertIn("SyntaxError", err["message"])

    def test_bad_configuration(self):
        err, status, _, _ = not_ready("x", raw_config='{"target": "sync_agent:run", '
                                                      '"working_directory": "/nonexistent/dir"}')
        self.assertEqual((err["type"], status), ("FileNotFoundError", 3))
        err, status, _, _ = not_ready("x", raw_config="not json")
        self.assertEqual((err["type"], status), ("ValueError", 3))
        err, status, _, _ = not_ready("x", raw_config='{"target": "sync_agent:run", "replay": 5}')
        self.assertEqual((err["type"], status), ("TypeError", 3))

    def test_python_path_and_shim_precedence(self):
        extra = os.path.join(support.scratch(), "extra_path")
        os.makedirs(os.path.join(extra, "fluxloop"), exist_ok=True)
        with open(os.path.join(extra, "fluxloop", "__init__.py"), "w") as handle:
            handle.write("raise ImportError('the installed fluxloop must not be used')\n")
        with open(os.path.join(extra, "pp_agent.py"), "w") as handle:
            handle.write("import fluxloop\n\n@fluxloop.agent\ndef run(query):\n"
                         "    return 'pp ' + query + ' ' + fluxloop.__version__\n")
        with WorkerProcess("pp_agent:run", python_path=[extra]) as w:
            resp = self.assertOk(w.request("z"))
            self.assertEqual(resp["output"], "pp z 0.1.7", resp)
            self.assertEqual(support.observations(resp)[0]["name"], "run")

    def test_worker_modules_do_not_shadow_agent_modules(self):
        # An agent project with modules named like the worker's own (config, targets, output...).
        folder = os.path.join(support.scratch(), "shadow_project")
        os.makedirs(folder, exist_ok=True)
        for name in ("config", "targets", "output", "protocol", "worker"):
            with open(os.path.join(folder, name + ".py"), "w") as handle:
                handle.write("NAME = 'agent %s'\n" % name)
        with open(os.path.join(folder, "shadow_agent.py"), "w") as handle:
            handle.write("import config, targets, output, protocol, worker\n\ndef run(input_text):\n"
                         "    return ','.join(m.NAME for m in (config, targets, output, protocol, worker))\n")
        with WorkerProcess("shadow_agent:run", cwd=folder) as w:
            self.assertEqual(self.assertOk(w.request("x"))["output"],
                             "agent config,agent targets,agent output,agent protocol,agent worker")


if __name__ == "__main__":
    unittest.main()
