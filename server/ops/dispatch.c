/*
 * The request envelope of contract section 3 and the op table. Every frame
 * gets exactly one reply; a bad one changes nothing and closes nothing. This
 * is the boundary where an error becomes a protocol reply, so it is also
 * where it is counted.
 */
#include "ops/dispatch.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/server.h"
#include "ops/op.h"
#include "ops/ops_admin.h"
#include "ops/ops_calendar.h"
#include "ops/ops_floor.h"
#include "ops/ops_meeting.h"
#include "ops/ops_procedure.h"
#include "ops/ops_screen.h"
#include "ops/record.h"
#include "wire/request.h"

/* Requests a session may make: a burst of RATE_BURST, then RATE_PER_S a
 * second. Far above what a person or a chair's console sends; it stops a
 * runaway client from taking the thread from the others. */
#define RATE_BURST 60.0
#define RATE_PER_S 30.0

#define SEC PL_ROLE_BIT(PL_ROLE_SECRETARIAT)
#define CHAIR PL_ROLE_BIT(PL_ROLE_CHAIR)
#define DELEGATE PL_ROLE_BIT(PL_ROLE_DELEGATE)
#define OBSERVER PL_ROLE_BIT(PL_ROLE_OBSERVER)
#define VIEWER PL_ROLE_BIT(PL_ROLE_VIEWER)
#define ANYONE (SEC | CHAIR | DELEGATE | OBSERVER | VIEWER)
/* The core also checks the session presides this meeting: its chair, or the
 * secretariat. A delegate presides only a meeting that names them chair,
 * which a meeting may do once they were elected to the bureau for its year. */
#define PRESIDES (SEC | CHAIR | DELEGATE)
#define SPEAKS (DELEGATE | OBSERVER)
#define STATES (DELEGATE | CHAIR) /* the handler checks the delegation is a State's */
/* A connection that said hello with an application link: not a role, a
 * column of its own, so that no other op ever lets it through. */
#define APPLICANT (1u << 7)
/* A connection that said hello with a meeting's screen link: it may follow
 * that meeting and nothing else (ops_screen.h). */
#define SCREEN (1u << 8)

typedef struct op_entry {
  const char *name;
  pl_op_fn fn;        /* NULL: a room op, handled by pl_op_room */
  pl_room_op room_op; /* which, when fn is NULL */
  bool before_hello;
  unsigned roles;     /* PL_ROLE_BIT of each role that may call it */
  const char *what;   /* "a viewer may not <what>" */
  const char *rule;   /* what the handler or the core checks beyond the role */
} op_entry;

static const op_entry ops[] = {
    {"hello", pl_op_hello, PL_ROP_NONE, true, ANYONE | APPLICANT | SCREEN, "say hello",
     "a valid token"},
    {"delegation.create", pl_op_delegation_create, PL_ROP_NONE, false, SEC,
     "create delegations", ""},
    {"delegation.update", pl_op_delegation_update, PL_ROP_NONE, false, SEC,
     "update delegations", ""},
    {"delegation.list", pl_op_delegation_list, PL_ROP_NONE, false, ANYONE, "list delegations",
     ""},
    {"participant.invite", pl_op_participant_invite, PL_ROP_NONE, false, SEC,
     "invite participants", "the role fits the delegation's kind"},
    {"participant.reissue", pl_op_participant_reissue, PL_ROP_NONE, false, SEC,
     "reissue tokens", "closes the participant's connections"},
    {"participant.revoke", pl_op_participant_revoke, PL_ROP_NONE, false, SEC,
     "revoke tokens", "not one's own; closes the participant's connections"},
    {"participant.list", pl_op_participant_list, PL_ROP_NONE, false, SEC, "list participants",
     ""},
    {"participant.feed_rotate", pl_op_participant_feed_rotate, PL_ROP_NONE, false, SEC,
     "rotate feed keys", "the old feed URL answers 404"},
    {"meeting.create", pl_op_meeting_create, PL_ROP_NONE, false, SEC, "create meetings", ""},
    {"meeting.update", pl_op_meeting_update, PL_ROP_NONE, false, SEC, "update meetings", ""},
    {"meeting.cancel", pl_op_meeting_cancel, PL_ROP_NONE, false, SEC, "cancel meetings", ""},
    {"meeting.list", pl_op_meeting_list, PL_ROP_NONE, false, ANYONE, "list meetings", ""},
    {"meeting.join", pl_op_meeting_join, PL_ROP_NONE, false, ANYONE | SCREEN, "join meetings",
     "a screen: its own meeting, as a screen"},
    {"meeting.leave", pl_op_meeting_leave, PL_ROP_NONE, false, ANYONE | SCREEN, "leave meetings",
     "joined"},
    {"meeting.sync", pl_op_meeting_sync, PL_ROP_NONE, false, ANYONE | SCREEN, "sync meetings",
     "joined"},
    {"meeting.stats", pl_op_meeting_stats, PL_ROP_NONE, false, ANYONE,
     "read speaking time", ""},
    {"meeting.import", pl_op_meeting_import, PL_ROP_NONE, false, SEC, "import meetings", ""},
    {"programme.plan", pl_op_programme_plan, PL_ROP_NONE, false, SEC, "plan the programme",
     ""},
    {"schedule.suggest", pl_op_schedule_suggest, PL_ROP_NONE, false, SEC | CHAIR,
     "plan meetings", ""},
    {"procedure.start", pl_op_procedure_start, PL_ROP_NONE, false, SEC | CHAIR | DELEGATE,
     "start procedures", "the secretariat, or presides the meeting named"},
    {"procedure.object", pl_op_procedure_object, PL_ROP_NONE, false, STATES,
     "break silence", "a State's delegation; before the deadline"},
    {"procedure.withdraw_objection", pl_op_procedure_withdraw, PL_ROP_NONE, false, STATES,
     "withdraw objections", "a State's delegation; before the deadline"},
    {"procedure.extend", pl_op_procedure_extend, PL_ROP_NONE, false, SEC | CHAIR | DELEGATE,
     "extend procedures", "whoever started it, or the secretariat; before the deadline"},
    {"procedure.statement", pl_op_procedure_statement, PL_ROP_NONE, false, STATES,
     "make statements", "a State's delegation; before the deadline"},
    {"procedure.list", pl_op_procedure_list, PL_ROP_NONE, false, ANYONE, "list procedures",
     "who objected to an applicant: States and the secretariat only"},
    {"procedure.get", pl_op_procedure_get, PL_ROP_NONE, false, ANYONE, "read procedures",
     "who objected to an applicant: States and the secretariat only"},
    {"programme.sync", pl_op_programme_sync, PL_ROP_NONE, false, ANYONE,
     "catch up with the programme", "the events one may see"},
    {"bureau.list", pl_op_bureau_list, PL_ROP_NONE, false, ANYONE, "read the bureau", ""},
    {"accreditation.link", pl_op_accreditation_link, PL_ROP_NONE, false, SEC,
     "issue application links", ""},
    {"accreditation.apply", pl_op_accreditation_apply, PL_ROP_NONE, false, APPLICANT,
     "apply for observer status", "once per link"},
    {"accreditation.list", pl_op_accreditation_list, PL_ROP_NONE, false, SEC,
     "read applications", ""},
    {"item.open", NULL, PL_ROP_ITEM_OPEN, false, PRESIDES, "open agenda items",
     "joined; presides the meeting"},
    {"floor.request", NULL, PL_ROP_REQUEST, false, SPEAKS, "ask for the floor",
     "joined; the speaking policy"},
    {"floor.withdraw", NULL, PL_ROP_WITHDRAW, false, SPEAKS | PRESIDES,
     "withdraw requests", "joined; the entry's delegation, or presides"},
    {"entry.update", NULL, PL_ROP_ENTRY_UPDATE, false, SPEAKS | PRESIDES,
     "change who speaks", "joined; the entry's delegation, or presides"},
    {"floor.ready", NULL, PL_ROP_READY, false, SPEAKS, "say the microphone is live",
     "joined; the delegation called"},
    {"floor.start", NULL, PL_ROP_START, false, PRESIDES, "start the clock",
     "joined; presides the meeting"},
    {"floor.next", NULL, PL_ROP_NEXT, false, PRESIDES, "give the floor",
     "joined; presides the meeting"},
    {"floor.give", NULL, PL_ROP_GIVE, false, PRESIDES, "give the floor",
     "joined; presides the meeting"},
    {"floor.pause", NULL, PL_ROP_PAUSE, false, PRESIDES, "pause the floor",
     "joined; presides the meeting"},
    {"floor.resume", NULL, PL_ROP_RESUME, false, PRESIDES, "resume the floor",
     "joined; presides the meeting"},
    {"floor.extend", NULL, PL_ROP_EXTEND, false, PRESIDES, "extend speaking time",
     "joined; presides the meeting"},
    {"floor.end", NULL, PL_ROP_END, false, PRESIDES, "end a speech",
     "joined; presides the meeting"},
    {"queue.move", NULL, PL_ROP_MOVE, false, PRESIDES, "reorder the list of speakers",
     "joined; presides the meeting"},
    {"queue.remove", NULL, PL_ROP_REMOVE, false, PRESIDES,
     "remove entries from the list of speakers", "joined; presides the meeting"},
    {"queue.close", NULL, PL_ROP_CLOSE, false, PRESIDES, "close the list of speakers",
     "joined; presides the meeting"},
    {"queue.open", NULL, PL_ROP_OPEN, false, PRESIDES, "open the list of speakers",
     "joined; presides the meeting"},
    {"meeting.suspend", NULL, PL_ROP_SUSPEND, false, PRESIDES, "suspend meetings",
     "joined; presides the meeting"},
    {"meeting.resume", NULL, PL_ROP_RESUME_SITTING, false, PRESIDES, "resume meetings",
     "joined; presides the meeting"},
    {"meeting.close", NULL, PL_ROP_CLOSE_SITTING, false, PRESIDES, "close meetings",
     "joined; presides the meeting"},
    {"meeting.screen_link", pl_op_screen_link, PL_ROP_NONE, false, PRESIDES,
     "issue screen links", "presides the meeting"},
    {"meeting.screen_revoke", pl_op_screen_revoke, PL_ROP_NONE, false, PRESIDES,
     "revoke screen links", "presides the meeting"},
};

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

void pl_ops_reply(pl_session *s, json_t *re, pl_err e, const char *msg, json_t *result) {
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

/* One line for what an operator may need to find again: every failed
 * request (a failed hello is an authentication failure, at warn), and every
 * ruling of whoever presides. Never the arguments: a hello's are a token. */
static void log_outcome(const pl_session *s, const op_entry *entry, const pl_request_env *r,
                        pl_err e, const char *msg) {
  const char *who = s->authed ? s->who.id : NULL;
  const char *op = entry ? entry->name : NULL;
  const char *meeting = r->args ? json_string_value(json_object_get(r->args, "meeting")) : NULL;
  if (e == PL_ERR_OK) {
    bool presides = s->who.role == PL_ROLE_CHAIR || s->who.role == PL_ROLE_SECRETARIAT;
    if (entry && !entry->fn && presides)
      pl_log(PL_LOG_NOTICE, "ruling", "op", op, "meeting", meeting, "participant", who,
             "remote", s->remote, NULL);
    return;
  }
  bool auth = op && strcmp(op, "hello") == 0 && e == PL_ERR_UNAUTHENTICATED;
  pl_log(auth ? PL_LOG_WARN : e == PL_ERR_INTERNAL ? PL_LOG_ERROR : PL_LOG_NOTICE,
         auth ? "auth.failed" : "request.failed", "op", op, "code", pl_err_code(e),
         "meeting", meeting, "participant", who, "remote", s->remote, "msg",
         msg && *msg ? msg : pl_err_message(e), NULL);
}

void pl_ops_handle(pl_session *s, const char *text, size_t len) {
  pl_op_ctx c = {.s = s, .now = pl_now_ms()};
  pl_request_env r;
  pl_srv->metrics.messages_in++;
  /* Every frame takes a token, malformed or before hello too, so a client
   * cannot keep the thread busy with frames that are refused anyway. */
  bool limited = !rate_ok(s, c.now);
  pl_err e = pl_request_decode(text, len, &r, c.msg, sizeof c.msg);
  const op_entry *entry = e == PL_ERR_OK ? op_find(r.op) : NULL;
  if (limited)
    e = pl_op_fail(&c, PL_ERR_RATE_LIMITED, "more than %.0f requests a second; slow down",
                   RATE_PER_S);
  else if (e != PL_ERR_OK)
    ; /* c.msg says what */
  else if (!entry)
    e = pl_op_fail(&c, PL_ERR_UNKNOWN_OP, "unknown op '%.40s'", r.op);
  else if (!entry->before_hello && !s->authed)
    e = pl_op_fail(&c, PL_ERR_UNAUTHENTICATED, "say hello with your token first");
  else if (!entry->before_hello &&
           !(entry->roles & (s->applicant ? APPLICANT
                             : s->screen  ? SCREEN
                                          : PL_ROLE_BIT(s->who.role))))
    e = pl_op_fail(&c, PL_ERR_FORBIDDEN, "a%s %s may not %s", s->applicant ? "n" : "",
                   s->applicant ? "applicant"
                   : s->screen  ? "screen"
                                : PL_ENUM_NAME(pl_role, s->who.role),
                   entry->what);
  else {
    c.re = r.re;
    e = entry->fn ? entry->fn(&c, r.args) : pl_op_room(&c, r.args, entry->room_op);
  }
  /* A client over the rate is logged once per burst, not once per frame:
   * the log must not become the flood. */
  if (e != PL_ERR_RATE_LIMITED || !s->rate_noted)
    log_outcome(s, entry, &r, e, c.msg);
  s->rate_noted = e == PL_ERR_RATE_LIMITED;
  if (!c.deferred)
    pl_ops_reply(s, r.re, e, c.msg, e == PL_ERR_OK ? c.result : NULL);
  if (e != PL_ERR_OK)
    json_decref(c.result);
  pl_request_release(&r);
}

void pl_ops_print_authz(FILE *out) {
  static const pl_role roles[] = {PL_ROLE_SECRETARIAT, PL_ROLE_CHAIR, PL_ROLE_DELEGATE,
                                  PL_ROLE_OBSERVER, PL_ROLE_VIEWER};
  fputs("# Who may call which op\n\n"
        "Generated by `plenaryd authz` from the op table in `server/ops/dispatch.c`, which\n"
        "the dispatcher checks before any handler runs; a test fails when this file is\n"
        "stale, and tests/integration/test_authz.py tries every cell. \"Presides\" is the\n"
        "chair the meeting names, or the secretariat (which alone presides a meeting that\n"
        "names none); the core checks it on top of the role. An applicant is a connection\n"
        "that said hello with an application link (accreditation.link): it may only apply.\n"
        "A screen is a connection that said hello with a meeting's screen link\n"
        "(meeting.screen_link): it may only follow that meeting.\n\n| op |",
        out);
  for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++)
    fprintf(out, " %s |", PL_ENUM_NAME(pl_role, roles[r]));
  fputs(" applicant | screen | also checked |\n| --- |", out);
  for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++)
    fputs(" --- |", out);
  fputs(" --- | --- | --- |\n", out);
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    fprintf(out, "| `%s` |", ops[i].name);
    for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++)
      fputs(ops[i].roles & PL_ROLE_BIT(roles[r]) ? " yes |" : " |", out);
    fputs(ops[i].roles & APPLICANT ? " yes |" : " |", out);
    fputs(ops[i].roles & SCREEN ? " yes |" : " |", out);
    fprintf(out, " %s%s%s |\n", ops[i].before_hello ? "before hello" : "after hello",
            ops[i].rule[0] ? "; " : "", ops[i].rule);
  }
}
