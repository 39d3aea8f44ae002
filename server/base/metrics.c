/* Prometheus exposition of pl_metrics (metrics.h). */
#include "base/metrics.h"

#include <stdio.h>
#include <stdlib.h>

static const double bounds[PL_FANOUT_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                  0.05,   0.075, 0.1,    0.15,  0.25, 0.5,
                                                  1.0,    2.5};

void pl_fanout_hist_add(pl_fanout_hist *h, int64_t us, uint64_t n) {
  double s = (double)us / 1e6;
  size_t i = 0;
  while (i < PL_FANOUT_BUCKETS && s > bounds[i])
    i++;
  h->bucket[i] += n;
  h->sum_s += s * (double)n;
  h->count += n;
}

void pl_fanout_hist_merge(pl_fanout_hist *into, const pl_fanout_hist *from) {
  for (size_t i = 0; i <= PL_FANOUT_BUCKETS; i++)
    into->bucket[i] += from->bucket[i];
  into->sum_s += from->sum_s;
  into->count += from->count;
}

char *pl_metrics_render(const pl_metrics *m, size_t *len) {
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  if (!f)
    return NULL;
  fprintf(f,
          "# HELP plenary_connections Open WebSocket connections.\n"
          "# TYPE plenary_connections gauge\nplenary_connections %llu\n"
          "# HELP plenary_connections_total WebSocket connections accepted.\n"
          "# TYPE plenary_connections_total counter\nplenary_connections_total %llu\n"
          "# HELP plenary_messages_in_total Frames received.\n"
          "# TYPE plenary_messages_in_total counter\nplenary_messages_in_total %llu\n"
          "# HELP plenary_messages_out_total Frames sent.\n"
          "# TYPE plenary_messages_out_total counter\nplenary_messages_out_total %llu\n"
          "# HELP plenary_bytes_out_total Payload bytes sent.\n"
          "# TYPE plenary_bytes_out_total counter\nplenary_bytes_out_total %llu\n"
          "# HELP plenary_resyncs_total Sessions told to resync after falling behind.\n"
          "# TYPE plenary_resyncs_total counter\nplenary_resyncs_total %llu\n"
          "# HELP plenary_keepalive_pings_total Pings sent to peers quiet for the keepalive time.\n"
          "# TYPE plenary_keepalive_pings_total counter\nplenary_keepalive_pings_total %llu\n"
          "# HELP plenary_keepalive_drops_total Connections dropped for not answering a ping.\n"
          "# TYPE plenary_keepalive_drops_total counter\nplenary_keepalive_drops_total %llu\n"
          "# HELP plenary_reply_drops_total Connections closed for leaving replies unread.\n"
          "# TYPE plenary_reply_drops_total counter\nplenary_reply_drops_total %llu\n"
          "# HELP plenary_sockets Open client connections of every kind (HTTP and WebSocket).\n"
          "# TYPE plenary_sockets gauge\nplenary_sockets %llu\n"
          "# HELP plenary_refused_total Connections refused at a cap, by cap.\n"
          "# TYPE plenary_refused_total counter\n"
          "plenary_refused_total{cap=\"global\"} %llu\n"
          "plenary_refused_total{cap=\"address\"} %llu\n"
          "# HELP plenary_header_timeouts_total Requests whose headers were not read in time (400).\n"
          "# TYPE plenary_header_timeouts_total counter\nplenary_header_timeouts_total %llu\n"
          "# HELP plenary_http_refused_total Requests answered 400, 414 or 431 for their form.\n"
          "# TYPE plenary_http_refused_total counter\nplenary_http_refused_total %llu\n"
          "# HELP plenary_accept_errors_total accept() failures (the listener backs off).\n"
          "# TYPE plenary_accept_errors_total counter\nplenary_accept_errors_total %llu\n"
          "# HELP plenary_ops_total Requests by result.\n# TYPE plenary_ops_total counter\n",
          (unsigned long long)m->connections_open, (unsigned long long)m->connections_total,
          (unsigned long long)m->messages_in, (unsigned long long)m->messages_out,
          (unsigned long long)m->bytes_out, (unsigned long long)m->resyncs,
          (unsigned long long)m->pings, (unsigned long long)m->silent_drops,
          (unsigned long long)m->reply_drops, (unsigned long long)m->sockets_open,
          (unsigned long long)m->refused_global, (unsigned long long)m->refused_address,
          (unsigned long long)m->header_timeouts, (unsigned long long)m->http_refused,
          (unsigned long long)m->accept_errors);
  for (int e = 0; e < PL_ERR__COUNT; e++)
    fprintf(f, "plenary_ops_total{result=\"%s\"} %llu\n", pl_err_code((pl_err)e),
            (unsigned long long)m->ops[e]);
  fprintf(f, "# HELP plenary_fanout_seconds Time from publishing an event to writing it to "
             "one session.\n# TYPE plenary_fanout_seconds histogram\n");
  uint64_t cum = 0;
  for (int i = 0; i < PL_FANOUT_BUCKETS; i++) {
    cum += m->fanout.bucket[i];
    fprintf(f, "plenary_fanout_seconds_bucket{le=\"%g\"} %llu\n", bounds[i],
            (unsigned long long)cum);
  }
  cum += m->fanout.bucket[PL_FANOUT_BUCKETS];
  fprintf(f,
          "plenary_fanout_seconds_bucket{le=\"+Inf\"} %llu\n"
          "plenary_fanout_seconds_sum %.6f\nplenary_fanout_seconds_count %llu\n",
          (unsigned long long)cum, m->fanout.sum_s, (unsigned long long)m->fanout.count);
  fprintf(f,
          "# HELP plenary_cluster_fenced_total Changes decided again because another node's "
          "came first.\n# TYPE plenary_cluster_fenced_total counter\n"
          "plenary_cluster_fenced_total %llu\n"
          "# HELP plenary_cluster_applied The log's sequence this node has applied.\n"
          "# TYPE plenary_cluster_applied gauge\nplenary_cluster_applied %llu\n"
          "# HELP plenary_cluster_leads 1 while this node decides the timers.\n"
          "# TYPE plenary_cluster_leads gauge\nplenary_cluster_leads %llu\n"
          "# HELP plenary_cluster_connected 1 while the link to NATS is up (seen each second).\n"
          "# TYPE plenary_cluster_connected gauge\nplenary_cluster_connected %llu\n",
          (unsigned long long)m->cluster_fenced, (unsigned long long)m->cluster_applied,
          (unsigned long long)m->cluster_leads, (unsigned long long)m->cluster_connected);
  if (fclose(f)) {
    free(buf);
    return NULL;
  }
  *len = size;
  return buf;
}
