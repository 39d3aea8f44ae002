/*
 * The lws side: the server's context and vhost (server.c), the WebSocket
 * protocol (ws.c) and the dynamic HTTP endpoints (http.c).
 */
#ifndef PL_TRANSPORT_H
#define PL_TRANSPORT_H

#include <libwebsockets.h>

#include "plenary.h"

typedef struct pl_config {
  const char *listen_addr; /* "127.0.0.1" */
  int port;                /* 0: any free port */
  const char *db;
  const char *web;
  const char *cert, *key;  /* NULL with plain */
  bool plain;
  const char **origins;    /* NULL-terminated; empty: any origin */
  bool demo;
  int log_level;           /* lws LLL_* mask */
  const char *port_file;   /* write the listening port here (tests) */
  int keepalive_s;         /* ping a peer silent this long */
  int fanout_threads;      /* send() workers beside the service thread */
  size_t fanout_split;     /* audiences this large are split among them */
} pl_config;

int pl_ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                   size_t len);
int pl_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                     size_t len);
/* protocols[0]: checks the Origin of WebSocket upgrades. */
int pl_default_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                        void *in, size_t len);

/* Runs the server until SIGINT/SIGTERM. Returns the process exit status. */
int pl_server_run(const pl_config *cfg);

#endif
