/*
 * Reads of the groups view (groups.h). A group's members are one JSON array
 * in one column: they are always read and written whole, never searched
 * by SQL, and a member list of a couple of hundred ids is a few KB.
 */
#include "store/groups.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/model.h"
#include "store/store_impl.h"

char *pl_store_group_members_json(const pl_group_def *g) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < g->n_members; i++)
    json_array_append_new(a, json_string(g->members[i]));
  char *text = a ? json_dumps(a, JSON_COMPACT) : NULL;
  json_decref(a);
  return text;
}

static int group_read(sqlite3_stmt *st, pl_group_def *g) {
  memset(g, 0, sizeof *g);
  pl_id_format(g->id, sizeof g->id, 'g', sqlite3_column_int64(st, 0));
  snprintf(g->name, sizeof g->name, "%s", (const char *)sqlite3_column_text(st, 1));
  if (sqlite3_column_type(st, 2) != SQLITE_NULL)
    snprintf(g->coordinator, sizeof g->coordinator, "%s",
             (const char *)sqlite3_column_text(st, 2));
  const char *text = (const char *)sqlite3_column_text(st, 3);
  json_t *a = text ? json_loads(text, 0, NULL) : NULL;
  size_t i;
  json_t *v;
  json_array_foreach(a, i, v) {
    if (i >= PL_MAX_GROUP_MEMBERS || !json_is_string(v))
      break;
    snprintf(g->members[g->n_members++], PL_ID_LEN, "%s", json_string_value(v));
  }
  int ok = json_is_array(a) && g->n_members == json_array_size(a);
  json_decref(a);
  return ok ? 0 : -1;
}

/* Statement q run for the row of id (`prefix` and digits): its step's
 * result in *rc, or SQLITE_DONE without running when id is not one. */
static sqlite3_stmt *row_of(pl_store *s, int q, const char *id, char prefix, int *rc) {
  int64_t n = pl_id_parse(id, prefix);
  sqlite3_stmt *st = pl_store__stmt(s, q);
  if (n < 0) {
    *rc = SQLITE_DONE;
    return st;
  }
  sqlite3_bind_int64(st, 1, n);
  *rc = sqlite3_step(st);
  return st;
}

pl_store_rc pl_store_group_get(pl_store *s, const char *id, pl_group_def *out) {
  int rc;
  sqlite3_stmt *st = row_of(s, Q_GROUP_GET, id, 'g', &rc);
  pl_store_rc out_rc = rc == SQLITE_ROW   ? PL_STORE_OK
                       : rc == SQLITE_DONE ? PL_STORE_NOT_FOUND
                                           : pl_store__fail(s, "get group");
  if (rc == SQLITE_ROW && group_read(st, out))
    out_rc = pl_store__fail(s, "get group: damaged members");
  sqlite3_reset(st);
  return out_rc;
}

pl_store_rc pl_store_group_each(pl_store *s, pl_group_cb cb, void *ctx) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_GROUP_ALL);
  /* Walked from a static buffer: a group is some 5 KB, not for the stack of
   * every caller, and the store is used from one thread. */
  static pl_group_def g;
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (group_read(st, &g)) {
      sqlite3_reset(st);
      return pl_store__fail(s, "list groups: damaged members");
    }
    stop = cb(ctx, &g);
  }
  sqlite3_reset(st);
  if (stop)
    return PL_STORE_STOPPED;
  return rc == SQLITE_DONE ? PL_STORE_OK : pl_store__fail(s, "list groups");
}

pl_store_rc pl_store_participant_rank(pl_store *s, const char *id, pl_rank *out) {
  int rc;
  sqlite3_stmt *st = row_of(s, Q_RANK_GET, id, 'p', &rc);
  int rank = rc == SQLITE_ROW ? PL_ENUM_PARSE(pl_rank, (const char *)sqlite3_column_text(st, 0))
                              : -1;
  sqlite3_reset(st);
  if (rc == SQLITE_DONE)
    return PL_STORE_NOT_FOUND;
  if (rc != SQLITE_ROW || rank < 0)
    return pl_store__fail(s, "get rank");
  *out = (pl_rank)rank;
  return PL_STORE_OK;
}
