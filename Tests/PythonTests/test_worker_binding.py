"""Binding a request to the target's parameters (CallPlan)."""

import unittest

from support import WorkerAssertions, WorkerProcess

from fluxloop_worker.binding import CallPlan, Persona

PERSONA = {"name": "novice", "description": "First-time customer", "characteristics": [],
           "language": "en", "expertise_level": "novice", "goals": ["buy"],
           "constraints": [], "custom_attributes": {}}


def request(text="hi", **fields):
    req = {"id": "r", "input": text, "iteration": 0, "persona": None, "persona_prompt": None,
           "conversation_state": None}
    req.update(fields)
    return req


class CallPlanUnitTests(unittest.TestCase):
    def test_input_goes_to_a_known_name_before_the_first_positional(self):
        def agent(first, query, iteration=0):
            pass
        self.assertEqual(CallPlan(agent).bind(request("x", iteration=3)), ((), {"query": "x", "iteration": 3}, None))

    def test_known_names_in_fluxloops_order(self):
        names = ["user_message", "content", "text", "query", "message", "input_text", "input"]
        while names:
            # A function whose parameters are the remaining names, least preferred first.
            namespace = {}
            exec("def agent(%s): pass" % ", ".join(names), namespace)
            self.assertEqual(CallPlan(namespace["agent"]).bind(request("x"))[1], {names[-1]: "x"})
            names.pop()

    def test_first_positional_without_a_known_name(self):
        def agent(q, extra="x"):
            pass
        self.assertEqual(CallPlan(agent).bind(request("x")), (("x",), {}, None))

    def test_var_keyword_only_gets_input(self):
        def agent(**kwargs):
            pass
        self.assertEqual(CallPlan(agent).bind(request("x", persona=PERSONA)), ((), {"input": "x"}, None))

    def test_no_parameters_get_nothing(self):
        self.assertEqual(CallPlan(lambda: None).bind(request("x")), ((), {}, None))

    def test_conversation_extras_only_in_multi_turn_unless_required(self):
        def chat(user_message, messages=None, auto_approve=False):
            pass
        plan = CallPlan(chat)
        self.assertEqual(plan.bind(request("a"))[1], {"user_message": "a"})
        turns = [{"role": "user", "content": "a"}]
        state = {"turns": turns, "metadata": {"auto_approve_tools": True}}
        self.assertEqual(plan.bind(request("a", conversation_state=state))[1],
                         {"user_message": "a", "messages": turns, "auto_approve": True})

        def needs_history(message, history):
            pass
        self.assertEqual(CallPlan(needs_history).bind(request("a"))[1], {"message": "a", "history": []})

    def test_persona_answers_keys_attributes_and_defaults(self):
        def agent(text, persona=None):
            pass
        persona = CallPlan(agent).bind(request("a", persona={"name": "p"}, persona_prompt="PROMPT"))[1]["persona"]
        self.assertIsInstance(persona, Persona)
        self.assertEqual((persona.name, persona["name"], persona.goals, persona.language), ("p", "p", [], None))
        self.assertEqual(persona.to_prompt(), "PROMPT")
        with self.assertRaises(AttributeError):
            persona.unknown_field

    def test_plan_is_not_changed_by_binding(self):
        def agent(text, persona=None):
            pass
        plan = CallPlan(agent)
        before = dict(vars(plan))
        plan.bind(request("a", persona=PERSONA))
        self.assertEqual(vars(plan), before)


class BindingTests(WorkerAssertions, unittest.TestCase):
    def test_bound_values_reach_the_agent(self):
        with WorkerProcess("binding_agent:run") as w:
            resp = self.assertOk(w.request("hi there", persona=PERSONA, persona_prompt="User Persona: novice",
                                           iteration=2))
            self.assertEqual(resp["output_value"], {
                "text": "hi there", "persona_name": "novice", "persona_key_name": "novice",
                "persona_goals": ["buy"], "persona_prompt": "User Persona: novice",
                "iteration": 2, "persona_description": "First-time customer"})
            self.assertEqual(resp["output"], "hi there", "a dict's text is the output")
            value = self.assertOk(w.request("plain", persona=None, iteration=1))["output_value"]
            self.assertEqual((value["persona_name"], value["persona_description"], value["iteration"]),
                             (None, None, 1))
            value = self.assertOk(w.request("partial", persona={"name": "p"}))["output_value"]
            self.assertEqual(value["persona_goals"], [], "defaulted persona field")

    def test_other_signatures(self):
        with WorkerProcess("binding_agent:first_positional") as w:
            self.assertEqual(self.assertOk(w.request("abc"))["output"], "first positional got abc")
        with WorkerProcess("binding_agent:kwargs_only") as w:
            resp = self.assertOk(w.request("kw", persona={"name": "p"}))
            self.assertEqual(resp["output_value"], [["input", "kw"]])
        with WorkerProcess("binding_agent:chat") as w:
            self.assertEqual(self.assertOk(w.request("single"))["output_value"],
                             {"user_message": "single", "messages": None, "auto_approve": False,
                              "has_state": False})
            turns = [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"},
                     {"role": "user", "content": "multi"}]
            state = {"turns": turns, "metadata": {"auto_approve_tools": True}}
            self.assertEqual(self.assertOk(w.request("multi", conversation_state=state))["output_value"],
                             {"user_message": "multi", "messages": turns, "auto_approve": True,
                              "has_state": True})
            value = self.assertOk(w.request("x", conversation_state={"turns": []}, metadata={"a": 1},
                                            unknown_key=[1, 2]))["output_value"]
            self.assertEqual(value["auto_approve"], False)


if __name__ == "__main__":
    unittest.main()
