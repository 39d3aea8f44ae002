/*
 * Fair scheduling across time zones: the arithmetic of contract section 7
 * (schedule.suggest), pure. It knows no zone names and reads no zone data:
 * the shell (schedule_tz.c) turns each IANA zone into a pl_sched_zone, a
 * table of UTC offsets valid from given instants, computed with libical for
 * the dates asked. Everything here is then integer arithmetic on that data,
 * which is why it can be tested against a brute-force reference.
 *
 * Units: instants are ms since the Unix epoch, UTC. A "local ms" is the wall
 * clock of a zone read as if it were UTC (utc_ms + offset_s * 1000), so that
 * its date and time of day come out of plain division. Dates are days since
 * 1970-01-01. Burdens are seconds (the wire shows minutes: divide by 60,
 * exact whenever durations and offsets are whole minutes, as in all zones
 * since 1972).
 */
#ifndef PL_CORE_SCHEDULE_H
#define PL_CORE_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define PL_SCHED_GRID_S 900              /* candidates every 15 minutes */
#define PL_SCHED_MAX_DAYS 400            /* date_to - date_from + 1, at most */
#define PL_SCHED_MAX_DURATION_S 86400    /* a meeting of at most one day */
#define PL_SCHED_MAX_DELEGATIONS 1024
#define PL_SCHED_MAX_SERIES 64
#define PL_SCHED_SEARCH_BUDGET 120000000ULL /* plan search work (bound checks x zones) */

/* From from_ms on (until the next span), the zone is offset_s east of UTC. */
typedef struct pl_sched_span {
  int64_t from_ms;
  int32_t offset_s;
} pl_sched_span;

/* A zone as data: spans sorted by from_ms, n >= 1. The first span also holds
 * before its from_ms and the last one forever after, so a table needs to be
 * exact only over the instants asked about. */
typedef struct pl_sched_zone {
  const pl_sched_span *spans; /* borrowed */
  size_t n;
} pl_sched_zone;

typedef struct pl_sched_request {
  const pl_sched_zone *tz; /* borrowed: the zone dates and weekends are read in */
  int32_t date_from;       /* first local date in tz (days since epoch) */
  int32_t date_to;         /* last local date, inclusive */
  int32_t duration_s;      /* 1 .. PL_SCHED_MAX_DURATION_S */
  /* zones[i] is the zone of delegation i (borrowed; delegations sharing a
   * zone may share the pointer). n_delegations may be 0. */
  const pl_sched_zone *const *zones;
  size_t n_delegations;
  /* Acceptable local hours of every delegation, seconds after local midnight,
   * each in 0 .. 86400: [window_start_s, window_end_s). start > end wraps
   * past midnight (22:00-06:00); start == end means the whole day. */
  int32_t window_start_s;
  int32_t window_end_s;
} pl_sched_request;

/* One candidate meeting time and how it weighs. */
typedef struct pl_sched_slot {
  int64_t start_ms, end_ms; /* UTC */
  int32_t date;             /* its local date in tz */
  int64_t burden_s;         /* sum over delegations of time outside the window */
  uint32_t n_outside;       /* delegations with some time outside */
} pl_sched_slot;

/* A series: n meetings on n different local dates. */
typedef struct pl_sched_plan {
  pl_sched_slot *slots;          /* caller's array of `series` slots; OUT, by start */
  int64_t *burden_by_delegation; /* caller's array of n_delegations; OUT */
  int64_t max_burden_s;          /* OUT: the largest entry of burden_by_delegation */
  int64_t sum_burden_s;          /* OUT: their sum */
  bool proven;                   /* OUT: false when the search budget ran out first */
} pl_sched_plan;

/* ---- Calendar arithmetic (proleptic Gregorian) ---- */

/* Days since 1970-01-01 of y-m-d; the date must be valid. */
int32_t pl_sched_days_from_civil(int32_t y, int32_t m, int32_t d);
void pl_sched_civil_from_days(int32_t days, int32_t *y, int32_t *m, int32_t *d);
/* 0 = Monday .. 6 = Sunday. */
int pl_sched_weekday(int32_t days);
/* Parses "YYYY-MM-DD" (a real date, year 1900..9999) into days. */
bool pl_sched_parse_date(const char *s, int32_t *days /* OUT */);
/* Parses "HH:MM" (00:00 .. 24:00) into seconds after midnight. */
bool pl_sched_parse_hhmm(const char *s, int32_t *secs /* OUT */);
/* Floor division of ms into days, for local ms before 1970 too. */
int32_t pl_sched_day_of(int64_t local_ms);

/* ---- Zones as data ---- */

/* Offset of `z` at UTC instant utc_ms. */
int32_t pl_sched_offset(const pl_sched_zone *z, int64_t utc_ms);
/* The wall clock of `z` at utc_ms, as local ms. */
int64_t pl_sched_local_ms(const pl_sched_zone *z, int64_t utc_ms);
/* Every UTC instant whose wall clock in `z` reads local_ms, ascending: 0 in a
 * gap (spring forward), 2 in an overlap (fall back), else 1. Returns how many
 * were written to out (at most cap; 2 is always enough for real zones). */
size_t pl_sched_from_local(const pl_sched_zone *z, int64_t local_ms, int64_t *out, size_t cap);

/* ---- Burden ---- */

/* Seconds of [start_ms, start_ms + duration_s) that delegation `d` spends
 * outside its window, each moment judged on its own local date and offset
 * (a meeting may cross local midnight or a DST change). */
int64_t pl_sched_burden(const pl_sched_request *req, size_t d, int64_t start_ms);

/* ---- schedule.suggest ---- */

/* Fills out[0..*n_out) with the best min(cap, candidates) slots, ranked by
 * burden, then fewer delegations outside, then earlier. Candidates are the
 * instants whose wall clock in req->tz is on the 15-minute grid of a weekday
 * between date_from and date_to: a time skipped by a DST change is no
 * candidate, a repeated one gives two. Returns PL_ERR_OK, PL_ERR_BAD_REQUEST
 * (msg names the field) or PL_ERR_INTERNAL (out of memory). */
pl_err pl_sched_suggest(const pl_sched_request *req, pl_sched_slot *out, size_t cap,
                        size_t *n_out /* OUT */, char *msg, size_t msglen);

/* Plans `series` (>= 1) meetings on different local dates, minimising the
 * largest total burden a delegation carries over the plan, then the sum.
 * Exact when plan->proven: branch and bound over per-day Pareto fronts (see
 * schedule_plan.c for the argument and the bound). Returns as
 * pl_sched_suggest; BAD_REQUEST also when fewer weekdays than `series`. */
pl_err pl_sched_plan_series(const pl_sched_request *req, size_t series,
                            pl_sched_plan *plan, char *msg, size_t msglen);

#endif
