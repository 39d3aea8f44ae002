/*
 * A WebSocket session and its outbound queue (session.c).
 *
 * Per-connection state: lws allocates it zeroed (the pss) and frees it after
 * LWS_CALLBACK_CLOSED, where every reference to it is dropped. Only the
 * service thread changes a session; the fan-out's workers read the first
 * cache line (fd, queue indexes) while the service thread waits for them.
 */
#ifndef PL_NET_SESSION_H
#define PL_NET_SESSION_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "base/model.h"
#include "core/room.h"
#include "wire/msg.h"

#define PL_MAX_FRAME (64 * 1024) /* contract section 3 */
#define PL_OUTQ_MAX 1024         /* pending messages before a session resyncs */
/* Bytes of replies a session may leave unread; past it, it is closed. Above
 * the largest reply a reader can ask for (meeting.sync of 10,000 events,
 * about 5.5 MB) with room for a few behind it. */
#define PL_OUTQ_REPLY_BYTES (16u * 1024 * 1024)
#define PL_MAX_JOINS 8           /* meetings one connection may join at once */
#define PL_HELLO_TIMEOUT_S 10

struct lws;

/* A stream a session follows, as this layer sees it: its id and its last
 * seq, to tell a lagging session where to resume. The live layer's meeting
 * embeds one (pl_live.stream), keeps it current, and finds itself from it. */
typedef struct pl_stream {
  char id[PL_ID_LEN];
  uint64_t seq;
} pl_stream;

/* One meeting a session has joined; the live layer fills it. */
typedef struct pl_join {
  pl_stream *stream;       /* borrowed: the meeting outlives its joins */
  size_t slot;             /* index in the meeting's audience */
  pl_presence presence;
  bool screen; /* shows the meeting on a screen: no attendance, no requests */
} pl_join;

typedef struct pl_session {
  /* what a broadcast reads of each session, first, in one cache line */
  struct lws *wsi;
  int fd; /* the plain socket, written directly; -1 under TLS */
  struct ssl_st *ssl; /* borrowed from lws under TLS: written directly too */
  int close_status; /* set when the session must close: sent as the close code */
  /* outbound ring of message references; owned, capacity a power of two */
  pl_msg **outq;
  uint32_t out_cap, out_head, out_tail;
  uint32_t flush_slot; /* 1 + its index in this turn's flush list, 0 if not in it */
  bool authed;
  bool applicant; /* said hello with an application link: may only apply */
  bool screen;    /* said hello with a meeting's screen link: who.id is the meeting */
  bool deferred_busy; /* a request of its is with the worker (ops/deferred.h) */
  uint64_t serial;    /* unique among every session the server has had */
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
  uint32_t reply_bytes; /* payload bytes of the replies queued */
  uint32_t read_slot;   /* 1 + its index in this turn's read-on list (app/read_on.c) */
  /* request rate: a token bucket (ops/dispatch.c) */
  double rate_tokens;
  int64_t rate_at;
  bool rate_noted;          /* this burst's refusal is logged */
  int64_t signal_at;        /* an interpreter's last signal (ops/ops_signal.c) */
  char remote[48];          /* the peer's address, for the log */
} pl_session;

/* Queues a reference to `m` and asks for a writeable callback. A message that
 * overflows the queue drops the session's pending events (of every meeting)
 * and queues a resync for each meeting joined, then the message if it is not
 * an event; a queue full of replies not read closes the session. Never
 * fails: what cannot be sent closes the session, not the caller. */
void pl_session_send(pl_session *s, pl_msg *m);
void pl_session_send_json(pl_session *s, json_t *o); /* steals o */
/* Writes the next queued message; returns -1 when the connection must close. */
int pl_session_writeable(pl_session *s);
void pl_session_release(pl_session *s);
/* The close code when a participant's token is reissued or revoked: one of
 * the private codes (RFC 6455 section 7.4.2, 4000-4999), so that a client
 * can tell "your link no longer works" from a policy violation and stop
 * reconnecting. */
#define PL_CLOSE_CREDENTIALS 4001

/* Asks lws to close the session with `status` after what is queued. */
void pl_session_close(pl_session *s, int status, const char *reason);
/* True when a frame may go straight to the connection now: nothing queued
 * and nothing held by lws (fanout.c). */
bool pl_session_direct(const pl_session *s);
/* One non-blocking write of a frame to a plain socket (fd) or, when ssl is
 * set, through its TLS session: bytes written (0 when it must wait), or -1
 * when the connection is gone. Safe on any thread while the service thread
 * does not touch the session. A TLS record that could not go out stays in
 * OpenSSL, and lws' retry with the same bytes sends it (pl_session_sent). */
ssize_t pl_send_frame(int fd, struct ssl_st *ssl, const unsigned char *frame, size_t len);
/* Completes a direct write that sent `sent` bytes of m's frame (-1: failed):
 * lws takes the remainder. Returns false when the session must close. */
bool pl_session_sent(pl_session *s, const pl_msg *m, ssize_t sent);

/* Coalescing (fanout.h): what a session was sent in one loop turn leaves in
 * one write. pl_session_write_queued writes the frames at the head of the
 * queue, as many as one sendmsg() takes (one TLS record's worth under TLS),
 * and returns the bytes written (0: must wait; -1: gone), with the bytes it
 * tried in *tried; safe on any thread while the service thread does not touch
 * the session. pl_session_wrote_queued completes it on the service thread:
 * what went leaves the queue, lws takes the remainder of a cut write, and
 * what is left is written on, now or when the socket drains. Returns false
 * when the session must close. */
ssize_t pl_session_write_queued(const pl_session *s, size_t *tried);
/* True when a flush may write: something queued, not closing, nothing held
 * by lws (which then drains it in its writeable callback). */
bool pl_session_flushable(const pl_session *s);
bool pl_session_wrote_queued(pl_session *s, ssize_t sent, size_t tried, int64_t now_us);

#endif
