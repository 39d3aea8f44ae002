/*
 * Keepalive: find the connections whose peer has gone without a word (a
 * laptop closed, a network dropped) so that the chair's attendance and the
 * server's memory do not keep them.
 *
 * lws 4.1 offers this as the vhost's validity policy, but keeps every
 * connection's timer in one list sorted by deadline and inserts from its
 * head: each new connection and each pong walks the whole list, so 10,000
 * browsers joining at the start of a session cost 50 million steps
 * (docs/PERFORMANCE.md). Here each session notes when it last heard from its
 * peer (one store per frame) and one timer sweeps them all a few times per
 * period: O(N) per sweep, nothing per frame.
 */
#include "net/keepalive.h"

#include <libwebsockets.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/server.h"

/* Sweeps per keepalive period: a silent peer is pinged between 1 and 1.25
 * periods after its last word, and dropped by about 1.75. */
#define SWEEPS_PER_PERIOD 4

static void sweep(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop;
  (void)w;
  (void)revents;
  pl_server *srv = pl_srv;
  int64_t now = pl_mono_us() / 1000, after = srv->ping_after_ms;
  /* Backwards: a session dropped here leaves its slot to the last one,
   * which has been seen already. */
  for (size_t i = srv->n_sessions; i-- > 0;) {
    pl_session *s = srv->sessions[i];
    int64_t silent = now - s->heard_ms;
    if (s->ping_sent && silent >= after + after / 2) {
      /* No pong: the peer is gone, so no close handshake either. Closed
       * now, not by an lws timeout: lws 4.1's timers fire late on libev
       * (docs/TRAPS.md). */
      srv->metrics.silent_drops++;
      lws_set_timeout(s->wsi, PENDING_TIMEOUT_WS_PONG_CHECK_GET_PONG, LWS_TO_KILL_SYNC);
    } else if (!s->ping_sent && silent >= after) {
      s->ping_sent = true;
      s->ping_due = true;
      srv->metrics.pings++;
      lws_callback_on_writable(s->wsi);
    }
  }
}

void pl_keepalive_start(int seconds) {
  pl_server *srv = pl_srv;
  srv->ping_after_ms = (int64_t)seconds * 1000;
  double every = (double)seconds / SWEEPS_PER_PERIOD;
  ev_timer_init(&srv->keepalive, sweep, every, every);
  ev_timer_start(srv->loop, &srv->keepalive);
}

void pl_keepalive_stop(void) { ev_timer_stop(pl_srv->loop, &pl_srv->keepalive); }

int pl_keepalive_track(pl_session *s) {
  pl_server *srv = pl_srv;
  pl_session **all =
      pl_reserve(srv->sessions, &srv->cap_sessions, srv->n_sessions, sizeof *all, 64);
  if (!all)
    return -1;
  srv->sessions = all;
  s->slot = srv->n_sessions;
  all[srv->n_sessions++] = s;
  pl_keepalive_heard(s, pl_mono_us() / 1000);
  return 0;
}

void pl_keepalive_untrack(pl_session *s) {
  pl_server *srv = pl_srv;
  if (s->slot >= srv->n_sessions || srv->sessions[s->slot] != s)
    return; /* never tracked */
  pl_session *last = srv->sessions[--srv->n_sessions];
  srv->sessions[s->slot] = last;
  last->slot = s->slot;
}
