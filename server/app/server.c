/*
 * The lws context and the one vhost: static files from --web, the dynamic
 * endpoints, and the WebSocket, on one port, TLS unless --plain.
 *
 * Two traps of lws 4.1.6 on Debian shape this file (LIBRARY-NOTES 4.1, 8):
 * HTTP/2 is kept off with alpn "http/1.1" (its WebSocket-over-h2 path has
 * known defects), and the libev loop is used, because the default poll()
 * loop scans every descriptor on every pass and falls over at ten thousand
 * clients.
 */
#include <errno.h>
#include <ev.h>
#include <openssl/ssl.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/server.h"

#include "app/bootstrap.h"
#include "app/docstore.h"
#include "ops/ops_report.h"
#include "app/door.h"
#include "app/early.h"
#include "app/dblock.h"
#include "app/http.h"
#include "app/http_respond.h"
#include "app/read_on.h"
#include "app/redact.h"
#include "app/service.h"
#include "app/tls.h"
#include "app/ws.h"
#include "base/log.h"
#include "base/server.h"
#include "live/cluster.h"
#include "live/live.h"
#include "net/fanout.h"
#include "net/deliver.h"
#include "ops/deferred.h"
#include "net/keepalive.h"
#include "net/session.h"
#include "store/store.h"

/* We own the libev loop and hand it to lws as a "foreign" loop (the pattern
 * of lws' minimal-http-server-eventlib-foreign): that way SIGINT and SIGTERM
 * are ordinary libev watchers that break the loop on the service thread,
 * and shutdown is ours to order: break, destroy the context, let libev run
 * lws' last closes, then free the loop.
 *
 * Our timers (hello deadline, floor expiry) are plain ev_timers on that
 * loop, not lws_sul: lws 4.1's libev glue re-arms its single hrtimer with
 * ev_timer_start on an already active watcher, which libev ignores, so a sul
 * earlier than the one armed (a 10 s hello under the 30 s ping validity)
 * fired only when the later one did. */
static void on_stop_signal(struct ev_loop *loop, ev_signal *w, int revents) {
  (void)w;
  (void)revents;
  pl_srv->stopping = true; /* /readyz says so from now on */
  pl_service_stopping(loop);
  ev_break(loop, EVBREAK_ALL);
}

/* Points stderr at the log file, opened again: after logrotate moved the old
 * one away, the next line goes to a new file. Without a log file, stderr is
 * journald's and stays as it is. */
static int reopen_log(const char *path) {
  if (!path)
    return 0;
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0)
    return -1;
  int rc = dup2(fd, STDERR_FILENO) < 0 ? -1 : 0;
  close(fd);
  return rc;
}

/* SIGHUP: the log file, then the TLS pair. A pair that does not load is
 * logged and the old one stays in use; no connection is dropped either way. */
static void on_reload_signal(struct ev_loop *loop, ev_signal *w, int revents) {
  (void)loop;
  (void)revents;
  const pl_config *cfg = w->data;
  char why[512] = "";
  pl_service_reloading();
  if (reopen_log(cfg->log_file))
    pl_log(PL_LOG_ERROR, "reload.failed", "what", "log-file", "file", cfg->log_file, "msg",
           strerror(errno), NULL);
  if (!cfg->plain && pl_tls_reload(cfg->cert, cfg->key, why, sizeof why))
    pl_log(PL_LOG_WARN, "reload.failed", "what", "tls", "msg", why,
           "cert", cfg->cert, NULL);
  else
    pl_log(PL_LOG_NOTICE, "reload", "tls", cfg->plain ? "off" : "reloaded", "cert",
           cfg->plain ? NULL : cfg->cert, NULL);
  pl_service_reloaded();
}

/* True when a Sec-WebSocket-Protocol list ("a, plenary.v1") names ours. */
static bool names_plenary(const char *list) {
  const char *want = "plenary.v1";
  size_t n = strlen(want);
  for (const char *p = list; *p;) {
    p += strspn(p, " ,");
    size_t len = strcspn(p, " ,");
    if (len == n && strncmp(p, want, n) == 0)
      return true;
    p += len;
  }
  return false;
}

/* protocols[0]: vets WebSocket upgrades, then serves HTTP. An upgrade that
 * names no plenary.v1 would be bound by lws to this HTTP protocol and left
 * open with no hello deadline and no keepalive (LIBRARY-NOTES 9): refuse it
 * with a status before the handshake completes. */
static int pl_default_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                               void *in, size_t len) {
  if (reason == LWS_CALLBACK_OPENSSL_LOAD_EXTRA_SERVER_VERIFY_CERTS) {
    pl_tls_capture(user); /* the vhost's SSL_CTX, for SIGHUP (tls.h) */
    return 0;
  }
  int result;
  if (pl_door_callback(wsi, reason, user, in, len, &result))
    return result;
  if (reason != LWS_CALLBACK_HTTP_CONFIRM_UPGRADE)
    return pl_http_callback(wsi, reason, user, in, len);
  char hdr[256];
  if (lws_hdr_copy(wsi, hdr, sizeof hdr, WSI_TOKEN_PROTOCOL) <= 0 || !names_plenary(hdr)) {
    lws_return_http_status(wsi, HTTP_STATUS_BAD_REQUEST,
                           "the WebSocket subprotocol must be plenary.v1");
    return 1;
  }
  if (pl_srv->origins && pl_srv->origins[0]) {
    bool ok = false;
    if (lws_hdr_copy(wsi, hdr, sizeof hdr, WSI_TOKEN_ORIGIN) > 0)
      for (const char *const *o = pl_srv->origins; *o; o++)
        ok = ok || strcmp(*o, hdr) == 0;
    if (!ok) {
      lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, "origin not allowed");
      return 1;
    }
  }
  return 0;
}

/* The webhooks' client connections (net/deliver.h) get a vhost of their
 * own that listens nowhere: its protocols are theirs alone, and https
 * endpoints are checked against the system's CAs. */
static int create_client_vhost(void) {
  static struct lws_protocols list[2]; /* lws keeps the pointer; [1] ends it */
  list[0] = pl_deliver_protocol;
  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = list;
  info.vhost_name = "webhooks";
  info.alpn = "http/1.1";
  /* The bundle once: lws would also load the OS's default paths, the same
   * certificates again (60 ms here, at every start). */
  info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT | LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS;
  info.client_ssl_ca_filepath = "/etc/ssl/certs/ca-certificates.crt";
  pl_srv->client_vh = lws_create_vhost(pl_srv->ctx, &info);
  return pl_srv->client_vh ? 0 : -1;
}

static const struct lws_protocols protocols[] = {
    {"http", pl_default_callback, sizeof(pl_http_pss), 0, 0, NULL, 0},
    /* rx_buffer_size is allocated per connection (lws' rx_ubuf): 512 bytes
     * hold nearly every request; longer frames arrive in chunks that ws.c
     * reassembles. 4096 (the default) cost 3.5 KiB per connection. */
    {"plenary.v1", pl_ws_callback, sizeof(pl_session), 512, 0, NULL, 16384},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static const struct lws_protocol_vhost_options mime_json = {
    NULL, NULL, ".json", "application/json"};
static const struct lws_protocol_vhost_options mime_mjs = {
    &mime_json, NULL, ".mjs", "text/javascript"};
static const struct lws_protocol_vhost_options mime_svg = {
    &mime_mjs, NULL, ".svg", "image/svg+xml"};
static const struct lws_protocol_vhost_options mime_ics = {
    &mime_svg, NULL, ".ics", "text/calendar"};

/* Sent with every static file. The CSP allows no inline script or style. */
static const struct lws_protocol_vhost_options hdr_csp = {
    NULL, NULL, "content-security-policy:",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; media-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"};
static const struct lws_protocol_vhost_options hdr_nosniff = {
    &hdr_csp, NULL, "x-content-type-options:", "nosniff"};
static const struct lws_protocol_vhost_options hdr_referrer = {
    &hdr_nosniff, NULL, "referrer-policy:", "no-referrer"};
/* With TLS on, browsers are told to come back only over TLS (two years, as
 * Mozilla's guidelines give). */
static const struct lws_protocol_vhost_options hdr_hsts = {
    &hdr_referrer, NULL, "strict-transport-security:", "max-age=63072000"};

/* Mozilla's "intermediate" profile: TLS 1.2 with AEAD suites and forward
 * secrecy only, and TLS 1.3. OpenSSL 3 already refuses 1.0 and 1.1, but
 * offers CBC suites with SHA-1 MACs on 1.2 (LIBRARY-NOTES 9). */
static const char tls12_ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
static const char tls13_ciphers[] =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";


/* lws' own validity checks off (no hangup time): keepalive.c does them in
 * O(1) per connection. */
static const lws_retry_bo_t no_validity = {.secs_since_valid_ping = 0,
                                           .secs_since_valid_hangup = 0};

static int write_port_file(const char *path, int port) {
  FILE *f = fopen(path, "w");
  if (!f)
    return -1;
  fprintf(f, "%d\n", port);
  return fclose(f);
}

int pl_server_run(const pl_config *cfg) {
  static pl_server srv;
  char err[512];
  int status = 1;

  if (reopen_log(cfg->log_file)) {
    fprintf(stderr, "plenaryd: log-file: cannot open %s: %s\n", cfg->log_file, strerror(errno));
    return 2;
  }
  struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
  ev_signal sigint_w, sigterm_w, sighup_w;
  void *foreign[1] = {loop};
  if (!loop) {
    fprintf(stderr, "plenaryd: cannot create the event loop\n");
    return 1;
  }
  memset(&srv, 0, sizeof srv);
  srv.loop = loop;
  pl_srv = &srv;
  srv.origins = cfg->origins;
  srv.web_dir = cfg->web;
  srv.video = &cfg->video;
  srv.snapshot_every = cfg->snapshot_every > 0 ? (uint64_t)cfg->snapshot_every : 0;
  pl_door_config door = {.max_conns = cfg->max_conns,
                         .max_per_address = cfg->max_conns_per_address,
                         .header_timeout_s = cfg->header_timeout_s, .tls = !cfg->plain};
  if (pl_door_init(&door)) {
    fprintf(stderr, "plenaryd: out of memory\n");
    ev_loop_destroy(loop);
    return 1;
  }
  srv.tls = !cfg->plain;
  srv.store = pl_store_open(cfg->db, err, sizeof err);
  if (!srv.store) {
    pl_door_free();
    fprintf(stderr, "plenaryd: %s\n", err);
    ev_loop_destroy(loop);
    return 1;
  }
  /* After the open, which makes the database's folder: one server a file. */
  int lock = pl_db_lock(cfg->db, err, sizeof err);
  if (lock < 0) {
    fprintf(stderr, "plenaryd: %s\n", err);
    pl_store_close(srv.store);
    pl_door_free();
    ev_loop_destroy(loop);
    return 1;
  }
  if (pl_live_load_all()) {
    fprintf(stderr, "plenaryd: could not load the database %s\n", cfg->db);
    goto out_live;
  }
  /* A node of several follows the log before it bootstraps or serves: what
   * the others made is here first. */
  if (cfg->cluster) {
    pl_cluster_config cc = {.url = cfg->cluster, .node = cfg->node,
                            .replicas = cfg->cluster_replicas ? cfg->cluster_replicas : 1};
    if (!cfg->node) {
      fprintf(stderr, "plenaryd: --cluster needs --node NAME, unique among the nodes\n");
      goto out_live;
    }
    if (pl_cluster_start(&cc, err, sizeof err)) {
      fprintf(stderr, "plenaryd: cluster: %s\n", err);
      goto out_live;
    }
  }
  if (pl_bootstrap(cfg)) {
    fprintf(stderr, "plenaryd: could not load the database %s\n", cfg->db);
    goto out_live;
  }
  if (pl_docstore_open(cfg->db, err, sizeof err)) {
    fprintf(stderr, "plenaryd: %s\n", err);
    goto out_live;
  }

  struct lws_context_creation_info info;
  memset(&info, 0, sizeof info);
  /* OpenSSL is set up even on a plain port: webhooks may be https. */
  info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_LIBEV |
                 LWS_SERVER_OPTION_DISABLE_IPV6 * (strchr(cfg->listen_addr, ':') == NULL) |
                 LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
  /* On a plain port the door has answered a head over 8 KB already
   * (early.c); under TLS lws must hold one to let the door answer it. */
  info.max_http_header_data = cfg->plain ? PL_DOOR_HEADERS_MAX : PL_TLS_HEADERS_MAX;
  info.foreign_loops = foreign;
  srv.ctx = lws_create_context(&info);
  if (!srv.ctx) {
    fprintf(stderr, "plenaryd: could not create the lws context\n");
    goto out_live;
  }

  /* One mount per route of http.c's table, then the static files. */
  struct lws_http_mount m_dyn[8], m_root = {0};
  const struct lws_http_mount *next = NULL;
  if (pl_http_route_count > sizeof m_dyn / sizeof m_dyn[0])
    goto out_ctx;
  for (size_t i = pl_http_route_count; i-- > 0;) {
    memset(&m_dyn[i], 0, sizeof m_dyn[i]);
    m_dyn[i].mount_next = next;
    m_dyn[i].mountpoint = pl_http_routes[i].mount;
    m_dyn[i].mountpoint_len = (unsigned char)strlen(pl_http_routes[i].mount);
    m_dyn[i].protocol = "http";
    m_dyn[i].origin_protocol = LWSMPRO_CALLBACK;
    next = &m_dyn[i];
  }
  m_root.mount_next = next;
  m_root.mountpoint = "/";
  m_root.mountpoint_len = 1;
  m_root.origin = cfg->web;
  m_root.def = "index.html";
  m_root.origin_protocol = LWSMPRO_FILE;
  m_root.cache_max_age = 0;
  m_root.cache_revalidate = 1;
  m_root.extra_mimetypes = &mime_ics;

  info.port = cfg->port;
  info.iface = cfg->listen_addr;
  info.protocols = protocols;
  info.mounts = &m_root;
  info.headers = cfg->plain ? &hdr_referrer : &hdr_hsts;
  info.vhost_name = "plenary";
  info.retry_and_idle_policy = &no_validity;
  info.alpn = "http/1.1";
  /* A request's headers get the door's deadline; a kept-alive connection
   * that sends no next request is let go after lws' idle time. */
  info.timeout_secs_ah_idle = 5;
  info.keepalive_timeout = 5;
  if (!cfg->plain) {
    info.ssl_cert_filepath = cfg->cert;
    info.ssl_private_key_filepath = cfg->key;
    info.ssl_cipher_list = tls12_ciphers;
    info.tls1_3_plus_cipher_list = tls13_ciphers;
    info.ssl_options_set = SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1;
  }
  /* It makes no client connection (the webhooks' vhost does): no CA
   * bundle to load, which was a third of the time to a first join. */
  info.options |= LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS;
  srv.vh = lws_create_vhost(srv.ctx, &info);
  if (!srv.vh) {
    fprintf(stderr, "plenaryd: cannot listen on %s:%d, or cannot load the TLS certificate and key\n", cfg->listen_addr, cfg->port);
    status = 2;
    goto out_ctx;
  }
  if (create_client_vhost())
    pl_log(PL_LOG_WARN, "deliver", "msg", "no client vhost: webhooks are not delivered", NULL);
  int port = lws_get_vhost_listen_port(srv.vh);
  char url[160];
  snprintf(url, sizeof url, "%s://%s:%d", cfg->plain ? "http" : "https", cfg->listen_addr, port);
  pl_log(PL_LOG_NOTICE, "start", "msg", "plenaryd " PLENARY_VERSION " listening", "url", url,
         "db", cfg->db, NULL);
  if (cfg->port_file && write_port_file(cfg->port_file, port))
    fprintf(stderr, "plenaryd: cannot write %s\n", cfg->port_file);
  if (cfg->demo && pl_demo_print_links(cfg, port))
    goto out_ctx;

  signal(SIGPIPE, SIG_IGN);
  pl_door_start();
  char cap[16];
  snprintf(cap, sizeof cap, "%d", pl_door_max_conns());
  pl_log(PL_LOG_NOTICE, "door", "msg", "connections capped", "max_conns", cap, NULL);
  pl_keepalive_start(cfg->keepalive_s);
  pl_deliver_start();
  pl_reports_start();
  if (pl_deferred_start())
    pl_log(PL_LOG_WARN, "deferred", "msg",
           "the worker thread did not start; long ops run on the service thread", NULL);
  if (pl_fanout_start(cfg->fanout_threads, cfg->fanout_split, !cfg->no_coalesce))
    pl_log(PL_LOG_WARN, "fanout", "msg",
           "fan-out threads did not start; the service thread sends alone", NULL);
  if (!cfg->plain)
    pl_read_on_start();
  ev_signal_init(&sigint_w, on_stop_signal, SIGINT);
  ev_signal_init(&sigterm_w, on_stop_signal, SIGTERM);
  ev_signal_init(&sighup_w, on_reload_signal, SIGHUP);
  sighup_w.data = (void *)cfg;
  ev_signal_start(loop, &sigint_w);
  ev_signal_start(loop, &sigterm_w);
  ev_signal_start(loop, &sighup_w);
  pl_service_ready(loop, url);
  ev_run(loop, 0);
  ev_signal_stop(loop, &sigint_w);
  ev_signal_stop(loop, &sigterm_w);
  ev_signal_stop(loop, &sighup_w);
  pl_log(PL_LOG_NOTICE, "stop", "msg", "plenaryd stopping", NULL);
  status = 0;
out_ctx:
  srv.stopping = true;
  pl_service_stopping(loop);
  pl_deferred_stop(); /* before the cluster's link: an upload's worker may be using it */
  pl_cluster_stop(); /* its watchers would keep the closing loop below running */
  pl_live_cancel_timers();
  pl_deliver_stop();
  pl_door_stop();
  pl_early_close_all();
  pl_keepalive_stop(); /* the loop below runs until no watcher is left */
  pl_reports_stop();
  lws_context_destroy(srv.ctx);
  srv.ctx = NULL;
  ev_run(loop, 0); /* lets lws finish closing on the loop, then returns */
out_live:
  pl_cluster_stop();
  pl_fanout_stop();
  pl_read_on_stop();
  free(srv.sessions); /* emptied by the closes above */
  pl_live_free_all();
  pl_store_close(srv.store);
  pl_door_free();
  close(lock);
  ev_loop_destroy(loop);
  return status;
}
