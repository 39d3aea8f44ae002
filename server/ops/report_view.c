/* The reporting cycle as the views hold it (report_view.h). */
#include "ops/report_view.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "base/server.h"
#include "live/commit.h"
#include "store/portal.h"
#include "store/store.h"

int pl_report_year_of(int64_t now) {
  time_t t = (time_t)(now / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  return tm.tm_year + 1900;
}

typedef struct collect {
  pl_report_view *v;
  size_t cap;
  bool oom;
} collect;

static int add_state(void *ctx, const pl_delegation_rec *d) {
  collect *c = ctx;
  pl_report_view *v = c->v;
  if (d->kind != PL_DELEGATION_STATE)
    return 0;
  pl_report_state *grown = pl_reserve(v->states, &c->cap, v->n_states, sizeof *grown, 64);
  if (!grown) {
    c->oom = true;
    return 1;
  }
  v->states = grown;
  memset(&v->states[v->n_states], 0, sizeof v->states[0]);
  v->states[v->n_states++].d = *d;
  return 0;
}

static int by_name(const void *a, const void *b) {
  const pl_report_state *x = a, *y = b;
  int c = strcmp(x->d.name, y->d.name);
  return c ? c : strcmp(x->d.id, y->d.id);
}

static int add_report(void *ctx, json_t *r) {
  return json_array_append(((pl_report_view *)ctx)->reports, r);
}

pl_report_state *pl_report_view_state(pl_report_view *v, const char *id) {
  for (size_t i = 0; id && i < v->n_states; i++)
    if (strcmp(v->states[i].d.id, id) == 0)
      return &v->states[i];
  return NULL;
}

int pl_report_view_load(pl_report_view *v, int64_t now) {
  memset(v, 0, sizeof *v);
  v->now_year = pl_report_year_of(now);
  collect c = {.v = v};
  v->reports = json_array();
  pl_store_rc rc = pl_store_rotation_get(pl_srv->store, &v->rotation);
  v->rotation_set = rc == PL_STORE_OK;
  if (rc == PL_STORE_NOT_FOUND) {
    v->rotation.first_year = pl_cycle_start(v->now_year);
    v->rotation.n = 0;
  }
  if (!v->reports || (rc != PL_STORE_OK && rc != PL_STORE_NOT_FOUND) ||
      pl_store_delegation_each(pl_srv->store, add_state, &c) != PL_STORE_OK || c.oom ||
      pl_store_report_each(pl_srv->store, add_report, v) != PL_STORE_OK) {
    pl_report_view_release(v);
    return -1;
  }
  if (v->n_states) /* qsort of NULL is undefined, even for none */
    qsort(v->states, v->n_states, sizeof v->states[0], by_name);
  for (size_t i = 0; i < v->n_states; i++) {
    pl_report_state *s = &v->states[i];
    s->parity = pl_cycle_default_parity((int)i);
    for (size_t k = 0; k < v->rotation.n; k++)
      if (strcmp(v->rotation.set[k].delegation, s->d.id) == 0) {
        s->parity = v->rotation.set[k].parity;
        s->assigned = true;
      }
  }
  size_t i;
  json_t *r;
  json_array_foreach(v->reports, i, r) {
    pl_report_state *s = pl_report_view_state(
        v, json_string_value(json_object_get(json_object_get(r, "delegation"), "id")));
    int year = (int)json_integer_value(json_object_get(r, "year"));
    if (s && year > s->last_year)
      s->last_year = year;
  }
  for (i = 0; i < v->n_states; i++) {
    pl_report_state *s = &v->states[i];
    s->status = pl_cycle_status_of(v->rotation.first_year, s->parity, s->last_year, v->now_year);
  }
  return 0;
}

void pl_report_view_release(pl_report_view *v) {
  free(v->states);
  json_decref(v->reports);
  memset(v, 0, sizeof *v);
}

static size_t remind(pl_change *ch, const pl_report_state *s, int year, pl_remind_kind kind) {
  pl_pevent ev = {.type = PL_PEV_REPORT_REMINDER};
  bool sent = true;
  snprintf(ev.reminder.delegation, sizeof ev.reminder.delegation, "%s", s->d.id);
  ev.reminder.year = year;
  ev.reminder.kind = kind;
  if (pl_store_reminder_sent(pl_srv->store, &ev.reminder, &sent) != PL_STORE_OK || sent)
    return 0;
  pl_change_programme(ch, &ev);
  return 1;
}

size_t pl_report_view_reminders(pl_report_view *v, pl_change *ch) {
  size_t n = 0;
  for (size_t i = 0; v->rotation_set && i < v->n_states; i++) {
    const pl_report_state *s = &v->states[i];
    if (s->status.due_now)
      n += remind(ch, s, s->status.due_year, PL_REMIND_DUE);
    else if (s->status.overdue)
      n += remind(ch, s, s->status.due_year, PL_REMIND_OVERDUE);
  }
  return n;
}
