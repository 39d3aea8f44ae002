/* Whole-database copies (backup.h). */
#include "store/backup.h"

#include <stdio.h>
#include <string.h>

#include "store/store_impl.h"

static pl_store_rc fail(sqlite3 *db, const char *what, const char *path, char *why,
                        size_t cap) {
  snprintf(why, cap, "%s %s: %s", what, path, db ? sqlite3_errmsg(db) : "out of memory");
  return PL_STORE_ERROR;
}

pl_store_rc pl_store_copy(const char *from, const char *to, int64_t *pages, char *why,
                          size_t cap) {
  sqlite3 *src = NULL, *dst = NULL;
  pl_store_rc rc = PL_STORE_ERROR;
  /* read-write but never created: a read-only connection cannot open a WAL
   * database whose -shm is missing, and nothing here writes to it */
  if (sqlite3_open_v2(from, &src, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
    fail(src, "cannot open", from, why, cap);
    goto out;
  }
  sqlite3_busy_timeout(src, 5000);
  if (sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
    fail(dst, "cannot open", to, why, cap);
    goto out;
  }
  sqlite3_busy_timeout(dst, 5000);
  sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
  if (!b) {
    fail(dst, "cannot copy into", to, why, cap);
    goto out;
  }
  /* One step: one read transaction on the source, so the copy is one
   * snapshot; a server writing meanwhile is not blocked (WAL). */
  int step = sqlite3_backup_step(b, -1);
  if (pages)
    *pages = sqlite3_backup_pagecount(b);
  sqlite3_backup_finish(b);
  if (step != SQLITE_DONE) {
    snprintf(why, cap, "copying %s into %s: %s", from, to, sqlite3_errstr(step));
    goto out;
  }
  rc = PL_STORE_OK;
out:
  sqlite3_close(dst);
  sqlite3_close(src);
  return rc;
}

pl_store_rc pl_store_single_file(const char *path, char *why, size_t cap) {
  sqlite3 *db = NULL;
  pl_store_rc rc = PL_STORE_OK;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
      sqlite3_exec(db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
    rc = fail(db, "cannot leave WAL mode in", path, why, cap);
  sqlite3_close(db);
  return rc;
}

pl_store_rc pl_store_integrity(const char *path, char *why, size_t cap) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  pl_store_rc rc = PL_STORE_ERROR;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
    fail(db, "cannot check", path, why, cap);
    goto out;
  }
  if (sqlite3_step(st) != SQLITE_ROW) {
    fail(db, "cannot check", path, why, cap);
    goto out;
  }
  const char *first = (const char *)sqlite3_column_text(st, 0);
  if (first && strcmp(first, "ok") == 0)
    rc = PL_STORE_OK;
  else
    snprintf(why, cap, "%s is damaged: %s", path, first ? first : "(no answer)");
out:
  sqlite3_finalize(st);
  sqlite3_close(db);
  return rc;
}

bool pl_store_writable(pl_store *s) {
  /* The probe runs on the service thread: wait 100 ms for another writer,
   * not the 5 s a change may wait, so a probe never stalls every meeting. */
  sqlite3_busy_timeout(s->db, 100);
  bool ok = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
  if (ok)
    pl_store_rollback(s);
  sqlite3_busy_timeout(s->db, 5000);
  return ok;
}
