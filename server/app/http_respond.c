/* Writing an HTTP response from memory (http_respond.h). */
#include "app/http_respond.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK 16384

int pl_http_respond(struct lws *wsi, void *user, unsigned status, const char *ctype,
                    char *body, size_t len, const char *etag, const char *last_modified) {
  pl_http_pss *h = user;
  unsigned char headers[LWS_PRE + 1024], *start = headers + LWS_PRE, *p = start,
                                          *end = headers + sizeof headers - 1;
  h->body = body; /* taken */
  h->len = len;
  h->sent = 0;
  /* nosniff and the CSP come from the vhost's headers (server.c). */
  const char *cache = h->secret ? "no-store, private" : "no-cache";
  if (lws_add_http_common_headers(wsi, status, ctype, len, &p, end) ||
      lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
                                  (const unsigned char *)cache, (int)strlen(cache), &p, end))
    return 1;
  if (etag && lws_add_http_header_by_name(wsi, (const unsigned char *)"etag:",
                                          (const unsigned char *)etag, (int)strlen(etag), &p,
                                          end))
    return 1;
  if (last_modified &&
      lws_add_http_header_by_name(wsi, (const unsigned char *)"last-modified:",
                                  (const unsigned char *)last_modified,
                                  (int)strlen(last_modified), &p, end))
    return 1;
  if (lws_finalize_write_http_header(wsi, start, &p, end))
    return 1;
  if (len == 0 || h->head) {
    free(h->body);
    h->body = NULL;
    return h->close_after || lws_http_transaction_completed(wsi) ? -1 : 0;
  }
  lws_callback_on_writable(wsi);
  return 0;
}

int pl_http_respond_text(struct lws *wsi, void *user, unsigned status, const char *text) {
  char *body = strdup(text);
  return body ? pl_http_respond(wsi, user, status, "text/plain; charset=utf-8", body,
                                strlen(body), NULL, NULL)
              : 1;
}

int pl_http_write_more(struct lws *wsi, void *user) {
  pl_http_pss *h = user;
  if (!h->body)
    return 0;
  size_t n = h->len - h->sent > CHUNK ? CHUNK : h->len - h->sent;
  bool final = h->sent + n == h->len;
  unsigned char buf[LWS_PRE + CHUNK];
  memcpy(buf + LWS_PRE, h->body + h->sent, n);
  if (lws_write(wsi, buf + LWS_PRE, n, final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) <
      (int)n)
    return -1;
  h->sent += n;
  if (!final) {
    lws_callback_on_writable(wsi);
    return 0;
  }
  free(h->body);
  h->body = NULL;
  return h->close_after || lws_http_transaction_completed(wsi) ? -1 : 0;
}

void pl_http_release(void *user) {
  pl_http_pss *h = user;
  if (h) {
    free(h->body);
    h->body = NULL;
    free(h->in);
    h->in = NULL;
    h->in_len = h->in_cap = 0;
  }
}

char *pl_http_error_body(pl_err e, const char *message) {
  json_t *o = json_pack("{s:{s:s, s:s}}", "error", "code", pl_err_code(e), "message", message);
  char *body = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  return body;
}

unsigned pl_http_status_of(pl_err e) {
  switch (e) {
  case PL_ERR_OK: return HTTP_STATUS_OK;
  case PL_ERR_BAD_JSON:
  case PL_ERR_BAD_REQUEST:
  case PL_ERR_UNKNOWN_OP: return HTTP_STATUS_BAD_REQUEST;
  case PL_ERR_UNAUTHENTICATED: return HTTP_STATUS_UNAUTHORIZED;
  case PL_ERR_FORBIDDEN: return HTTP_STATUS_FORBIDDEN;
  case PL_ERR_NOT_FOUND: return HTTP_STATUS_NOT_FOUND;
  case PL_ERR_CONFLICT:
  case PL_ERR_LIMIT: return HTTP_STATUS_CONFLICT;
  case PL_ERR_RATE_LIMITED:
  case PL_ERR_UNAVAILABLE: return HTTP_STATUS_SERVICE_UNAVAILABLE;
  default: return HTTP_STATUS_INTERNAL_SERVER_ERROR;
  }
}
