/*
 * Meetings held in memory: the record, the room rebuilt from the event log,
 * the sessions joined, the attendance and the floor's expiry timer.
 *
 * pl_live_commit is the one path of every change: encode each event once,
 * write it (and any finished speech) in one SQLite transaction, and only when
 * that commit has succeeded apply the events to the room and hand the same
 * encoded bytes to every joined session. A crash before the commit loses a
 * change nobody heard of; after it, the restart replays it.
 */
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "fanout.h"
#include "meeting_json.h"
#include "plenary.h"

/* Returns `arr` (n of *cap elements of `size` bytes used) with room for one
 * more, doubling *cap when full; NULL when out of memory, and then `arr`
 * and *cap are unchanged and still the caller's. */
void *pl_reserve(void *arr, size_t *cap, size_t n, size_t size, size_t first) {
  if (n < *cap)
    return arr;
  size_t grown_cap = *cap ? *cap * 2 : first;
  void *grown = realloc(arr, grown_cap * size);
  if (grown)
    *cap = grown_cap;
  return grown;
}

/* --- registry -------------------------------------------------------------- */

pl_live *pl_live_get(pl_server *srv, const char *meeting_id) {
  int64_t n = pl_id_parse(meeting_id, 'm');
  return n >= 0 && (size_t)n < srv->n_live ? srv->live[n] : NULL;
}

static void live_free(pl_live *m) {
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

pl_live *pl_live_add(pl_server *srv, pl_meeting_rec *rec) {
  int64_t n = pl_id_parse(rec->id, 'm');
  if (n < 0)
    return NULL;
  if ((size_t)n >= srv->n_live) {
    size_t cap = (size_t)n + 16;
    pl_live **grown = realloc(srv->live, cap * sizeof *grown);
    if (!grown)
      return NULL;
    memset(grown + srv->n_live, 0, (cap - srv->n_live) * sizeof *grown);
    srv->live = grown;
    srv->n_live = cap;
  }
  pl_live *m = calloc(1, sizeof *m);
  if (!m || pl_room_init(&m->room, &rec->policy, rec->items, rec->n_items) != PL_ERR_OK) {
    free(m);
    return NULL;
  }
  m->rec = *rec; /* takes the items */
  rec->items = NULL;
  rec->n_items = 0;
  live_free(srv->live[n]);
  srv->live[n] = m;
  return m;
}

typedef struct replay_ctx {
  pl_live *m;
  int failed;
} replay_ctx;

static int replay_one(void *ctx, uint64_t seq, const char *body, size_t len) {
  replay_ctx *rc = ctx;
  json_error_t err;
  json_t *o = json_loadb(body, len, 0, &err);
  const char *ev = json_string_value(json_object_get(o, "ev"));
  pl_event e;
  if (!o || !ev) {
    rc->failed = 1;
  } else if (strcmp(ev, "meeting.changed") != 0) {
    if (pl_event_from_json(o, &e) || pl_room_apply(&rc->m->room, &e) != PL_ERR_OK)
      rc->failed = 1;
    rc->m->room_events++;
  }
  json_decref(o);
  if (rc->failed)
    lwsl_err("replay: meeting %s event %llu is damaged\n", rc->m->rec.id,
             (unsigned long long)seq);
  rc->m->seq = seq;
  return rc->failed;
}

static int load_one(void *ctx, const char *id, const char *body) {
  pl_server *srv = ctx;
  pl_meeting_rec rec;
  char msg[256];
  json_error_t err;
  json_t *o = json_loads(body, 0, &err);
  if (pl_meeting_init_defaults(&rec) || !o ||
      pl_meeting_from_json(&rec, o, PL_MEETING_LOAD, msg, sizeof msg)) {
    lwsl_err("load: meeting %s is damaged: %s\n", id, o ? msg : err.text);
    json_decref(o);
    pl_meeting_rec_release(&rec);
    return -1;
  }
  json_decref(o);
  snprintf(rec.id, sizeof rec.id, "%s", id);
  pl_live *m = pl_live_add(srv, &rec);
  if (!m) {
    pl_meeting_rec_release(&rec);
    return -1;
  }
  replay_ctx rc = {m, 0};
  if (pl_store_event_each(srv->store, id, 0, replay_one, &rc))
    return -1;
  pl_live_arm(srv, m);
  return 0;
}

int pl_live_load_all(pl_server *srv) { return pl_store_meeting_each(srv->store, load_one, srv); }

void pl_live_cancel_timers(pl_server *srv) {
  for (size_t i = 0; i < srv->n_live; i++)
    if (srv->live[i]) {
      ev_timer_stop(srv->loop, &srv->live[i]->expiry);
      srv->live[i]->armed_deadline = 0;
    }
}

void pl_live_free_all(pl_server *srv) {
  for (size_t i = 0; i < srv->n_live; i++)
    live_free(srv->live[i]);
  free(srv->live);
  srv->live = NULL;
  srv->n_live = 0;
}

/* --- commit and publish ---------------------------------------------------- */

static int speech_group(pl_server *srv, const pl_speech *sp) {
  pl_delegation_rec d;
  return pl_store_delegation_get(srv->store, sp->entry.delegation.id, &d) == 0 ? d.group : -1;
}

int pl_live_commit(pl_server *srv, pl_live *m, const pl_events *evs, int64_t now) {
  pl_msg *msgs[PL_MAX_EVENTS] = {0};
  size_t n = evs->n;
  if (n == 0)
    return 0;
  if (pl_store_begin(srv->store))
    return -1;
  for (size_t i = 0; i < n; i++) {
    uint64_t seq = m->seq + i + 1;
    json_t *o = pl_json_event(&evs->ev[i], &m->room, m->rec.id, seq, now);
    msgs[i] = o ? pl_msg_new(o, true) : NULL;
    json_decref(o);
    if (!msgs[i] || pl_store_event_append(srv->store, m->rec.id, seq, evs->ev[i].at,
                                          pl_msg_text(msgs[i]), msgs[i]->len))
      goto out_rollback;
    if (evs->ev[i].type == PL_EV_SPEECH_ENDED &&
        pl_store_speech_insert(srv->store, m->rec.id, seq, &evs->ev[i].speech,
                               speech_group(srv, &evs->ev[i].speech)))
      goto out_rollback;
  }
  if (pl_store_commit(srv->store))
    goto out_rollback;
  for (size_t i = 0; i < n; i++) {
    if (pl_room_apply(&m->room, &evs->ev[i]) != PL_ERR_OK)
      lwsl_err("apply: meeting %s: event %s did not apply\n", m->rec.id,
               pl_event_names[evs->ev[i].type]);
    m->seq++;
    m->room_events++;
    pl_fanout(m->subs, m->n_subs, msgs[i]);
    pl_msg_unref(msgs[i]);
  }
  pl_live_arm(srv, m);
  return 0;
out_rollback:
  pl_store_rollback(srv->store);
  for (size_t i = 0; i < n; i++)
    pl_msg_unref(msgs[i]);
  return -1;
}

int pl_live_update_meeting(pl_server *srv, pl_live *m, pl_meeting_rec *next, int64_t now) {
  json_t *mj = pl_json_meeting(next);
  char *body = mj ? json_dumps(mj, JSON_COMPACT) : NULL;
  json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:O}", "ev", "meeting.changed", "meeting",
                        m->rec.id, "seq", (json_int_t)(m->seq + 1), "at", (json_int_t)now,
                        "meeting", mj);
  pl_msg *msg = o ? pl_msg_new(o, true) : NULL;
  json_decref(o);
  json_decref(mj);
  int rc = -1;
  if (!msg || !body || pl_store_begin(srv->store))
    goto out;
  /* The row and the event in one transaction: the feed and the log agree. */
  if (pl_store_meeting_update(srv->store, next, body) ||
      pl_store_event_append(srv->store, m->rec.id, m->seq + 1, now, pl_msg_text(msg),
                            msg->len) ||
      pl_store_commit(srv->store)) {
    pl_store_rollback(srv->store);
    goto out;
  }
  /* Committed: the new record replaces the old one, and the room follows
   * its policy (entries keep the allotment they were given). */
  pl_meeting_rec_release(&m->rec);
  m->rec = *next;
  next->items = NULL;
  next->n_items = 0;
  m->room.policy = m->rec.policy;
  pl_live_presiding_rebuild(m); /* the chair may have changed */
  m->seq++;
  pl_fanout(m->subs, m->n_subs, msg);
  rc = 0;
out:
  free(body);
  pl_msg_unref(msg);
  return rc;
}

/* --- the floor's timer ----------------------------------------------------- */

static void on_deadline(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop;
  (void)revents;
  pl_live *m = lws_container_of(w, pl_live, expiry);
  int64_t now = pl_now_ms();
  pl_events evs;
  m->armed_deadline = 0;
  if (pl_room_tick(&m->room, now, &evs) == PL_ERR_OK && evs.n &&
      pl_live_commit(pl_srv, m, &evs, now)) {
    /* The store refused: try again shortly rather than lose the expiry. */
    ev_timer_set(&m->expiry, 1., 0.);
    ev_timer_start(pl_srv->loop, &m->expiry);
    return;
  }
  pl_live_arm(pl_srv, m);
}

void pl_live_arm(pl_server *srv, pl_live *m) {
  int64_t deadline = pl_room_deadline(&m->room);
  if (deadline == m->armed_deadline)
    return;
  m->armed_deadline = deadline;
  ev_timer_stop(srv->loop, &m->expiry);
  if (!deadline)
    return;
  int64_t wait_ms = deadline - pl_now_ms();
  ev_timer_init(&m->expiry, on_deadline, wait_ms > 0 ? (double)wait_ms / 1000.0 : 0., 0.);
  ev_timer_start(srv->loop, &m->expiry);
}

/* --- joining, presence and state ------------------------------------------- */

bool pl_session_presides(const pl_session *s, const pl_live *m) {
  if (s->who.role == PL_ROLE_SECRETARIAT)
    return true;
  /* A meeting with no named chair is presided by any chair. */
  return s->who.role == PL_ROLE_CHAIR &&
         (!m->rec.chair[0] || strcmp(m->rec.chair, s->who.id) == 0);
}

static json_t *attendee_json(const pl_attendee *a) {
  return json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:s, s:b}", "participant", a->participant,
                   "name", a->name, "delegation", "id", a->delegation.id, "name",
                   a->delegation.name, "kind",
                   PL_ENUM_NAME(pl_delegation_kind, a->delegation.kind), "presence",
                   PL_ENUM_NAME(pl_presence, a->presence), "online", a->conns > 0);
}

/* Presence goes to the presiding sessions only: thousands joining must not
 * become thousands of broadcasts to thousands. */
static void tell_presiding(pl_live *m, const pl_attendee *a) {
  json_t *o = attendee_json(a);
  if (!o)
    return;
  json_object_set_new(o, "ev", json_string("presence"));
  json_object_set_new(o, "meeting", json_string(m->rec.id));
  /* Droppable like an event: when ten thousand join at once and the chair's
   * socket is briefly full, presence must not fill the chair's queue with
   * what cannot be dropped and get the chair disconnected. A chair that
   * loses some is told to resync, and meeting.sync brings the attendance. */
  pl_msg *msg = pl_msg_new(o, true);
  json_decref(o);
  if (!msg)
    return;
  for (size_t i = 0; i < m->n_presiding; i++)
    pl_session_send(m->presiding[i], msg);
  pl_msg_unref(msg);
}

/* The presiding sessions joined to the meeting, kept apart so that telling
 * them of a join costs one send each, not a walk over the whole audience. */
static int presiding_add(pl_live *m, pl_session *s) {
  pl_session **p = pl_reserve(m->presiding, &m->cap_presiding, m->n_presiding, sizeof *p, 4);
  if (!p)
    return -1;
  m->presiding = p;
  m->presiding[m->n_presiding++] = s;
  return 0;
}

static void presiding_remove(pl_live *m, const pl_session *s) {
  for (size_t i = 0; i < m->n_presiding; i++)
    if (m->presiding[i] == s) {
      m->presiding[i] = m->presiding[--m->n_presiding];
      return;
    }
}

void pl_live_presiding_rebuild(pl_live *m) {
  m->n_presiding = 0;
  for (size_t i = 0; i < m->n_subs; i++)
    if (pl_session_presides(m->subs[i], m))
      presiding_add(m, m->subs[i]);
}

/* Attendees are found through an open-addressing table from the participant's
 * number to its index + 1 (0: empty), so a join costs the same whatever the
 * audience: a linear search made 10,000 joins 50 million string compares. */
static uint32_t *att_slot(pl_live *m, int64_t key) {
  size_t mask = m->att_map_cap - 1, i = (size_t)((uint64_t)key * 0x9E3779B97F4A7C15u) & mask;
  while (m->att_map[i] && pl_id_parse(m->att[m->att_map[i] - 1].participant, 'p') != key)
    i = (i + 1) & mask;
  return &m->att_map[i];
}

static int att_map_grow(pl_live *m) {
  size_t cap = m->att_map_cap ? m->att_map_cap * 2 : 64;
  uint32_t *map = calloc(cap, sizeof *map);
  if (!map)
    return -1;
  free(m->att_map);
  m->att_map = map;
  m->att_map_cap = cap;
  for (size_t i = 0; i < m->n_att; i++)
    *att_slot(m, pl_id_parse(m->att[i].participant, 'p')) = (uint32_t)i + 1;
  return 0;
}

static pl_attendee *attendee(pl_live *m, const pl_session *s) {
  int64_t key = pl_id_parse(s->who.id, 'p');
  if (m->att_map_cap < 2 * (m->n_att + 1) && att_map_grow(m))
    return NULL;
  uint32_t *slot = att_slot(m, key);
  if (*slot)
    return &m->att[*slot - 1];
  pl_attendee *att = pl_reserve(m->att, &m->cap_att, m->n_att, sizeof *att, 16);
  if (!att)
    return NULL;
  m->att = att;
  *slot = (uint32_t)m->n_att + 1;
  pl_attendee *a = &m->att[m->n_att++];
  memset(a, 0, sizeof *a);
  snprintf(a->participant, sizeof a->participant, "%s", s->who.id);
  snprintf(a->name, sizeof a->name, "%s", s->who.name);
  a->delegation = s->delegation;
  return a;
}

pl_join *pl_session_joined(pl_session *s, const pl_live *m) {
  for (int i = 0; i < s->n_joins; i++)
    if (s->joins[i].live == m)
      return &s->joins[i];
  return NULL;
}

int pl_live_join(pl_live *m, pl_session *s, pl_presence presence) {
  pl_join *j = pl_session_joined(s, m);
  pl_attendee *a = attendee(m, s);
  if (!a)
    return -1;
  if (!j) {
    if (s->n_joins == PL_MAX_JOINS)
      return -1;
    pl_session **subs = pl_reserve(m->subs, &m->cap_subs, m->n_subs, sizeof *subs, 16);
    if (!subs)
      return -1;
    m->subs = subs;
    if (pl_session_presides(s, m) && presiding_add(m, s))
      return -1;
    j = &s->joins[s->n_joins++];
    j->live = m;
    j->slot = m->n_subs;
    m->subs[m->n_subs++] = s;
    a->conns++;
  }
  j->presence = presence;
  a->presence = presence;
  tell_presiding(m, a);
  return 0;
}

void pl_live_leave(pl_live *m, pl_session *s) {
  for (int i = 0; i < s->n_joins; i++) {
    pl_join *j = &s->joins[i];
    if (j->live != m)
      continue;
    /* swap-remove, and fix the moved session's slot */
    pl_session *last = m->subs[--m->n_subs];
    m->subs[j->slot] = last;
    for (int k = 0; k < last->n_joins; k++)
      if (last->joins[k].live == m)
        last->joins[k].slot = j->slot;
    s->joins[i] = s->joins[--s->n_joins];
    presiding_remove(m, s);
    pl_attendee *a = attendee(m, s);
    /* A stopping server closes every connection: that is not a dropped
     * line, and must not change any meeting. */
    if (pl_srv->stopping)
      return;
    if (a && --a->conns <= 0) {
      a->conns = 0;
      tell_presiding(m, a);
      /* No one loses time to a broken line: the core pauses a remote
       * speaker whose last connection dropped. */
      int64_t now = pl_now_ms();
      pl_events evs;
      if (pl_room_disconnected(&m->room, s->who.id, now, &evs) == PL_ERR_OK && evs.n &&
          pl_live_commit(pl_srv, m, &evs, now))
        lwsl_err("meeting %s: could not record the disconnect pause\n", m->rec.id);
    }
    return;
  }
}

json_t *pl_live_state(pl_live *m, const pl_session *s, int64_t now) {
  const pl_item *cur = pl_room_current_item(&m->room);
  json_t *items = json_array();
  for (size_t i = 0; items && i < m->room.n_items; i++)
    json_array_append_new(items, pl_json_item(&m->room.items[i].def));
  json_t *st = json_pack("{s:o, s:I, s:s, s:o, s:b, s:o, s:o, s:I}", "meeting",
                         pl_json_meeting(&m->rec), "seq", (json_int_t)m->seq, "item",
                         cur ? cur->def.id : "", "items", items, "list_closed",
                         cur ? cur->list_closed : false, "queue",
                         cur ? pl_json_queue(cur) : json_array(), "floor",
                         pl_json_floor(&m->room.floor), "server_time", (json_int_t)now);
  if (st && pl_session_presides(s, m))
    json_object_set_new(st, "attendance", pl_live_attendance(m));
  return st;
}

json_t *pl_live_attendance(const pl_live *m) {
  json_t *att = json_array();
  for (size_t i = 0; att && i < m->n_att; i++)
    json_array_append_new(att, attendee_json(&m->att[i]));
  return att;
}
