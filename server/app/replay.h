/*
 * plenaryd replay --db FILE --check (replay.c): rebuilds every view from
 * the log in an empty in-memory database, by the same functions the commit
 * path uses, and compares it with the stored views.
 */
#ifndef PL_APP_REPLAY_H
#define PL_APP_REPLAY_H

/* Prints the first difference (or that they agree) and returns the exit
 * status: 0 when the views agree with the log, 1 when they differ, 2 when
 * the database cannot be read. */
int pl_replay_check(const char *db);

#endif
