-- SQLite's migration 006_trace_export_parts: the pieces of each run's JSON-lines text, so that the two schemas
-- keep the same views. The SQLite exporter writes the files from these parts; trace_export here is unchanged
-- (PostgresExporter reads it through a cursor, one row at a time).

CREATE VIEW trace_export_parts AS
SELECT
    t.id AS trace_row, t.experiment_id, t.run_index, t.trace_id, t.observation_count, t.conversation_json,
    t.observations_json, t.conversation_state,
    '{"trace_id": ' || fluxloop_json_quote(t.trace_id)
        || ', "iteration": ' || t.iteration
        || ', "persona": ' || fluxloop_json_quote(t.persona)
        || ', "input": ' || fluxloop_json_quote(t.input)
        || ', "output": ' AS head_start,
    coalesce(t.output, '') AS output,
    ', "duration_ms": ' || fluxloop_json_real(t.duration_ms)
        || ', "success": ' || CASE WHEN t.success <> 0 THEN 'true' ELSE 'false' END
        || CASE WHEN t.success <> 0 THEN '' ELSE ', "error": {"type": ' || fluxloop_json_quote(t.error_type)
            || ', "message": ' || fluxloop_json_quote(t.error_message)
            || ', "traceback": ' || fluxloop_json_quote(t.error_traceback) || '}' END
        AS head_end,
    ', "conversation_state": ' AS state_key,
    CASE WHEN t.termination_reason IS NULL THEN '' ELSE ', "termination_reason": '
        || fluxloop_json_quote(t.termination_reason) END
        || CASE WHEN t.turn_count IS NULL THEN '' ELSE ', "turn_count": ' || t.turn_count END
        AS termination,
    CASE WHEN t.turn_count IS NULL THEN '' ELSE ', "conversation_history": '
        || fluxloop_conversation_history(t.conversation_json) END AS history,
    CASE WHEN t.callback_messages IS NULL THEN '' ELSE ', "callback_messages": ' || t.callback_messages END
        AS callbacks,
    CASE WHEN t.turn_count IS NOT NULL OR t.observation_count = 0 THEN ''
        ELSE ', "observation_count": ' || t.observation_count END AS counted,
    CASE WHEN t.supervisor_response IS NULL THEN '' ELSE ', "supervisor_response": ' || t.supervisor_response END
        AS supervisor,
    CASE WHEN t.user_id IS NULL THEN '' ELSE ', "user_id": ' || fluxloop_json_quote(t.user_id) END
        || CASE WHEN t.tags IS NULL THEN '' ELSE ', "tags": ' || t.tags END
        || CASE WHEN t.trace_metadata IS NULL THEN '' ELSE ', "metadata": ' || t.trace_metadata END
        AS fields
FROM traces AS t;
