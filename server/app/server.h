/*
 * The application (server.c): the configuration main.c parses, and the lws
 * context, vhost and loop that carry the static files, the dynamic
 * endpoints and the WebSocket on one port, TLS unless --plain.
 */
#ifndef PL_APP_SERVER_H
#define PL_APP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/server.h"

typedef struct pl_config {
  const char *listen_addr; /* "127.0.0.1" */
  int port;                /* 0: any free port */
  const char *db;
  const char *web;
  const char *cert, *key;  /* NULL with plain */
  bool plain;
  const char **origins;    /* NULL-terminated; empty: any origin */
  bool demo;
  int log_level;           /* a pl_log_level (base/log.h) */
  int log_format;          /* a pl_log_format */
  const char *log_file;    /* NULL: stderr (journald); reopened on SIGHUP */
  const char *port_file;   /* write the listening port here (tests) */
  int keepalive_s;         /* ping a peer silent this long */
  int fanout_threads;      /* send() workers beside the service thread */
  size_t fanout_split;     /* audiences this large are split among them */
  bool no_coalesce;        /* write each frame at once, not once per loop turn */
  int snapshot_every;      /* a meeting's room is kept every this many events; 0: never */
  int max_conns;           /* connections of every kind; 0: the file limit less a reserve */
  int max_conns_per_address; /* 0: the default (app/door.h) */
  int header_timeout_s;    /* a request's headers must arrive within; 0: the default */
  const char *cluster;     /* nats://HOST:PORT: one node of several (docs/CLUSTER.md); NULL: alone */
  const char *node;        /* this node's name in the cluster */
  int cluster_replicas;    /* replicas of the log: 0 for 1; 3 in production */
  const char *jitsi_secret_file, *hook_secret_file;
  pl_video_cfg video;      /* Jitsi and the hooks' secret (docs/VIDEO.md) */
} pl_config;

/* Runs the server until SIGINT/SIGTERM; SIGHUP reopens the log file and
 * reloads the TLS pair. Returns the process exit status. */
int pl_server_run(const pl_config *cfg);

#endif
