/* meeting.import over HTTP (import_http.h). */
#include "app/import_http.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/bearer.h"
#include "ops/dispatch.h"

unsigned pl_import_handle(const char *authorization, const char *ctype, bool dry_run,
                          const char *body, size_t len, char **out) {
  pl_participant_rec p;
  pl_delegation_rec d;
  switch (pl_bearer_of(authorization, &p, &d)) {
  case PL_BEARER_OK:
    break;
  case PL_BEARER_FAIL:
    *out = pl_http_error_body(PL_ERR_INTERNAL, "the store failed");
    return HTTP_STATUS_INTERNAL_SERVER_ERROR;
  default:
    *out = pl_http_error_body(PL_ERR_UNAUTHENTICATED,
                      "send Authorization: Bearer <a secretariat participant's token>");
    return HTTP_STATUS_UNAUTHORIZED;
  }
  if (!ctype || strncasecmp(ctype, "text/calendar", 13) != 0) {
    *out = pl_http_error_body(PL_ERR_BAD_REQUEST,
                      "the body is an iCalendar file: Content-Type: text/calendar");
    return HTTP_STATUS_UNSUPPORTED_MEDIA_TYPE;
  }
  json_t *args = json_pack("{s:s%, s:b}", "ics", body, len, "dry_run", dry_run);
  json_t *result = NULL;
  char msg[256];
  pl_err e = args ? pl_ops_call("meeting.import", &p, args, &result, msg, sizeof msg)
                  : PL_ERR_INTERNAL;
  json_decref(args);
  if (e != PL_ERR_OK) {
    *out = pl_http_error_body(e, args ? msg : "out of memory");
    return pl_http_status_of(e);
  }
  *out = json_dumps(result, JSON_COMPACT);
  json_decref(result);
  return HTTP_STATUS_OK;
}

/* An error as the op would give it, with the HTTP status it is. */
static int refuse(struct lws *wsi, pl_http_pss *h, unsigned status, pl_err e,
                  const char *why) {
  char *body = pl_http_error_body(e, why);
  h->close_after = true; /* a refused body may be unread */
  if (!body)
    return 1;
  return pl_http_respond(wsi, h, status, "application/json", body, strlen(body), NULL, NULL);
}

int pl_import_begin(struct lws *wsi, pl_http_pss *h) {
  char cl[24];
  char *end;
  long long n = lws_hdr_copy(wsi, cl, sizeof cl, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0
                    ? strtoll(cl, &end, 10)
                    : -1;
  if (n < 0)
    return refuse(wsi, h, HTTP_STATUS_LENGTH_REQUIRED, PL_ERR_BAD_REQUEST,
                  "send Content-Length");
  if (n == 0 || n > PL_IMPORT_BODY_MAX)
    return refuse(wsi, h, HTTP_STATUS_REQ_ENTITY_TOO_LARGE, PL_ERR_BAD_REQUEST,
                  "the file is 1 byte to 4 MiB");
  free(h->in);
  if (!(h->in = malloc((size_t)n + 1)))
    return 1;
  h->in_cap = (size_t)n;
  h->in_len = 0;
  snprintf(h->in_path, sizeof h->in_path, "%s", PL_IMPORT_PATH);
  return 0;
}

int pl_import_complete(struct lws *wsi, pl_http_pss *h) {
  if (!h->in || h->in_len != h->in_cap)
    return refuse(wsi, h, HTTP_STATUS_BAD_REQUEST, PL_ERR_BAD_REQUEST,
                  "the body did not arrive whole");
  char auth[256], ctype[128], arg[16];
  bool has_auth = lws_hdr_copy(wsi, auth, sizeof auth, WSI_TOKEN_HTTP_AUTHORIZATION) > 0;
  bool has_type = lws_hdr_copy(wsi, ctype, sizeof ctype, WSI_TOKEN_HTTP_CONTENT_TYPE) > 0;
  const char *dry = lws_get_urlarg_by_name(wsi, "dry_run=", arg, sizeof arg);
  char *body = NULL;
  unsigned status = pl_import_handle(has_auth ? auth : NULL, has_type ? ctype : NULL,
                                     dry && (strcmp(dry, "1") == 0 || strcmp(dry, "true") == 0),
                                     h->in, h->in_len, &body);
  if (!body)
    return 1;
  h->secret = true;
  return pl_http_respond(wsi, h, status, "application/json", body, strlen(body), NULL, NULL);
}
