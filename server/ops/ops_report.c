/* National reports and their cycle (ops_report.h). */
#include "ops/ops_report.h"

#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/server.h"
#include "core/portal.h"
#include "ops/report_view.h"
#include "store/portal.h"
#include "store/store.h"
#include "wire/portal_json.h"

bool pl_report_readable(const pl_op_ctx *c, json_t *report) {
  int vis = PL_ENUM_PARSE(pl_visibility, json_string_value(json_object_get(report, "visibility")));
  return vis >= 0 &&
         pl_portal_may_read(c->s->who.role, c->s->delegation.kind, (pl_visibility)vis);
}

pl_err pl_op_report_submit(pl_op_ctx *c, json_t *args) {
  int year;
  const char *vis = "public", *deleg = NULL;
  json_t *sections;
  pl_err e = PL_OP_UNPACK(c, args, "{s:i, s:o, s?s, s?s}", "year", &year, "sections",
                          &sections, "visibility", &vis, "delegation", &deleg);
  if (e)
    return e;
  int now_year = pl_report_year_of(c->now);
  int v = PL_ENUM_PARSE(pl_visibility, vis);
  if (v < 0)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'visibility' must be public or states");
  if (year < 2000 || year > now_year + 1)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'year' must be 2000 to %d", now_year + 1);
  if ((e = pl_report_sections_check(sections, c->msg, sizeof c->msg)))
    return e;
  bool sec = pl_portal_is_secretariat(c->s->who.role, c->s->delegation.kind);
  if (!pl_portal_may_report(c->s->who.role, c->s->delegation.kind))
    return pl_op_fail(c, PL_ERR_FORBIDDEN, "only a State submits its national report");
  if (deleg && !sec)
    return pl_op_fail(c, PL_ERR_FORBIDDEN, "only the secretariat submits for another State");
  pl_delegation_rec owner;
  pl_store_rc rc = pl_store_delegation_get(pl_srv->store, deleg ? deleg : c->s->delegation.id,
                                           &owner);
  if (rc == PL_STORE_NOT_FOUND)
    return pl_op_fail(c, PL_ERR_NOT_FOUND, "no delegation '%.40s'", deleg ? deleg : "");
  if (rc != PL_STORE_OK)
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  if (owner.kind != PL_DELEGATION_STATE)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "a national report is a State's; '%.40s' is not",
                      owner.name);
  int64_t n;
  if (pl_store_portal_next(pl_srv->store, 'r', &n) != PL_STORE_OK)
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  pl_report_rec r = {.year = year, .visibility = (pl_visibility)v, .at = c->now,
                     .sections = sections};
  pl_id_format(r.id, sizeof r.id, 'r', n);
  snprintf(r.delegation, sizeof r.delegation, "%s", owner.id);
  snprintf(r.delegation_name, sizeof r.delegation_name, "%s", owner.name);
  snprintf(r.by, sizeof r.by, "%s", c->s->who.id);
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_pevent ev = {.type = PL_PEV_REPORT_SUBMITTED, .report = &r};
  pl_change_programme(&ch, &ev);
  if ((e = pl_op_commit(c, &ch)))
    return e;
  c->result = json_pack("{s:o}", "report", pl_json_report(&r));
  return PL_ERR_OK;
}

pl_err pl_op_report_get(pl_op_ctx *c, json_t *args) {
  const char *id;
  pl_err e = PL_OP_UNPACK(c, args, "{s:s}", "report", &id);
  if (e)
    return e;
  pl_report_view v;
  if (pl_report_view_load(&v, c->now))
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  size_t i;
  json_t *r, *found = NULL;
  json_array_foreach(v.reports, i, r) {
    if (strcmp(json_string_value(json_object_get(r, "id")), id) == 0 && pl_report_readable(c, r))
      found = json_incref(r);
  }
  pl_report_view_release(&v);
  if (!found)
    return pl_op_fail(c, PL_ERR_NOT_FOUND, "no report '%.40s'", id);
  c->result = json_pack("{s:o}", "report", found);
  return PL_ERR_OK;
}

static json_t *state_json(const pl_report_view *v, const pl_report_state *s) {
  /* As the reminders: none before the secretariat has set the cycle going. */
  const char *remind = !v->rotation_set     ? NULL
                       : s->status.due_now ? "due"
                       : s->status.overdue ? "overdue"
                                           : NULL;
  json_t *last = s->last_year ? json_integer(s->last_year) : json_null();
  return json_pack("{s:{s:s, s:s}, s:s, s:b, s:i, s:o, s:i, s:b, s:s?}", "delegation", "id",
                   s->d.id, "name", s->d.name, "group", PL_ENUM_NAME(pl_parity, s->parity),
                   "assigned", s->assigned, "due_year", s->status.due_year, "last_report",
                   last, "missed_cycles", s->status.missed, "flagged", s->status.flagged,
                   "reminder", remind);
}

/* Submissions by group and year, from the cycle's first year to now: how
 * many States of the group were due that year and how many reported for it. */
static json_t *statistics(const pl_report_view *v) {
  json_t *out = json_array();
  for (int year = v->rotation.first_year; out && year <= v->now_year; year++)
    for (int g = 0; g < 2; g++) {
      int states = 0, due = 0, submitted = 0;
      for (size_t i = 0; i < v->n_states; i++) {
        const pl_report_state *s = &v->states[i];
        if ((int)s->parity != g)
          continue;
        states++;
        due += pl_cycle_is_reporting_year(s->parity, year);
        size_t k;
        json_t *r;
        bool did = false;
        json_array_foreach(v->reports, k, r) {
          did = did || (json_integer_value(json_object_get(r, "year")) == year &&
                        strcmp(json_string_value(json_object_get(
                                   json_object_get(r, "delegation"), "id")),
                               s->d.id) == 0);
        }
        submitted += did;
      }
      json_array_append_new(out, json_pack("{s:i, s:s, s:i, s:i, s:i}", "year", year, "group",
                                           PL_ENUM_NAME(pl_parity, g), "states", states, "due",
                                           due, "submitted", submitted));
    }
  return out;
}

pl_err pl_op_report_status(pl_op_ctx *c, json_t *args) {
  pl_err e = PL_OP_UNPACK(c, args, "{}");
  if (e)
    return e;
  pl_report_view v;
  if (pl_report_view_load(&v, c->now))
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  json_t *states = json_array();
  for (size_t i = 0; i < v.n_states; i++)
    json_array_append_new(states, state_json(&v, &v.states[i]));
  pl_report_state *mine = pl_report_view_state(&v, c->s->delegation.id);
  c->result = json_pack("{s:i, s:i, s:o, s:o, s:o}", "year", v.now_year, "first_year",
                        v.rotation.first_year, "states", states, "statistics", statistics(&v),
                        "mine", mine ? state_json(&v, mine) : json_null());
  pl_report_view_release(&v);
  return c->result ? PL_ERR_OK : pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
}

pl_err pl_op_report_rotation(pl_op_ctx *c, json_t *args) {
  int first_year = 0;
  json_t *groups = NULL;
  pl_err e = PL_OP_UNPACK(c, args, "{s?i, s?o}", "first_year", &first_year, "groups", &groups);
  if (e)
    return e;
  pl_report_view v;
  if (pl_report_view_load(&v, c->now))
    return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
  pl_rotation_rec rot = v.rotation;
  if (first_year && (first_year < 2000 || first_year > v.now_year + 2)) {
    pl_report_view_release(&v);
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'first_year' must be 2000 to %d",
                      v.now_year + 2);
  }
  if (first_year)
    rot.first_year = first_year;
  const char *id;
  json_t *g;
  if (groups && !json_is_object(groups))
    e = pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'groups' must map delegations to even or odd");
  json_object_foreach(groups, id, g) {
    int par = PL_ENUM_PARSE(pl_parity, json_string_value(g));
    if (e)
      break;
    if (par < 0)
      e = pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'groups.%.40s' must be even or odd", id);
    else if (!pl_report_view_state(&v, id))
      e = pl_op_fail(c, PL_ERR_NOT_FOUND, "no State '%.40s'", id);
    if (e)
      break;
    size_t k = 0;
    while (k < rot.n && strcmp(rot.set[k].delegation, id) != 0)
      k++;
    if (k == PL_ROTATION_MAX) {
      e = pl_op_fail(c, PL_ERR_BAD_REQUEST, "at most %d States are given a group",
                     PL_ROTATION_MAX);
      break;
    }
    snprintf(rot.set[k].delegation, PL_ID_LEN, "%s", id);
    rot.set[k].parity = (pl_parity)par;
    if (k == rot.n)
      rot.n++;
  }
  pl_report_view_release(&v);
  if (e)
    return e;
  pl_change ch;
  pl_change_init(&ch, c->now);
  pl_pevent ev = {.type = PL_PEV_REPORT_ROTATION, .rotation = &rot};
  pl_change_programme(&ch, &ev);
  if ((e = pl_op_commit(c, &ch)))
    return e;
  pl_reports_remind(c->now); /* a State may have fallen due */
  json_t *none = json_object();
  e = pl_op_report_status(c, none);
  json_decref(none);
  return e;
}

int pl_reports_remind(int64_t now) {
  pl_report_view v;
  if (pl_report_view_load(&v, now))
    return -1;
  pl_change ch;
  char msg[160];
  pl_change_init(&ch, now);
  size_t n = pl_report_view_reminders(&v, &ch);
  pl_err e = n ? pl_change_commit(&ch, msg, sizeof msg) : PL_ERR_OK;
  pl_change_release(&ch);
  pl_report_view_release(&v);
  if (e != PL_ERR_OK) {
    pl_log(PL_LOG_ERROR, "report.reminders", "msg", msg, NULL);
    return -1;
  }
  return (int)n;
}

/* A report falls due on the first of January of its year: an hourly
 * round finds it within the hour, and each reminder is sent once
 * (report_reminders). */
#define REMIND_EVERY_S 3600.

static ev_timer remind_timer;

static void on_remind(struct ev_loop *loop, ev_timer *w, int revents) {
  (void)loop;
  (void)w;
  (void)revents;
  pl_reports_remind(pl_now_ms());
}

void pl_reports_start(void) {
  pl_reports_remind(pl_now_ms());
  ev_timer_init(&remind_timer, on_remind, REMIND_EVERY_S, REMIND_EVERY_S);
  ev_timer_start(pl_srv->loop, &remind_timer);
}

void pl_reports_stop(void) {
  ev_timer_stop(pl_srv->loop, &remind_timer);
}
