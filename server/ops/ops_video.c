/*
 * The meeting's video conference (ops_video.h).
 *
 * A join is a JWT as Jitsi's Prosody token plugin reads it (jitsi-meet
 * doc/tokens.md): iss the app id, aud "jitsi", sub the tenant or the
 * domain, room the room's name (not its MUC address), nbf and exp, and the
 * user's id and name in context.user, which event_sync hands back in its
 * occupant events: so a hook names the Plenary participant, and the
 * conference shows the names the list of speakers shows. Only the
 * presiding sessions get moderator: true.
 */
#include "ops/ops_video.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/server.h"
#include "base/sign.h"
#include "live/audience.h"
#include "store/store.h"

/* A link stays good until an hour after the meeting ends, and at least an
 * hour from now, but never more than a day: a link forwarded by mistake
 * stops working. Jitsi checks exp only when one joins. */
#define LINK_AFTER_END_MS (3600 * 1000LL)
#define LINK_MIN_MS (3600 * 1000LL)
#define LINK_MAX_MS (24 * 3600 * 1000LL)
/* Clocks differ: the token is good from a minute before it was made. */
#define NBF_SKEW_S 60

pl_live *pl_video_meeting_of_room(const char *room) {
  for (size_t i = 0; room && *room && i < pl_srv->n_live; i++) {
    pl_live *m = pl_srv->live[i];
    if (m && strcmp(m->rec.video_room, room) == 0)
      return m;
  }
  return NULL;
}

/* The token's sub: the tenant of https://host/TENANT, else the host
 * (without a port), lower case as Prosody compares it. */
static void subject_of(const char *url, char *out, size_t cap) {
  const char *host = strstr(url, "://");
  host = host ? host + 3 : url;
  const char *slash = strchr(host, '/');
  const char *from = slash && slash[1] ? slash + 1 : host;
  size_t n = slash && slash[1] ? strcspn(from, "/") : strcspn(from, ":/");
  if (n >= cap)
    n = cap - 1;
  for (size_t i = 0; i < n; i++)
    out[i] = (char)tolower((unsigned char)from[i]);
  out[n] = '\0';
}

/* The name the conference shows: the delegation, as the list names it, and
 * the person when that is someone else's name. */
static void display_name(const pl_session *s, char *out, size_t cap) {
  if (!s->delegation.name[0] || strcmp(s->delegation.name, s->who.name) == 0)
    snprintf(out, cap, "%s", s->who.name);
  else
    snprintf(out, cap, "%s (%s)", s->delegation.name, s->who.name);
}

static int64_t link_expiry(const pl_meeting_rec *rec, int64_t now) {
  int64_t exp = rec->end_at + LINK_AFTER_END_MS;
  if (exp < now + LINK_MIN_MS)
    exp = now + LINK_MIN_MS;
  if (exp > now + LINK_MAX_MS)
    exp = now + LINK_MAX_MS;
  return exp;
}

pl_err pl_op_video_join(pl_op_ctx *c, json_t *args) {
  const char *id;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s}", "meeting", &id);
  pl_live *m = e ? NULL : pl_op_meeting(c, id, &e);
  if (!m)
    return e;
  const pl_video_cfg *v = pl_srv->video;
  if (!m->rec.video_room[0])
    return pl_op_fail(c, PL_ERR_CONFLICT, "meeting %s has no video conference", m->rec.id);
  if (!v || !v->jitsi_url || !v->jitsi_secret_len)
    return pl_op_fail(c, PL_ERR_CONFLICT,
                      "this server signs no Jitsi joins (jitsi-url is not configured)");
  if (m->rec.status == PL_STATUS_CANCELLED)
    return pl_op_fail(c, PL_ERR_CONFLICT, "the meeting is cancelled");
  bool moderator = pl_session_presides(c->s, m);
  int64_t exp = link_expiry(&m->rec, c->now);
  char sub[256], name[2 * PL_NAME_LEN + 4];
  subject_of(v->jitsi_url, sub, sizeof sub);
  display_name(c->s, name, sizeof name);
  json_t *claims = json_pack(
      "{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:b, s:{s:{s:s, s:s}}}", "aud", "jitsi", "iss",
      v->jitsi_app_id, "sub", sub, "room", m->rec.video_room, "iat",
      (json_int_t)(c->now / 1000), "nbf", (json_int_t)(c->now / 1000 - NBF_SKEW_S), "exp",
      (json_int_t)(exp / 1000), "moderator", moderator, "context", "user", "id",
      c->s->who.id, "name", name);
  char *jwt = claims ? pl_jwt_hs256(claims, v->jitsi_secret, v->jitsi_secret_len) : NULL;
  json_decref(claims);
  if (!jwt)
    return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
  size_t len = strlen(v->jitsi_url) + strlen(m->rec.video_room) + strlen(jwt) + 8;
  char *url = malloc(len);
  if (url)
    snprintf(url, len, "%s/%s?jwt=%s", v->jitsi_url, m->rec.video_room, jwt);
  free(jwt);
  if (!url)
    return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
  c->result = json_pack("{s:s, s:s, s:b, s:I}", "url", url, "room", m->rec.video_room,
                        "moderator", moderator, "expires_at", (json_int_t)(exp - exp % 1000));
  free(url);
  return c->result ? PL_ERR_OK : pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
}

/* --- hooks -------------------------------------------------------------------- */

/* The called remote speaker's microphone went live: floor.ready, decided by
 * the core for them as if they had said it. */
static pl_err ready(pl_live *m, const pl_participant_rec *p, int64_t now,
                    const char **applied, char *msg, size_t msglen) {
  const pl_floor *f = &m->room.floor;
  *applied = "ignored";
  if (!f->held || f->phase != PL_PHASE_CALLING || f->entry.presence != PL_PRESENCE_REMOTE ||
      strcmp(f->entry.participant, p->id) != 0)
    return PL_ERR_OK;
  pl_actor a;
  memset(&a, 0, sizeof a);
  a.role = p->role;
  snprintf(a.participant, sizeof a.participant, "%s", p->id);
  a.delegation = f->entry.delegation;
  snprintf(a.name, sizeof a.name, "%s", p->name);
  a.presence = PL_PRESENCE_REMOTE;
  pl_events evs;
  if (pl_room_ready(&m->room, &a, now, &evs) != PL_ERR_OK || !evs.n)
    return PL_ERR_OK;
  pl_change ch;
  pl_change_init(&ch, now);
  pl_change_room(&ch, m, &evs);
  pl_err e = pl_change_commit(&ch, msg, msglen);
  pl_change_release(&ch);
  if (e == PL_ERR_OK)
    *applied = "ready";
  return e;
}

pl_err pl_video_hook(pl_live *m, const char *participant, pl_video_event ev, int64_t now,
                     const char **applied, char *msg, size_t msglen) {
  *applied = "ignored";
  if (ev == PL_VIDEO_ROOM_CREATED || ev == PL_VIDEO_AUDIO_OFF)
    return PL_ERR_OK;
  if (ev == PL_VIDEO_ROOM_DESTROYED) {
    pl_live_video_ended(m);
    *applied = "presence";
    return PL_ERR_OK;
  }
  pl_participant_rec p;
  pl_delegation_rec d;
  pl_store_rc rc = participant ? pl_store_participant_get(pl_srv->store, participant, &p)
                               : PL_STORE_NOT_FOUND;
  if (rc == PL_STORE_NOT_FOUND) {
    snprintf(msg, msglen, "no participant '%.40s'", participant ? participant : "");
    return PL_ERR_NOT_FOUND;
  }
  if (rc != PL_STORE_OK || pl_store_delegation_get(pl_srv->store, p.delegation, &d)) {
    snprintf(msg, msglen, "the store failed");
    return PL_ERR_INTERNAL;
  }
  if (ev == PL_VIDEO_AUDIO_ON)
    return ready(m, &p, now, applied, msg, msglen);
  pl_delegation_ref ref;
  memset(&ref, 0, sizeof ref);
  snprintf(ref.id, sizeof ref.id, "%s", d.id);
  snprintf(ref.name, sizeof ref.name, "%s", d.name);
  ref.kind = d.kind;
  uint64_t seq = m->stream.seq;
  if (pl_live_video_presence(m, &p, &ref, ev == PL_VIDEO_JOINED)) {
    snprintf(msg, msglen, "out of memory");
    return PL_ERR_INTERNAL;
  }
  *applied = m->stream.seq != seq ? "paused" : "presence";
  return PL_ERR_OK;
}
