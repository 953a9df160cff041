-- SQLite's migration 005_trace_fields: what an agent sets on its run's trace through the SDK's context
-- (set_user, add_tag, add_metadata), NULL when it set nothing, and the export views rebuilt to read them.

ALTER TABLE traces ADD COLUMN user_id text COLLATE "C";
ALTER TABLE traces ADD COLUMN tags text COLLATE "C" CHECK (tags IS NULL OR tags::json IS NOT NULL);
ALTER TABLE traces ADD COLUMN trace_metadata text COLLATE "C"
    CHECK (trace_metadata IS NULL OR trace_metadata::json IS NOT NULL);

DROP VIEW trace_summary;
DROP VIEW trace_detail;
DROP VIEW observation_lines;
DROP VIEW trace_export;

-- The three JSON-lines files of the experiment folder, one row per run; see the SQLite migration 003.
CREATE VIEW trace_export AS
SELECT
    trace_row, experiment_id, run_index, trace_id, observation_count,
    head || ', "conversation": ' || conversation_json || state || termination || history || '}' AS summary_json,
    head || termination || callbacks || counted || ', "conversation": ' || conversation_json || state || history
        || supervisor || fields || '}' AS detail_json,
    -- The array's elements are separated by ",\n" and hold no raw newline: without the brackets, they are the lines.
    replace(btrim(observations_json, '[]'), ',' || chr(10), chr(10)) AS observation_lines
FROM (
    SELECT
        t.id AS trace_row, t.experiment_id, t.run_index, t.trace_id, t.observation_count, t.conversation_json,
        t.observations_json,
        '{"trace_id": ' || fluxloop_json_quote(t.trace_id)
            || ', "iteration": ' || t.iteration
            || ', "persona": ' || fluxloop_json_quote(t.persona)
            || ', "input": ' || fluxloop_json_quote(t.input)
            || ', "output": ' || fluxloop_json_quote(coalesce(t.output, ''))
            || ', "duration_ms": ' || fluxloop_json_real(t.duration_ms)
            || ', "success": ' || CASE WHEN t.success <> 0 THEN 'true' ELSE 'false' END
            || CASE WHEN t.success <> 0 THEN '' ELSE ', "error": {"type": ' || fluxloop_json_quote(t.error_type)
                || ', "message": ' || fluxloop_json_quote(t.error_message)
                || ', "traceback": ' || fluxloop_json_quote(t.error_traceback) || '}' END
            AS head,
        CASE WHEN t.termination_reason IS NULL THEN '' ELSE ', "termination_reason": '
            || fluxloop_json_quote(t.termination_reason) END
            || CASE WHEN t.turn_count IS NULL THEN '' ELSE ', "turn_count": ' || t.turn_count END
            AS termination,
        CASE WHEN t.conversation_state IS NULL THEN '' ELSE ', "conversation_state": ' || t.conversation_state END
            AS state,
        CASE WHEN t.turn_count IS NULL THEN '' ELSE ', "conversation_history": '
            || fluxloop_conversation_history(t.conversation_json) END AS history,
        CASE WHEN t.callback_messages IS NULL THEN '' ELSE ', "callback_messages": ' || t.callback_messages END
            AS callbacks,
        -- FluxLoop writes observation_count for single-turn runs that have observations.
        CASE WHEN t.turn_count IS NOT NULL OR t.observation_count = 0 THEN ''
            ELSE ', "observation_count": ' || t.observation_count END AS counted,
        CASE WHEN t.supervisor_response IS NULL THEN '' ELSE ', "supervisor_response": ' || t.supervisor_response END
            AS supervisor,
        -- What the agent set through the SDK's context, each key only when set.
        CASE WHEN t.user_id IS NULL THEN '' ELSE ', "user_id": ' || fluxloop_json_quote(t.user_id) END
            || CASE WHEN t.tags IS NULL THEN '' ELSE ', "tags": ' || t.tags END
            || CASE WHEN t.trace_metadata IS NULL THEN '' ELSE ', "metadata": ' || t.trace_metadata END
            AS fields
    FROM traces AS t) AS parts;

-- trace_summary.jsonl: one line per run; multi-turn lines end with termination_reason.
CREATE VIEW trace_summary AS
SELECT experiment_id, run_index, trace_id, summary_json AS json FROM trace_export;

-- traces.jsonl: trace_summary plus callback_messages, observation_count, supervisor_response, user_id, tags and
-- metadata; termination_reason follows success here.
CREATE VIEW trace_detail AS
SELECT experiment_id, run_index, trace_id, detail_json AS json FROM trace_export;

-- observations.jsonl, one row per run: the lines of its observations (children before parents).
CREATE VIEW observation_lines AS
SELECT trace_row, experiment_id, run_index, trace_id, observation_count, observation_lines AS lines FROM trace_export;
