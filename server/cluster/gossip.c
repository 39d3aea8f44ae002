/* Core NATS messages between the nodes (gossip.h). */
#include "cluster/gossip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster/jetstream_impl.h"

struct pl_gossip {
  natsConnection *nc; /* borrowed from the link */
  natsSubscription *sub;
  char subject[128];
  pl_js_queue queue;
  void (*wake)(void *);
  void *wake_arg;
};

/* On NATS's thread. At most once: what finds no memory is lost, as on the
 * wire. */
static void on_message(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *arg) {
  (void)nc;
  (void)sub;
  pl_gossip *g = arg;
  pl_js_queue_push(&g->queue, msg, 0);
  g->wake(g->wake_arg);
}

pl_gossip *pl_gossip_open(pl_js *js, const char *subject, void (*wake)(void *), void *arg,
                          char *err, size_t errlen) {
  pl_gossip *g = calloc(1, sizeof *g);
  if (!g) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  pl_js_queue_init(&g->queue);
  g->nc = pl_js_conn(js);
  g->wake = wake;
  g->wake_arg = arg;
  snprintf(g->subject, sizeof g->subject, "%s", subject);
  natsStatus s = natsConnection_Subscribe(&g->sub, g->nc, subject, on_message, g);
  if (s != NATS_OK) {
    pl_js_say(err, errlen, subject, s, 0);
    pl_gossip_close(g);
    return NULL;
  }
  return g;
}

void pl_gossip_close(pl_gossip *g) {
  if (!g)
    return;
  if (g->sub) {
    /* what was just sent (a node's goodbye) goes before the connection */
    if (natsConnection_Status(g->nc) == NATS_CONN_STATUS_CONNECTED)
      natsConnection_FlushTimeout(g->nc, 500);
    pl_js_unsubscribe(g->sub);
  }
  pl_js_queue_release(&g->queue);
  free(g);
}

void pl_gossip_send(pl_gossip *g, const char *body, size_t len) {
  natsConnection_Publish(g->nc, g->subject, body, (int)len);
}

size_t pl_gossip_take(pl_gossip *g, pl_js_item **items) {
  return pl_js_queue_take(&g->queue, items);
}

uint64_t pl_gossip_reconnects(pl_gossip *g) {
  natsStatistics *st = NULL;
  uint64_t in_msgs, in_bytes, out_msgs, out_bytes, reconnects = 0;
  if (natsStatistics_Create(&st) == NATS_OK && natsConnection_GetStats(g->nc, st) == NATS_OK)
    natsStatistics_GetCounts(st, &in_msgs, &in_bytes, &out_msgs, &out_bytes, &reconnects);
  natsStatistics_Destroy(st);
  return reconnects;
}
