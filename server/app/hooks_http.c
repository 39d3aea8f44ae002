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

/* The meeting a decoded hook is about: by its Jitsi room, or its id. */
static pl_live *meeting_of(const pl_hook_msg *h, char *why, size_t cap) {
  pl_live *m = h->room ? pl_video_meeting_of_room(h->room) : pl_live_get(h->meeting);
  if (!m)
    snprintf(why, cap, h->room ? "no meeting has the room '%.64s'" : "no meeting '%.40s'",
             h->room ? h->room : h->meeting);
  return m;
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
  pl_hook_msg h;
  pl_live *m = NULL;
  unsigned status = 0;
  if (pl_hook_decode(o, jitsi, &h, reply, cap))
    status = HTTP_STATUS_BAD_REQUEST;
  else if (!(m = meeting_of(&h, reply, cap)))
    status = HTTP_STATUS_NOT_FOUND;
  const char *applied = "ignored";
  if (!status && h.ev >= 0) {
    pl_err e = pl_video_hook(m, h.participant, (pl_video_event)h.ev, pl_now_ms(), &applied,
                             reply, cap);
    status = e == PL_ERR_OK ? 0 : status_of(e);
  }
  pl_log(status ? PL_LOG_NOTICE : PL_LOG_INFO, status ? "hook.failed" : "hook", "hook", kind,
         "meeting", m ? m->rec.id : NULL, "participant", h.participant, "applied",
         status ? NULL : applied, "msg", status ? reply : NULL, NULL);
  json_decref(o); /* h's strings pointed into it: logged above, not used below */
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
