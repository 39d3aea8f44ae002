/*
 * Silence procedures and the programme stream's catch-up (ops_procedure.h).
 * Each op reads its arguments, lets the core decide on the const set of
 * procedures, commits the one event and replies with the procedure as the
 * caller may see it. The rules are the core's (core/procedure.h); what is
 * checked here is who the caller is: which meeting they preside, which
 * participant a candidate is, which applications exist.
 */
#include "ops/ops_procedure.h"

#include <stdio.h>
#include <string.h>

#include "base/server.h"
#include "live/decisions.h"
#include "store/store.h"
#include "wire/decision_json.h"

#define SYNC_PAGE_DEFAULT 500
#define SYNC_PAGE_MAX 2000

static pl_procedures *procs(void) {
  return &pl_decisions_get()->procs;
}

static pl_proc_party party_of(const pl_session *s) {
  pl_proc_party by;
  memset(&by, 0, sizeof by);
  by.delegation = s->delegation;
  snprintf(by.participant, sizeof by.participant, "%s", s->who.id);
  return by;
}

static bool is_state(const pl_session *s) {
  return s->delegation.kind == PL_DELEGATION_STATE &&
         (s->who.role == PL_ROLE_DELEGATE || s->who.role == PL_ROLE_CHAIR);
}

/* Commits one procedure event (and whatever else the change holds) and
 * replies with the procedure as the caller sees it. */
static pl_err commit_event(pl_op_ctx *c, pl_change *ch, pl_proc_event *pe) {
  pl_pevent ev = {.type = pl_proc_pevent_type(pe->type), .proc = pe};
  pl_change_programme(ch, &ev);
  pl_err e = pl_op_commit(c, ch);
  char id[PL_ID_LEN];
  snprintf(id, sizeof id, "%s", pe->procedure);
  pl_proc_event_release(pe);
  if (e)
    return e;
  const pl_procedure *p = pl_proc_get(procs(), id);
  c->result = json_pack("{s:o}", "procedure",
                        pl_decisions_procedure_json(p, pl_session_audience(c->s)));
  return PL_ERR_OK;
}

static pl_err decided(pl_op_ctx *c, pl_err e, pl_proc_event *pe) {
  if (e) {
    pl_proc_event_release(pe);
    return pl_op_fail(c, e, "%s", pe->message);
  }
  pl_change ch;
  pl_change_init(&ch, c->now);
  return commit_event(c, &ch, pe);
}

/* --- procedure.start ---------------------------------------------------------- */

/* A candidate: a person of a State's delegation. */
static pl_err candidate_of(pl_op_ctx *c, const char *id, pl_participant_rec *p,
                           pl_delegation_rec *d) {
  pl_store_rc rc = pl_store_participant_get(pl_srv->store, id, p);
  if (rc == PL_STORE_NOT_FOUND)
    return pl_op_fail(c, PL_ERR_NOT_FOUND, "field 'candidate': no participant '%.24s'", id);
  if (rc != PL_STORE_OK || pl_store_delegation_get(pl_srv->store, p->delegation, d))
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  if (d->kind != PL_DELEGATION_STATE ||
      (p->role != PL_ROLE_DELEGATE && p->role != PL_ROLE_CHAIR))
    return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                      "field 'candidate': %.24s does not represent a State", id);
  return PL_ERR_OK;
}

static pl_err applications_of(pl_op_ctx *c, json_t *apps, const char **ids, size_t *n) {
  *n = 0;
  if (!apps)
    return PL_ERR_OK;
  if (!json_is_array(apps) || json_array_size(apps) > PL_PROC_MAX_APPS)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                      "field 'applications' must be a list of at most %d ids",
                      PL_PROC_MAX_APPS);
  for (size_t i = 0; i < json_array_size(apps); i++) {
    const char *id = json_string_value(json_array_get(apps, i));
    const pl_application_rec *a = id ? pl_decisions_app(id) : NULL;
    if (!id)
      return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'applications' must hold ids");
    if (!a)
      return pl_op_fail(c, PL_ERR_NOT_FOUND, "no application '%.24s'", id);
    const pl_procedure *p = pl_decisions_app_procedure(id);
    if (p && p->status == PL_PROC_ADOPTED)
      return pl_op_fail(c, PL_ERR_CONFLICT, "application %s was accepted by procedure %s",
                        id, p->id);
    ids[(*n)++] = id;
  }
  return PL_ERR_OK;
}

pl_err pl_op_procedure_start(pl_op_ctx *c, json_t *args) {
  const char *kind, *title, *text, *meeting = NULL, *office = NULL, *candidate = NULL;
  json_int_t deadline, year = 0;
  json_t *apps = NULL;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s, s:s, s:s, s:I, s?s, s?s, s?I, s?s, s?o}", "kind",
                          &kind, "title", &title, "text", &text, "deadline", &deadline,
                          "meeting", &meeting, "office", &office, "year", &year, "candidate",
                          &candidate, "applications", &apps);
  if (e)
    return e;
  pl_proc_spec sp = {.title = title, .text = text, .deadline = deadline, .meeting = meeting,
                     .started_by = c->s->who.id, .year = (int32_t)year,
                     .candidate = candidate};
  int k = PL_ENUM_PARSE(pl_proc_kind, kind);
  if (k < 0)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'kind' has an unknown value '%.40s'", kind);
  sp.kind = (pl_proc_kind)k;
  if (meeting) {
    pl_live *m = pl_op_meeting(c, meeting, &e);
    if (!m)
      return e;
    if (!pl_session_presides(c->s, m))
      return pl_op_fail(c, PL_ERR_FORBIDDEN, "you do not preside meeting %s", meeting);
  } else if (c->s->who.role != PL_ROLE_SECRETARIAT) {
    return pl_op_fail(c, PL_ERR_FORBIDDEN,
                      "a chair starts a procedure at a meeting they preside: give 'meeting'");
  }
  pl_participant_rec cand;
  pl_delegation_rec cd;
  if (sp.kind == PL_PROC_ELECTION) {
    int o = office ? PL_ENUM_PARSE(pl_office, office) : -1;
    if (o < 0)
      return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'office' must be chair, vice_chair or "
                                               "rapporteur");
    if (!candidate)
      return pl_op_fail(c, PL_ERR_BAD_REQUEST, "an election needs a 'candidate'");
    if ((e = candidate_of(c, candidate, &cand, &cd)))
      return e;
    sp.office = (pl_office)o;
    sp.candidate_name = cand.name;
    snprintf(sp.candidate_delegation.id, PL_ID_LEN, "%s", cd.id);
    snprintf(sp.candidate_delegation.name, PL_NAME_LEN, "%s", cd.name);
    sp.candidate_delegation.kind = cd.kind;
  } else if (office || candidate || year) {
    return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                      "'office', 'year' and 'candidate' are for an election");
  }
  const char *ids[PL_PROC_MAX_APPS];
  if (sp.kind != PL_PROC_ACCREDITATION && apps)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "'applications' are for an accreditation");
  if ((e = applications_of(c, apps, ids, &sp.n_apps)))
    return e;
  sp.apps = ids;
  pl_proc_event pe;
  e = pl_proc_start(procs(), &sp, c->now, &pe);
  return decided(c, e, &pe);
}

/* --- the States' part ----------------------------------------------------------- */

pl_err pl_op_procedure_object(pl_op_ctx *c, json_t *args) {
  const char *id, *reason, *amendment = NULL;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s, s:s, s?s}", "procedure", &id, "reason", &reason,
                          "amendment", &amendment);
  if (e)
    return e;
  pl_proc_party by = party_of(c->s);
  pl_proc_event pe;
  e = pl_proc_object(procs(), id, &by, is_state(c->s), reason, amendment, c->now, &pe);
  return decided(c, e, &pe);
}

pl_err pl_op_procedure_withdraw(pl_op_ctx *c, json_t *args) {
  const char *id;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s}", "procedure", &id);
  if (e)
    return e;
  pl_proc_party by = party_of(c->s);
  pl_proc_event pe;
  e = pl_proc_withdraw(procs(), id, &by, is_state(c->s), c->now, &pe);
  return decided(c, e, &pe);
}

pl_err pl_op_procedure_statement(pl_op_ctx *c, json_t *args) {
  const char *id, *text;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s, s:s}", "procedure", &id, "text", &text);
  if (e)
    return e;
  pl_proc_party by = party_of(c->s);
  pl_proc_event pe;
  e = pl_proc_statement(procs(), id, &by, is_state(c->s), text, c->now, &pe);
  return decided(c, e, &pe);
}

pl_err pl_op_procedure_extend(pl_op_ctx *c, json_t *args) {
  const char *id;
  json_int_t deadline;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s, s:I}", "procedure", &id, "deadline", &deadline);
  if (e)
    return e;
  pl_proc_event pe;
  e = pl_proc_extend(procs(), id, c->s->who.id, c->s->who.role == PL_ROLE_SECRETARIAT,
                     deadline, c->now, &pe);
  return decided(c, e, &pe);
}

/* --- reading -------------------------------------------------------------------- */

pl_err pl_op_procedure_list(pl_op_ctx *c, json_t *args) {
  const char *status = NULL;
  pl_err e = PL_OP_UNPACK(c, args, "{s?s}", "status", &status);
  if (e)
    return e;
  int st = status ? PL_ENUM_PARSE(pl_proc_status, status) : -1;
  if (status && st < 0)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                      "field 'status' must be open, adopted or failed");
  pl_audience who = pl_session_audience(c->s);
  json_t *list = json_array();
  for (size_t i = 0; i < procs()->n; i++)
    if (st < 0 || procs()->v[i]->status == (pl_proc_status)st)
      json_array_append_new(list, pl_decisions_procedure_json(procs()->v[i], who));
  c->result = json_pack("{s:o, s:I}", "procedures", list, "seq", (json_int_t)pl_srv->prog.seq);
  return PL_ERR_OK;
}

pl_err pl_op_procedure_get(pl_op_ctx *c, json_t *args) {
  const char *id;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s}", "procedure", &id);
  if (e)
    return e;
  const pl_procedure *p = pl_proc_get(procs(), id);
  if (!p)
    return pl_op_fail(c, PL_ERR_NOT_FOUND, "no procedure '%.24s'", id);
  c->result = json_pack("{s:o}", "procedure",
                        pl_decisions_procedure_json(p, pl_session_audience(c->s)));
  return PL_ERR_OK;
}

pl_err pl_op_bureau_list(pl_op_ctx *c, json_t *args) {
  json_int_t year = 0;
  pl_err e = PL_OP_UNPACK(c, args, "{s?I}", "year", &year);
  if (e)
    return e;
  if (year < 0 || year > 9999)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'year' must be a year");
  c->result = json_pack("{s:o}", "bureau", pl_decisions_bureau_json((int32_t)year));
  return PL_ERR_OK;
}

/* --- programme.sync ------------------------------------------------------------- */

typedef struct sync_page {
  json_t *events;
  pl_audience who;
  size_t limit;
  bool more;
} sync_page;

static int sync_one(void *ctx, uint64_t seq, const char *body, size_t len) {
  sync_page *pg = ctx;
  if (json_array_size(pg->events) == pg->limit) {
    pg->more = true;
    return 1;
  }
  (void)seq;
  /* Most of the stream is not for clients: skip it unparsed, as the
   * restart does; pl_pevent_for leaves out the links. */
  if (!pl_pevent_text_is_decision(body, len))
    return 0;
  json_t *o = json_loadb(body, len, 0, NULL);
  json_t *seen = o ? pl_pevent_for(o, pg->who) : NULL;
  json_decref(o);
  if (seen)
    json_array_append_new(pg->events, seen);
  return 0;
}

pl_err pl_op_programme_sync(pl_op_ctx *c, json_t *args) {
  json_int_t since, limit = SYNC_PAGE_DEFAULT;
  pl_err e = PL_OP_UNPACK(c, args, "{s:I, s?I}", "since", &since, "limit", &limit);
  if (e)
    return e;
  uint64_t seq = pl_srv->prog.seq;
  if (since < 0 || (uint64_t)since > seq)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'since' must be between 0 and %llu",
                      (unsigned long long)seq);
  if (limit < 1 || limit > SYNC_PAGE_MAX)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'limit' must be between 1 and %d",
                      SYNC_PAGE_MAX);
  sync_page pg = {.events = json_array(), .who = pl_session_audience(c->s),
                  .limit = (size_t)limit};
  pl_store_rc rc = pl_store_stream_each(pl_srv->store, PL_PROGRAMME_STREAM, (uint64_t)since,
                                        sync_one, &pg);
  if (rc != PL_STORE_OK && rc != PL_STORE_STOPPED) {
    json_decref(pg.events);
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  }
  c->result = json_pack("{s:o, s:I, s:b}", "events", pg.events, "seq", (json_int_t)seq,
                        "more", pg.more);
  return PL_ERR_OK;
}
