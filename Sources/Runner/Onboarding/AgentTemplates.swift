/// The Python files `fluxloop init` writes: the example agent, further agents, the pytest smoke test.
/// They need only the `fluxloop` SDK decorators, which fluxloop provides itself (no pip install).
enum AgentTemplates {
    /// `examples/simple_agent.py`: a keyword-routing agent with a tool and a prompt step, so a trace has observations.
    static let simpleAgent = #"""
        """A small example agent: it routes a question by keyword and answers from canned replies.

        Replace the body of `run` with a call to your real agent; keep the decorators so fluxloop records
        each step as an observation.
        """
        import fluxloop

        REPLIES = {
            "greeting": "Hi there! I can answer questions about the product and walk you through tasks.",
            "help": "Start by creating a project, then ask me about any step; I'll guide you through it.",
            "demo": "For example: ask 'how do I export my data?' and I'll list the steps.",
            "other": "I'm not sure I follow. Could you tell me a bit more about what you need?",
        }

        KEYWORDS = {
            "greeting": ("hello", "hi ", "hey", "what can you"),
            "help": ("start", "begin", "help", "how do i"),
            "demo": ("example", "demo", "show me"),
        }


        @fluxloop.tool(description="Guess what the user wants from their words")
        def classify(text):
            lowered = " " + text.lower() + " "
            for intent, words in KEYWORDS.items():
                if any(word in lowered for word in words):
                    return intent
            return "other"


        @fluxloop.prompt(model="canned-replies")
        def answer(intent):
            return REPLIES.get(intent, REPLIES["other"])


        @fluxloop.agent(name="SimpleAgent")
        def run(input_text):
            """Entry point named by runner.target in configs/simulation.yaml."""
            return answer(classify(input_text))


        if __name__ == "__main__":
            print(run("Hello! What can you help me with?"))

        """#

    /// `agents/NAME.py` for `fluxloop init agent NAME`.
    static func agent(name: String) -> String {
        #"""
        """Agent '\#(name)': fill in `run` with your own logic.

        Point the project at it in configs/simulation.yaml:
            runner:
              target: "agents.\#(name):run"
        """
        import fluxloop


        @fluxloop.tool(description="Look something up for the agent")
        def lookup(query):
            # Replace with a real tool call (search, database, API...).
            return {"query": query, "results": []}


        @fluxloop.agent(name="\#(name)")
        def run(input_text):
            found = lookup(input_text)
            if not found["results"]:
                return "I could not find anything about %r yet." % input_text
            return "Here is what I found: %s" % ", ".join(found["results"])


        if __name__ == "__main__":
            print(run("What is new?"))

        """#
    }

    /// `tests/test_fluxloop_smoke.py`: runs the project through the `fluxloop` binary (stdlib and pytest only).
    static func pytestSmoke(config: String) -> String {
        #"""
        """Smoke test: the project's experiment runs and every run succeeds.

        Written by `fluxloop init pytest-template`; run it with `pytest -k fluxloop_smoke`.
        Set FLUXLOOP_BIN when the fluxloop binary is not on PATH.
        """
        import json
        import os
        import shutil
        import subprocess
        from pathlib import Path

        import pytest

        PROJECT_ROOT = Path(__file__).resolve().parents[1]
        SIMULATION_CONFIG = "\#(config)"


        def test_fluxloop_smoke(tmp_path):
            binary = os.environ.get("FLUXLOOP_BIN") or shutil.which("fluxloop")
            if not binary:
                pytest.skip("fluxloop is not on PATH (install it with scripts/install.sh, or set FLUXLOOP_BIN)")
            output = tmp_path / "experiments"
            completed = subprocess.run(
                [binary, "run", "experiment", "--config", SIMULATION_CONFIG, "--yes",
                 "--iterations", "1", "--output-dir", str(output), "--db", str(tmp_path / "smoke.db")],
                cwd=str(PROJECT_ROOT), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600,
            )
            assert completed.returncode == 0, completed.stdout + completed.stderr
            summaries = sorted(output.glob("*/summary.json"))
            assert summaries, "no experiment folder was written:\n" + completed.stdout
            summary = json.loads(summaries[-1].read_text(encoding="utf-8"))
            assert summary["total_traces"] > 0
            assert summary["failed"] == 0, summary

        """#
    }
}
