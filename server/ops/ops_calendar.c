/*
 * Ops of the programme in time: schedule.suggest (contract section 7) and
 * programme.plan (the Programme's rhythm of review conferences and annual
 * meetings). The arithmetic is the core's
 * (core/schedule.h); zones come from libical through schedule_tz.c.
 */
#include "ops/ops_calendar.h"

#include <stdlib.h>
#include <string.h>

#include "base/server.h"
#include "cal/schedule_tz.h"
#include "cal/tz.h"
#include "live/commit.h"
#include "ops/deferred.h"
#include "store/store.h"
#include "wire/meeting_json.h"

#define MAX_SUGGEST 50
#define MAX_PLAN_YEARS 40

/* --- schedule.suggest ------------------------------------------------------ */

typedef struct deleg_list {
  pl_delegation_rec *d;
  size_t n, cap;
  bool states_only;
} deleg_list;

static int collect(void *ctx, const pl_delegation_rec *d) {
  deleg_list *l = ctx;
  if (l->states_only && d->kind != PL_DELEGATION_STATE)
    return 0;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 64;
    pl_delegation_rec *grown = realloc(l->d, cap * sizeof *grown);
    if (!grown)
      return -1;
    l->d = grown;
    l->cap = cap;
  }
  l->d[l->n++] = *d;
  return 0;
}

/* The delegations asked for by id, or every State when `ids` is NULL. */
static pl_err suggest_delegations(pl_op_ctx *c, json_t *ids, deleg_list *l) {
  if (!ids) {
    l->states_only = true;
    return pl_store_delegation_each(pl_srv->store, collect, l) != PL_STORE_OK
               ? pl_op_fail(c, PL_ERR_INTERNAL, "the store failed")
               : PL_ERR_OK;
  }
  if (!json_is_array(ids) || json_array_size(ids) > PL_SCHED_MAX_DELEGATIONS)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'delegations' must be a list of ids");
  size_t i;
  json_t *v;
  json_array_foreach(ids, i, v) {
    pl_delegation_rec d;
    const char *id = json_string_value(v);
    if (!id)
      return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'delegations[%zu]' must be a string", i);
    pl_store_rc rc = pl_store_delegation_get(pl_srv->store, id, &d);
    if (rc == PL_STORE_NOT_FOUND)
      return pl_op_fail(c, PL_ERR_NOT_FOUND, "no delegation '%.40s'", id);
    if (rc != PL_STORE_OK)
      return pl_op_fail(c, PL_ERR_INTERNAL, "the store failed");
    if (collect(l, &d))
      return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
  }
  return PL_ERR_OK;
}

static json_t *slot_json(const pl_sched_request *req, const pl_sched_slot *slot,
                         const deleg_list *l, pl_sched_outside *scratch) {
  json_t *outside = json_array();
  size_t n = pl_sched_outside_list(req, slot, scratch);
  for (size_t i = 0; i < n; i++)
    json_array_append_new(outside,
                          json_pack("{s:s, s:s, s:s, s:I}", "delegation",
                                    l->d[scratch[i].delegation].id, "name",
                                    l->d[scratch[i].delegation].name, "local_start",
                                    scratch[i].local_start, "burden",
                                    (json_int_t)(scratch[i].burden_s / 60)));
  return json_pack("{s:I, s:I, s:I, s:o}", "start", (json_int_t)slot->start_ms, "end",
                   (json_int_t)slot->end_ms, "burden", (json_int_t)(slot->burden_s / 60),
                   "outside", outside);
}

static pl_err parse_window(pl_op_ctx *c, json_t *window, pl_sched_request *req) {
  req->window_start_s = 8 * 3600;
  req->window_end_s = 20 * 3600;
  if (!window)
    return PL_ERR_OK;
  const char *a = json_string_value(json_array_get(window, 0));
  const char *b = json_string_value(json_array_get(window, 1));
  if (!json_is_array(window) || json_array_size(window) != 2 || !a || !b ||
      !pl_sched_parse_hhmm(a, &req->window_start_s) ||
      !pl_sched_parse_hhmm(b, &req->window_end_s))
    return pl_op_fail(c, PL_ERR_BAD_REQUEST,
                      "field 'window' must be two local times, e.g. [\"08:00\", \"20:00\"]");
  return PL_ERR_OK;
}

/* One schedule.suggest, prepared on the service thread (the delegations
 * and their zones' tables, from the store and libical), computed on the
 * worker by the core alone, and answered back on the service thread. */
typedef struct suggest_job {
  pl_sched_request req;
  deleg_list l;
  pl_sched_zones *zs;
  const pl_sched_zone **zones;
  pl_sched_slot *slots;
  pl_sched_outside *scratch;
  int64_t *by;
  size_t count, series, n;
  pl_sched_plan plan;
  pl_err e;
  char msg[256];
} suggest_job;

static void suggest_work(void *arg) {
  suggest_job *j = arg;
  if (j->series == 1) {
    j->e = pl_sched_suggest(&j->req, j->slots, j->count, &j->n, j->msg, sizeof j->msg);
    return;
  }
  j->plan = (pl_sched_plan){.slots = j->slots, .burden_by_delegation = j->by};
  j->e = pl_sched_plan_series(&j->req, j->series, &j->plan, j->msg, sizeof j->msg);
  j->n = j->series;
}

static pl_err suggest_done(void *arg, pl_op_ctx *c) {
  suggest_job *j = arg;
  if (j->e != PL_ERR_OK)
    return pl_op_fail(c, j->e, "%s", j->msg);
  json_t *list = json_array();
  for (size_t i = 0; i < j->n; i++)
    json_array_append_new(list, slot_json(&j->req, &j->slots[i], &j->l, j->scratch));
  if (j->series == 1) {
    c->result = json_pack("{s:o}", "slots", list);
    return PL_ERR_OK;
  }
  json_t *burden = json_array();
  for (size_t i = 0; i < j->l.n; i++)
    json_array_append_new(burden, json_pack("{s:s, s:s, s:I}", "delegation", j->l.d[i].id,
                                            "name", j->l.d[i].name, "burden",
                                            (json_int_t)(j->by[i] / 60)));
  c->result = json_pack("{s:o, s:o, s:I, s:I, s:b}", "slots", list, "burden_by_delegation",
                        burden, "max_burden", (json_int_t)(j->plan.max_burden_s / 60),
                        "sum_burden", (json_int_t)(j->plan.sum_burden_s / 60), "proven",
                        j->plan.proven);
  return PL_ERR_OK;
}

static void suggest_release(void *arg) {
  suggest_job *j = arg;
  free(j->l.d);
  free(j->zones);
  free(j->scratch);
  free(j->by);
  free(j->slots);
  pl_sched_zones_free(j->zs);
  free(j);
}

static const pl_deferred_ops suggest_ops = {suggest_work, suggest_done, suggest_release};

pl_err pl_op_schedule_suggest(pl_op_ctx *c, json_t *args) {
  const char *tz, *from, *to;
  json_int_t duration, count = 5, series = 1;
  json_t *ids = NULL, *window = NULL;
  pl_err e;
  if ((e = PL_OP_UNPACK(c, args, "{s:s, s:s, s:s, s:I, s?o, s?o, s?I, s?I}", "tz", &tz,
                             "date_from", &from, "date_to", &to, "duration_s", &duration,
                             "delegations", &ids, "window", &window, "count", &count,
                             "series", &series)))
    return e;
  suggest_job *j = calloc(1, sizeof *j);
  if (!j)
    return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
  pl_sched_request *req = &j->req;
  if (!pl_tz_is_known(tz))
    e = pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'tz': unknown time zone '%.64s'", tz);
  else if (!pl_sched_parse_date(from, &req->date_from) ||
           !pl_sched_parse_date(to, &req->date_to))
    e = pl_op_fail(c, PL_ERR_BAD_REQUEST,
                   "fields 'date_from' and 'date_to' must be dates YYYY-MM-DD");
  else if (req->date_to < req->date_from || req->date_to - req->date_from >= PL_SCHED_MAX_DAYS)
    e = pl_op_fail(c, PL_ERR_BAD_REQUEST, "'date_to' must be 0 to %d days after 'date_from'",
                   PL_SCHED_MAX_DAYS - 1);
  else if (duration < 900 || duration > PL_SCHED_MAX_DURATION_S)
    e = pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'duration_s' must be 900 to %d",
                   PL_SCHED_MAX_DURATION_S);
  else if (count < 1 || count > MAX_SUGGEST || series < 1 || series > PL_SCHED_MAX_SERIES)
    e = pl_op_fail(c, PL_ERR_BAD_REQUEST, "fields 'count' (1 to %d) and 'series' "
                   "(1 to %d) are out of range", MAX_SUGGEST, PL_SCHED_MAX_SERIES);
  else
    e = parse_window(c, window, req);
  if (e) {
    suggest_release(j);
    return e;
  }
  req->duration_s = (int32_t)duration;
  j->count = (size_t)count;
  j->series = (size_t)series;
  if (!(j->zs = pl_sched_zones_new(req->date_from, req->date_to))) {
    suggest_release(j);
    return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
  }
  if ((e = suggest_delegations(c, ids, &j->l))) {
    suggest_release(j);
    return e;
  }
  size_t n = j->l.n;
  j->zones = calloc(n + 1, sizeof *j->zones);
  j->scratch = calloc(n + 1, sizeof *j->scratch);
  j->by = calloc(n + 1, sizeof *j->by);
  j->slots = calloc(j->count > j->series ? j->count : j->series, sizeof *j->slots);
  req->tz = pl_sched_zones_get(j->zs, tz);
  if (!j->zones || !j->scratch || !j->by || !j->slots || !req->tz) {
    suggest_release(j);
    return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
  }
  for (size_t i = 0; i < n; i++)
    if (!(j->zones[i] = pl_sched_zones_get(j->zs, j->l.d[i].tz))) {
      e = pl_op_fail(c, PL_ERR_INTERNAL, "delegation %s has an unknown zone", j->l.d[i].id);
      suggest_release(j);
      return e;
    }
  req->zones = j->zones;
  req->n_delegations = n;
  return pl_defer(c, j, &suggest_ops);
}

/* --- programme.plan -------------------------------------------------------- */

/* The first `days` working days (Monday to Friday) from the first Monday of
 * June of `year`: "YYYY-MM-DD" of the first and the last. A fixed, plain
 * rule; the secretariat moves any meeting with meeting.update. */
static void working_days(int32_t year, int days, char *first, char *last) {
  int32_t d = pl_sched_days_from_civil(year, 6, 1);
  while (pl_sched_weekday(d) != 0)
    d++;
  int32_t y, m, dd, end = d;
  for (int left = days - 1; left > 0; left--) {
    end++;
    while (pl_sched_weekday(end) >= 5)
      end++;
  }
  pl_sched_civil_from_days(d, &y, &m, &dd);
  snprintf(first, 11, "%04d-%02d-%02d", y, m, dd);
  pl_sched_civil_from_days(end, &y, &m, &dd);
  snprintf(last, 11, "%04d-%02d-%02d", y, m, dd);
}

/* The meetings of one year: the morning and the afternoon sessions (10:00 to
 * 13:00 and 15:00 to 18:00 local), each a meeting repeating on the working
 * days, so calendars show the lunch break and each session has its own list
 * of speakers, as each UN plenary meeting has. */
static pl_err plan_year(pl_op_ctx *c, pl_change *ch, int32_t year, bool review,
                        const char *tz, const char *location) {
  static const struct { const char *name, *start, *end; } sessions[] = {
      {"morning", "10:00", "13:00"}, {"afternoon", "15:00", "18:00"}};
  char first[11], last[11], json_buf[1536];
  int days = review ? 10 : 5;
  working_days(year, days, first, last);
  for (size_t i = 0; i < 2; i++) {
    snprintf(json_buf, sizeof json_buf,
             "{\"title\": \"%s %d, %s sessions\", \"kind\": \"%s\", \"format\": \"hybrid\","
             " \"start\": \"%sT%s\", \"end\": \"%sT%s\","
             " \"rrule\": \"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=%d\", \"items\": ["
             "{\"title\": \"General exchange of views\"},"
             "{\"title\": \"Statements by observers and stakeholders\", \"kind\": \"stakeholder\"}]}",
             review ? "Review conference" : "Annual meeting", year, sessions[i].name,
             review ? "review_conference" : "annual_meeting", first, sessions[i].start, first,
             sessions[i].end, days);
    json_t *args = json_loads(json_buf, 0, NULL);
    pl_meeting_rec rec;
    if (!args || pl_meeting_init_defaults(&rec)) {
      json_decref(args);
      return pl_op_fail(c, PL_ERR_INTERNAL, "out of memory");
    }
    json_object_set_new(args, "tz", json_string(tz));
    if (*location)
      json_object_set_new(args, "location", json_string(location));
    pl_err e = pl_meeting_from_json(&rec, args, PL_MEETING_CREATE, c->msg, sizeof c->msg);
    if (e == PL_ERR_OK)
      pl_change_meeting_new(ch, &rec, PL_PEV_MEETING_PLANNED);
    json_decref(args);
    pl_meeting_rec_release(&rec);
    if (e)
      return e;
  }
  return PL_ERR_OK;
}

pl_err pl_op_programme_plan(pl_op_ctx *c, json_t *args) {
  json_int_t first_year, years;
  const char *tz, *location = "";
  pl_err e = PL_OP_UNPACK(c, args, "{s:I, s:I, s:s, s?s}", "first_year", &first_year,
                          "years", &years, "tz", &tz, "location", &location);
  if (e)
    return e;
  if (first_year < 2000 || first_year > 2200 || years < 1 || years > MAX_PLAN_YEARS)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "fields 'first_year' (2000 to 2200) and 'years' "
                      "(1 to %d) are out of range", MAX_PLAN_YEARS);
  if (!pl_tz_is_known(tz))
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'tz': unknown time zone '%.64s'", tz);
  if (!pl_text_is_single_line(location) || strlen(location) >= PL_TITLE_LEN)
    return pl_op_fail(c, PL_ERR_BAD_REQUEST, "field 'location' must be one line");
  pl_change ch;
  pl_change_init(&ch, c->now);
  /* The first year holds a review conference; every fourth year after it
   * another; the years between hold the annual meeting. */
  for (json_int_t i = 0; i < years && !e; i++)
    e = plan_year(c, &ch, (int32_t)(first_year + i), i % 4 == 0, tz, location);
  if (e == PL_ERR_OK)
    e = pl_change_commit(&ch, c->msg, sizeof c->msg);
  if (e == PL_ERR_OK) {
    json_t *list = json_array();
    for (size_t i = 0; i < ch.n_prog; i++) /* each a meeting.planned */
      json_array_append_new(list, pl_json_meeting(ch.prog[i].ev.meeting));
    c->result = json_pack("{s:o}", "meetings", list);
  }
  pl_change_release(&ch);
  return e;
}
