/*
 * Meetings held in memory (live.h): the registry, the load at start, the
 * floor's expiry timer and the state a joining session is sent.
 *
 * At start each meeting's record comes from the meetings view and its room
 * from its newest snapshot (store/snapshots.h, written by the commit path
 * every so many events) and the events after it, replayed one by one
 * through the same pl_room_apply that the commit path uses, so a restart
 * after kill -9 resumes every floor where its last committed event left
 * it, in time proportional to the events since the snapshot rather than
 * to the whole stream.
 */
#include "live/live.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/server.h"
#include "core/invariant.h"
#include "live/audience.h"
#include "live/cluster.h"
#include "live/commit.h"
#include "live/decisions.h"
#include "live/screens.h"
#include "store/snapshots.h"
#include "store/store.h"
#include "store/webhooks.h"
#include "wire/codec.h"
#include "wire/meeting_json.h"
#include "wire/snapshot.h"

/* --- registry -------------------------------------------------------------- */

pl_live *pl_live_get(const char *meeting_id) {
  int64_t n = pl_id_parse(meeting_id, 'm');
  return n >= 0 && (size_t)n < pl_srv->n_live ? pl_srv->live[n] : NULL;
}

pl_live *pl_live_new(pl_meeting_rec *rec) {
  pl_live *m = calloc(1, sizeof *m);
  if (!m || pl_room_init(&m->room, &rec->policy, rec->items, rec->n_items) != PL_ERR_OK) {
    free(m);
    return NULL;
  }
  m->rec = *rec; /* takes the items */
  snprintf(m->stream.id, sizeof m->stream.id, "%s", rec->id);
  rec->items = NULL;
  rec->n_items = 0;
  return m;
}

void pl_live_free(pl_live *m) {
  if (!m)
    return;
  if (pl_srv && pl_srv->loop)
    ev_timer_stop(pl_srv->loop, &m->expiry);
  pl_room_release(&m->room);
  pl_meeting_rec_release(&m->rec);
  free(m->subs);
  free(m->presiding);
  free(m->att);
  free(m->att_map);
  free(m);
}

bool pl_live_reserve_slot(int64_t n) {
  if (n < 0)
    return false;
  if ((size_t)n < pl_srv->n_live)
    return true;
  size_t cap = (size_t)n + 16;
  pl_live **grown = realloc(pl_srv->live, cap * sizeof *grown);
  if (!grown)
    return false;
  memset(grown + pl_srv->n_live, 0, (cap - pl_srv->n_live) * sizeof *grown);
  pl_srv->live = grown;
  pl_srv->n_live = cap;
  return true;
}

void pl_live_install(pl_live *m) {
  int64_t n = pl_id_parse(m->rec.id, 'm');
  PL_ASSERT(n >= 0 && (size_t)n < pl_srv->n_live && !pl_srv->live[n]);
  pl_srv->live[n] = m;
}

/* --- the load at start ----------------------------------------------------- */

/* The programme stream's events: its views are in the store already; its
 * decisions and the rooms' screen links are built here. */
static int replay_programme(void *ctx, uint64_t seq, const char *body, size_t len) {
  (void)ctx;
  return pl_screens_text_is_screen(body, len) ? pl_screens_replay(seq, body, len)
                                              : pl_decisions_replay(seq, body, len);
}

/* One event of a meeting's stream after its snapshot (or all of them),
 * replayed into its room through the same pl_room_apply as the commit
 * path. */
static int replay_meeting(void *ctx, uint64_t seq, const char *body, size_t len) {
  pl_live *m = ctx;
  const char *stream = m->rec.id;
  if (seq != m->stream.seq + 1) {
    lwsl_err("replay: meeting %s: event %llu follows %llu, a gap in the log\n", stream,
             (unsigned long long)seq, (unsigned long long)m->stream.seq);
    return 1;
  }
  bool room_event;
  int failed = pl_event_replay(&m->room, body, len, &room_event);
  m->room_events += room_event;
  if (failed)
    lwsl_err("replay: meeting %s event %llu is damaged\n", stream, (unsigned long long)seq);
  m->stream.seq = seq;
  return failed;
}

typedef struct snapshot_try {
  pl_live *m;
  uint64_t last; /* the stream's last seq */
} snapshot_try;

/* One of the meeting's snapshots, newest first: the first that decodes and
 * fits becomes its room (stopping the walk). One that does not is left for
 * the one before it, and with none the whole stream is replayed: slower,
 * never wrong. */
static int snapshot_one(void *ctx, const pl_snapshot_row *row) {
  snapshot_try *t = ctx;
  pl_live *m = t->m;
  pl_room r;
  char why[160];
  if (pl_snapshot_decode(row->body, row->len, &r, why, sizeof why) != PL_ERR_OK) {
    /* logged below */
  } else if (row->seq > t->last || !pl_snapshot_agenda_is(&r, m->rec.items, m->rec.n_items)) {
    snprintf(why, sizeof why, "%s", row->seq > t->last ? "it is ahead of the log"
                                                       : "the agenda changed after it");
    pl_room_release(&r);
  } else {
    /* The room follows the record's policy, as install does (commit.c). */
    r.policy = m->rec.policy;
    pl_room_release(&m->room);
    m->room = r;
    m->stream.seq = row->seq;
    m->room_events = row->room_events;
    return 1;
  }
  char seq[24];
  snprintf(seq, sizeof seq, "%llu", (unsigned long long)row->seq);
  pl_log(PL_LOG_WARN, "snapshot.ignored", "meeting", m->rec.id, "seq", seq, "msg", why, NULL);
  return 0;
}

/* A meeting's room at start: its newest usable snapshot, then the events
 * after it, through the (stream, seq) index. A range scan costs a random
 * lookup per event (670 ms against 390 for one scan of the log in commit
 * order, when 100,000 events were all replayed), but it reads only the
 * events after each snapshot, never the rest of the log. */
static int load_room(pl_live *m) {
  snapshot_try t = {.m = m};
  if (pl_store_stream_last(pl_srv->store, m->rec.id, &t.last) != PL_STORE_OK)
    return -1;
  pl_store_rc rc = pl_store_snapshot_newest(pl_srv->store, m->rec.id, snapshot_one, &t);
  if (rc != PL_STORE_OK && rc != PL_STORE_STOPPED)
    return -1;
  return pl_store_stream_each(pl_srv->store, m->rec.id, m->stream.seq, replay_meeting, m) ==
                 PL_STORE_OK
             ? 0
             : -1;
}

static int load_one(void *ctx, const char *id, const char *body) {
  (void)ctx;
  pl_meeting_rec rec;
  char msg[256];
  json_error_t err;
  json_t *o = json_loads(body, 0, &err);
  if (pl_meeting_init_defaults(&rec) || !o ||
      pl_meeting_from_json(&rec, o, PL_MEETING_LOAD, msg, sizeof msg) != PL_ERR_OK) {
    lwsl_err("load: meeting %s is damaged: %s\n", id, o ? msg : err.text);
    json_decref(o);
    pl_meeting_rec_release(&rec);
    return -1;
  }
  json_decref(o);
  snprintf(rec.id, sizeof rec.id, "%s", id);
  pl_live *m = pl_live_new(&rec);
  if (!m || !pl_live_reserve_slot(pl_id_parse(id, 'm')) || pl_live_get(id)) {
    lwsl_err("load: meeting %s: out of memory, or twice in the view\n", id);
    pl_live_free(m);
    pl_meeting_rec_release(&rec);
    return -1;
  }
  pl_live_install(m);
  return 0;
}

int pl_live_load_all(void) {
  pl_programme *p = &pl_srv->prog;
  pl_decisions_init();
  if (pl_store_stream_last(pl_srv->store, PL_PROGRAMME_STREAM, &p->seq) != PL_STORE_OK ||
      pl_store_next_ids(pl_srv->store, &p->next_delegation, &p->next_participant,
                        &p->next_meeting, &p->next_group) != PL_STORE_OK ||
      pl_store_next_webhook(pl_srv->store, &p->next_webhook) != PL_STORE_OK ||
      pl_store_meeting_each(pl_srv->store, load_one, NULL) != PL_STORE_OK ||
      pl_store_stream_each(pl_srv->store, PL_PROGRAMME_STREAM, 0, replay_programme, NULL) !=
          PL_STORE_OK)
    return -1;
  for (size_t i = 0; i < pl_srv->n_live; i++)
    if (pl_srv->live[i] && load_room(pl_srv->live[i]))
      return -1;
  /* Anything past due while the server was down fires once, now: a
   * floor's expiry, a procedure's deadline. */
  for (size_t i = 0; i < pl_srv->n_live; i++)
    if (pl_srv->live[i])
      pl_live_arm(pl_srv->live[i]);
  pl_decisions_arm();
  return 0;
}

void pl_live_cancel_timers(void) {
  pl_decisions_cancel_timer();
  for (size_t i = 0; i < pl_srv->n_live; i++)
    if (pl_srv->live[i]) {
      ev_timer_stop(pl_srv->loop, &pl_srv->live[i]->expiry);
      pl_srv->live[i]->armed_deadline = 0;
    }
}

void pl_live_free_all(void) {
  for (size_t i = 0; i < pl_srv->n_live; i++)
    pl_live_free(pl_srv->live[i]);
  free(pl_srv->live);
  pl_srv->live = NULL;
  pl_decisions_free();
  pl_srv->n_live = 0;
}

/* --- the floor's timer ----------------------------------------------------- */

static void on_deadline(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop;
  (void)revents;
  pl_live *m = lws_container_of(w, pl_live, expiry);
  int64_t now = pl_now_ms();
  pl_events evs;
  m->armed_deadline = 0;
  if (!pl_cluster_leads())
    return; /* the clock is another node's to decide: it arms again on taking it */
  if (pl_room_tick(&m->room, now, &evs) == PL_ERR_OK && evs.n) {
    pl_change ch;
    char msg[128];
    pl_change_init(&ch, now);
    pl_change_room(&ch, m, &evs);
    pl_err e = pl_change_commit(&ch, msg, sizeof msg);
    pl_change_release(&ch);
    if (e != PL_ERR_OK) {
      /* The store refused: try again shortly rather than lose the expiry. */
      ev_timer_set(&m->expiry, 1., 0.);
      ev_timer_start(pl_srv->loop, &m->expiry);
      return;
    }
  }
  pl_live_arm(m);
}

void pl_live_arm(pl_live *m) {
  int64_t deadline = pl_room_deadline(&m->room);
  if (deadline == m->armed_deadline)
    return;
  m->armed_deadline = deadline;
  ev_timer_stop(pl_srv->loop, &m->expiry);
  if (!deadline)
    return;
  int64_t wait_ms = deadline - pl_now_ms();
  ev_timer_init(&m->expiry, on_deadline, wait_ms > 0 ? (double)wait_ms / 1000.0 : 0., 0.);
  ev_timer_start(pl_srv->loop, &m->expiry);
}

/* --- state ----------------------------------------------------------------- */

bool pl_session_presides(const pl_session *s, const pl_live *m) {
  if (s->who.role == PL_ROLE_SECRETARIAT)
    return true;
  /* Only the chair the meeting names: one with none is presided by the
   * secretariat, not by any chair (a chair may sit in a State's
   * delegation, and would preside every meeting left unnamed). */
  /* A delegate is named chair only once elected (pl_meeting_check_chair). */
  return (s->who.role == PL_ROLE_CHAIR || s->who.role == PL_ROLE_DELEGATE) &&
         m->rec.chair[0] && strcmp(m->rec.chair, s->who.id) == 0;
}

/* What the policy has counted against the session's delegation in the open
 * item (rights of reply, observer interventions): the client shows what is
 * left, and derives nothing the server decides. */
static json_t *ledger_json(const pl_item *cur, const pl_session *s) {
  int32_t replies = 0, interventions = 0;
  for (size_t i = 0; cur && i < cur->n_tally; i++)
    if (strcmp(cur->tally[i].delegation, s->delegation.id) == 0) {
      replies = cur->tally[i].replies;
      interventions = cur->tally[i].interventions;
    }
  return json_pack("{s:s, s:i, s:i}", "item", cur ? cur->def.id : "", "replies", (int)replies,
                   "interventions", (int)interventions);
}

json_t *pl_live_state(pl_live *m, const pl_session *s, int64_t now) {
  const pl_item *cur = pl_room_current_item(&m->room);
  json_t *items = json_array();
  bool presides = pl_session_presides(s, m);
  for (size_t i = 0; items && i < m->room.n_items; i++)
    json_array_append_new(items, pl_json_item(&m->room.items[i].def));
  json_t *st = json_pack("{s:o, s:I, s:s, s:o, s:b, s:o, s:o, s:I, s:b}", "meeting",
                         pl_json_meeting(&m->rec), "seq", (json_int_t)m->stream.seq, "item",
                         cur ? cur->def.id : "", "items", items, "list_closed",
                         cur ? cur->list_closed : false, "queue",
                         cur ? pl_json_queue(cur) : json_array(), "floor",
                         pl_json_floor(&m->room.floor), "server_time", (json_int_t)now,
                         "presides", presides);
  if (st) {
    json_object_set_new(st, "contingents", pl_json_contingents(&m->room, cur));
    json_object_set_new(st, "deadline", cur && cur->deadline_at ? json_integer(cur->deadline_at)
                                                                 : json_null());
    if (cur)
      json_object_set_new(st, "item_clock", pl_json_item_clock(cur, cur->open_since));
    json_object_set_new(st, "sitting", json_string(PL_ENUM_NAME(pl_sitting, m->room.sitting)));
  }
  if (st && presides) {
    json_object_set_new(st, "attendance", pl_live_attendance(m));
    json_object_set_new(st, "screen_link", json_boolean(m->has_screen));
  }
  if (st && s->delegation.id[0])
    json_object_set_new(st, "ledger", ledger_json(cur, s));
  return st;
}
