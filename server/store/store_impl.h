/*
 * Private to the store (store.c, views.c, diff.c): the connection, its
 * prepared statements, and the helpers every file of the store uses.
 * Named pl_store__* (libuv's convention): not for the layers above.
 */
#ifndef PL_STORE_STORE_IMPL_H
#define PL_STORE_STORE_IMPL_H

#include <sqlite3.h>

#include "store/store.h"

enum {
  Q_DELEG_INSERT,
  Q_DELEG_UPDATE,
  Q_DELEG_GET,
  Q_DELEG_ALL,
  Q_DELEG_COUNT,
  Q_PART_INSERT,
  Q_PART_TOKEN,
  Q_PART_FEED_SET,
  Q_PART_BY_HASH,
  Q_PART_BY_FEED,
  Q_PART_GET,
  Q_PART_FEED,
  Q_PART_ALL,
  Q_MEET_INSERT,
  Q_MEET_UPDATE,
  Q_MEET_ALL,
  Q_NEXT_IDS,
  Q_EVENT_APPEND,
  Q_EVENT_HASH,
  Q_EVENT_CHAIN,
  Q_EVENT_SINCE,
  Q_EVENT_LAST,
  Q_EVENT_ALL,
  Q_SPEECH_INSERT,
  Q_SPEECH_ALL,
  Q_BEGIN,
  Q_COMMIT,
  Q_ROLLBACK,
  Q_HOOK_INSERT,
  Q_HOOK_DELETE,
  Q_HOOK_ALL,
  Q_HOOK_GET,
  Q_OUTBOX_ADD,
  Q_OUTBOX_DROP_HOOK,
  Q_OUTBOX_HEADS,
  Q_OUTBOX_DONE,
  Q_OUTBOX_RETRY,
  Q_OUTBOX_PENDING,
  Q_ATTEMPT_ADD,
  Q_ATTEMPT_TRIM,
  Q_ATTEMPT_LAST,
  Q_ATTEMPT_DROP_HOOK,
  Q_GROUP_INSERT,
  Q_GROUP_UPDATE,
  Q_GROUP_GET,
  Q_GROUP_ALL,
  Q_RANK_PUT,
  Q_RANK_GET,
  Q_LANG_PUT,
  Q_LANG_GET,
  Q_SNAP_PUT,
  Q_SNAP_TRIM,
  Q_SNAP_LAST,
  Q_SNAP_ALL,
  Q__COUNT
};

struct pl_store {
  sqlite3 *db;
  sqlite3_stmt *q[Q__COUNT];
};

/* Logs SQLite's message once and returns PL_STORE_ERROR. */
pl_store_rc pl_store__fail(pl_store *s, const char *what);
/* Resets and returns statement q, ready for binding. */
sqlite3_stmt *pl_store__stmt(pl_store *s, int q);
/* Runs a statement that returns no rows. */
pl_store_rc pl_store__run(pl_store *s, sqlite3_stmt *st, const char *what);
/* Runs an UPDATE that must change exactly one row: PL_STORE_NOT_FOUND when
 * it changed none. */
pl_store_rc pl_store__run_one(pl_store *s, sqlite3_stmt *st, const char *what);
void pl_store__bind_text(sqlite3_stmt *st, int i, const char *v);
void pl_store__bind_text_or_null(sqlite3_stmt *st, int i, const char *v);
/* Registers the SQL functions of the webhooks' statements (webhooks.c). */
int pl_store__webhooks_init(sqlite3 *db);

#endif
