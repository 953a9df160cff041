-- The export views in parts, so that the exporter writes a run's large texts (its output, conversation,
-- conversation state and observations) from their columns, without building the whole line in SQLite: a line
-- built with `||` keeps every intermediate string until the row is done, several times the line's size, which
-- for a run with a 20 MB output was most of a gigabyte. `trace_export` is now these parts joined, so both give
-- the same text (one definition of each piece). Nothing else changes.

DROP VIEW trace_summary;
DROP VIEW trace_detail;
DROP VIEW observation_lines;
DROP VIEW trace_export;

-- One row per run. A line of trace_summary.jsonl is head_start, json_quote(output), head_end, ', "conversation": ',
-- conversation_json, state_key and conversation_state (when not NULL), termination, history and '}'; a line of
-- traces.jsonl is head_start, json_quote(output), head_end, termination, callbacks, counted, ', "conversation": ',
-- conversation_json, state_key and conversation_state (when not NULL), history, supervisor, fields and '}'.
CREATE VIEW trace_export_parts AS
SELECT
    t.id AS trace_row, t.experiment_id, t.run_index, t.trace_id, t.observation_count, t.conversation_json,
    t.observations_json, t.conversation_state,
    '{"trace_id": ' || json_quote(t.trace_id)
        || ', "iteration": ' || t.iteration
        || ', "persona": ' || json_quote(t.persona)
        || ', "input": ' || json_quote(t.input)
        || ', "output": ' AS head_start,
    coalesce(t.output, '') AS output,
    ', "duration_ms": ' || json_quote(t.duration_ms)
        || ', "success": ' || CASE WHEN t.success THEN 'true' ELSE 'false' END
        || CASE WHEN t.success THEN '' ELSE ', "error": {"type": ' || json_quote(t.error_type)
            || ', "message": ' || json_quote(t.error_message)
            || ', "traceback": ' || json_quote(t.error_traceback) || '}' END
        AS head_end,
    ', "conversation_state": ' AS state_key,
    CASE WHEN t.termination_reason IS NULL THEN '' ELSE ', "termination_reason": ' || json_quote(t.termination_reason) END
        || CASE WHEN t.turn_count IS NULL THEN '' ELSE ', "turn_count": ' || t.turn_count END
        AS termination,
    -- The seed's transcript, for multi-turn runs only.
    CASE WHEN t.turn_count IS NULL THEN '' ELSE ', "conversation_history": ' || coalesce((
        SELECT '[' || group_concat('{"role": ' || json_quote(json_extract(u.value, '$.role')) || ', "content": '
            || json_quote(json_extract(u.value, '$.content')) || '}', ', ') || ']'
        FROM json_each(t.conversation_json) AS u), '[]') END AS history,
    CASE WHEN t.callback_messages IS NULL THEN '' ELSE ', "callback_messages": ' || t.callback_messages END AS callbacks,
    -- FluxLoop writes observation_count for single-turn runs that have observations.
    CASE WHEN t.turn_count IS NOT NULL OR t.observation_count = 0 THEN ''
        ELSE ', "observation_count": ' || t.observation_count END AS counted,
    CASE WHEN t.supervisor_response IS NULL THEN '' ELSE ', "supervisor_response": ' || t.supervisor_response END
        AS supervisor,
    -- What the agent set through the SDK's context, each key only when set (the names FluxLoop's SDK store uses).
    CASE WHEN t.user_id IS NULL THEN '' ELSE ', "user_id": ' || json_quote(t.user_id) END
        || CASE WHEN t.tags IS NULL THEN '' ELSE ', "tags": ' || t.tags END
        || CASE WHEN t.trace_metadata IS NULL THEN '' ELSE ', "metadata": ' || t.trace_metadata END
        AS fields
FROM traces AS t;

CREATE VIEW trace_export AS
SELECT
    trace_row, experiment_id, run_index, trace_id, observation_count,
    head_start || json_quote(output) || head_end || ', "conversation": ' || conversation_json || state || termination
        || history || '}' AS summary_json,
    head_start || json_quote(output) || head_end || termination || callbacks || counted || ', "conversation": '
        || conversation_json || state || history || supervisor || fields || '}' AS detail_json,
    -- The array's elements are separated by ",\n" and hold no raw newline: without the brackets, they are the lines.
    replace(trim(observations_json, '[]'), ',' || char(10), char(10)) AS observation_lines
FROM (
    SELECT *, CASE WHEN conversation_state IS NULL THEN '' ELSE state_key || conversation_state END AS state
    FROM trace_export_parts);

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
