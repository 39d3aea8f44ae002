/*
 * Every op that goes through the room: the agenda, the list of speakers and
 * the floor. The shape is the same for all of them: read the arguments, let
 * the core decide on a const room, commit the events (live.c), reply with
 * what the events say. The rules themselves are the core's.
 */
#include "ops/ops_floor.h"

#include <string.h>

#include "base/server.h"
#include "live/audience.h"
#include "live/commit.h"
#include "ops/ops_groups.h"
#include "store/store.h"
#include "wire/codec.h"
#include "wire/meeting_json.h"

static void actor_of(pl_actor *a, const pl_session *s, const pl_live *m, pl_presence p) {
  memset(a, 0, sizeof *a);
  a->role = s->who.role;
  a->presides = pl_session_presides(s, m);
  snprintf(a->participant, sizeof a->participant, "%s", s->who.id);
  a->delegation = s->delegation;
  snprintf(a->name, sizeof a->name, "%s", s->who.name);
  a->presence = p;
  a->region = -1;
}

static pl_err check_name(pl_op_ctx *c, const char *field, const char *v) {
  if (!v)
    return PL_ERR_OK;
  if (!*v || strlen(v) >= PL_NAME_LEN || !pl_text_is_single_line(v))
    return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                      "field '%s' must be 1 to %d bytes on one line", field, PL_NAME_LEN - 1);
  return PL_ERR_OK;
}

/* floor.request: on_behalf is a group's key, or {"joint": [ids]}; the
 * shell finds what the key or the list names, and the State's regional
 * group, and the core decides with them. */
static pl_err request(pl_op_ctx *c, json_t *args, const pl_room *r, pl_actor *a,
                      pl_events *out) {
  const char *mid, *kind = NULL, *speaker = NULL;
  json_t *behalf = NULL, *joint = NULL;
  pl_err e;
  if ((e = PL_OP_UNPACK(c, args, "{s:s, s:s, s?s, s?o}", "meeting", &mid, "kind", &kind,
                        "speaker", &speaker, "on_behalf", &behalf)) ||
      (e = check_name(c, "speaker", speaker)))
    return e;
  int k = PL_ENUM_PARSE(pl_speech_kind, kind);
  if (k < 0)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'kind' has an unknown value '%.40s'",
                      kind);
  const char *key = NULL;
  if (json_is_object(behalf)) {
    if ((e = PL_OP_UNPACK(c, behalf, "{s:o}", "joint", &joint)))
      return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'on_behalf': %s", c->msg);
    key = "joint";
  } else if (behalf && !json_is_null(behalf)) {
    if (!json_is_string(behalf))
      return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                        "field 'on_behalf' must be a group's name or id, or {\"joint\": [...]}");
    key = json_string_value(behalf);
    if ((e = check_name(c, "on_behalf", key)))
      return e;
  }
  static pl_group_def group; /* some 5 KB; ops run on the one service thread */
  pl_delegation_ref refs[PL_MAX_JOINT + 1];
  size_t n_joint = 0;
  bool found = false;
  pl_delegation_rec d;
  if (joint && (e = pl_group_joint_refs(c, joint, refs, PL_MAX_JOINT + 1, &n_joint)))
    return e;
  if ((e = pl_group_lookup(c, key, &group, &found)) ||
      (e = pl_rank_of(c, &c->s->who, &a->rank)))
    return e;
  if (pl_delegation_is_state(a->delegation.kind)) {
    if (pl_store_delegation_get(pl_srv->store, a->delegation.id, &d) != PL_STORE_OK)
      return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
    a->region = d.group;
  }
  pl_request req = {.kind = (pl_speech_kind)k, .speaker = speaker, .on_behalf = key,
                    .group = found ? &group : NULL, .joint = refs, .n_joint = n_joint};
  return pl_room_request(r, a, &req, c->now, out);
}

/* queue.contingent: the group must be a regional one or one defined. */
static pl_err contingent(pl_op_ctx *c, json_t *args, const pl_room *r, const pl_actor *a,
                         pl_events *out) {
  const char *mid, *key;
  json_int_t n;
  pl_err e;
  if ((e = PL_OP_UNPACK(c, args, "{s:s, s:s, s:I}", "meeting", &mid, "group", &key, "seconds",
                        &n)))
    return e;
  if (n < 1 || n > 3600)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'seconds' must be 1 to 3600");
  static pl_group_def group;
  bool found = false;
  if ((e = pl_group_lookup(c, key, &group, &found)))
    return e;
  if (!found && !pl_group_is_regional(key))
    return pl_op_fail(c, PL_ERR_NOT_FOUND, "field 'group': no group '%.40s'", key);
  return pl_room_add_contingent(r, a, key, (int32_t)n, c->now, out);
}

/* The sitting's rule (core/room_sitting.c) for what `op` does: the
 * adjourning ops are their own rule; tidying the list, pausing or ending a
 * speech is allowed while suspended; the rest is the meeting's business. */
static pl_err sitting_allows(const pl_room *r, pl_room_op op, pl_events *out) {
  switch (op) {
  case PL_ROP_SUSPEND:
  case PL_ROP_RESUME_SITTING:
  case PL_ROP_CLOSE_SITTING:
    return PL_ERR_OK;
  case PL_ROP_WITHDRAW:
  case PL_ROP_ENTRY_UPDATE:
  case PL_ROP_MOVE:
  case PL_ROP_REMOVE:
  case PL_ROP_PAUSE:
  case PL_ROP_END:
    return pl_room_sitting_allows(r, PL_ACT_TIDY, out);
  default:
    return pl_room_sitting_allows(r, PL_ACT_BUSINESS, out);
  }
}

/* Unpacks the arguments of `op` (all carry `meeting`) and asks the core. */
static pl_err decide(pl_op_ctx *c, json_t *args, pl_room_op op, const pl_room *r,
                     pl_actor *a, pl_events *out) {
  const char *mid, *entry = NULL, *speaker = NULL;
  json_int_t n = 0;
  pl_err e;
  int64_t now = c->now;
  switch (op) {
  case PL_ROP_ITEM_OPEN:
    if ((e = PL_OP_UNPACK(c, args, "{s:s, s:s}", "meeting", &mid, "item", &entry)))
      return e;
    return pl_room_open_item(r, a, entry, now, out);
  case PL_ROP_REQUEST:
    return request(c, args, r, a, out);
  case PL_ROP_CONTINGENT:
    return contingent(c, args, r, a, out);
  case PL_ROP_DEADLINE: {
    json_t *at;
    if ((e = PL_OP_UNPACK(c, args, "{s:s, s:s, s:o}", "meeting", &mid, "item", &entry, "at",
                          &at)))
      return e;
    if (!json_is_null(at) && (!json_is_integer(at) || json_integer_value(at) <= 0))
      return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                        "field 'at' must be an instant (ms since the epoch) or null");
    return pl_room_set_deadline(r, a, entry, json_is_null(at) ? 0 : json_integer_value(at),
                                now, out);
  }
  case PL_ROP_WITHDRAW:
  case PL_ROP_GIVE:
  case PL_ROP_REMOVE:
    if ((e = PL_OP_UNPACK(c, args, "{s:s, s:s}", "meeting", &mid, "entry", &entry)))
      return e;
    return op == PL_ROP_WITHDRAW ? pl_room_withdraw(r, a, entry, now, out)
           : op == PL_ROP_GIVE   ? pl_room_give(r, a, entry, now, out)
                            : pl_room_remove(r, a, entry, now, out);
  case PL_ROP_ENTRY_UPDATE:
    if ((e = PL_OP_UNPACK(c, args, "{s:s, s:s, s:s}", "meeting", &mid, "entry", &entry,
                          "speaker", &speaker)) ||
        (e = check_name(c, "speaker", speaker)))
      return e;
    return pl_room_update_entry(r, a, entry, speaker, now, out);
  case PL_ROP_EXTEND:
    if ((e = PL_OP_UNPACK(c, args, "{s:s, s:I}", "meeting", &mid, "seconds", &n)))
      return e;
    if (n < 1 || n > 3600)
      return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'seconds' must be 1 to 3600");
    return pl_room_extend(r, a, (int32_t)n, now, out);
  case PL_ROP_MOVE:
    if ((e = PL_OP_UNPACK(c, args, "{s:s, s:s, s:I}", "meeting", &mid, "entry", &entry,
                          "position", &n)))
      return e;
    if (n < 0 || n > 100000)
      return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'position' must be 0 or more");
    return pl_room_move(r, a, entry, (int32_t)n, now, out);
  default:
    break;
  }
  if ((e = PL_OP_UNPACK(c, args, "{s:s}", "meeting", &mid)))
    return e;
  switch (op) {
  case PL_ROP_READY: return pl_room_ready(r, a, now, out);
  case PL_ROP_START: return pl_room_start(r, a, now, out);
  case PL_ROP_NEXT: return pl_room_next(r, a, now, out);
  case PL_ROP_PAUSE: return pl_room_pause(r, a, now, out);
  case PL_ROP_RESUME: return pl_room_resume(r, a, now, out);
  case PL_ROP_END: return pl_room_end(r, a, now, out);
  case PL_ROP_CLOSE: return pl_room_close(r, a, now, out);
  case PL_ROP_OPEN: return pl_room_open(r, a, now, out);
  case PL_ROP_SUSPEND: return pl_room_suspend(r, a, now, out);
  case PL_ROP_RESUME_SITTING: return pl_room_resume_sitting(r, a, now, out);
  case PL_ROP_CLOSE_SITTING: return pl_room_close_sitting(r, a, now, out);
  default: return pl_op_fail(c, PL_ERR_INTERNAL, "unhandled room op");
  }
}

/* The reply's fields, read from the events the change consists of. */
static json_t *result_of(pl_room_op op, const pl_events *evs) {
  for (size_t i = 0; i < evs->n; i++) {
    const pl_event *ev = &evs->ev[i];
    if ((op == PL_ROP_REQUEST && ev->type == PL_EV_QUEUE_ADDED) ||
        (op == PL_ROP_ENTRY_UPDATE && ev->type == PL_EV_QUEUE_UPDATED))
      return json_pack("{s:o}", "entry", pl_json_entry(&ev->entry));
    if (op == PL_ROP_NEXT && ev->type == PL_EV_FLOOR_CHANGED && ev->floor.held)
      return json_pack("{s:o}", "entry", pl_json_entry(&ev->floor.entry));
    if (op == PL_ROP_END && ev->type == PL_EV_SPEECH_ENDED)
      return json_pack("{s:o}", "speech", pl_json_speech(&ev->speech));
  }
  return json_object();
}

pl_err pl_op_room(pl_op_ctx *c, json_t *args, pl_room_op op) {
  json_t *mid = json_object_get(args, "meeting");
  pl_err e;
  if (!json_is_string(mid))
    return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                      mid ? "field 'meeting' must be a string" : "field 'meeting' is missing");
  pl_live *m = pl_op_meeting(c, json_string_value(mid), &e);
  if (!m)
    return e;
  const pl_join *j = pl_session_joined(c->s, m);
  if (!j)
    return pl_op_fail(c, PL_ERR_CONFLICT, "join meeting %s first", m->rec.id);
  if (j->screen)
    return pl_op_fail(c, PL_ERR_CONFLICT, "a screen only shows meeting %s: join it in the "
                      "room or remotely to act", m->rec.id);
  if (m->rec.status == PL_STATUS_CANCELLED)
    return pl_op_fail(c, PL_ERR_CONFLICT, "the meeting is cancelled");
  pl_actor a;
  pl_events evs;
  evs.n = 0;
  evs.message[0] = '\0';
  actor_of(&a, c->s, m, j->presence);
  e = sitting_allows(&m->room, op, &evs);
  if (e == PL_ERR_OK)
    e = decide(c, args, op, &m->room, &a, &evs);
  if (e != PL_ERR_OK) {
    if (evs.message[0])
      snprintf(c->msg, sizeof c->msg, "%s", evs.message);
    return e;
  }
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_change_room(&ch, m, &evs);
  e = pl_op_commit(c, &ch);
  if (e == PL_ERR_OK)
    c->result = result_of(op, &evs);
  return e;
}
