/*
 * Webhook deliveries (deliver.h).
 *
 *   pump     each endpoint's oldest row that is due and not in flight, up to
 *            the bound, becomes a delivery: an lws client connection
 *   answer   2xx deletes the row; anything else, or none in time, sets when
 *            it is tried again (core/webhook.h), both recorded as an attempt
 *   timer    one ev_timer, armed to the soonest row not yet due
 *
 * What an attacker with the secretariat's token could make of a URL is
 * bounded: only http(s) (wire/webhook_json.c), no redirect followed, an
 * answer read to 64 KB at most and kept to 200 bytes, ten seconds a try,
 * eight at once.
 */
#include "net/deliver.h"

#include <ev.h>
#include <libwebsockets.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/server.h"
#include "base/sign.h"
#include "core/webhook.h"
#include "net/resolve.h"
#include "store/webhooks.h"

typedef struct delivery {
  uint64_t serial; /* names it to the name lookup, which may outlive it */
  int64_t row, webhook;
  char stream[PL_ID_LEN + 16], ev[64], id[PL_ID_LEN + 40];
  uint64_t seq;
  int64_t first_at;
  int attempts;
  char sig[7 + PL_MAC_HEX_LEN];
  unsigned char *body; /* owned, LWS_PRE bytes of headroom */
  size_t len;
  struct lws *wsi;
  int status;    /* the answer's, 0 before one */
  char answer[PL_ANSWER_LEN];
  size_t answer_len, read;
  bool sent, finished;
  ev_timer timeout;
  /* where it goes, split from the URL; connected once the host resolved */
  char host[256], path[PL_WEBHOOK_URL_LEN];
  int port;
  bool tls;
} delivery;

static delivery *flying[PL_DELIVER_IN_FLIGHT];
static ev_timer retry;
static bool retry_init, stopped;

static bool in_flight(int64_t webhook) {
  for (int i = 0; i < PL_DELIVER_IN_FLIGHT; i++)
    if (flying[i] && flying[i]->webhook == webhook)
      return true;
  return false;
}

static uint64_t serials;

static delivery *flying_by_serial(uint64_t serial) {
  for (int i = 0; i < PL_DELIVER_IN_FLIGHT; i++)
    if (flying[i] && flying[i]->serial == serial)
      return flying[i];
  return NULL;
}

static int free_slot(void) {
  for (int i = 0; i < PL_DELIVER_IN_FLIGHT; i++)
    if (!flying[i])
      return i;
  return -1;
}

static void delivery_free(delivery *d) {
  for (int i = 0; i < PL_DELIVER_IN_FLIGHT; i++)
    if (flying[i] == d)
      flying[i] = NULL;
  ev_timer_stop(pl_srv->loop, &d->timeout);
  free(d->body);
  free(d);
}

/* The attempt's end, whatever it was: recorded, the row deleted or put off,
 * and the next one started. */
static void finish(delivery *d, const char *why) {
  if (d->finished)
    return;
  d->finished = true;
  if (stopped) /* a stopping server's closes are no answer */
    return;
  int64_t now = pl_now_ms();
  bool ok = d->status >= 200 && d->status < 300;
  int64_t next = ok ? 0 : pl_webhook_retry_at(d->attempts + 1, d->first_at, now);
  const char *answer = why ? why : d->answer;
  if (pl_store_outbox_attempted(pl_srv->store, d->row, d->webhook, d->stream, d->seq, d->ev,
                                now, d->status, answer, next) != PL_STORE_OK)
    pl_log(PL_LOG_ERROR, "webhook.failed", "delivery", d->id, "msg",
           "the store failed; the delivery stays pending", NULL);
  if (!ok)
    pl_log(next < 0 ? PL_LOG_WARN : PL_LOG_NOTICE,
           next < 0 ? "webhook.given_up" : "webhook.retry", "delivery", d->id, "msg", answer,
           NULL);
}

/* Out of time: the delivery ends now. Its connection is cut loose (no
 * user any more) and closed at once, from this timer, outside any lws
 * callback: an lws timeout would not do, its sul fires late on our libev
 * loop (app/server.c). */
static void on_timeout(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop, (void)revents;
  delivery *d = w->data;
  finish(d, "no answer in time");
  if (d->wsi) {
    lws_set_wsi_user(d->wsi, NULL);
    lws_set_timeout(d->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_SYNC);
  }
  delivery_free(d); /* a name lookup still running will find no delivery */
  pl_deliver_kick();
}

/* Splits an http(s) URL for lws: host, port and path (with its query). */
static bool url_split(const char *url, char *host, size_t hcap, int *port, char *path,
                      size_t pcap, bool *tls) {
  *tls = strncmp(url, "https://", 8) == 0;
  const char *h = url + (*tls ? 8 : 7);
  size_t hn = strcspn(h, ":/?");
  if (!hn || hn >= hcap)
    return false;
  memcpy(host, h, hn);
  host[hn] = '\0';
  const char *rest = h + hn;
  *port = *tls ? 443 : 80;
  if (*rest == ':') {
    char *end;
    long p = strtol(rest + 1, &end, 10);
    if (p < 1 || p > 65535)
      return false;
    *port = (int)p;
    rest = end;
  }
  snprintf(path, pcap, "%s%s", *rest == '/' ? "" : "/", rest);
  return true;
}

/* Opens the connection to `address` (numeric); the Host header and TLS's
 * name are the URL's host. */
static void connect_to(delivery *d, const char *address) {
  struct lws_client_connect_info i;
  memset(&i, 0, sizeof i);
  i.context = pl_srv->ctx;
  i.vhost = pl_srv->client_vh;
  i.address = address;
  i.port = d->port;
  i.path = d->path;
  i.host = d->host;
  i.origin = d->host;
  i.method = "POST";
  i.alpn = "http/1.1";
  i.ssl_connection = (d->tls ? LCCSCF_USE_SSL : 0) | LCCSCF_HTTP_NO_FOLLOW_REDIRECT;
  i.local_protocol_name = pl_deliver_protocol.name;
  i.userdata = d;
  i.pwsi = &d->wsi;
  /* A NULL return may have called CONNECTION_ERROR, which freed d, or not. */
  uint64_t serial = d->serial;
  if (!lws_client_connect_via_info(&i) && flying_by_serial(serial)) {
    finish(d, "could not open a connection");
    delivery_free(d);
  }
}

/* The name lookup's answer, on the loop: the delivery may have timed out. */
static void resolved(void *token, const char *addr, const char *why) {
  delivery *d = flying_by_serial((uint64_t)(uintptr_t)token);
  if (!d || d->wsi)
    return;
  if (addr)
    return connect_to(d, addr);
  finish(d, why);
  delivery_free(d);
  pl_deliver_kick();
}

static void launch(int slot, const pl_outbox_row *r) {
  delivery *d = calloc(1, sizeof *d);
  if (!d)
    return;
  d->serial = ++serials;
  d->row = r->id;
  d->webhook = r->webhook;
  d->seq = r->seq;
  d->first_at = r->first_at;
  d->attempts = r->attempts;
  snprintf(d->stream, sizeof d->stream, "%s", r->stream);
  snprintf(d->ev, sizeof d->ev, "%s", r->ev);
  snprintf(d->id, sizeof d->id, "%s:%llu", r->stream, (unsigned long long)r->seq);
  memcpy(d->sig, "sha256=", 7);
  d->body = malloc(LWS_PRE + r->len);
  if (!d->body || pl_hmac_sha256_hex(r->secret, strlen(r->secret), r->body, r->len,
                                     d->sig + 7)) {
    free(d->body);
    free(d);
    return;
  }
  memcpy(d->body + LWS_PRE, r->body, r->len);
  d->len = r->len;
  ev_timer_init(&d->timeout, on_timeout, PL_DELIVER_TIMEOUT_S, 0.);
  d->timeout.data = d;
  flying[slot] = d;
  ev_timer_start(pl_srv->loop, &d->timeout);
  if (!url_split(r->url, d->host, sizeof d->host, &d->port, d->path, sizeof d->path,
                 &d->tls)) {
    finish(d, "the URL cannot be split into host, port and path");
    return delivery_free(d);
  }
  if (pl_resolve_is_numeric(d->host))
    return connect_to(d, d->host);
  if (pl_resolve(d->host, (void *)(uintptr_t)d->serial, resolved)) {
    finish(d, "could not start a name lookup");
    delivery_free(d);
  }
}

typedef struct pump_ctx {
  int64_t now, soonest; /* the soonest row not yet due, 0: none */
} pump_ctx;

static int pump_one(void *ctx, const pl_outbox_row *r) {
  pump_ctx *p = ctx;
  if (in_flight(r->webhook))
    return 0;
  if (r->next_at > p->now) {
    if (!p->soonest || r->next_at < p->soonest)
      p->soonest = r->next_at;
    return 0;
  }
  int slot = free_slot();
  if (slot < 0)
    return 1; /* the bound: the next answer pumps again */
  launch(slot, r);
  return 0;
}

static void on_retry(struct ev_loop *loop, ev_timer *w, int revents);

static void pump(void) {
  if (stopped || !pl_srv->client_vh)
    return;
  pump_ctx p = {pl_now_ms(), 0};
  pl_store_outbox_heads(pl_srv->store, pump_one, &p);
  if (!retry_init) {
    ev_timer_init(&retry, on_retry, 0., 0.);
    retry_init = true;
  }
  ev_timer_stop(pl_srv->loop, &retry);
  if (p.soonest) {
    ev_timer_set(&retry, (double)(p.soonest - p.now) / 1000.0 + 0.001, 0.);
    ev_timer_start(pl_srv->loop, &retry);
  }
}

static void on_retry(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop, (void)w, (void)revents;
  pump();
}

/* After a commit or a delivery's end, which may be inside an lws callback:
 * the pump runs from the loop's next pass, not inside lws' close of this
 * connection, and once for many commits in one pass. A zero timer, not an
 * idle watcher: a busy loop never idles. */
static ev_timer later;
static bool later_init;
static void on_later(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop, (void)w, (void)revents;
  pump();
}

void pl_deliver_kick(void) {
  /* With several nodes every node has the outbox; the holder of the timers
   * delivers, and a node taking them goes on from its own copy (receivers
   * de-duplicate by the delivery id). */
  if (stopped || !pl_srv->client_vh || pl_srv->follows)
    return;
  if (!later_init) {
    ev_timer_init(&later, on_later, 0., 0.);
    later_init = true;
  }
  if (!ev_is_active(&later))
    ev_timer_start(pl_srv->loop, &later);
}

void pl_deliver_start(void) {
  stopped = false;
  pl_resolve_start();
  pl_deliver_kick();
}

void pl_deliver_stop(void) {
  stopped = true;
  pl_resolve_stop();
  if (retry_init)
    ev_timer_stop(pl_srv->loop, &retry);
  if (later_init)
    ev_timer_stop(pl_srv->loop, &later);
  for (int i = 0; i < PL_DELIVER_IN_FLIGHT; i++)
    if (flying[i])
      ev_timer_stop(pl_srv->loop, &flying[i]->timeout);
}

static void keep_answer(delivery *d, const char *in, size_t len) {
  size_t room = sizeof d->answer - 1 - d->answer_len;
  size_t n = len < room ? len : room;
  for (size_t k = 0; k < n; k++) /* the log and the reply are text */
    d->answer[d->answer_len++] = (unsigned char)in[k] < 0x20 ? ' ' : in[k];
  d->answer[d->answer_len] = '\0';
}

static int deliver_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                            void *in, size_t len) {
  delivery *d = user;
  if (!d) /* cut loose by on_timeout, which closes it */
    return reason == LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER ||
                   reason == LWS_CALLBACK_CLIENT_HTTP_WRITEABLE ||
                   reason == LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP ||
                   reason == LWS_CALLBACK_RECEIVE_CLIENT_HTTP ||
                   reason == LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ
               ? -1
               : 0;
  switch (reason) {
  case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
    unsigned char **p = in, *end = *p + len;
    char cl[24];
    snprintf(cl, sizeof cl, "%zu", d->len);
    const char *names[] = {"content-type:", "content-length:", "x-plenary-event:",
                           "x-plenary-delivery:", "x-plenary-signature:"};
    const char *values[] = {"application/json", cl, d->ev, d->id, d->sig};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
      if (lws_add_http_header_by_name(wsi, (const unsigned char *)names[k],
                                      (const unsigned char *)values[k], (int)strlen(values[k]),
                                      p, end))
        return -1;
    lws_client_http_body_pending(wsi, 1);
    lws_callback_on_writable(wsi);
    return 0;
  }
  case LWS_CALLBACK_CLIENT_HTTP_WRITEABLE:
    if (d->sent) /* the body goes once, in one write */
      return 0;
    d->sent = true;
    lws_client_http_body_pending(wsi, 0);
    if (lws_write(wsi, d->body + LWS_PRE, d->len, LWS_WRITE_HTTP_FINAL) != (int)d->len)
      return -1;
    return 0;
  case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
    d->status = (int)lws_http_client_http_response(wsi);
    return 0;
  case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
    d->read += len;
    keep_answer(d, in, len);
    return d->read > PL_DELIVER_ANSWER_MAX ? -1 : 0;
  case LWS_CALLBACK_RECEIVE_CLIENT_HTTP: {
    char buf[LWS_PRE + 2048], *px = buf + LWS_PRE;
    int n = (int)sizeof buf - LWS_PRE;
    return lws_http_client_read(wsi, &px, &n) < 0 ? -1 : 0;
  }
  case LWS_CALLBACK_COMPLETED_CLIENT_HTTP:
    finish(d, NULL);
    return 0;
  case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
    d->status = 0;
    finish(d, in ? (const char *)in : "the connection failed");
    delivery_free(d);
    pl_deliver_kick();
    return 0;
  case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
    if (!d->status)
      finish(d, "the connection closed without an answer");
    else
      finish(d, NULL); /* an answer whose end was the close */
    delivery_free(d);
    pl_deliver_kick();
    return 0;
  default:
    return 0;
  }
}

const struct lws_protocols pl_deliver_protocol = {"webhook", deliver_callback, 0, 0, 0, NULL,
                                                  0};
