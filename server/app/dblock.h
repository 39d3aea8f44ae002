/*
 * Who holds a database (dblock.c): a running plenaryd holds an exclusive
 * flock(2) on `<db>.lock` for its whole life, with its pid written inside.
 * So a second server on the same file, or a restore under a running one,
 * is refused with that pid, and the lock dies with the process, even after
 * kill -9, so no stale lock ever needs clearing by hand.
 */
#ifndef PL_APP_DBLOCK_H
#define PL_APP_DBLOCK_H

#include <stddef.h>

/* Takes the lock of `db` without waiting: the lock's descriptor (keep it
 * open while the lock is needed; close it to let go), or -1 with why: who
 * holds it, or why the lock file cannot be made. */
int pl_db_lock(const char *db, char *why, size_t cap);

#endif
