"""Parity of the bundled `fluxloop` package with the real SDK (fluxloop 0.1.7 from PyPI).

The expected surface is generated at test time: sdk_surface.py walks the real
package's modules and public names with `inspect`, inside a virtualenv that
has it installed. The same walker then describes those names in the bundled
package (a plain interpreter without site-packages, Sources/Runner/Python
first on the path), and the two descriptions are compared:

- every module and name exists;
- functions and methods: same parameter names, kinds and defaults, in the same
  positions; the bundled one may add optional parameters (or make a required
  one optional), which accepts every call the real one accepts;
- enums: the same members and values; schema classes: the same fields, in the
  same order, with the same defaults; pydantic's dump/copy/validate methods
  take the same arguments.
"""

import json
import sys
import os
import tempfile
import unittest

import sdk_reference as ref

VAR_KINDS = ("VAR_POSITIONAL", "VAR_KEYWORD")
POSITIONAL = ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD")


def compare_params(expected, actual, where, loose_keywords=False):
    """Problems with `actual` parameters against `expected` (both as sdk_surface describes them).

    loose_keywords: a keyword parameter the bundled one lacks is fine when it
    takes **kwargs (pydantic's many rarely used serialisation options).
    """
    if expected is None or actual is None:
        return [] if expected is None else ["%s: no signature" % where]
    problems = []
    by_name = {p["name"]: (i, p) for i, p in enumerate(actual)}
    actual_kinds = set(p["kind"] for p in actual)
    matched = set()
    for index, want in enumerate(expected):
        if want["kind"] in VAR_KINDS:
            if want["kind"] not in actual_kinds:
                problems.append("%s: takes no %s" % (where, "*args" if want["kind"] == "VAR_POSITIONAL"
                                                     else "**kwargs"))
            matched.update(p["name"] for p in actual if p["kind"] == want["kind"])
            continue
        if want["name"] not in by_name:
            if not (loose_keywords and want["kind"] == "KEYWORD_ONLY" and "VAR_KEYWORD" in actual_kinds):
                problems.append("%s: parameter %r is missing" % (where, want["name"]))
            continue
        position, have = by_name[want["name"]]
        matched.add(have["name"])
        if have["kind"] != want["kind"]:
            problems.append("%s: parameter %r is %s, expected %s" % (where, want["name"], have["kind"],
                                                                     want["kind"]))
        elif want["kind"] in POSITIONAL and position != index:
            problems.append("%s: parameter %r is at position %d, expected %d" % (
                where, want["name"], position, index))
        if "default" in want and have.get("default", "<required>") != want["default"]:
            problems.append("%s: parameter %r defaults to %r, expected %r" % (
                where, want["name"], have.get("default", "<required>"), want["default"]))
    for have in actual:
        if have["name"] not in matched and "default" not in have and have["kind"] not in VAR_KINDS:
            problems.append("%s: extra required parameter %r" % (where, have["name"]))
    return problems


def compare_methods(expected, actual, where):
    problems = []
    for name, want in sorted(expected.items()):
        have = actual.get(name)
        if have is None:
            problems.append("%s.%s is missing" % (where, name))
        elif "property" in want:
            if "property" not in have:
                problems.append("%s.%s should be a property" % (where, name))
        elif "signature" not in have:
            problems.append("%s.%s should be a method" % (where, name))
        else:
            for flag in ("static", "classmethod", "async"):
                if want[flag] != have[flag]:
                    problems.append("%s.%s: %s is %s, expected %s" % (where, name, flag, have[flag],
                                                                      want[flag]))
            problems += compare_params(want["signature"], have["signature"], "%s.%s" % (where, name))
    return problems


def compare_name(want, have, where):
    if have["kind"] == "missing":
        return ["%s is missing" % where]
    if have["kind"] != want["kind"]:
        # A function and a class are both fine as long as calling them is compatible.
        if not {want["kind"], have["kind"]} <= {"function", "class"}:
            return ["%s is a %s, expected a %s" % (where, have["kind"], want["kind"])]
    kind = want["kind"]
    if kind == "function" or have["kind"] != kind:
        problems = compare_params(want["signature"], have["signature"], where)
        if kind == "function" and have["kind"] == "function" and want["async"] != have["async"]:
            problems.append("%s: async is %s, expected %s" % (where, have["async"], want["async"]))
        return problems
    if kind == "enum":
        problems = []
        if have["members"] != want["members"]:
            problems.append("%s members are %s, expected %s" % (where, have["members"], want["members"]))
        if have["bases"] != want["bases"]:
            problems.append("%s mixes in %s, expected %s" % (where, have["bases"], want["bases"]))
        return problems
    if kind == "value":
        return [] if have["value"] == want["value"] else ["%s is %r, expected %r" % (
            where, have["value"], want["value"])]
    problems = compare_methods(want["methods"], have["methods"], where)
    if kind == "class":
        problems += compare_params(want["signature"], have["signature"], where)
    else:  # model
        if have["fields"] != want["fields"]:
            problems.append("%s fields are\n    %s\n  expected\n    %s" % (where, have["fields"],
                                                                        want["fields"]))
        for name, signature in sorted(want["model_methods"].items()):
            if signature is not None:
                problems += compare_params(signature, have["model_methods"].get(name),
                                           "%s.%s" % (where, name), loose_keywords=True)
    return problems


def compare_surfaces(expected, actual):
    problems = []
    for module, want in sorted(expected["modules"].items()):
        have = actual["modules"].get(module)
        if "error" in want:
            continue  # the reference itself cannot import it: nothing to compare
        if have is None or "error" in have:
            problems.append("module %s: %s" % (module, (have or {}).get("error", "not described")))
            continue
        for name, desc in sorted(want["names"].items()):
            problems += compare_name(desc, have["names"].get(name, {"kind": "missing"}),
                                     "%s.%s" % (module, name))
    return problems


# Behaviour both implementations must share, printed as JSON by each interpreter.
BEHAVIOUR = r'''
import json, fluxloop
from fluxloop import PersonaConfig, ExperimentConfig, RunnerConfig, Trace, Score, TraceStatus
from fluxloop.schemas import MultiTurnConfig
p = PersonaConfig(name="Ana", description="curious", goals=["learn"], characteristics=["kind"])
e = ExperimentConfig(name="x", runner={"module_path": "m", "python_path": "src"},
                     base_inputs=[{"input": "hi"}], personas=[p.model_dump()],
                     variation_strategies=["typo"], iterations=3, variation_count=2)
t = Trace(name="t", status="success", tags=["a"], metadata={"k": 1})
out = {
    "prompt": p.to_prompt(),
    "persona_json": json.loads(p.model_dump_json()),
    "persona_dict": p.dict(),
    "persona_v1_json": json.loads(p.json()),
    "experiment": e.model_dump(mode="json", exclude_none=True),
    "experiment_to_dict_keys": sorted(e.to_dict()),
    "runs": e.estimate_total_runs(),
    "python_path": RunnerConfig(module_path="m", python_path="one").python_path,
    "trace": t.model_dump(mode="json", exclude={"id", "start_time"}),
    "trace_metrics": t.calculate_metrics(),
    "status": [TraceStatus.SUCCESS.value, TraceStatus("failed").name, isinstance(TraceStatus.SUCCESS, str)],
    "multi_turn": MultiTurnConfig(max_turns=4).model_dump(exclude_defaults=True),
    "unset": p.model_dump(exclude_unset=True),
    "copy": p.model_copy(update={"language": "ko"}).language,
    "version": fluxloop.__version__,
}
print(json.dumps(out, sort_keys=True, default=str))
'''


class SDKParityTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.reference = ref.reference_python()
        cls.tmp = tempfile.TemporaryDirectory(prefix="fluxloop-sdk-parity-")
        cwd = cls.tmp.name  # no .env or project files around
        expected = ref.run_python(cls.reference, [ref.WALKER], False, cwd)
        cls.expected = json.loads(expected)
        path = os.path.join(cwd, "expected.json")
        with open(path, "w") as handle:
            handle.write(expected)
        cls.actual = json.loads(ref.run_python(sys.executable, [ref.WALKER, "--like", path], True, cwd,
                                               plain=True))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_reference_was_walked(self):
        modules = self.expected["modules"]
        self.assertNotIn(ref.BUNDLED, self.expected["file"], "the walk must see the real SDK")
        for name in ("fluxloop", "fluxloop.context", "fluxloop.decorators", "fluxloop.schemas",
                     "fluxloop.schemas.config", "fluxloop.schemas.trace", "fluxloop.client",
                     "fluxloop.config", "fluxloop.recording", "fluxloop.models",
                     "fluxloop.serialization", "fluxloop.buffer", "fluxloop.storage"):
            self.assertIn(name, modules)
            self.assertNotIn("error", modules[name])
        self.assertIn("PersonaConfig", modules["fluxloop"]["names"])
        self.assertTrue(self.actual["file"].startswith(ref.BUNDLED), self.actual["file"])

    def test_every_module_and_name_is_compatible(self):
        problems = compare_surfaces(self.expected, self.actual)
        self.assertEqual(problems, [], "\n" + "\n".join(problems))

    def test_models_behave_the_same(self):
        script = os.path.join(self.tmp.name, "behaviour.py")
        with open(script, "w") as handle:
            handle.write(BEHAVIOUR)
        want = json.loads(ref.run_python(self.reference, [script], False, self.tmp.name))
        have = json.loads(ref.run_python(sys.executable, [script], True, self.tmp.name, plain=True))
        for key in sorted(want):
            self.assertEqual(have.get(key), want[key], key)


class CompareTests(unittest.TestCase):
    """The comparison itself: what counts as compatible (no network needed)."""

    def p(self, name, kind="POSITIONAL_OR_KEYWORD", **default):
        return dict(name=name, kind=kind, **(default or {"required": True}))

    def test_extra_optional_parameter_is_fine_extra_required_is_not(self):
        want = [self.p("name", default=None)]
        self.assertEqual(compare_params(want, want + [self.p("x", "KEYWORD_ONLY", default=1)], "f"), [])
        self.assertEqual(compare_params(want, want + [self.p("x", "VAR_KEYWORD")], "f"), [])
        self.assertTrue(compare_params(want, want + [self.p("x")], "f"))

    def test_kind_position_and_default_must_match(self):
        want = [self.p("a"), self.p("iteration", "KEYWORD_ONLY", default=None)]
        self.assertEqual(compare_params(want, want, "f"), [])
        self.assertTrue(compare_params(want, [self.p("a"), self.p("iteration", default=None)], "f"))
        self.assertTrue(compare_params(want, [self.p("b", default=0), self.p("a"),
                                              want[1]], "f"))
        self.assertTrue(compare_params(want, [self.p("a"), self.p("iteration", "KEYWORD_ONLY",
                                                                   default=0)], "f"))
        self.assertTrue(compare_params(want, [self.p("a")], "f"))


if __name__ == "__main__":
    unittest.main()
