/*
 * Comparing views (store.h): the rebuilt database attaches the stored file
 * and lets SQLite find the first row that one has and the other has not, in
 * either direction, table by table. EXCEPT compares every column, so a
 * changed value shows as a row on each side; the stored side is reported.
 */
#include <stdio.h>
#include <string.h>

#include "store/diff.h"

#include "store/store_impl.h"

static const char *const views[] = {"delegations", "participants", "meetings", "speeches",
                                    "webhooks", "groups", "ranks", "languages", "documents",
                                    "documents_fts", "reports", "report_rotation",
                                    "report_reminders"};

/* The first row of `sql`, its columns joined by " | ", into what. */
static int first_row(pl_store *s, const char *sql, char *what, size_t len, bool *found) {
  sqlite3_stmt *st;
  *found = false;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return -1;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    size_t off = 0;
    *found = true;
    for (int i = 0; i < sqlite3_column_count(st) && off < len; i++) {
      /* the type first: reading a blob as text converts it */
      bool blob = sqlite3_column_type(st, i) == SQLITE_BLOB;
      const unsigned char *v = blob ? NULL : sqlite3_column_text(st, i);
      off += (size_t)snprintf(what + off, len - off, "%s%s=%.80s", i ? " | " : "",
                              sqlite3_column_name(st, i),
                              blob ? "(blob)" : v ? (const char *)v : "NULL");
    }
  }
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

pl_store_rc pl_store_diff(pl_store *rebuilt, const char *path, bool *same, char *what,
                          size_t whatlen) {
  char sql[512], row[768];
  sqlite3_stmt *st;
  *same = true;
  if (sqlite3_prepare_v2(rebuilt->db, "ATTACH DATABASE ? AS stored", -1, &st, NULL) !=
      SQLITE_OK)
    return pl_store__fail(rebuilt, "attach");
  pl_store__bind_text(st, 1, path);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE)
    return pl_store__fail(rebuilt, "attach");
  pl_store_rc out = PL_STORE_OK;
  for (size_t i = 0; *same && i < sizeof views / sizeof views[0]; i++) {
    static const char *const sides[2][3] = {
        {"stored", "main", "the stored row is not what the log makes"},
        {"main", "stored", "the log makes a row that is not stored"}};
    for (int k = 0; *same && k < 2; k++) {
      bool found;
      snprintf(sql, sizeof sql, "SELECT * FROM %s.%s EXCEPT SELECT * FROM %s.%s", sides[k][0],
               views[i], sides[k][1], views[i]);
      if (first_row(rebuilt, sql, row, sizeof row, &found)) {
        out = pl_store__fail(rebuilt, "compare");
        break;
      }
      if (found) {
        *same = false;
        snprintf(what, whatlen, "%s: %s: %s", views[i], sides[k][2], row);
      }
    }
  }
  sqlite3_exec(rebuilt->db, "DETACH DATABASE stored", NULL, NULL, NULL);
  return out;
}
