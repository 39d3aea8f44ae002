/*
 * How far a clustered node's database has followed the log (docs/CLUSTER.md):
 * the JetStream sequence of the last change applied to it. Written in the
 * transaction that applies the change, so the view and the mark never
 * disagree, and read at start to follow the log from the next one.
 */
#ifndef PL_STORE_APPLIED_H
#define PL_STORE_APPLIED_H

#include <stdint.h>

#include "store/store.h"

/* The last JetStream sequence applied; 0 for a database that never
 * followed one. Makes the table if it is missing. */
pl_store_rc pl_store_applied_get(pl_store *s, uint64_t *js_seq);

/* Inside a transaction: the change at js_seq is applied. */
pl_store_rc pl_store_applied_set(pl_store *s, uint64_t js_seq);

#endif
