-- Scores. A scoring applies one evaluation.yaml to one experiment: every run's per-evaluator scores, its final
-- score and pass, as FluxLoop's `evaluate experiment` computes them. Scoring again (another config, or with
-- LLM judges) adds a new scoring and keeps the earlier ones; the views show each experiment's latest.

CREATE TABLE evaluations (
    id                  INTEGER PRIMARY KEY,
    experiment_id       TEXT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    started_at          TEXT NOT NULL,
    -- NULL while `run experiment` is still scoring runs as they finish, or after a crash.
    completed_at        TEXT,
    -- The evaluation.yaml exactly as read, and where it was read from (as the user named it).
    config_yaml         TEXT NOT NULL,
    config_path         TEXT,
    -- SHA-256 of config_yaml, hex: scorings with the same config share it.
    config_sha256       TEXT NOT NULL,
    aggregate_method    TEXT NOT NULL CHECK (aggregate_method IN ('weighted_sum', 'average')),
    threshold           REAL NOT NULL,
    -- Whether llm_judge evaluators ran (`evaluate --judges`), and the provider calls they made (cache hits excluded).
    judges              INTEGER NOT NULL DEFAULT 0 CHECK (judges IN (0, 1)),
    llm_calls           INTEGER NOT NULL DEFAULT 0,
    tool_version        TEXT NOT NULL
);

CREATE INDEX evaluations_by_experiment ON evaluations (experiment_id, id);

-- One row per run and enabled evaluator of a scoring.
CREATE TABLE evaluator_scores (
    evaluation_id       INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    trace_row           INTEGER NOT NULL REFERENCES traces (id) ON DELETE CASCADE,
    -- The evaluator's place in the config's list, so scores read back in the config's order.
    position            INTEGER NOT NULL,
    evaluator           TEXT NOT NULL,
    score               REAL NOT NULL,
    weight              REAL NOT NULL,
    -- Why the score is below 1: a JSON array of texts, `[]` when none.
    reasons             TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(reasons)),
    PRIMARY KEY (evaluation_id, trace_row, position)
) WITHOUT ROWID;

-- One row per run of a scoring.
CREATE TABLE trace_results (
    evaluation_id       INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    trace_row           INTEGER NOT NULL REFERENCES traces (id) ON DELETE CASCADE,
    final_score         REAL NOT NULL,
    -- FluxLoop's pass: final_score >= threshold.
    pass                INTEGER NOT NULL CHECK (pass IN (0, 1)),
    PRIMARY KEY (evaluation_id, trace_row)
) WITHOUT ROWID;

CREATE INDEX trace_results_by_trace ON trace_results (trace_row, evaluation_id);

-- LLM judgements by (model, SHA-256 of the rendered prompt, SHA-256 of the judged output), shared by every
-- experiment, so scoring again costs no calls. No key or header is ever stored.
CREATE TABLE judge_cache (
    model               TEXT NOT NULL,
    prompt_sha256       TEXT NOT NULL,
    output_sha256       TEXT NOT NULL,
    raw_score           REAL NOT NULL,
    reason              TEXT NOT NULL,
    response            TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    PRIMARY KEY (model, prompt_sha256, output_sha256)
) WITHOUT ROWID;

-- Each experiment's latest scoring.
CREATE VIEW latest_evaluation AS
SELECT experiment_id, max(id) AS evaluation_id
FROM evaluations
GROUP BY experiment_id;

-- The latest scoring's per-evaluator scores: one row per run and evaluator. `reason` joins the reasons with
-- "; " (NULL when there is none); `reasons` keeps them as a JSON array.
CREATE VIEW trace_scores AS
SELECT
    t.trace_id,
    s.evaluator,
    s.score,
    CASE WHEN json_array_length(s.reasons) = 0 THEN NULL
         ELSE (SELECT group_concat(value, '; ') FROM json_each(s.reasons)) END AS reason,
    s.reasons,
    s.weight,
    s.position,
    t.experiment_id,
    s.evaluation_id
FROM latest_evaluation AS l
JOIN evaluator_scores AS s ON s.evaluation_id = l.evaluation_id
JOIN traces AS t ON t.id = s.trace_row;

-- The latest scoring's verdict per run. `pass` is FluxLoop's (final_score >= threshold); `run_passed` is what
-- fluxloop counts as a passing run: it succeeded and passed.
CREATE VIEW trace_evaluation AS
SELECT
    t.trace_id,
    r.final_score,
    r.pass,
    CASE WHEN t.success = 1 AND r.pass = 1 THEN 1 ELSE 0 END AS run_passed,
    t.experiment_id,
    r.evaluation_id
FROM latest_evaluation AS l
JOIN trace_results AS r ON r.evaluation_id = l.evaluation_id
JOIN traces AS t ON t.id = r.trace_row;
