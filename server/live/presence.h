/*
 * The attendance across the nodes of a cluster (presence.c, docs/CLUSTER.md
 * "Attendance"): each node tells the others, on core NATS, how many
 * connections each participant has on it in each meeting, so that a chair
 * on any node sees every node's connections. It is not logged: nothing is
 * decided from it, and a node that dies takes its connections with it.
 *
 * Every node sends a heartbeat each second; a node not heard from for
 * PL_PRESENCE_TIMEOUT_MS is gone, and its connections are dropped from every
 * attendance. A node that hears a node it does not know (a new one, one
 * back after a cut, or every one after NATS restarted) tells it everything
 * it has and asks for the same, so messages lost meanwhile do not stay lost.
 *
 * Without --cluster none of this runs and pl_presence_share does nothing.
 */
#ifndef PL_LIVE_PRESENCE_H
#define PL_LIVE_PRESENCE_H

#include <stddef.h>

#include "cluster/jetstream.h"
#include "live/live.h"

#define PL_PRESENCE_TIMEOUT_MS 3000

/* Starts telling and listening, on js's connection. Returns 0, or -1 with
 * err. */
int pl_presence_start(pl_js *js, const char *node, char *err, size_t errlen);
/* Tells the others this node's connections are gone, and stops. */
void pl_presence_stop(void);

/* The attendee's connections on this node changed: the others are told. */
void pl_presence_share(const pl_live *m, const pl_attendee *a);

#endif
