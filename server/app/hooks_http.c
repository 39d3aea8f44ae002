/*
 * Hooks in (hooks_http.h). Both kinds end in pl_video_hook (ops/ops_video.h),
 * which does what the event means for the meeting; this file reads the
 * request, checks its secret and maps each payload onto that one call.
 */
#include "app/hooks_http.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/http_respond.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/server.h"
#include "base/sign.h"
#include "ops/ops_video.h"

#define JITSI_PREFIX "/hooks/jitsi/"
#define VIDEO_PATH "/hooks/video"
#define SIGNATURE_HEADER "x-plenary-signature:"

bool pl_hook_path(const char *path) {
  return strncmp(path, JITSI_PREFIX, strlen(JITSI_PREFIX)) == 0 || strcmp(path, VIDEO_PATH) == 0;
}

int pl_hooks_begin(struct lws *wsi, void *user, const char *path) {
  pl_http_pss *h = user;
  char cl[24];
  if (!pl_hook_path(path)) {
    lws_return_http_status(wsi, HTTP_STATUS_METHOD_NOT_ALLOWED, "POST only to /hooks/");
    return 1;
  }
  if (lws_hdr_copy(wsi, cl, sizeof cl, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0) {
    lws_return_http_status(wsi, HTTP_STATUS_LENGTH_REQUIRED, "a hook needs Content-Length");
    return 1;
  }
  char *end;
  long long n = strtoll(cl, &end, 10);
  if (*end || n <= 0 || n > PL_HOOK_BODY_MAX) {
    lws_return_http_status(wsi, HTTP_STATUS_REQ_ENTITY_TOO_LARGE,
                           "a hook's body is 1 byte to 256 KB of JSON");
    return 1;
  }
  free(h->in);
  h->in = malloc((size_t)n + 1);
  if (!h->in)
    return 1;
  h->in_cap = (size_t)n;
  h->in_len = 0;
  snprintf(h->in_path, sizeof h->in_path, "%s", path);
  return 0;
}

int pl_hooks_body(struct lws *wsi, void *user, const void *in, size_t len) {
  (void)wsi;
  pl_http_pss *h = user;
  /* lws stops at Content-Length; more would be a bug, and is refused. */
  if (!h->in || len > h->in_cap - h->in_len)
    return 1;
  memcpy(h->in + h->in_len, in, len);
  h->in_len += len;
  return 0;
}

/* Compares in constant time whatever the lengths: both sides are MACed
 * under the secret and the MACs compared. */
static bool secret_matches(const pl_video_cfg *v, const char *given, size_t n) {
  uint8_t a[PL_MAC_LEN], b[PL_MAC_LEN];
  if (pl_hmac_sha256(v->hook_secret, v->hook_secret_len, given, n, a) ||
      pl_hmac_sha256(v->hook_secret, v->hook_secret_len, v->hook_secret, v->hook_secret_len,
                     b))
    return false;
  uint8_t diff = 0;
  for (size_t i = 0; i < PL_MAC_LEN; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

static bool authentic(const pl_hook_in *in, bool jitsi) {
  const pl_video_cfg *v = pl_srv->video;
  if (jitsi) {
    static const char bearer[] = "Bearer ";
    const char *a = in->authorization;
    return a && strncmp(a, bearer, sizeof bearer - 1) == 0 && a[sizeof bearer - 1] &&
           secret_matches(v, a + sizeof bearer - 1, strlen(a + sizeof bearer - 1));
  }
  const char *sig = in->signature;
  return sig && strncmp(sig, "sha256=", 7) == 0 &&
         pl_hmac_sha256_check(v->hook_secret, v->hook_secret_len, in->body, in->len, sig + 7);
}

/* One hook's request as pl_video_hook takes it. */
typedef struct hook_req {
  pl_live *m;
  const char *participant; /* borrowed from the body; NULL for a room's event */
  int ev;                  /* pl_video_event, or -1: nothing Plenary follows */
} hook_req;

/* event_sync's payloads (jitsi-contrib/prosody-plugins, event_sync/README.md):
 * event_name, room_name, is_breakout, and for occupants occupant.id, the
 * context.user.id of the token video.join signed. A breakout room's events
 * name the main room: whoever is in a breakout is not in the plenary's
 * conference, so only the main room's are followed. */
static unsigned jitsi_req(json_t *o, hook_req *r, char *why, size_t cap) {
  const char *name = json_string_value(json_object_get(o, "event_name"));
  const char *room = json_string_value(json_object_get(o, "room_name"));
  json_t *occupant = json_object_get(o, "occupant");
  if (!name || !room) {
    snprintf(why, cap, "an event_sync payload has event_name and room_name");
    return HTTP_STATUS_BAD_REQUEST;
  }
  if (!(r->m = pl_video_meeting_of_room(room))) {
    snprintf(why, cap, "no meeting has the room '%.64s'", room);
    return HTTP_STATUS_NOT_FOUND;
  }
  r->participant = json_string_value(json_object_get(occupant, "id"));
  r->ev = json_is_true(json_object_get(o, "is_breakout")) ? -1
          : strcmp(name, "muc-occupant-joined") == 0      ? PL_VIDEO_JOINED
          : strcmp(name, "muc-occupant-left") == 0        ? PL_VIDEO_LEFT
          : strcmp(name, "muc-room-created") == 0         ? PL_VIDEO_ROOM_CREATED
          : strcmp(name, "muc-room-destroyed") == 0       ? PL_VIDEO_ROOM_DESTROYED
                                                          : -1;
  /* An occupant without a token's id (Jibri, a guest) is none of ours. */
  if ((r->ev == PL_VIDEO_JOINED || r->ev == PL_VIDEO_LEFT) && !r->participant)
    r->ev = -1;
  return 0;
}

/* The generic hook: {meeting, participant, event}. */
static unsigned video_req(json_t *o, hook_req *r, char *why, size_t cap) {
  const char *meeting, *participant, *event;
  if (json_unpack(o, "{s:s, s:s, s:s !}", "meeting", &meeting, "participant", &participant,
                  "event", &event)) {
    snprintf(why, cap, "the body is {\"meeting\", \"participant\", \"event\"}");
    return HTTP_STATUS_BAD_REQUEST;
  }
  r->ev = pl_video_event_parse(event);
  if (r->ev != PL_VIDEO_JOINED && r->ev != PL_VIDEO_LEFT && r->ev != PL_VIDEO_AUDIO_ON &&
      r->ev != PL_VIDEO_AUDIO_OFF) {
    snprintf(why, cap, "event must be joined, left, audio_on or audio_off");
    return HTTP_STATUS_BAD_REQUEST;
  }
  if (!(r->m = pl_live_get(meeting))) {
    snprintf(why, cap, "no meeting '%.40s'", meeting);
    return HTTP_STATUS_NOT_FOUND;
  }
  r->participant = participant;
  return 0;
}

static unsigned status_of(pl_err e) {
  return e == PL_ERR_NOT_FOUND ? HTTP_STATUS_NOT_FOUND : HTTP_STATUS_INTERNAL_SERVER_ERROR;
}

unsigned pl_hook_handle(const pl_hook_in *in, char *reply, size_t cap, const char **ctype) {
  bool jitsi = strncmp(in->path, JITSI_PREFIX, strlen(JITSI_PREFIX)) == 0;
  const char *kind = jitsi ? "jitsi" : "video";
  *ctype = "text/plain; charset=utf-8";
  if (!pl_srv->video || !pl_srv->video->hook_secret_len) {
    snprintf(reply, cap, "this server takes no hooks (hook-secret-file is not set)");
    return HTTP_STATUS_NOT_FOUND;
  }
  if (!authentic(in, jitsi)) {
    pl_log(PL_LOG_WARN, "hook.refused", "hook", kind, "msg", "wrong or missing secret", NULL);
    snprintf(reply, cap, "wrong or missing secret");
    return HTTP_STATUS_UNAUTHORIZED;
  }
  json_t *o = json_loadb(in->body, in->len, JSON_REJECT_DUPLICATES, NULL);
  hook_req r = {NULL, NULL, -1};
  unsigned status = 0;
  if (!json_is_object(o)) {
    snprintf(reply, cap, "the body is not a JSON object");
    status = HTTP_STATUS_BAD_REQUEST;
  } else {
    status = jitsi ? jitsi_req(o, &r, reply, cap) : video_req(o, &r, reply, cap);
  }
  const char *applied = "ignored";
  if (!status && r.ev >= 0) {
    pl_err e = pl_video_hook(r.m, r.participant, (pl_video_event)r.ev, pl_now_ms(), &applied,
                             reply, cap);
    status = e == PL_ERR_OK ? 0 : status_of(e);
  }
  pl_log(status ? PL_LOG_NOTICE : PL_LOG_INFO, status ? "hook.failed" : "hook", "hook", kind,
         "meeting", r.m ? r.m->rec.id : NULL, "participant", r.participant, "applied",
         status ? NULL : applied, "msg", status ? reply : NULL, NULL);
  json_decref(o); /* r.participant pointed into it: logged above, not used below */
  if (status)
    return status;
  *ctype = "application/json";
  snprintf(reply, cap, "{\"ok\":true,\"applied\":\"%s\"}", applied);
  return HTTP_STATUS_OK;
}

int pl_hooks_complete(struct lws *wsi, void *user) {
  pl_http_pss *h = user;
  char auth[256], sig[160], reply[256];
  const char *ctype;
  bool has_auth = lws_hdr_copy(wsi, auth, sizeof auth, WSI_TOKEN_HTTP_AUTHORIZATION) > 0;
  bool has_sig = lws_hdr_custom_copy(wsi, sig, sizeof sig, SIGNATURE_HEADER,
                                     (int)strlen(SIGNATURE_HEADER)) > 0;
  pl_hook_in in = {h->in_path, has_auth ? auth : NULL, has_sig ? sig : NULL, h->in,
                   h->in_len};
  unsigned status = h->in && h->in_len == h->in_cap
                        ? pl_hook_handle(&in, reply, sizeof reply, &ctype)
                        : (snprintf(reply, sizeof reply, "the body did not arrive whole"),
                           ctype = "text/plain; charset=utf-8", HTTP_STATUS_BAD_REQUEST);
  char *body = strdup(reply);
  if (!body)
    return 1;
  return pl_http_respond(wsi, user, status, ctype, body, strlen(body), NULL, NULL);
}
