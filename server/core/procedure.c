/* Silence procedures (procedure.h). */
#include "core/procedure.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/invariant.h"

__attribute__((format(printf, 3, 4))) static pl_err refuse(pl_proc_event *out, pl_err e,
                                                           const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out->message, sizeof out->message, fmt, ap);
  va_end(ap);
  return e;
}

static void event_init(pl_proc_event *out, pl_proc_ev_type type, const pl_procedure *p,
                       int64_t now) {
  memset(out, 0, offsetof(pl_proc_event, app_delegations));
  out->message[0] = '\0';
  out->app_delegations[0][0] = '\0';
  out->type = type;
  out->at = now;
  if (p) {
    snprintf(out->procedure, sizeof out->procedure, "%s", p->id);
    out->kind = p->kind;
  }
}

static char *dup_text(const char *s) {
  return s ? strdup(s) : NULL;
}

static void procedure_free(pl_procedure *p) {
  if (!p)
    return;
  free(p->title);
  free(p->text);
  for (size_t i = 0; i < p->n_obj; i++) {
    free(p->obj[i].reason);
    free(p->obj[i].amendment);
  }
  free(p->obj);
  for (size_t i = 0; i < p->n_st; i++)
    free(p->st[i].text);
  free(p->st);
  free(p);
}

void pl_procs_init(pl_procedures *set) {
  set->v = NULL;
  set->n = set->cap = 0;
}

void pl_procs_release(pl_procedures *set) {
  for (size_t i = 0; i < set->n; i++)
    procedure_free(set->v[i]);
  free(set->v);
  pl_procs_init(set);
}

void pl_proc_event_release(pl_proc_event *ev) {
  procedure_free(ev->started);
  free(ev->text);
  free(ev->amendment);
  ev->started = NULL;
  ev->text = ev->amendment = NULL;
}

const pl_procedure *pl_proc_get(const pl_procedures *set, const char *id) {
  if (!id || id[0] != 's')
    return NULL;
  char *end;
  long n = strtol(id + 1, &end, 10);
  if (*end || end == id + 1 || n < 1 || (size_t)n > set->n || id[1] == '0')
    return NULL;
  return set->v[n - 1];
}

const pl_procedure *pl_proc_holding(const pl_procedures *set, const char *app) {
  for (size_t i = 0; i < set->n; i++) {
    const pl_procedure *p = set->v[i];
    if (p->status != PL_PROC_OPEN)
      continue;
    for (size_t a = 0; a < p->n_apps; a++)
      if (strcmp(p->apps[a], app) == 0)
        return p;
  }
  return NULL;
}

/* --- commands ---------------------------------------------------------------- */

static pl_err check_text(pl_proc_event *out, const char *field, const char *s, size_t max,
                         bool required) {
  if (!s || !*s)
    return required ? refuse(out, PL_ERR_BAD_REQUEST, "field '%s' must not be empty", field)
                    : PL_ERR_OK;
  if (strlen(s) >= max)
    return refuse(out, PL_ERR_BAD_REQUEST, "field '%s' is longer than %zu bytes", field,
                  max - 1);
  return PL_ERR_OK;
}

static pl_err check_spec(const pl_procedures *set, const pl_proc_spec *sp, int64_t now,
                         pl_proc_event *out) {
  pl_err e;
  if ((e = check_text(out, "title", sp->title, PL_PROC_TITLE_MAX, true)) ||
      (e = check_text(out, "text", sp->text, PL_PROC_TEXT_MAX, true)))
    return e;
  if (sp->deadline <= now)
    return refuse(out, PL_ERR_BAD_REQUEST, "field 'deadline' must be in the future");
  if (sp->kind == PL_PROC_ELECTION) {
    if (!sp->candidate || !sp->candidate[0])
      return refuse(out, PL_ERR_BAD_REQUEST, "an election needs a 'candidate'");
    if (sp->year < 2000 || sp->year > 2200)
      return refuse(out, PL_ERR_BAD_REQUEST, "field 'year' must be a year");
  }
  if (sp->kind == PL_PROC_ACCREDITATION) {
    if (sp->n_apps == 0)
      return refuse(out, PL_ERR_BAD_REQUEST, "an accreditation needs 'applications'");
    if (sp->n_apps > PL_PROC_MAX_APPS)
      return refuse(out, PL_ERR_BAD_REQUEST, "at most %d applications under one procedure",
                    PL_PROC_MAX_APPS);
    for (size_t i = 0; i < sp->n_apps; i++) {
      const pl_procedure *held = pl_proc_holding(set, sp->apps[i]);
      if (held)
        return refuse(out, PL_ERR_CONFLICT, "application %.24s is under procedure %s already",
                      sp->apps[i], held->id);
      for (size_t j = 0; j < i; j++)
        if (strcmp(sp->apps[i], sp->apps[j]) == 0)
          return refuse(out, PL_ERR_BAD_REQUEST, "application %.24s is named twice",
                        sp->apps[i]);
    }
  }
  return PL_ERR_OK;
}

pl_err pl_proc_start(const pl_procedures *set, const pl_proc_spec *sp, int64_t now,
                     pl_proc_event *out) {
  event_init(out, PL_PROC_EV_STARTED, NULL, now);
  pl_err e = check_spec(set, sp, now, out);
  if (e)
    return e;
  pl_procedure *p = calloc(1, sizeof *p);
  if (!p || !(p->title = dup_text(sp->title)) || !(p->text = dup_text(sp->text))) {
    procedure_free(p);
    return refuse(out, PL_ERR_INTERNAL, "out of memory");
  }
  snprintf(p->id, sizeof p->id, "s%zu", set->n + 1);
  p->kind = sp->kind;
  p->status = PL_PROC_OPEN;
  snprintf(p->meeting, sizeof p->meeting, "%s", sp->meeting ? sp->meeting : "");
  snprintf(p->started_by, sizeof p->started_by, "%s", sp->started_by);
  p->started_at = now;
  p->deadline = sp->deadline;
  if (sp->kind == PL_PROC_ELECTION) {
    p->office = sp->office;
    p->year = sp->year;
    snprintf(p->candidate, sizeof p->candidate, "%s", sp->candidate);
    snprintf(p->candidate_name, sizeof p->candidate_name, "%s",
             sp->candidate_name ? sp->candidate_name : "");
    p->candidate_delegation = sp->candidate_delegation;
  }
  if (sp->kind == PL_PROC_ACCREDITATION)
    for (size_t i = 0; i < sp->n_apps; i++)
      snprintf(p->apps[p->n_apps++], PL_ID_LEN, "%s", sp->apps[i]);
  snprintf(out->procedure, sizeof out->procedure, "%s", p->id);
  out->kind = p->kind;
  out->started = p;
  return PL_ERR_OK;
}

/* The open procedure `id` a State acts on before its deadline, or a refusal. */
static pl_err find_open(const pl_procedures *set, const char *id, bool is_state,
                        const char *what, int64_t now, pl_proc_event *out,
                        const pl_procedure **found) {
  const pl_procedure *p = pl_proc_get(set, id);
  *found = p;
  if (!p)
    return refuse(out, PL_ERR_NOT_FOUND, "no procedure '%.24s'", id ? id : "");
  if (!is_state)
    return refuse(out, PL_ERR_FORBIDDEN, "only a State's delegation may %s", what);
  if (p->status != PL_PROC_OPEN || now >= p->deadline)
    return refuse(out, PL_ERR_CONFLICT, "procedure %s closed at its deadline; it is %s",
                  p->id, p->status == PL_PROC_OPEN ? "closing" : pl_proc_status_names[p->status]);
  return PL_ERR_OK;
}

static const pl_objection *standing(const pl_procedure *p, const char *delegation) {
  for (size_t i = 0; i < p->n_obj; i++)
    if (strcmp(p->obj[i].by.delegation.id, delegation) == 0)
      return &p->obj[i];
  return NULL;
}

pl_err pl_proc_object(const pl_procedures *set, const char *id, const pl_proc_party *by,
                      bool is_state, const char *reason, const char *amendment, int64_t now,
                      pl_proc_event *out) {
  const pl_procedure *p;
  event_init(out, PL_PROC_EV_OBJECTED, NULL, now);
  pl_err e = find_open(set, id, is_state, "break silence", now, out, &p);
  if (!e && standing(p, by->delegation.id))
    e = refuse(out, PL_ERR_CONFLICT, "%s has objected to procedure %s already",
               by->delegation.name, p->id);
  if (!e)
    e = check_text(out, "reason", reason, PL_PROC_TEXT_MAX, true);
  if (!e)
    e = check_text(out, "amendment", amendment, PL_PROC_TEXT_MAX, false);
  if (e)
    return e;
  event_init(out, PL_PROC_EV_OBJECTED, p, now);
  out->by = *by;
  out->text = dup_text(reason);
  out->amendment = amendment && *amendment ? dup_text(amendment) : NULL;
  if (!out->text || (amendment && *amendment && !out->amendment)) {
    pl_proc_event_release(out);
    return refuse(out, PL_ERR_INTERNAL, "out of memory");
  }
  return PL_ERR_OK;
}

pl_err pl_proc_withdraw(const pl_procedures *set, const char *id, const pl_proc_party *by,
                        bool is_state, int64_t now, pl_proc_event *out) {
  const pl_procedure *p;
  event_init(out, PL_PROC_EV_WITHDRAWN, NULL, now);
  pl_err e = find_open(set, id, is_state, "withdraw an objection", now, out, &p);
  if (e)
    return e;
  if (!standing(p, by->delegation.id))
    return refuse(out, PL_ERR_CONFLICT, "%s has no objection to procedure %s to withdraw",
                  by->delegation.name, p->id);
  event_init(out, PL_PROC_EV_WITHDRAWN, p, now);
  out->by = *by;
  return PL_ERR_OK;
}

pl_err pl_proc_extend(const pl_procedures *set, const char *id, const char *by,
                      bool secretariat, int64_t deadline, int64_t now, pl_proc_event *out) {
  const pl_procedure *p;
  event_init(out, PL_PROC_EV_EXTENDED, NULL, now);
  pl_err e = find_open(set, id, true, "", now, out, &p);
  if (e)
    return e;
  if (!secretariat && strcmp(p->started_by, by) != 0)
    return refuse(out, PL_ERR_FORBIDDEN, "only whoever started procedure %s may extend it",
                  p->id);
  if (deadline <= p->deadline)
    return refuse(out, PL_ERR_BAD_REQUEST, "field 'deadline' must be later than %lld",
                  (long long)p->deadline);
  event_init(out, PL_PROC_EV_EXTENDED, p, now);
  out->deadline = deadline;
  return PL_ERR_OK;
}

pl_err pl_proc_statement(const pl_procedures *set, const char *id, const pl_proc_party *by,
                         bool is_state, const char *text, int64_t now, pl_proc_event *out) {
  const pl_procedure *p;
  event_init(out, PL_PROC_EV_STATEMENT, NULL, now);
  pl_err e = find_open(set, id, is_state, "make a statement", now, out, &p);
  if (!e)
    e = check_text(out, "text", text, PL_PROC_TEXT_MAX, true);
  if (e)
    return e;
  event_init(out, PL_PROC_EV_STATEMENT, p, now);
  out->by = *by;
  if (!(out->text = dup_text(text)))
    return refuse(out, PL_ERR_INTERNAL, "out of memory");
  return PL_ERR_OK;
}

int64_t pl_proc_next_deadline(const pl_procedures *set) {
  int64_t next = 0;
  for (size_t i = 0; i < set->n; i++) {
    const pl_procedure *p = set->v[i];
    if (p->status == PL_PROC_OPEN && (!next || p->deadline < next))
      next = p->deadline;
  }
  return next;
}

bool pl_proc_close_due(const pl_procedures *set, int64_t now, pl_proc_event *out) {
  for (size_t i = 0; i < set->n; i++) {
    const pl_procedure *p = set->v[i];
    if (p->status != PL_PROC_OPEN || p->deadline > now)
      continue;
    event_init(out, PL_PROC_EV_CLOSED, p, now);
    out->result = p->n_obj ? PL_PROC_FAILED : PL_PROC_ADOPTED;
    out->closed_at = p->deadline;
    return true;
  }
  return false;
}

/* --- apply ------------------------------------------------------------------- */

static bool grow(void **v, size_t *cap, size_t need, size_t size) {
  if (need <= *cap)
    return true;
  size_t n = *cap ? *cap * 2 : 4;
  while (n < need)
    n *= 2;
  void *p = realloc(*v, n * size);
  if (!p)
    return false;
  *v = p;
  *cap = n;
  return true;
}

pl_err pl_proc_reserve(pl_procedures *set, const pl_proc_event *ev) {
  bool ok = true;
  pl_procedure *p = (pl_procedure *)pl_proc_get(set, ev->procedure);
  if (ev->type == PL_PROC_EV_STARTED)
    ok = grow((void **)&set->v, &set->cap, set->n + 1, sizeof *set->v);
  else if (p && ev->type == PL_PROC_EV_OBJECTED)
    ok = grow((void **)&p->obj, &p->cap_obj, p->n_obj + 1, sizeof *p->obj);
  else if (p && ev->type == PL_PROC_EV_STATEMENT)
    ok = grow((void **)&p->st, &p->cap_st, p->n_st + 1, sizeof *p->st);
  return ok ? PL_ERR_OK : PL_ERR_INTERNAL;
}

static pl_err apply_to(pl_procedure *p, pl_proc_event *ev) {
  if (p->status != PL_PROC_OPEN)
    return PL_ERR_CONFLICT;
  switch (ev->type) {
  case PL_PROC_EV_OBJECTED:
    if (NEVER(p->n_obj == p->cap_obj) || standing(p, ev->by.delegation.id))
      return PL_ERR_CONFLICT;
    p->obj[p->n_obj++] = (pl_objection){ev->by, ev->text, ev->amendment, ev->at};
    ev->text = ev->amendment = NULL;
    return PL_ERR_OK;
  case PL_PROC_EV_WITHDRAWN: {
    const pl_objection *o = standing(p, ev->by.delegation.id);
    if (!o)
      return PL_ERR_CONFLICT;
    size_t i = (size_t)(o - p->obj);
    free(p->obj[i].reason);
    free(p->obj[i].amendment);
    memmove(&p->obj[i], &p->obj[i + 1], (p->n_obj - i - 1) * sizeof *p->obj);
    p->n_obj--;
    return PL_ERR_OK;
  }
  case PL_PROC_EV_EXTENDED:
    if (ev->deadline <= p->deadline)
      return PL_ERR_CONFLICT;
    p->deadline = ev->deadline;
    p->extensions++;
    return PL_ERR_OK;
  case PL_PROC_EV_STATEMENT:
    if (NEVER(p->n_st == p->cap_st))
      return PL_ERR_CONFLICT;
    p->st[p->n_st++] = (pl_statement_rec){ev->by, ev->text, ev->at};
    ev->text = NULL;
    return PL_ERR_OK;
  case PL_PROC_EV_CLOSED:
    if (ev->result == PL_PROC_OPEN || (ev->result == PL_PROC_ADOPTED) != (p->n_obj == 0))
      return PL_ERR_CONFLICT;
    p->status = ev->result;
    p->closed_at = ev->closed_at;
    if (p->kind == PL_PROC_ACCREDITATION && ev->result == PL_PROC_ADOPTED)
      memcpy(p->app_delegations, ev->app_delegations, sizeof p->app_delegations);
    return PL_ERR_OK;
  case PL_PROC_EV_STARTED:
    break;
  }
  return PL_ERR_CONFLICT;
}

pl_err pl_proc_apply(pl_procedures *set, pl_proc_event *ev) {
  if (ev->type == PL_PROC_EV_STARTED) {
    char want[PL_ID_LEN];
    snprintf(want, sizeof want, "s%zu", set->n + 1);
    if (!ev->started || strcmp(ev->started->id, want) != 0 || NEVER(set->n == set->cap))
      return PL_ERR_CONFLICT;
    set->v[set->n++] = ev->started;
    ev->started = NULL;
    return PL_ERR_OK;
  }
  pl_procedure *p = (pl_procedure *)pl_proc_get(set, ev->procedure);
  return p ? apply_to(p, ev) : PL_ERR_CONFLICT;
}
