-- PostgreSQL only (SQLite has no counterpart): the plan of an experiment that several machines run together
-- (`run experiment --join`). One row per planned run, written with the experiment; each participant claims
-- rows in small batches (`FOR UPDATE SKIP LOCKED`) under a lease, and the transaction that records a run's
-- result marks its row done. A participant that dies leaves its leases to expire and the others take the runs.

CREATE TABLE planned_runs (
    experiment_id   text COLLATE "C" NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
    run_index       integer NOT NULL,
    -- What the run is, so that a participant finds it in its own plan and a different plan is refused.
    iteration       integer NOT NULL,
    persona         text COLLATE "C",
    input           text COLLATE "C" NOT NULL,
    -- The participant holding the run (a random id per process), and until when; NULL when free.
    claimed_by      text COLLATE "C",
    lease_until     timestamptz,
    -- How many times the run was claimed: more than one means a lease expired or was released.
    claims          integer NOT NULL DEFAULT 0,
    -- Set by the transaction that inserts the run's result; the traces row's UNIQUE (experiment_id, run_index)
    -- guards against a second result.
    done            boolean NOT NULL DEFAULT false,
    PRIMARY KEY (experiment_id, run_index)
);

-- The claim query's scan: the runs of an experiment not done yet, in plan order.
CREATE INDEX planned_runs_open ON planned_runs (experiment_id, run_index) WHERE NOT done;
