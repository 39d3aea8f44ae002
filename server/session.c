/*
 * Messages and each session's outbound queue. Following lws' rule (and
 * Mosquitto's, Janus'), nothing is written outside LWS_CALLBACK_SERVER_WRITEABLE
 * and each writeable callback writes one message. The queue holds references
 * to shared, already-encoded messages, so a broadcast costs one pointer per
 * session, not one encoding. It grows on demand (most sessions never hold
 * more than one or two) up to PL_OUTQ_MAX; a session that falls that far
 * behind loses its pending events and is told to resync instead, so one slow
 * client never grows memory without bound nor slows the others.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "plenary.h"

int64_t pl_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

pl_msg *pl_msg_new_raw(const char *text, size_t len, bool is_event) {
  pl_msg *m = malloc(sizeof *m + LWS_PRE + len + 1);
  if (!m)
    return NULL;
  m->refs = 1;
  m->len = (uint32_t)len;
  m->is_event = is_event;
  m->queued_us = 0;
  memcpy(m->buf + LWS_PRE, text, len);
  m->buf[LWS_PRE + len] = '\0'; /* lets the store and tests read it as text */
  return m;
}

pl_msg *pl_msg_new(json_t *o, bool is_event) {
  size_t len = json_dumpb(o, NULL, 0, JSON_COMPACT);
  if (!len)
    return NULL;
  pl_msg *m = malloc(sizeof *m + LWS_PRE + len + 1);
  if (!m)
    return NULL;
  m->refs = 1;
  m->len = (uint32_t)json_dumpb(o, (char *)m->buf + LWS_PRE, len, JSON_COMPACT);
  m->is_event = is_event;
  m->queued_us = 0;
  m->buf[LWS_PRE + m->len] = '\0';
  return m;
}

void pl_msg_unref(pl_msg *m) {
  if (m && --m->refs == 0)
    free(m);
}

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
  s->outq[s->out_tail++ & (s->out_cap - 1)] = pl_msg_ref(m);
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

/* Writes `m` now; returns false when the session must close. */
static bool write_now(pl_session *s, pl_msg *m) {
  int n = lws_write(s->wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT);
  if (m->is_event && m->queued_us)
    pl_metrics_fanout(&pl_srv->metrics, lws_now_usecs() - m->queued_us);
  pl_srv->metrics.messages_out++;
  pl_srv->metrics.bytes_out += m->len;
  return n >= (int)m->len;
}

void pl_session_send(pl_session *s, pl_msg *m, const char *meeting, uint64_t seq) {
  if (s->close_status)
    return;
  /* The fast path of a broadcast: nothing is queued, so write the frame
   * here rather than arm POLLOUT and come back in a writeable callback,
   * which costs two epoll_ctl calls and a wake-up per session. If the
   * socket cannot take it all, lws keeps the remainder and reports it with
   * lws_partial_buffered; from then on frames queue below until the
   * writeable callback has drained it, so they never overtake each other
   * and a slow reader still meets the bounded queue. (lws_send_pipe_choked
   * would ask the same with a poll() per session: 6% of a broadcast.) */
  if (queued(s) == 0 && !lws_partial_buffered(s->wsi)) {
    if (!write_now(s, m))
      pl_session_close(s, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "write failed");
    return;
  }
  if (queued(s) == s->out_cap && grow(s)) {
    /* Past the bound the pending events go, of every meeting the session
     * has joined, so it is told to resync each of them (not only the one
     * whose event overflowed). A reply or a presence that finds the queue
     * full makes room the same way; only a queue full of what cannot be
     * dropped (replies not read) closes the session. */
    (void)meeting;
    (void)seq;
    drop_events(s);
    if (queued(s) + (uint32_t)s->n_joins + (m->is_event ? 0u : 1u) > s->out_cap) {
      pl_session_close(s, LWS_CLOSE_STATUS_POLICY_VIOLATION, "not reading replies");
      return;
    }
    if (s->n_joins)
      pl_srv->metrics.resyncs++;
    for (int i = 0; i < s->n_joins; i++) {
      /* The client resumes with meeting.sync from the seq it last saw. */
      const pl_live *lv = s->joins[i].live;
      json_t *r = json_pack("{s:s, s:s, s:I}", "ev", "resync", "meeting", lv->rec.id, "seq",
                            (json_int_t)lv->seq);
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
    lws_callback_on_writable(s->wsi);
    return;
  }
  push(s, m);
  lws_callback_on_writable(s->wsi);
}

void pl_session_send_json(pl_session *s, json_t *o) {
  pl_msg *m = o ? pl_msg_new(o, false) : NULL;
  json_decref(o);
  if (!m) {
    pl_session_close(s, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "out of memory");
    return;
  }
  pl_session_send(s, m, NULL, 0);
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
  if (queued(s) == 0) {
    if (s->close_status) {
      lws_close_reason(s->wsi, (enum lws_close_status)s->close_status,
                       (unsigned char *)s->close_reason, strlen(s->close_reason));
      return -1;
    }
    return 0;
  }
  pl_msg *m = s->outq[s->out_head++ & (s->out_cap - 1)];
  bool ok = write_now(s, m);
  pl_msg_unref(m);
  if (!ok)
    return -1; /* lws buffers partial sends itself: short means fatal */
  if (queued(s) || s->close_status)
    lws_callback_on_writable(s->wsi);
  return 0;
}

void pl_session_release(pl_session *s) {
  while (queued(s))
    pl_msg_unref(s->outq[s->out_head++ & (s->out_cap - 1)]);
  free(s->outq);
  s->outq = NULL;
  s->out_cap = s->out_head = s->out_tail = 0;
  free(s->rx);
  s->rx = NULL;
}
