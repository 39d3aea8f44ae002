/* POST /documents (upload.h). */
#include "app/upload.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unistd.h>

#include "app/bearer.h"
#include "app/docstore.h"
#include "app/extract.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/server.h"
#include "cluster/files.h"
#include "core/portal.h"
#include "live/cluster.h"
#include "live/commit.h"
#include "ops/deferred.h"
#include "store/portal.h"
#include "wire/portal_json.h"

/* What the form may carry besides the file, and the room for them all. */
static const char *const fields[] = {"title",      "kind",       "pillar",     "language",
                                     "meeting",    "abstract",   "visibility", "version_of",
                                     "delegation", "url"};
enum { F_TITLE, F_KIND, F_PILLAR, F_LANGUAGE, F_MEETING, F_ABSTRACT, F_VISIBILITY,
       F_VERSION_OF, F_DELEGATION, F_URL, F__COUNT };
#define FORM_STORAGE 16384
/* The declared body: the file and the form around it. */
#define BODY_MAX ((int64_t)PL_DOC_MAX_BYTES + 64 * 1024)
/* How long the answer may take once the body is in: the worker's turn. */
#define ANSWER_TIMEOUT_S 60

typedef struct pl_upload {
  struct lws *wsi;      /* NULL once the connection is gone */
  pl_http_pss *h;       /* borrowed, while wsi is not NULL: the connection's */
  struct lws_spa *spa;  /* owned */
  pl_participant_rec who;
  pl_delegation_rec deleg;
  int fd;                               /* the temporary file, or -1 */
  char tmp[PL_DOCSTORE_PATH_MAX];       /* its path; "" when none is on disk */
  EVP_MD_CTX *md;                       /* owned */
  int64_t size;
  bool has_file, too_big, broken;
  pl_document_rec doc;
  pl_extract ex; /* the worker's */
  bool in_worker;
  /* with --cluster, the worker's too: whether NATS holds the file */
  bool shared;
  char share_err[200];
  /* the answer, once decided */
  bool ready;
  unsigned status;
  char *answer; /* owned: JSON */
} pl_upload;

static void discard_file(pl_upload *up) {
  if (up->fd >= 0)
    close(up->fd);
  up->fd = -1;
  if (up->tmp[0])
    unlink(up->tmp);
  up->tmp[0] = '\0';
}

static void upload_free(pl_upload *up) {
  discard_file(up);
  if (up->spa)
    lws_spa_destroy(up->spa);
  EVP_MD_CTX_free(up->md);
  pl_document_rec_release(&up->doc);
  free(up->ex.text);
  free(up->answer);
  free(up);
}

/* --- answers ------------------------------------------------------------------- */

/* Answers at once, from inside one of this connection's callbacks. */
static int refuse_now(struct lws *wsi, pl_http_pss *h, unsigned status, pl_err e,
                      const char *msg, bool unread_body) {
  char *body = pl_http_error_body(e, msg);
  pl_log(PL_LOG_NOTICE, "upload.refused", "code", pl_err_code(e), "msg", msg, NULL);
  h->close_after = unread_body;
  return body ? pl_http_respond(wsi, h, status, "application/json", body, strlen(body), NULL,
                                NULL)
              : -1;
}

/* Decides the answer of an upload whose body is in; it is written from the
 * connection's next HTTP_WRITEABLE. */
static void decide(pl_upload *up, unsigned status, char *answer) {
  up->ready = true;
  up->status = status;
  up->answer = answer;
  if (up->wsi)
    lws_callback_on_writable(up->wsi);
}

static void decide_error(pl_upload *up, unsigned status, pl_err e, const char *msg) {
  pl_log(PL_LOG_NOTICE, "upload.refused", "code", pl_err_code(e), "msg", msg, "participant",
         up->who.id, NULL);
  discard_file(up);
  decide(up, status, pl_http_error_body(e, msg));
}

bool pl_upload_ready(const pl_http_pss *h) {
  return h && h->upload && h->upload->ready;
}

int pl_upload_answer(struct lws *wsi, pl_http_pss *h) {
  pl_upload *up = h->upload;
  unsigned status = up->status;
  char *body = up->answer;
  up->answer = NULL;
  h->upload = NULL;
  upload_free(up);
  return body ? pl_http_respond(wsi, h, status, "application/json", body, strlen(body), NULL,
                                NULL)
              : -1;
}

void pl_upload_release(pl_http_pss *h) {
  pl_upload *up = h ? h->upload : NULL; /* lws may close before the pss exists */
  if (!up)
    return;
  h->upload = NULL;
  if (up->in_worker)
    up->wsi = NULL; /* the worker's done frees it */
  else
    upload_free(up);
}

/* --- the body ------------------------------------------------------------------ */

static int on_file(void *data, const char *name, const char *filename, char *buf, int len,
                   enum lws_spa_fileupload_states state) {
  pl_upload *up = data;
  switch (state) {
  case LWS_UFS_OPEN:
    if (strcmp(name, "file") != 0 || up->has_file) {
      up->broken = true; /* one file, in the field "file" */
      return 0;
    }
    up->has_file = true;
    /* The name only names the download; it decides nothing. */
    {
      const char *base = strrchr(filename, '/');
      base = base ? base + 1 : filename;
      const char *b2 = strrchr(base, '\\');
      base = b2 ? b2 + 1 : base;
      char kept[sizeof up->doc.filename];
      size_t n = 0;
      for (const char *c = base; *c && n + 1 < sizeof kept; c++)
        if ((unsigned char)*c >= 0x20 && *c != '"' && *c != 0x7f)
          kept[n++] = *c; /* no line break may reach the download's header */
      /* and as UTF-8, whatever the client sent: what is not becomes spaces */
      char *clean = pl_extract_clean(kept, n, sizeof up->doc.filename - 1);
      snprintf(up->doc.filename, sizeof up->doc.filename, "%s", clean ? clean : "");
      free(clean);
    }
    up->fd = pl_docstore_temp(up->tmp, sizeof up->tmp);
    if (up->fd < 0) {
      up->tmp[0] = '\0';
      up->broken = true;
    }
    return 0;
  case LWS_UFS_CONTENT:
  case LWS_UFS_FINAL_CONTENT:
    if (up->fd < 0 || len <= 0)
      return 0;
    up->size += len;
    if (up->size > PL_DOC_MAX_BYTES) {
      up->too_big = true; /* what came is dropped; the rest is read and ignored */
      discard_file(up);
      return 0;
    }
    EVP_DigestUpdate(up->md, buf, (size_t)len);
    for (int off = 0; off < len;) {
      ssize_t n = write(up->fd, buf + off, (size_t)(len - off));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        up->broken = true;
        discard_file(up);
        return 0;
      }
      off += (int)n;
    }
    return 0;
  case LWS_UFS_CLOSE:
    return 0;
  }
  return 0;
}

int pl_upload_start(struct lws *wsi, pl_http_pss *h) {
  char ctype[256], clen[32];
  pl_participant_rec p;
  pl_delegation_rec d;
  switch (pl_bearer_who(wsi, &p, &d)) {
  case PL_BEARER_OK:
    break;
  case PL_BEARER_FAIL:
    return refuse_now(wsi, h, HTTP_STATUS_INTERNAL_SERVER_ERROR, PL_ERR_INTERNAL,
                      "the store failed", true);
  default:
    return refuse_now(wsi, h, HTTP_STATUS_UNAUTHORIZED, PL_ERR_UNAUTHENTICATED,
                      "send Authorization: Bearer with a valid participant token", true);
  }
  if (lws_hdr_copy(wsi, clen, sizeof clen, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0)
    return refuse_now(wsi, h, 411, PL_ERR_BAD_REQUEST, "a Content-Length is required", true);
  if (atoll(clen) > BODY_MAX)
    return refuse_now(wsi, h, HTTP_STATUS_REQ_ENTITY_TOO_LARGE, PL_ERR_BAD_REQUEST,
                      "a file may be at most 20 MiB", true);
  if (lws_hdr_copy(wsi, ctype, sizeof ctype, WSI_TOKEN_HTTP_CONTENT_TYPE) <= 0 ||
      strncmp(ctype, "multipart/form-data", 19) != 0)
    return refuse_now(wsi, h, HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE, PL_ERR_BAD_REQUEST,
                      "send the document as multipart/form-data", true);
  pl_upload *up = calloc(1, sizeof *up);
  if (!up)
    return -1;
  up->fd = -1;
  up->wsi = wsi;
  up->h = h;
  up->who = p;
  up->deleg = d;
  up->md = EVP_MD_CTX_new();
  up->spa = lws_spa_create(wsi, fields, F__COUNT, FORM_STORAGE, on_file, up);
  if (!up->md || !up->spa || !EVP_DigestInit_ex(up->md, EVP_sha256(), NULL)) {
    upload_free(up);
    return -1;
  }
  h->upload = up;
  return 0;
}

int pl_upload_body(struct lws *wsi, pl_http_pss *h, const char *in, size_t len) {
  pl_upload *up = h->upload;
  if (lws_spa_process(up->spa, in, (int)len)) {
    h->upload = NULL;
    upload_free(up);
    return refuse_now(wsi, h, HTTP_STATUS_BAD_REQUEST, PL_ERR_BAD_REQUEST,
                      "the form is malformed, or its fields are over 16 KB", true);
  }
  return 0;
}

/* --- the checks and the commit ----------------------------------------------- */

/* Whether s is well-formed UTF-8, by ICU's reading of it (no overlong
 * forms, no surrogates): a field the store would keep must be, or the
 * event's JSON could not hold it. */
static bool is_utf8(const char *s) {
  UErrorCode err = U_ZERO_ERROR;
  int32_t n;
  u_strFromUTF8(NULL, 0, &n, s, -1, &err);
  return err == U_BUFFER_OVERFLOW_ERROR || err == U_STRING_NOT_TERMINATED_WARNING ||
         U_SUCCESS(err);
}

static const char *field(pl_upload *up, int i) {
  const char *v = lws_spa_get_string(up->spa, i);
  return v && *v ? v : NULL;
}

/* The form's fields into up->doc; PL_ERR_OK, or an error with msg. */
static pl_err check_fields(pl_upload *up, char *msg, size_t msglen) {
  pl_document_rec *d = &up->doc;
  const char *title = field(up, F_TITLE), *kind = field(up, F_KIND),
             *pillar = field(up, F_PILLAR), *lang = field(up, F_LANGUAGE),
             *meeting = field(up, F_MEETING), *abstract = field(up, F_ABSTRACT),
             *vis = field(up, F_VISIBILITY), *version_of = field(up, F_VERSION_OF),
             *deleg = field(up, F_DELEGATION), *url = field(up, F_URL);
  int k = PL_ENUM_PARSE(pl_doc_kind, kind), l = PL_ENUM_PARSE(pl_language, lang);
  int v = vis ? PL_ENUM_PARSE(pl_visibility, vis) : PL_VIS_PUBLIC;
  d->pillar = pillar ? PL_ENUM_PARSE(pl_pillar, pillar) : -1;
#define REFUSE(...) return (snprintf(msg, msglen, __VA_ARGS__), PL_ERR_BAD_REQUEST)
  for (int i = 0; i < F__COUNT; i++)
    if (field(up, i) && !is_utf8(field(up, i)))
      REFUSE("field '%s' is not UTF-8", fields[i]);
  if (!title || strlen(title) >= sizeof d->title)
    REFUSE("field 'title' must be 1 to %zu bytes", sizeof d->title - 1);
  if (k < 0)
    REFUSE("field 'kind' must be one of national_report, working_paper, research_paper, "
           "statement, webinar, other");
  if (l < 0)
    REFUSE("field 'language' must be one of ar, zh, en, fr, ru, es");
  if (pillar && d->pillar < 0)
    REFUSE("field 'pillar' has an unknown value '%.40s'", pillar);
  if (v < 0)
    REFUSE("field 'visibility' must be public or states");
  if (abstract && strlen(abstract) >= sizeof d->abstract)
    REFUSE("field 'abstract' is over %zu bytes", sizeof d->abstract - 1);
  if (meeting && !pl_live_get(meeting))
    return (snprintf(msg, msglen, "no meeting '%.40s'", meeting), PL_ERR_NOT_FOUND);
  d->kind = (pl_doc_kind)k;
  d->language = (pl_language)l;
  d->visibility = (pl_visibility)v;
  if (k == PL_DOC_WEBINAR) {
    if (up->has_file || !url || strlen(url) >= sizeof d->url ||
        (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
      REFUSE("a webinar is a link: field 'url' (http or https), and no file");
    snprintf(d->url, sizeof d->url, "%s", url);
  } else if (!up->has_file || url) {
    REFUSE("a %s is a file: field 'file', and no url", PL_ENUM_NAME(pl_doc_kind, k));
  }
#undef REFUSE
  bool sec = pl_portal_is_secretariat(up->who.role, up->deleg.kind);
  pl_delegation_rec owner = up->deleg;
  if (deleg && !sec)
    return (snprintf(msg, msglen, "only the secretariat uploads for another delegation"),
            PL_ERR_FORBIDDEN);
  if (deleg && pl_store_delegation_get(pl_srv->store, deleg, &owner) != PL_STORE_OK)
    return (snprintf(msg, msglen, "no delegation '%.40s'", deleg), PL_ERR_NOT_FOUND);
  if (!pl_portal_may_upload(up->who.role, up->deleg.kind, d->kind))
    return (snprintf(msg, msglen, "a%s %s may not upload a %s",
                     up->who.role == PL_ROLE_OBSERVER ? "n" : "",
                     PL_ENUM_NAME(pl_role, up->who.role), PL_ENUM_NAME(pl_doc_kind, d->kind)),
            PL_ERR_FORBIDDEN);
  snprintf(d->title, sizeof d->title, "%s", title);
  snprintf(d->abstract, sizeof d->abstract, "%s", abstract ? abstract : "");
  snprintf(d->meeting, sizeof d->meeting, "%s", meeting ? meeting : "");
  snprintf(d->delegation, sizeof d->delegation, "%s", owner.id);
  snprintf(d->delegation_name, sizeof d->delegation_name, "%s", owner.name);
  snprintf(d->by, sizeof d->by, "%s", up->who.id);
  if (version_of) {
    json_t *orig = NULL;
    if (pl_store_document_get(pl_srv->store, version_of, &orig) != PL_STORE_OK)
      return (snprintf(msg, msglen, "no document '%.40s' to be a version of", version_of),
              PL_ERR_NOT_FOUND);
    snprintf(d->family, sizeof d->family, "%s",
             json_string_value(json_object_get(orig, "family")));
    json_decref(orig);
  }
  return PL_ERR_OK;
}

/* Commits document.uploaded and answers 201; or refuses. The file, if
 * any, is staged as "<sha>.part" and becomes "<sha>" only once committed. */
static void commit_document(pl_upload *up) {
  pl_document_rec *d = &up->doc;
  char part[PL_DOCSTORE_PATH_MAX], msg[160];
  int64_t n;
  if (up->has_file) {
    if (!up->ex.allowed) {
      snprintf(msg, sizeof msg,
               "the file is %.60s; a document is PDF, ODT, DOCX, plain text or Markdown",
               up->ex.mime);
      return decide_error(up, HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE, PL_ERR_BAD_REQUEST, msg);
    }
    if (pl_cluster_on() && !up->shared) {
      pl_log(PL_LOG_WARN, "upload.unshared", "error", up->share_err, NULL);
      return decide_error(up, HTTP_STATUS_SERVICE_UNAVAILABLE, PL_ERR_UNAVAILABLE,
                          "the cluster could not store the file; nothing changed, try again");
    }
    snprintf(d->mime, sizeof d->mime, "%s", up->ex.mime);
    d->text = up->ex.text;
    up->ex.text = NULL;
    if (pl_docstore_stage(up->tmp, d->sha256, part, sizeof part)) {
      up->tmp[0] = '\0';
      return decide_error(up, HTTP_STATUS_INTERNAL_SERVER_ERROR, PL_ERR_INTERNAL,
                          "the file could not be stored; nothing changed");
    }
    snprintf(up->tmp, sizeof up->tmp, "%s", part); /* unlinked if the commit fails */
  }
  if (pl_store_portal_next(pl_srv->store, 'f', &n) != PL_STORE_OK)
    return decide_error(up, HTTP_STATUS_INTERNAL_SERVER_ERROR, PL_ERR_INTERNAL,
                        "the store failed; nothing changed");
  pl_id_format(d->id, sizeof d->id, 'f', n);
  if (!d->family[0])
    snprintf(d->family, sizeof d->family, "%s", d->id);
  int64_t now = pl_now_ms();
  d->at = now;
  pl_change ch;
  pl_change_init(&ch, now);
  pl_pevent ev = {.type = PL_PEV_DOCUMENT_UPLOADED, .document = d};
  pl_change_programme(&ch, &ev);
  pl_err e = pl_change_commit(&ch, msg, sizeof msg);
  pl_change_release(&ch);
  if (e != PL_ERR_OK)
    return decide_error(up, pl_http_status_of(e), e, msg);
  if (up->has_file) {
    up->tmp[0] = '\0'; /* committed: it is the document's now */
    pl_docstore_commit(d->sha256);
  }
  pl_log(PL_LOG_NOTICE, "document.uploaded", "document", d->id, "participant", up->who.id,
         "mime", d->mime[0] ? d->mime : NULL, NULL);
  json_t *o = json_pack("{s:o}", "document", pl_json_document(d));
  decide(up, 201, o ? json_dumps(o, JSON_COMPACT) : NULL);
  json_decref(o);
}

/* With --cluster the file goes to NATS here too, before its event can be
 * appended: every node that applies document.uploaded can then fetch it
 * (documents_http.c), and a failure here refuses the upload whole. */
static void extract_work(void *arg) {
  pl_upload *up = arg;
  pl_extract_file(up->tmp, &up->ex);
  pl_js *js = pl_cluster_link();
  if (js && up->ex.allowed)
    up->shared = pl_js_file_put(js, up->doc.sha256, up->tmp, up->share_err,
                                sizeof up->share_err) == 0;
}

static void extract_done(void *arg, bool dropped) {
  pl_upload *up = arg;
  up->in_worker = false;
  if (dropped || !up->wsi) {
    if (up->wsi) /* the server is stopping: the connection must not free it again */
      up->h->upload = NULL;
    upload_free(up); /* nobody waits: nothing is kept */
    return;
  }
  commit_document(up);
}

static const pl_task_ops extract_ops = {extract_work, extract_done};

int pl_upload_complete(struct lws *wsi, pl_http_pss *h) {
  pl_upload *up = h->upload;
  char msg[200];
  lws_spa_finalize(up->spa);
  lws_set_timeout(wsi, PENDING_TIMEOUT_HTTP_CONTENT, ANSWER_TIMEOUT_S);
  if (up->too_big) {
    decide_error(up, HTTP_STATUS_REQ_ENTITY_TOO_LARGE, PL_ERR_BAD_REQUEST,
                 "a file may be at most 20 MiB");
    return 0;
  }
  if (up->broken) {
    decide_error(up, HTTP_STATUS_BAD_REQUEST, PL_ERR_BAD_REQUEST,
                 "send one file, in the field 'file'");
    return 0;
  }
  pl_err e = check_fields(up, msg, sizeof msg);
  if (e != PL_ERR_OK) {
    decide_error(up, pl_http_status_of(e), e, msg);
    return 0;
  }
  if (!up->has_file) {
    commit_document(up);
    return 0;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned mdlen = 0;
  if (up->size == 0 || !EVP_DigestFinal_ex(up->md, md, &mdlen) || mdlen != PL_HASH_LEN ||
      fsync(up->fd) != 0) {
    decide_error(up, HTTP_STATUS_BAD_REQUEST, PL_ERR_BAD_REQUEST,
                 up->size ? "the file could not be stored" : "the file is empty");
    return 0;
  }
  for (unsigned i = 0; i < mdlen; i++)
    snprintf(up->doc.sha256 + 2 * i, 3, "%02x", md[i]);
  up->doc.size = up->size;
  close(up->fd);
  up->fd = -1;
  up->in_worker = true;
  if (pl_defer_task(up, &extract_ops)) {
    up->in_worker = false;
    decide_error(up, HTTP_STATUS_SERVICE_UNAVAILABLE, PL_ERR_RATE_LIMITED,
                 "the server is busy reading other uploads; try again shortly");
  }
  return 0;
}
