/*
 * Encoding and decoding of room records and events (codec.h). The decoder
 * reads only what the encoder wrote (the event log is ours), but it still
 * checks types, so a damaged row fails loudly instead of replaying garbage.
 */
#include "wire/codec.h"

#include <stdio.h>
#include <string.h>

/* An instant, or null when it has not happened (0). */
static json_t *instant(int64_t ms) { return ms ? json_integer(ms) : json_null(); }

void pl_json_copy_str(json_t *obj, const char *key, char *buf, size_t len) {
  const char *s = json_string_value(json_object_get(obj, key));
  snprintf(buf, len, "%s", s ? s : "");
}

static int64_t get_int(json_t *obj, const char *key) {
  json_t *v = json_object_get(obj, key);
  return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static int get_enum(json_t *obj, const char *key, const char *const names[], size_t n) {
  return pl_enum_parse(names, n, json_string_value(json_object_get(obj, key)));
}
#define GET_ENUM(obj, key, type) get_enum(obj, key, type##_names, type##_count)

/* The group fields an entry and a speech share, each only when it has one:
 * the group's name, the States of a joint statement, the contingent. */
static json_t *with_groups(json_t *o, const pl_entry *e) {
  if (!o)
    return NULL;
  if (e->on_behalf_name[0])
    json_object_set_new(o, "on_behalf_name", json_string(e->on_behalf_name));
  if (e->n_joint) {
    json_t *a = json_array();
    for (size_t i = 0; a && i < e->n_joint && i < PL_MAX_JOINT; i++)
      json_array_append_new(a, json_string(e->joint[i]));
    json_object_set_new(o, "joint", a);
  }
  if (e->contingent[0])
    json_object_set_new(o, "contingent", json_string(e->contingent));
  if (e->by_rank)
    json_object_set_new(o, "rank", json_string(PL_ENUM_NAME(pl_rank, e->rank)));
  return o;
}

static void groups_from_json(json_t *o, pl_entry *e) {
  pl_json_copy_str(o, "on_behalf_name", e->on_behalf_name, sizeof e->on_behalf_name);
  pl_json_copy_str(o, "contingent", e->contingent, sizeof e->contingent);
  int rank = GET_ENUM(o, "rank", pl_rank);
  e->by_rank = rank >= 0;
  e->rank = rank >= 0 ? (pl_rank)rank : PL_RANK_HEAD_OF_STATE;
  json_t *a = json_object_get(o, "joint");
  size_t i;
  json_t *v;
  json_array_foreach(a, i, v) {
    if (i >= PL_MAX_JOINT)
      break;
    snprintf(e->joint[i], sizeof e->joint[i], "%s", json_string_value(v) ? json_string_value(v) : "");
    e->n_joint = (uint8_t)(i + 1);
  }
}

json_t *pl_json_entry(const pl_entry *e) {
  return with_groups(json_pack("{s:s, s:{s:s, s:s, s:s}, s:s, s:s, s:s?, s:s, s:s, s:I, s:I}", "id", e->id,
                   "delegation", "id", e->delegation.id, "name", e->delegation.name, "kind",
                   PL_ENUM_NAME(pl_delegation_kind, e->delegation.kind), "participant",
                   e->participant, "speaker", e->speaker, "on_behalf",
                   e->on_behalf[0] ? e->on_behalf : NULL, "kind",
                   PL_ENUM_NAME(pl_speech_kind, e->kind), "presence",
                   PL_ENUM_NAME(pl_presence, e->presence), "requested_at",
                   (json_int_t)e->requested_at, "allotted_ms", (json_int_t)e->allotted_ms), e);
}

/* The fields an entry and a speech share; the entry's id is under `id_key`
 * ("id" in an ENTRY, "entry" in a speech). */
static int entry_fields_from_json(json_t *o, const char *id_key, pl_entry *e) {
  json_t *d = json_object_get(o, "delegation");
  if (!json_is_object(o) || !json_is_object(d))
    return -1;
  memset(e, 0, sizeof *e);
  pl_json_copy_str(o, id_key, e->id, sizeof e->id);
  pl_json_copy_str(d, "id", e->delegation.id, sizeof e->delegation.id);
  pl_json_copy_str(d, "name", e->delegation.name, sizeof e->delegation.name);
  int dk = GET_ENUM(d, "kind", pl_delegation_kind);
  int k = GET_ENUM(o, "kind", pl_speech_kind);
  int p = GET_ENUM(o, "presence", pl_presence);
  if (dk < 0 || k < 0 || p < 0 || !e->id[0])
    return -1;
  e->delegation.kind = (pl_delegation_kind)dk;
  e->kind = (pl_speech_kind)k;
  e->presence = (pl_presence)p;
  pl_json_copy_str(o, "participant", e->participant, sizeof e->participant);
  pl_json_copy_str(o, "speaker", e->speaker, sizeof e->speaker);
  pl_json_copy_str(o, "on_behalf", e->on_behalf, sizeof e->on_behalf);
  e->requested_at = get_int(o, "requested_at");
  e->allotted_ms = (int32_t)get_int(o, "allotted_ms");
  groups_from_json(o, e);
  return 0;
}

int pl_entry_from_json(json_t *o, pl_entry *e) {
  return entry_fields_from_json(o, "id", e);
}

json_t *pl_json_floor(const pl_floor *f) {
  if (!f->held)
    return json_null();
  json_t *o = json_pack("{s:o, s:s, s:s, s:o, s:o, s:o, s:I, s:I, s:b, s:s?, s:b}", "entry",
                   pl_json_entry(&f->entry), "item", f->item, "phase",
                   PL_ENUM_NAME(pl_floor_phase, f->phase), "called_at", instant(f->called_at),
                   "started_at", instant(f->started_at), "running_since",
                   instant(f->running_since), "allotted_ms", (json_int_t)f->allotted_ms,
                   "elapsed_ms", (json_int_t)f->elapsed_ms, "paused", f->paused,
                   "pause_reason",
                   f->pause_reason == PL_PAUSE_NONE
                       ? NULL
                       : PL_ENUM_NAME(pl_pause_reason, f->pause_reason),
                   "overrun", f->overrun);
  if (o && f->entry.contingent[0])
    json_object_set_new(o, "contingent_ms", json_integer(f->contingent_ms));
  if (o && f->returned_at)
    json_object_set_new(o, "returned_at", json_integer(f->returned_at));
  return o;
}

int pl_floor_from_json(json_t *o, pl_floor *f) {
  memset(f, 0, sizeof *f);
  if (json_is_null(o))
    return 0;
  if (!json_is_object(o) || pl_entry_from_json(json_object_get(o, "entry"), &f->entry))
    return -1;
  int phase = GET_ENUM(o, "phase", pl_floor_phase);
  if (phase < 0)
    return -1;
  f->held = true;
  f->phase = (pl_floor_phase)phase;
  pl_json_copy_str(o, "item", f->item, sizeof f->item);
  f->called_at = get_int(o, "called_at");
  f->started_at = get_int(o, "started_at");
  f->running_since = get_int(o, "running_since");
  f->allotted_ms = (int32_t)get_int(o, "allotted_ms");
  f->elapsed_ms = get_int(o, "elapsed_ms");
  f->paused = json_is_true(json_object_get(o, "paused"));
  int reason = GET_ENUM(o, "pause_reason", pl_pause_reason);
  f->pause_reason = reason < 0 ? PL_PAUSE_NONE : (pl_pause_reason)reason;
  f->overrun = json_is_true(json_object_get(o, "overrun"));
  f->contingent_ms = get_int(o, "contingent_ms");
  f->returned_at = get_int(o, "returned_at");
  return 0;
}

json_t *pl_json_speech(const pl_speech *s) {
  const pl_entry *e = &s->entry;
  json_t *o = json_pack("{s:s, s:s, s:{s:s, s:s, s:s}, s:s, s:s, s:s?, s:s, s:s, s:I, s:o, s:I, "
                   "s:I, s:I}",
                   "entry", e->id, "item", s->item, "delegation", "id", e->delegation.id,
                   "name", e->delegation.name, "kind",
                   PL_ENUM_NAME(pl_delegation_kind, e->delegation.kind), "participant",
                   e->participant, "speaker", e->speaker, "on_behalf",
                   e->on_behalf[0] ? e->on_behalf : NULL, "kind",
                   PL_ENUM_NAME(pl_speech_kind, e->kind), "presence",
                   PL_ENUM_NAME(pl_presence, e->presence), "requested_at",
                   (json_int_t)e->requested_at, "started_at", instant(s->started_at),
                   "ended_at", (json_int_t)s->ended_at, "spoken_ms", (json_int_t)s->spoken_ms,
                   "allotted_ms", (json_int_t)s->allotted_ms);
  if (o && e->contingent[0])
    json_object_set_new(o, "drawn_ms", json_integer(s->drawn_ms));
  return with_groups(o, e);
}

static int speech_from_json(json_t *o, pl_speech *s) {
  memset(s, 0, sizeof *s);
  if (entry_fields_from_json(o, "entry", &s->entry))
    return -1;
  pl_json_copy_str(o, "item", s->item, sizeof s->item);
  s->started_at = get_int(o, "started_at");
  s->ended_at = get_int(o, "ended_at");
  s->spoken_ms = get_int(o, "spoken_ms");
  s->allotted_ms = s->entry.allotted_ms;
  s->drawn_ms = (int32_t)get_int(o, "drawn_ms");
  return 0;
}

json_t *pl_json_item(const pl_item_def *it) {
  json_t *o = json_pack("{s:s, s:s, s:s}", "id", it->id, "title", it->title, "kind",
                        PL_ENUM_NAME(pl_item_kind, it->kind));
  if (o && it->planned_s)
    json_object_set_new(o, "planned_s", json_integer(it->planned_s));
  return o;
}

json_t *pl_json_item_clock(const pl_item *it, int64_t open_since) {
  return json_pack("{s:s, s:I, s:o}", "item", it->def.id, "spent_ms", (json_int_t)it->spent_ms,
                   "open_since", instant(open_since));
}

json_t *pl_json_queue(const pl_item *it) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < it->n_queue; i++)
    json_array_append_new(a, pl_json_entry(&it->queue[i]));
  return a;
}

json_t *pl_json_contingents(const pl_room *r, const pl_item *it) {
  if (r->policy.contingent_s <= 0)
    return json_null();
  json_t *left = json_object();
  for (size_t i = 0; left && it && i < it->n_cont; i++)
    json_object_set_new(left, it->cont[i].group,
                        json_integer(pl_room_contingent_left(r, it, it->cont[i].group)));
  return json_pack("{s:I, s:o}", "each_ms", (json_int_t)r->policy.contingent_s * 1000,
                   "left_ms", left);
}

/* What is left of `group`'s contingent on `item` once `ev` (drawing
 * `drawn`, or adding `added`) is applied to `room`. */
static json_int_t left_after(const pl_room *room, const char *item, const char *group,
                             int64_t added, int64_t drawn) {
  int64_t left = pl_room_contingent_left(room, pl_room_find_item(room, item), group);
  left += added - drawn;
  return left > 0 ? (json_int_t)left : 0;
}

json_t *pl_json_delegation(const pl_delegation_rec *d) {
  return json_pack("{s:s, s:s, s:s, s:s?, s:s}", "id", d->id, "name", d->name, "kind",
                   PL_ENUM_NAME(pl_delegation_kind, d->kind), "group",
                   d->group >= 0 ? PL_ENUM_NAME(pl_group, d->group) : NULL, "tz", d->tz);
}

json_t *pl_json_participant(const pl_participant_rec *p) {
  json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "id", p->id, "name", p->name, "role",
                        PL_ENUM_NAME(pl_role, p->role), "delegation", p->delegation);
  /* Only an interpreter has a language: everyone else's record is as it was. */
  if (o && p->language[0])
    json_object_set_new(o, "language", json_string(p->language));
  return o;
}

json_t *pl_json_event(const pl_event *ev, const pl_room *room, const char *meeting,
                      uint64_t seq, int64_t server_time) {
  if ((size_t)ev->type >= pl_event_count)
    return NULL;
  json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:I}", "ev", pl_event_names[ev->type],
                        "meeting", meeting, "seq", (json_int_t)seq, "item", ev->item, "at",
                        (json_int_t)ev->at);
  if (!o)
    return NULL;
  switch (ev->type) {
  case PL_EV_QUEUE_ADDED:
  case PL_EV_QUEUE_UPDATED:
  case PL_EV_FLOOR_EXPIRED:
    json_object_set_new(o, "entry", pl_json_entry(&ev->entry));
    break;
  case PL_EV_QUEUE_REMOVED:
    json_object_set_new(o, "entry", pl_json_entry(&ev->entry));
    json_object_set_new(o, "reason", json_string(PL_ENUM_NAME(pl_remove_reason, ev->reason)));
    break;
  case PL_EV_QUEUE_MOVED:
    json_object_set_new(o, "entry", pl_json_entry(&ev->entry));
    json_object_set_new(o, "position", json_integer(ev->position));
    break;
  case PL_EV_FLOOR_CHANGED:
    json_object_set_new(o, "floor", pl_json_floor(&ev->floor));
    json_object_set_new(o, "server_time", json_integer(server_time));
    break;
  case PL_EV_SPEECH_ENDED:
    json_object_set_new(o, "speech", pl_json_speech(&ev->speech));
    if (ev->speech.entry.contingent[0])
      json_object_set_new(o, "contingent_left_ms",
                          json_integer(left_after(room, ev->item, ev->speech.entry.contingent,
                                                  0, ev->speech.drawn_ms)));
    break;
  case PL_EV_CONTINGENT_ADDED:
    json_object_set_new(o, "group", json_string(ev->group));
    json_object_set_new(o, "ms", json_integer(ev->ms));
    json_object_set_new(o, "contingent_left_ms",
                        json_integer(left_after(room, ev->item, ev->group, ev->ms, 0)));
    break;
  case PL_EV_ITEM: {
    const pl_item *it = pl_room_find_item(room, ev->item);
    if (!it) {
      json_decref(o);
      return NULL;
    }
    /* The list of the item now open travels with the event, so a client
     * shows it without asking (each item keeps its own list). */
    json_object_set_new(o, "item", pl_json_item(&it->def));
    json_object_set_new(o, "queue", pl_json_queue(it));
    json_object_set_new(o, "list_closed", json_boolean(it->list_closed));
    json_object_set_new(o, "contingents", pl_json_contingents(room, it));
    json_object_set_new(o, "deadline", instant(it->deadline_at));
    /* its clock as applying this event leaves it: running from now */
    json_object_set_new(o, "item_clock", pl_json_item_clock(it, ev->at));
    break;
  }
  case PL_EV_QUEUE_CLOSED:
    json_object_set_new(o, "reason", json_string(PL_ENUM_NAME(pl_close_reason, ev->why)));
    break;
  case PL_EV_QUEUE_DEADLINE:
    json_object_set_new(o, "deadline", instant(ev->deadline));
    break;
  case PL_EV_QUEUE_OPENED:
  case PL_EV_MEETING_SUSPENDED:
  case PL_EV_MEETING_RESUMED:
  case PL_EV_MEETING_CLOSED:
    break;
  }
  return o;
}

int pl_event_from_json(json_t *o, pl_event *out) {
  memset(out, 0, sizeof *out);
  int type = pl_enum_parse(pl_event_names, pl_event_count,
                           json_string_value(json_object_get(o, "ev")));
  if (type < 0)
    return -1;
  out->type = (pl_event_type)type;
  out->at = get_int(o, "at");
  json_t *item = json_object_get(o, "item");
  if (json_is_object(item))
    pl_json_copy_str(item, "id", out->item, sizeof out->item);
  else
    pl_json_copy_str(o, "item", out->item, sizeof out->item);
  switch (out->type) {
  case PL_EV_QUEUE_ADDED:
  case PL_EV_QUEUE_UPDATED:
  case PL_EV_FLOOR_EXPIRED:
    return pl_entry_from_json(json_object_get(o, "entry"), &out->entry);
  case PL_EV_QUEUE_REMOVED: {
    int reason = GET_ENUM(o, "reason", pl_remove_reason);
    if (reason < 0)
      return -1;
    out->reason = (pl_remove_reason)reason;
    return pl_entry_from_json(json_object_get(o, "entry"), &out->entry);
  }
  case PL_EV_QUEUE_MOVED:
    out->position = (int32_t)get_int(o, "position");
    return pl_entry_from_json(json_object_get(o, "entry"), &out->entry);
  case PL_EV_FLOOR_CHANGED:
    return pl_floor_from_json(json_object_get(o, "floor"), &out->floor);
  case PL_EV_SPEECH_ENDED:
    return speech_from_json(json_object_get(o, "speech"), &out->speech);
  case PL_EV_CONTINGENT_ADDED:
    pl_json_copy_str(o, "group", out->group, sizeof out->group);
    out->ms = (int32_t)get_int(o, "ms");
    return out->group[0] && out->ms > 0 ? 0 : -1;
  case PL_EV_QUEUE_CLOSED: {
    /* A list closed before reasons were kept was closed by the chair. */
    json_t *why = json_object_get(o, "reason");
    int w = why ? GET_ENUM(o, "reason", pl_close_reason) : PL_CLOSED_BY_CHAIR;
    out->why = w < 0 ? PL_CLOSED_BY_CHAIR : (pl_close_reason)w;
    return w < 0 ? -1 : 0;
  }
  case PL_EV_QUEUE_DEADLINE:
    out->deadline = get_int(o, "deadline");
    return out->deadline < 0 ? -1 : 0;
  case PL_EV_ITEM:
  case PL_EV_QUEUE_OPENED:
  case PL_EV_MEETING_SUSPENDED:
  case PL_EV_MEETING_RESUMED:
  case PL_EV_MEETING_CLOSED:
    return 0;
  }
  return -1;
}

int pl_event_replay(pl_room *r, const char *body, size_t len, bool *room_event) {
  json_error_t err;
  json_t *o = json_loadb(body, len, 0, &err);
  const char *name = json_string_value(json_object_get(o, "ev"));
  pl_event e;
  int rc = 0;
  *room_event = false;
  if (!name)
    rc = -1;
  else if (strcmp(name, "meeting.changed") != 0) {
    *room_event = true;
    /* One event at a time, as the commit path reserves per change. */
    if (pl_event_from_json(o, &e) || pl_room_reserve(r, &e, 1) != PL_ERR_OK ||
        pl_room_apply(r, &e) != PL_ERR_OK)
      rc = -1;
  }
  json_decref(o);
  return rc;
}

bool pl_json_take_str(json_t *obj, const char *key, char *buf, size_t len, bool required) {
  json_t *v = json_object_get(obj, key);
  buf[0] = '\0';
  if (!v || json_is_null(v))
    return !required;
  const char *s = json_string_value(v);
  if (!s || strlen(s) >= len || (required && !*s))
    return false;
  memcpy(buf, s, strlen(s) + 1);
  return true;
}
