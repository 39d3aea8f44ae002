/*
 * plenaryd replay --db FILE --check (replay.c): rebuilds every view from
 * the log in an empty in-memory database, by the same functions the commit
 * path uses, and compares it with the stored views; then checks each
 * stored snapshot of a room against the room the log makes at its seq
 * (replay_snapshots.c).
 */
#ifndef PL_APP_REPLAY_H
#define PL_APP_REPLAY_H

#include <stddef.h>

#include "store/store.h"

/* Prints the first difference (or that they agree) and returns the exit
 * status: 0 when the views agree with the log, 1 when they differ, 2 when
 * the database cannot be read. */
int pl_replay_check(const char *db);

/* Every snapshot in `db` against its meeting's log: returns 0 (*agree of
 * them are the room the log makes at their seq, *stale predate an agenda
 * change and are ignored at start), 1 with `why` at the first that is not,
 * 2 when the database cannot be read. */
int pl_replay_check_snapshots(pl_store *db, size_t *agree, size_t *stale, char *why,
                              size_t whylen);

#endif
