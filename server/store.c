/*
 * SQLite store (store.h). WAL with synchronous=FULL: the write rate is a few
 * changes a second at most, and an fsync per change (about 0.15 ms here) is
 * cheap next to losing the chair's last ruling to a power cut. Statements are
 * prepared once (SQLITE_PREPARE_PERSISTENT) and kept for the connection's
 * life; every table is STRICT so a type slip is an error, not a coercion.
 */
#include "store.h"

#include <errno.h>
#include <libwebsockets.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Schema steps: user_version N means steps[0..N-1] are applied. */
static const char *const migrations[] = {
    "CREATE TABLE delegations("
    "  id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,"
    "  grp TEXT, tz TEXT NOT NULL) STRICT;"
    "CREATE TABLE participants("
    "  id INTEGER PRIMARY KEY,"
    "  delegation INTEGER NOT NULL REFERENCES delegations(id),"
    "  name TEXT NOT NULL, role TEXT NOT NULL,"
    "  token_hash BLOB NOT NULL UNIQUE, feed TEXT NOT NULL UNIQUE) STRICT;"
    "CREATE TABLE meetings("
    "  id INTEGER PRIMARY KEY, start_at INTEGER NOT NULL, end_at INTEGER NOT NULL,"
    "  status TEXT NOT NULL, body TEXT NOT NULL) STRICT;"
    "CREATE TABLE events("
    "  meeting INTEGER NOT NULL REFERENCES meetings(id), seq INTEGER NOT NULL,"
    "  at INTEGER NOT NULL, body TEXT NOT NULL,"
    "  PRIMARY KEY (meeting, seq)) STRICT, WITHOUT ROWID;"
    "CREATE TABLE speeches("
    "  meeting INTEGER NOT NULL REFERENCES meetings(id), seq INTEGER NOT NULL,"
    "  item TEXT NOT NULL, entry TEXT NOT NULL, delegation TEXT NOT NULL,"
    "  delegation_name TEXT NOT NULL, delegation_kind TEXT NOT NULL, grp TEXT,"
    "  participant TEXT NOT NULL, speaker TEXT NOT NULL, on_behalf TEXT NOT NULL,"
    "  kind TEXT NOT NULL, presence TEXT NOT NULL, requested_at INTEGER NOT NULL,"
    "  started_at INTEGER NOT NULL, ended_at INTEGER NOT NULL,"
    "  spoken_ms INTEGER NOT NULL, allotted_ms INTEGER NOT NULL,"
    "  PRIMARY KEY (meeting, seq)) STRICT;",
};

enum {
  Q_DELEG_INSERT,
  Q_DELEG_GET,
  Q_DELEG_ALL,
  Q_DELEG_COUNT,
  Q_PART_INSERT,
  Q_PART_BY_HASH,
  Q_PART_BY_FEED,
  Q_PART_GET,
  Q_PART_FEED,
  Q_MEET_INSERT,
  Q_MEET_UPDATE,
  Q_MEET_ALL,
  Q_EVENT_APPEND,
  Q_EVENT_SINCE,
  Q_EVENT_COUNT,
  Q_SPEECH_INSERT,
  Q_SPEECH_ALL,
  Q_BEGIN,
  Q_COMMIT,
  Q_ROLLBACK,
  Q__COUNT
};

static const char *const sql[Q__COUNT] = {
    [Q_DELEG_INSERT] = "INSERT INTO delegations(name, kind, grp, tz) VALUES (?,?,?,?)",
    [Q_DELEG_GET] = "SELECT id, name, kind, grp, tz FROM delegations WHERE id = ?",
    [Q_DELEG_ALL] = "SELECT id, name, kind, grp, tz FROM delegations ORDER BY id",
    [Q_DELEG_COUNT] = "SELECT count(*) FROM delegations",
    [Q_PART_INSERT] = "INSERT INTO participants(delegation, name, role, token_hash, feed)"
                      " VALUES (?,?,?,?,?)",
    [Q_PART_BY_HASH] = "SELECT id, delegation, name, role, token_hash FROM participants"
                       " WHERE token_hash = ?",
    [Q_PART_BY_FEED] = "SELECT id, delegation, name, role FROM participants WHERE feed = ?",
    [Q_PART_GET] = "SELECT id, delegation, name, role FROM participants WHERE id = ?",
    [Q_PART_FEED] = "SELECT feed FROM participants WHERE id = ?",
    [Q_MEET_INSERT] = "INSERT INTO meetings(start_at, end_at, status, body) VALUES (?,?,?,'{}')",
    [Q_MEET_UPDATE] = "UPDATE meetings SET start_at = ?, end_at = ?, status = ?, body = ?"
                      " WHERE id = ?",
    [Q_MEET_ALL] = "SELECT id, body FROM meetings ORDER BY id",
    [Q_EVENT_APPEND] = "INSERT INTO events(meeting, seq, at, body) VALUES (?,?,?,?)",
    [Q_EVENT_SINCE] = "SELECT seq, body FROM events WHERE meeting = ? AND seq > ? ORDER BY seq",
    [Q_EVENT_COUNT] = "SELECT count(*) FROM events WHERE meeting = ?",
    [Q_SPEECH_INSERT] =
        "INSERT INTO speeches(meeting, seq, item, entry, delegation, delegation_name,"
        " delegation_kind, grp, participant, speaker, on_behalf, kind, presence,"
        " requested_at, started_at, ended_at, spoken_ms, allotted_ms)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [Q_SPEECH_ALL] =
        "SELECT item, entry, delegation, delegation_name, delegation_kind, grp,"
        " participant, speaker, on_behalf, kind, presence, requested_at, started_at,"
        " ended_at, spoken_ms, allotted_ms FROM speeches WHERE meeting = ? ORDER BY seq",
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
};

struct pl_store {
  sqlite3 *db;
  sqlite3_stmt *q[Q__COUNT];
};

static int fail(pl_store *s, const char *what) {
  lwsl_err("store: %s: %s\n", what, sqlite3_errmsg(s->db));
  return -1;
}

/* Resets and returns the statement, ready for binding. */
static sqlite3_stmt *stmt(pl_store *s, int q) {
  sqlite3_stmt *st = s->q[q];
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return st;
}

/* Runs a statement that returns no rows. */
static int run(pl_store *s, sqlite3_stmt *st, const char *what) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : fail(s, what);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v) {
  sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v) {
  if (v && *v)
    bind_text(st, i, v);
  else
    sqlite3_bind_null(st, i);
}

static void col_copy(sqlite3_stmt *st, int i, char *buf, size_t len) {
  const unsigned char *t = sqlite3_column_text(st, i);
  snprintf(buf, len, "%s", t ? (const char *)t : "");
}

void pl_id_format(char *buf, size_t len, char prefix, int64_t id) {
  snprintf(buf, len, "%c%lld", prefix, (long long)id);
}

int64_t pl_id_parse(const char *s, char prefix) {
  if (!s || s[0] != prefix || !s[1] || strlen(s) > 18)
    return -1;
  int64_t v = 0;
  for (const char *p = s + 1; *p; p++) {
    if (*p < '0' || *p > '9')
      return -1;
    v = v * 10 + (*p - '0');
  }
  return v;
}

static int make_parent_dir(const char *path) {
  char dir[4096];
  snprintf(dir, sizeof dir, "%s", path);
  char *slash = strrchr(dir, '/');
  if (!slash || slash == dir)
    return 0;
  *slash = '\0';
  for (char *p = dir + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(dir, 0750) && errno != EEXIST)
      return -1;
    *p = '/';
  }
  return mkdir(dir, 0750) && errno != EEXIST ? -1 : 0;
}

static int migrate(pl_store *s, char *err, size_t errlen) {
  sqlite3_stmt *st;
  int version = 0;
  if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
    goto out_err;
  if (sqlite3_step(st) == SQLITE_ROW)
    version = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  int target = (int)(sizeof migrations / sizeof migrations[0]);
  if (version > target) {
    snprintf(err, errlen, "database schema %d is newer than this plenaryd (%d)", version,
             target);
    return -1;
  }
  if (version == target)
    return 0;
  if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    goto out_err;
  for (int v = version; v < target; v++)
    if (sqlite3_exec(s->db, migrations[v], NULL, NULL, NULL) != SQLITE_OK)
      goto out_rollback;
  char pragma[64];
  snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", target);
  if (sqlite3_exec(s->db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    goto out_rollback;
  return 0;
out_rollback:
  snprintf(err, errlen, "migration failed: %s", sqlite3_errmsg(s->db));
  sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  return -1;
out_err:
  snprintf(err, errlen, "%s", sqlite3_errmsg(s->db));
  return -1;
}

pl_store *pl_store_open(const char *path, char *err, size_t errlen) {
  pl_store *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (make_parent_dir(path)) {
    snprintf(err, errlen, "cannot create the folder of %s: %s", path, strerror(errno));
    goto out_free;
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "cannot open %s: %s", path, sqlite3_errmsg(s->db));
    goto out_close;
  }
  sqlite3_busy_timeout(s->db, 5000);
  char *emsg = NULL;
  if (sqlite3_exec(s->db,
                   "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                   " PRAGMA foreign_keys=ON;",
                   NULL, NULL, &emsg) != SQLITE_OK) {
    snprintf(err, errlen, "cannot set up %s: %s", path, emsg ? emsg : "?");
    sqlite3_free(emsg);
    goto out_close;
  }
  if (migrate(s, err, errlen))
    goto out_close;
  for (int i = 0; i < Q__COUNT; i++)
    if (sqlite3_prepare_v3(s->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->q[i], NULL) !=
        SQLITE_OK) {
      snprintf(err, errlen, "cannot prepare a statement: %s", sqlite3_errmsg(s->db));
      goto out_close;
    }
  return s;
out_close:
  pl_store_close(s);
  return NULL;
out_free:
  free(s);
  return NULL;
}

void pl_store_close(pl_store *s) {
  if (!s)
    return;
  for (int i = 0; i < Q__COUNT; i++)
    sqlite3_finalize(s->q[i]);
  sqlite3_close(s->db);
  free(s);
}

int pl_store_begin(pl_store *s) { return run(s, stmt(s, Q_BEGIN), "begin"); }
int pl_store_commit(pl_store *s) { return run(s, stmt(s, Q_COMMIT), "commit"); }
void pl_store_rollback(pl_store *s) {
  if (!sqlite3_get_autocommit(s->db))
    run(s, stmt(s, Q_ROLLBACK), "rollback");
}

/* --- Delegations ----------------------------------------------------------- */

static void delegation_read(sqlite3_stmt *st, pl_delegation_rec *d) {
  pl_id_format(d->id, sizeof d->id, 'd', sqlite3_column_int64(st, 0));
  col_copy(st, 1, d->name, sizeof d->name);
  d->kind = (pl_delegation_kind)PL_ENUM_PARSE(pl_delegation_kind,
                                              (const char *)sqlite3_column_text(st, 2));
  d->group = sqlite3_column_type(st, 3) == SQLITE_NULL
                 ? -1
                 : PL_ENUM_PARSE(pl_group, (const char *)sqlite3_column_text(st, 3));
  col_copy(st, 4, d->tz, sizeof d->tz);
}

int pl_store_delegation_insert(pl_store *s, pl_delegation_rec *d) {
  sqlite3_stmt *st = stmt(s, Q_DELEG_INSERT);
  bind_text(st, 1, d->name);
  bind_text(st, 2, PL_ENUM_NAME(pl_delegation_kind, d->kind));
  bind_text_or_null(st, 3, d->group >= 0 ? PL_ENUM_NAME(pl_group, d->group) : NULL);
  bind_text(st, 4, d->tz);
  if (run(s, st, "insert delegation"))
    return -1;
  pl_id_format(d->id, sizeof d->id, 'd', sqlite3_last_insert_rowid(s->db));
  return 0;
}

int pl_store_delegation_get(pl_store *s, const char *id, pl_delegation_rec *out) {
  int64_t n = pl_id_parse(id, 'd');
  if (n < 0)
    return 1;
  sqlite3_stmt *st = stmt(s, Q_DELEG_GET);
  sqlite3_bind_int64(st, 1, n);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    delegation_read(st, out);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : fail(s, "get delegation");
}

int pl_store_delegation_each(pl_store *s, pl_delegation_cb cb, void *ctx) {
  sqlite3_stmt *st = stmt(s, Q_DELEG_ALL);
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    pl_delegation_rec d;
    delegation_read(st, &d);
    stop = cb(ctx, &d);
  }
  sqlite3_reset(st);
  if (stop)
    return stop;
  return rc == SQLITE_DONE ? 0 : fail(s, "list delegations");
}

static int count(pl_store *s, sqlite3_stmt *st, int64_t *out, const char *what) {
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 0 : fail(s, what);
}

int pl_store_delegation_count(pl_store *s, int64_t *out) {
  return count(s, stmt(s, Q_DELEG_COUNT), out, "count delegations");
}

/* --- Participants ---------------------------------------------------------- */

static void participant_read(sqlite3_stmt *st, pl_participant_rec *p) {
  pl_id_format(p->id, sizeof p->id, 'p', sqlite3_column_int64(st, 0));
  pl_id_format(p->delegation, sizeof p->delegation, 'd', sqlite3_column_int64(st, 1));
  col_copy(st, 2, p->name, sizeof p->name);
  p->role = (pl_role)PL_ENUM_PARSE(pl_role, (const char *)sqlite3_column_text(st, 3));
}

int pl_store_participant_insert(pl_store *s, pl_participant_rec *p,
                                const uint8_t token_hash[PL_HASH_LEN], const char *feed) {
  sqlite3_stmt *st = stmt(s, Q_PART_INSERT);
  sqlite3_bind_int64(st, 1, pl_id_parse(p->delegation, 'd'));
  bind_text(st, 2, p->name);
  bind_text(st, 3, PL_ENUM_NAME(pl_role, p->role));
  sqlite3_bind_blob(st, 4, token_hash, PL_HASH_LEN, SQLITE_STATIC);
  bind_text(st, 5, feed);
  if (run(s, st, "insert participant"))
    return -1;
  pl_id_format(p->id, sizeof p->id, 'p', sqlite3_last_insert_rowid(s->db));
  return 0;
}

/* One-row participant lookup shared by the by-hash, by-feed and by-id forms. */
static int participant_one(pl_store *s, sqlite3_stmt *st, pl_participant_rec *out,
                           const uint8_t *hash) {
  int rc = sqlite3_step(st);
  int found = rc == SQLITE_ROW;
  if (found && hash) {
    /* The index found the row by hash; compare again in constant time so the
     * decision itself does not depend on a byte-wise memcmp. */
    const void *h = sqlite3_column_blob(st, 4);
    found = h && sqlite3_column_bytes(st, 4) == PL_HASH_LEN && pl_token_hash_equal(h, hash);
  }
  if (found)
    participant_read(st, out);
  sqlite3_reset(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return fail(s, "get participant");
  return found ? 0 : 1;
}

int pl_store_participant_by_token(pl_store *s, const uint8_t token_hash[PL_HASH_LEN],
                                  pl_participant_rec *out) {
  sqlite3_stmt *st = stmt(s, Q_PART_BY_HASH);
  sqlite3_bind_blob(st, 1, token_hash, PL_HASH_LEN, SQLITE_STATIC);
  return participant_one(s, st, out, token_hash);
}

int pl_store_participant_by_feed(pl_store *s, const char *feed, pl_participant_rec *out) {
  sqlite3_stmt *st = stmt(s, Q_PART_BY_FEED);
  bind_text(st, 1, feed);
  return participant_one(s, st, out, NULL);
}

int pl_store_participant_get(pl_store *s, const char *id, pl_participant_rec *out) {
  int64_t n = pl_id_parse(id, 'p');
  if (n < 0)
    return 1;
  sqlite3_stmt *st = stmt(s, Q_PART_GET);
  sqlite3_bind_int64(st, 1, n);
  return participant_one(s, st, out, NULL);
}

int pl_store_participant_feed(pl_store *s, const char *id, char *buf, size_t len) {
  sqlite3_stmt *st = stmt(s, Q_PART_FEED);
  sqlite3_bind_int64(st, 1, pl_id_parse(id, 'p'));
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    col_copy(st, 0, buf, len);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : fail(s, "get feed");
}

/* --- Meetings -------------------------------------------------------------- */

int pl_store_meeting_insert(pl_store *s, pl_meeting_rec *m) {
  sqlite3_stmt *st = stmt(s, Q_MEET_INSERT);
  sqlite3_bind_int64(st, 1, m->start_at);
  sqlite3_bind_int64(st, 2, m->end_at);
  bind_text(st, 3, PL_ENUM_NAME(pl_meeting_status, m->status));
  if (run(s, st, "insert meeting"))
    return -1;
  pl_id_format(m->id, sizeof m->id, 'm', sqlite3_last_insert_rowid(s->db));
  return 0;
}

int pl_store_meeting_update(pl_store *s, const pl_meeting_rec *m, const char *body) {
  sqlite3_stmt *st = stmt(s, Q_MEET_UPDATE);
  sqlite3_bind_int64(st, 1, m->start_at);
  sqlite3_bind_int64(st, 2, m->end_at);
  bind_text(st, 3, PL_ENUM_NAME(pl_meeting_status, m->status));
  bind_text(st, 4, body);
  sqlite3_bind_int64(st, 5, pl_id_parse(m->id, 'm'));
  return run(s, st, "update meeting");
}

int pl_store_meeting_each(pl_store *s, pl_meeting_body_cb cb, void *ctx) {
  sqlite3_stmt *st = stmt(s, Q_MEET_ALL);
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    char id[PL_ID_LEN];
    pl_id_format(id, sizeof id, 'm', sqlite3_column_int64(st, 0));
    stop = cb(ctx, id, (const char *)sqlite3_column_text(st, 1));
  }
  sqlite3_reset(st);
  if (stop)
    return stop;
  return rc == SQLITE_DONE ? 0 : fail(s, "list meetings");
}

/* --- Events ---------------------------------------------------------------- */

int pl_store_event_append(pl_store *s, const char *meeting, uint64_t seq, int64_t at,
                          const char *body, size_t len) {
  sqlite3_stmt *st = stmt(s, Q_EVENT_APPEND);
  sqlite3_bind_int64(st, 1, pl_id_parse(meeting, 'm'));
  sqlite3_bind_int64(st, 2, (int64_t)seq);
  sqlite3_bind_int64(st, 3, at);
  sqlite3_bind_text(st, 4, body, (int)len, SQLITE_STATIC);
  return run(s, st, "append event");
}

int pl_store_event_each(pl_store *s, const char *meeting, uint64_t since,
                        pl_event_body_cb cb, void *ctx) {
  sqlite3_stmt *st = stmt(s, Q_EVENT_SINCE);
  sqlite3_bind_int64(st, 1, pl_id_parse(meeting, 'm'));
  sqlite3_bind_int64(st, 2, (int64_t)since);
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
    stop = cb(ctx, (uint64_t)sqlite3_column_int64(st, 0),
              (const char *)sqlite3_column_text(st, 1), (size_t)sqlite3_column_bytes(st, 1));
  sqlite3_reset(st);
  if (stop)
    return stop;
  return rc == SQLITE_DONE ? 0 : fail(s, "read events");
}

int pl_store_event_count(pl_store *s, const char *meeting, int64_t *out) {
  sqlite3_stmt *st = stmt(s, Q_EVENT_COUNT);
  sqlite3_bind_int64(st, 1, pl_id_parse(meeting, 'm'));
  return count(s, st, out, "count events");
}

/* --- Speeches -------------------------------------------------------------- */

int pl_store_speech_insert(pl_store *s, const char *meeting, uint64_t seq,
                           const pl_speech *sp, int group) {
  const pl_entry *e = &sp->entry;
  sqlite3_stmt *st = stmt(s, Q_SPEECH_INSERT);
  sqlite3_bind_int64(st, 1, pl_id_parse(meeting, 'm'));
  sqlite3_bind_int64(st, 2, (int64_t)seq);
  bind_text(st, 3, sp->item);
  bind_text(st, 4, e->id);
  bind_text(st, 5, e->delegation.id);
  bind_text(st, 6, e->delegation.name);
  bind_text(st, 7, PL_ENUM_NAME(pl_delegation_kind, e->delegation.kind));
  bind_text_or_null(st, 8, group >= 0 ? PL_ENUM_NAME(pl_group, group) : NULL);
  bind_text(st, 9, e->participant);
  bind_text(st, 10, e->speaker);
  bind_text(st, 11, e->on_behalf);
  bind_text(st, 12, PL_ENUM_NAME(pl_speech_kind, e->kind));
  bind_text(st, 13, PL_ENUM_NAME(pl_presence, e->presence));
  sqlite3_bind_int64(st, 14, e->requested_at);
  sqlite3_bind_int64(st, 15, sp->started_at);
  sqlite3_bind_int64(st, 16, sp->ended_at);
  sqlite3_bind_int64(st, 17, sp->spoken_ms);
  sqlite3_bind_int64(st, 18, sp->allotted_ms);
  return run(s, st, "insert speech");
}

int pl_store_speech_each(pl_store *s, const char *meeting, pl_speech_cb cb, void *ctx) {
  sqlite3_stmt *st = stmt(s, Q_SPEECH_ALL);
  sqlite3_bind_int64(st, 1, pl_id_parse(meeting, 'm'));
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    pl_speech sp;
    memset(&sp, 0, sizeof sp);
    pl_entry *e = &sp.entry;
    col_copy(st, 0, sp.item, sizeof sp.item);
    col_copy(st, 1, e->id, sizeof e->id);
    col_copy(st, 2, e->delegation.id, sizeof e->delegation.id);
    col_copy(st, 3, e->delegation.name, sizeof e->delegation.name);
    e->delegation.kind = (pl_delegation_kind)PL_ENUM_PARSE(
        pl_delegation_kind, (const char *)sqlite3_column_text(st, 4));
    int group = sqlite3_column_type(st, 5) == SQLITE_NULL
                    ? -1
                    : PL_ENUM_PARSE(pl_group, (const char *)sqlite3_column_text(st, 5));
    col_copy(st, 6, e->participant, sizeof e->participant);
    col_copy(st, 7, e->speaker, sizeof e->speaker);
    col_copy(st, 8, e->on_behalf, sizeof e->on_behalf);
    e->kind = (pl_speech_kind)PL_ENUM_PARSE(pl_speech_kind,
                                            (const char *)sqlite3_column_text(st, 9));
    e->presence =
        (pl_presence)PL_ENUM_PARSE(pl_presence, (const char *)sqlite3_column_text(st, 10));
    e->requested_at = sqlite3_column_int64(st, 11);
    sp.started_at = sqlite3_column_int64(st, 12);
    sp.ended_at = sqlite3_column_int64(st, 13);
    sp.spoken_ms = sqlite3_column_int64(st, 14);
    sp.allotted_ms = sqlite3_column_int(st, 15);
    e->allotted_ms = sp.allotted_ms;
    stop = cb(ctx, &sp, group);
  }
  sqlite3_reset(st);
  if (stop)
    return stop;
  return rc == SQLITE_DONE ? 0 : fail(s, "read speeches");
}

int pl_store_backup(pl_store *s, const char *dest) {
  sqlite3 *out;
  if (sqlite3_open(dest, &out) != SQLITE_OK) {
    sqlite3_close(out);
    return -1;
  }
  sqlite3_backup *b = sqlite3_backup_init(out, "main", s->db, "main");
  int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
  if (b)
    sqlite3_backup_finish(b);
  sqlite3_close(out);
  return rc == SQLITE_DONE ? 0 : -1;
}
