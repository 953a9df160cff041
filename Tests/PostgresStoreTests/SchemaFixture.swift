/// Rows that exercise every branch of the export views: a single-turn run with observations and token counts,
/// a failed run, a multi-turn run with a supervisor and callbacks, and an experiment without runs.
/// Plain SQL that both engines accept.
enum SchemaFixture {
    static let conversation = #"[{"turn_index": 1, "role": "user", "content": "Is \"Dune\" in stock?\nThanks", "source": "input", "metadata": {"persona": "novice"}}, {"turn_index": 1, "role": "assistant", "content": "Oui, \u00e9 5 left", "source": "agent", "metadata": {"actions": ["agent:StockAgent", "tool:check_stock"]}}]"#
    static let observations = "[" + #"{"id": "o1", "type": "tool", "name": "check_stock", "start_time": "2026-11-27T10:00:00.100000+00:00", "end_time": "2026-11-27T10:00:00.200000+00:00", "input": {"title": "Dune", "count": 2}, "output": 5, "level": "info", "metadata": {"description": "Check stock"}, "parent_observation_id": "o2", "trace_id": "t1"}"#
        + ",\n" + #"{"id": "o2", "type": "generation", "name": "answer", "start_time": "2026-11-27T10:00:00.050000+00:00", "end_time": "2026-11-27T10:00:00.300000+00:00", "input": "plain \"text\"", "output": null, "error": "boom", "level": "error", "metadata": {}, "model": "gpt-x", "trace_id": "t1"}"#
        + ",\n" + #"{"id": "o3", "type": "span", "name": "s", "start_time": null, "end_time": null, "input": [1.50, true], "output": {"a": [ ]}, "level": "info", "metadata": {"k": 1}, "trace_id": "t1"}"# + "]"

    static let inserts: [String] = [
        """
        INSERT INTO experiments (id, name, description, status, started_at, completed_at, planned_runs, executed_runs,
            successful_runs, total_duration_ms, output_dir, config_json, config_yaml, tags, tool_version)
        VALUES ('e1', 'demo', NULL, 'completed', '2026-11-27T10:00:00.000000Z', '2026-11-27T10:00:01.500600Z', 3, 3,
            2, 130.47, '/tmp/out', '{"name": "demo", "runner": {"target": "a:b", "timeout": 30.0}, "tags": ["x"]}',
            'name: demo', '["x"]', '0.1.0')
        """,
        """
        INSERT INTO experiments (id, name, status, started_at, planned_runs, config_json, tool_version)
        VALUES ('e2', 'empty', 'running', '2026-11-28T09:00:00.000000Z', 5, '{}', '0.1.0')
        """,
        """
        INSERT INTO traces (id, trace_id, experiment_id, run_index, iteration, persona, input_index, input, output, success,
            duration_ms, started_at, ended_at, metadata, conversation_json, observations_json, observation_count,
            observation_tokens)
        VALUES (1, 't1', 'e1', 0, 0, 'novice', 0, 'Is "Dune" in stock?', 'Oui, 5 left', 1, 4.47,
            '2026-11-27T10:00:00.000000Z', '2026-11-27T10:00:00.300000Z', '{"k": "v"}',
            '\(conversation.replacingOccurrences(of: "'", with: "''"))',
            '\(observations.replacingOccurrences(of: "'", with: "''"))', 3, '[null, [10, 5, 15], null]')
        """,
        """
        INSERT INTO traces (id, trace_id, experiment_id, run_index, iteration, persona, input_index, input, output, success,
            error_type, error_message, error_traceback, duration_ms, started_at, ended_at, stdout, metadata)
        VALUES (2, 't2', 'e1', 1, 0, NULL, 1, 'Tab	and newline
        here', NULL, 0, 'ValueError', 'bad "value"', 'Traceback (most recent call last):
          File "x.py"', 100.0, '2026-11-27T10:00:00.400000Z', '2026-11-27T10:00:00.500000Z', 'printed', '{}')
        """,
        """
        INSERT INTO traces (id, trace_id, experiment_id, run_index, iteration, persona, input_index, input, output, success,
            duration_ms, started_at, ended_at, termination_reason, turn_count, conversation_state, supervisor_response,
            callback_messages, metadata, conversation_json)
        VALUES (3, 't3', 'e1', 2, 1, 'novice', 0, 'Is "Dune" in stock?', 'done', 1, 26.000000000000004,
            '2026-11-27T10:00:01.000000Z', '2026-11-27T10:00:01.400000Z', 'supervisor_complete', 2,
            '{"turns": [{"role": "user", "content": "hi"}]}', '{"decision": "stop", "score": 0.5}',
            '[{"message": "cb"}]', '{}', '\(conversation.replacingOccurrences(of: "'", with: "''"))')
        """,
        // What an agent set through the SDK's context (migration 005 / PostgreSQL 003).
        #"UPDATE traces SET user_id = 'u-1', tags = '["a", "b"]', trace_metadata = '{"k": "v", "n": 2}' WHERE trace_id = 't1'"#,
    ]
}
