/* The webhooks' rows (webhooks.h). */
#include "store/webhooks.h"

#include <stdio.h>
#include <string.h>

#include "core/webhook.h"
#include "store/store_impl.h"

/* The record of attempts keeps this many per endpoint. */
#define ATTEMPTS_KEPT 100

/* pl_webhook_matches(patterns, ev) as an SQL function, so that the outbox
 * rows of an event are one INSERT ... SELECT in its transaction. */
static void sql_matches(sqlite3_context *cx, int argc, sqlite3_value **argv) {
  (void)argc;
  const char *patterns = (const char *)sqlite3_value_text(argv[0]);
  const char *ev = (const char *)sqlite3_value_text(argv[1]);
  sqlite3_result_int(cx, patterns && ev && pl_webhook_matches(patterns, ev));
}

int pl_store__webhooks_init(sqlite3 *db) {
  return sqlite3_create_function(db, "pl_webhook_matches", 2,
                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, NULL,
                                 sql_matches, NULL, NULL) == SQLITE_OK
             ? 0
             : -1;
}

pl_store_rc pl_store_outbox_add(pl_store *s, const char *stream, uint64_t seq, const char *ev,
                                const char *body, size_t len, int64_t now) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_OUTBOX_ADD);
  pl_store__bind_text(st, 1, stream);
  sqlite3_bind_int64(st, 2, (int64_t)seq);
  pl_store__bind_text(st, 3, ev);
  sqlite3_bind_text(st, 4, body, (int)len, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, now);
  return pl_store__run(s, st, "queue webhook deliveries");
}

static const char *text(sqlite3_stmt *st, int col) {
  const char *v = (const char *)sqlite3_column_text(st, col);
  return v ? v : "";
}

pl_store_rc pl_store_outbox_heads(pl_store *s, pl_outbox_cb cb, void *ctx) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_OUTBOX_HEADS);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    pl_outbox_row r = {
        .id = sqlite3_column_int64(st, 0),
        .webhook = sqlite3_column_int64(st, 1),
        .stream = text(st, 2),
        .seq = (uint64_t)sqlite3_column_int64(st, 3),
        .ev = text(st, 4),
        .body = text(st, 5),
        .len = (size_t)sqlite3_column_bytes(st, 5),
        .first_at = sqlite3_column_int64(st, 6),
        .attempts = sqlite3_column_int(st, 7),
        .next_at = sqlite3_column_int64(st, 8),
        .url = text(st, 9),
        .secret = text(st, 10),
    };
    if (cb(ctx, &r)) {
      sqlite3_reset(st);
      return PL_STORE_STOPPED;
    }
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? PL_STORE_OK : pl_store__fail(s, "read webhook deliveries");
}

static pl_store_rc attempted(pl_store *s, int64_t id, int64_t webhook, const char *stream,
                             uint64_t seq, const char *ev, int64_t at, int status,
                             const char *answer, int64_t next_at) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_ATTEMPT_ADD);
  sqlite3_bind_int64(st, 1, webhook);
  pl_store__bind_text(st, 2, stream);
  sqlite3_bind_int64(st, 3, (int64_t)seq);
  pl_store__bind_text(st, 4, ev);
  sqlite3_bind_int64(st, 5, at);
  sqlite3_bind_int(st, 6, status);
  pl_store__bind_text(st, 7, answer);
  pl_store_rc rc = pl_store__run(s, st, "record a webhook attempt");
  if (rc == PL_STORE_OK) {
    st = pl_store__stmt(s, Q_ATTEMPT_TRIM);
    sqlite3_bind_int64(st, 1, webhook);
    sqlite3_bind_int(st, 2, ATTEMPTS_KEPT);
    rc = pl_store__run(s, st, "trim webhook attempts");
  }
  if (rc != PL_STORE_OK)
    return rc;
  if (next_at > 0) {
    st = pl_store__stmt(s, Q_OUTBOX_RETRY);
    sqlite3_bind_int64(st, 1, next_at);
    sqlite3_bind_int64(st, 2, id);
  } else {
    st = pl_store__stmt(s, Q_OUTBOX_DONE);
    sqlite3_bind_int64(st, 1, id);
  }
  /* The endpoint may have been deleted meanwhile: no row is no error. */
  return pl_store__run(s, st, "update a webhook delivery");
}

pl_store_rc pl_store_outbox_attempted(pl_store *s, int64_t id, int64_t webhook,
                                      const char *stream, uint64_t seq, const char *ev,
                                      int64_t at, int status, const char *answer,
                                      int64_t next_at) {
  if (pl_store_begin(s) != PL_STORE_OK)
    return PL_STORE_ERROR;
  if (attempted(s, id, webhook, stream, seq, ev, at, status, answer, next_at) !=
          PL_STORE_OK ||
      pl_store_commit(s) != PL_STORE_OK) {
    pl_store_rollback(s);
    return PL_STORE_ERROR;
  }
  return PL_STORE_OK;
}

static void webhook_of(sqlite3_stmt *st, pl_webhook_rec *w) {
  memset(w, 0, sizeof *w);
  pl_id_format(w->id, sizeof w->id, 'w', sqlite3_column_int64(st, 0));
  snprintf(w->url, sizeof w->url, "%s", text(st, 1));
  snprintf(w->events, sizeof w->events, "%s", text(st, 2));
  snprintf(w->secret, sizeof w->secret, "%s", text(st, 3));
  w->created_at = sqlite3_column_int64(st, 4);
}

pl_store_rc pl_store_webhook_each(pl_store *s, pl_webhook_cb cb, void *ctx) {
  sqlite3_stmt *st = pl_store__stmt(s, Q_HOOK_ALL);
  int rc;
  pl_webhook_rec w;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    webhook_of(st, &w);
    if (cb(ctx, &w)) {
      sqlite3_reset(st);
      return PL_STORE_STOPPED;
    }
  }
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? PL_STORE_OK : pl_store__fail(s, "read webhooks");
}

pl_store_rc pl_store_webhook_get(pl_store *s, const char *id, pl_webhook_rec *out) {
  int64_t n = pl_id_parse(id, 'w');
  if (n < 0)
    return PL_STORE_NOT_FOUND;
  sqlite3_stmt *st = pl_store__stmt(s, Q_HOOK_GET);
  sqlite3_bind_int64(st, 1, n);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    webhook_of(st, out);
  sqlite3_reset(st);
  return rc == SQLITE_ROW    ? PL_STORE_OK
         : rc == SQLITE_DONE ? PL_STORE_NOT_FOUND
                             : pl_store__fail(s, "read a webhook");
}

pl_store_rc pl_store_webhook_attempts(pl_store *s, const char *id, int limit, pl_attempt_cb cb,
                                      void *ctx, int64_t *pending) {
  int64_t n = pl_id_parse(id, 'w');
  sqlite3_stmt *st = pl_store__stmt(s, Q_ATTEMPT_LAST);
  sqlite3_bind_int64(st, 1, n);
  sqlite3_bind_int(st, 2, limit);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    if (cb(ctx, text(st, 0), (uint64_t)sqlite3_column_int64(st, 1), text(st, 2),
           sqlite3_column_int64(st, 3), sqlite3_column_int(st, 4), text(st, 5)))
      break;
  sqlite3_reset(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return pl_store__fail(s, "read webhook attempts");
  st = pl_store__stmt(s, Q_OUTBOX_PENDING);
  sqlite3_bind_int64(st, 1, n);
  rc = sqlite3_step(st);
  *pending = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return rc == SQLITE_ROW ? PL_STORE_OK : pl_store__fail(s, "count webhook deliveries");
}

pl_store_rc pl_store_next_webhook(pl_store *s, int64_t *out) {
  /* Once, at start: not worth a persistent statement. Every programme
   * event's text begins with its name (pl_json_pevent packs it first). */
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT count(*) + 1 FROM events WHERE stream = 'programme' AND"
                         " substr(body, 1, 23) = '{\"ev\":\"webhook.created\"'",
                         -1, &st, NULL) != SQLITE_OK)
    return pl_store__fail(s, "count webhooks");
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? PL_STORE_OK : pl_store__fail(s, "count webhooks");
}
