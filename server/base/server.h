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
} pl_programme;

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
  pl_session **sessions;      /* net: owned array of borrowed sessions */
  size_t n_sessions, cap_sessions;
  uint64_t session_serial;    /* net: the last session's serial */
  ev_timer keepalive;         /* net */
  int64_t ping_after_ms;      /* net */
} pl_server;

extern pl_server *pl_srv;

#endif
