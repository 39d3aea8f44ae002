/*
 * This node as one of several (docs/CLUSTER.md), with --cluster: the log
 * is JetStream's, and this node's SQLite file and memory follow it.
 *
 * A change is decided where its request arrives, against the state this
 * node has applied, and appended to the log only if no other change has
 * been appended since that state (the append is fenced by the log's last
 * sequence). Then it is committed locally as in single-node mode. A change
 * appended by another node arrives through the node's consumer and is
 * rebuilt here from its record, as the deciding node built it, and
 * committed the same way, so every node's views, rooms and clients see the
 * same events in the same order. An append that was fenced is decided
 * again once this node has caught up. One node at a time holds the lease
 * "timers": only it decides what the clock decides (a floor's expiry, a
 * procedure's deadline).
 *
 * Without --cluster none of this runs: pl_cluster_on() is false, the
 * timers are this node's, and commits go to SQLite alone.
 */
#ifndef PL_LIVE_CLUSTER_H
#define PL_LIVE_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster/jetstream.h"
#include "core/err.h"

typedef struct pl_cluster_config {
  const char *url;  /* nats://host:port */
  const char *node; /* unique among the nodes */
  int replicas;     /* of the log: 3 in production */
} pl_cluster_config;

/* After the live state is loaded from SQLite: connects, applies what the
 * log has that this database has not, then follows the log and takes part
 * in the lease of the timers. Returns 0, or -1 with err. */
int pl_cluster_start(const pl_cluster_config *cfg, char *err, size_t errlen);
/* Gives the lease up (so another node takes the timers at once) and
 * disconnects. */
void pl_cluster_stop(void);

bool pl_cluster_on(void);
/* The link to NATS, for what travels beside the log (the documents'
 * files, cluster/files.h); NULL without --cluster. */
pl_js *pl_cluster_link(void);
/* True when this node decides what the clock decides: always without
 * --cluster; with it, while it holds the lease "timers". */
bool pl_cluster_leads(void);

/* From the commit path, before the local transaction: appends the change's
 * record (pl_change_record) to the log. PL_ERR_OK with *js_seq, the
 * record's place in the log; PL_ERR_UNAVAILABLE when the log did not take
 * it (then pl_cluster_was_fenced says whether another change came first,
 * and the request may be decided again after pl_cluster_catch_up). */
pl_err pl_cluster_append(const char *record, size_t len, uint64_t *js_seq, char *msg,
                         size_t msglen);
bool pl_cluster_was_fenced(void);

/* Applies, now, every change of the log that this node has not: fetched by
 * sequence, rebuilt and committed locally. Returns how many. */
size_t pl_cluster_catch_up(void);

#endif
