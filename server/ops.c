/*
 * The request envelope of contract section 3 and the op table. Every frame
 * gets exactly one reply; a bad one changes nothing and closes nothing. This
 * is the boundary where an error becomes a protocol reply, so it is also
 * where it is counted.
 */
#include "ops.h"

#include <stdio.h>
#include <string.h>

#include "unpack.h"

/* Requests a session may make: a burst of RATE_BURST, then RATE_PER_S a
 * second. Far above what a person or a chair's console sends; it stops a
 * runaway client from taking the thread from the others. */
#define RATE_BURST 60.0
#define RATE_PER_S 30.0

typedef struct op_entry {
  const char *name;
  pl_op_fn fn;        /* NULL: a room op, handled by pl_op_room */
  pl_room_op room_op; /* which, when fn is NULL */
  bool before_hello;
} op_entry;

static const op_entry ops[] = {
    {"hello", pl_op_hello, PL_ROP_NONE, true},
    {"delegation.create", pl_op_delegation_create, PL_ROP_NONE, false},
    {"delegation.list", pl_op_delegation_list, PL_ROP_NONE, false},
    {"participant.invite", pl_op_participant_invite, PL_ROP_NONE, false},
    {"meeting.create", pl_op_meeting_create, PL_ROP_NONE, false},
    {"meeting.update", pl_op_meeting_update, PL_ROP_NONE, false},
    {"meeting.cancel", pl_op_meeting_cancel, PL_ROP_NONE, false},
    {"meeting.list", pl_op_meeting_list, PL_ROP_NONE, false},
    {"meeting.join", pl_op_meeting_join, PL_ROP_NONE, false},
    {"meeting.leave", pl_op_meeting_leave, PL_ROP_NONE, false},
    {"meeting.sync", pl_op_meeting_sync, PL_ROP_NONE, false},
    {"meeting.stats", pl_op_meeting_stats, PL_ROP_NONE, false},
    {"meeting.import", pl_op_meeting_import, PL_ROP_NONE, false},
    {"programme.plan", pl_op_programme_plan, PL_ROP_NONE, false},
    {"schedule.suggest", pl_op_schedule_suggest, PL_ROP_NONE, false},
    {"item.open", NULL, PL_ROP_ITEM_OPEN, false},
    {"floor.request", NULL, PL_ROP_REQUEST, false},
    {"floor.withdraw", NULL, PL_ROP_WITHDRAW, false},
    {"entry.update", NULL, PL_ROP_ENTRY_UPDATE, false},
    {"floor.ready", NULL, PL_ROP_READY, false},
    {"floor.start", NULL, PL_ROP_START, false},
    {"floor.next", NULL, PL_ROP_NEXT, false},
    {"floor.give", NULL, PL_ROP_GIVE, false},
    {"floor.pause", NULL, PL_ROP_PAUSE, false},
    {"floor.resume", NULL, PL_ROP_RESUME, false},
    {"floor.extend", NULL, PL_ROP_EXTEND, false},
    {"floor.end", NULL, PL_ROP_END, false},
    {"queue.move", NULL, PL_ROP_MOVE, false},
    {"queue.remove", NULL, PL_ROP_REMOVE, false},
    {"queue.close", NULL, PL_ROP_CLOSE, false},
    {"queue.open", NULL, PL_ROP_OPEN, false},
};

pl_err pl_op_fail(pl_op_ctx *c, pl_err e, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->msg, sizeof c->msg, fmt, ap);
  va_end(ap);
  return e;
}

pl_live *pl_op_meeting(pl_op_ctx *c, const char *id, pl_err *err) {
  pl_live *m = pl_live_get(pl_srv, id);
  if (!m)
    *err = pl_op_fail(c, PL_ERR_NOT_FOUND, "no meeting '%.40s'", id);
  return m;
}

pl_err pl_op_require_role(pl_op_ctx *c, unsigned mask, const char *what) {
  if (mask & PL_ROLE_BIT(c->s->who.role))
    return PL_ERR_OK;
  return pl_op_fail(c, PL_ERR_FORBIDDEN, "a %s may not %s",
                    PL_ENUM_NAME(pl_role, c->s->who.role), what);
}

static const op_entry *op_find(const char *name) {
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp(ops[i].name, name) == 0)
      return &ops[i];
  return NULL;
}

static bool rate_ok(pl_session *s, int64_t now) {
  if (!s->rate_at) {
    s->rate_tokens = RATE_BURST;
  } else {
    s->rate_tokens += (double)(now - s->rate_at) * RATE_PER_S / 1000.0;
    if (s->rate_tokens > RATE_BURST)
      s->rate_tokens = RATE_BURST;
  }
  s->rate_at = now;
  if (s->rate_tokens < 1.0)
    return false;
  s->rate_tokens -= 1.0;
  return true;
}

static void reply(pl_session *s, json_t *re, pl_err e, const char *msg, json_t *result) {
  pl_srv->metrics.ops[e < PL_ERR__COUNT ? e : PL_ERR_INTERNAL]++;
  json_t *o;
  if (e == PL_ERR_OK) {
    o = result ? result : json_object();
    json_object_set(o, "re", re ? re : json_null());
    json_object_set_new(o, "ok", json_true());
  } else {
    (void)result; /* the caller still owns it */
    o = json_pack("{s:O?, s:b, s:{s:s, s:s}}", "re", re, "ok", 0, "error", "code",
                  pl_err_code(e), "message", msg && *msg ? msg : pl_err_message(e));
  }
  pl_session_send_json(s, o);
}

void pl_ops_handle(pl_session *s, const char *text, size_t len) {
  pl_op_ctx c = {.s = s, .now = pl_now_ms()};
  json_error_t jerr;
  json_t *req = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  json_t *re = NULL, *args = NULL;
  pl_err e;
  pl_srv->metrics.messages_in++;
  if (!req || !json_is_object(req)) {
    e = req ? pl_op_fail(&c, PL_ERR_BAD_JSON, "the frame must be a JSON object")
            : pl_op_fail(&c, PL_ERR_BAD_JSON, "not JSON: %s at byte %d", jerr.text,
                         jerr.position);
    goto out;
  }
  json_t *id = json_object_get(req, "id");
  if (id && (json_is_string(id) || json_is_integer(id)))
    re = json_incref(id);
  else if (id) {
    e = pl_op_fail(&c, PL_ERR_BAD_REQUEST, "field 'id' must be a string or an integer");
    goto out;
  }
  json_t *opv = json_object_get(req, "op");
  if (!json_is_string(opv)) {
    e = pl_op_fail(&c, PL_ERR_BAD_REQUEST,
                   opv ? "field 'op' must be a string" : "field 'op' is missing");
    goto out;
  }
  const char *op = json_string_value(opv);
  const op_entry *entry = op_find(op);
  if (!entry) {
    e = pl_op_fail(&c, PL_ERR_UNKNOWN_OP, "unknown op '%.40s'", op);
    goto out;
  }
  if (!entry->before_hello && !s->authed) {
    e = pl_op_fail(&c, PL_ERR_UNAUTHENTICATED, "say hello with your token first");
    goto out;
  }
  if (!rate_ok(s, c.now)) {
    e = pl_op_fail(&c, PL_ERR_RATE_LIMITED, "more than %.0f requests a second; slow down",
                   RATE_PER_S);
    goto out;
  }
  args = json_copy(req); /* shallow: the handlers see only their arguments */
  json_object_del(args, "op");
  json_object_del(args, "id");
  e = entry->fn ? entry->fn(&c, args) : pl_op_room(&c, args, entry->room_op);
  if (e == PL_ERR_INTERNAL)
    lwsl_err("op %s by %s failed: %s\n", op, s->who.id, c.msg);
out:
  reply(s, re, e, c.msg, e == PL_ERR_OK ? c.result : NULL);
  if (e != PL_ERR_OK)
    json_decref(c.result);
  json_decref(args);
  json_decref(re);
  json_decref(req);
}
