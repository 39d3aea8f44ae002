/* GET /documents/{id} (documents_http.h). */
#include "app/documents_http.h"

#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/bearer.h"
#include "app/docstore.h"
#include "app/http_respond.h"
#include "base/log.h"
#include "base/server.h"
#include "cluster/files.h"
#include "core/portal.h"
#include "live/cluster.h"
#include "ops/deferred.h"
#include "store/portal.h"

/* RFC 8187's ext-value of a file name: UTF-8, percent-encoded. */
static void ext_value(const char *name, char *out, size_t len) {
  static const char hex[] = "0123456789ABCDEF";
  size_t n = 0;
  for (const unsigned char *c = (const unsigned char *)name; *c && n + 4 < len; c++) {
    if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
        strchr("!#$&+-.^_`|~", *c)) {
      out[n++] = (char)*c;
    } else {
      out[n++] = '%';
      out[n++] = hex[*c >> 4];
      out[n++] = hex[*c & 15];
    }
  }
  out[n] = '\0';
}

/* The plain-ASCII fallback of the name: anything else becomes '_'. */
static void ascii_name(const char *name, char *out, size_t len) {
  size_t n = 0;
  for (const unsigned char *c = (const unsigned char *)name; *c && n + 1 < len; c++)
    out[n++] = *c >= 0x20 && *c < 0x7f && *c != '"' && *c != '\\' ? (char)*c : '_';
  out[n] = '\0';
}

static int serve_file(struct lws *wsi, pl_http_pss *h, json_t *doc, bool restricted);

/* --- a file uploaded on another node ---------------------------------------- */

typedef struct pl_doc_fetch {
  struct lws *wsi; /* NULL once the connection is gone */
  pl_http_pss *h;  /* borrowed, while wsi is not NULL: the connection's */
  json_t *doc;     /* owned */
  bool restricted;
  char sha[PL_HASH_HEX_LEN];
  bool in_worker, ready;
  int rc; /* pl_js_file_get's */
  char err[200];
} pl_doc_fetch;

static void fetch_free(pl_doc_fetch *f) {
  json_decref(f->doc);
  free(f);
}

/* On the worker: the chunks into a temporary file of the store, which
 * becomes the file of its hash once it hashes right. */
static void fetch_work(void *arg) {
  pl_doc_fetch *f = arg;
  char tmp[PL_DOCSTORE_PATH_MAX], part[PL_DOCSTORE_PATH_MAX];
  int fd = pl_docstore_temp(tmp, sizeof tmp);
  if (fd < 0) {
    f->rc = -1;
    snprintf(f->err, sizeof f->err, "cannot make a file in the store");
    return;
  }
  f->rc = pl_js_file_get(pl_cluster_link(), f->sha, fd, f->err, sizeof f->err);
  if (f->rc == 0 && fsync(fd) != 0) {
    f->rc = -1;
    snprintf(f->err, sizeof f->err, "cannot write the file: %s", strerror(errno));
  }
  close(fd);
  if (f->rc != 0) {
    unlink(tmp);
  } else if (pl_docstore_stage(tmp, f->sha, part, sizeof part) != 0) { /* tmp is gone */
    f->rc = -1;
    snprintf(f->err, sizeof f->err, "cannot keep the file in the store");
  } else {
    pl_docstore_commit(f->sha);
  }
}

static void fetch_done(void *arg, bool dropped) {
  pl_doc_fetch *f = arg;
  f->in_worker = false;
  if (dropped || !f->wsi) {
    if (f->wsi) /* the server is stopping: the connection closes without it */
      f->h->fetch = NULL;
    fetch_free(f);
    return;
  }
  f->ready = true;
  lws_callback_on_writable(f->wsi);
}

static const pl_task_ops fetch_ops = {fetch_work, fetch_done};

static int fetch_start(struct lws *wsi, pl_http_pss *h, json_t *doc, bool restricted) {
  pl_doc_fetch *f = calloc(1, sizeof *f);
  if (!f)
    return -1;
  f->wsi = wsi;
  f->h = h;
  f->doc = json_incref(doc);
  f->restricted = restricted;
  snprintf(f->sha, sizeof f->sha, "%s", json_string_value(json_object_get(doc, "sha256")));
  f->in_worker = true;
  if (pl_defer_task(f, &fetch_ops)) {
    fetch_free(f);
    return pl_http_respond_text(wsi, h, HTTP_STATUS_SERVICE_UNAVAILABLE,
                                "the server is busy; try again shortly");
  }
  if (f->in_worker || f->ready) /* not already answered inline, without a worker */
    h->fetch = f;
  return 0;
}

bool pl_documents_fetch_ready(const pl_http_pss *h) {
  return h && h->fetch && h->fetch->ready;
}

int pl_documents_fetch_answer(struct lws *wsi, pl_http_pss *h) {
  pl_doc_fetch *f = h->fetch;
  int out;
  if (f->rc == 0) {
    out = serve_file(wsi, h, f->doc, f->restricted);
  } else {
    pl_log(PL_LOG_WARN, "document.fetch", "sha256", f->sha, "error", f->err, NULL);
    out = pl_http_respond_text(wsi, h, f->rc > 0 ? HTTP_STATUS_NOT_FOUND
                                                 : HTTP_STATUS_SERVICE_UNAVAILABLE,
                               f->rc > 0 ? "the file is not stored"
                                         : "the file could not be fetched from the cluster; "
                                           "try again shortly");
  }
  h->fetch = NULL;
  fetch_free(f);
  return out;
}

void pl_documents_fetch_release(pl_http_pss *h) {
  pl_doc_fetch *f = h ? h->fetch : NULL;
  if (!f)
    return;
  h->fetch = NULL;
  if (f->in_worker)
    f->wsi = NULL; /* the worker's done frees it */
  else
    fetch_free(f);
}

/* --- serving ------------------------------------------------------------------ */

static int serve_file(struct lws *wsi, pl_http_pss *h, json_t *doc, bool restricted) {
  const char *sha = json_string_value(json_object_get(doc, "sha256"));
  const char *mime = json_string_value(json_object_get(doc, "mime"));
  const char *fname = json_string_value(json_object_get(doc, "filename"));
  char path[PL_DOCSTORE_PATH_MAX], ctype[PL_MIME_LEN + 20], plain[PL_NAME_LEN],
      ext[3 * PL_NAME_LEN + 1], disp[5 * PL_NAME_LEN + 64];
  struct stat st;
  pl_docstore_path(sha ? sha : "-", path, sizeof path);
  bool stored = sha && stat(path, &st) == 0;
  if (!stored && sha && pl_cluster_on() && !h->fetch)
    return fetch_start(wsi, h, doc, restricted);
  if (!stored)
    return pl_http_respond_text(wsi, h, HTTP_STATUS_NOT_FOUND, "the file is not stored");
  snprintf(ctype, sizeof ctype, "%s%s", mime ? mime : "application/octet-stream",
           mime && strncmp(mime, "text/", 5) == 0 ? "; charset=utf-8" : "");
  ascii_name(fname && *fname ? fname : "document", plain, sizeof plain);
  ext_value(fname && *fname ? fname : "document", ext, sizeof ext);
  snprintf(disp, sizeof disp, "attachment; filename=\"%s\"; filename*=UTF-8''%s", plain, ext);
  unsigned char hdr[2048], *p = hdr, *end = hdr + sizeof hdr - 1;
  const char *cache = restricted ? "no-store, private" : "no-cache";
  if (lws_add_http_header_by_name(wsi, (const unsigned char *)"content-disposition:",
                                  (const unsigned char *)disp, (int)strlen(disp), &p, end) ||
      lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
                                  (const unsigned char *)cache, (int)strlen(cache), &p, end))
    return -1;
  int n = lws_serve_http_file(wsi, path, ctype, (const char *)hdr, (int)(p - hdr));
  return n < 0 ? -1 : 0;
}

int pl_documents_http_get(struct lws *wsi, void *user, const char *path) {
  pl_http_pss *h = user;
  const char *id = path + strlen("/documents/");
  json_t *doc = NULL;
  h->secret = true; /* the answer may depend on who asks */
  pl_store_rc rc = strchr(id, '/') ? PL_STORE_NOT_FOUND
                                   : pl_store_document_get(pl_srv->store, id, &doc);
  if (rc == PL_STORE_NOT_FOUND)
    return pl_http_respond_text(wsi, user, HTTP_STATUS_NOT_FOUND, "no such document");
  if (rc != PL_STORE_OK)
    return pl_http_respond_text(wsi, user, HTTP_STATUS_INTERNAL_SERVER_ERROR,
                                "the store failed");
  int vis = PL_ENUM_PARSE(pl_visibility, json_string_value(json_object_get(doc, "visibility")));
  int out;
  if (vis != PL_VIS_PUBLIC) {
    pl_participant_rec p;
    pl_delegation_rec d;
    pl_bearer_rc who = pl_bearer_who(wsi, &p, &d);
    if (who != PL_BEARER_OK) {
      json_decref(doc);
      return pl_http_respond_text(wsi, user, HTTP_STATUS_UNAUTHORIZED,
                                  "this document is for States: send Authorization: Bearer");
    }
    if (!pl_portal_may_read(p.role, d.kind, (pl_visibility)vis)) {
      json_decref(doc);
      return pl_http_respond_text(wsi, user, HTTP_STATUS_FORBIDDEN,
                                  "this document is for States and the secretariat only");
    }
  }
  if (json_string_value(json_object_get(doc, "url"))) {
    char *body = json_dumps(doc, JSON_COMPACT);
    out = body ? pl_http_respond(wsi, user, HTTP_STATUS_OK, "application/json", body,
                                 strlen(body), NULL, NULL)
               : -1;
  } else {
    out = serve_file(wsi, h, doc, vis != PL_VIS_PUBLIC);
  }
  json_decref(doc);
  return out;
}
