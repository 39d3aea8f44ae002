/*
 * The calendar and record endpoints over HTTP (calendar_http.c):
 *   GET /calendar/{feed}.ics                 every meeting the participant may attend
 *   GET /meetings/{id}.ics?feed={feed}        one meeting
 *   GET /meetings/{id}/record.csv?feed={feed} the record of speeches
 * A feed key unknown to the store is 404, the same as an unknown path, so
 * feed keys cannot be probed.
 */
#ifndef PL_CALENDAR_HTTP_H
#define PL_CALENDAR_HTTP_H

#include <libwebsockets.h>

int pl_calendar_http(struct lws *wsi, void *user, const char *path, const char *feed);

/* Sends a complete response; takes ownership of body (malloc'd). */
int pl_http_respond(struct lws *wsi, void *user, unsigned status, const char *ctype,
                    char *body, size_t len, const char *etag, const char *last_modified);
/* A short text/plain response (an error, "ok"). */
int pl_http_respond_text(struct lws *wsi, void *user, unsigned status, const char *text);

#endif
