/*
 * A meeting's room as one JSON text (snapshot.c): what the store keeps
 * every so many events (store.h, pl_store_snapshot_put), so that a restart
 * loads the last one and replays only the events after it, instead of the
 * whole stream. One codec writes and reads it, and it carries the whole
 * pl_room: the policy, every item (its definition, list, clock, deadline
 * and ledgers), the floor, the entry counter and the sitting.
 *
 *   {"snapshot": 1, "policy": {...}, "current": 0, "next_entry": 7,
 *    "sitting": "open", "floor": FLOOR|null, "items": [ITEM...]}
 *
 * A text of another version, or one that does not decode, is refused: the
 * caller then replays the whole stream, which is always correct.
 */
#ifndef PL_WIRE_SNAPSHOT_H
#define PL_WIRE_SNAPSHOT_H

#include <stddef.h>

#include "core/err.h"
#include "core/room.h"

/* The version this code writes and the only one it reads. */
#define PL_SNAPSHOT_VERSION 1

/* The room as JSON text: malloc'd (the caller frees it), *len bytes
 * without the NUL that ends it. NULL when out of memory. */
char *pl_snapshot_encode(const pl_room *r, size_t *len);

/* Builds `out` from a text pl_snapshot_encode wrote. Returns PL_ERR_OK (the
 * caller releases `out` with pl_room_release), or PL_ERR_BAD_REQUEST with
 * `why` saying what is wrong (unknown version, damaged text, out of
 * memory), and then nothing needs releasing. */
pl_err pl_snapshot_decode(const char *text, size_t len, pl_room *out, char *why,
                          size_t whylen);

/* True when room `r` has the agenda `items` (n of them), as a meeting's
 * record holds it: a snapshot taken before the agenda changed is not the
 * meeting's room any more. */
bool pl_snapshot_agenda_is(const pl_room *r, const pl_item_def *items, size_t n);

#endif
