#include <sqlite3.h>

/// sqlite3_config is variadic, which Swift cannot call; this turns off the global memory statistics
/// (and the mutex that guards them). Must run before the first connection opens.
static inline int csqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/// Keeps statement journals (the undo log of one statement inside a transaction, written for each multi-row
/// INSERT of a run batch) in memory instead of spilling them past 64 KiB (four 16 KB pages) to a temporary
/// file: the spill wrote every touched page to disk again on every statement. Must run before the first
/// connection opens.
static inline int csqlite_keep_statement_journals_in_memory(void) {
    return sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1);
}
