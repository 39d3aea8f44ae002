/* Webhooks as JSON (webhook_json.h). */
#include "wire/webhook_json.h"

#include <stdio.h>
#include <string.h>

#include "core/webhook.h"

#define MAX_PATTERNS 16

static json_t *events_array(const char *patterns) {
  json_t *a = json_array();
  for (const char *p = patterns; a && *p;) {
    size_t n = strcspn(p, ",");
    json_array_append_new(a, json_stringn(p, n));
    p += n + (p[n] == ',');
  }
  return a;
}

json_t *pl_json_webhook(const pl_webhook_rec *w, bool with_secret) {
  json_t *o = json_pack("{s:s, s:s, s:o, s:I}", "id", w->id, "url", w->url, "events",
                        events_array(w->events), "created_at", (json_int_t)w->created_at);
  if (o && with_secret)
    json_object_set_new(o, "secret", json_string(w->secret));
  return o;
}

json_t *pl_json_webhook_payload(const pl_pevent *ev) {
  if (ev->type == PL_PEV_WEBHOOK_CREATED)
    return ev->webhook ? json_pack("{s:o}", "webhook", pl_json_webhook(ev->webhook, true))
                       : NULL;
  return json_pack("{s:s}", "webhook", ev->webhook ? ev->webhook->id : "");
}

/* An http or https URL: a host, no credentials, no spaces or control
 * characters (it goes into a request line), no fragment. */
static bool url_is_fit(const char *url) {
  size_t n = strlen(url);
  const char *host = strncmp(url, "https://", 8) == 0  ? url + 8
                     : strncmp(url, "http://", 7) == 0 ? url + 7
                                                       : NULL;
  if (!host || n >= PL_WEBHOOK_URL_LEN || !*host || *host == '/' || *host == ':')
    return false;
  size_t auth = strcspn(host, "/?");
  if (memchr(host, '@', auth))
    return false;
  for (const char *c = url; *c; c++)
    if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f || *c == '#' || *c == '\\')
      return false;
  return true;
}

pl_err pl_webhook_from_request(pl_webhook_rec *w, const char *url, json_t *events,
                               const char *secret, char *msg, size_t msglen) {
  memset(w, 0, sizeof *w);
  if (!url_is_fit(url)) {
    snprintf(msg, msglen, "field 'url' must be an http:// or https:// URL with a host, "
                          "without credentials, spaces or a fragment");
    return PL_ERR_BAD_REQUEST;
  }
  size_t n = json_array_size(events), at = 0;
  if (!json_is_array(events) || n < 1 || n > MAX_PATTERNS) {
    snprintf(msg, msglen, "field 'events' must list 1 to %d event names or families "
                          "(\"floor.*\", \"*\")", MAX_PATTERNS);
    return PL_ERR_BAD_REQUEST;
  }
  for (size_t i = 0; i < n; i++) {
    const char *p = json_string_value(json_array_get(events, i));
    if (!p || !pl_webhook_pattern_is_valid(p)) {
      snprintf(msg, msglen, "field 'events': '%.64s' is not an event name, a family "
                            "(\"floor.*\") or \"*\"", p ? p : "");
      return PL_ERR_BAD_REQUEST;
    }
    at += (size_t)snprintf(w->events + at, sizeof w->events - at, "%s%s", i ? "," : "", p);
  }
  size_t sl = strlen(secret);
  if (sl < 16 || sl >= sizeof w->secret) {
    snprintf(msg, msglen, "field 'secret' must be 16 to %zu bytes", sizeof w->secret - 1);
    return PL_ERR_BAD_REQUEST;
  }
  snprintf(w->url, sizeof w->url, "%s", url);
  memcpy(w->secret, secret, sl + 1);
  return PL_ERR_OK;
}

pl_err pl_webhook_event_from_json(json_t *o, pl_pevent *out, pl_pevent_bufs *b, char *msg,
                                  size_t msglen) {
  pl_webhook_rec *w = &b->webhook;
  memset(w, 0, sizeof *w);
  out->webhook = w;
  const char *what = pl_pevent_names[out->type];
  json_t *wj = json_object_get(o, "webhook");
  if (out->type == PL_PEV_WEBHOOK_DELETED) {
    const char *id = json_string_value(wj);
    if (!id || !*id || strlen(id) >= sizeof w->id) {
      snprintf(msg, msglen, "%s: field 'webhook' is missing or malformed", what);
      return PL_ERR_BAD_REQUEST;
    }
    snprintf(w->id, sizeof w->id, "%s", id);
    return PL_ERR_OK;
  }
  const char *id = NULL, *url = NULL, *secret = NULL;
  json_t *events = NULL;
  json_int_t created = 0;
  if (json_unpack(wj, "{s:s, s:s, s:o, s:I, s:s}", "id", &id, "url", &url, "events", &events,
                  "created_at", &created, "secret", &secret) ||
      strlen(id) >= sizeof w->id ||
      pl_webhook_from_request(w, url, events, secret, msg, msglen) != PL_ERR_OK) {
    snprintf(msg, msglen, "%s: field 'webhook' is missing or malformed", what);
    return PL_ERR_BAD_REQUEST;
  }
  snprintf(w->id, sizeof w->id, "%s", id);
  w->created_at = created;
  return PL_ERR_OK;
}
