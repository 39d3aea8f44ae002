/*
 * Counters for GET /metrics (Prometheus text format). Plain integers bumped
 * on the service thread; rendering reads them on the same thread.
 */
#ifndef PL_METRICS_H
#define PL_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Upper bounds (seconds) of the fan-out latency histogram's buckets. */
#define PL_FANOUT_BUCKETS 14

/* Fan-out latency; the fan-out worker threads keep one each and it is merged
 * on the service thread. */
typedef struct pl_fanout_hist {
  uint64_t bucket[PL_FANOUT_BUCKETS + 1]; /* the last is +Inf */
  double sum_s;
  uint64_t count;
} pl_fanout_hist;

typedef struct pl_metrics {
  uint64_t connections_open;
  uint64_t connections_total;
  uint64_t messages_in;
  uint64_t messages_out;
  uint64_t bytes_out;
  uint64_t resyncs;
  uint64_t pings;          /* keepalive pings sent to quiet peers */
  uint64_t silent_drops;   /* connections dropped for not answering one */
  uint64_t reply_drops;    /* connections closed for leaving replies unread */
  uint64_t sockets_open;    /* connections of every kind (app/door.c) */
  uint64_t refused_global;  /* refused at the global cap */
  uint64_t refused_address; /* refused at the per-address cap */
  uint64_t header_timeouts; /* requests not read in time: 400 */
  uint64_t http_refused;    /* requests answered 400, 414 or 431 for their form */
  uint64_t accept_errors;   /* accept() failures lws reported */
  uint64_t ops[PL_ERR__COUNT]; /* by result: ok or the error code */
  pl_fanout_hist fanout;
  /* with --cluster (live/cluster.h) */
  uint64_t cluster_fenced;  /* appends refused: another node's change came first */
  uint64_t cluster_applied; /* the log's sequence applied here */
  uint64_t cluster_leads;   /* 1 while this node decides the timers */
  uint64_t cluster_connected; /* 1 while the link to NATS is up, as last seen (each second) */
} pl_metrics;

/* Records `n` deliveries of a published event, `us` after it was published. */
void pl_fanout_hist_add(pl_fanout_hist *h, int64_t us, uint64_t n);
/* Adds `from` into `into`. */
void pl_fanout_hist_merge(pl_fanout_hist *into, const pl_fanout_hist *from);

/* Renders the text exposition into a malloc'd string (caller frees). */
char *pl_metrics_render(const pl_metrics *m, size_t *len);

#endif
