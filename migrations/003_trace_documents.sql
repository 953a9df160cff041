-- Each run's conversation and observations move into its traces row, as JSON arrays in the shape the
-- experiment folder's files use. A run is written once and read whole; one row per run instead of six (for
-- two messages and three observations) means fewer pages per commit and an export that splices stored text.
-- `turns` and `observations` stay, as views with the same columns.
-- Run statistics are kept on the experiment row instead of in an index over every run's duration.

ALTER TABLE traces ADD COLUMN conversation_json TEXT NOT NULL DEFAULT '[]';
-- Observation objects as observations.jsonl has them (trace_id last), one per line: the array's elements
-- are separated by ",\n" and hold no raw newline, so the file's lines are the array without its brackets.
ALTER TABLE traces ADD COLUMN observations_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE traces ADD COLUMN observation_count INTEGER NOT NULL DEFAULT 0;
-- Token counts are not part of FluxLoop's observation objects: [prompt, completion, total] per observation
-- (null where none was reported), or NULL when no observation of the run reported any.
ALTER TABLE traces ADD COLUMN observation_tokens TEXT;

UPDATE traces SET
    conversation_json = (SELECT conversation FROM trace_conversation WHERE trace_row = traces.id),
    observations_json = coalesce((
        SELECT '[' || group_concat(json, ',' || char(10)) || ']'
        FROM (SELECT json FROM observation_export WHERE observation_export.trace_id = traces.trace_id ORDER BY position)), '[]'),
    observation_count = (SELECT count(*) FROM observations WHERE trace_row = traces.id),
    observation_tokens = (
        SELECT CASE WHEN count(prompt_tokens) + count(completion_tokens) + count(total_tokens) = 0 THEN NULL
            ELSE '[' || group_concat(CASE WHEN coalesce(prompt_tokens, completion_tokens, total_tokens) IS NULL THEN 'null'
                ELSE json_array(prompt_tokens, completion_tokens, total_tokens) END, ', ') || ']' END
        FROM (SELECT * FROM observations WHERE trace_row = traces.id ORDER BY position));

-- Counters kept by the transaction that appends runs; percentiles are set when the experiment ends.
ALTER TABLE experiments ADD COLUMN successful_runs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE experiments ADD COLUMN total_duration_ms REAL NOT NULL DEFAULT 0.0;
ALTER TABLE experiments ADD COLUMN p50_duration_ms REAL;
ALTER TABLE experiments ADD COLUMN p95_duration_ms REAL;

UPDATE experiments SET
    successful_runs = (SELECT coalesce(sum(success), 0) FROM traces WHERE experiment_id = experiments.id),
    total_duration_ms = (SELECT coalesce(sum(duration_ms), 0.0) FROM traces WHERE experiment_id = experiments.id);
UPDATE experiments SET
    p50_duration_ms = (SELECT p50_duration_ms FROM experiment_stats WHERE experiment_id = experiments.id),
    p95_duration_ms = (SELECT p95_duration_ms FROM experiment_stats WHERE experiment_id = experiments.id)
WHERE status <> 'running';

DROP VIEW experiment_stats;
DROP INDEX traces_by_duration;
DROP VIEW error_export;
DROP VIEW observation_export;
DROP VIEW trace_detail;
DROP VIEW trace_summary;
DROP VIEW trace_export_head;
DROP VIEW trace_conversation;
DROP TABLE observations;
DROP TABLE turns;

-- Per-experiment run statistics, from the experiment row's counters (experiment_summary reads this view by
-- name and needs no change). Percentiles are nearest-rank over duration_ms; while an experiment runs (or
-- after a crash) they are computed from its traces.
CREATE VIEW experiment_stats AS
SELECT
    e.id AS experiment_id,
    e.executed_runs AS total_runs,
    e.successful_runs AS successful,
    e.executed_runs - e.successful_runs AS failed,
    CASE WHEN e.executed_runs = 0 THEN 0.0 ELSE round(1.0 * e.successful_runs / e.executed_runs, 6) END AS success_rate,
    CASE WHEN e.executed_runs = 0 THEN 0.0 ELSE e.total_duration_ms / e.executed_runs END AS avg_duration_ms,
    CASE WHEN e.executed_runs = 0 THEN NULL ELSE coalesce(e.p50_duration_ms, (
        SELECT d.duration_ms FROM (
            SELECT duration_ms, row_number() OVER (ORDER BY duration_ms) AS rank
            FROM traces WHERE experiment_id = e.id) AS d
        WHERE d.rank = max(1, (e.executed_runs * 50 + 99) / 100))) END AS p50_duration_ms,
    CASE WHEN e.executed_runs = 0 THEN NULL ELSE coalesce(e.p95_duration_ms, (
        SELECT d.duration_ms FROM (
            SELECT duration_ms, row_number() OVER (ORDER BY duration_ms) AS rank
            FROM traces WHERE experiment_id = e.id) AS d
        WHERE d.rank = max(1, (e.executed_runs * 95 + 99) / 100))) END AS p95_duration_ms,
    CASE WHEN e.completed_at IS NULL THEN NULL
         ELSE round((julianday(e.completed_at) - julianday(e.started_at)) * 86400.0, 3) END AS duration_seconds
FROM experiments AS e;

-- The conversation of each run, one row per message.
CREATE VIEW turns AS
SELECT
    t.id AS trace_row,
    u.key AS position,
    json_extract(u.value, '$.turn_index') AS turn_index,
    json_extract(u.value, '$.role') AS role,
    json_extract(u.value, '$.content') AS content,
    json_extract(u.value, '$.source') AS source,
    coalesce(json_extract(u.value, '$.metadata'), '{}') AS metadata
FROM traces AS t, json_each(t.conversation_json) AS u;

-- Every finished observation, one row per observation, in the order they finished. JSON values come back as
-- JSON text. (json_extract() rather than ->, so that SQLite before 3.38 can still open the file.)
CREATE VIEW observations AS
SELECT
    t.id AS trace_row,
    o.key AS position,
    json_extract(o.value, '$.id') AS id,
    json_extract(o.value, '$.parent_observation_id') AS parent_id,
    json_extract(o.value, '$.type') AS type,
    json_extract(o.value, '$.name') AS name,
    json_extract(o.value, '$.start_time') AS start_time,
    json_extract(o.value, '$.end_time') AS end_time,
    coalesce(json_extract(o.value, '$.level'), 'info') AS level,
    CASE json_type(o.value, '$.input')
        WHEN 'text' THEN json_quote(json_extract(o.value, '$.input')) WHEN 'object' THEN json_extract(o.value, '$.input') WHEN 'array' THEN json_extract(o.value, '$.input')
        WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL
        -- Numbers keep their digits: json_extract() with two paths returns them as JSON text, [n,n].
        ELSE substr(json_extract(o.value, '$.input', '$.input'), 2,
            (length(json_extract(o.value, '$.input', '$.input')) - 3) / 2) END AS input,
    CASE json_type(o.value, '$.output')
        WHEN 'text' THEN json_quote(json_extract(o.value, '$.output')) WHEN 'object' THEN json_extract(o.value, '$.output') WHEN 'array' THEN json_extract(o.value, '$.output')
        WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL
        -- Numbers keep their digits: json_extract() with two paths returns them as JSON text, [n,n].
        ELSE substr(json_extract(o.value, '$.output', '$.output'), 2,
            (length(json_extract(o.value, '$.output', '$.output')) - 3) / 2) END AS output,
    coalesce(json_extract(o.value, '$.metadata'), '{}') AS metadata,
    json_extract(o.value, '$.model') AS model,
    json_extract(t.observation_tokens, '$[' || o.key || '][0]') AS prompt_tokens,
    json_extract(t.observation_tokens, '$[' || o.key || '][1]') AS completion_tokens,
    json_extract(t.observation_tokens, '$[' || o.key || '][2]') AS total_tokens,
    json_extract(o.value, '$.error') AS error
FROM traces AS t, json_each(t.observations_json) AS o;

-- The conversation of each trace, as JSON text, in turn order.
CREATE VIEW trace_conversation AS
SELECT
    t.id AS trace_row,
    t.conversation_json AS conversation,
    -- The seed's transcript, for multi-turn runs only.
    CASE WHEN t.turn_count IS NULL THEN NULL ELSE coalesce((
        SELECT '[' || group_concat('{"role": ' || json_quote(json_extract(u.value, '$.role')) || ', "content": '
            || json_quote(json_extract(u.value, '$.content')) || '}', ', ') || ']'
        FROM json_each(t.conversation_json) AS u), '[]') END AS conversation_history
FROM traces AS t;

-- The three JSON-lines files of the experiment folder, one row per run, so that an export reads each run once:
-- `summary_json` (trace_summary.jsonl), `detail_json` (traces.jsonl) and `observation_lines` (that run's lines of
-- observations.jsonl without the final newline, '' when it has none). The inner query holds the parts both
-- trace lines share; multi-turn fields go to different places in the two files, as in FluxLoop 0.2.30.
CREATE VIEW trace_export AS
SELECT
    trace_row, experiment_id, run_index, trace_id, observation_count,
    head || ', "conversation": ' || conversation_json || state || termination || history || '}' AS summary_json,
    head || termination || callbacks || counted || ', "conversation": ' || conversation_json || state || history
        || supervisor || '}' AS detail_json,
    -- The array's elements are separated by ",\n" and hold no raw newline: without the brackets, they are the lines.
    replace(trim(observations_json, '[]'), ',' || char(10), char(10)) AS observation_lines
FROM (
    SELECT
        t.id AS trace_row, t.experiment_id, t.run_index, t.trace_id, t.observation_count, t.conversation_json,
        t.observations_json,
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
        CASE WHEN t.termination_reason IS NULL THEN '' ELSE ', "termination_reason": ' || json_quote(t.termination_reason) END
            || CASE WHEN t.turn_count IS NULL THEN '' ELSE ', "turn_count": ' || t.turn_count END
            AS termination,
        CASE WHEN t.conversation_state IS NULL THEN '' ELSE ', "conversation_state": ' || t.conversation_state END AS state,
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
            AS supervisor
    FROM traces AS t);

-- trace_summary.jsonl: one line per run; multi-turn lines end with termination_reason.
CREATE VIEW trace_summary AS
SELECT experiment_id, run_index, trace_id, summary_json AS json FROM trace_export;

-- traces.jsonl: trace_summary plus callback_messages, observation_count and supervisor_response;
-- termination_reason follows success here.
CREATE VIEW trace_detail AS
SELECT experiment_id, run_index, trace_id, detail_json AS json FROM trace_export;

-- observations.jsonl, one row per run: the lines of its observations (children before parents).
CREATE VIEW observation_lines AS
SELECT trace_row, experiment_id, run_index, trace_id, observation_count, observation_lines AS lines FROM trace_export;

-- observations.jsonl, one row per observation. `json` is the same object as the file's line, in compact form.
CREATE VIEW observation_export AS
SELECT t.experiment_id, t.run_index, t.trace_id, o.key AS position, json_extract(o.value, '$.id') AS observation_id, o.value AS json
FROM traces AS t, json_each(t.observations_json) AS o;

-- errors.json: FluxLoop 0.2.30's list of failed runs.
CREATE VIEW error_export AS
SELECT experiment_id, run_index, json_object(
    'iteration', iteration, 'persona', persona, 'input', input,
    'error', coalesce(error_message, error_type, 'unknown error')) AS json
FROM traces
WHERE success = 0;
