import Core
import Foundation

/// The configuration files `fluxloop init project` writes: a FluxLoop `configs/` project that both
/// this tool and FluxLoop 0.2.30 run as it is.
enum ConfigTemplates {
    static func project(name: String) -> String {
        """
        # Project-wide settings, merged first (then input, simulation and evaluation).
        name: \(yamlQuoted(name))
        description: "Simulated users talking to \(name)'s agent"
        version: 1.0.0
        tags:
          - simulation
        metadata:
          # What the agent is for; the multi-turn supervisor reads it.
          service_context: "A helpful assistant answering product questions."

        """
    }

    /// Two personas and a few base inputs; `inputs_file` names the file `generate inputs` writes.
    static let input = """
        # Who talks to the agent, and what they start with.
        personas:
          - name: newcomer
            description: Someone trying the product for the first time
            characteristics:
              - Writes short, informal questions
              - Does not know the product's vocabulary
            language: en
            expertise_level: novice
            goals:
              - Get a first task done quickly
          - name: power_user
            description: A daily user who wants precise answers
            characteristics:
              - Uses exact terms and asks follow-up details
              - Has little patience for generic answers
            language: en
            expertise_level: expert
            goals:
              - Automate a repetitive workflow

        base_inputs:
          - input: "Hello! What can you help me with?"
            expected_intent: greeting
          - input: "How do I get started?"
            expected_intent: help
          - input: "Can you show me an example?"
            expected_intent: demo

        # How `fluxloop generate inputs` varies each base input (one variation per input x persona x strategy).
        variation_strategies:
          - rephrase
          - verbose
          - typo

        # The inputs the experiment runs. `fluxloop init` wrote one entry per base input x persona;
        # `fluxloop generate inputs --overwrite` replaces it with variations.
        inputs_file: inputs/generated.yaml

        input_generation:
          mode: llm                  # or deterministic (no model needed; fluxloop only)
          llm:
            enabled: true
            provider: openai         # openai | anthropic | mock
            model: gpt-4o-mini
            # The key comes from --llm-api-key, FLUXLOOP_LLM_API_KEY or OPENAI_API_KEY (.env): never write it here.

        """

    /// One iteration of the example agent, written to experiments/.
    static func simulation(name: String, target: String) -> String {
        """
        # How the experiment runs.
        name: \(yamlQuoted(name + "_experiment"))
        description: "Every input of inputs_file, once"
        iterations: 1
        parallel_runs: 1
        seed: 42

        runner:
          # module:function, imported from working_directory (the project folder).
          target: \(yamlQuoted(target))
          working_directory: .
          timeout_seconds: 60

        multi_turn:
          enabled: false             # --multi-turn turns each input into a conversation
          max_turns: 4
          supervisor:
            # mock plays scripted_questions; switch to openai or anthropic (and set its key in .env)
            # for a model that writes the follow-ups.
            provider: mock
            model: gpt-4o-mini
            metadata:
              scripted_questions:
                - "Could you say that more simply?"
                - "Thanks, what should I do next?"
              mock_decision: terminate
              mock_reason: script_complete

        output_directory: experiments

        """
    }

    /// A couple of rule-based evaluators (no model needed).
    static let evaluation = """
        # Checks applied to each run's output by an evaluation step.
        evaluation_goal:
          text: The agent answers every question with a non-empty, on-topic reply.

        evaluators:
          - name: answers_something
            type: rule_based
            enabled: true
            weight: 0.5
            rules:
              - check: output_not_empty
          - name: stays_polite
            type: rule_based
            enabled: true
            weight: 0.5
            rules:
              - check: not_contains
                target: output
                keywords: ["stupid", "error"]

        aggregate:
          method: weighted_sum
          threshold: 0.7

        """

    /// Commented placeholders only: nothing here is read until a line is uncommented.
    static let env = """
        # Secrets and settings for this project. This file is ignored by git (.gitignore).
        # Uncomment and fill in what you use; fluxloop never writes these values anywhere.

        # Input generation (fluxloop generate inputs) and an LLM supervisor (multi-turn):
        # OPENAI_API_KEY=
        # ANTHROPIC_API_KEY=
        # FLUXLOOP_LLM_API_KEY=
        # An OpenAI-compatible server instead of OpenAI's:
        # OPENAI_BASE_URL=http://localhost:11434/v1

        # Where fluxloop keeps its database (default: experiments/fluxloop.db):
        # FLUXLOOP_DB=

        """

    static let gitignore = """
        # fluxloop: results and secrets stay out of git.
        experiments/
        .env
        __pycache__/
        *.py[cod]
        .venv/
        .pytest_cache/

        """

    /// A double-quoted YAML scalar.
    static func yamlQuoted(_ text: String) -> String { yamlString.quoted(text) }

    private static let yamlString = QuotedText(
        quote: "\"", escapes: ["\\": "\\\\", "\n": "\\n", "\t": "\\t"],
        control: { $0 < 0x20 ? "\\x" + NumberText.hex($0, width: 2, uppercase: true) : nil })
}
