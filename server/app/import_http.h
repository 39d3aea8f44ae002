/*
 * POST /meetings/import (import_http.c): meeting.import over HTTP, for the
 * calendar files a WebSocket frame (64 KiB) cannot carry.
 *
 *   POST /meetings/import[?dry_run=1]
 *   Authorization: Bearer <a secretariat participant's token>
 *   Content-Type: text/calendar
 *   Content-Length: at most 4 MiB, the file's
 *
 * The answer is the op's: 200 with its result as JSON, or an error status
 * with {"error": {"code", "message"}}.
 */
#ifndef PL_APP_IMPORT_HTTP_H
#define PL_APP_IMPORT_HTTP_H

#include <libwebsockets.h>
#include <stdbool.h>

#include "app/http_respond.h"

#define PL_IMPORT_PATH "/meetings/import"

#define PL_IMPORT_BODY_MAX (4u << 20) /* what pl_ical_import reads */

/* The import of a whole request: the status, and the answer's JSON in
 * *out (malloc'd, NULL when out of memory). For the door, which reads such
 * a POST itself on a plain port (early.c), and for lws's body under TLS. */
unsigned pl_import_handle(const char *authorization, const char *ctype, bool dry_run,
                          const char *body, size_t len, char **out);

/* From LWS_CALLBACK_HTTP: refuses a request without its body read
 * (returning what the callback returns), or gets ready for the body (0). */
int pl_import_begin(struct lws *wsi, pl_http_pss *h);
/* LWS_CALLBACK_HTTP_BODY_COMPLETION: runs the op, answers. */
int pl_import_complete(struct lws *wsi, pl_http_pss *h);

#endif
