-- The tables every run writes into. Times are ISO-8601 UTC text; JSON columns hold JSON text.

CREATE TABLE experiments (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    description     TEXT,
    status          TEXT NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'completed', 'interrupted', 'failed')),
    started_at      TEXT NOT NULL,
    completed_at    TEXT,
    planned_runs    INTEGER NOT NULL CHECK (planned_runs >= 0),
    -- Kept in step with the traces rows by the same transaction that inserts each trace.
    executed_runs   INTEGER NOT NULL DEFAULT 0,
    output_dir      TEXT,
    config_json     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(config_json)),
    config_yaml     TEXT NOT NULL DEFAULT '',
    tags            TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
    tool_version    TEXT NOT NULL
);

CREATE INDEX experiments_by_name ON experiments (name, started_at);
CREATE INDEX experiments_by_start ON experiments (started_at);

CREATE TABLE traces (
    id                  INTEGER PRIMARY KEY,
    trace_id            TEXT NOT NULL UNIQUE,
    experiment_id       TEXT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    -- Position in the experiment's plan: one result per planned run.
    run_index           INTEGER NOT NULL,
    iteration           INTEGER NOT NULL,
    persona             TEXT,
    input_index         INTEGER NOT NULL,
    input               TEXT NOT NULL,
    output              TEXT,
    success             INTEGER NOT NULL CHECK (success IN (0, 1)),
    error_type          TEXT,
    error_message       TEXT,
    error_traceback     TEXT,
    duration_ms         REAL NOT NULL,
    started_at          TEXT NOT NULL,
    ended_at            TEXT NOT NULL,
    attempts            INTEGER NOT NULL DEFAULT 1,
    termination_reason  TEXT,
    turn_count          INTEGER,
    conversation_state  TEXT CHECK (conversation_state IS NULL OR json_valid(conversation_state)),
    supervisor_response TEXT CHECK (supervisor_response IS NULL OR json_valid(supervisor_response)),
    callback_messages   TEXT CHECK (callback_messages IS NULL OR json_valid(callback_messages)),
    stdout              TEXT,
    stderr              TEXT,
    metadata            TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
    UNIQUE (experiment_id, run_index)
);

-- Covers the per-experiment statistics (counts, success rate, average and percentile durations).
CREATE INDEX traces_by_duration ON traces (experiment_id, duration_ms, success);

-- The same input and persona across experiments (compare, consistency, regressions).
CREATE INDEX traces_by_input ON traces (input, persona, experiment_id);

-- Turns and observations are written only through the Store, which produces their JSON columns itself,
-- so they skip per-row json_valid checks: these two tables take most of the rows.
CREATE TABLE turns (
    trace_row   INTEGER NOT NULL REFERENCES traces (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    turn_index  INTEGER NOT NULL,
    role        TEXT NOT NULL,
    content     TEXT NOT NULL,
    source      TEXT NOT NULL,
    metadata    TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (trace_row, position)
) WITHOUT ROWID;

CREATE TABLE observations (
    trace_row           INTEGER NOT NULL REFERENCES traces (id) ON DELETE CASCADE,
    -- Order in which observations finished (children before parents), as FluxLoop writes them.
    position            INTEGER NOT NULL,
    id                  TEXT NOT NULL,
    parent_id           TEXT,
    type                TEXT NOT NULL,
    name                TEXT NOT NULL,
    start_time          TEXT,
    end_time            TEXT,
    level               TEXT NOT NULL DEFAULT 'info',
    input               TEXT,
    output              TEXT,
    metadata            TEXT NOT NULL DEFAULT '{}',
    model               TEXT,
    prompt_tokens       INTEGER,
    completion_tokens   INTEGER,
    total_tokens        INTEGER,
    error               TEXT,
    UNIQUE (trace_row, position)
);
