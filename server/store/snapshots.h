/*
 * Snapshots of the meetings' rooms (snapshots.c; the text is
 * wire/snapshot.h's). live/commit.c writes one inside the transaction of
 * the event that completes every so many on a stream, and keeps only the
 * newest few; a start loads the newest that decodes and replays the events
 * after it (live/live.c). They are never the only copy of anything: the
 * log is, and a start without them replays it whole.
 */
#ifndef PL_STORE_SNAPSHOTS_H
#define PL_STORE_SNAPSHOTS_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

typedef struct pl_snapshot_row {
  const char *stream; /* borrowed, valid during the callback */
  uint64_t seq;       /* the last event the snapshot includes */
  uint64_t room_events; /* of those, the room events (not meeting.changed) */
  const char *body;   /* borrowed */
  size_t len;
} pl_snapshot_row;

/* Writes the snapshot of row->stream at row->seq, then drops all but the
 * newest `keep` (>= 1) of that stream. Inside a transaction. */
pl_store_rc pl_store_snapshot_put(pl_store *s, const pl_snapshot_row *row, int keep);

/* A nonzero return stops the walk (PL_STORE_STOPPED). */
typedef int (*pl_snapshot_cb)(void *ctx, const pl_snapshot_row *row);
/* The snapshots of `stream`, newest first. */
pl_store_rc pl_store_snapshot_newest(pl_store *s, const char *stream, pl_snapshot_cb cb,
                                     void *ctx);
/* Every snapshot, stream by stream, oldest first (plenaryd replay --check). */
pl_store_rc pl_store_snapshot_each(pl_store *s, pl_snapshot_cb cb, void *ctx);

#endif
