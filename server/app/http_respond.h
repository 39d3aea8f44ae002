/*
 * Writing an HTTP response from memory (http_respond.c): each dynamic
 * response is rendered whole (they are small) and written in chunks from
 * HTTP_WRITEABLE, one lws_write per callback, as lws requires.
 */
#ifndef PL_APP_HTTP_RESPOND_H
#define PL_APP_HTTP_RESPOND_H

#include <libwebsockets.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* The per-connection data of the "http" protocol. */
typedef struct pl_http_pss {
  char *body; /* owned */
  size_t len, sent;
  /* The URL carries a feed key or the answer a participant's data: no
   * cache, shared or private, may keep it (no-store, private). */
  bool secret;
  bool head; /* a HEAD request: the headers of the GET, no body */
  /* a POST's body, read whole before it is handled (hooks_http.c) */
  char *in; /* owned */
  size_t in_len, in_cap;
  char in_path[64];
  bool close_after; /* the request's body was not read: close once answered */
  struct pl_upload *upload; /* POST /documents (upload.h): owned, or lent to the worker */
  struct pl_doc_fetch *fetch; /* GET /documents/{id} of a file on another node: likewise */
  uint32_t read_slot; /* its place in this turn's read-on list (read_on.h), or 0 */
} pl_http_pss;

/* Sends a complete response; takes ownership of body (malloc'd). */
int pl_http_respond(struct lws *wsi, void *user, unsigned status, const char *ctype,
                    char *body, size_t len, const char *etag, const char *last_modified);
/* A short text/plain response (an error, "ok"). */
int pl_http_respond_text(struct lws *wsi, void *user, unsigned status, const char *text);
/* The next chunk, from HTTP_WRITEABLE; returns what the callback returns. */
int pl_http_write_more(struct lws *wsi, void *user);
/* The body of an error answer, {"error": {"code", "message"}} as an op's
 * error reads on the WebSocket (malloc'd, or NULL when out of memory). */
char *pl_http_error_body(pl_err e, const char *message);
/* The HTTP status an op's error is. */
unsigned pl_http_status_of(pl_err e);
/* Frees what a closed connection still held. */
void pl_http_release(void *user);

#endif
