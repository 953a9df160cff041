-- PostgreSQL only (SQLite reads its file without a server): what `query compare`, `query consistency` and the
-- report read of every run, in an index that an index-only scan serves.
--
-- A traces row is about 2 KB (the conversation and observations are kept with it, under TOAST's threshold), so
-- reading an experiment's input, output, success and duration from the heap reads every page of its runs:
-- about 195 MB for 100,000 runs, most of the time `query compare` spent on the server. This index holds those
-- columns, about 170 bytes a run, for the runs whose texts fit in a b-tree entry (at most 2,704 bytes): with the
-- experiment id, the texts stay within 2,000 bytes and the rest of the entry under 100. The few longer runs are
-- found through the small partial index below and read from the heap. Each run is in exactly one of the two, so
-- the two halves of the reading statement (DialectSQL.inputStatisticsRows) together return every run once. The
-- expression must stay the same in the statement as here, or the planner cannot use the indexes.
--
-- An index-only scan reads the heap for pages that the visibility map does not show as all-visible yet (runs
-- written since the table was last vacuumed); autovacuum, or `VACUUM traces`, marks them.

CREATE INDEX traces_compare ON traces (experiment_id, run_index)
    INCLUDE (id, success, duration_ms, persona, input, output)
    WHERE octet_length(experiment_id) + octet_length(input)
        + coalesce(octet_length(output), 0) + coalesce(octet_length(persona), 0) <= 2000;

CREATE INDEX traces_compare_long ON traces (experiment_id)
    WHERE octet_length(experiment_id) + octet_length(input)
        + coalesce(octet_length(output), 0) + coalesce(octet_length(persona), 0) > 2000;
