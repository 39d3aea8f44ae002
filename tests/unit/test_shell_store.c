/*
 * The store on a real SQLite file in a temporary folder: the log and the
 * views written together, the named results, the views compared, a newer
 * schema refused, and a COMMIT that SQLite itself refuses (a deferred
 * foreign key broken by a trigger, as tests/integration/test_stream.py does
 * on the running server): the transaction rolls back whole and the next one
 * works.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/diff.h"
#include "store/groups.h"
#include "store/store.h"
#include "store/views.h"

typedef struct fx {
  char dir[64], path[96];
  pl_store *s;
} fx;

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  char err[256];
  snprintf(f->dir, sizeof f->dir, "/tmp/plenary-store-XXXXXX");
  assert_non_null(mkdtemp(f->dir));
  snprintf(f->path, sizeof f->path, "%s/sub/p.db", f->dir); /* its folder is made too */
  f->s = pl_store_open(f->path, err, sizeof err);
  assert_non_null(f->s);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  char cmd[160];
  pl_store_close(f->s);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
  assert_int_equal(system(cmd), 0);
  free(f);
  return 0;
}

static void sql(const char *path, const char *text) {
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  char *msg = NULL;
  if (sqlite3_exec(db, text, NULL, NULL, &msg) != SQLITE_OK)
    fail_msg("%s", msg);
  sqlite3_close(db);
}

static pl_pevent delegation_event(int64_t id, const char *name) {
  pl_pevent ev = {.type = PL_PEV_DELEGATION_CREATED, .at = 1000};
  pl_id_format(ev.delegation.id, sizeof ev.delegation.id, 'd', id);
  snprintf(ev.delegation.name, sizeof ev.delegation.name, "%s", name);
  ev.delegation.kind = PL_DELEGATION_STATE;
  ev.delegation.group = PL_GROUP_AFRICAN;
  snprintf(ev.delegation.tz, sizeof ev.delegation.tz, "Africa/Nairobi");
  return ev;
}

/* One change: the event appended and the view updated, committed. */
static pl_store_rc commit_delegation(pl_store *s, uint64_t seq, int64_t id, const char *name) {
  pl_pevent ev = delegation_event(id, name);
  char body[128];
  snprintf(body, sizeof body, "{\"ev\":\"delegation.created\",\"seq\":%llu}",
           (unsigned long long)seq);
  if (pl_store_begin(s) != PL_STORE_OK)
    return PL_STORE_ERROR;
  pl_store_rc rc = pl_store_event_append(s, PL_PROGRAMME_STREAM, seq, 1000, body, strlen(body));
  if (rc == PL_STORE_OK)
    rc = pl_store_view_apply(s, &ev, NULL);
  if (rc == PL_STORE_OK)
    rc = pl_store_commit(s);
  if (rc != PL_STORE_OK)
    pl_store_rollback(s);
  return rc;
}

static void test_log_and_views(void **state) {
  fx *f = *state;
  int64_t d, p, m, g;
  uint64_t last;
  pl_delegation_rec rec;
  assert_int_equal(pl_store_next_ids(f->s, &d, &p, &m, &g), PL_STORE_OK);
  assert_true(d == 1 && p == 1 && m == 1 && g == 1);
  assert_int_equal(commit_delegation(f->s, 1, 1, "Kenya"), PL_STORE_OK);
  assert_int_equal(pl_store_delegation_get(f->s, "d1", &rec), PL_STORE_OK);
  assert_string_equal(rec.name, "Kenya");
  assert_int_equal(rec.group, PL_GROUP_AFRICAN);
  assert_int_equal(pl_store_delegation_get(f->s, "d9", &rec), PL_STORE_NOT_FOUND);
  assert_int_equal(pl_store_delegation_get(f->s, "x1", &rec), PL_STORE_NOT_FOUND);
  assert_int_equal(pl_store_stream_last(f->s, PL_PROGRAMME_STREAM, &last), PL_STORE_OK);
  assert_int_equal(last, 1);
  assert_int_equal(pl_store_stream_last(f->s, "m1", &last), PL_STORE_OK);
  assert_int_equal(last, 0);
  assert_int_equal(pl_store_next_ids(f->s, &d, &p, &m, &g), PL_STORE_OK);
  assert_int_equal(d, 2);
  /* the same seq twice on one stream is refused, and changes nothing */
  assert_int_equal(commit_delegation(f->s, 1, 2, "Ghana"), PL_STORE_ERROR);
  assert_int_equal(pl_store_delegation_get(f->s, "d2", &rec), PL_STORE_NOT_FOUND);
  /* an update of a row that is not there is NOT_FOUND, not a silent no-op */
  pl_pevent up = delegation_event(7, "Nobody");
  up.type = PL_PEV_DELEGATION_UPDATED;
  assert_int_equal(pl_store_begin(f->s), PL_STORE_OK);
  assert_int_equal(pl_store_view_apply(f->s, &up, NULL), PL_STORE_NOT_FOUND);
  pl_store_rollback(f->s);
}

static void test_refused_commit_rolls_back(void **state) {
  fx *f = *state;
  pl_delegation_rec rec;
  uint64_t last;
  assert_int_equal(commit_delegation(f->s, 1, 1, "Kenya"), PL_STORE_OK);
  sql(f->path, "CREATE TABLE trap_parent(id INTEGER PRIMARY KEY);"
               "CREATE TABLE trap(x INTEGER REFERENCES trap_parent(id)"
               "  DEFERRABLE INITIALLY DEFERRED);"
               "CREATE TRIGGER trap AFTER INSERT ON events"
               "  BEGIN INSERT INTO trap VALUES (42); END;");
  /* the append and the view succeed; COMMIT is what fails */
  pl_pevent ev = delegation_event(2, "Ghana");
  assert_int_equal(pl_store_begin(f->s), PL_STORE_OK);
  assert_int_equal(pl_store_event_append(f->s, PL_PROGRAMME_STREAM, 2, 1, "{}", 2), PL_STORE_OK);
  assert_int_equal(pl_store_view_apply(f->s, &ev, NULL), PL_STORE_OK);
  assert_int_equal(pl_store_commit(f->s), PL_STORE_ERROR);
  pl_store_rollback(f->s);
  assert_int_equal(pl_store_delegation_get(f->s, "d2", &rec), PL_STORE_NOT_FOUND);
  assert_int_equal(pl_store_stream_last(f->s, PL_PROGRAMME_STREAM, &last), PL_STORE_OK);
  assert_int_equal(last, 1);
  sql(f->path, "DROP TRIGGER trap; DROP TABLE trap; DROP TABLE trap_parent;");
  assert_int_equal(commit_delegation(f->s, 2, 2, "Ghana"), PL_STORE_OK);
  assert_int_equal(pl_store_delegation_get(f->s, "d2", &rec), PL_STORE_OK);
}

static int count_one(void *ctx, const char *stream, uint64_t seq, const char *body,
                     size_t len) {
  (void)stream, (void)seq, (void)body, (void)len;
  ++*(int *)ctx;
  return 0;
}

static void test_diff(void **state) {
  fx *f = *state;
  char err[256], what[512];
  bool same = false;
  assert_int_equal(commit_delegation(f->s, 1, 1, "Kenya"), PL_STORE_OK);
  pl_store *mem = pl_store_open(":memory:", err, sizeof err);
  assert_non_null(mem);
  pl_pevent ev = delegation_event(1, "Kenya");
  assert_int_equal(pl_store_view_apply(mem, &ev, NULL), PL_STORE_OK);
  assert_int_equal(pl_store_diff(mem, f->path, &same, what, sizeof what), PL_STORE_OK);
  assert_true(same);
  sql(f->path, "UPDATE delegations SET tz = 'UTC'");
  assert_int_equal(pl_store_diff(mem, f->path, &same, what, sizeof what), PL_STORE_OK);
  assert_false(same);
  assert_non_null(strstr(what, "delegations: the stored row"));
  assert_non_null(strstr(what, "tz=UTC"));
  int n = 0;
  assert_int_equal(pl_store_log_each(f->s, count_one, &n), PL_STORE_OK);
  assert_int_equal(n, 1);
  pl_store_close(mem);
}

static void test_newer_schema_refused(void **state) {
  fx *f = *state;
  char err[256] = "";
  sql(f->path, "PRAGMA user_version = 99");
  pl_store *again = pl_store_open(f->path, err, sizeof err);
  assert_null(again);
  assert_non_null(strstr(err, "newer than this plenaryd"));
}

/* A group is written whole by its events and read back whole. */
static void test_group_view(void **state) {
  fx *f = *state;
  static pl_group_def g, back;
  memset(&g, 0, sizeof g);
  snprintf(g.id, sizeof g.id, "g1");
  snprintf(g.name, sizeof g.name, "Group of 77 and China");
  for (int i = 0; i < PL_MAX_GROUP_MEMBERS; i++)
    snprintf(g.members[g.n_members++], PL_ID_LEN, "d%d", i + 1);
  pl_pevent ev = {.type = PL_PEV_GROUP_CREATED, .group = &g};
  assert_int_equal(pl_store_begin(f->s), PL_STORE_OK);
  assert_int_equal(pl_store_view_apply(f->s, &ev, NULL), PL_STORE_OK);
  assert_int_equal(pl_store_commit(f->s), PL_STORE_OK);
  assert_int_equal(pl_store_group_get(f->s, "g1", &back), PL_STORE_OK);
  assert_string_equal(back.name, g.name);
  assert_int_equal(back.n_members, PL_MAX_GROUP_MEMBERS);
  assert_string_equal(back.members[199], "d200");
  assert_string_equal(back.coordinator, "");
  /* an update replaces it; an update of no group is refused */
  g.n_members = 2;
  snprintf(g.coordinator, sizeof g.coordinator, "d2");
  ev.type = PL_PEV_GROUP_UPDATED;
  assert_int_equal(pl_store_begin(f->s), PL_STORE_OK);
  assert_int_equal(pl_store_view_apply(f->s, &ev, NULL), PL_STORE_OK);
  assert_int_equal(pl_store_commit(f->s), PL_STORE_OK);
  assert_int_equal(pl_store_group_get(f->s, "g1", &back), PL_STORE_OK);
  assert_int_equal(back.n_members, 2);
  assert_string_equal(back.coordinator, "d2");
  snprintf(g.id, sizeof g.id, "g2");
  assert_int_equal(pl_store_begin(f->s), PL_STORE_OK);
  assert_int_equal(pl_store_view_apply(f->s, &ev, NULL), PL_STORE_NOT_FOUND);
  pl_store_rollback(f->s);
  assert_int_equal(pl_store_group_get(f->s, "g2", &back), PL_STORE_NOT_FOUND);
  assert_int_equal(pl_store_group_get(f->s, "d1", &back), PL_STORE_NOT_FOUND);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_log_and_views, setup, teardown),
      cmocka_unit_test_setup_teardown(test_refused_commit_rolls_back, setup, teardown),
      cmocka_unit_test_setup_teardown(test_diff, setup, teardown),
      cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_group_view, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
