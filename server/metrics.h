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

typedef struct pl_metrics {
  uint64_t connections_open;
  uint64_t connections_total;
  uint64_t messages_in;
  uint64_t messages_out;
  uint64_t bytes_out;
  uint64_t resyncs;
  uint64_t ops[PL_ERR__COUNT]; /* by result: ok or the error code */
  uint64_t fanout_bucket[PL_FANOUT_BUCKETS + 1]; /* the last is +Inf */
  double fanout_sum_s;
  uint64_t fanout_count;
} pl_metrics;

/* Records one delivery of a published event, `us` after it was published. */
void pl_metrics_fanout(pl_metrics *m, int64_t us);

/* Renders the text exposition into a malloc'd string (caller frees). */
char *pl_metrics_render(const pl_metrics *m, size_t *len);

#endif
