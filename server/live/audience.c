/*
 * Who is joined to a live meeting (audience.h): the audience every event of
 * the meeting is fanned out to, the presiding sessions kept apart so that
 * presence costs one send each, and the attendance, found by participant in
 * constant time whatever the audience.
 */
#include "live/audience.h"

#include <libwebsockets.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/server.h"
#include "core/invariant.h"
#include "live/commit.h"
#include "live/presence.h"
#include "net/session.h"

/* Every node's connections: this node's and those its peers tell of
 * (live/presence.c). */
static pl_attendance everywhere(const pl_attendee *a) {
  int32_t room = 0, remote = 0;
  for (int i = 0; i < PL_PEERS_MAX; i++)
    room += a->peer_room[i], remote += a->peer_remote[i];
  return pl_attendance_plus(&a->conns, room, remote);
}

static json_t *attendee_json(const pl_attendee *a) {
  const pl_attendance all = everywhere(a);
  return json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:s, s:b, s:{s:i, s:i}, s:b}",
                   "participant", a->participant, "name", a->name, "delegation", "id",
                   a->delegation.id, "name", a->delegation.name, "kind",
                   PL_ENUM_NAME(pl_delegation_kind, a->delegation.kind), "presence",
                   PL_ENUM_NAME(pl_presence, pl_attendance_presence(&all)), "online",
                   pl_attendance_online(&all), "connections", "room", (int)all.room,
                   "remote", (int)all.remote, "video", a->video);
}

/* Presence goes to the presiding sessions only: thousands joining must not
 * become thousands of broadcasts to thousands. */
void pl_live_tell_presence(pl_live *m, const pl_attendee *a) {
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

bool pl_live_presiding_reserve(pl_live *m) {
  if (m->n_subs <= m->cap_presiding)
    return true;
  pl_session **p =
      pl_reserve_n(m->presiding, &m->cap_presiding, 0, m->n_subs, sizeof *p, 4);
  if (!p)
    return false;
  m->presiding = p;
  return true;
}

void pl_live_presiding_rebuild(pl_live *m) {
  PL_ASSERT(m->cap_presiding >= m->n_subs);
  m->n_presiding = 0;
  for (size_t i = 0; i < m->n_subs; i++)
    if (pl_session_presides(m->subs[i], m) && !pl_session_joined(m->subs[i], m)->screen)
      PL_VERIFY(presiding_add(m, m->subs[i]) == 0);
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

pl_attendee *pl_live_attendee(pl_live *m, const char *participant, const char *name,
                              const pl_delegation_ref *delegation) {
  int64_t key = pl_id_parse(participant, 'p');
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
  snprintf(a->participant, sizeof a->participant, "%s", participant);
  snprintf(a->name, sizeof a->name, "%s", name);
  a->delegation = *delegation;
  return a;
}

static pl_attendee *attendee(pl_live *m, const pl_session *s) {
  return pl_live_attendee(m, s->who.id, s->who.name, &s->delegation);
}

/* No one loses time to a broken line: the core pauses a remote speaker
 * whose last connection dropped, or who left the video conference. */
static void pause_if_speaking(pl_live *m, const char *participant, const char *line) {
  int64_t now = pl_now_ms();
  pl_events evs;
  if (pl_room_disconnected(&m->room, participant, now, &evs) != PL_ERR_OK || !evs.n)
    return;
  pl_change ch;
  char msg[128];
  pl_change_init(&ch, now);
  pl_change_room(&ch, m, &evs);
  if (pl_change_commit(&ch, msg, sizeof msg) != PL_ERR_OK)
    lwsl_err("meeting %s: could not record the pause for the %s: %s\n", m->rec.id, line,
             msg);
  pl_change_release(&ch);
}

pl_join *pl_session_joined(pl_session *s, const pl_live *m) {
  for (int i = 0; i < s->n_joins; i++)
    if (s->joins[i].stream == &m->stream)
      return &s->joins[i];
  return NULL;
}

int pl_live_join(pl_live *m, pl_session *s, pl_presence presence, bool screen) {
  pl_join *j = pl_session_joined(s, m);
  /* A screen is nobody's attendance: it has no attendee, and a session
   * that joined as one stays one (the projector page never asks for more). */
  if (j && j->screen != screen)
    return -2;
  pl_attendee *a = screen ? NULL : attendee(m, s);
  if (!screen && !a)
    return -1;
  if (!j) {
    if (s->n_joins == PL_MAX_JOINS)
      return -1;
    pl_session **subs = pl_reserve(m->subs, &m->cap_subs, m->n_subs, sizeof *subs, 16);
    if (!subs)
      return -1;
    m->subs = subs;
    if (!screen && pl_session_presides(s, m) && presiding_add(m, s))
      return -1;
    j = &s->joins[s->n_joins++];
    j->stream = &m->stream;
    j->slot = m->n_subs;
    j->screen = screen;
    m->subs[m->n_subs++] = s;
    if (a)
      pl_attendance_add(&a->conns, presence);
  } else if (a) {
    pl_attendance_move(&a->conns, j->presence, presence);
  }
  j->presence = presence;
  if (a) {
    pl_live_tell_presence(m, a);
    pl_presence_share(m, a);
  }
  return 0;
}

void pl_live_leave(pl_live *m, pl_session *s) {
  for (int i = 0; i < s->n_joins; i++) {
    pl_join *j = &s->joins[i];
    if (j->stream != &m->stream)
      continue;
    pl_presence was = j->presence;
    bool screen = j->screen;
    /* swap-remove, and fix the moved session's slot */
    pl_session *last = m->subs[--m->n_subs];
    m->subs[j->slot] = last;
    for (int k = 0; k < last->n_joins; k++)
      if (last->joins[k].stream == &m->stream)
        last->joins[k].slot = j->slot;
    s->joins[i] = s->joins[--s->n_joins];
    presiding_remove(m, s);
    /* A stopping server closes every connection: that is not a dropped
     * line, and must not change any meeting. */
    if (pl_srv->stopping || screen)
      return;
    pl_attendee *a = attendee(m, s);
    if (!a)
      return;
    pl_attendance_remove(&a->conns, was);
    pl_live_tell_presence(m, a);
    pl_presence_share(m, a);
    if (!pl_attendance_online(&a->conns))
      pause_if_speaking(m, s->who.id, "dropped connection");
    return;
  }
}

int pl_live_video_presence(pl_live *m, const pl_participant_rec *p,
                           const pl_delegation_ref *delegation, bool live) {
  pl_attendee *a = pl_live_attendee(m, p->id, p->name, delegation);
  if (!a)
    return -1;
  bool was = a->video;
  a->video = live;
  /* One who is in the conference and has no Plenary connection is remote. */
  if (live && !pl_attendance_online(&a->conns))
    a->conns.last = PL_PRESENCE_REMOTE;
  if (was != live)
    pl_live_tell_presence(m, a);
  if (!live)
    pause_if_speaking(m, p->id, "video conference left");
  return 0;
}

void pl_live_video_ended(pl_live *m) {
  for (size_t i = 0; i < m->n_att; i++)
    if (m->att[i].video) {
      m->att[i].video = false;
      pl_live_tell_presence(m, &m->att[i]);
      pause_if_speaking(m, m->att[i].participant, "video conference ended");
    }
}

json_t *pl_live_attendance(const pl_live *m) {
  json_t *att = json_array();
  for (size_t i = 0; att && i < m->n_att; i++)
    json_array_append_new(att, attendee_json(&m->att[i]));
  return att;
}
