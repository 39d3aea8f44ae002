/*
 * The WebSocket protocol "plenary.v1" at /ws: frame rules of contract
 * section 3 (text only, 64 KiB, hello within 10 s), reassembly of fragmented
 * frames, and the hand-off to the ops layer. Each misbehaving connection is
 * closed alone, with the status the contract names; nobody else notices.
 */
#include "app/ws.h"

#include <stdlib.h>
#include <string.h>

#include "app/read_on.h"
#include "base/clock.h"
#include "base/server.h"
#include "live/audience.h"
#include "net/keepalive.h"
#include "net/session.h"
#include "ops/dispatch.h"

static int close_with(struct lws *wsi, enum lws_close_status status, const char *why) {
  lws_close_reason(wsi, status, (unsigned char *)why, strlen(why));
  return -1;
}

static void leave_all(pl_session *s) {
  while (s->n_joins > 0)
    pl_live_leave(pl_live_of(s->joins[s->n_joins - 1].stream), s);
}

/* Appends a chunk of the current message, growing the buffer to what the
 * frame header announced (`more` bytes still to come); returns -1 past the
 * frame limit. Most messages arrive whole and skip the copy entirely. */
static int rx_append(pl_session *s, const void *in, size_t len, size_t more) {
  size_t need = s->rx_len + len + more;
  if (need > PL_MAX_FRAME)
    return -1;
  if (need > s->rx_cap) {
    char *grown = realloc(s->rx, need);
    if (!grown)
      return -1;
    s->rx = grown;
    s->rx_cap = need;
  }
  memcpy(s->rx + s->rx_len, in, len);
  s->rx_len += len;
  return 0;
}

static int on_receive(struct lws *wsi, pl_session *s, const char *in, size_t len) {
  bool first = lws_is_first_fragment(wsi), last = lws_is_final_fragment(wsi);
  if (lws_frame_is_binary(wsi))
    return close_with(wsi, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE, "text frames only");
  if (first)
    s->rx_len = 0;
  /* Refuse as soon as the announced length says the frame is too big. */
  if (len + lws_remaining_packet_payload(wsi) + (first ? 0 : s->rx_len) > PL_MAX_FRAME)
    return close_with(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "frame over 64 KiB");
  if (first && last) {
    pl_ops_handle(s, in, len);
    return 0;
  }
  if (rx_append(s, in, len, lws_remaining_packet_payload(wsi)))
    return close_with(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "frame over 64 KiB");
  if (last) {
    pl_ops_handle(s, s->rx, s->rx_len);
    s->rx_len = 0;
    free(s->rx); /* a long message is rare: keep no buffer per connection */
    s->rx = NULL;
    s->rx_cap = 0;
  }
  return 0;
}

static void on_hello_deadline(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop;
  (void)revents;
  pl_session *s = lws_container_of(w, pl_session, hello_timer);
  if (!s->authed)
    pl_session_close(s, LWS_CLOSE_STATUS_POLICY_VIOLATION, "no hello within 10 seconds");
}

int pl_ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                   size_t len) {
  pl_session *s = user;
  switch (reason) {
  case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: {
    char uri[32];
    if (lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI) < 0 || strcmp(uri, "/ws") != 0)
      return 1; /* the socket is at /ws only */
    return 0;
  }
  case LWS_CALLBACK_ESTABLISHED:
    memset(s, 0, sizeof *s);
    s->wsi = wsi;
    s->serial = ++pl_srv->session_serial;
    lws_get_peer_simple(wsi, s->remote, sizeof s->remote);
    /* Frames go straight to the socket, or to its TLS session (fanout.c). */
    s->ssl = lws_is_ssl(wsi) ? lws_get_ssl(wsi) : NULL;
    s->fd = s->ssl ? -1 : (int)lws_get_socket_fd(wsi);
    if (pl_keepalive_track(s))
      return -1;
    pl_srv->metrics.connections_open++;
    pl_srv->metrics.connections_total++;
    ev_timer_init(&s->hello_timer, on_hello_deadline, PL_HELLO_TIMEOUT_S, 0.);
    ev_timer_start(pl_srv->loop, &s->hello_timer);
    return 0;
  case LWS_CALLBACK_RECEIVE_PONG:
    pl_keepalive_heard(s, pl_mono_us() / 1000);
    return 0;
  case LWS_CALLBACK_RECEIVE:
    pl_keepalive_heard(s, pl_mono_us() / 1000);
    if (s->close_status)
      return 0; /* closing: ignore what is still in flight */
    if (on_receive(wsi, s, in, len))
      return -1;
    if (!s->close_status)
      pl_read_on_mark(wsi, &s->read_slot); /* under TLS, the next frame this turn too */
    return 0;
  case LWS_CALLBACK_SERVER_WRITEABLE:
    return pl_session_writeable(s);
  case LWS_CALLBACK_CLOSED:
    ev_timer_stop(pl_srv->loop, &s->hello_timer);
    pl_read_on_forget(&s->read_slot);
    pl_keepalive_untrack(s);
    leave_all(s);
    pl_session_release(s);
    pl_srv->metrics.connections_open--;
    return 0;
  default:
    return 0;
  }
}
