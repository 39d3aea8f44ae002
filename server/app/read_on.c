/*
 * Reading on under TLS (read_on.h).
 *
 * On a plain socket one readable event reads up to lws' buffer, and every
 * frame in it is handled at once. Under TLS, lws' SSL_read returns one
 * record, which is one frame, and the rest waits in the kernel for the next
 * loop turn. So a client that has sent several requests gets one handled per
 * turn; when turns are long, as in a join storm where each ends with a
 * fan-out of 100 ms to thousands, a chair's changes queue in its socket one
 * turn behind another, and their wait grows without end: 0.9 s by the end of
 * a storm of 5,000 on 2 vCPU (docs/PERFORMANCE.md, "Reading on").
 *
 * So each TLS connection that received a frame this turn is marked, and as the
 * turn ends (a prepare watcher at the highest priority, ahead of the
 * fan-out's flush, which then writes what these reads produced), the marked
 * ones that have bytes waiting get a readable event fed to their watcher, as
 * if the kernel had reported it: lws services them exactly as it does any
 * event. Their reads mark them again, and another round follows, up to
 * READ_ON_ROUNDS a turn, which bounds what one client that never stops
 * sending takes of a turn; what remains waits for the next, as before.
 *
 * A request's body under TLS is the same, 16 KiB a record: a 4 MiB upload is
 * 256 turns, seconds when turns are long. Its pieces mark the connection too.
 */
#include "app/read_on.h"

#include <ev.h>
#include <libwebsockets.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "base/mem.h"
#include "base/server.h"

/* One connection marked this turn, with its state's slot (NULL: forgotten). */
typedef struct mark {
  struct lws *wsi;
  uint32_t *slot;
} mark;

/* Frames a client's burst holds (hello, join, a request or two) with room:
 * every one of them in the turn it came, a flood not much more. */
#define READ_ON_ROUNDS 8

static struct {
  mark *marked; /* owned */
  size_t n, cap;
  ev_prepare turn_end;
  unsigned int round_iter; /* the loop iteration the rounds below belong to */
  int rounds;
  bool started;
} ro;

/* Bytes of this connection's that lws has not read yet: in OpenSSL, or in the kernel. */
static bool waiting(struct lws *wsi, int fd) {
  SSL *ssl = lws_get_ssl(wsi);
  int avail = 0;
  return (ssl && SSL_has_pending(ssl)) ||
         (fd >= 0 && ioctl(fd, FIONREAD, &avail) == 0 && avail > 0);
}

static void on_turn_end(struct ev_loop *loop, ev_prepare *w, int revents) {
  (void)w, (void)revents;
  /* The first round of this turn, or one more fed by pl_read_on_mark. */
  if (ro.round_iter != ev_iteration(loop)) {
    ro.round_iter = ev_iteration(loop);
    ro.rounds = 0;
  }
  ro.rounds++;
  size_t n = ro.n;
  ro.n = 0;
  /* Feeding runs no callback now: nothing below can forget or mark. */
  for (size_t i = 0; i < n; i++) {
    mark *m = &ro.marked[i];
    if (!m->slot)
      continue;
    *m->slot = 0;
    int fd = (int)lws_get_socket_fd(m->wsi);
    if (waiting(m->wsi, fd))
      ev_feed_fd_event(loop, fd, EV_READ);
  }
}

void pl_read_on_mark(struct lws *wsi, uint32_t *slot) {
  if (!ro.started || *slot || !lws_is_ssl(wsi))
    return;
  if (ro.n == ro.cap) {
    mark *m = pl_reserve(ro.marked, &ro.cap, ro.n, sizeof *m, 64);
    if (!m)
      return; /* out of memory: the next turn reads it, as before */
    ro.marked = m;
  }
  ro.marked[ro.n++] = (mark){wsi, slot};
  *slot = (uint32_t)ro.n;
  /* Marked by a read the turn's end fed: one more round, in this turn. The
   * prepare watcher fed now runs before the fan-out's, which is still
   * pending at a lower priority (libev invokes the highest first). */
  if (ro.n == 1 && ro.round_iter == ev_iteration(pl_srv->loop) && ro.rounds < READ_ON_ROUNDS)
    ev_feed_event(pl_srv->loop, &ro.turn_end, EV_PREPARE);
}

void pl_read_on_forget(uint32_t *slot) {
  if (*slot)
    ro.marked[*slot - 1].slot = NULL;
  *slot = 0;
}

void pl_read_on_start(void) {
  ev_prepare_init(&ro.turn_end, on_turn_end);
  ev_set_priority(&ro.turn_end, EV_MAXPRI);
  ev_prepare_start(pl_srv->loop, &ro.turn_end);
  ev_unref(pl_srv->loop); /* it alone does not keep the loop running */
  ro.round_iter = ev_iteration(pl_srv->loop) - 1;
  ro.started = true;
}

void pl_read_on_stop(void) {
  if (!ro.started)
    return;
  ev_ref(pl_srv->loop);
  ev_prepare_stop(pl_srv->loop, &ro.turn_end);
  free(ro.marked);
  ro.marked = NULL;
  ro.n = ro.cap = 0;
  ro.started = false;
}
