/* Silence procedures and applications to and from JSON (decision_json.h). */
#include "wire/decision_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/codec.h"

/* --- encoding ---------------------------------------------------------------- */

static json_t *delegation_ref(const pl_delegation_ref *d) {
  return json_pack("{s:s, s:s, s:s}", "id", d->id, "name", d->name, "kind",
                   PL_ENUM_NAME(pl_delegation_kind, d->kind));
}

static json_t *objection(const pl_proc_party *by, const char *reason, const char *amendment,
                         int64_t at) {
  return json_pack("{s:o, s:s, s:s, s:s?, s:I}", "delegation", delegation_ref(&by->delegation),
                   "participant", by->participant, "reason", reason, "amendment", amendment,
                   "at", (json_int_t)at);
}

static json_t *statement(const pl_proc_party *by, const char *text, int64_t at) {
  return json_pack("{s:o, s:s, s:s, s:I}", "delegation", delegation_ref(&by->delegation),
                   "participant", by->participant, "text", text, "at", (json_int_t)at);
}

static json_t *objections(const pl_procedure *p) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < p->n_obj; i++) {
    const pl_objection *o = &p->obj[i];
    json_array_append_new(a, objection(&o->by, o->reason, o->amendment, o->at));
  }
  return a;
}

static json_t *election(const pl_procedure *p) {
  return json_pack("{s:s, s:i, s:s, s:s, s:o}", "office", PL_ENUM_NAME(pl_office, p->office),
                   "year", (int)p->year, "candidate", p->candidate, "candidate_name",
                   p->candidate_name, "delegation", delegation_ref(&p->candidate_delegation));
}

static json_t *applications(const pl_procedure *p, bool closed) {
  json_t *a = json_array();
  for (size_t i = 0; a && i < p->n_apps; i++) {
    const char *d = closed && p->app_delegations[i][0] ? p->app_delegations[i] : NULL;
    json_array_append_new(a, json_pack("{s:s, s:s?}", "id", p->apps[i], "delegation", d));
  }
  return a;
}

/* What every participant may see of an accreditation: its text, deadline
 * and result. Objections and statements there name the States that made
 * them, which the rule keeps among States. */
static bool hides_positions(pl_proc_kind kind, pl_audience who) {
  return kind == PL_PROC_ACCREDITATION && who == PL_SEES_PUBLIC;
}

json_t *pl_json_procedure(const pl_procedure *p, pl_audience who) {
  json_t *o = json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:I, s:I, s:i}", "id", p->id, "kind",
      PL_ENUM_NAME(pl_proc_kind, p->kind), "status", PL_ENUM_NAME(pl_proc_status, p->status),
      "title", p->title, "text", p->text, "meeting", p->meeting[0] ? p->meeting : NULL,
      "started_by", p->started_by, "started_at", (json_int_t)p->started_at, "deadline",
      (json_int_t)p->deadline, "extensions", (int)p->extensions);
  if (!o)
    return NULL;
  json_object_set_new(o, "closed_at",
                      p->status == PL_PROC_OPEN ? json_null() : json_integer(p->closed_at));
  if (p->kind == PL_PROC_ELECTION)
    json_object_set_new(o, "election", election(p));
  if (p->kind == PL_PROC_ACCREDITATION)
    json_object_set_new(o, "applications", applications(p, p->status != PL_PROC_OPEN));
  if (!hides_positions(p->kind, who)) {
    json_object_set_new(o, "objections", objections(p));
    json_t *st = json_array();
    for (size_t i = 0; st && i < p->n_st; i++)
      json_array_append_new(st, statement(&p->st[i].by, p->st[i].text, p->st[i].at));
    json_object_set_new(o, "statements", st);
  }
  return o;
}

json_t *pl_json_application(const pl_application_rec *a, bool contact) {
  json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", a->id, "name", a->name,
                        "kind", PL_ENUM_NAME(pl_delegation_kind, a->kind), "tz", a->tz,
                        "website", a->website, "justification", a->justification, "at",
                        (json_int_t)a->at);
  if (o && contact) {
    json_object_set_new(o, "contact", json_string(a->contact));
    json_object_set_new(o, "link", json_string(a->link));
  }
  return o;
}

static json_t *closed_payload(const pl_pevent *ev) {
  const pl_proc_event *pe = ev->proc;
  const pl_procedure *p = ev->procedure;
  json_t *o = json_pack("{s:s, s:s, s:I}", "result", PL_ENUM_NAME(pl_proc_status, pe->result),
                        "title", p ? p->title : "", "closed_at", (json_int_t)pe->closed_at);
  if (o && p)
    json_object_set_new(o, "objections", objections(p));
  if (o && p && p->kind == PL_PROC_ACCREDITATION && pe->result == PL_PROC_ADOPTED) {
    json_t *d = json_object();
    for (size_t i = 0; d && i < p->n_apps; i++)
      json_object_set_new(d, p->apps[i], json_string(pe->app_delegations[i]));
    json_object_set_new(o, "delegations", d);
  }
  if (o && p && p->kind == PL_PROC_ELECTION)
    json_object_set_new(o, "election", election(p));
  return o;
}

json_t *pl_json_decision_payload(const pl_pevent *ev) {
  char hex[PL_HASH_HEX_LEN];
  if (ev->type == PL_PEV_APPLICATION_LINK) {
    pl_token_hash_hex(ev->token_hash, hex);
    return json_pack("{s:s, s:s}", "link", ev->link, "token_hash", hex);
  }
  if (ev->type == PL_PEV_APPLICATION_RECEIVED)
    return ev->app ? json_pack("{s:o}", "application", pl_json_application(ev->app, true))
                   : NULL;
  const pl_proc_event *pe = ev->proc;
  if (!pe)
    return NULL;
  json_t *o = NULL;
  switch (pe->type) {
  case PL_PROC_EV_STARTED:
    return pe->started ? json_pack("{s:o}", "procedure",
                                   pl_json_procedure(pe->started, PL_SEES_SECRETARIAT))
                       : NULL;
  case PL_PROC_EV_OBJECTED:
    o = json_pack("{s:o}", "objection", objection(&pe->by, pe->text, pe->amendment, pe->at));
    break;
  case PL_PROC_EV_WITHDRAWN:
    o = json_pack("{s:o, s:s}", "delegation", delegation_ref(&pe->by.delegation),
                  "participant", pe->by.participant);
    break;
  case PL_PROC_EV_EXTENDED:
    o = json_pack("{s:I}", "deadline", (json_int_t)pe->deadline);
    break;
  case PL_PROC_EV_STATEMENT:
    o = json_pack("{s:o}", "statement", statement(&pe->by, pe->text, pe->at));
    break;
  case PL_PROC_EV_CLOSED:
    o = closed_payload(ev);
    break;
  }
  if (o && (json_object_set_new(o, "procedure", json_string(pe->procedure)) ||
            json_object_set_new(o, "kind", json_string(PL_ENUM_NAME(pl_proc_kind, pe->kind))))) {
    json_decref(o);
    o = NULL;
  }
  return o;
}

/* --- who sees what ----------------------------------------------------------- */

static bool starts_with(const char *body, size_t len, const char *prefix) {
  size_t n = strlen(prefix);
  return len >= n && memcmp(body, prefix, n) == 0;
}

bool pl_pevent_text_is_decision(const char *body, size_t len) {
  return starts_with(body, len, "{\"ev\":\"procedure.") ||
         starts_with(body, len, "{\"ev\":\"application.");
}

bool pl_pevent_published(pl_pevent_type t) {
  return pl_pevent_is_procedure(t) || t == PL_PEV_APPLICATION_RECEIVED ||
         t == PL_PEV_REPORT_REMINDER;
}

json_t *pl_pevent_for(json_t *o, pl_audience who) {
  int type = pl_pevent_parse(json_string_value(json_object_get(o, "ev")));
  if (type < 0 || !pl_pevent_published((pl_pevent_type)type))
    return NULL; /* credentials and the views' records stay on the server */
  if (type == PL_PEV_APPLICATION_RECEIVED)
    return who == PL_SEES_SECRETARIAT ? json_incref(o) : NULL;
  if (type == PL_PEV_REPORT_REMINDER) /* to its State only: live/commit.c */
    return who == PL_SEES_PUBLIC ? NULL : json_incref(o);
  json_t *started = json_object_get(o, "procedure");
  const char *kind = json_is_object(started)
                         ? json_string_value(json_object_get(started, "kind"))
                         : json_string_value(json_object_get(o, "kind"));
  int k = PL_ENUM_PARSE(pl_proc_kind, kind);
  if (k < 0 || !hides_positions((pl_proc_kind)k, who))
    return json_incref(o);
  switch (type) {
  case PL_PEV_PROCEDURE_OBJECTED:
  case PL_PEV_PROCEDURE_WITHDRAWN:
  case PL_PEV_PROCEDURE_STATEMENT:
    return NULL;
  case PL_PEV_PROCEDURE_CLOSED: {
    json_t *c = json_copy(o);
    json_object_del(c, "objections");
    return c;
  }
  default:
    return json_incref(o); /* started (no objections yet), extended */
  }
}

/* --- decoding ---------------------------------------------------------------- */

static pl_err bad(char *msg, size_t msglen, const char *what, const char *field) {
  snprintf(msg, msglen, "%s: field '%s' is missing or malformed", what, field);
  return PL_ERR_BAD_REQUEST;
}

static bool copy_to(json_t *o, const char *key, char *buf, size_t len, bool required) {
  return pl_json_take_str(o, key, buf, len, required);
}

static char *dup_field(json_t *o, const char *key) {
  const char *s = json_string_value(json_object_get(o, key));
  return s ? strdup(s) : NULL;
}

static bool party_from(json_t *o, pl_proc_party *by) {
  json_t *d = json_object_get(o, "delegation");
  int kind = PL_ENUM_PARSE(pl_delegation_kind, json_string_value(json_object_get(d, "kind")));
  by->delegation.kind = kind < 0 ? PL_DELEGATION_STATE : (pl_delegation_kind)kind;
  return kind >= 0 && copy_to(d, "id", by->delegation.id, PL_ID_LEN, true) &&
         copy_to(d, "name", by->delegation.name, PL_NAME_LEN, true) &&
         copy_to(o, "participant", by->participant, PL_ID_LEN, true);
}

static pl_err procedure_from(json_t *j, pl_proc_event *pe, char *msg, size_t msglen) {
  const char *what = "procedure.started";
  pl_procedure *p = calloc(1, sizeof *p);
  if (!p)
    return bad(msg, msglen, what, "procedure");
  pe->started = p; /* freed by the caller's pl_proc_event_release on failure */
  int kind = PL_ENUM_PARSE(pl_proc_kind, json_string_value(json_object_get(j, "kind")));
  json_t *dl = json_object_get(j, "deadline"), *at = json_object_get(j, "started_at");
  if (!copy_to(j, "id", p->id, PL_ID_LEN, true) || kind < 0 ||
      !copy_to(j, "meeting", p->meeting, PL_ID_LEN, false) ||
      !copy_to(j, "started_by", p->started_by, PL_ID_LEN, true) || !json_is_integer(dl) ||
      !json_is_integer(at) || !(p->title = dup_field(j, "title")) ||
      !(p->text = dup_field(j, "text")))
    return bad(msg, msglen, what, "procedure");
  p->kind = (pl_proc_kind)kind;
  p->status = PL_PROC_OPEN;
  p->deadline = json_integer_value(dl);
  p->started_at = json_integer_value(at);
  if (p->kind == PL_PROC_ELECTION) {
    json_t *e = json_object_get(j, "election");
    int office = PL_ENUM_PARSE(pl_office, json_string_value(json_object_get(e, "office")));
    pl_proc_party cand;
    json_t *cj = json_pack("{s:O?, s:O?}", "delegation", json_object_get(e, "delegation"),
                           "participant", json_object_get(e, "candidate"));
    bool ok = cj && party_from(cj, &cand);
    json_decref(cj);
    if (office < 0 || !ok || !json_is_integer(json_object_get(e, "year")) ||
        !copy_to(e, "candidate_name", p->candidate_name, PL_NAME_LEN, false))
      return bad(msg, msglen, what, "election");
    p->office = (pl_office)office;
    p->year = (int32_t)json_integer_value(json_object_get(e, "year"));
    memcpy(p->candidate, cand.participant, PL_ID_LEN);
    p->candidate_delegation = cand.delegation;
  }
  if (p->kind == PL_PROC_ACCREDITATION) {
    json_t *apps = json_object_get(j, "applications");
    if (!json_is_array(apps) || json_array_size(apps) > PL_PROC_MAX_APPS)
      return bad(msg, msglen, what, "applications");
    for (size_t i = 0; i < json_array_size(apps); i++)
      if (!copy_to(json_array_get(apps, i), "id", p->apps[p->n_apps++], PL_ID_LEN, true))
        return bad(msg, msglen, what, "applications");
  }
  snprintf(pe->procedure, sizeof pe->procedure, "%s", p->id);
  pe->kind = p->kind;
  return PL_ERR_OK;
}

static pl_err application_from(json_t *a, pl_application_rec *r, char *msg, size_t msglen) {
  const char *what = "application.received";
  memset(r, 0, sizeof *r);
  int kind = PL_ENUM_PARSE(pl_delegation_kind, json_string_value(json_object_get(a, "kind")));
  if (kind < 0 || !copy_to(a, "id", r->id, sizeof r->id, true) ||
      !copy_to(a, "link", r->link, sizeof r->link, true) ||
      !copy_to(a, "name", r->name, sizeof r->name, true) ||
      !copy_to(a, "tz", r->tz, sizeof r->tz, true) ||
      !copy_to(a, "contact", r->contact, sizeof r->contact, false) ||
      !copy_to(a, "website", r->website, sizeof r->website, false) ||
      !copy_to(a, "justification", r->justification, sizeof r->justification, false) ||
      !json_is_integer(json_object_get(a, "at")))
    return bad(msg, msglen, what, "application");
  r->kind = (pl_delegation_kind)kind;
  r->at = json_integer_value(json_object_get(a, "at"));
  return PL_ERR_OK;
}

static pl_err proc_event_from(json_t *o, pl_proc_event *pe, pl_proc_ev_type type,
                              const char *what, char *msg, size_t msglen) {
  memset(pe, 0, sizeof *pe);
  pe->type = type;
  pe->at = json_integer_value(json_object_get(o, "at"));
  if (type == PL_PROC_EV_STARTED)
    return procedure_from(json_object_get(o, "procedure"), pe, msg, msglen);
  int kind = PL_ENUM_PARSE(pl_proc_kind, json_string_value(json_object_get(o, "kind")));
  if (kind < 0 || !copy_to(o, "procedure", pe->procedure, PL_ID_LEN, true))
    return bad(msg, msglen, what, "procedure");
  pe->kind = (pl_proc_kind)kind;
  json_t *x;
  switch (type) {
  case PL_PROC_EV_OBJECTED:
    x = json_object_get(o, "objection");
    if (!party_from(x, &pe->by) || !(pe->text = dup_field(x, "reason")))
      return bad(msg, msglen, what, "objection");
    pe->amendment = dup_field(x, "amendment");
    return PL_ERR_OK;
  case PL_PROC_EV_WITHDRAWN:
    return party_from(o, &pe->by) ? PL_ERR_OK : bad(msg, msglen, what, "delegation");
  case PL_PROC_EV_EXTENDED:
    if (!json_is_integer(json_object_get(o, "deadline")))
      return bad(msg, msglen, what, "deadline");
    pe->deadline = json_integer_value(json_object_get(o, "deadline"));
    return PL_ERR_OK;
  case PL_PROC_EV_STATEMENT:
    x = json_object_get(o, "statement");
    if (!party_from(x, &pe->by) || !(pe->text = dup_field(x, "text")))
      return bad(msg, msglen, what, "statement");
    return PL_ERR_OK;
  case PL_PROC_EV_CLOSED: {
    int r = PL_ENUM_PARSE(pl_proc_status, json_string_value(json_object_get(o, "result")));
    if (r <= PL_PROC_OPEN || !json_is_integer(json_object_get(o, "closed_at")))
      return bad(msg, msglen, what, "result");
    pe->result = (pl_proc_status)r;
    pe->closed_at = json_integer_value(json_object_get(o, "closed_at"));
    /* In the procedure's order of applications: the encoder wrote them so
     * and jansson keeps an object's order. */
    json_t *d = json_object_get(o, "delegations");
    const char *app;
    json_t *v;
    size_t i = 0;
    json_object_foreach(d, app, v) {
      if (i == PL_PROC_MAX_APPS || !json_string_value(v))
        return bad(msg, msglen, what, "delegations");
      snprintf(pe->app_delegations[i++], PL_ID_LEN, "%s", json_string_value(v));
    }
    return PL_ERR_OK;
  }
  case PL_PROC_EV_STARTED:
    break;
  }
  return bad(msg, msglen, what, "ev");
}

pl_err pl_decision_from_json(json_t *o, pl_pevent *out, pl_pevent_bufs *b, char *msg,
                             size_t msglen) {
  const char *what = pl_pevent_names[out->type];
  if (out->type == PL_PEV_APPLICATION_LINK) {
    if (!copy_to(o, "link", out->link, sizeof out->link, true) ||
        pl_token_hash_from_hex(json_string_value(json_object_get(o, "token_hash")),
                               out->token_hash))
      return bad(msg, msglen, what, "link");
    return PL_ERR_OK;
  }
  if (out->type == PL_PEV_APPLICATION_RECEIVED) {
    out->app = &b->app;
    return application_from(json_object_get(o, "application"), &b->app, msg, msglen);
  }
  out->proc = &b->proc;
  return proc_event_from(o, &b->proc, pl_pevent_proc_type(out->type), what, msg, msglen);
}
