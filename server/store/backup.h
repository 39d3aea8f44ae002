/*
 * Whole-database copies (backup.c), for `plenaryd backup` and `restore`:
 * SQLite's online backup API, which copies a consistent snapshot while the
 * server goes on writing (in WAL mode a reader never blocks the writer), and
 * PRAGMA integrity_check. These open the files themselves, without
 * pl_store_open, so that a backup never upgrades the schema of a database a
 * running server holds.
 */
#ifndef PL_STORE_BACKUP_H
#define PL_STORE_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

/* Copies the database at `from` (which must exist) over the one at `to`
 * (created if need be). *pages (OUT, may be NULL) is the number of pages
 * copied. PL_STORE_OK, or PL_STORE_ERROR with why. */
pl_store_rc pl_store_copy(const char *from, const char *to, int64_t *pages, char *why,
                          size_t cap);

/* Puts the database at `path` in rollback-journal mode: one self-contained
 * file to carry away, with no -wal beside it. */
pl_store_rc pl_store_single_file(const char *path, char *why, size_t cap);

/* PRAGMA integrity_check on the database at `path`: PL_STORE_OK when SQLite
 * answers "ok", else PL_STORE_ERROR with its first complaint in why. */
pl_store_rc pl_store_integrity(const char *path, char *why, size_t cap);

/* Whether the open store can take the write lock within 100 ms (BEGIN
 * IMMEDIATE, then ROLLBACK): what /readyz means by "the database is
 * writable". The store's own 5 s wait is restored after. */
bool pl_store_writable(pl_store *s);

#endif
