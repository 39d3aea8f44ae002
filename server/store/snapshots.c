/*
 * The snapshots table (snapshots.h). Statements are the store's own
 * (store.c, Q_SNAP_*), prepared once with the others.
 */
#include "store/snapshots.h"

#include "store/store_impl.h"

pl_store_rc pl_store_snapshot_put(pl_store *s, const pl_snapshot_row *row, int keep) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_SNAP_PUT);
  pl_store__bind_text(st, 1, row->stream);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)row->seq);
  sqlite3_bind_int64(st, 3, (sqlite3_int64)row->room_events);
  sqlite3_bind_text(st, 4, row->body, (int)row->len, SQLITE_STATIC);
  pl_store_rc rc = pl_store__run(s, st, "write a snapshot");
  if (rc != PL_STORE_OK)
    return rc;
  st = pl_store__stmt(s, Q_SNAP_TRIM);
  pl_store__bind_text(st, 1, row->stream);
  sqlite3_bind_int(st, 2, keep > 0 ? keep : 1);
  return pl_store__run(s, st, "drop old snapshots");
}

static pl_store_rc walk(pl_store *s, sqlite3_stmt *st, pl_snapshot_cb cb, void *ctx) {
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    pl_snapshot_row row = {
        .stream = (const char *)sqlite3_column_text(st, 0),
        .seq = (uint64_t)sqlite3_column_int64(st, 1),
        .room_events = (uint64_t)sqlite3_column_int64(st, 2),
        .body = (const char *)sqlite3_column_text(st, 3),
        .len = (size_t)sqlite3_column_bytes(st, 3),
    };
    stop = cb(ctx, &row);
  }
  sqlite3_reset(st);
  if (stop)
    return PL_STORE_STOPPED;
  return rc == SQLITE_DONE ? PL_STORE_OK : pl_store__fail(s, "read snapshots");
}

pl_store_rc pl_store_snapshot_newest(pl_store *s, const char *stream, pl_snapshot_cb cb,
                                     void *ctx) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_SNAP_LAST);
  pl_store__bind_text(st, 1, stream);
  return walk(s, st, cb, ctx);
}

pl_store_rc pl_store_snapshot_each(pl_store *s, pl_snapshot_cb cb, void *ctx) {
  return walk(s, pl_store__stmt(s, Q_SNAP_ALL), cb, ctx);
}
