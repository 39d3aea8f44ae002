/*
 * The shell's shared types: the server, a WebSocket session, a meeting held
 * in memory ("live"), and the message a session is sent. One thread (the lws
 * service loop) changes all of them, so they need no locks; the fan-out's
 * workers only read sessions while that thread waits for them (fanout.h).
 *
 *   transport (ws.c, http.c) -> ops (ops*.c) -> core (room) + store -> live.c
 *   live.c commits events, applies them and fans one framed message out
 *   (fanout.c); keepalive.c pings quiet peers.
 */
#ifndef PL_PLENARY_H
#define PL_PLENARY_H

#include <ev.h>
#include <jansson.h>
#include <libwebsockets.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/room.h"
#include "metrics.h"
#include "model.h"
#include "store.h"

#define PL_MAX_FRAME (64 * 1024) /* contract section 3 */
#define PL_OUTQ_MAX 1024         /* pending messages before a session resyncs */
#define PL_MAX_JOINS 8           /* meetings one connection may join at once */
#define PL_HELLO_TIMEOUT_S 10

/* An encoded message, shared by reference among the sessions that get it:
 * an event is encoded and framed once, whatever the audience. A server's
 * frames are not masked (RFC 6455 5.1), so one frame fits every session. */
typedef struct pl_msg {
  uint32_t refs;
  uint32_t len;   /* payload bytes, after the LWS_PRE headroom */
  uint8_t hdr;    /* frame header bytes, just before the payload */
  bool is_event;  /* events may be dropped for a resync; replies may not */
  int64_t queued_us; /* pl_mono_us() at publish, for the fan-out histogram */
  unsigned char buf[]; /* LWS_PRE bytes of headroom, then the payload */
} pl_msg;

/* Encodes `o` once into a new message (refs = 1). NULL when out of memory. */
pl_msg *pl_msg_new(json_t *o, bool is_event);
pl_msg *pl_msg_new_raw(const char *text, size_t len, bool is_event);
static inline pl_msg *pl_msg_ref(pl_msg *m) { m->refs++; return m; }
void pl_msg_unref(pl_msg *m);
static inline const char *pl_msg_text(const pl_msg *m) {
  return (const char *)m->buf + LWS_PRE;
}
/* The whole WebSocket frame: header and payload. */
static inline const unsigned char *pl_msg_frame(const pl_msg *m, size_t *len) {
  *len = (size_t)m->hdr + m->len;
  return m->buf + LWS_PRE - m->hdr;
}

typedef struct pl_live pl_live;

typedef struct pl_join {
  pl_live *live;
  size_t slot;          /* index in live->subs */
  pl_presence presence;
} pl_join;

/* Per-connection state: lws allocates it zeroed (the pss) and frees it after
 * LWS_CALLBACK_CLOSED, where every reference to it is dropped. */
typedef struct pl_session {
  /* what a broadcast reads of each session, first, in one cache line */
  struct lws *wsi;
  int fd; /* the socket, written directly; -1 under TLS, where lws writes */
  int close_status; /* set when the session must close: sent as the close code */
  /* outbound ring of message references; owned, capacity a power of two */
  pl_msg **outq;
  uint32_t out_cap, out_head, out_tail;
  bool authed;
  bool ping_sent, ping_due; /* keepalive (keepalive.c) */
  int64_t heard_ms;         /* monotonic ms of the last frame received */
  size_t slot;              /* index in pl_srv->sessions */
  const char *close_reason;
  pl_participant_rec who;
  pl_delegation_ref delegation;
  /* reassembly of a fragmented frame; owned */
  char *rx;
  size_t rx_len, rx_cap;
  ev_timer hello_timer; /* closes the session that says no hello */
  pl_join joins[PL_MAX_JOINS];
  int n_joins;
  /* request rate: a token bucket (ops.c) */
  double rate_tokens;
  int64_t rate_at;
} pl_session;

/* Who is connected to a live meeting, for the chair's attendance. */
typedef struct pl_attendee {
  char participant[PL_ID_LEN];
  char name[PL_NAME_LEN];
  pl_delegation_ref delegation;
  pl_presence presence;
  int conns; /* joined sessions; online while > 0 */
} pl_attendee;

struct pl_live {
  pl_meeting_rec rec;
  pl_room room;
  uint64_t seq; /* the last event's seq */
  uint64_t room_events; /* how many of them are room events (not meeting.changed) */
  pl_session **subs; /* owned array of borrowed sessions */
  size_t n_subs, cap_subs;
  pl_session **presiding; /* owned array of borrowed sessions (chair, secretariat) */
  size_t n_presiding, cap_presiding;
  pl_attendee *att; /* owned; never shrinks, so indexes stay valid */
  size_t n_att, cap_att;
  uint32_t *att_map; /* owned; participant number -> index + 1 (live.c) */
  size_t att_map_cap;
  ev_timer expiry; /* the floor's expiry; see server.c for why not lws_sul */
  int64_t armed_deadline;
};

typedef struct pl_server {
  struct lws_context *ctx;
  struct lws_vhost *vh;
  struct ev_loop *loop; /* ours; lws runs on it as a foreign loop */
  pl_store *store;
  pl_live **live; /* owned; index = numeric meeting id, NULL where none */
  size_t n_live;
  const char *const *origins; /* borrowed from argv; NULL-terminated */
  const char *web_dir;
  pl_metrics metrics;
  bool stopping;
  /* every WebSocket session, for the keepalive sweep (keepalive.c) */
  pl_session **sessions; /* owned array of borrowed sessions */
  size_t n_sessions, cap_sessions;
  ev_timer keepalive;
  int64_t ping_after_ms;
} pl_server;

extern pl_server *pl_srv; /* the one server; set by pl_server_run */

/* Wall-clock now in ms since the epoch (instants on the wire). */
int64_t pl_now_ms(void);
/* Monotonic microseconds, for durations (the fan-out histogram). */
int64_t pl_mono_us(void);
/* Makes room for element n of an array of `*cap` elements of `size` bytes,
 * doubling it (starting at `first`). Returns the array, or NULL when out of
 * memory (the old array is then untouched). */
void *pl_reserve(void *arr, size_t *cap, size_t n, size_t size, size_t first);

/* --- keepalive (keepalive.c) ---------------------------------------------
 * A session silent for the keepalive time is pinged; one that stays silent
 * half as long again is dropped. One sweep a few times per keepalive period
 * walks every session: lws 4.1's own validity timers sit in one sorted list
 * that each connection and each pong walks from its head, O(N) apiece. */
void pl_keepalive_start(pl_server *srv, int seconds);
void pl_keepalive_stop(pl_server *srv); /* the sweep; srv->sessions outlives it */
int pl_keepalive_track(pl_session *s); /* -1: out of memory */
void pl_keepalive_untrack(pl_session *s);
static inline void pl_keepalive_heard(pl_session *s, int64_t now_ms) {
  s->heard_ms = now_ms;
  s->ping_sent = false;
}

/* --- sessions (session.c) ---------------------------------------------- */
/* Queues a reference to `m` and asks for a writeable callback. A message that
 * overflows the queue drops the session's pending events (of every meeting)
 * and queues a resync for each meeting joined, then the message if it is not
 * an event; a queue full of replies not read closes the session. */
void pl_session_send(pl_session *s, pl_msg *m);
void pl_session_send_json(pl_session *s, json_t *o); /* steals o */
/* Writes the next queued message; returns -1 when the connection must close. */
int pl_session_writeable(pl_session *s);
void pl_session_release(pl_session *s);
/* Asks lws to close the session with `status` after what is queued. */
void pl_session_close(pl_session *s, int status, const char *reason);
/* True when a frame may go straight to the socket now: a plain connection
 * with nothing queued and nothing held by lws (fanout.c). */
bool pl_session_direct(const pl_session *s);
/* One non-blocking send() of a frame: bytes written (0 when the socket is
 * full), or -1 when the connection is gone. Safe on any thread. */
ssize_t pl_send_frame(int fd, const unsigned char *frame, size_t len);
/* Completes a direct write that sent `sent` bytes of m's frame (-1: failed):
 * lws takes the remainder. Returns false when the session must close. */
bool pl_session_sent(pl_session *s, const pl_msg *m, ssize_t sent);

/* --- live meetings (live.c) -------------------------------------------- */
int pl_live_load_all(pl_server *srv);
void pl_live_free_all(pl_server *srv);
/* Before the lws context goes: the timers live in its lists. */
void pl_live_cancel_timers(pl_server *srv);
pl_live *pl_live_get(pl_server *srv, const char *meeting_id);
/* Adds a newly created meeting (takes ownership of rec's items). */
pl_live *pl_live_add(pl_server *srv, pl_meeting_rec *rec);
/* Commits the events to the store, applies them and publishes them.
 * Returns 0, or -1 (nothing applied, nothing published) on a store error. */
int pl_live_commit(pl_server *srv, pl_live *m, const pl_events *evs, int64_t now);
/* Stores `next` as the meeting's record and publishes meeting.changed, in one
 * transaction. On success m->rec becomes *next (its items are taken) and 0 is
 * returned; on failure -1 and nothing changed (the caller releases next). */
int pl_live_update_meeting(pl_server *srv, pl_live *m, pl_meeting_rec *next, int64_t now);
void pl_live_arm(pl_server *srv, pl_live *m);
int pl_live_join(pl_live *m, pl_session *s, pl_presence presence);
/* The session's join of meeting m, or NULL when it has not joined it. */
pl_join *pl_session_joined(pl_session *s, const pl_live *m);
void pl_live_leave(pl_live *m, pl_session *s);
/* Who is in the room, remote, online: the chair's `attendance` list. */
json_t *pl_live_attendance(const pl_live *m);
/* The `state` object of contract section 6, as `s` may see it. */
json_t *pl_live_state(pl_live *m, const pl_session *s, int64_t now);
bool pl_session_presides(const pl_session *s, const pl_live *m);
/* Recomputes which joined sessions preside (after the chair changed). */
void pl_live_presiding_rebuild(pl_live *m);

/* Creates a participant with a fresh token and feed key (ops_admin.c);
 * p->id is set. Returns 0 or -1. */
int pl_participant_create(pl_participant_rec *p, char *token, size_t token_len, char *feed,
                          size_t feed_len);

/* --- ops (ops.c) ------------------------------------------------------- */
/* Handles one text frame: decodes, dispatches, replies. Never fails. */
void pl_ops_handle(pl_session *s, const char *text, size_t len);

#endif
