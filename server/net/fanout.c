/*
 * Fan-out of one event to a meeting's audience (fanout.h). Measured on 2
 * vCPU at 10,000 clients (docs/PERFORMANCE.md): the kernel's send() is about
 * 90% of a broadcast, so after "frame once, one send() each" the one lever
 * left is to run those send() calls on more than one core.
 */
#include "net/fanout.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <libwebsockets.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/server.h"
#include "core/invariant.h"
#include "net/session.h"

/* What one session made of the frame: bytes written, -1 for a connection
 * that must close, or NOT_DIRECT for a session that queues it instead. */
#define NOT_DIRECT (-2)

/* A run of the audience, sent by one thread. Reading a session here (its
 * socket, its queue, whether lws holds bytes for it) is safe on a worker:
 * the service thread, the only writer, is inside pl_fanout until it ends. */
typedef struct slice {
  void (*run)(struct slice *); /* send_slice, or flush_slice at the turn's end */
  pl_session *const *ss;
  ssize_t *sent; /* one per session of the slice */
  size_t *tried; /* flush_slice: the bytes each write tried */
  size_t n;
  const unsigned char *frame;
  size_t flen;
  int64_t queued_us;
  pl_fanout_hist hist; /* the slice's deliveries, merged by the service thread */
} slice;

typedef struct worker {
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  slice job;
  bool busy; /* a job is handed over and not done */
  bool quit;
} worker;

static struct {
  worker *w;
  int n_workers;
  size_t split_min;
  ssize_t *sent; /* owned: what each session of this broadcast was sent */
  size_t *tried; /* owned: what each write of a flush tried */
  size_t cap;
  bool coalesce;
  pl_session **marked; /* owned: sessions to write at the turn's end; NULL: forgotten */
  size_t n_marked, marked_cap;
  ev_prepare turn_end;
  bool flushing; /* in flush_turn, which must not be marked into */
  pthread_t service; /* the lws service thread, the only one that changes sessions */
  bool started;
} fo;

/* The loop both the service thread and the workers run: nothing but send().
 * Sessions are looked at 32 at a time before any of them is sent to: each
 * look misses the cache twice (the session, lws' wsi), and misses in a loop
 * of loads overlap where a send() between them would keep them apart (4-6%
 * of a broadcast's samples before); meanwhile sent[i] holds the session's
 * socket, or NOT_DIRECT. The histogram takes the clock once per
 * 16 sends; the error of giving 16 sends one time is 16 x 5 us, well inside
 * its narrowest bucket in use. */
#define LOOK_AHEAD 32

static void send_slice(slice *sl) {
  size_t since = 0;
  for (size_t from = 0; from < sl->n; from += LOOK_AHEAD) {
    size_t to = from + LOOK_AHEAD < sl->n ? from + LOOK_AHEAD : sl->n;
    for (size_t i = from; i < to; i++)
      sl->sent[i] = pl_session_direct(sl->ss[i]) ? 0 : NOT_DIRECT;
    for (size_t i = from; i < to; i++) {
      if (sl->sent[i] == NOT_DIRECT)
        continue;
      sl->sent[i] = pl_send_frame(sl->ss[i]->fd, sl->ss[i]->ssl, sl->frame, sl->flen);
      if (++since == 16) {
        pl_fanout_hist_add(&sl->hist, pl_mono_us() - sl->queued_us, since);
        since = 0;
      }
    }
  }
  if (since)
    pl_fanout_hist_add(&sl->hist, pl_mono_us() - sl->queued_us, since);
}

/* A worker's share of the turn's writes: each session's queued frames in one
 * write, the queues only read. */
static void flush_slice(slice *sl) {
  for (size_t i = 0; i < sl->n; i++)
    sl->sent[i] = pl_session_write_queued(sl->ss[i], &sl->tried[i]);
}

static void *worker_main(void *arg) {
  worker *w = arg;
  pthread_mutex_lock(&w->mu);
  for (;;) {
    while (!w->busy && !w->quit)
      pthread_cond_wait(&w->cv, &w->mu);
    if (w->quit)
      break;
    pthread_mutex_unlock(&w->mu);
    w->job.run(&w->job);
    pthread_mutex_lock(&w->mu);
    w->busy = false;
    pthread_cond_broadcast(&w->cv);
  }
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

bool pl_fanout_on_service_thread(void) {
  return !fo.started || pthread_equal(pthread_self(), fo.service);
}

static void flush_turn(struct ev_loop *loop, ev_prepare *w, int revents);

int pl_fanout_start(int threads, size_t split_min, bool coalesce) {
  fo.service = pthread_self();
  fo.started = true;
  fo.split_min = split_min < 2 ? 2 : split_min;
  fo.coalesce = coalesce;
  if (coalesce) {
    /* libev runs prepare watchers as a turn ends, before it waits again:
     * every request of the turn has been handled, nothing has been written. */
    ev_prepare_init(&fo.turn_end, flush_turn);
    ev_prepare_start(pl_srv->loop, &fo.turn_end);
    ev_unref(pl_srv->loop); /* it alone does not keep the loop running (server.c stops) */
  }
  if (threads <= 0)
    return 0;
  fo.w = calloc((size_t)threads, sizeof *fo.w);
  if (!fo.w)
    return -1;
  /* Signals stay with the service thread, where libev watches them. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = 0;
  for (int i = 0; i < threads; i++) {
    worker *w = &fo.w[i];
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->th, NULL, worker_main, w)) {
      pthread_cond_destroy(&w->cv);
      pthread_mutex_destroy(&w->mu);
      rc = -1;
      break;
    }
    fo.n_workers++;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return rc;
}

void pl_fanout_stop(void) {
  for (int i = 0; i < fo.n_workers; i++) {
    worker *w = &fo.w[i];
    pthread_mutex_lock(&w->mu);
    w->quit = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->th, NULL);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
  }
  if (fo.coalesce) {
    ev_ref(pl_srv->loop);
    ev_prepare_stop(pl_srv->loop, &fo.turn_end);
  }
  free(fo.w);
  free(fo.sent);
  free(fo.tried);
  free(fo.marked);
  memset(&fo, 0, sizeof fo);
}

static bool reserve(size_t n) {
  while (fo.cap < n) {
    size_t cap = fo.cap;
    ssize_t *sent = pl_reserve(fo.sent, &cap, fo.cap, sizeof *sent, 64);
    if (!sent)
      return false;
    fo.sent = sent;
    size_t *tried = pl_reserve(fo.tried, &fo.cap, fo.cap, sizeof *tried, 64);
    if (!tried)
      return false;
    fo.tried = tried;
  }
  return true;
}

/* Runs job over the n sessions, split with the workers when n is large: each
 * gets a copy of job for its share of ss, fo.sent and fo.tried. A broadcast
 * (send_slice) sends the frame to each session that can take it directly; a
 * flush (flush_slice) writes each session's queue. */
static void run_all(pl_session *const *ss, size_t n, slice job) {
  int parts = n >= fo.split_min ? fo.n_workers + 1 : 1;
  size_t per = n / (size_t)parts, from = 0;
  for (int i = 1; i < parts; i++, from += per) {
    worker *w = &fo.w[i - 1];
    pthread_mutex_lock(&w->mu);
    w->job = job;
    w->job.ss = ss + from, w->job.sent = fo.sent + from, w->job.tried = fo.tried + from;
    w->job.n = per;
    w->busy = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
  }
  slice own = job;
  own.ss = ss + from, own.sent = fo.sent + from, own.tried = fo.tried + from;
  own.n = n - from;
  own.run(&own);
  pl_fanout_hist_merge(&pl_srv->metrics.fanout, &own.hist);
  for (int i = 1; i < parts; i++) {
    worker *w = &fo.w[i - 1];
    pthread_mutex_lock(&w->mu);
    while (w->busy)
      pthread_cond_wait(&w->cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
    pl_fanout_hist_merge(&pl_srv->metrics.fanout, &w->job.hist);
  }
}

void pl_fanout(pl_session *const *ss, size_t n, pl_msg *m) {
  PL_ASSERT(pl_fanout_on_service_thread());
  m->queued_us = pl_mono_us();
  /* Coalescing: each session queues the reference, written as the turn ends.
   * Out of memory: the queues still work. */
  if (fo.coalesce || !reserve(n)) {
    for (size_t i = 0; i < n; i++)
      pl_session_send(ss[i], m);
    return;
  }
  size_t flen;
  const unsigned char *frame = pl_msg_frame(m, &flen);
  run_all(ss, n, (slice){.run = send_slice, .frame = frame, .flen = flen,
                         .queued_us = m->queued_us});
  /* Back on the service thread alone: partial sends go to lws, failures
   * close, and sessions that could not take the frame directly (TLS, a queue
   * behind, bytes lws holds) get it the queued way. */
  for (size_t i = 0; i < n; i++) {
    if (fo.sent[i] == NOT_DIRECT)
      pl_session_send(ss[i], m);
    else if (!pl_session_sent(ss[i], m, fo.sent[i]))
      pl_session_close(ss[i], LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "write failed");
  }
}

bool pl_fanout_coalescing(void) { return fo.coalesce; }

void pl_fanout_mark(pl_session *s) {
  PL_ASSERT(pl_fanout_on_service_thread());
  if (s->flush_slot)
    return;
  if (fo.flushing) {
    lws_callback_on_writable(s->wsi);
    return;
  }
  if (fo.n_marked == fo.marked_cap) {
    pl_session **m = pl_reserve(fo.marked, &fo.marked_cap, fo.n_marked, sizeof *m, 64);
    if (!m) { /* out of memory: lws' writeable callback writes it instead */
      lws_callback_on_writable(s->wsi);
      return;
    }
    fo.marked = m;
  }
  fo.marked[fo.n_marked++] = s;
  s->flush_slot = (uint32_t)fo.n_marked;
}

void pl_fanout_forget(pl_session *s) {
  if (s->flush_slot)
    fo.marked[s->flush_slot - 1] = NULL;
  s->flush_slot = 0;
}

/* The turn's end: every marked session's queue written, one write each (more
 * only when a queue outgrows one sendmsg() or one TLS record). */
static void flush_turn(struct ev_loop *loop, ev_prepare *w, int revents) {
  (void)loop, (void)w, (void)revents;
  size_t n = 0;
  for (size_t i = 0; i < fo.n_marked; i++) { /* compact: the forgotten, and what lws holds */
    pl_session *s = fo.marked[i];
    if (!s)
      continue;
    s->flush_slot = 0;
    if (pl_session_flushable(s))
      fo.marked[n++] = s;
    else
      lws_callback_on_writable(s->wsi);
  }
  fo.n_marked = 0;
  if (n == 0)
    return;
  if (!reserve(n)) {
    for (size_t i = 0; i < n; i++)
      lws_callback_on_writable(fo.marked[i]->wsi);
    return;
  }
  fo.flushing = true;
  run_all(fo.marked, n, (slice){.run = flush_slice});
  int64_t now = pl_mono_us();
  for (size_t i = 0; i < n; i++)
    if (!pl_session_wrote_queued(fo.marked[i], fo.sent[i], fo.tried[i], now))
      pl_session_close(fo.marked[i], LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "write failed");
  fo.flushing = false;
}
