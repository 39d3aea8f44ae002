/* GET /documents/{id} (documents_http.h). */
#include "app/documents_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/bearer.h"
#include "app/docstore.h"
#include "app/http_respond.h"
#include "base/server.h"
#include "core/portal.h"
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

static int serve_file(struct lws *wsi, pl_http_pss *h, json_t *doc, bool restricted) {
  const char *sha = json_string_value(json_object_get(doc, "sha256"));
  const char *mime = json_string_value(json_object_get(doc, "mime"));
  const char *fname = json_string_value(json_object_get(doc, "filename"));
  char path[PL_DOCSTORE_PATH_MAX], ctype[PL_MIME_LEN + 20], plain[PL_NAME_LEN],
      ext[3 * PL_NAME_LEN + 1], disp[5 * PL_NAME_LEN + 64];
  struct stat st;
  pl_docstore_path(sha ? sha : "-", path, sizeof path);
  if (!sha || stat(path, &st) != 0)
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
