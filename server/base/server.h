/*
 * The one server's state, reached by every layer of the shell through the
 * global pl_srv (as Redis reaches its `server`): one thread, the lws service
 * loop, changes all of it, so it needs no lock, and no function takes the
 * server as a parameter as well. Each field says which layer owns it; the
 * types above this layer are only named here, never opened.
 */
#ifndef PL_BASE_SERVER_H
#define PL_BASE_SERVER_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/metrics.h"

struct lws_context;
struct lws_vhost;
typedef struct pl_store pl_store;
typedef struct pl_live pl_live;
typedef struct pl_session pl_session;

/* The programme stream's position and the ids it hands out next; loaded
 * from the store at start and advanced only after a change has committed. */
typedef struct pl_programme {
  uint64_t seq;
  int64_t next_delegation, next_participant, next_meeting, next_group;
  int64_t next_webhook; /* never reused, so counted from the log, not the view */
} pl_programme;

/* Video-conference coordination (docs/VIDEO.md): the Jitsi deployment that
 * joins are signed for, and the secret hooks in are checked with. The
 * secrets are read from files (app/config.c), never from a flag, and never
 * logged. Each length is 0 when that part is not configured. */
#define PL_VIDEO_SECRET_MAX 512
typedef struct pl_video_cfg {
  const char *jitsi_url;    /* "https://meet.example.org[/tenant]", no trailing slash; NULL: none */
  const char *jitsi_app_id; /* the JWT's iss, Prosody's app_id */
  uint8_t jitsi_secret[PL_VIDEO_SECRET_MAX];
  size_t jitsi_secret_len;
  uint8_t hook_secret[PL_VIDEO_SECRET_MAX];
  size_t hook_secret_len;
} pl_video_cfg;

typedef struct pl_server {
  struct lws_context *ctx;    /* app */
  struct lws_vhost *vh;       /* app */
  struct ev_loop *loop;       /* app: ours; lws runs on it as a foreign loop */
  const char *const *origins; /* app: borrowed from argv; NULL-terminated */
  const char *web_dir;        /* app */
  bool tls;                   /* app: false with --plain */
  pl_store *store;            /* store: owned */
  pl_programme prog;          /* live */
  pl_live **live;             /* live: owned; index = numeric meeting id */
  size_t n_live;
  pl_metrics metrics;         /* every layer counts here */
  bool stopping;              /* app: closing every connection is no dropped line */
  /* live/cluster.c: one node of several that does not hold the timers, so
   * what they drive (webhook deliveries) is another node's to do */
  bool follows;
  pl_session **sessions;      /* net: owned array of borrowed sessions */
  size_t n_sessions, cap_sessions;
  uint64_t session_serial;    /* net: the last session's serial */
  ev_timer keepalive;         /* net */
  int64_t ping_after_ms;      /* net */
  const pl_video_cfg *video;  /* app: borrowed from the configuration */
  /* live: a meeting's room is snapshot every this many events of its
   * stream (live/commit.c); 0: never */
  uint64_t snapshot_every;
  struct lws_vhost *client_vh; /* app: the webhooks' client connections (net/deliver.h) */
} pl_server;

extern pl_server *pl_srv;

#endif
