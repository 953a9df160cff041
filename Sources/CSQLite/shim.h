#include <sqlite3.h>

/// sqlite3_config is variadic, which Swift cannot call; this turns off the global memory statistics
/// (and the mutex that guards them). Must run before the first connection opens.
static inline int csqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
