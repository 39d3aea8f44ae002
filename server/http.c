/*
 * Dynamic HTTP endpoints (contract section 2): /healthz, /metrics, the
 * calendar feeds and the record of speeches. Each response is rendered whole
 * into memory (they are small) and written in chunks from HTTP_WRITEABLE,
 * one lws_write per callback, as lws requires.
 */
#include <stdlib.h>
#include <string.h>

#include "calendar_http.h"
#include "plenary.h"
#include "transport.h"

#define CHUNK 16384

typedef struct http_pss {
  char *body; /* owned */
  size_t len, sent;
} http_pss;

int pl_http_respond(struct lws *wsi, void *user, unsigned status, const char *ctype,
                    char *body, size_t len, const char *etag, const char *last_modified) {
  http_pss *h = user;
  unsigned char headers[LWS_PRE + 1024], *start = headers + LWS_PRE, *p = start,
                                          *end = headers + sizeof headers - 1;
  h->body = body; /* taken */
  h->len = len;
  h->sent = 0;
  /* nosniff and the CSP come from the vhost's headers (server.c). */
  if (lws_add_http_common_headers(wsi, status, ctype, len, &p, end) ||
      lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
                                  (const unsigned char *)"no-cache", 8, &p, end))
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
  if (len == 0) {
    free(h->body);
    h->body = NULL;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
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

static int route(struct lws *wsi, void *user, const char *path) {
  if (strcmp(path, "/healthz") == 0)
    return pl_http_respond_text(wsi, user, HTTP_STATUS_OK, "ok");
  if (strcmp(path, "/metrics") == 0) {
    size_t len;
    char *body = pl_metrics_render(&pl_srv->metrics, &len);
    return body ? pl_http_respond(wsi, user, HTTP_STATUS_OK,
                                  "text/plain; version=0.0.4; charset=utf-8", body, len, NULL,
                                  NULL)
                : 1;
  }
  if (strncmp(path, "/calendar/", 10) == 0 || strncmp(path, "/meetings/", 10) == 0) {
    /* lws copies "feed=VALUE" into the buffer and returns the value in it */
    char arg[96];
    const char *feed = lws_get_urlarg_by_name(wsi, "feed=", arg, sizeof arg);
    return pl_calendar_http(wsi, user, path, feed ? feed : "");
  }
  return pl_http_respond_text(wsi, user, HTTP_STATUS_NOT_FOUND, "not found");
}

int pl_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                     size_t len) {
  http_pss *h = user;
  switch (reason) {
  case LWS_CALLBACK_HTTP: {
    char path[512];
    (void)in;
    (void)len;
    if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) <= 0)
      return pl_http_respond_text(wsi, user, HTTP_STATUS_METHOD_NOT_ALLOWED, "GET only");
    if (lws_hdr_copy(wsi, path, sizeof path, WSI_TOKEN_GET_URI) < 0)
      return pl_http_respond_text(wsi, user, HTTP_STATUS_NOT_FOUND, "not found");
    return route(wsi, user, path);
  }
  case LWS_CALLBACK_HTTP_WRITEABLE: {
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
    return lws_http_transaction_completed(wsi) ? -1 : 0;
  }
  case LWS_CALLBACK_CLOSED_HTTP:
  case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    if (h) {
      free(h->body);
      h->body = NULL;
    }
    return 0;
  default:
    return lws_callback_http_dummy(wsi, reason, user, in, len);
  }
}
