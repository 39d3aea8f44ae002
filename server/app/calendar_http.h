/*
 * The calendar and record endpoints over HTTP (calendar_http.c):
 *   GET /calendar/{feed}.ics                 every meeting the participant may attend
 *   GET /meetings/{id}.ics?feed={feed}        one meeting
 *   GET /meetings/{id}/record.csv?feed={feed} the record of speeches
 *   GET /meetings/{id}/record.json?feed={feed} the same with its chain hashes
 * A feed key unknown to the store is 404, the same as an unknown path, so
 * feed keys cannot be probed.
 */
#ifndef PL_APP_CALENDAR_HTTP_H
#define PL_APP_CALENDAR_HTTP_H

#include <libwebsockets.h>

int pl_calendar_http(struct lws *wsi, void *user, const char *path, const char *feed);

#endif
