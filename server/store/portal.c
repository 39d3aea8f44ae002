/* The portal's views (portal.h). */
#include "store/portal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_impl.h"
#include "wire/portal_json.h"

/* Snippet markers: control characters, which extracted text never holds
 * (extract.c drops them), so the parts split exactly. */
#define HIT_OPEN "\x01"
#define HIT_CLOSE "\x02"

static sqlite3_stmt *prepare(pl_store *s, const char *sql, const char *what) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
    pl_store__fail(s, what);
    return NULL;
  }
  return st;
}

/* Steps a statement that returns no rows and finalizes it. */
static pl_store_rc run_once(pl_store *s, sqlite3_stmt *st, const char *what) {
  if (!st)
    return PL_STORE_ERROR;
  int rc = sqlite3_step(st);
  pl_store_rc out = rc == SQLITE_DONE ? PL_STORE_OK : pl_store__fail(s, what);
  sqlite3_finalize(st);
  return out;
}

static json_t *column_json(sqlite3_stmt *st, int i) {
  const char *t = (const char *)sqlite3_column_text(st, i);
  return t ? json_loads(t, 0, NULL) : NULL;
}

/* --- writes -------------------------------------------------------------------- */

/* A record's JSON as stored: takes j; malloc'd, or NULL. */
static char *dump(json_t *j) {
  char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
  json_decref(j);
  return body;
}

static pl_store_rc document_insert(pl_store *s, const pl_document_rec *d) {
  char *body = dump(pl_json_document(d));
  if (!body)
    return PL_STORE_ERROR;
  int64_t n = pl_id_parse(d->id, 'f');
  sqlite3_stmt *st = prepare(s,
                             "INSERT INTO documents(id, kind, pillar, language, meeting,"
                             " delegation, visibility, family, withdrawn, at, body)"
                             " VALUES (?,?,?,?,?,?,?,?,0,?,?)",
                             "insert document");
  if (st) {
    sqlite3_bind_int64(st, 1, n);
    pl_store__bind_text(st, 2, PL_ENUM_NAME(pl_doc_kind, d->kind));
    pl_store__bind_text_or_null(st, 3, d->pillar >= 0 ? PL_ENUM_NAME(pl_pillar, d->pillar) : NULL);
    pl_store__bind_text(st, 4, PL_ENUM_NAME(pl_language, d->language));
    pl_store__bind_text_or_null(st, 5, d->meeting);
    pl_store__bind_text(st, 6, d->delegation);
    pl_store__bind_text(st, 7, PL_ENUM_NAME(pl_visibility, d->visibility));
    pl_store__bind_text(st, 8, d->family);
    sqlite3_bind_int64(st, 9, d->at);
    pl_store__bind_text(st, 10, body);
  }
  pl_store_rc rc = run_once(s, st, "insert document");
  free(body);
  if (rc != PL_STORE_OK)
    return rc;
  st = prepare(s, "INSERT INTO documents_fts(rowid, title, abstract, text) VALUES (?,?,?,?)",
               "index document");
  if (st) {
    sqlite3_bind_int64(st, 1, n);
    pl_store__bind_text(st, 2, d->title);
    pl_store__bind_text(st, 3, d->abstract);
    pl_store__bind_text(st, 4, d->text ? d->text : "");
  }
  return run_once(s, st, "index document");
}

static pl_store_rc document_withdraw(pl_store *s, const char *id) {
  sqlite3_stmt *st = prepare(s,
                             "UPDATE documents SET withdrawn = 1,"
                             " body = json_set(body, '$.withdrawn', json('true'))"
                             " WHERE id = ? AND withdrawn = 0",
                             "withdraw document");
  if (!st)
    return PL_STORE_ERROR;
  sqlite3_bind_int64(st, 1, pl_id_parse(id, 'f'));
  int rc = sqlite3_step(st);
  pl_store_rc out = rc != SQLITE_DONE              ? pl_store__fail(s, "withdraw document")
                    : sqlite3_changes(s->db) != 1 ? PL_STORE_NOT_FOUND
                                                  : PL_STORE_OK;
  sqlite3_finalize(st);
  return out;
}

static pl_store_rc report_insert(pl_store *s, const pl_report_rec *r) {
  char *body = dump(pl_json_report(r));
  if (!body)
    return PL_STORE_ERROR;
  sqlite3_stmt *st = prepare(s,
                             "INSERT INTO reports(id, delegation, year, visibility, at, body)"
                             " VALUES (?,?,?,?,?,?)",
                             "insert report");
  if (st) {
    sqlite3_bind_int64(st, 1, pl_id_parse(r->id, 'r'));
    pl_store__bind_text(st, 2, r->delegation);
    sqlite3_bind_int(st, 3, r->year);
    pl_store__bind_text(st, 4, PL_ENUM_NAME(pl_visibility, r->visibility));
    sqlite3_bind_int64(st, 5, r->at);
    pl_store__bind_text(st, 6, body);
  }
  pl_store_rc rc = run_once(s, st, "insert report");
  free(body);
  return rc;
}

static pl_store_rc rotation_put(pl_store *s, const pl_rotation_rec *r) {
  json_t *g = json_object();
  for (size_t i = 0; g && i < r->n; i++)
    json_object_set_new(g, r->set[i].delegation,
                        json_string(PL_ENUM_NAME(pl_parity, r->set[i].parity)));
  char *groups = dump(g);
  if (!groups)
    return PL_STORE_ERROR;
  sqlite3_stmt *st = prepare(s, "INSERT OR REPLACE INTO report_rotation VALUES (1, ?, ?)",
                             "set rotation");
  if (st) {
    sqlite3_bind_int(st, 1, r->first_year);
    pl_store__bind_text(st, 2, groups);
  }
  pl_store_rc rc = run_once(s, st, "set rotation");
  free(groups);
  return rc;
}

static const char *const remind_names[] = {"due", "overdue"};

static pl_store_rc reminder_insert(pl_store *s, const pl_reminder_rec *r, int64_t at) {
  sqlite3_stmt *st = prepare(s, "INSERT INTO report_reminders VALUES (?,?,?,?)",
                             "insert reminder");
  if (st) {
    pl_store__bind_text(st, 1, r->delegation);
    sqlite3_bind_int(st, 2, r->year);
    pl_store__bind_text(st, 3, remind_names[r->kind]);
    sqlite3_bind_int64(st, 4, at);
  }
  return run_once(s, st, "insert reminder");
}

pl_store_rc pl_store_portal_apply(pl_store *s, const pl_pevent *ev) {
  switch (ev->type) {
  case PL_PEV_DOCUMENT_UPLOADED:
    return ev->document ? document_insert(s, ev->document) : PL_STORE_ERROR;
  case PL_PEV_DOCUMENT_WITHDRAWN:
    return document_withdraw(s, ev->target);
  case PL_PEV_REPORT_SUBMITTED:
    return ev->report ? report_insert(s, ev->report) : PL_STORE_ERROR;
  case PL_PEV_REPORT_ROTATION:
    return ev->rotation ? rotation_put(s, ev->rotation) : PL_STORE_ERROR;
  case PL_PEV_REPORT_REMINDER:
    return reminder_insert(s, &ev->reminder, ev->at);
  default:
    return PL_STORE_ERROR;
  }
}

/* --- reads --------------------------------------------------------------------- */

pl_store_rc pl_store_portal_next(pl_store *s, char kind, int64_t *out) {
  sqlite3_stmt *st = prepare(s,
                             kind == 'f' ? "SELECT coalesce(max(id), 0) + 1 FROM documents"
                                         : "SELECT coalesce(max(id), 0) + 1 FROM reports",
                             "next id");
  if (!st)
    return PL_STORE_ERROR;
  int rc = sqlite3_step(st);
  *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  return rc == SQLITE_ROW ? PL_STORE_OK : pl_store__fail(s, "next id");
}

pl_store_rc pl_store_document_get(pl_store *s, const char *id, json_t **out) {
  *out = NULL;
  int64_t n = pl_id_parse(id, 'f');
  if (n < 0)
    return PL_STORE_NOT_FOUND;
  sqlite3_stmt *st = prepare(s, "SELECT body FROM documents WHERE id = ?", "get document");
  if (!st)
    return PL_STORE_ERROR;
  sqlite3_bind_int64(st, 1, n);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    *out = column_json(st, 0);
  sqlite3_finalize(st);
  if (rc == SQLITE_ROW)
    return *out ? PL_STORE_OK : PL_STORE_ERROR;
  return rc == SQLITE_DONE ? PL_STORE_NOT_FOUND : pl_store__fail(s, "get document");
}

pl_store_rc pl_store_document_with_sha(pl_store *s, const char *sha, bool *out) {
  sqlite3_stmt *st = prepare(s, "SELECT 1 FROM documents WHERE body ->> '$.sha256' = ?",
                             "find document file");
  if (!st)
    return PL_STORE_ERROR;
  pl_store__bind_text(st, 1, sha);
  int rc = sqlite3_step(st);
  *out = rc == SQLITE_ROW;
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? PL_STORE_OK
                                               : pl_store__fail(s, "find document file");
}

pl_store_rc pl_store_document_versions(pl_store *s, const char *family, json_t **out) {
  sqlite3_stmt *st = prepare(s,
                             "SELECT 'f' || id, language, json_extract(body, '$.title')"
                             " FROM documents WHERE family = ? ORDER BY id",
                             "document versions");
  *out = json_array();
  if (!st || !*out) {
    sqlite3_finalize(st);
    return PL_STORE_ERROR;
  }
  pl_store__bind_text(st, 1, family);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    json_array_append_new(*out, json_pack("{s:s, s:s, s:s}", "id", sqlite3_column_text(st, 0),
                                          "language", sqlite3_column_text(st, 1), "title",
                                          sqlite3_column_text(st, 2)));
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? PL_STORE_OK : pl_store__fail(s, "document versions");
}

/* The user's words as an FTS5 query that cannot be a syntax error: each
 * word a quoted phrase ("" inside doubled), all of them required; a word
 * ending in '*' stays a prefix. NULL when there is no word. malloc'd. */
static char *fts_query(const char *q) {
  size_t len = strlen(q), cap = len * 2 + 16, n = 0;
  char *out = malloc(cap);
  if (!out)
    return NULL;
  const char *p = q;
  while (*p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
      p++;
    if (!*p)
      break;
    const char *w = p;
    while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
      p++;
    size_t wl = (size_t)(p - w);
    bool prefix = wl > 1 && w[wl - 1] == '*';
    if (prefix)
      wl--;
    if (n)
      out[n++] = ' ';
    out[n++] = '"';
    for (size_t i = 0; i < wl; i++) {
      if (w[i] == '"')
        out[n++] = '"';
      out[n++] = w[i];
    }
    out[n++] = '"';
    if (prefix)
      out[n++] = '*';
  }
  out[n] = '\0';
  if (!n) {
    free(out);
    return NULL;
  }
  return out;
}

/* "a \x01hit\x02 b" as [{text:"a ", hit:false}, {text:"hit", hit:true}, ...] */
static json_t *snippet_parts(const char *s) {
  json_t *a = json_array();
  bool hit = false;
  while (a && s && *s) {
    size_t n = strcspn(s, HIT_OPEN HIT_CLOSE);
    if (n)
      json_array_append_new(a, json_pack("{s:s%, s:b}", "text", s, n, "hit", hit));
    s += n;
    if (*s) {
      hit = *s == HIT_OPEN[0];
      s++;
    }
  }
  return a;
}

#define FILTERS                                                                         \
  " (?2 IS NULL OR d.kind = ?2) AND (?3 IS NULL OR d.pillar = ?3)"                      \
  " AND (?4 IS NULL OR d.language = ?4) AND (?5 IS NULL OR d.meeting = ?5)"             \
  " AND (?6 IS NULL OR d.delegation = ?6) AND (?7 OR d.visibility = 'public')"

pl_store_rc pl_store_document_search(pl_store *s, const pl_doc_query *q, json_t **out) {
  char *match = q->q ? fts_query(q->q) : NULL;
  /* Titles weigh most, then abstracts, then the body (bm25: lower is better). */
  sqlite3_stmt *st = prepare(
      s,
      match ? "SELECT d.body, snippet(documents_fts, -1, '" HIT_OPEN "', '" HIT_CLOSE
              "', '…', 16), bm25(documents_fts, 10.0, 4.0, 1.0) AS score"
              " FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid"
              " WHERE documents_fts MATCH ?1 AND" FILTERS " ORDER BY score LIMIT ?8"
            : "SELECT d.body, NULL, 0.0 FROM documents d WHERE (?1 IS NULL) AND" FILTERS
              " ORDER BY d.at DESC, d.id DESC LIMIT ?8",
      "search documents");
  *out = json_array();
  if (!st || !*out) {
    free(match);
    sqlite3_finalize(st);
    return PL_STORE_ERROR;
  }
  if (match)
    pl_store__bind_text(st, 1, match);
  else
    sqlite3_bind_null(st, 1);
  const char *f[] = {q->kind, q->pillar, q->language, q->meeting, q->delegation};
  for (int i = 0; i < 5; i++)
    pl_store__bind_text_or_null(st, i + 2, f[i]);
  sqlite3_bind_int(st, 7, q->states);
  sqlite3_bind_int(st, 8, q->limit > 0 ? q->limit : 50);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    json_t *d = column_json(st, 0);
    const char *snip = (const char *)sqlite3_column_text(st, 1);
    if (d)
      json_array_append_new(*out, json_pack("{s:o, s:o, s:f}", "document", d, "snippet",
                                            snippet_parts(snip), "score",
                                            -sqlite3_column_double(st, 2)));
  }
  sqlite3_finalize(st);
  free(match);
  return rc == SQLITE_DONE ? PL_STORE_OK : pl_store__fail(s, "search documents");
}

pl_store_rc pl_store_report_each(pl_store *s, pl_report_cb cb, void *ctx) {
  sqlite3_stmt *st = prepare(s, "SELECT body FROM reports ORDER BY delegation, year, id",
                             "read reports");
  if (!st)
    return PL_STORE_ERROR;
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    json_t *r = column_json(st, 0);
    stop = !r || cb(ctx, r);
    json_decref(r);
  }
  sqlite3_finalize(st);
  if (stop)
    return PL_STORE_STOPPED;
  return rc == SQLITE_DONE ? PL_STORE_OK : pl_store__fail(s, "read reports");
}

pl_store_rc pl_store_rotation_get(pl_store *s, pl_rotation_rec *out) {
  sqlite3_stmt *st = prepare(s, "SELECT first_year, groups FROM report_rotation WHERE id = 1",
                             "read rotation");
  if (!st)
    return PL_STORE_ERROR;
  int rc = sqlite3_step(st);
  pl_store_rc res = rc == SQLITE_DONE ? PL_STORE_NOT_FOUND
                    : rc == SQLITE_ROW ? PL_STORE_OK
                                       : pl_store__fail(s, "read rotation");
  out->n = 0;
  if (res == PL_STORE_OK) {
    out->first_year = sqlite3_column_int(st, 0);
    json_t *g = column_json(st, 1);
    const char *k;
    json_t *v;
    json_object_foreach(g, k, v) {
      int par = PL_ENUM_PARSE(pl_parity, json_string_value(v));
      if (par < 0 || out->n == PL_ROTATION_MAX)
        continue;
      snprintf(out->set[out->n].delegation, PL_ID_LEN, "%s", k);
      out->set[out->n++].parity = (pl_parity)par;
    }
    json_decref(g);
  }
  sqlite3_finalize(st);
  return res;
}

pl_store_rc pl_store_reminder_sent(pl_store *s, const pl_reminder_rec *r, bool *out) {
  sqlite3_stmt *st = prepare(s,
                             "SELECT 1 FROM report_reminders"
                             " WHERE delegation = ? AND year = ? AND kind = ?",
                             "read reminder");
  if (!st)
    return PL_STORE_ERROR;
  pl_store__bind_text(st, 1, r->delegation);
  sqlite3_bind_int(st, 2, r->year);
  pl_store__bind_text(st, 3, remind_names[r->kind]);
  int rc = sqlite3_step(st);
  *out = rc == SQLITE_ROW;
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? PL_STORE_OK : pl_store__fail(s, "read reminder");
}
