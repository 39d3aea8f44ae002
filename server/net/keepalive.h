/*
 * Keepalive (keepalive.c). A session silent for the keepalive time is
 * pinged; one that stays silent half as long again is dropped. One sweep a
 * few times per keepalive period walks every session: lws 4.1's own validity
 * timers sit in one sorted list that each connection and each pong walks
 * from its head, O(N) apiece.
 */
#ifndef PL_NET_KEEPALIVE_H
#define PL_NET_KEEPALIVE_H

#include <stdint.h>

#include "net/session.h"

void pl_keepalive_start(int seconds);
void pl_keepalive_stop(void); /* the sweep; pl_srv->sessions outlives it */
int pl_keepalive_track(pl_session *s); /* -1: out of memory */
void pl_keepalive_untrack(pl_session *s);
static inline void pl_keepalive_heard(pl_session *s, int64_t now_ms) {
  s->heard_ms = now_ms;
  s->ping_sent = false;
}

#endif
