/*
 * What the nodes tell each other that is not logged (gossip.c): plain core
 * NATS messages on one subject, at most once, in the order each node sent
 * them, to whichever nodes are connected. The attendance (who is connected
 * to which node, live/presence.c) travels here: it is not a change of
 * anything, and a node that dies takes its connections with it.
 *
 * Messages arrive on NATS's thread; they are queued here and wake(arg) is
 * called, and the loop takes them with pl_gossip_take, as the log's
 * consumer does (jetstream.h).
 */
#ifndef PL_CLUSTER_GOSSIP_H
#define PL_CLUSTER_GOSSIP_H

#include <stddef.h>
#include <stdint.h>

#include "cluster/jetstream.h"

typedef struct pl_gossip pl_gossip;

/* Subscribes to `subject`. Returns the gossip, or NULL with err. */
pl_gossip *pl_gossip_open(pl_js *js, const char *subject, void (*wake)(void *), void *arg,
                          char *err, size_t errlen);
void pl_gossip_close(pl_gossip *g);

/* Sends one message (buffered by the client; lost while NATS is away). */
void pl_gossip_send(pl_gossip *g, const char *body, size_t len);

/* Moves the queued messages out, oldest first (pl_js_item, js_seq 0):
 * *items is malloc'd (free each body, then the array). Returns how many. */
size_t pl_gossip_take(pl_gossip *g, pl_js_item **items);

/* How many times the connection was made again since it opened: a change
 * says that messages may have been lost meanwhile. */
uint64_t pl_gossip_reconnects(pl_gossip *g);

#endif
