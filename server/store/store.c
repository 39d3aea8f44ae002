/*
 * SQLite store (store.h): opening, upgrading, transactions, and the reads
 * of the views and the log. WAL with synchronous=FULL: the write rate is a
 * few changes a second at most, and an fsync per change (about 0.15 ms
 * here) is cheap next to losing the chair's last ruling to a power cut.
 * Statements are prepared once (SQLITE_PREPARE_PERSISTENT) and kept for the
 * connection's life.
 */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/digest.h"
#include "store/schema.h"
#include "store/store_impl.h"

static const char *const sql[Q__COUNT] = {
    [Q_DELEG_INSERT] = "INSERT INTO delegations(id, name, kind, grp, tz) VALUES (?,?,?,?,?)",
    [Q_DELEG_UPDATE] = "UPDATE delegations SET name = ?, kind = ?, grp = ?, tz = ? WHERE id = ?",
    [Q_DELEG_GET] = "SELECT id, name, kind, grp, tz FROM delegations WHERE id = ?",
    [Q_DELEG_ALL] = "SELECT id, name, kind, grp, tz FROM delegations ORDER BY id",
    [Q_DELEG_COUNT] = "SELECT count(*) FROM delegations",
    [Q_PART_INSERT] = "INSERT INTO participants(id, delegation, name, role) VALUES (?,?,?,?)",
    [Q_PART_TOKEN] = "UPDATE participants SET token_hash = ? WHERE id = ?",
    [Q_PART_FEED_SET] = "UPDATE participants SET feed = ? WHERE id = ?",
    [Q_PART_BY_HASH] = "SELECT id, delegation, name, role, token_hash FROM participants"
                       " WHERE token_hash = ?",
    [Q_PART_BY_FEED] = "SELECT id, delegation, name, role FROM participants WHERE feed = ?",
    [Q_PART_GET] = "SELECT id, delegation, name, role FROM participants WHERE id = ?",
    [Q_PART_FEED] = "SELECT feed FROM participants WHERE id = ?",
    [Q_PART_ALL] = "SELECT id, delegation, name, role, token_hash IS NOT NULL FROM participants"
                   " WHERE ?1 IS NULL OR delegation = ?1 ORDER BY id",
    [Q_MEET_INSERT] = "INSERT INTO meetings(id, start_at, end_at, status, body)"
                      " VALUES (?,?,?,?,?)",
    [Q_MEET_UPDATE] = "UPDATE meetings SET start_at = ?, end_at = ?, status = ?, body = ?"
                      " WHERE id = ?",
    [Q_MEET_ALL] = "SELECT id, body FROM meetings ORDER BY id",
    [Q_NEXT_IDS] = "SELECT (SELECT coalesce(max(id), 0) + 1 FROM delegations),"
                   " (SELECT coalesce(max(id), 0) + 1 FROM participants),"
                   " (SELECT coalesce(max(id), 0) + 1 FROM meetings),"
                   " (SELECT coalesce(max(id), 0) + 1 FROM groups)",
    /* The hash is chained in the same statement: the previous row of the
     * stream must be there (and chained), or pl_sha256 refuses the append. */
    [Q_EVENT_APPEND] =
        "INSERT INTO events(stream, seq, at, body, hash) VALUES (?1, ?2, ?3, ?4,"
        " pl_sha256(CASE WHEN ?2 = 1 THEN zeroblob(32) ELSE"
        " (SELECT hash FROM events WHERE stream = ?1 AND seq = ?2 - 1) END, ?4))",
    [Q_EVENT_HASH] = "SELECT hash FROM events WHERE stream = ? AND seq = ?",
    [Q_EVENT_CHAIN] = "SELECT stream, seq, body, hash FROM events ORDER BY stream, seq",
    [Q_EVENT_SINCE] = "SELECT seq, body FROM events WHERE stream = ? AND seq > ? ORDER BY seq",
    [Q_EVENT_LAST] = "SELECT coalesce(max(seq), 0) FROM events WHERE stream = ?",
    [Q_EVENT_ALL] = "SELECT stream, seq, body FROM events ORDER BY pos",
    [Q_SPEECH_INSERT] =
        "INSERT INTO speeches(meeting, seq, item, entry, delegation, delegation_name,"
        " delegation_kind, grp, participant, speaker, on_behalf, kind, presence,"
        " requested_at, started_at, ended_at, spoken_ms, allotted_ms)"
        " VALUES (?,?,?,?,?,?,?,(SELECT grp FROM delegations WHERE id = ?),"
        " ?,?,?,?,?,?,?,?,?,?)",
    [Q_SPEECH_ALL] =
        "SELECT seq, item, entry, delegation, delegation_name, delegation_kind, grp,"
        " participant, speaker, on_behalf, kind, presence, requested_at, started_at,"
        " ended_at, spoken_ms, allotted_ms FROM speeches WHERE meeting = ? ORDER BY seq",
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
    [Q_ROLLBACK] = "ROLLBACK",
    [Q_HOOK_INSERT] = "INSERT INTO webhooks(id, url, events, secret, created_at)"
                      " VALUES (?,?,?,?,?)",
    [Q_HOOK_DELETE] = "DELETE FROM webhooks WHERE id = ?",
    [Q_HOOK_ALL] = "SELECT id, url, events, secret, created_at FROM webhooks ORDER BY id",
    [Q_HOOK_GET] = "SELECT id, url, events, secret, created_at FROM webhooks WHERE id = ?",
    /* Every endpoint whose patterns match the event gets a row, in the
     * event's transaction: the order of ids is the order of delivery. */
    [Q_OUTBOX_ADD] = "INSERT INTO webhook_outbox(webhook, stream, seq, ev, body, first_at,"
                     " next_at) SELECT id, ?1, ?2, ?3, ?4, ?5, ?5 FROM webhooks"
                     " WHERE pl_webhook_matches(events, ?3) ORDER BY id",
    [Q_OUTBOX_DROP_HOOK] = "DELETE FROM webhook_outbox WHERE webhook = ?",
    /* The oldest row of each endpoint: only it may be sent, so each
     * receiver hears its events in order. */
    [Q_OUTBOX_HEADS] = "SELECT o.id, o.webhook, o.stream, o.seq, o.ev, o.body, o.first_at,"
                       " o.attempts, o.next_at, w.url, w.secret FROM webhook_outbox o"
                       " JOIN webhooks w ON w.id = o.webhook WHERE o.id ="
                       " (SELECT min(id) FROM webhook_outbox WHERE webhook = o.webhook)"
                       " ORDER BY o.next_at, o.id",
    [Q_OUTBOX_DONE] = "DELETE FROM webhook_outbox WHERE id = ?",
    [Q_OUTBOX_RETRY] = "UPDATE webhook_outbox SET attempts = attempts + 1, next_at = ?"
                       " WHERE id = ?",
    [Q_OUTBOX_PENDING] = "SELECT count(*) FROM webhook_outbox WHERE webhook = ?",
    [Q_ATTEMPT_ADD] = "INSERT INTO webhook_attempts(webhook, stream, seq, ev, at, status,"
                      " answer) VALUES (?,?,?,?,?,?,?)",
    [Q_ATTEMPT_TRIM] = "DELETE FROM webhook_attempts WHERE webhook = ?1 AND id <="
                       " (SELECT max(id) FROM webhook_attempts WHERE webhook = ?1) - ?2",
    [Q_ATTEMPT_LAST] = "SELECT stream, seq, ev, at, status, answer FROM webhook_attempts"
                       " WHERE webhook = ? ORDER BY id DESC LIMIT ?",
    [Q_ATTEMPT_DROP_HOOK] = "DELETE FROM webhook_attempts WHERE webhook = ?",
    [Q_GROUP_INSERT] = "INSERT INTO groups(id, name, coordinator, members) VALUES (?,?,?,?)",
    [Q_GROUP_UPDATE] = "UPDATE groups SET name = ?, coordinator = ?, members = ? WHERE id = ?",
    [Q_GROUP_GET] = "SELECT id, name, coordinator, members FROM groups WHERE id = ?",
    [Q_GROUP_ALL] = "SELECT id, name, coordinator, members FROM groups ORDER BY id",
    [Q_RANK_PUT] = "INSERT INTO ranks(participant, rank) VALUES (?1, ?2)"
                   " ON CONFLICT(participant) DO UPDATE SET rank = ?2",
    [Q_RANK_GET] = "SELECT rank FROM ranks WHERE participant = ?",
    [Q_LANG_PUT] = "INSERT INTO languages(participant, language) VALUES (?, ?)",
    [Q_LANG_GET] = "SELECT language FROM languages WHERE participant = ?",
    [Q_SNAP_PUT] = "INSERT OR REPLACE INTO snapshots(stream, seq, room_events, body)"
                   " VALUES (?,?,?,?)",
    /* all but the newest `keep` of the stream's */
    [Q_SNAP_TRIM] = "DELETE FROM snapshots WHERE stream = ?1 AND seq <= coalesce("
                    "(SELECT seq FROM snapshots WHERE stream = ?1 ORDER BY seq DESC"
                    " LIMIT 1 OFFSET ?2), -1)",
    [Q_SNAP_LAST] = "SELECT stream, seq, room_events, body FROM snapshots WHERE stream = ?"
                    " ORDER BY seq DESC",
    [Q_SNAP_ALL] = "SELECT stream, seq, room_events, body FROM snapshots ORDER BY stream, seq",
};

pl_store_rc pl_store__fail(pl_store *s, const char *what) {
  lwsl_err("store: %s: %s\n", what, sqlite3_errmsg(s->db));
  return PL_STORE_ERROR;
}

sqlite3_stmt *pl_store__stmt(pl_store *s, int q) {
  sqlite3_stmt *st = s->q[q];
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return st;
}

pl_store_rc pl_store__run(pl_store *s, sqlite3_stmt *st, const char *what) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? PL_STORE_OK : pl_store__fail(s, what);
}

pl_store_rc pl_store__run_one(pl_store *s, sqlite3_stmt *st, const char *what) {
  pl_store_rc rc = pl_store__run(s, st, what);
  if (rc == PL_STORE_OK && sqlite3_changes(s->db) != 1) {
    lwsl_err("store: %s: no such row\n", what);
    return PL_STORE_NOT_FOUND;
  }
  return rc;
}

void pl_store__bind_text(sqlite3_stmt *st, int i, const char *v) {
  sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

void pl_store__bind_text_or_null(sqlite3_stmt *st, int i, const char *v) {
  if (v && *v)
    pl_store__bind_text(st, i, v);
  else
    sqlite3_bind_null(st, i);
}

static void col_copy(sqlite3_stmt *st, int i, char *buf, size_t len) {
  const unsigned char *t = sqlite3_column_text(st, i);
  snprintf(buf, len, "%s", t ? (const char *)t : "");
}

/* The end of a one-row lookup: found, not found, or SQLite's failure. */
static pl_store_rc row_end(pl_store *s, sqlite3_stmt *st, int rc, const char *what) {
  sqlite3_reset(st);
  return rc == SQLITE_ROW    ? PL_STORE_OK
         : rc == SQLITE_DONE ? PL_STORE_NOT_FOUND
                             : pl_store__fail(s, what);
}

/* The end of a walk: the callback's stop, or the step's result. */
static pl_store_rc walk_end(pl_store *s, sqlite3_stmt *st, int rc, int stop,
                            const char *what) {
  sqlite3_reset(st);
  if (stop)
    return PL_STORE_STOPPED;
  return rc == SQLITE_DONE ? PL_STORE_OK : pl_store__fail(s, what);
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

/* pl_sha256(prev, body): the log's chain hash as an SQL function, for the
 * append and the upgrade that chains old rows. A prev that is not 32 bytes
 * (a missing previous row) is an error, so a chain cannot restart silently. */
static void sql_sha256(sqlite3_context *cx, int argc, sqlite3_value **argv) {
  (void)argc;
  uint8_t out[PL_DIGEST_LEN];
  const void *prev = sqlite3_value_blob(argv[0]);
  if (!prev || sqlite3_value_bytes(argv[0]) != PL_DIGEST_LEN) {
    sqlite3_result_error(cx, "the stream's previous event has no hash", -1);
    return;
  }
  const void *body = sqlite3_value_blob(argv[1]);
  int len = sqlite3_value_bytes(argv[1]);
  if (pl_chain_hash(prev, body ? body : "", (size_t)len, out)) {
    sqlite3_result_error(cx, "SHA-256 failed", -1);
    return;
  }
  sqlite3_result_blob(cx, out, PL_DIGEST_LEN, SQLITE_TRANSIENT);
}

/* Applies the steps the database lacks, each in one transaction with the
 * user_version it reaches. */
static int migrate(pl_store *s, char *err, size_t errlen) {
  sqlite3_stmt *st;
  int version = 0;
  if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
    goto out_err;
  if (sqlite3_step(st) == SQLITE_ROW)
    version = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  int target = (int)pl_store__schema_count;
  if (version > target) {
    snprintf(err, errlen, "database schema %d is newer than this plenaryd (%d)", version,
             target);
    return -1;
  }
  for (int v = version; v < target; v++) {
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
      goto out_err;
    if (sqlite3_exec(s->db, pl_store__schema_steps[v], NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
      snprintf(err, errlen, "upgrade to schema %d failed: %s", v + 1, sqlite3_errmsg(s->db));
      sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
      return -1;
    }
  }
  return 0;
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
  bool memory = strcmp(path, ":memory:") == 0;
  if (!memory && make_parent_dir(path)) {
    snprintf(err, errlen, "cannot create the folder of %s: %s", path, strerror(errno));
    free(s);
    return NULL;
  }
  /* The file holds token hashes and feed keys: it is made (or kept) 0600,
   * and SQLite gives its -wal and -shm files the same mode. */
  if (!memory) {
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || fchmod(fd, 0600)) {
      snprintf(err, errlen, "cannot open %s for writing: %s", path, strerror(errno));
      if (fd >= 0)
        close(fd);
      free(s);
      return NULL;
    }
    close(fd);
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "cannot open %s: %s", path, sqlite3_errmsg(s->db));
    goto out_close;
  }
  if (sqlite3_db_readonly(s->db, "main") == 1) {
    snprintf(err, errlen, "%s can be read but not written", path);
    goto out_close;
  }
  sqlite3_busy_timeout(s->db, 5000);
  char *emsg = NULL;
  if (sqlite3_exec(s->db,
                   memory ? "PRAGMA foreign_keys=ON;"
                          : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                            " PRAGMA foreign_keys=ON;",
                   NULL, NULL, &emsg) != SQLITE_OK) {
    snprintf(err, errlen, "cannot set up %s: %s", path, emsg ? emsg : "?");
    sqlite3_free(emsg);
    goto out_close;
  }
  if (sqlite3_create_function(s->db, "pl_sha256", 2,
                              SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
                              sql_sha256, NULL, NULL) != SQLITE_OK) {
    snprintf(err, errlen, "cannot set up %s: %s", path, sqlite3_errmsg(s->db));
    goto out_close;
  }
  if (pl_store__webhooks_init(s->db)) {
    snprintf(err, errlen, "cannot set up %s: %s", path, sqlite3_errmsg(s->db));
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
}

void pl_store_close(pl_store *s) {
  if (!s)
    return;
  for (int i = 0; i < Q__COUNT; i++)
    sqlite3_finalize(s->q[i]);
  sqlite3_close(s->db);
  free(s);
}

pl_store_rc pl_store_set_bulk(pl_store *s, bool bulk) {
  return sqlite3_exec(s->db, bulk ? "PRAGMA synchronous=OFF" : "PRAGMA synchronous=FULL", NULL,
                      NULL, NULL) == SQLITE_OK
             ? PL_STORE_OK
             : pl_store__fail(s, "synchronous");
}

pl_store_rc pl_store_begin(pl_store *s) {
  return pl_store__run(s, pl_store__stmt(s, Q_BEGIN), "begin");
}

pl_store_rc pl_store_commit(pl_store *s) {
  return pl_store__run(s, pl_store__stmt(s, Q_COMMIT), "commit");
}

/* A COMMIT refused by a deferred constraint leaves the transaction open:
 * this ends it either way. */
void pl_store_rollback(pl_store *s) {
  if (!sqlite3_get_autocommit(s->db))
    pl_store__run(s, pl_store__stmt(s, Q_ROLLBACK), "rollback");
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

pl_store_rc pl_store_delegation_get(pl_store *s, const char *id, pl_delegation_rec *out) {
  int64_t n = pl_id_parse(id, 'd');
  if (n < 0)
    return PL_STORE_NOT_FOUND;
  sqlite3_stmt *st = pl_store__stmt(s, Q_DELEG_GET);
  sqlite3_bind_int64(st, 1, n);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    delegation_read(st, out);
  return row_end(s, st, rc, "get delegation");
}

pl_store_rc pl_store_delegation_each(pl_store *s, pl_delegation_cb cb, void *ctx) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_DELEG_ALL);
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    pl_delegation_rec d;
    delegation_read(st, &d);
    stop = cb(ctx, &d);
  }
  return walk_end(s, st, rc, stop, "list delegations");
}

static pl_store_rc count(pl_store *s, sqlite3_stmt *st, int64_t *out, const char *what) {
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? PL_STORE_OK : pl_store__fail(s, what);
}

pl_store_rc pl_store_delegation_count(pl_store *s, int64_t *out) {
  return count(s, pl_store__stmt(s, Q_DELEG_COUNT), out, "count delegations");
}

/* --- Participants ---------------------------------------------------------- */

/* An interpreter's language, from its own view: most participants have none,
 * and the participants table and its queries stay as they were. */
static void participant_language(pl_store *s, pl_participant_rec *p) {
  p->language[0] = '\0';
  if (p->role != PL_ROLE_INTERPRETER)
    return;
  sqlite3_stmt *st = pl_store__stmt(s, Q_LANG_GET);
  sqlite3_bind_int64(st, 1, pl_id_parse(p->id, 'p'));
  if (sqlite3_step(st) == SQLITE_ROW)
    col_copy(st, 0, p->language, sizeof p->language);
  sqlite3_reset(st);
}

static void participant_read(sqlite3_stmt *st, pl_participant_rec *p) {
  memset(p, 0, sizeof *p);
  pl_id_format(p->id, sizeof p->id, 'p', sqlite3_column_int64(st, 0));
  pl_id_format(p->delegation, sizeof p->delegation, 'd', sqlite3_column_int64(st, 1));
  col_copy(st, 2, p->name, sizeof p->name);
  p->role = (pl_role)PL_ENUM_PARSE(pl_role, (const char *)sqlite3_column_text(st, 3));
}

/* One-row participant lookup shared by the by-hash, by-feed and by-id forms. */
static pl_store_rc participant_one(pl_store *s, sqlite3_stmt *st, pl_participant_rec *out,
                                   const uint8_t *hash) {
  int rc = sqlite3_step(st);
  bool found = rc == SQLITE_ROW;
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
    return pl_store__fail(s, "get participant");
  if (found)
    participant_language(s, out);
  return found ? PL_STORE_OK : PL_STORE_NOT_FOUND;
}

pl_store_rc pl_store_participant_by_token(pl_store *s, const uint8_t token_hash[PL_HASH_LEN],
                                          pl_participant_rec *out) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_PART_BY_HASH);
  sqlite3_bind_blob(st, 1, token_hash, PL_HASH_LEN, SQLITE_STATIC);
  return participant_one(s, st, out, token_hash);
}

pl_store_rc pl_store_participant_by_feed(pl_store *s, const char *feed,
                                         pl_participant_rec *out) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_PART_BY_FEED);
  pl_store__bind_text(st, 1, feed);
  return participant_one(s, st, out, NULL);
}

pl_store_rc pl_store_participant_get(pl_store *s, const char *id, pl_participant_rec *out) {
  int64_t n = pl_id_parse(id, 'p');
  if (n < 0)
    return PL_STORE_NOT_FOUND;
  sqlite3_stmt *st = pl_store__stmt(s, Q_PART_GET);
  sqlite3_bind_int64(st, 1, n);
  return participant_one(s, st, out, NULL);
}

pl_store_rc pl_store_participant_each(pl_store *s, const char *delegation,
                                      pl_participant_cb cb, void *ctx) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_PART_ALL);
  if (delegation)
    sqlite3_bind_int64(st, 1, pl_id_parse(delegation, 'd'));
  else
    sqlite3_bind_null(st, 1);
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    pl_participant_rec p;
    participant_read(st, &p);
    stop = cb(ctx, &p, sqlite3_column_int(st, 4) != 0);
  }
  return walk_end(s, st, rc, stop, "list participants");
}

pl_store_rc pl_store_participant_feed(pl_store *s, const char *id, char *buf, size_t len) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_PART_FEED);
  sqlite3_bind_int64(st, 1, pl_id_parse(id, 'p'));
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    col_copy(st, 0, buf, len);
  return row_end(s, st, rc, "get feed");
}

/* --- Meetings and ids ------------------------------------------------------ */

pl_store_rc pl_store_meeting_each(pl_store *s, pl_meeting_body_cb cb, void *ctx) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_MEET_ALL);
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    char id[PL_ID_LEN];
    pl_id_format(id, sizeof id, 'm', sqlite3_column_int64(st, 0));
    stop = cb(ctx, id, (const char *)sqlite3_column_text(st, 1));
  }
  return walk_end(s, st, rc, stop, "list meetings");
}

pl_store_rc pl_store_next_ids(pl_store *s, int64_t *delegation, int64_t *participant,
                              int64_t *meeting, int64_t *group) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_NEXT_IDS);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *delegation = sqlite3_column_int64(st, 0);
    *participant = sqlite3_column_int64(st, 1);
    *meeting = sqlite3_column_int64(st, 2);
    *group = sqlite3_column_int64(st, 3);
  }
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? PL_STORE_OK : pl_store__fail(s, "next ids");
}

/* --- The log --------------------------------------------------------------- */

pl_store_rc pl_store_event_append(pl_store *s, const char *stream, uint64_t seq, int64_t at,
                                  const char *body, size_t len) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_EVENT_APPEND);
  pl_store__bind_text(st, 1, stream);
  sqlite3_bind_int64(st, 2, (int64_t)seq);
  sqlite3_bind_int64(st, 3, at);
  sqlite3_bind_text(st, 4, body, (int)len, SQLITE_STATIC);
  return pl_store__run(s, st, "append event");
}

pl_store_rc pl_store_stream_each(pl_store *s, const char *stream, uint64_t since,
                                 pl_event_body_cb cb, void *ctx) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_EVENT_SINCE);
  pl_store__bind_text(st, 1, stream);
  sqlite3_bind_int64(st, 2, (int64_t)since);
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
    stop = cb(ctx, (uint64_t)sqlite3_column_int64(st, 0),
              (const char *)sqlite3_column_text(st, 1), (size_t)sqlite3_column_bytes(st, 1));
  return walk_end(s, st, rc, stop, "read events");
}

pl_store_rc pl_store_stream_last(pl_store *s, const char *stream, uint64_t *out) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_EVENT_LAST);
  pl_store__bind_text(st, 1, stream);
  int64_t v = 0;
  pl_store_rc rc = count(s, st, &v, "last seq");
  *out = (uint64_t)v;
  return rc;
}

pl_store_rc pl_store_log_each(pl_store *s, pl_log_cb cb, void *ctx) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_EVENT_ALL);
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
    stop = cb(ctx, (const char *)sqlite3_column_text(st, 0),
              (uint64_t)sqlite3_column_int64(st, 1), (const char *)sqlite3_column_text(st, 2),
              (size_t)sqlite3_column_bytes(st, 2));
  return walk_end(s, st, rc, stop, "read the log");
}

/* --- Speeches -------------------------------------------------------------- */

pl_store_rc pl_store_speech_each(pl_store *s, const char *meeting, pl_speech_cb cb,
                                 void *ctx) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_SPEECH_ALL);
  sqlite3_bind_int64(st, 1, pl_id_parse(meeting, 'm'));
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    pl_speech sp;
    memset(&sp, 0, sizeof sp);
    pl_entry *e = &sp.entry;
    col_copy(st, 1, sp.item, sizeof sp.item);
    col_copy(st, 2, e->id, sizeof e->id);
    col_copy(st, 3, e->delegation.id, sizeof e->delegation.id);
    col_copy(st, 4, e->delegation.name, sizeof e->delegation.name);
    e->delegation.kind = (pl_delegation_kind)PL_ENUM_PARSE(
        pl_delegation_kind, (const char *)sqlite3_column_text(st, 5));
    int group = sqlite3_column_type(st, 6) == SQLITE_NULL
                    ? -1
                    : PL_ENUM_PARSE(pl_group, (const char *)sqlite3_column_text(st, 6));
    col_copy(st, 7, e->participant, sizeof e->participant);
    col_copy(st, 8, e->speaker, sizeof e->speaker);
    col_copy(st, 9, e->on_behalf, sizeof e->on_behalf);
    e->kind = (pl_speech_kind)PL_ENUM_PARSE(pl_speech_kind,
                                            (const char *)sqlite3_column_text(st, 10));
    e->presence =
        (pl_presence)PL_ENUM_PARSE(pl_presence, (const char *)sqlite3_column_text(st, 11));
    e->requested_at = sqlite3_column_int64(st, 12);
    sp.started_at = sqlite3_column_int64(st, 13);
    sp.ended_at = sqlite3_column_int64(st, 14);
    sp.spoken_ms = sqlite3_column_int64(st, 15);
    sp.allotted_ms = sqlite3_column_int(st, 16);
    e->allotted_ms = sp.allotted_ms;
    stop = cb(ctx, (uint64_t)sqlite3_column_int64(st, 0), &sp, group);
  }
  return walk_end(s, st, rc, stop, "read speeches");
}

pl_store_rc pl_store_backup(pl_store *s, const char *dest) {
  sqlite3 *out;
  if (sqlite3_open(dest, &out) != SQLITE_OK) {
    sqlite3_close(out);
    return PL_STORE_ERROR;
  }
  sqlite3_backup *b = sqlite3_backup_init(out, "main", s->db, "main");
  int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
  if (b)
    sqlite3_backup_finish(b);
  sqlite3_close(out);
  return rc == SQLITE_DONE ? PL_STORE_OK : PL_STORE_ERROR;
}

pl_store_rc pl_store_event_hash(pl_store *s, const char *stream, uint64_t seq,
                                uint8_t hash[PL_DIGEST_LEN]) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_EVENT_HASH);
  pl_store__bind_text(st, 1, stream);
  sqlite3_bind_int64(st, 2, (int64_t)seq);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    if (sqlite3_column_bytes(st, 0) == PL_DIGEST_LEN)
      memcpy(hash, sqlite3_column_blob(st, 0), PL_DIGEST_LEN);
    else
      rc = SQLITE_DONE; /* an unchained row has no hash to give */
  }
  return row_end(s, st, rc, "read a hash");
}

pl_store_rc pl_store_chain_each(pl_store *s, pl_chain_cb cb, void *ctx) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_EVENT_CHAIN);
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    const void *h = sqlite3_column_blob(st, 3);
    bool whole = h && sqlite3_column_bytes(st, 3) == PL_DIGEST_LEN;
    stop = cb(ctx, (const char *)sqlite3_column_text(st, 0),
              (uint64_t)sqlite3_column_int64(st, 1), (const char *)sqlite3_column_text(st, 2),
              (size_t)sqlite3_column_bytes(st, 2), whole ? h : NULL);
  }
  return walk_end(s, st, rc, stop, "read the chain");
}
