/*
 * Ops on meetings as a whole: create, update, cancel, list, join, leave,
 * sync and the speaking-time statistics. A change to a meeting record is
 * stored with its meeting.changed event in one transaction (live.c).
 */
#include <stdlib.h>
#include <string.h>

#include "bootstrap.h"
#include "codec.h"
#include "meeting_json.h"
#include "ops.h"
#include "unpack.h"

#define SYNC_MAX_EVENTS 10000

/* A chair named by a meeting must exist and be able to preside. */
static pl_err check_chair(pl_op_ctx *c, const char *chair) {
  pl_participant_rec p;
  if (!chair[0])
    return PL_ERR_OK;
  int rc = pl_store_participant_get(pl_srv->store, chair, &p);
  if (rc < 0)
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  if (rc == 1)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'chair': no participant '%.40s'", chair);
  if (p.role != PL_ROLE_CHAIR && p.role != PL_ROLE_SECRETARIAT)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'chair': %.40s is a %s, not a chair",
                      chair, PL_ENUM_NAME(pl_role, p.role));
  return PL_ERR_OK;
}

int pl_meeting_store_new(pl_meeting_rec *rec, int64_t now) {
  rec->created_at = rec->updated_at = now;
  if (pl_store_meeting_insert(pl_srv->store, rec))
    return -1;
  json_t *mj = pl_json_meeting(rec);
  char *body = mj ? json_dumps(mj, JSON_COMPACT) : NULL;
  json_decref(mj);
  int rc = body ? pl_store_meeting_update(pl_srv->store, rec, body) : -1;
  free(body);
  return rc;
}

pl_err pl_meeting_create_rec(pl_meeting_rec *rec, int64_t now, char *msg, size_t msglen) {
  if (pl_store_begin(pl_srv->store))
    goto out_fail;
  if (pl_meeting_store_new(rec, now) || pl_store_commit(pl_srv->store))
    goto out_rollback;
  if (!pl_live_add(pl_srv, rec)) {
    snprintf(msg, msglen, "out of memory");
    return PL_ERR_INTERNAL;
  }
  return PL_ERR_OK;
out_rollback:
  pl_store_rollback(pl_srv->store);
out_fail:
  snprintf(msg, msglen, "the store failed");
  return PL_ERR_INTERNAL;
}

pl_err pl_op_meeting_create(pl_op_ctx *c, json_t *args) {
  pl_meeting_rec rec;
  pl_err e = pl_op_require_role(c, PL_ROLE_BIT(PL_ROLE_SECRETARIAT), "create meetings");
  if (e)
    return e;
  if (pl_meeting_init_defaults(&rec))
    return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
  if (pl_meeting_from_json(&rec, args, PL_MEETING_CREATE, c->msg, sizeof c->msg))
    e = PL_ERR_BAD_REQUEST;
  else if (!(e = check_chair(c, rec.chair)))
    e = pl_meeting_create_rec(&rec, c->now, c->msg, sizeof c->msg);
  if (e == PL_ERR_OK) {
    pl_live *m = pl_live_get(pl_srv, rec.id);
    c->result = json_pack("{s:o}", "meeting", pl_json_meeting(&m->rec));
  }
  pl_meeting_rec_release(&rec);
  return e;
}

/* Takes the meeting id out of the arguments (update and cancel carry it
 * beside the fields they change). */
static pl_live *take_meeting(pl_op_ctx *c, json_t *args, pl_err *e) {
  json_t *id = json_object_get(args, "meeting");
  if (!json_is_string(id)) {
    *e = pl_op_fail(c, PL_ERR_BAD_REQUEST,
                    id ? "field 'meeting' must be a string" : "field 'meeting' is missing");
    return NULL;
  }
  pl_live *m = pl_op_meeting(c, json_string_value(id), e);
  json_object_del(args, "meeting");
  return m;
}

static pl_err commit_update(pl_op_ctx *c, pl_live *m, pl_meeting_rec *next) {
  bool agenda_changed = next->n_items != m->rec.n_items ||
                        memcmp(next->items, m->rec.items, next->n_items * sizeof *next->items);
  if (agenda_changed && m->room_events)
    return pl_op_fail(c, PL_ERR_CONFLICT,
                      "the agenda of a meeting that has begun cannot be replaced");
  next->sequence = m->rec.sequence + 1;
  next->updated_at = c->now;
  if (pl_live_update_meeting(pl_srv, m, next, c->now))
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  if (agenda_changed) {
    pl_room fresh;
    if (pl_room_init(&fresh, &m->rec.policy, m->rec.items, m->rec.n_items) == PL_ERR_OK) {
      pl_room_release(&m->room);
      m->room = fresh;
    }
  }
  c->result = json_pack("{s:o}", "meeting", pl_json_meeting(&m->rec));
  return PL_ERR_OK;
}

pl_err pl_op_meeting_update(pl_op_ctx *c, json_t *args) {
  pl_err e = pl_op_require_role(c, PL_ROLE_BIT(PL_ROLE_SECRETARIAT), "update meetings");
  pl_live *m = e ? NULL : take_meeting(c, args, &e);
  if (!m)
    return e;
  pl_meeting_rec next;
  if (pl_meeting_rec_copy(&next, &m->rec))
    return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
  if (pl_meeting_from_json(&next, args, PL_MEETING_UPDATE, c->msg, sizeof c->msg))
    e = PL_ERR_BAD_REQUEST;
  else if (!(e = check_chair(c, next.chair)))
    e = commit_update(c, m, &next);
  pl_meeting_rec_release(&next);
  return e;
}

pl_err pl_op_meeting_cancel(pl_op_ctx *c, json_t *args) {
  pl_err e = pl_op_require_role(c, PL_ROLE_BIT(PL_ROLE_SECRETARIAT), "cancel meetings");
  pl_live *m = e ? NULL : take_meeting(c, args, &e);
  if (!m || (e = PL_OP_UNPACK(c, args, "{}")))
    return e;
  if (m->rec.status == PL_STATUS_CANCELLED)
    return pl_op_fail(c, PL_ERR_CONFLICT, "the meeting is already cancelled");
  pl_meeting_rec next;
  if (pl_meeting_rec_copy(&next, &m->rec))
    return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
  next.status = PL_STATUS_CANCELLED;
  e = commit_update(c, m, &next);
  pl_meeting_rec_release(&next);
  return e;
}

pl_err pl_op_meeting_list(pl_op_ctx *c, json_t *args) {
  json_int_t from = INT64_MIN, to = INT64_MAX;
  pl_err e = PL_OP_UNPACK(c, args, "{s?I, s?I}", "from", &from, "to", &to);
  if (e)
    return e;
  json_t *list = json_array();
  /* Ids grow with creation; the client sorts by time as it needs. */
  for (size_t i = 0; i < pl_srv->n_live; i++) {
    pl_live *m = pl_srv->live[i];
    if (m && m->rec.end_at >= from && m->rec.start_at <= to)
      json_array_append_new(list, pl_json_meeting(&m->rec));
  }
  c->result = json_pack("{s:o}", "meetings", list);
  return PL_ERR_OK;
}

pl_err pl_op_meeting_join(pl_op_ctx *c, json_t *args) {
  const char *id, *presence;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s, s:s}", "meeting", &id, "presence", &presence);
  pl_live *m = e ? NULL : pl_op_meeting(c, id, &e);
  if (!m)
    return e;
  int p = PL_ENUM_PARSE(pl_presence, presence);
  if (p < 0)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'presence' must be 'room' or 'remote'");
  if (!pl_session_joined(c->s, m) && c->s->n_joins == PL_MAX_JOINS)
    return pl_op_fail(c, PL_ERR_CONFLICT, "a connection may join at most %d meetings",
                      PL_MAX_JOINS);
  if (pl_live_join(m, c->s, (pl_presence)p))
    return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
  c->result = json_pack("{s:o}", "state", pl_live_state(m, c->s, c->now));
  return PL_ERR_OK;
}

pl_err pl_op_meeting_leave(pl_op_ctx *c, json_t *args) {
  const char *id;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s}", "meeting", &id);
  pl_live *m = e ? NULL : pl_op_meeting(c, id, &e);
  if (!m)
    return e;
  if (!pl_session_joined(c->s, m))
    return pl_op_fail(c, PL_ERR_CONFLICT, "you have not joined meeting %s", id);
  pl_live_leave(m, c->s);
  return PL_ERR_OK;
}

typedef struct sync_ctx {
  json_t *events;
} sync_ctx;

static int sync_one(void *ctx, uint64_t seq, const char *body, size_t len) {
  (void)seq;
  json_t *ev = json_loadb(body, len, 0, NULL);
  return ev ? json_array_append_new(((sync_ctx *)ctx)->events, ev) : -1;
}

pl_err pl_op_meeting_sync(pl_op_ctx *c, json_t *args) {
  const char *id;
  json_int_t since;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s, s:I}", "meeting", &id, "since", &since);
  pl_live *m = e ? NULL : pl_op_meeting(c, id, &e);
  if (!m)
    return e;
  if (!pl_session_joined(c->s, m))
    return pl_op_fail(c, PL_ERR_CONFLICT, "join meeting %s before you sync it", id);
  if (since < 0 || (uint64_t)since > m->seq)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'since' must be between 0 and %llu",
                      (unsigned long long)m->seq);
  if (m->seq - (uint64_t)since > SYNC_MAX_EVENTS) {
    c->result = json_pack("{s:o}", "state", pl_live_state(m, c->s, c->now));
    return PL_ERR_OK;
  }
  sync_ctx sc = {json_array()};
  if (pl_store_event_each(pl_srv->store, id, (uint64_t)since, sync_one, &sc)) {
    json_decref(sc.events);
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  }
  c->result = json_pack("{s:o, s:I}", "events", sc.events, "seq", (json_int_t)m->seq);
  /* Presence has no seq and is not kept: a presiding session that was told
   * to resync gets the attendance as it is now. */
  if (c->result && pl_session_presides(c->s, m))
    json_object_set_new(c->result, "attendance", pl_live_attendance(m));
  return PL_ERR_OK;
}
