/* The followed position of a clustered node (applied.h). A table of one
 * row, outside the schema's versions: single-node databases never have it,
 * and the views that replay --check compares do not include it. */
#include "store/applied.h"

#include "store/store_impl.h"

static pl_store_rc ensure(pl_store *s) {
  return sqlite3_exec(s->db,
                      "CREATE TABLE IF NOT EXISTS cluster_applied("
                      " id INTEGER PRIMARY KEY CHECK (id = 1), js_seq INTEGER NOT NULL)",
                      NULL, NULL, NULL) == SQLITE_OK
             ? PL_STORE_OK
             : pl_store__fail(s, "cluster_applied");
}

pl_store_rc pl_store_applied_get(pl_store *s, uint64_t *js_seq) {
  *js_seq = 0;
  if (ensure(s) != PL_STORE_OK)
    return PL_STORE_ERROR;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, "SELECT js_seq FROM cluster_applied WHERE id = 1", -1, &st,
                         NULL) != SQLITE_OK)
    return pl_store__fail(s, "cluster_applied");
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    *js_seq = (uint64_t)sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? PL_STORE_OK
                                               : pl_store__fail(s, "cluster_applied");
}

pl_store_rc pl_store_applied_set(pl_store *s, uint64_t js_seq) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO cluster_applied(id, js_seq) VALUES (1, ?)",
                         -1, &st, NULL) != SQLITE_OK)
    return pl_store__fail(s, "cluster_applied");
  sqlite3_bind_int64(st, 1, (sqlite3_int64)js_seq);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? PL_STORE_OK : pl_store__fail(s, "cluster_applied");
}
