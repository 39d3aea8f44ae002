/*
 * Messages and each session's outbound queue. A message is encoded and framed
 * once and shared by reference, so a broadcast costs one pointer per session,
 * not one encoding. A session with nothing queued (and nothing held by lws)
 * gets a frame at once: by send() on a plain connection, through lws under
 * TLS; otherwise the frame queues and each writeable callback writes one
 * (lws' rule, as in Mosquitto and Janus). The queue grows on demand (most
 * sessions never hold more than one or two) up to PL_OUTQ_MAX; a session that
 * falls that far behind loses its pending events and is told to resync
 * instead, so one slow client never grows memory without bound nor slows the
 * others.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <libwebsockets.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "base/clock.h"
#include "base/server.h"
#include "core/invariant.h"
#include "net/fanout.h"
#include "net/session.h"

static uint32_t queued(const pl_session *s) { return s->out_tail - s->out_head; }

static int grow(pl_session *s) {
  uint32_t cap = s->out_cap ? s->out_cap * 2 : 4;
  if (cap > PL_OUTQ_MAX)
    return -1;
  pl_msg **q = malloc(cap * sizeof *q);
  if (!q)
    return -1;
  uint32_t n = queued(s);
  for (uint32_t i = 0; i < n; i++)
    q[i] = s->outq[(s->out_head + i) & (s->out_cap - 1)];
  free(s->outq);
  s->outq = q;
  s->out_cap = cap;
  s->out_head = 0;
  s->out_tail = n;
  return 0;
}

static void push(pl_session *s, pl_msg *m) {
  if (!m->is_event)
    s->reply_bytes += m->len;
  s->outq[s->out_tail++ & (s->out_cap - 1)] = pl_msg_ref(m);
}

/* Takes the oldest queued message (the caller unrefs it). */
static pl_msg *pop(pl_session *s) {
  pl_msg *m = s->outq[s->out_head++ & (s->out_cap - 1)];
  if (!m->is_event)
    s->reply_bytes -= m->len;
  return m;
}

/* Drops every queued event (keeping replies, in order) to make room. */
static void drop_events(pl_session *s) {
  uint32_t n = queued(s), kept = 0;
  for (uint32_t i = 0; i < n; i++) {
    pl_msg *m = s->outq[(s->out_head + i) & (s->out_cap - 1)];
    if (m->is_event)
      pl_msg_unref(m);
    else
      s->outq[(s->out_head + kept++) & (s->out_cap - 1)] = m;
  }
  s->out_tail = s->out_head + kept;
}

bool pl_session_direct(const pl_session *s) {
  return (s->fd >= 0 || s->ssl) && !s->close_status && queued(s) == 0 &&
         !lws_partial_buffered(s->wsi);
}

/* SSL_write with the modes pl_tls_capture sets: a partial write returns what
 * went, and a record that waits for the socket is retried by lws from its
 * own copy of the same bytes (ACCEPT_MOVING_WRITE_BUFFER). */
static ssize_t tls_send(struct ssl_st *ssl, const unsigned char *frame, size_t len) {
  int n = SSL_write(ssl, frame, (int)len);
  if (n > 0)
    return n;
  int e = SSL_get_error(ssl, n);
  ERR_clear_error(); /* the queue is per thread: leave none behind on a worker */
  return e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ ? 0 : -1;
}

ssize_t pl_send_frame(int fd, struct ssl_st *ssl, const unsigned char *frame, size_t len) {
  if (ssl)
    return tls_send(ssl, frame, len);
  ssize_t n;
  do
    n = send(fd, frame, len, MSG_NOSIGNAL | MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
  return n;
}

static void count_out(const pl_msg *m) {
  pl_srv->metrics.messages_out++;
  pl_srv->metrics.bytes_out += m->len;
}

bool pl_session_sent(pl_session *s, const pl_msg *m, ssize_t sent) {
  PL_ASSERT(pl_fanout_on_service_thread());
  size_t flen;
  const unsigned char *f = pl_msg_frame(m, &flen);
  count_out(m);
  if (sent < 0)
    return false;
  if ((size_t)sent == flen)
    return true;
  /* The socket took part of the frame (or none of it): lws keeps the rest in
   * its own output buffer and sends it first when the socket drains, ahead of
   * its pings and pongs and of our writeable callback, so nothing can come
   * between the two halves of the frame. LWS_WRITE_RAW adds no framing. */
  return lws_write(s->wsi, (unsigned char *)f + sent, flen - (size_t)sent, LWS_WRITE_RAW) >= 0;
}

/* Writes `m` now; returns false when the session must close. Plain sockets
 * get the shared frame with send(), as the fan-out does (fanout.c); under TLS,
 * or behind bytes lws still holds, lws writes it. */
static bool write_now(pl_session *s, pl_msg *m) {
  if (m->is_event && m->queued_us)
    pl_fanout_hist_add(&pl_srv->metrics.fanout, pl_mono_us() - m->queued_us, 1);
  size_t flen;
  const unsigned char *f = pl_msg_frame(m, &flen);
  ssize_t sent = 0;
  if ((s->fd >= 0 || s->ssl) && !lws_partial_buffered(s->wsi))
    sent = pl_send_frame(s->fd, s->ssl, f, flen);
  return pl_session_sent(s, m, sent);
}

/* Coalescing: a queue filled this turn is written when the turn ends
 * (pl_fanout_mark); any other waits for lws' writeable callback. */
static void wake(pl_session *s, bool this_turn) {
  if (this_turn)
    pl_fanout_mark(s);
  else
    lws_callback_on_writable(s->wsi);
}

/* One TLS record: what SSL_write sends in one piece, whatever the modes. */
#define GATHER_TLS 16384
#define GATHER_IOV 64

/* The frames at the head of the queue that one write takes: at most
 * GATHER_IOV of them, and under TLS at most GATHER_TLS bytes (a single frame
 * may be larger), copied into buf. Deterministic, so the service thread can
 * build again the same bytes a worker wrote. Returns the count; *len their
 * bytes. */
static uint32_t gather(const pl_session *s, struct iovec *iov, unsigned char *buf, size_t *len) {
  uint32_t n = 0, q = queued(s);
  size_t total = 0;
  for (; n < q && n < GATHER_IOV; n++) {
    size_t flen;
    const unsigned char *f = pl_msg_frame(s->outq[(s->out_head + n) & (s->out_cap - 1)], &flen);
    if (buf && n > 0 && total + flen > GATHER_TLS)
      break;
    iov[n] = (struct iovec){(void *)f, flen};
    if (buf && flen <= GATHER_TLS)
      memcpy(buf + total, f, flen);
    total += flen;
  }
  *len = total;
  return n;
}

ssize_t pl_session_write_queued(const pl_session *s, size_t *tried) {
  static _Thread_local unsigned char rec[GATHER_TLS];
  struct iovec iov[GATHER_IOV];
  uint32_t n = gather(s, iov, s->ssl ? rec : NULL, tried);
  if (s->ssl) /* one frame over a record's size is written from where it is */
    return tls_send(s->ssl, *tried > GATHER_TLS ? iov[0].iov_base : rec, *tried);
  struct msghdr mh = {.msg_iov = iov, .msg_iovlen = n};
  ssize_t w;
  do
    w = sendmsg(s->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
  while (w < 0 && errno == EINTR);
  if (w < 0)
    return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
  return w;
}

/* Takes the first `sent` bytes of the queue's frames out of it: frames that
 * went whole leave it, and the one cut short leaves with its remainder handed
 * to lws, which sends that before anything else (pl_session_sent). */
static bool consume(pl_session *s, size_t sent, int64_t now_us) {
  while (sent > 0) {
    pl_msg *m = pop(s);
    size_t flen;
    const unsigned char *f = pl_msg_frame(m, &flen);
    bool ok = true;
    if (m->is_event && m->queued_us)
      pl_fanout_hist_add(&pl_srv->metrics.fanout, now_us - m->queued_us, 1);
    count_out(m);
    if (sent < flen)
      ok = lws_write(s->wsi, (unsigned char *)f + sent, flen - sent, LWS_WRITE_RAW) >= 0;
    sent -= sent < flen ? sent : flen;
    pl_msg_unref(m);
    if (!ok)
      return false;
  }
  return true;
}

bool pl_session_flushable(const pl_session *s) {
  return queued(s) && !s->close_status && !lws_partial_buffered(s->wsi);
}

bool pl_session_wrote_queued(pl_session *s, ssize_t sent, size_t tried, int64_t now_us) {
  PL_ASSERT(pl_fanout_on_service_thread());
  for (;;) {
    if (sent < 0)
      return false;
    if (s->ssl && (size_t)sent < tried) {
      /* The record waits inside OpenSSL, and only a retry with the same bytes
       * sends it: lws takes all of them (from a copy built again here). */
      static unsigned char rec[GATHER_TLS];
      struct iovec iov[GATHER_IOV];
      size_t len;
      gather(s, iov, rec, &len);
      if (lws_write(s->wsi, len > GATHER_TLS ? iov[0].iov_base : rec, len, LWS_WRITE_RAW) < 0)
        return false;
      sent = (ssize_t)len;
    }
    if (!consume(s, (size_t)sent, now_us))
      return false;
    if (!queued(s))
      return true;
    if ((size_t)sent < tried || !pl_session_flushable(s)) {
      lws_callback_on_writable(s->wsi); /* the rest when the socket drains */
      return true;
    }
    sent = pl_session_write_queued(s, &tried);
  }
}

void pl_session_send(pl_session *s, pl_msg *m) {
  PL_ASSERT(pl_fanout_on_service_thread());
  if (s->close_status)
    return;
  /* Coalescing on, and nothing waiting on the socket from an earlier turn:
   * the frame joins this turn's write (pl_fanout_mark). */
  bool this_turn = pl_fanout_coalescing() && !lws_partial_buffered(s->wsi) &&
                   (queued(s) == 0 || s->flush_slot);
  /* The fast path of a broadcast: nothing is queued, so write the frame
   * here rather than arm POLLOUT and come back in a writeable callback,
   * which costs two epoll_ctl calls and a wake-up per session. If the
   * socket cannot take it all, lws keeps the remainder (pl_session_sent) and
   * reports it with lws_partial_buffered; from then on frames queue below until the
   * writeable callback has drained it, so they never overtake each other
   * and a slow reader still meets the bounded queue. (lws_send_pipe_choked
   * would ask the same with a poll() per session: 6% of a broadcast.) */
  if (!this_turn && queued(s) == 0 && !lws_partial_buffered(s->wsi)) {
    if (!write_now(s, m))
      pl_session_close(s, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "write failed");
    return;
  }
  /* Replies cannot be dropped for a resync as events are: a session that
   * keeps asking and never reads is bounded in bytes, not only in count
   * (one meeting.sync reply may be megabytes). */
  if (!m->is_event && s->reply_bytes + (uint64_t)m->len > PL_OUTQ_REPLY_BYTES) {
    pl_srv->metrics.reply_drops++;
    pl_session_close(s, LWS_CLOSE_STATUS_POLICY_VIOLATION, "not reading replies");
    return;
  }
  if (queued(s) == s->out_cap && grow(s)) {
    /* Past the bound the pending events go, of every meeting the session
     * has joined, so it is told to resync each of them (not only the one
     * whose event overflowed). A reply or a presence that finds the queue
     * full makes room the same way; only a queue full of what cannot be
     * dropped (replies not read) closes the session. */
    drop_events(s);
    if (queued(s) + (uint32_t)s->n_joins + (m->is_event ? 0u : 1u) > s->out_cap) {
      pl_session_close(s, LWS_CLOSE_STATUS_POLICY_VIOLATION, "not reading replies");
      return;
    }
    if (s->n_joins)
      pl_srv->metrics.resyncs++;
    for (int i = 0; i < s->n_joins; i++) {
      /* The client resumes with meeting.sync from the seq it last saw. */
      const pl_stream *st = s->joins[i].stream;
      json_t *r = json_pack("{s:s, s:s, s:I}", "ev", "resync", "meeting", st->id, "seq",
                            (json_int_t)st->seq);
      pl_msg *rm = r ? pl_msg_new(r, false) : NULL;
      json_decref(r);
      if (!rm) {
        pl_session_close(s, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "out of memory");
        return;
      }
      push(s, rm);
      pl_msg_unref(rm);
    }
    if (!m->is_event)
      push(s, m);
    wake(s, this_turn);
    return;
  }
  push(s, m);
  wake(s, this_turn);
}

void pl_session_send_json(pl_session *s, json_t *o) {
  pl_msg *m = o ? pl_msg_new(o, false) : NULL;
  json_decref(o);
  if (!m) {
    pl_session_close(s, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "out of memory");
    return;
  }
  pl_session_send(s, m);
  pl_msg_unref(m);
}

void pl_session_close(pl_session *s, int status, const char *reason) {
  if (s->close_status)
    return;
  s->close_status = status;
  s->close_reason = reason;
  lws_callback_on_writable(s->wsi);
}

int pl_session_writeable(pl_session *s) {
  if (s->ping_due) { /* keepalive.c; lws orders it after any bytes it holds */
    /* lws reports a pong only when it carries data (and skips an empty one) */
    unsigned char ping[LWS_PRE + 4] = {[LWS_PRE] = 'p', 'i', 'n', 'g'};
    s->ping_due = false;
    if (lws_write(s->wsi, ping + LWS_PRE, 4, LWS_WRITE_PING) < 0)
      return -1;
    if (queued(s) || s->close_status)
      lws_callback_on_writable(s->wsi);
    return 0;
  }
  if (queued(s) == 0) {
    if (s->close_status) {
      lws_close_reason(s->wsi, (enum lws_close_status)s->close_status,
                       (unsigned char *)s->close_reason, strlen(s->close_reason));
      return -1;
    }
    return 0;
  }
  pl_msg *m = pop(s);
  bool ok = write_now(s, m);
  pl_msg_unref(m);
  if (!ok)
    return -1; /* lws buffers partial sends itself: short means fatal */
  if (queued(s) || s->close_status)
    lws_callback_on_writable(s->wsi);
  return 0;
}

void pl_session_release(pl_session *s) {
  pl_fanout_forget(s);
  while (queued(s))
    pl_msg_unref(pop(s));
  free(s->outq);
  s->outq = NULL;
  s->out_cap = s->out_head = s->out_tail = 0;
  free(s->rx);
  s->rx = NULL;
}
