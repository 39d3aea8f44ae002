/*
 * Dynamic HTTP endpoints (http.h): /healthz, /readyz, /metrics, the calendar
 * feeds and the record of speeches, routed from one table, and the hooks
 * POSTed in (hooks_http.h).
 */
#include "app/http.h"

#include <stdlib.h>
#include <string.h>

#include "app/calendar_http.h"
#include "app/hooks_http.h"
#include "app/import_http.h"
#include "app/documents_http.h"
#include "app/http_respond.h"
#include "app/read_on.h"
#include "app/tls.h"
#include "app/upload.h"
#include "base/server.h"
#include "store/backup.h"

static int healthz(struct lws *wsi, void *user, const char *path) {
  (void)path;
  return pl_http_respond_text(wsi, user, HTTP_STATUS_OK, "ok");
}

/* Alive and able to serve: a load balancer sends traffic elsewhere on 503.
 * Each condition is checked on the spot; the body names the first that fails. */
static int readyz(struct lws *wsi, void *user, const char *path) {
  (void)path;
  const char *why = pl_srv->stopping                        ? "shutting down"
                    : pl_srv->tls && !pl_tls_ready()        ? "no TLS certificate and key loaded"
                    : !pl_store_writable(pl_srv->store)     ? "the database is not writable"
                                                            : NULL;
  return why ? pl_http_respond_text(wsi, user, HTTP_STATUS_SERVICE_UNAVAILABLE, why)
             : pl_http_respond_text(wsi, user, HTTP_STATUS_OK, "ready");
}

static int metrics(struct lws *wsi, void *user, const char *path) {
  (void)path;
  size_t len;
  char *body = pl_metrics_render(&pl_srv->metrics, &len);
  return body ? pl_http_respond(wsi, user, HTTP_STATUS_OK,
                                "text/plain; version=0.0.4; charset=utf-8", body, len, NULL,
                                NULL)
              : 1;
}

static int calendar(struct lws *wsi, void *user, const char *path) {
  /* lws copies "feed=VALUE" into the buffer and returns the value in it */
  char arg[96];
  ((pl_http_pss *)user)->secret = true;
  const char *feed = lws_get_urlarg_by_name(wsi, "feed=", arg, sizeof arg);
  return pl_calendar_http(wsi, user, path, feed ? feed : "");
}

/* A hook is a POST; what GETs it is told so. */
static int hooks(struct lws *wsi, void *user, const char *path) {
  (void)path;
  return pl_http_respond_text(wsi, user, HTTP_STATUS_METHOD_NOT_ALLOWED, "hooks are POSTed");
}

const pl_http_route pl_http_routes[] = {
    {"/healthz", false, healthz},
    {"/readyz", false, readyz},
    {"/metrics", false, metrics},
    {"/calendar", true, calendar},
    {"/meetings", true, calendar},
    {"/hooks", true, hooks},
    {"/documents", true, pl_documents_http_get},
};
const size_t pl_http_route_count = sizeof pl_http_routes / sizeof pl_http_routes[0];

static int route(struct lws *wsi, void *user, const char *path) {
  for (size_t i = 0; i < pl_http_route_count; i++) {
    const pl_http_route *r = &pl_http_routes[i];
    size_t n = strlen(r->mount);
    if (strncmp(path, r->mount, n) == 0 &&
        (path[n] == '\0' ? !r->subtree : r->subtree && path[n] == '/'))
      return r->fn(wsi, user, path);
  }
  return pl_http_respond_text(wsi, user, HTTP_STATUS_NOT_FOUND, "not found");
}

int pl_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                     size_t len) {
  switch (reason) {
  case LWS_CALLBACK_HTTP: {
    char path[512];
    (void)in;
    (void)len;
    pl_http_pss *h = user;
    h->secret = false; /* a kept-alive connection's next request */
    h->close_after = false;
    if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0) {
      h->head = false;
      if (lws_hdr_copy(wsi, path, sizeof path, WSI_TOKEN_POST_URI) < 0)
        return pl_http_respond_text(wsi, user, HTTP_STATUS_NOT_FOUND, "not found");
      if (strcmp(path, "/documents") == 0)
        return pl_upload_start(wsi, h);
      if (strcmp(path, PL_IMPORT_PATH) == 0)
        return pl_import_begin(wsi, h);
      return pl_hooks_begin(wsi, user, path);
    }
    /* HEAD is GET without the body: calendar programs ask it to see
     * whether a feed changed (RFC 9110 9.3.2). */
    h->head = lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI) > 0;
    enum lws_token_indexes uri = h->head ? WSI_TOKEN_HEAD_URI : WSI_TOKEN_GET_URI;
    if (lws_hdr_total_length(wsi, uri) <= 0)
      return pl_http_respond_text(wsi, user, HTTP_STATUS_METHOD_NOT_ALLOWED,
                                  "GET or HEAD, or POST to a hook");
    if (lws_hdr_copy(wsi, path, sizeof path, uri) < 0)
      return pl_http_respond_text(wsi, user, HTTP_STATUS_NOT_FOUND, "not found");
    return route(wsi, user, path);
  }
  case LWS_CALLBACK_HTTP_BODY: {
    pl_http_pss *h = user;
    int rc;
    if (h && h->upload)
      rc = pl_upload_body(wsi, h, in, len);
    else if (h && h->close_after)
      rc = 0; /* answered already; the connection closes after it */
    else
      rc = pl_hooks_body(wsi, user, in, len); /* a hook's or an import's, read whole */
    if (rc == 0 && h)
      pl_read_on_mark(wsi, &h->read_slot); /* under TLS, the next piece this turn too */
    return rc;
  }
  case LWS_CALLBACK_HTTP_BODY_COMPLETION: {
    pl_http_pss *h = user;
    if (h && h->upload)
      return pl_upload_complete(wsi, h);
    if (h && h->close_after)
      return 0;
    return h && strcmp(h->in_path, PL_IMPORT_PATH) == 0 ? pl_import_complete(wsi, h)
                                                        : pl_hooks_complete(wsi, user);
  }
  case LWS_CALLBACK_HTTP_WRITEABLE: {
    pl_http_pss *h = user;
    if (pl_upload_ready(h))
      return pl_upload_answer(wsi, h);
    if (pl_documents_fetch_ready(h))
      return pl_documents_fetch_answer(wsi, h);
    return pl_http_write_more(wsi, user);
  }
  case LWS_CALLBACK_CLOSED_HTTP:
  case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    if (user)
      pl_read_on_forget(&((pl_http_pss *)user)->read_slot);
    pl_upload_release(user);
    pl_documents_fetch_release(user);
    pl_http_release(user);
    return 0;
  default:
    return lws_callback_http_dummy(wsi, reason, user, in, len);
  }
}
