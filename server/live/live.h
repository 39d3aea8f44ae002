/*
 * Meetings held in memory ("live"): the record as the meetings view holds
 * it, the room rebuilt from the meeting's stream, the sessions joined, the
 * attendance and the floor's expiry timer. The registry is pl_srv->live,
 * indexed by the meeting's number ("m5" is live[5]).
 *
 * Changes reach a live meeting only through the commit path (commit.h);
 * this file's functions build, find, load and show.
 */
#ifndef PL_LIVE_LIVE_H
#define PL_LIVE_LIVE_H

#include <ev.h>
#include <stddef.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/model.h"
#include "base/token.h"
#include "core/attendance.h"
#include "core/room.h"
#include "net/session.h"

typedef struct pl_live pl_live;

#define PL_PEERS_MAX 8 /* other nodes of a cluster whose attendance a node shows */

/* Who is connected to a live meeting, for the chair's attendance. */
typedef struct pl_attendee {
  char participant[PL_ID_LEN];
  char name[PL_NAME_LEN];
  pl_delegation_ref delegation;
  pl_attendance conns; /* joined sessions by presence; screens are not counted */
  /* With --cluster: this participant's connections on each other node, by
   * the node's place in live/presence.c's table of peers */
  int32_t peer_room[PL_PEERS_MAX], peer_remote[PL_PEERS_MAX];
  bool video; /* live in the meeting's video conference (its hooks say so) */
} pl_attendee;

struct pl_live {
  pl_meeting_rec rec; /* owned (its items) */
  pl_room room;       /* owned */
  pl_stream stream;     /* the meeting's id and its stream's last seq */
  uint64_t room_events; /* how many of them are room events (not meeting.changed) */
  pl_session **subs;    /* owned array of borrowed sessions */
  size_t n_subs, cap_subs;
  pl_session **presiding; /* owned array of borrowed sessions (chair, secretariat) */
  size_t n_presiding, cap_presiding;
  pl_attendee *att; /* owned; never shrinks, so indexes stay valid */
  size_t n_att, cap_att;
  uint32_t *att_map; /* owned; participant number -> index + 1 (audience.c) */
  size_t att_map_cap;
  ev_timer expiry; /* the floor's expiry; see app/server.c for why not lws_sul */
  int64_t armed_deadline;
  bool has_screen;                     /* a link for the room's screen is issued */
  uint8_t screen_hash[PL_HASH_LEN];    /* its token's SHA-256 (live/screens.c) */
};

/* The live meeting that embeds `stream`. */
static inline pl_live *pl_live_of(pl_stream *stream) {
  return (pl_live *)(void *)((char *)stream - offsetof(pl_live, stream));
}

/* The live meeting `meeting_id`, or NULL. */
pl_live *pl_live_get(const char *meeting_id);

/* Builds a live meeting from a record with its id set, taking rec's items.
 * It is not in the registry yet (pl_live_install). NULL when out of memory,
 * and then rec is untouched. */
pl_live *pl_live_new(pl_meeting_rec *rec);
void pl_live_free(pl_live *m); /* NULL is fine */

/* Makes the registry hold meeting number n. Returns false when out of memory. */
bool pl_live_reserve_slot(int64_t n);
/* Puts m in its reserved, empty slot. Cannot fail. */
void pl_live_install(pl_live *m);

/* At start: the programme stream's position and next ids, every meeting
 * from its view, each room replayed from its stream, and anything past due
 * armed to fire at once. Returns 0, or -1 (logged) on a damaged database. */
int pl_live_load_all(void);
void pl_live_free_all(void);
/* Before the lws context goes: the timers live on its loop. */
void pl_live_cancel_timers(void);
/* Arms (or disarms) the floor's expiry timer to the room's deadline. */
void pl_live_arm(pl_live *m);

/* True when `s` presides `m`: the chair the meeting names, or the
 * secretariat (which alone presides a meeting that names none). */
bool pl_session_presides(const pl_session *s, const pl_live *m);
/* The `state` object of contract section 6, as `s` may see it. */
json_t *pl_live_state(pl_live *m, const pl_session *s, int64_t now);

#endif
