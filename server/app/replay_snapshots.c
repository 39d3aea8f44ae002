/*
 * The snapshots against the log, for plenaryd replay --check (replay.h).
 * Each meeting that has snapshots is replayed from its first event, as a
 * start without snapshots would replay it (the record's policy and agenda,
 * then every event through pl_event_replay), and at each snapshot's seq the
 * room the log makes there is encoded and must be, byte for byte, what the
 * snapshot decodes to and encodes again with the record's policy (as a
 * start loads it). A snapshot taken before the agenda changed is one a
 * start ignores: counted, not an error.
 */
#include "app/replay.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/snapshots.h"
#include "store/store.h"
#include "wire/codec.h"
#include "wire/meeting_json.h"
#include "wire/snapshot.h"

typedef struct check {
  pl_store *db;
  char stream[PL_ID_LEN]; /* the meeting replayed in `room` */
  pl_meeting_rec rec;
  bool has_rec;
  pl_room room;
  uint64_t seq, room_events, target;
  size_t agree, stale;
  char why[512];
} check;

static int find_meeting(void *ctx, const char *id, const char *body) {
  check *c = ctx;
  if (strcmp(id, c->stream) != 0)
    return 0;
  char msg[256];
  json_error_t err;
  json_t *o = json_loads(body, 0, &err);
  bool ok = !pl_meeting_init_defaults(&c->rec) && o &&
            pl_meeting_from_json(&c->rec, o, PL_MEETING_LOAD, msg, sizeof msg) == PL_ERR_OK;
  json_decref(o);
  if (!ok)
    pl_meeting_rec_release(&c->rec);
  c->has_rec = ok;
  return 1;
}

static void forget(check *c) {
  if (c->has_rec) {
    pl_room_release(&c->room);
    pl_meeting_rec_release(&c->rec);
  }
  c->has_rec = false;
  c->stream[0] = '\0';
}

/* Starts replaying `stream`: its record, a room with its agenda. */
static int begin(check *c, const char *stream) {
  forget(c);
  snprintf(c->stream, sizeof c->stream, "%s", stream);
  c->seq = c->room_events = 0;
  if (pl_store_meeting_each(c->db, find_meeting, c) == PL_STORE_ERROR || !c->has_rec ||
      pl_room_init(&c->room, &c->rec.policy, c->rec.items, c->rec.n_items) != PL_ERR_OK) {
    if (c->has_rec)
      pl_meeting_rec_release(&c->rec);
    c->has_rec = false;
    snprintf(c->why, sizeof c->why, "snapshots of %s, a meeting the view does not hold",
             stream);
    return 1;
  }
  return 0;
}

static int replay_to(void *ctx, uint64_t seq, const char *body, size_t len) {
  check *c = ctx;
  bool room_event;
  if (seq != c->seq + 1 || pl_event_replay(&c->room, body, len, &room_event)) {
    snprintf(c->why, sizeof c->why, "log: %s event %llu does not replay", c->stream,
             (unsigned long long)seq);
    return -1;
  }
  c->seq = seq;
  c->room_events += room_event;
  return seq == c->target;
}

static int snapshot_one(void *ctx, const pl_snapshot_row *row) {
  check *c = ctx;
  if (strcmp(row->stream, c->stream) != 0 && begin(c, row->stream))
    return 1;
  c->target = row->seq;
  c->why[0] = '\0';
  pl_store_rc rc = row->seq > c->seq ? pl_store_stream_each(c->db, c->stream, c->seq,
                                                            replay_to, c)
                                     : PL_STORE_OK;
  if (c->why[0] || rc == PL_STORE_ERROR)
    return 1;
  if (c->seq != row->seq) {
    snprintf(c->why, sizeof c->why, "snapshot: %s at seq %llu is ahead of its log (%llu)",
             c->stream, (unsigned long long)row->seq, (unsigned long long)c->seq);
    return 1;
  }
  pl_room got;
  char why[160];
  if (pl_snapshot_decode(row->body, row->len, &got, why, sizeof why) != PL_ERR_OK) {
    snprintf(c->why, sizeof c->why, "snapshot: %s at seq %llu: %s", c->stream,
             (unsigned long long)row->seq, why);
    return 1;
  }
  if (!pl_snapshot_agenda_is(&got, c->rec.items, c->rec.n_items)) {
    c->stale++; /* a start ignores it */
    pl_room_release(&got);
    return 0;
  }
  got.policy = c->rec.policy;
  size_t n1 = 0, n2 = 0;
  char *made = pl_snapshot_encode(&c->room, &n1), *kept = pl_snapshot_encode(&got, &n2);
  pl_room_release(&got);
  int stop = 0;
  if (!made || !kept) {
    snprintf(c->why, sizeof c->why, "out of memory");
    stop = 1;
  } else if (n1 != n2 || memcmp(made, kept, n1) != 0 || c->room_events != row->room_events) {
    snprintf(c->why, sizeof c->why,
             "snapshot: %s at seq %llu is not the room its log makes there", c->stream,
             (unsigned long long)row->seq);
    stop = 1;
  } else {
    c->agree++;
  }
  free(made);
  free(kept);
  return stop;
}

int pl_replay_check_snapshots(pl_store *db, size_t *agree, size_t *stale, char *why,
                              size_t whylen) {
  check c = {.db = db};
  pl_store_rc rc = pl_store_snapshot_each(db, snapshot_one, &c);
  forget(&c);
  *agree = c.agree;
  *stale = c.stale;
  if (rc == PL_STORE_OK)
    return 0;
  snprintf(why, whylen, "%s", rc == PL_STORE_STOPPED ? c.why : "cannot read the snapshots");
  return rc == PL_STORE_STOPPED ? 1 : 2;
}
