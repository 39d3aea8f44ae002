/* Calendar feeds and the record CSV over HTTP (calendar_http.h). */
#define _XOPEN_SOURCE 700
#include "app/calendar_http.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/http_respond.h"
#include "base/log.h"
#include "base/server.h"
#include "cal/ical.h"
#include "live/live.h"
#include "ops/record.h"
#include "store/store.h"

static int not_found(struct lws *wsi, void *user) {
  return pl_http_respond_text(wsi, user, HTTP_STATUS_NOT_FOUND, "not found");
}

/* The participant and the zone of their delegation, from a feed key. A key
 * that names no one is an authentication failure: logged with the peer's
 * address, never with the key. */
static int feed_owner(struct lws *wsi, const char *feed, pl_participant_rec *p,
                      pl_delegation_rec *d) {
  if (!feed[0] || pl_store_participant_by_feed(pl_srv->store, feed, p) != PL_STORE_OK ||
      pl_store_delegation_get(pl_srv->store, p->delegation, d) != PL_STORE_OK) {
    char remote[48];
    lws_get_peer_simple(wsi, remote, sizeof remote);
    pl_log(PL_LOG_WARN, "auth.failed", "via", "feed key", "remote", remote, NULL);
    return -1;
  }
  return 0;
}

static void http_date(int64_t ms, char *buf, size_t len) {
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* True when the client's copy is current: If-None-Match takes precedence
 * over If-Modified-Since (RFC 9110 13.2.2), and "*" matches whatever the
 * feed is now. A date has whole seconds: a change in the same second as
 * the copy's Last-Modified cannot be told from none, so only a copy dated
 * after the second of the last change is current (the ETag, exact, does
 * better for clients that keep it). */
static bool not_modified(struct lws *wsi, const char *etag, int64_t last_ms) {
  char hdr[128];
  if (lws_hdr_copy(wsi, hdr, sizeof hdr, WSI_TOKEN_HTTP_IF_NONE_MATCH) > 0)
    return strcmp(hdr, "*") == 0 || strstr(hdr, etag) != NULL;
  if (lws_hdr_copy(wsi, hdr, sizeof hdr, WSI_TOKEN_HTTP_IF_MODIFIED_SINCE) > 0) {
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (strptime(hdr, "%a, %d %b %Y %H:%M:%S GMT", &tm))
      return (int64_t)timegm(&tm) > last_ms / 1000;
  }
  return false;
}

/* The secretariat's name, the ORGANIZER of every event. */
static int find_secretariat(void *ctx, const pl_delegation_rec *d) {
  if (d->kind != PL_DELEGATION_SECRETARIAT)
    return 0;
  snprintf(ctx, PL_NAME_LEN, "%s", d->name);
  return 1; /* the first will do */
}

/* The feed's options from the URL: ?alarm=MINUTES (1 to 10080, a week) asks
 * for a reminder before each meeting. -1 when the value is not one. */
static int feed_options(struct lws *wsi, pl_ical_feed *f, char *organizer) {
  char arg[32];
  const char *alarm = lws_get_urlarg_by_name(wsi, "alarm=", arg, sizeof arg);
  if (alarm) {
    char *end;
    long v = strtol(alarm, &end, 10);
    if (end == alarm || *end || v < 1 || v > 10080)
      return -1;
    f->alarm_min = (int)v;
  }
  organizer[0] = '\0';
  pl_store_delegation_each(pl_srv->store, find_secretariat, organizer);
  f->organizer = organizer;
  return 0;
}

static int send_calendar(struct lws *wsi, void *user, char *body, size_t len, int64_t last_ms) {
  char etag[24], last[64];
  if (!body)
    return lws_return_http_status(wsi, HTTP_STATUS_INTERNAL_SERVER_ERROR, NULL) ? -1 : 1;
  pl_ical_etag(body, len, etag);
  http_date(last_ms, last, sizeof last);
  if (not_modified(wsi, etag, last_ms)) {
    free(body);
    return pl_http_respond(wsi, user, HTTP_STATUS_NOT_MODIFIED, "text/calendar; charset=utf-8",
                           NULL, 0, etag, last);
  }
  return pl_http_respond(wsi, user, HTTP_STATUS_OK, "text/calendar; charset=utf-8", body, len,
                         etag, last_ms ? last : NULL);
}

static int feed_calendar(struct lws *wsi, void *user, const char *key) {
  pl_participant_rec p;
  pl_delegation_rec d;
  if (feed_owner(wsi, key, &p, &d))
    return not_found(wsi, user);
  /* Every participant may attend every meeting of the programme today; a
   * per-meeting invitation list would filter here. */
  pl_meeting_rec *list = calloc(pl_srv->n_live ? pl_srv->n_live : 1, sizeof *list);
  size_t n = 0;
  if (!list)
    return 1;
  for (size_t i = 0; i < pl_srv->n_live; i++)
    if (pl_srv->live[i])
      list[n++] = pl_srv->live[i]->rec; /* shallow: items stay borrowed */
  char calname[PL_NAME_LEN + 32], organizer[PL_NAME_LEN];
  snprintf(calname, sizeof calname, "Plenary: %s", d.name);
  pl_ical_feed f = {.calname = calname, .viewer_tz = d.tz};
  if (feed_options(wsi, &f, organizer)) {
    free(list);
    return pl_http_respond_text(wsi, user, HTTP_STATUS_BAD_REQUEST,
                                "alarm= takes minutes, 1 to 10080");
  }
  size_t len = 0;
  char *body = pl_ical_render(list, n, &f, &len);
  int64_t last = pl_ical_last_modified(list, n);
  free(list);
  return send_calendar(wsi, user, body, len, last);
}

int pl_calendar_http(struct lws *wsi, void *user, const char *path, const char *feed) {
  char id[PL_ID_LEN + 1], rest[64];
  if (strncmp(path, "/calendar/", 10) == 0) {
    const char *key = path + 10;
    size_t n = strlen(key);
    if (n < 5 || n > 64 || strcmp(key + n - 4, ".ics") != 0)
      return not_found(wsi, user);
    char k[64];
    snprintf(k, sizeof k, "%.*s", (int)(n - 4), key);
    return feed_calendar(wsi, user, k);
  }
  /* /meetings/{id}.ics, /meetings/{id}/record.csv or .json, /meetings/{id}/speakers.csv */
  const char *tail = path + 10;
  size_t idlen = strcspn(tail, "./");
  if (idlen == 0 || idlen >= sizeof id)
    return not_found(wsi, user);
  memcpy(id, tail, idlen);
  id[idlen] = '\0';
  snprintf(rest, sizeof rest, "%s", tail + idlen);
  pl_live *m = pl_live_get(id);
  pl_participant_rec p;
  pl_delegation_rec d;
  if (!m || feed_owner(wsi, feed, &p, &d))
    return not_found(wsi, user);
  size_t len = 0;
  if (strcmp(rest, ".ics") == 0) {
    char organizer[PL_NAME_LEN];
    pl_ical_feed f = {.calname = m->rec.title, .viewer_tz = d.tz};
    if (feed_options(wsi, &f, organizer))
      return pl_http_respond_text(wsi, user, HTTP_STATUS_BAD_REQUEST,
                                  "alarm= takes minutes, 1 to 10080");
    char *body = pl_ical_render(&m->rec, 1, &f, &len);
    return send_calendar(wsi, user, body, len, m->rec.updated_at);
  }
  if (strcmp(rest, "/record.json") == 0) {
    char *body = pl_record_json(m, &len);
    if (!body)
      return lws_return_http_status(wsi, HTTP_STATUS_INTERNAL_SERVER_ERROR, NULL) ? -1 : 1;
    return pl_http_respond(wsi, user, HTTP_STATUS_OK, "application/json", body, len, NULL,
                           NULL);
  }
  if (strcmp(rest, "/speakers.csv") == 0) {
    char arg[PL_ID_LEN + 8];
    const char *item = lws_get_urlarg_by_name(wsi, "item=", arg, sizeof arg);
    bool found;
    char *body = pl_speakers_csv(m, item, &len, &found);
    if (!found)
      return not_found(wsi, user);
    if (!body)
      return lws_return_http_status(wsi, HTTP_STATUS_INTERNAL_SERVER_ERROR, NULL) ? -1 : 1;
    return pl_http_respond(wsi, user, HTTP_STATUS_OK, "text/csv; charset=utf-8", body, len,
                           NULL, NULL);
  }
  bool people = strcmp(rest, "/record.csv") == 0;
  if (people || strcmp(rest, "/record.data.csv") == 0) {
    char *body = people ? pl_record_people_csv(m, &len) : pl_record_csv(m, &len);
    if (!body)
      return lws_return_http_status(wsi, HTTP_STATUS_INTERNAL_SERVER_ERROR, NULL) ? -1 : 1;
    return pl_http_respond(wsi, user, HTTP_STATUS_OK, "text/csv; charset=utf-8", body, len,
                           NULL, NULL);
  }
  return not_found(wsi, user);
}
