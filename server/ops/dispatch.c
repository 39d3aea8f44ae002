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
#include "live/cluster.h"
#include "ops/op.h"
#include "ops/ops_admin.h"
#include "ops/ops_calendar.h"
#include "ops/ops_import.h"
#include "ops/ops_documents.h"
#include "ops/ops_floor.h"
#include "ops/ops_groups.h"
#include "ops/ops_signal.h"
#include "ops/ops_meeting.h"
#include "ops/ops_procedure.h"
#include "ops/ops_video.h"
#include "ops/ops_webhook.h"
#include "ops/ops_report.h"
#include "ops/ops_synthesis.h"
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
#define INTERPRETER PL_ROLE_BIT(PL_ROLE_INTERPRETER)
#define ANYONE (SEC | CHAIR | DELEGATE | OBSERVER | VIEWER | INTERPRETER)
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
    {"video.join", pl_op_video_join, PL_ROP_NONE, false, SEC | CHAIR | DELEGATE | OBSERVER,
     "join the video conference",
     "the meeting has a Jitsi room; a moderator's token for whoever presides it"},
    {"webhook.create", pl_op_webhook_create, PL_ROP_NONE, false, SEC, "create webhooks",
     "http(s) only; the secret is never shown back"},
    {"webhook.list", pl_op_webhook_list, PL_ROP_NONE, false, SEC, "list webhooks", ""},
    {"webhook.delete", pl_op_webhook_delete, PL_ROP_NONE, false, SEC, "delete webhooks",
     "its pending deliveries go with it"},
    {"webhook.deliveries", pl_op_webhook_deliveries, PL_ROP_NONE, false, SEC,
     "read webhook deliveries", ""},
    {"group.create", pl_op_group_create, PL_ROP_NONE, false, SEC, "define groups of States",
     "members are States"},
    {"group.update", pl_op_group_update, PL_ROP_NONE, false, SEC, "change groups of States",
     "members are States"},
    {"group.list", pl_op_group_list, PL_ROP_NONE, false, ANYONE, "list groups of States", ""},
    {"queue.contingent", NULL, PL_ROP_CONTINGENT, false, PRESIDES,
     "add to a group's speaking time", "joined; presides the meeting; the policy has "
     "contingents"},
    {"queue.deadline", NULL, PL_ROP_DEADLINE, false, PRESIDES, "set inscription deadlines",
     "joined; presides the meeting; the list is open"},
    {"participant.rank", pl_op_participant_rank, PL_ROP_NONE, false, SEC,
     "set protocol ranks", ""},
    {"signal.send", pl_op_signal_send, PL_ROP_NONE, false, INTERPRETER,
     "send interpreters' signals", "joined; one a second"},
    {"document.get", pl_op_document_get, PL_ROP_NONE, false, ANYONE, "read documents",
     "a States' document: States and the secretariat only"},
    {"document.withdraw", pl_op_document_withdraw, PL_ROP_NONE, false,
     SEC | CHAIR | DELEGATE | OBSERVER, "withdraw documents",
     "its own delegation, or the secretariat"},
    {"documents.search", pl_op_documents_search, PL_ROP_NONE, false, ANYONE,
     "search documents", "finds only what one may read"},
    {"report.submit", pl_op_report_submit, PL_ROP_NONE, false, SEC | CHAIR | DELEGATE,
     "submit national reports", "a State for itself; the secretariat for any State"},
    {"report.get", pl_op_report_get, PL_ROP_NONE, false, ANYONE, "read national reports",
     "a States' report: States and the secretariat only"},
    {"report.status", pl_op_report_status, PL_ROP_NONE, false, ANYONE,
     "read the reporting cycle", ""},
    {"report.rotation", pl_op_report_rotation, PL_ROP_NONE, false, SEC,
     "set the reporting rotation", ""},
    {"report.synthesis", pl_op_report_synthesis, PL_ROP_NONE, false, ANYONE,
     "read the synthesis of reports", "counts only the reports one may read"},
    {"report.compare", pl_op_report_compare, PL_ROP_NONE, false, ANYONE, "compare reports",
     "shows only the reports one may read"},
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

/* Runs the op. With --cluster (live/cluster.h) the state here may be a
 * little behind the log: a change another node appended first fences this
 * one (nothing of it was kept), and a refusal may come from not having
 * seen another node's change yet. Either way the node catches up and, if
 * the log had anything new, decides again on the newer state. A fenced
 * change races the other nodes' next ones: it is tried until it wins,
 * within a bound. Ops change their arguments as they read them: each try
 * reads a copy. */
#define CLUSTER_TRIES 50
static pl_err run(pl_op_ctx *c, const op_entry *entry, json_t *args) {
  for (int tries = 1;; tries++) {
    json_t *a = pl_cluster_on() ? json_deep_copy(args) : json_incref(args);
    pl_err e = entry->fn ? entry->fn(c, a) : pl_op_room(c, a, entry->room_op);
    json_decref(a);
    if (e == PL_ERR_OK || !pl_cluster_on() || c->deferred || tries == CLUSTER_TRIES)
      return e;
    const bool fenced = e == PL_ERR_UNAVAILABLE && pl_cluster_was_fenced();
    if (e == PL_ERR_UNAVAILABLE && !fenced)
      return e; /* the log did not answer: the client may try again */
    if (pl_cluster_catch_up() == 0 && !fenced)
      return e; /* refused on the log's latest state: the refusal stands */
    json_decref(c->result);
    c->result = NULL;
  }
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
    e = run(&c, entry, r.args);
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

pl_err pl_ops_call(const char *name, const pl_participant_rec *who, json_t *args,
                   json_t **result, char *msg, size_t msglen) {
  const op_entry *entry = op_find(name);
  *result = NULL;
  pl_op_ctx c = {.now = pl_now_ms()};
  pl_err e;
  if (!entry || !entry->fn)
    e = pl_op_fail(&c, PL_ERR_UNKNOWN_OP, "unknown op '%.40s'", name);
  else if (!(entry->roles & PL_ROLE_BIT(who->role)))
    e = pl_op_fail(&c, PL_ERR_FORBIDDEN, "a %s may not %s", PL_ENUM_NAME(pl_role, who->role),
                   entry->what);
  else
    e = run(&c, entry, args);
  pl_srv->metrics.ops[e < PL_ERR__COUNT ? e : PL_ERR_INTERNAL]++;
  pl_log(e == PL_ERR_OK ? PL_LOG_INFO : PL_LOG_NOTICE, e ? "request.failed" : "request", "op",
         name, "code", pl_err_code(e), "participant", who->id, "via", "http", "msg",
         e ? c.msg : NULL, NULL);
  snprintf(msg, msglen, "%s", c.msg[0] ? c.msg : pl_err_message(e));
  if (e == PL_ERR_OK)
    *result = c.result;
  else
    json_decref(c.result);
  return e;
}

void pl_ops_print_authz(FILE *out) {
  static const pl_role roles[] = {PL_ROLE_SECRETARIAT, PL_ROLE_CHAIR, PL_ROLE_DELEGATE,
                                  PL_ROLE_OBSERVER, PL_ROLE_VIEWER, PL_ROLE_INTERPRETER};
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
