-- Views that give each exported object as one row: a few plain columns to filter and order by,
-- and `json`, the object exactly as it is written to the experiment folder.
--
-- The per-trace views are hot (an export reads 100,000 rows in well under a second), so they build their
-- text by concatenation rather than json_object(): the JSON columns are stored as single-line JSON text
-- by the Store and are spliced in as they are, strings go through json_quote(), and the separators are
-- Python's (", " and ": "), so lines read like the ones FluxLoop 0.2.30 writes. Optional keys are
-- simply left out when they have no value, in FluxLoop's key order.

-- Per-experiment run statistics. Percentiles are nearest-rank over duration_ms; the traces_by_duration
-- index covers every column read here, so no trace row is touched.
CREATE VIEW experiment_stats AS
SELECT
    b.*,
    (SELECT d.duration_ms FROM (
        SELECT duration_ms, row_number() OVER (ORDER BY duration_ms) AS rank
        FROM traces WHERE experiment_id = b.experiment_id) AS d
     WHERE d.rank = max(1, (b.total_runs * 50 + 99) / 100)) AS p50_duration_ms,
    (SELECT d.duration_ms FROM (
        SELECT duration_ms, row_number() OVER (ORDER BY duration_ms) AS rank
        FROM traces WHERE experiment_id = b.experiment_id) AS d
     WHERE d.rank = max(1, (b.total_runs * 95 + 99) / 100)) AS p95_duration_ms
FROM (
    SELECT
        e.id AS experiment_id,
        count(t.experiment_id) AS total_runs,
        coalesce(sum(t.success), 0) AS successful,
        count(t.experiment_id) - coalesce(sum(t.success), 0) AS failed,
        CASE WHEN count(t.experiment_id) = 0 THEN 0.0
             ELSE round(1.0 * sum(t.success) / count(t.experiment_id), 6) END AS success_rate,
        coalesce(avg(t.duration_ms), 0.0) AS avg_duration_ms,
        CASE WHEN e.completed_at IS NULL THEN NULL
             ELSE round((julianday(e.completed_at) - julianday(e.started_at)) * 86400.0, 3) END AS duration_seconds
    FROM experiments AS e
    LEFT JOIN traces AS t ON t.experiment_id = e.id
    GROUP BY e.id) AS b;

-- summary.json: the seed's keys, this tool's additions, and FluxLoop 0.2.30's name/date/config/results.
CREATE VIEW experiment_summary AS
SELECT
    e.id AS experiment_id,
    e.name,
    e.status,
    e.started_at,
    json_object(
        'experiment_id', e.id,
        'experiment_name', e.name,
        'name', e.name,
        'date', e.started_at,
        'total_traces', s.total_runs,
        'successful', s.successful,
        'failed', s.failed,
        'success_rate', s.success_rate,
        'avg_duration_ms', s.avg_duration_ms,
        'p50_duration_ms', coalesce(s.p50_duration_ms, 0.0),
        'p95_duration_ms', coalesce(s.p95_duration_ms, 0.0),
        'started_at', e.started_at,
        'completed_at', e.completed_at,
        'duration_seconds', coalesce(s.duration_seconds, 0.0),
        'config_snapshot', json(e.config_json),
        'config', json(e.config_json),
        'results', json_object(
            'total_runs', s.total_runs,
            'successful', s.successful,
            'failed', s.failed,
            'success_rate', s.success_rate,
            'avg_duration_ms', s.avg_duration_ms,
            'duration_seconds', coalesce(s.duration_seconds, 0.0)
        )
    ) AS json
FROM experiments AS e
JOIN experiment_stats AS s ON s.experiment_id = e.id;

-- The conversation of each trace, as JSON text, in turn order.
CREATE VIEW trace_conversation AS
SELECT
    t.id AS trace_row,
    coalesce((
        SELECT '[' || group_concat(
            '{"turn_index": ' || u.turn_index || ', "role": ' || json_quote(u.role)
            || ', "content": ' || json_quote(u.content) || ', "source": ' || json_quote(u.source)
            || ', "metadata": ' || u.metadata || '}', ', ') || ']'
        FROM (SELECT * FROM turns WHERE trace_row = t.id ORDER BY position) AS u), '[]') AS conversation,
    -- The seed's transcript, for multi-turn runs only.
    CASE WHEN t.turn_count IS NULL THEN NULL ELSE coalesce((
        SELECT '[' || group_concat('{"role": ' || json_quote(u.role) || ', "content": ' || json_quote(u.content) || '}', ', ') || ']'
        FROM (SELECT * FROM turns WHERE trace_row = t.id ORDER BY position) AS u), '[]') END AS conversation_history
FROM traces AS t;

-- The leading keys shared by trace_summary and trace_detail, without the closing brace.
CREATE VIEW trace_export_head AS
SELECT
    t.id AS trace_row,
    t.experiment_id,
    t.run_index,
    t.trace_id,
    '{"trace_id": ' || json_quote(t.trace_id)
        || ', "iteration": ' || t.iteration
        || ', "persona": ' || json_quote(t.persona)
        || ', "input": ' || json_quote(t.input)
        || ', "output": ' || json_quote(coalesce(t.output, ''))
        || ', "duration_ms": ' || json_quote(t.duration_ms)
        || ', "success": ' || CASE WHEN t.success THEN 'true' ELSE 'false' END
        || CASE WHEN t.success THEN '' ELSE ', "error": {"type": ' || json_quote(t.error_type)
            || ', "message": ' || json_quote(t.error_message)
            || ', "traceback": ' || json_quote(t.error_traceback) || '}' END
        AS head,
    -- Multi-turn fields: where they go differs between the two files, as in FluxLoop 0.2.30.
    CASE WHEN t.termination_reason IS NULL THEN '' ELSE ', "termination_reason": ' || json_quote(t.termination_reason) END
        || CASE WHEN t.turn_count IS NULL THEN '' ELSE ', "turn_count": ' || t.turn_count END
        AS termination
FROM traces AS t;

-- trace_summary.jsonl: one line per run; multi-turn lines end with termination_reason.
CREATE VIEW trace_summary AS
SELECT h.experiment_id, h.run_index, h.trace_id,
    h.head
        || ', "conversation": ' || c.conversation
        || CASE WHEN t.conversation_state IS NULL THEN '' ELSE ', "conversation_state": ' || t.conversation_state END
        || h.termination
        || CASE WHEN c.conversation_history IS NULL THEN '' ELSE ', "conversation_history": ' || c.conversation_history END
        || '}' AS json
FROM trace_export_head AS h
JOIN traces AS t ON t.id = h.trace_row
JOIN trace_conversation AS c ON c.trace_row = h.trace_row;

-- traces.jsonl: trace_summary plus callback_messages, observation_count (single-turn runs, as FluxLoop
-- writes it) and supervisor_response; termination_reason follows success here.
CREATE VIEW trace_detail AS
SELECT h.experiment_id, h.run_index, h.trace_id,
    h.head
        || h.termination
        || CASE WHEN t.callback_messages IS NULL THEN '' ELSE ', "callback_messages": ' || t.callback_messages END
        || CASE WHEN t.turn_count IS NOT NULL THEN '' ELSE
            coalesce(', "observation_count": ' || nullif((SELECT count(*) FROM observations WHERE trace_row = t.id), 0), '') END
        || ', "conversation": ' || c.conversation
        || CASE WHEN t.conversation_state IS NULL THEN '' ELSE ', "conversation_state": ' || t.conversation_state END
        || CASE WHEN c.conversation_history IS NULL THEN '' ELSE ', "conversation_history": ' || c.conversation_history END
        || CASE WHEN t.supervisor_response IS NULL THEN '' ELSE ', "supervisor_response": ' || t.supervisor_response END
        || '}' AS json
FROM trace_export_head AS h
JOIN traces AS t ON t.id = h.trace_row
JOIN trace_conversation AS c ON c.trace_row = h.trace_row;

-- observations.jsonl: one line per finished observation, in trace order, children before parents.
-- An output of JSON null is left out, as FluxLoop leaves out the output of a call that returned None.
CREATE VIEW observation_export AS
SELECT t.experiment_id, t.run_index, t.trace_id, o.position, o.id AS observation_id,
    '{"id": ' || json_quote(o.id)
        || ', "type": ' || json_quote(o.type)
        || ', "name": ' || json_quote(o.name)
        || ', "start_time": ' || json_quote(o.start_time)
        || ', "end_time": ' || json_quote(o.end_time)
        || ', "input": ' || coalesce(o.input, 'null')
        || CASE WHEN o.output IS NULL OR o.output = 'null' THEN '' ELSE ', "output": ' || o.output END
        || CASE WHEN o.error IS NULL THEN '' ELSE ', "error": ' || json_quote(o.error) END
        || ', "level": ' || json_quote(o.level)
        || ', "metadata": ' || o.metadata
        || CASE WHEN o.model IS NULL THEN '' ELSE ', "model": ' || json_quote(o.model) END
        || CASE WHEN o.parent_id IS NULL THEN '' ELSE ', "parent_observation_id": ' || json_quote(o.parent_id) END
        || ', "trace_id": ' || json_quote(t.trace_id)
        || '}' AS json
FROM observations AS o
JOIN traces AS t ON t.id = o.trace_row;

-- errors.json: FluxLoop 0.2.30's list of failed runs.
CREATE VIEW error_export AS
SELECT experiment_id, run_index, json_object(
    'iteration', iteration, 'persona', persona, 'input', input,
    'error', coalesce(error_message, error_type, 'unknown error')) AS json
FROM traces
WHERE success = 0;
