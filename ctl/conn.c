/*
 * One conversation with the server on the lws client API (ctl.h): the
 * WebSocket for ops, a plain GET for the record. Everything runs in one lws
 * service loop that ends when the conversation does, or at the deadline.
 *
 * lws 4.1 traps met here (LIBRARY-NOTES 3): a client frame is masked in
 * place, so each is written from its own buffer with LWS_PRE bytes of
 * headroom; a failed connect can come back as NULL or as
 * CLIENT_CONNECTION_ERROR, and both end the run.
 */
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "ctl.h"

typedef struct run {
  struct lws_context *ctx;
  const ctl_target *t;
  const ctl_talk *talk;
  int status;
  bool done;
  bool http;
  /* the WebSocket conversation */
  json_t *pending; /* owned: the request waiting for its reply */
  bool said_hello;
  json_int_t id;
  unsigned char *out; /* owned: LWS_PRE + the frame to write */
  size_t out_len;
  char *in; /* owned: a message in fragments */
  size_t in_len;
  /* the GET */
  int http_status;
  char *body;
  size_t body_len;
  lws_sorted_usec_list_t deadline;
} run;

static void finish(run *r, int status, const char *why) {
  if (r->done)
    return;
  r->done = true;
  r->status = status;
  if (why)
    fprintf(stderr, "plenaryctl: %s: %s\n", r->t->url, why);
  /* lws 4.1's service returns only when a descriptor wakes it, up to 30 s
   * after a timer ran (LIBRARY-NOTES 1): wake it so the loop sees `done` */
  if (r->ctx)
    lws_cancel_service(r->ctx);
}

static void on_deadline(lws_sorted_usec_list_t *sul) {
  run *r = lws_container_of(sul, run, deadline);
  finish(r, CTL_EXIT_TRANSPORT, "no answer in time (--timeout)");
}

static int append(char **buf, size_t *len, const void *in, size_t n) {
  char *grown = realloc(*buf, *len + n + 1);
  if (!grown)
    return -1;
  memcpy(grown + *len, in, n);
  *len += n;
  grown[*len] = '\0';
  *buf = grown;
  return 0;
}

/* Queues `req` (owned from now) with the next id, to be written when the
 * socket is writeable. */
static int send_request(struct lws *wsi, run *r, json_t *req) {
  json_object_set_new(req, "id", json_integer(++r->id));
  r->pending = req;
  char *text = json_dumps(req, JSON_COMPACT);
  if (!text)
    return -1;
  size_t n = strlen(text);
  free(r->out);
  r->out = malloc(LWS_PRE + n);
  if (!r->out) {
    free(text);
    return -1;
  }
  memcpy(r->out + LWS_PRE, text, n);
  r->out_len = n;
  free(text);
  lws_callback_on_writable(wsi);
  return 0;
}

/* After a reply: the next request, or a normal close when there is none. */
static int send_next(struct lws *wsi, run *r) {
  json_t *req = r->talk->next(r->talk->ctx);
  if (req)
    return send_request(wsi, r, req);
  finish(r, 0, NULL);
  lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, (unsigned char *)"done", 4);
  return -1;
}

static int on_message(struct lws *wsi, run *r) {
  json_error_t err;
  json_t *msg = json_loadb(r->in, r->in_len, 0, &err);
  r->in_len = 0;
  json_t *re = json_object_get(msg, "re");
  if (!json_is_integer(re) || json_integer_value(re) != r->id) {
    json_decref(msg); /* an event, or not for us */
    return 0;
  }
  json_t *req = r->pending;
  r->pending = NULL;
  int rc = r->talk->reply(r->talk->ctx, r->said_hello ? req : NULL, msg);
  if (!r->said_hello && rc == 0 && ctl_exit_of(msg) != 0) {
    /* the refusal, as JSON like every other reply, and why on stderr */
    json_dumpf(msg, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
    fputc('\n', stdout);
    fprintf(stderr, "plenaryctl: hello refused: %s\n",
            json_string_value(json_object_get(json_object_get(msg, "error"), "message")));
    rc = ctl_exit_of(msg);
  }
  r->said_hello = true;
  json_decref(req);
  json_decref(msg);
  if (rc) {
    finish(r, rc, NULL);
    return -1;
  }
  return send_next(wsi, r);
}

static int on_ws(struct lws *wsi, run *r, enum lws_callback_reasons reason, void *in,
                 size_t len) {
  switch (reason) {
  case LWS_CALLBACK_CLIENT_ESTABLISHED:
    return send_request(wsi, r, json_pack("{s:s, s:s}", "op", "hello", "token", r->t->token));
  case LWS_CALLBACK_CLIENT_WRITEABLE:
    if (!r->out_len)
      return 0;
    if (lws_write(wsi, r->out + LWS_PRE, r->out_len, LWS_WRITE_TEXT) < (int)r->out_len)
      return -1;
    r->out_len = 0;
    return 0;
  case LWS_CALLBACK_CLIENT_RECEIVE:
    if (append(&r->in, &r->in_len, in, len))
      return -1;
    return lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)
               ? on_message(wsi, r)
               : 0;
  case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
    if (len >= 2 && !r->done) {
      const unsigned char *p = in;
      char why[160];
      snprintf(why, sizeof why, "the server closed the connection: %d %.*s",
               p[0] << 8 | p[1], (int)(len - 2), (const char *)in + 2);
      finish(r, CTL_EXIT_TRANSPORT, why);
    }
    return 0;
  case LWS_CALLBACK_CLIENT_CLOSED:
    finish(r, CTL_EXIT_TRANSPORT, "the server closed the connection");
    return 0;
  default:
    return 0;
  }
}

static int on_http(struct lws *wsi, run *r, enum lws_callback_reasons reason, void *in,
                   size_t len) {
  switch (reason) {
  case LWS_CALLBACK_ESTABLISHED_CLIENT_HTTP:
    r->http_status = (int)lws_http_client_http_response(wsi);
    return 0;
  case LWS_CALLBACK_RECEIVE_CLIENT_HTTP: {
    char buf[LWS_PRE + 4096], *p = buf + LWS_PRE;
    int n = (int)sizeof buf - LWS_PRE;
    return lws_http_client_read(wsi, &p, &n) < 0 ? -1 : 0;
  }
  case LWS_CALLBACK_RECEIVE_CLIENT_HTTP_READ:
    return append(&r->body, &r->body_len, in, len);
  case LWS_CALLBACK_COMPLETED_CLIENT_HTTP: {
    char why[64];
    snprintf(why, sizeof why, "HTTP status %d", r->http_status);
    finish(r, r->http_status == 200 ? 0 : CTL_EXIT_TRANSPORT,
           r->http_status == 200 ? NULL : why);
    return 0;
  }
  case LWS_CALLBACK_CLOSED_CLIENT_HTTP:
    finish(r, CTL_EXIT_TRANSPORT, "the server closed the connection");
    return 0;
  default:
    return 0;
  }
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len) {
  (void)user;
  run *r = lws_context_user(lws_get_context(wsi));
  if (!r)
    return 0;
  if (reason == LWS_CALLBACK_CLIENT_CONNECTION_ERROR) {
    finish(r, CTL_EXIT_TRANSPORT, in ? (const char *)in : "cannot connect");
    return 0;
  }
  return r->http ? on_http(wsi, r, reason, in, len) : on_ws(wsi, r, reason, in, len);
}

static const struct lws_protocols protocols[] = {
    {"plenary.v1", callback, 0, 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* Connects to the target (path replaced when given) and serves the loop
 * until the run is done. */
static void serve(run *r, const char *path) {
  char url[1024];
  const char *prot, *addr, *upath;
  int port;
  snprintf(url, sizeof url, "%s", r->t->url);
  if (lws_parse_uri(url, &prot, &addr, &port, &upath)) {
    finish(r, CTL_EXIT_USAGE, "expected a URL such as wss://plenary.example.org");
    return;
  }
  bool tls = strcmp(prot, "wss") == 0 || strcmp(prot, "https") == 0;
  if (!tls && strcmp(prot, "ws") != 0 && strcmp(prot, "http") != 0) {
    finish(r, CTL_EXIT_USAGE, "the URL must start with wss://, ws://, https:// or http://");
    return;
  }
  if (!strchr(r->t->url + strlen(prot) + 3, ':'))
    port = tls ? 443 : 80;
  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = protocols;
  info.options = tls ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT : 0;
  info.client_ssl_ca_filepath = r->t->cafile;
  info.user = r;
  struct lws_context *ctx = r->ctx = lws_create_context(&info);
  if (!ctx) {
    finish(r, CTL_EXIT_TRANSPORT, "cannot set up the client (TLS?)");
    return;
  }
  char wspath[512];
  upath += strspn(upath, "/"); /* lws gives "/" or "ws", depending */
  snprintf(wspath, sizeof wspath, "/%s", *upath ? upath : "ws");
  struct lws_client_connect_info ci;
  memset(&ci, 0, sizeof ci);
  ci.context = ctx;
  ci.address = addr;
  ci.port = port;
  ci.path = path ? path : wspath;
  ci.host = addr;
  ci.origin = addr;
  ci.alpn = "http/1.1";
  ci.method = r->http ? "GET" : NULL;
  ci.protocol = r->http ? NULL : "plenary.v1";
  ci.local_protocol_name = "plenary.v1"; /* binds our callback to the GET too */
  ci.ssl_connection = tls ? LCCSCF_USE_SSL : 0;
  if (tls && r->t->insecure)
    ci.ssl_connection |= LCCSCF_ALLOW_SELFSIGNED | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
                         LCCSCF_ALLOW_EXPIRED | LCCSCF_ALLOW_INSECURE;
  lws_sul_schedule(ctx, 0, &r->deadline, on_deadline,
                   (lws_usec_t)r->t->timeout_s * LWS_US_PER_SEC);
  if (!lws_client_connect_via_info(&ci))
    finish(r, CTL_EXIT_TRANSPORT, "cannot connect");
  while (!r->done && lws_service(ctx, 0) >= 0)
    ;
  lws_sul_cancel(&r->deadline);
  r->ctx = NULL;
  lws_context_destroy(ctx);
}

int ctl_talk_run(const ctl_target *t, const ctl_talk *talk) {
  run r = {.t = t, .talk = talk};
  serve(&r, NULL);
  json_decref(r.pending);
  free(r.out);
  free(r.in);
  return r.status;
}

int ctl_http_get(const ctl_target *t, const char *path, char **body, size_t *len) {
  run r = {.t = t, .http = true};
  serve(&r, path);
  if (r.status) {
    free(r.body);
    return r.status;
  }
  *body = r.body ? r.body : strdup("");
  *len = r.body_len;
  return *body ? 0 : CTL_EXIT_TRANSPORT;
}

int ctl_exit_of(json_t *reply) {
  if (json_is_true(json_object_get(reply, "ok")))
    return 0;
  const char *code = json_string_value(json_object_get(json_object_get(reply, "error"), "code"));
  for (int e = 1; code && e < PL_ERR__COUNT; e++)
    if (strcmp(pl_err_code((pl_err)e), code) == 0)
      return CTL_EXIT_ERROR_BASE + e;
  return CTL_EXIT_ERROR_BASE; /* a code this plenaryctl does not know */
}
