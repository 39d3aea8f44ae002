/*
 * restart_fill DB EVENTS [SNAPSHOT_EVERY]: the database of the restart benchmark
 * (tools/bench/run, BENCH_ONLY=restart). It adds one meeting to DB (a database
 * plenaryd has started on once: its programme and the secretariat's token are
 * there) and drives its floor until its stream holds exactly EVENTS events, every one
 * decided by the core and committed by the real commit path (live/commit.h):
 * encoded, appended with its hash, the views and the speeches written, a snapshot
 * every SNAPSHOT_EVERY events (1000; 0 for none), as plenaryd would. Only fsync is
 * off (pl_store_set_bulk): the benchmark times the start, not the fill.
 *
 * The floor goes round 48 States: one asks, the chair gives the next speaker the
 * floor and ends the speech (four events: queue.added, floor.changed, speech.ended,
 * floor.changed); the last few events are the list closed and opened. Prints the
 * meeting's id on stdout, progress on stderr.
 */
#include <ev.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/server.h"
#include "live/commit.h"
#include "live/live.h"
#include "store/store.h"
#include "wire/meeting_json.h"

#define STATES 48

static pl_server srv;

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static pl_live *new_meeting(int64_t now) {
  pl_meeting_rec rec;
  char msg[256];
  json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "title", "Restart benchmark", "kind",
                        "review_conference", "format", "hybrid", "tz", "Europe/Zurich", "start",
                        "2027-01-04T10:00", "end", "2027-01-04T18:00");
  if (pl_meeting_init_defaults(&rec) ||
      pl_meeting_from_json(&rec, o, PL_MEETING_CREATE, msg, sizeof msg) != PL_ERR_OK) {
    fprintf(stderr, "restart_fill: the meeting: %s\n", msg);
    exit(1);
  }
  json_decref(o);
  pl_change ch;
  pl_change_init(&ch, now);
  pl_live *m = pl_change_meeting_new(&ch, &rec, PL_PEV_MEETING_CREATED);
  pl_err e = pl_change_commit(&ch, msg, sizeof msg);
  pl_change_release(&ch);
  pl_meeting_rec_release(&rec);
  if (!m || e != PL_ERR_OK) {
    fprintf(stderr, "restart_fill: meeting.create: %s\n", msg);
    exit(1);
  }
  return pl_live_get(m->rec.id);
}

static pl_actor actor(int i) {
  pl_actor a = {.role = i < 0 ? PL_ROLE_CHAIR : PL_ROLE_DELEGATE, .presides = i < 0,
                .presence = PL_PRESENCE_ROOM, .region = -1};
  snprintf(a.participant, sizeof a.participant, "p%d", i < 0 ? 1 : 100 + i);
  snprintf(a.delegation.id, sizeof a.delegation.id, "d%d", i < 0 ? 1 : 100 + i);
  snprintf(a.delegation.name, sizeof a.delegation.name, "State %d", i + 1);
  a.delegation.kind = i < 0 ? PL_DELEGATION_SECRETARIAT : PL_DELEGATION_STATE;
  snprintf(a.name, sizeof a.name, "%s %d", i < 0 ? "Chair" : "Delegate", i + 1);
  return a;
}

/* One command's events, committed; exits when the core or the store refuses. */
static void commit(pl_live *m, pl_err decided, const pl_events *evs, int64_t now) {
  char msg[128];
  if (decided != PL_ERR_OK) {
    fprintf(stderr, "restart_fill: refused: %s\n", evs->message);
    exit(1);
  }
  pl_change ch;
  pl_change_init(&ch, now);
  pl_change_room(&ch, m, evs);
  pl_err e = pl_change_commit(&ch, msg, sizeof msg);
  pl_change_release(&ch);
  if (e != PL_ERR_OK) {
    fprintf(stderr, "restart_fill: commit: %s\n", msg);
    exit(1);
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: restart_fill DB EVENTS [SNAPSHOT_EVERY]\n");
    return 2;
  }
  uint64_t events = strtoull(argv[2], NULL, 10);
  char err[256];
  srv.loop = ev_loop_new(EVFLAG_AUTO);
  srv.snapshot_every = argc > 3 ? strtoull(argv[3], NULL, 10) : 1000;
  pl_srv = &srv;
  srv.store = pl_store_open(argv[1], err, sizeof err);
  if (!srv.store || pl_store_set_bulk(srv.store, true) != PL_STORE_OK || pl_live_load_all()) {
    fprintf(stderr, "restart_fill: %s: %s\n", argv[1], srv.store ? "cannot load" : err);
    return 1;
  }
  int64_t now = (int64_t)time(NULL) * 1000;
  pl_live *m = new_meeting(now);
  pl_actor chair = actor(-1), states[STATES];
  for (int i = 0; i < STATES; i++)
    states[i] = actor(i);
  pl_request req = {.kind = PL_SPEECH_STATEMENT};
  pl_events evs;
  double t0 = now_s();
  for (uint64_t i = 0; m->stream.seq < events; i++) {
    now += 1000;
    uint64_t left = events - m->stream.seq;
    if (left < 4) { /* one event at a time: the list closed, opened, closed */
      commit(m, m->room.items[0].list_closed ? pl_room_open(&m->room, &chair, now, &evs)
                                             : pl_room_close(&m->room, &chair, now, &evs),
             &evs, now);
      continue;
    }
    commit(m, pl_room_request(&m->room, &states[i % STATES], &req, now, &evs), &evs, now);
    commit(m, pl_room_next(&m->room, &chair, now + 100, &evs), &evs, now + 100);
    commit(m, pl_room_end(&m->room, &chair, now + 600, &evs), &evs, now + 600);
    if (i % 25000 == 0)
      fprintf(stderr, "restart_fill: %llu events, %.0f/s\n", (unsigned long long)m->stream.seq,
              (double)m->stream.seq / (now_s() - t0 + 1e-9));
  }
  fprintf(stderr, "restart_fill: %llu events on %s in %.1f s\n",
          (unsigned long long)m->stream.seq, m->rec.id, now_s() - t0);
  printf("%s\n", m->rec.id);
  pl_live_free_all();
  pl_store_close(srv.store);
  return 0;
}
