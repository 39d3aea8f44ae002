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

/* From LWS_CALLBACK_HTTP: refuses a request without its body read
 * (returning what the callback returns), or gets ready for the body (0). */
int pl_import_begin(struct lws *wsi, pl_http_pss *h);
/* LWS_CALLBACK_HTTP_BODY_COMPLETION: runs the op, answers. */
int pl_import_complete(struct lws *wsi, pl_http_pss *h);

#endif
